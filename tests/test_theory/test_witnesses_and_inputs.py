"""Every "no" over the catalogue carries a witness that re-runs; bad input gives clear errors."""

from __future__ import annotations

import pytest

from bilinear.automata import DFA, tasks
from bilinear.errors import IncompleteAutomatonError, InvalidArgumentError, UnknownLevelError
from bilinear.theory import (
    CHAIN,
    LEVELS,
    NOTIONS,
    WITNESS_KINDS,
    check_witness_basic,
    classify,
    level,
    parameter_count,
)

CATALOGUE = ["parity", "modular_addition:m=4", "modular_arithmetic:m=3", "cyclic:n=7",
             "abelian:orders=2x6", "dihedral:n=6", "symmetric:n=4,action=points",
             "alternating:n=4", "quaternion", "flip_flop:n=3", "gridworld:n=4",
             "threshold:k=2", "first_symbol", "regex:pattern=(a|b)*abb",
             "random_fsm:states=8,symbols=3,seed=4", "random_fsm:states=12,symbols=2,seed=5"]


@pytest.mark.parametrize("spec", CATALOGUE)
def test_catalogue_witnesses_rerun(spec: str) -> None:
    dfa = tasks.resolve(spec).dfa
    for notion in NOTIONS:
        c = classify(dfa, notion)
        for name, v in c.levels.items():
            if v.verdict == "no":
                assert v.witness["kind"] in WITNESS_KINDS
                assert check_witness_basic(dfa, v.witness), (spec, notion, name)
        assert c.levels["full"].verdict == "yes"
        assert c.minimal_level in CHAIN


def test_forged_witnesses_fail() -> None:
    parity = tasks.get("parity").dfa
    assert not check_witness_basic(parity, {"kind": "period", "words": [["1"]], "period": 2,
                                            "allowed_periods": [1, 2]})
    assert not check_witness_basic(parity, {"kind": "commutation", "words": [["0", "1"],
                                                                               ["1", "0"]],
                                            "suffix": []})
    assert not check_witness_basic(parity, {"kind": "index", "words": [["1"]], "index": 2,
                                            "max_index": 1})
    assert not check_witness_basic(parity, {"kind": "nonsolvable", "image_word": [],
                                            "generator_words": [["1"]], "words": []})
    assert not check_witness_basic(parity, {"kind": "teleport", "words": []})
    assert not check_witness_basic(parity, {"kind": "period", "words": [["x"]], "period": 2,
                                            "allowed_periods": [1]})
    with pytest.raises(InvalidArgumentError):
        check_witness_basic("parity", {})  # type: ignore[arg-type]


def test_bad_input() -> None:
    with pytest.raises(IncompleteAutomatonError):
        DFA(states=[0, 1], alphabet=["a"], transitions={(0, "a"): 1}, start=0)
    with pytest.raises(InvalidArgumentError, match="unknown notion"):
        classify(tasks.get("parity").dfa, notion="exact")
    with pytest.raises(InvalidArgumentError, match="expected a DFA"):
        classify("parity")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="block_size"):
        classify(tasks.get("parity").dfa, block_size=0)
    with pytest.raises(InvalidArgumentError, match="cap"):
        classify(tasks.get("parity").dfa, cap=-1)


def test_past_the_cap_is_unknown_not_guessed() -> None:
    """A large random automaton past a tiny cap: algebra values null, verdicts sound."""
    dfa = tasks.get("random_fsm", states=25, symbols=10, seed=0).dfa
    c = classify(dfa, cap=10, search_budget=200)
    d = c.to_dict()
    assert d["algebra"]["monoid_size"] is None and d["algebra"]["max_index"] is None
    for name, v in c.levels.items():
        if v.verdict == "no":
            assert check_witness_basic(dfa, v.witness), name


def test_hierarchy_data() -> None:
    assert set(LEVELS) == set(CHAIN) | {"monomial", "cp"}
    assert parameter_count("full", H=4, D=3) == 48
    assert parameter_count("monomial", H=4, D=3) == 24
    assert parameter_count("block", H=4, D=3, b=2) == 24
    assert parameter_count("cp", H=4, D=3, R=5) == 55
    for name, lv in LEVELS.items():
        for notion in NOTIONS:
            assert lv.tests_for(notion), (name, notion)
    with pytest.raises(UnknownLevelError):
        level("diagonal")
    with pytest.raises(InvalidArgumentError):
        parameter_count("full", H=-1, D=2)


_BIAS = {"sink_zero", "seen_indicator", "threshold_half", "parity_seen", "threshold_parity",
         "phase_seen", "threshold_phase"}


@pytest.mark.parametrize("name", tasks.names())
def test_catalogue_expectations(name: str) -> None:
    """classify agrees with the literature expectations recorded in the task catalogue."""
    task = tasks.get(name)
    expected = task.expected or {}
    c = classify(task.dfa)
    for key in ("monoid_size", "commutative", "aperiodic", "group", "group_order", "abelian",
                "solvable"):
        if expected.get(key) is not None:
            assert c.algebra[key] == expected[key], key
    if expected.get("states") is not None:
        assert c.states == expected["states"]
    if expected.get("minimal_level"):
        assert c.minimal_level == expected["minimal_level"]
        v = c.levels[c.minimal_level]
        if expected.get("dim") is not None:
            # docs/explanation/levels.md#examples counts a bias coordinate separately ("k (+1
            # bias)")
            assert v.dim_upper == expected["dim"] + (v.construction in _BIAS)
