"""The Certificate record: validation, exports, and reading as a proof."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import InvalidArgumentError
from bilinear.verification.certificates import Certificate, Check
from bilinear.verification.verifier import verify


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
