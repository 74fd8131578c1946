"""``classify_suite``: the placements theory gives the Chomsky regular tasks, with witnesses."""

from __future__ import annotations

import json

import pytest

from bilinear.automata import suites, tasks
from bilinear.errors import InvalidArgumentError, UnknownTaskError
from bilinear.theory import (
    SuiteClassification,
    SuiteTaskClassification,
    check_witness_basic,
    classify_suite,
    witness_text,
)
from bilinear.vocabulary import CHAIN


@pytest.fixture(scope="module")
def chomsky() -> SuiteClassification:
    return classify_suite("chomsky-regular")


def test_chomsky_placements(chomsky: SuiteClassification) -> None:
    lowest = {t.task: t.lowest_level for t in chomsky.tasks}
    assert lowest == {
        "parity_check": "real_diagonal",
        "cycle_navigation": "complex_diagonal",
        "even_pairs": "full",
        "modular_arithmetic": "full",
    }
    # even_pairs and modular_arithmetic: above the diagonals, every diagonal level a proved "no"
    for name in ("even_pairs", "modular_arithmetic"):
        verdicts = chomsky.task(name).verdicts
        assert [verdicts[n] for n in CHAIN[:3]] == ["no", "no", "no"]
    assert chomsky.task("parity_check").verdicts["positive_diagonal"] == "no"
    assert [chomsky.task("cycle_navigation").verdicts[n] for n in CHAIN[:2]] == ["no", "no"]


def test_every_no_has_a_checkable_witness(chomsky: SuiteClassification) -> None:
    for t in chomsky.tasks:
        dfa = tasks.resolve(t.spec).dfa
        nos = [n for n in CHAIN if t.verdicts[n] == "no"]
        assert sorted(t.witnesses) == sorted(nos) and nos
        for w in t.witnesses.values():
            assert check_witness_basic(dfa, w)


def test_witness_kinds(chomsky: SuiteClassification) -> None:
    assert chomsky.task("even_pairs").witnesses["complex_diagonal"]["kind"] == "commutation"
    assert chomsky.task("modular_arithmetic").witnesses["real_diagonal"]["kind"] == "commutation"
    assert (
        witness_text(chomsky.task("parity_check").witnesses["positive_diagonal"])
        == "period: 1 has period 2 (allowed: 1)"
    )
    assert chomsky.task("cycle_navigation").witnesses["real_diagonal"]["kind"] == "period"


def test_family_notes(chomsky: SuiteClassification) -> None:
    assert "negative eigenvalue" in chomsky.task("parity_check").note
    assert "rotations" in chomsky.task("cycle_navigation").note
    even = chomsky.task("even_pairs").note
    assert "star-free" in even and "not commutative" in even and "ONE bilinear layer" in even
    assert "Mamba" in even and "additive" in even and "several layers" in even
    assert "above the diagonals" in chomsky.task("modular_arithmetic").note


def test_round_trip(chomsky: SuiteClassification) -> None:
    data = json.loads(json.dumps(chomsky.to_dict()))
    assert data["chain"] == list(CHAIN)
    assert data["tasks"][1]["lowest_level"] == "real_diagonal"
    assert SuiteClassification.from_dict(data) == chomsky
    one = chomsky.tasks[0]
    assert SuiteTaskClassification.from_dict(one.to_dict()) == one


def test_small_suites_cover_every_task() -> None:
    for name in ("tomita", "sdssm-groups"):
        c = classify_suite(name)
        assert [t.task for t in c.tasks] == [t.name for t in suites.suite(name).tasks]
        assert all(t.lowest_level in CHAIN for t in c.tasks)
        assert all(t.note for t in c.tasks)
    assert classify_suite("sdssm-groups").task("C2xC4").lowest_level == "complex_diagonal"
    assert classify_suite("sdssm-groups").task("D4").lowest_level == "block"


def test_bad_input() -> None:
    with pytest.raises(UnknownTaskError, match="the suites are chomsky-regular"):
        classify_suite("nope")
    with pytest.raises(UnknownTaskError, match="its tasks are even_pairs"):
        classify_suite("chomsky-regular").task("parity")
    with pytest.raises(InvalidArgumentError):
        SuiteClassification.from_dict({"suite": "x"})
