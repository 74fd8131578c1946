"""The worked examples of docs/explanation/levels.md#examples as a table: verdicts and real
dimensions (Sim_fin).

Columns: pdiag, rdiag, cdiag, block(2), full.  An entry is ``None`` for "no" (a witness must be
attached and re-run), ``"?"`` for "unknown", or the dimension ``dim_upper`` of a "yes".  For
full the lower bound is checked too where docs/explanation/levels.md#examples gives an exact value.

Dimensions are for the linear readout of docs/explanation/conventions.md#decoding (no bias, ties
fail): where docs/explanation/levels.md#examples writes "k (+1 bias)" or encodes a state as 0
(seen-a, thresholds), the table has one more coordinate; the last column is the ``d_enc`` of
docs/explanation/bounds.md#d-enc (decoder ``D_aff``).
"""

from __future__ import annotations

import pytest

from bilinear.automata import DFA, tasks
from bilinear.theory import check_witness_basic, classify

LEVELS = ("positive_diagonal", "real_diagonal", "complex_diagonal", "block", "full")


def seen_a() -> DFA:
    return DFA(states=["no", "yes"], alphabet=["a", "b"],
               transitions={("no", "a"): "yes", ("no", "b"): "no",
                            ("yes", "a"): "yes", ("yes", "b"): "yes"},
               start="no", labels={"no": False, "yes": True}, name="seen_a")


# task spec -> (pdiag, rdiag, cdiag, block2, full), minimal level, full lower bound, d_enc
EXAMPLES = {
    "seen_a": ((2, 2, 2, 2, 2), "positive_diagonal", 1, 1),
    "parity": ((None, 1, 1, 1, 1), "real_diagonal", 1, 1),
    "cyclic:n=3": ((None, None, 2, 2, 2), "complex_diagonal", 2, 2),
    "cyclic:n=5": ((None, None, 2, 2, 2), "complex_diagonal", 2, 2),
    "cyclic:n=12": ((None, None, 2, 2, 2), "complex_diagonal", 2, 2),
    "threshold:k=2": ((None, None, None, 3, 3), "block", 2, 2),
    "threshold:k=3": ((None, None, None, None, 4), "full", 3, 3),
    "threshold:k=5": ((None, None, None, None, 6), "full", 5, 5),
    "flip_flop": ((None, None, None, 2, 2), "block", 2, 2),
    "symmetric:n=3": ((None, None, None, 2, 2), "block", 2, 2),
    "symmetric:n=3,action=points": ((None, None, None, 2, 2), "block", 2, 2),
    "dihedral:n=5": ((None, None, None, 2, 2), "block", 2, 2),
    "quaternion": ((None, None, None, 4, 4), "block", 3, 4),
    "alternating:n=4": ((None, None, None, None, 3), "full", 3, 3),
    "symmetric:n=4": ((None, None, None, None, 3), "full", 3, 3),
    "alternating:n=5": ((None, None, None, None, 3), "full", 3, 3),
    "alternating:n=5,action=points": ((None, None, None, None, 3), "full", 3, 4),
    "symmetric:n=5,action=points": ((None, None, None, None, 4), "full", 4, 4),
    "symmetric:n=5": ((None, None, None, None, 4), "full", 4, 4),
}


def _dfa(spec: str) -> DFA:
    return seen_a() if spec == "seen_a" else tasks.resolve(spec).dfa


@pytest.mark.parametrize("spec", sorted(EXAMPLES))
def test_worked_example(spec: str) -> None:
    dims, minimal, full_lower, denc = EXAMPLES[spec]
    dfa = _dfa(spec)
    c = classify(dfa)
    for name, want in zip(LEVELS, dims, strict=True):
        v = c.levels[name]
        if want is None:
            assert v.verdict == "no", (spec, name, v)
            assert check_witness_basic(dfa, v.witness), (spec, name, v.witness)
        elif want == "?":
            assert v.verdict == "unknown", (spec, name, v)
        else:
            assert v.verdict == "yes", (spec, name, v)
            assert v.dim_upper == want, (spec, name, v)
            assert v.construction, (spec, name)
    assert c.minimal_level == minimal
    assert c.block_size == (2 if minimal == "block" else None)
    assert c.levels["full"].dim_lower == full_lower
    assert c.levels["full"].extra["dim_enc_upper"] == denc


