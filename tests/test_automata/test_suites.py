"""Suite tasks against direct evaluators written from each suite's definition."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.automata import suites, tasks
from bilinear.automata.dfa import DFA
from bilinear.automata.operations import minimize
from bilinear.errors import (
    AutomatonFormatError,
    BilinearError,
    TaskParameterError,
    UnknownTaskError,
)


def _even_pairs(w: str) -> int:
    return sum(w[i] != w[i + 1] for i in range(len(w) - 1)) % 2


def _parity_check(w: str) -> int:
    return w.count("1") % 2


def _cycle_navigation(w: str) -> int:
    return sum(int(a) - 1 for a in w) % 5


def _modular_arithmetic(w: str) -> str:
    if len(w) % 2 == 0 or any(
        (c not in "01234") if i % 2 == 0 else (c not in "+-*") for i, c in enumerate(w)
    ):
        return "none"
    # subtraction as + of negatives, then products of *-runs, then the sum (Python eval, exact)
    return str(eval(w) % 5)


def _tomita3(w: str) -> bool:
    runs = [(m.group()[0], len(m.group())) for m in re.finditer(r"0+|1+", w)]
    return not any(
        a[0] == "1" and a[1] % 2 and b[0] == "0" and b[1] % 2
        for a, b in zip(runs, runs[1:], strict=False)
    )


_TOMITA = {
    "1": lambda w: re.fullmatch("1*", w) is not None,
    "2": lambda w: re.fullmatch("(10)*", w) is not None,
    "3": _tomita3,
    "4": lambda w: "000" not in w,
    "5": lambda w: w.count("0") % 2 == 0 and w.count("1") % 2 == 0,
    "6": lambda w: (w.count("0") - w.count("1")) % 3 == 0,
    "7": lambda w: re.fullmatch("0*1*0*1*", w) is not None,
}


@functools.cache
def _dfa(address: str) -> DFA:
    return tasks.resolve(address).dfa


def _final(address: str, w: str) -> object:
    dfa = _dfa(address)
    assert dfa.labels is not None
    return dfa.labels[dfa.run(w)]


@settings(max_examples=150, deadline=None)
@given(st.text("01", max_size=60))
def test_chomsky_binary(w: str) -> None:
    assert _final("chomsky-regular/even_pairs", w) == _even_pairs(w)
    assert _final("chomsky-regular/parity_check", w) == _parity_check(w)


@settings(max_examples=150, deadline=None)
@given(st.text("012", max_size=60))
def test_cycle_navigation(w: str) -> None:
    assert _final("chomsky-regular/cycle_navigation", w) == _cycle_navigation(w)


_DIGIT = st.sampled_from("01234")
_OP = st.sampled_from("+-*")
_WELL_FORMED = st.builds(
    lambda d, rest: d + "".join(o + e for o, e in rest),
    _DIGIT,
    st.lists(st.tuples(_OP, _DIGIT), max_size=29),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_WELL_FORMED, st.text("01234+-*", max_size=60)))
def test_modular_arithmetic(w: str) -> None:
    assert _final("chomsky-regular/modular_arithmetic", w) == _modular_arithmetic(w)


def test_modular_arithmetic_minimal_with_stated_size() -> None:
    dfa = tasks.resolve("chomsky-regular/modular_arithmetic").dfa
    assert dfa.n_states == suites.MODULAR_ARITHMETIC_STATES == 51
    assert minimize(dfa).n_states == dfa.n_states


@pytest.mark.parametrize("k", sorted(_TOMITA))
@settings(max_examples=100, deadline=None)
@given(w=st.text("01", max_size=60))
def test_tomita(k: str, w: str) -> None:
    assert _final(f"tomita/{k}", w) == _TOMITA[k](w)


def test_registry_records() -> None:
    assert suites.suites()[:2] == ["chomsky-regular", "tomita"]
    chomsky = suites.suite("chomsky-regular")
    assert [t.name for t in chomsky.tasks] == [
        "even_pairs",
        "parity_check",
        "cycle_navigation",
        "modular_arithmetic",
    ]
    assert [t.chance for t in chomsky.tasks] == [0.5, 0.5, 0.2, 0.2]
    assert all(
        t.label_kind == "final" and t.train_lengths == (1, 40) and t.test_lengths == (41, 500)
        for t in chomsky.tasks
    )
    assert chomsky.tasks[2].token_meaning == ("-1", "stay", "+1")
    assert chomsky.to_dict()["tasks"][0]["name"] == "even_pairs"
    assert tasks.resolve("tomita/3").spec == "tomita/3"


@pytest.mark.parametrize(
    ("spec", "error", "names"),
    [
        ("nosuite/x", AutomatonFormatError, "the suites are chomsky-regular, tomita"),
        ("tomita/9", UnknownTaskError, "1, 2, 3, 4, 5, 6, 7"),
        ("chomsky-regular/parity", UnknownTaskError, "parity_check"),
        ("tomita/3:k=1", TaskParameterError, "unknown parameter 'k' of task 'tomita/3'"),
    ],
)
def test_bad_addresses(spec: str, error: type[BilinearError], names: str) -> None:
    with pytest.raises(error, match=re.escape(names)):
        tasks.resolve(spec)


def test_existing_specs_still_work() -> None:
    assert tasks.resolve("cyclic:n=3,action=points").dfa.n_states == 3
    assert tasks.resolve("regex:pattern=(a|b)*,alphabet=ab").dfa.n_states >= 1
