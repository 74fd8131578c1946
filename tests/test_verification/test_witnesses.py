"""check_witness: every "no" of classify() carries a witness that proves it."""

from __future__ import annotations

import pytest

from bilinear.automata import tasks
from bilinear.errors import InvalidArgumentError, UnknownLevelError
from bilinear.theory import classify
from bilinear.verification.witnesses import check_witness

SPECS = ["parity", "cyclic:n=5", "dihedral:n=4", "symmetric:n=3", "alternating:n=5",
         "quaternion", "flip_flop:n=2", "threshold:k=3", "modular_arithmetic:m=3",
         "first_symbol"]


@pytest.mark.parametrize("spec", SPECS)
def test_every_no_verdict_is_proved_by_its_witness(spec: str) -> None:
    d = tasks.resolve(spec).dfa
    c = classify(d)
    for level, verdict in c.levels.items():
        if verdict.verdict != "no":
            continue
        w = verdict.witness
        assert w is not None, (spec, level)
        b = c.to_dict().get("block_size") if level == "block" else None
        result = check_witness(d, level, w, block_size=b or 2)
        assert result.valid, (spec, level, w)
        assert result.proves, (spec, level, result.reason)


def test_a_witness_does_not_prove_too_much() -> None:
    d = tasks.get("flip_flop").dfa
    w = {"kind": "commutation", "words": [["1", "2"], ["2", "1"]], "suffix": []}
    assert check_witness(d, "real_diagonal", w).proves
    for level in ("block", "full", "monomial", "cp"):
        r = check_witness(d, level, w)
        assert r.valid and not r.excludes and not r


def test_a_false_witness_is_rejected() -> None:
    d = tasks.get("cyclic", n=4).dfa            # commutative: no commutation witness exists
    w = {"kind": "commutation", "words": [["1", "1"], ["1", "1"]], "suffix": []}
    r = check_witness(d, "real_diagonal", w)
    assert not r.valid and not r.proves and "does not hold" in r.reason


def test_period_witness_by_level() -> None:
    d = tasks.get("cyclic", n=3).dfa
    w = {"kind": "period", "words": [["1"]], "period": 3, "allowed_periods": [1, 2]}
    assert check_witness(d, "positive_diagonal", w).proves
    assert check_witness(d, "real_diagonal", w).proves
    assert not check_witness(d, "complex_diagonal", w).proves
    assert check_witness(d, "complex_diagonal", w, notion="fp").proves


def test_group_witness_by_block_size() -> None:
    d = tasks.get("alternating", n=5).dfa
    w = {"kind": "nonsolvable", "image_word": [], "words": [[]],
         "generator_words": [[a] for a in d.alphabet]}
    assert check_witness(d, "block", w, block_size=2).proves
    assert not check_witness(d, "block", w, block_size=3).proves


def test_bad_input() -> None:
    d = tasks.get("parity").dfa
    with pytest.raises(UnknownLevelError):
        check_witness(d, "diagonal", {"kind": "period"})
    with pytest.raises(InvalidArgumentError):
        check_witness(d, "block", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        check_witness(d, "block", {"kind": "period"}, notion="sometimes")
