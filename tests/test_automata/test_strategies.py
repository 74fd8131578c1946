"""The public hypothesis strategies produce valid objects within their bounds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sympy.combinatorics import Permutation, PermutationGroup

from bilinear.automata import DFA, reachable
from bilinear.automata.tasks import Task
from bilinear.errors import InvalidArgumentError, UnknownTaskError
from bilinear.verification import strategies
from bilinear.verification.strategies import (
    catalogue_tasks,
    dfa_and_words,
    dfas,
    groups,
    permutations,
    regexes,
    tasks_,
    words,
)


@given(dfas(max_states=5, max_symbols=3))
def test_dfas_are_complete_reachable_and_bounded(d: DFA) -> None:
    assert isinstance(d, DFA)
    assert 1 <= d.n_states <= 5 and 1 <= d.n_symbols <= 3
    assert reachable(d).n_states == d.n_states
    assert d.table.min() >= 0 and d.table.max() < d.n_states
    assert DFA.from_json(d.to_json()) == d
    # the validating constructor accepts what the strategy built
    rebuilt = DFA(states=d.states, alphabet=d.alphabet, transitions=dict(d.transitions),
                  start=d.start, labels=d.labels)
    assert rebuilt == d


@given(dfas(max_states=4, labels="identity"), dfas(max_states=4, labels="binary"))
def test_label_kinds(identity: DFA, binary: DFA) -> None:
    assert identity.has_identity_labels
    assert set(binary.label_values) <= {False, True}


@given(st.data())
def test_fixed_alphabet_and_min_sizes(data: st.DataObject) -> None:
    d = data.draw(dfas(max_states=4, min_states=4, alphabet=["x", "y"]))
    assert d.alphabet == ("x", "y") and d.n_states == 4
    e = data.draw(dfas(max_states=2, min_symbols=3, max_symbols=3))
    assert e.n_symbols == 3


@given(dfa_and_words(max_states=4, max_length=6, max_words=3))
def test_dfa_and_words(pair: tuple[DFA, list]) -> None:
    d, ws = pair
    assert 1 <= len(ws) <= 3
    for w in ws:
        assert len(w) <= 6 and set(w) <= set(d.alphabet)
        d.output(w)


@given(words("abc", min_size=2, max_size=5))
def test_words(w: list[str]) -> None:
    assert 2 <= len(w) <= 5 and set(w) <= {"a", "b", "c"}


@given(catalogue_tasks())
def test_catalogue_tasks_are_small_tasks(task: Task) -> None:
    assert isinstance(task, Task)
    assert task.dfa.n_states <= 60


@given(tasks_(small=False, names=["symmetric", "random_fsm"]))
def test_larger_tasks(task: Task) -> None:
    assert task.name in ("symmetric", "random_fsm")
    assert task.dfa.n_states <= 120


@given(permutations(st.integers(1, 5)), groups(max_degree=4, max_generators=2))
def test_permutations_and_groups(p: Permutation, g: PermutationGroup) -> None:
    assert isinstance(p, Permutation) and 1 <= p.size <= 5
    assert isinstance(g, PermutationGroup) and g.degree <= 4 and len(g.generators) <= 2


@given(regexes("abc"))
def test_regexes_compile_in_python(pattern: str) -> None:
    re.compile(pattern)


@pytest.mark.parametrize(
    "call",
    [lambda: dfas(max_states=0), lambda: dfas(labels="nope"), lambda: dfas(min_states=3,
     max_states=2), lambda: dfas(max_symbols=27), lambda: dfas(alphabet=[]),
     lambda: words([]), lambda: words("ab", max_size=-1), lambda: permutations(0),
     lambda: groups(max_degree=0), lambda: regexes("+")],
)
def test_bad_arguments(call) -> None:
    with pytest.raises(InvalidArgumentError):
        call()


def test_unknown_task_name() -> None:
    with pytest.raises(UnknownTaskError):
        catalogue_tasks(names=["nope"])


def test_every_catalogue_task_has_small_parameters() -> None:
    from bilinear.automata import tasks

    assert set(strategies.SMALL_TASK_PARAMS) == set(tasks.names())


def test_representation_strategies_reject_bad_arguments() -> None:
    from bilinear.verification.strategies import group_elements, representations

    with pytest.raises(InvalidArgumentError):
        representations(kinds=("unitary",))
    with pytest.raises(InvalidArgumentError):
        representations(max_degree=0)
    with pytest.raises(InvalidArgumentError):
        group_elements("S3")


@given(groups(max_degree=4).flatmap(
    lambda g: st.tuples(st.just(g), strategies.group_elements(g))))
def test_group_elements_belong_to_their_group(pair: tuple) -> None:
    g, x = pair
    assert isinstance(g, PermutationGroup) and isinstance(x, Permutation) and g.contains(x)