def test_threshold_robust_is_one_dimensional() -> None:
    """docs/explanation/levels.md#examples: |w|_a >= k needs 1 coordinate in Sim_rob / FP, k in
    Sim_fin."""
    dfa = tasks.get("threshold", k=4).dfa
    for notion in ("rob", "fp"):
        c = classify(dfa, notion)
        assert c.minimal_level == "positive_diagonal"
        assert c.levels["positive_diagonal"].dim_upper == 2  # 1 (+1 bias)
    assert classify(dfa, "fin").levels["full"].dim_upper == 5
    assert classify(dfa, "fin").levels["full"].dim_lower == 4


def test_abelian_costs() -> None:
    """docs/explanation/levels.md#cdiag: cost(G) for Z2 x Z4 -> 3, Z2^3 -> 3 (real diagonal), Z3^2
    -> 4."""
    c = classify(tasks.resolve("abelian:orders=2x4").dfa)
    assert (c.minimal_level, c.levels["complex_diagonal"].dim_upper) == ("complex_diagonal", 3)
    c = classify(tasks.resolve("abelian:orders=2x2x2").dfa)
    assert (c.minimal_level, c.levels["real_diagonal"].dim_upper) == ("real_diagonal", 3)
    c = classify(tasks.resolve("abelian:orders=3x3").dfa)
    assert c.levels["complex_diagonal"].dim_upper == c.levels["complex_diagonal"].dim_lower == 4


def test_block3_excludes_s5_but_not_a5() -> None:
    """docs/explanation/levels.md#block: S5 is not in V_3 (exponent argument); A5 is
    (icosahedral)."""
    s5 = classify(tasks.get("symmetric", n=5).dfa, block_size=3)
    assert s5.levels["block"].verdict == "no"
    assert s5.levels["block"].witness["kind"] == "v3_exponent"
    assert check_witness_basic(tasks.get("symmetric", n=5).dfa, s5.levels["block"].witness)
    a5 = classify(tasks.get("alternating", n=5).dfa, block_size=3)
    assert a5.levels["block"].verdict == "yes" and a5.levels["block"].dim_upper == 3
    assert a5.minimal_level == "block" and a5.block_size == 3


def test_fp_examples() -> None:
    """Floating point: parity exact at -1; Z5 rotations unknown in R2, exact integer Z3."""
    assert classify(tasks.get("parity").dfa, "fp").minimal_level == "real_diagonal"
    z5 = classify(tasks.get("cyclic", n=5).dfa, "fp")
    assert z5.levels["complex_diagonal"].verdict == "unknown"
    assert z5.levels["full"].dim_upper == 4  # psi(5) integer companion
    z3 = classify(tasks.get("cyclic", n=3).dfa, "fp")
    assert z3.levels["block"].verdict == "yes" and z3.levels["block"].construction == \
        "cyclic_integer"
    s3 = classify(tasks.get("symmetric", n=3).dfa, "fp")
    assert s3.levels["complex_diagonal"].witness["kind"] == "nonabelian_group"


def test_to_dict_schema() -> None:
    d = classify(tasks.get("cyclic", n=5).dfa, task="cyclic:n=5").to_dict()
    assert d["task"] == "cyclic:n=5" and d["states"] == 5 and d["alphabet"] == ["1"]
    assert d["notion"] == "fin"
    for key in ("monoid_size", "commutative", "aperiodic", "group", "group_order", "abelian",
                "solvable", "abelian_invariants"):
        assert key in d["algebra"]
    assert d["algebra"]["abelian_invariants"] == [5]
    assert d["algebra"]["monoid_size"] == 5
    assert set(d["levels"]) == {"positive_diagonal", "real_diagonal", "complex_diagonal",
                                "block", "full", "monomial", "cp"}
    for v in d["levels"].values():
        assert v["verdict"] in ("yes", "no", "unknown")
        for key in ("dim_upper", "dim_lower", "reason"):
            assert key in v
        if v["verdict"] == "no":
            assert v["witness"]["kind"] and isinstance(v["witness"]["words"], list)
    w = d["levels"]["positive_diagonal"]["witness"]
    assert w["kind"] == "period" and w["words"] == [["1"]] and w["period"] == 5
    assert w["allowed_periods"] == [1]
    assert d["minimal_level"] == "complex_diagonal" and d["block_size"] is None
    import json

    json.dumps(d)
