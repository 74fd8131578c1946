"""Builders: tables, transition functions, permutations and permutation groups."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sympy.combinatorics import Permutation, PermutationGroup
from sympy.combinatorics.named_groups import (
    AlternatingGroup,
    CyclicGroup,
    DihedralGroup,
    SymmetricGroup,
)

from bilinear.automata import DFA
from bilinear.automata.builders import (
    from_function,
    from_group,
    from_permutations,
    from_table,
    permutation_name,
)
from bilinear.errors import (
    AutomatonTooLargeError,
    IncompleteAutomatonError,
    InvalidArgumentError,
    InvalidAutomatonError,
    InvalidGroupError,
)
from bilinear.verification.strategies import groups, permutations, words

# ----------------------------------------------------------------------------- tables


def test_from_table_forms_agree() -> None:
    rows = from_table([[0, 1], [1, 0]], alphabet="ab", labels=[0, 1])
    nested = from_table({0: {"a": 0, "b": 1}, 1: {"a": 1, "b": 0}}, alphabet="ab",
                        labels={0: 0, 1: 1})
    listed = from_table({0: [0, 1], 1: [1, 0]}, alphabet=["a", "b"], labels=[0, 1])
    named = from_table([["x", "y"], ["y", "x"]], alphabet="ab", states=["x", "y"])
    array = from_table(np.array([[0, 1], [1, 0]]), alphabet="ab", labels=[0, 1])
    assert rows == nested == listed == array
    assert named.output("abba") == ["x", "y", "x", "x"]
    assert from_table([[1], [0]], alphabet="a", start=1).start == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "culprit"),
    [
        ({"table": [[0, 1], [1]], "alphabet": "ab"}, IncompleteAutomatonError, "state 1"),
        ({"table": [[0, 2]], "alphabet": "ab"}, InvalidAutomatonError, "index 2"),
        ({"table": [[0, "x"]], "alphabet": "ab"}, InvalidAutomatonError, "'x'"),
        ({"table": {0: [0]}, "alphabet": "a", "states": [0, 1]}, IncompleteAutomatonError,
         "state 1"),
        ({"table": {0: [0], 5: [0]}, "alphabet": "a", "states": [0, 1]},
         IncompleteAutomatonError, "state 1"),
        ({"table": [[0]], "alphabet": "a", "labels": [1, 2]}, InvalidAutomatonError, "2 labels"),
        ({"table": [["x"]], "alphabet": "a", "states": ["y"]}, InvalidAutomatonError, "'x'"),
        ({"table": [[0], [0]], "alphabet": "a", "states": ["x"]}, InvalidAutomatonError,
         "2 rows"),
    ],
)
def test_from_table_bad_input(kwargs: dict, error: type, culprit: str) -> None:
    with pytest.raises(error, match=culprit.replace("(", r"\(")):
        from_table(**kwargs)


# ----------------------------------------------------------------------------- functions


def test_from_function_bfs_order_and_labels() -> None:
    d = from_function(0, "ab", lambda q, a: (q + (1 if a == "a" else 2)) % 4,
                      label=lambda q: q % 2 == 1)
    assert d.states == (0, 1, 2, 3)
    assert d.output("ab") == [True, True]


def test_from_function_cap_and_unhashable() -> None:
    with pytest.raises(AutomatonTooLargeError, match="max_states=5"):
        from_function(0, "a", lambda q, a: q + 1, max_states=5)
    with pytest.raises(InvalidAutomatonError, match="unhashable"):
        from_function(0, "a", lambda q, a: [q])
    with pytest.raises(InvalidArgumentError, match="max_states"):
        from_function(0, "a", lambda q, a: q, max_states=0)


@given(words("ab", max_size=20))
def test_from_function_runs_the_function(w: list[str]) -> None:
    d = from_function(0, "ab", lambda q, a: (2 * q + (a == "b")) % 7)
    q = 0
    for a in w:
        q = (2 * q + (a == "b")) % 7
    assert d.run(w) == q


# ----------------------------------------------------------------------------- permutations


def test_sympy_composition_convention() -> None:
    p, q = Permutation([1, 2, 0]), Permutation([1, 0, 2])
    assert all((p * q)(i) == q(p(i)) for i in range(3))  # first p, then q
    d = from_permutations({"p": p, "q": q})
    assert d.run("pq") == permutation_name(p * q)
    assert d.run("qp") == permutation_name(q * p)
    assert d.run("pq") != d.run("qp")
    points = from_permutations({"p": p, "q": q}, action="points")
    assert points.run("pq") == q(p(0)) == 0 ^ (p * q)


@given(st.data())
def test_regular_action_is_prefix_products(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 4))
    gens = data.draw(st.lists(permutations(n), min_size=1, max_size=3))
    symbols = [f"s{i}" for i in range(len(gens))]
    d = from_permutations(dict(zip(symbols, gens, strict=True)))
    w = data.draw(words(symbols, max_size=12))
    product = Permutation(list(range(n)))
    trace = []
    for a in w:
        product = product * gens[symbols.index(a)]
        trace.append(permutation_name(product))
    assert d.trace(w) == trace
    assert d.n_states == PermutationGroup(gens).order()
    assert d.has_identity_labels
    # the left-multiplication automaton reads the word in the other order
    left = from_permutations(dict(zip(symbols, gens, strict=True)), side="left")
    assert left.run(w) == d.run(w[::-1])


@given(groups(max_degree=5))
def test_group_orders_match_sympy(group: PermutationGroup) -> None:
    d = from_group(group)
    assert d.n_states == group.order()
    # every letter permutes the states
    assert all(len(set(d.table[:, a].tolist())) == d.n_states for a in range(d.n_symbols))
    orbit = from_group(group, action="points", start=0)
    assert orbit.n_states == len(group.orbit(0))


@pytest.mark.parametrize(
    ("group", "order"),
    [(SymmetricGroup(4), 24), (AlternatingGroup(5), 60), (DihedralGroup(6), 12),
     (CyclicGroup(7), 7)],
)
def test_named_groups(group: PermutationGroup, order: int) -> None:
    assert from_group(group).n_states == order
    assert from_group(group, action="points").n_states == group.degree


def test_labels_on_group_elements() -> None:
    d = from_permutations({"s": [1, 0, 2], "c": [1, 2, 0]}, label=lambda g: g(0))
    assert d.output("sc") == [1, 2]
    assert set(d.label_values) == {0, 1, 2}
    e = from_permutations({"c": [1, 2, 0]}, action="points", label=lambda q: q == 0)
    assert e.output("ccc") == [False, False, True]


@pytest.mark.parametrize(
    ("generators", "error", "culprit"),
    [
        ({"a": [0, 0, 1]}, InvalidGroupError, "'a'"),
        ({"a": [0, 1], "b": [0, 1, 2]}, InvalidGroupError, "symbol 'b' has degree 3"),
        ({"a": Permutation(2), "b": Permutation(3)}, InvalidGroupError, "'b'"),
        ({"a": "012"}, InvalidGroupError, "'a'"),
        ({"a": [0.0, 1.0]}, InvalidGroupError, "'a'"),
        ({}, InvalidGroupError, "at least one"),
        ([[0, 1]], InvalidGroupError, "mapping"),
    ],
)
def test_bad_permutations(generators: object, error: type, culprit: str) -> None:
    with pytest.raises(error, match=culprit):
        from_permutations(generators)  # type: ignore[arg-type]


def test_bad_group_arguments() -> None:
    with pytest.raises(InvalidGroupError, match="PermutationGroup"):
        from_group([Permutation([1, 0])])
    with pytest.raises(InvalidGroupError, match="'x'.*not in the group"):
        from_group(CyclicGroup(4), {"x": Permutation([1, 0, 2, 3])})
    with pytest.raises(InvalidGroupError, match="subgroup of order 2"):
        from_group(CyclicGroup(4), {"x": Permutation([2, 3, 0, 1])})
    with pytest.raises(InvalidGroupError, match="'x' has degree 3"):
        from_group(CyclicGroup(4), {"x": Permutation([1, 2, 0])})
    with pytest.raises(AutomatonTooLargeError, match="order 40320"):
        from_group(SymmetricGroup(8), max_states=1000)
    with pytest.raises(InvalidArgumentError, match="action"):
        from_permutations({"a": [1, 0]}, action="left")
    with pytest.raises(InvalidArgumentError, match="start"):
        from_permutations({"a": [1, 0]}, action="points", start=2)
    with pytest.raises(InvalidArgumentError, match="points"):
        from_permutations({"a": [1, 0]}, start=1)
    with pytest.raises(InvalidArgumentError, match="side"):
        from_permutations({"a": [1, 0]}, side="middle")
    with pytest.raises(InvalidArgumentError, match="regular"):
        from_permutations({"a": [1, 0]}, action="points", side="left")


def test_group_generators_as_list_and_default() -> None:
    g = DihedralGroup(4)
    assert from_group(g).alphabet == ("g0", "g1")
    assert from_group(g, list(g.generators)).alphabet == ("g0", "g1")


def test_builders_return_validated_dfas() -> None:
    d = from_permutations({"a": [1, 2, 0]})
    assert isinstance(d, DFA)
    assert DFA.from_json(d.to_json()) == d
