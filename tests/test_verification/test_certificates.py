"""The Certificate record: validation, exports, and reading as a proof."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import InvalidArgumentError
from bilinear.verification import kernel
from bilinear.verification.certificates import Certificate, Check
from bilinear.verification.verifier import kernel_inputs, verify


def test_validation_runs() -> None:
    with pytest.raises(InvalidArgumentError, match="unknown method"):
        Certificate(holds=True, method="magic")
    with pytest.raises(InvalidArgumentError, match="no counterexample"):
        Certificate(holds=True, method="exact", counterexample=("a",))
    with pytest.raises(InvalidArgumentError, match="every check"):
        Certificate(holds=True, method="exact", checked=(Check("x", 1, False),))
    with pytest.raises(InvalidArgumentError):
        Check("", 1, True)
    with pytest.raises(InvalidArgumentError):
        Check("x", -1, True)


def test_frozen() -> None:
    c = Certificate(holds=False, method="float", counterexample=["a", "b"])
    assert c.counterexample == ("a", "b")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.holds = True  # type: ignore[misc]


def test_exports_of_a_real_certificate() -> None:
    d = tasks.get("dihedral", n=4).dfa
    cert = verify(compile_automaton(d, level="block"), d)
    assert cert.holds and cert.verdict == "proved"
    data = json.loads(cert.to_json())
    assert data["holds"] is True and data["method"] == "exact"
    assert data["cases"] == cert.cases == sum(c["cases"] for c in data["checked"])
    md = cert.to_markdown()
    assert "**Proof.**" in md and "QED" in md
    tex = cert.to_latex()
    assert r"\begin{proof}" in tex and r"\end{proof}" in tex


def test_refutation_exports() -> None:
    c = Certificate(holds=False, method="exact", counterexample=("1", "1"), task="Z5",
                    model="m", failure={"step": 2, "expected": "2", "decoded": None})
    md = c.to_markdown()
    assert 'w = "11" (length 2)' in md and "a tie between readout rows" in md
    assert c.verdict == "refuted" and "fails Z5" in c.summary()
    assert r"\paragraph{Counterexample.}" in c.to_latex()
    assert json.loads(c.to_json())["counterexample"] == ["1", "1"]


def test_not_certified_reads_as_such() -> None:
    c = Certificate(holds=False, method="float", details={"reason": "cap"})
    assert c.verdict == "not certified"
    assert "**Not certified.** cap" in c.to_markdown()


# ------------------------------------------------------------------ from_dict
def _produced() -> list[tuple[str, object, object, Certificate]]:
    """(name, task, model, certificate) of every kind the tests produce."""
    out = []
    for name, spec, level, kw in [
            ("parity", "parity", "real_diagonal", {}),
            ("modular_addition (number field)", "modular_addition:m=5", "complex_diagonal", {}),
            ("modular_addition (cyclotomic)", "modular_addition:m=25", "full", {}),
            ("one-hot (monomial)", "random_fsm:states=60,symbols=3,seed=4", "full",
             {"sparse": True}),
            ("cells", "threshold:k=4", "positive_diagonal", {"notion": "rob"}),
            ("fp", "threshold:k=3", "positive_diagonal", {"notion": "fp"})]:
        t = tasks.resolve(spec)
        rnn = compile_automaton(t.dfa, level=level, **kw)
        out.append((name, t, rnn, verify(rnn, t)))
    t = tasks.get("cyclic", n=60)
    rnn = compile_automaton(t.dfa, level="complex_diagonal")
    out.append(("float refutation", t, rnn, verify(rnn, t, method="float", dtype="bfloat16")))
    return out


def test_from_dict_inverts_to_dict() -> None:
    kinds = set()
    for name, t, rnn, cert in _produced():
        doc = json.loads(cert.to_json())
        back = Certificate.from_dict(doc)
        assert back.to_dict() == doc, name
        assert (back.holds, back.method, back.counterexample, back.cases) == (
            cert.holds, cert.method, cert.counterexample, cert.cases), name
        assert back.summary() == cert.summary() and back.to_markdown() == cert.to_markdown()
        if cert.holds:
            assert back.evidence is not None and back.evidence.to_dict() == doc["evidence"]
            model, automaton = kernel_inputs(rnn, t.dfa)
            assert kernel.recheck(back.evidence, model, automaton).agrees, name
            kinds.add((back.evidence.kind, back.evidence.number_format))
        else:
            assert back.evidence is None and back.counterexample, name
    assert {k for k, _ in kinds} == {"orbit", "monomial", "cells", "float"}
    assert {"ZZ", "algebraic", "cyclotomic"} <= {f for _, f in kinds}


@pytest.mark.parametrize(("doc", "match"), [
    ([], "JSON object"),
    ({"method": "exact"}, "missing"),
    ({"holds": "yes", "method": "exact"}, "holds"),
    ({"holds": True, "method": "magic"}, "method"),
    ({"holds": True, "method": "exact", "checked": [{"statement": "x", "cases": -1,
                                                      "holds": True}]}, "cases"),
    ({"holds": True, "method": "exact", "checked": "x"}, "checked"),
    ({"holds": False, "method": "exact", "counterexample": "ab"}, "counterexample"),
    ({"holds": True, "method": "exact", "cases": 3}, "cases"),
    ({"holds": True, "method": "exact", "evidence": {"kind": "magic"}}, "evidence kind"),
])
def test_from_dict_refuses_malformed_certificates(doc, match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        Certificate.from_dict(doc)


_text = st.text(max_size=12)
_checks = st.lists(st.builds(Check, statement=st.text(min_size=1, max_size=12),
                             cases=st.integers(0, 10**6), holds=st.booleans(), note=_text),
                   max_size=4)


@given(checks=_checks, word=st.none() | st.lists(st.sampled_from("ab"), max_size=5),
       task=_text, model=_text,
       details=st.dictionaries(st.sampled_from(["reason", "pairs", "notes", "field"]),
                               st.integers() | _text | st.lists(_text, max_size=3), max_size=4))
def test_from_dict_is_a_left_inverse_of_to_dict(checks, word, task, model, details) -> None:
    holds = word is None and all(c.holds for c in checks)
    c = Certificate(holds=holds, method="orbit", checked=tuple(checks), task=task, model=model,
                    counterexample=word, details=details,
                    failure=None if word is None else {"step": len(word), "expected": "1"})
    doc = json.loads(c.to_json())
    assert Certificate.from_dict(doc).to_dict() == doc
    assert Certificate.from_dict(doc) == Certificate.from_dict(c.to_dict())
