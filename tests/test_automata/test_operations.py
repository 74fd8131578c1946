"""Operations on automata: worked examples and bad input."""

from __future__ import annotations

import pytest

from bilinear.automata import DFA, complete, distinguishing_word, minimize, product, relabel
from bilinear.errors import (
    AlphabetMismatchError,
    DuplicateNameError,
    InvalidArgumentError,
    InvalidAutomatonError,
)


def counter(m: int, labels=None) -> DFA:
    return DFA(states=list(range(m)), alphabet=["a", "b"],
               transitions={(q, s): (q + (s == "a")) % m for q in range(m) for s in "ab"},
               start=0, labels=labels)


def test_minimize_merges_by_label_and_names_blocks_by_first_member() -> None:
    d = counter(6, labels={q: q % 3 == 0 for q in range(6)})
    m = minimize(d)
    assert m.states == (0, 1, 2) and m.output("aaab") == [False, False, True, True]


def test_minimize_drops_unreachable_states() -> None:
    d = DFA(states=["s", "t", "u"], alphabet=["a"],
            transitions={("s", "a"): "s", ("t", "a"): "u", ("u", "a"): "t"}, start="s")
    assert minimize(d).states == ("s",)


def test_complete_adds_a_sink_only_when_needed() -> None:
    d = complete(["s"], ["a"], {("s", "a"): "s"}, "s")
    assert d.states == ("s",)
    with pytest.raises(InvalidAutomatonError, match="'s' is already a state"):
        complete(["s"], ["a", "b"], {("s", "a"): "s"}, "s", sink="s")
    with pytest.raises(InvalidArgumentError, match="sink_label"):
        complete(["s"], ["a", "b"], {("s", "a"): "s"}, "s", labels={"s": "x"})


def test_product_requires_equal_alphabets() -> None:
    other = DFA(states=[0], alphabet=["a", "c"], transitions={(0, "a"): 0, (0, "c"): 0}, start=0)
    with pytest.raises(AlphabetMismatchError, match="'b'|'c'"):
        product(counter(2), other)
    with pytest.raises(AlphabetMismatchError):
        distinguishing_word(counter(2), other)


def test_product_accepts_a_permuted_alphabet() -> None:
    swapped = DFA(states=[0, 1], alphabet=["b", "a"],
                  transitions={(q, s): (q + (s == "a")) % 2 for q in range(2) for s in "ab"},
                  start=0)
    assert distinguishing_word(counter(2), swapped) is None
    assert product(counter(3), swapped).output("aab") == [(1, 1), (2, 0), (2, 0)]


def test_distinguishing_word_of_start_labels_is_empty() -> None:
    assert distinguishing_word(counter(2, {0: 0, 1: 1}), counter(2, {0: 1, 1: 0})) == []


def test_relabel_refuses_unknown_names_and_collisions() -> None:
    with pytest.raises(InvalidArgumentError, match="'z'"):
        relabel(counter(2), symbols={"z": "y"})
    with pytest.raises(DuplicateNameError):
        relabel(counter(2), states=lambda q: 0)
