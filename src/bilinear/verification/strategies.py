"""Public hypothesis strategies: automata, words, catalogue tasks, permutations, groups.

Every automaton drawn is complete and reachable (every state reachable from the start); symbols
are single characters ``"a"``, ``"b"``, ... so words may also be written as strings.  Strategies
shrink towards fewer states, fewer symbols and shorter words.

Examples
--------
>>> from hypothesis import given, settings
>>> from bilinear.automata import minimize
>>> @settings(max_examples=10, database=None)
... @given(dfas(max_states=4, labels="binary"))
... def check(d):
...     assert minimize(minimize(d)) == minimize(d)
>>> check()
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
from hypothesis import strategies as st
from sympy.combinatorics import Permutation, PermutationGroup

from bilinear.automata import tasks
from bilinear.automata.builders import from_group
from bilinear.automata.dfa import DFA
from bilinear.errors import InvalidArgumentError

__all__ = [
    "dfas",
    "words",
    "dfa_and_words",
    "catalogue_tasks",
    "tasks_",
    "permutations",
    "groups",
    "group_elements",
    "representations",
    "DrawnRepresentation",
    "permutation_matrix",
    "regexes",
    "SMALL_TASK_PARAMS",
]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LABEL_KINDS = ("any", "identity", "binary")


def _check_int(value: Any, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidArgumentError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


@st.composite
def _dfas(draw: st.DrawFn, min_states: int, max_states: int, alphabet: tuple[Hashable, ...] | None,
          min_symbols: int, max_symbols: int, labels: str) -> DFA:
    n = draw(st.integers(min_states, max_states))
    if alphabet is None:
        k = draw(st.integers(min_symbols, max_symbols))
        alphabet = tuple(_LETTERS[:k])
    k = len(alphabet)
    table = np.full((n, k), -1, dtype=np.int64)
    free = [(0, a) for a in range(k)]
    for child in range(1, n):  # a spanning tree from the start: every state is reachable
        parent, symbol = free.pop(draw(st.integers(0, len(free) - 1)))
        table[parent, symbol] = child
        free.extend((child, a) for a in range(k))
    for q, a in free:
        table[q, a] = draw(st.integers(0, n - 1))
    kind = labels if labels != "any" else draw(st.sampled_from(("identity", "binary", "int",
                                                                "str")))
    values: list[Any] | None
    if kind == "identity":
        values = None
    elif kind == "binary":
        values = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    elif kind == "int":
        values = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    else:
        values = draw(st.lists(st.sampled_from(("x", "y", "z")), min_size=n, max_size=n))
    states = [f"q{i}" for i in range(n)]
    return DFA._from_trusted(states, alphabet, table, 0, values, "")


def dfas(max_states: int = 6, max_symbols: int = 3, labels: str = "any", *, min_states: int = 1,
         min_symbols: int = 1, alphabet: Sequence[Hashable] | None = None
         ) -> st.SearchStrategy[DFA]:
    """Complete, reachable automata of bounded size.

    Parameters
    ----------
    max_states, min_states : int
        Bounds on the number of states (named ``"q0"``, ``"q1"``, ...; start ``"q0"``).
    max_symbols, min_symbols : int
        Bounds on the alphabet size (symbols ``"a"``, ``"b"``, ...), unless ``alphabet`` is given.
    labels : {"any", "identity", "binary"}
        ``"identity"``: the state itself; ``"binary"``: ``False``/``True``; ``"any"``: one of
        those, small integers or short strings.
    alphabet : sequence, optional
        A fixed alphabet (e.g. another automaton's, to build products).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(dfas(max_states=3, max_symbols=2, labels="identity"))
    ... def check(d):
    ...     assert d.n_states <= 3 and d.n_symbols <= 2 and d.has_identity_labels
    >>> check()
    """
    max_states = _check_int(max_states, "max_states", 1)
    min_states = _check_int(min_states, "min_states", 1)
    if min_states > max_states:
        raise InvalidArgumentError(f"min_states={min_states} > max_states={max_states}")
    if labels not in _LABEL_KINDS:
        raise InvalidArgumentError(f"labels must be one of {list(_LABEL_KINDS)!r}, got {labels!r}")
    if alphabet is not None:
        alphabet = tuple(alphabet)
        if not alphabet or len(set(alphabet)) != len(alphabet):
            raise InvalidArgumentError(f"alphabet must be non-empty and distinct: {alphabet!r}")
        return _dfas(min_states, max_states, alphabet, 0, 0, labels)
    max_symbols = _check_int(max_symbols, "max_symbols", 1)
    min_symbols = _check_int(min_symbols, "min_symbols", 1)
    if min_symbols > max_symbols or max_symbols > len(_LETTERS):
        raise InvalidArgumentError(
            f"need 1 <= min_symbols <= max_symbols <= 26, got {min_symbols}, {max_symbols}"
        )
    return _dfas(min_states, max_states, None, min_symbols, max_symbols, labels)


def words(alphabet: Sequence[Hashable] | DFA, min_size: int = 0, max_size: int = 10
          ) -> st.SearchStrategy[list[Hashable]]:
    """Words (lists of symbols) over an alphabet, or over a DFA's alphabet.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(words("ab", max_size=4))
    ... def check(w):
    ...     assert len(w) <= 4 and set(w) <= {"a", "b"}
    >>> check()
    """
    if isinstance(alphabet, DFA):
        alphabet = alphabet.alphabet
    alphabet = list(alphabet)
    if not alphabet:
        raise InvalidArgumentError("words need a non-empty alphabet")
    min_size = _check_int(min_size, "min_size")
    max_size = _check_int(max_size, "max_size")
    return st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size)


def dfa_and_words(max_states: int = 6, max_symbols: int = 3, labels: str = "any", *,
                  max_length: int = 12, min_words: int = 1, max_words: int = 5
                  ) -> st.SearchStrategy[tuple[DFA, list[list[Hashable]]]]:
    """An automaton (as :func:`dfas`) with a few words over its alphabet.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(dfa_and_words(max_states=3, max_words=2))
    ... def check(pair):
    ...     d, ws = pair
    ...     assert all(len(d.output(w)) == len(w) for w in ws)
    >>> check()
    """
    min_words = _check_int(min_words, "min_words")
    max_words = _check_int(max_words, "max_words")
    return dfas(max_states, max_symbols, labels).flatmap(
        lambda d: st.tuples(st.just(d), st.lists(words(d.alphabet, max_size=max_length),
                                                 min_size=min_words, max_size=max_words))
    )


#: Small parameter ranges per catalogue task (strategies of keyword arguments for ``tasks.get``).
SMALL_TASK_PARAMS: dict[str, Any] = {
    "parity": st.just({}),
    "modular_addition": st.fixed_dictionaries({"m": st.integers(2, 6)}),
    "modular_arithmetic": st.fixed_dictionaries({"m": st.integers(2, 4)}),
    "random_fsm": st.fixed_dictionaries({"states": st.integers(1, 6),
                                         "symbols": st.integers(1, 3),
                                         "seed": st.integers(0, 2**16)}),
    "cyclic": st.fixed_dictionaries({"n": st.integers(2, 6),
                                     "action": st.sampled_from(("regular", "points"))}),
    "abelian": st.fixed_dictionaries({"orders": st.sampled_from(("2", "2x2", "2x3", "2x4",
                                                                 "3x3"))}),
    "dihedral": st.fixed_dictionaries({"n": st.integers(3, 5),
                                       "action": st.sampled_from(("regular", "points"))}),
    "symmetric": st.fixed_dictionaries({"n": st.integers(2, 4),
                                        "action": st.sampled_from(("regular", "points"))}),
    "alternating": st.fixed_dictionaries({"n": st.integers(3, 4),
                                          "action": st.sampled_from(("regular", "points"))}),
    "quaternion": st.just({}),
    "flip_flop": st.fixed_dictionaries({"n": st.integers(2, 4)}),
    "gridworld": st.fixed_dictionaries({"n": st.integers(2, 6)}),
    "threshold": st.fixed_dictionaries({"k": st.integers(1, 4)}),
    "first_symbol": st.fixed_dictionaries({"symbols": st.integers(1, 3)}),
    "regex": st.fixed_dictionaries({"pattern": st.sampled_from(
        ("(a|b)*abb", "a*b+", "(ab)*", "[ab]?c", "a(b|)c*"))}),
}

_LARGER: dict[str, dict[str, Any]] = {
    "modular_addition": {"m": st.integers(2, 30)},
    "modular_arithmetic": {"m": st.integers(2, 12)},
    "random_fsm": {"states": st.integers(1, 40), "symbols": st.integers(1, 6),
                   "seed": st.integers(0, 2**31)},
    "cyclic": {"n": st.integers(2, 30), "action": st.sampled_from(("regular", "points"))},
    "dihedral": {"n": st.integers(3, 12), "action": st.sampled_from(("regular", "points"))},
    "symmetric": {"n": st.integers(2, 5), "action": st.sampled_from(("regular", "points"))},
    "alternating": {"n": st.integers(3, 5), "action": st.sampled_from(("regular", "points"))},
    "flip_flop": {"n": st.integers(2, 8)},
    "gridworld": {"n": st.integers(2, 20)},
    "threshold": {"k": st.integers(1, 10)},
}


def catalogue_tasks(small: bool = True, names: Sequence[str] | None = None
                    ) -> st.SearchStrategy[Any]:
    """Catalogue tasks (:class:`bilinear.automata.tasks.Task`) with small parameters.

    Parameters
    ----------
    small : bool
        Keep automata tiny (at most a few dozen states); ``False`` allows larger parameters
        (still at most a few hundred states).
    names : sequence of str, optional
        Restrict to these task names (default: the whole catalogue).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(catalogue_tasks(names=["cyclic", "parity"]))
    ... def check(task):
    ...     assert task.name in ("cyclic", "parity") and task.dfa.n_states <= 6
    >>> check()
    """
    chosen = tasks.names() if names is None else list(names)
    for name in chosen:
        tasks.info(name)  # UnknownTaskError for a bad name
    options = []
    for name in chosen:
        params = SMALL_TASK_PARAMS.get(name, st.just({}))
        if not small and name in _LARGER:
            params = st.fixed_dictionaries(_LARGER[name])
        options.append(params.map(lambda p, name=name: tasks.get(name, **p)))
    return st.one_of(options)


tasks_ = catalogue_tasks
"""Alias of :func:`catalogue_tasks`."""


def permutations(n: int | st.SearchStrategy[int]) -> st.SearchStrategy[Any]:
    """sympy ``Permutation`` objects of degree ``n`` (an int or a strategy of ints).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(permutations(4))
    ... def check(p):
    ...     assert p.size == 4 and (p * ~p).is_Identity
    >>> check()
    """
    sizes = n if isinstance(n, st.SearchStrategy) else st.just(_check_int(n, "n", 1))
    return sizes.flatmap(lambda k: st.permutations(list(range(k)))).map(
        lambda arr: Permutation(list(arr)))


def groups(max_degree: int = 5, max_generators: int = 3) -> st.SearchStrategy[Any]:
    """Small sympy ``PermutationGroup`` objects (degree <= ``max_degree``, few generators).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(groups(max_degree=4))
    ... def check(g):
    ...     assert g.degree <= 4 and 24 % g.order() == 0
    >>> check()
    """
    max_degree = _check_int(max_degree, "max_degree", 1)
    max_generators = _check_int(max_generators, "max_generators", 1)
    return st.integers(1, max_degree).flatmap(
        lambda k: st.lists(permutations(k), min_size=1, max_size=max_generators)
    ).map(lambda gens: PermutationGroup(gens))


def group_elements(group: Any) -> st.SearchStrategy[Any]:
    """Elements of a sympy ``PermutationGroup`` (or of a drawn one, given a strategy), as sympy
    ``Permutation`` objects: random words in the generators, shrinking towards the identity.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from sympy.combinatorics.named_groups import SymmetricGroup
    >>> @settings(max_examples=10, database=None)
    ... @given(group_elements(SymmetricGroup(3)))
    ... def check(g):
    ...     assert SymmetricGroup(3).contains(g)
    >>> check()
    """
    if isinstance(group, st.SearchStrategy):
        return group.flatmap(group_elements)
    if not isinstance(group, PermutationGroup):
        raise InvalidArgumentError(f"expected a sympy PermutationGroup, got {type(group).__name__}")
    gens = list(group.generators) or [group.identity]
    identity = group.identity

    def product(idx: list[int]) -> Any:
        g = identity
        for i in idx:
            g = g * gens[i]
        return g

    return st.lists(st.integers(0, len(gens) - 1), max_size=12).map(product)


def permutation_matrix(p: Any, sign: bool = False) -> Any:
    """The integer matrix of a sympy ``Permutation``: ``M e_i = e_{i^p}`` (times the sign of
    ``p`` when ``sign``), so ``M(p * q) = M(q) M(p)``: the design's right-action convention.

    Examples
    --------
    >>> from sympy.combinatorics import Permutation
    >>> p, q = Permutation([1, 2, 0]), Permutation([0, 2, 1])
    >>> permutation_matrix(p * q) == permutation_matrix(q) * permutation_matrix(p)
    True
    >>> permutation_matrix(q, sign=True)[0, 0]
    -1
    """
    n = p.size
    s = p.signature() if sign else 1
    m = sp.zeros(n, n)
    for i in range(n):
        m[p(i), i] = s
    return sp.ImmutableMatrix(m)


@dataclass(frozen=True)
class DrawnRepresentation:
    """A drawn exact representation of a small permutation group.

    ``matrices[symbol]`` is the integer matrix of ``generators[symbol]`` (a sympy
    ``Permutation``); ``kind`` is ``"permutation"`` or ``"signed"`` (twisted by the sign
    character).  ``M(p * q) = M(q) M(p)`` (:func:`permutation_matrix`): a homomorphism for the
    word problem of ``group`` in the design's convention.
    """

    group: Any
    generators: dict
    matrices: dict
    kind: str

    def automaton(self) -> DFA:
        """The group word problem (regular action, identity labels) on these generators."""
        return from_group(self.group, self.generators)


def representations(max_degree: int = 4, max_generators: int = 2,
                    kinds: Sequence[str] = ("permutation", "signed")
                    ) -> st.SearchStrategy[DrawnRepresentation]:
    """Small exact integer representations of small permutation groups: the permutation
    representation of a drawn group, or its twist by the sign character (both faithful
    homomorphisms), with symbols ``"a"``, ``"b"``, ... for the generators.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(representations(max_degree=3))
    ... def check(r):
    ...     a = next(iter(r.generators))
    ...     p = r.generators[a]
    ...     assert r.matrices[a] * r.matrices[a] == permutation_matrix(p * p)
    >>> check()
    """
    max_degree = _check_int(max_degree, "max_degree", 1)
    max_generators = _check_int(max_generators, "max_generators", 1)
    kinds = tuple(kinds)
    if not kinds or any(k not in ("permutation", "signed") for k in kinds):
        raise InvalidArgumentError(f"kinds must be among 'permutation', 'signed'; got {kinds!r}")

    def build(args: tuple) -> DrawnRepresentation:
        gens, kind = args
        symbols = {_LETTERS[i]: g for i, g in enumerate(gens)}
        mats = {a: permutation_matrix(g, sign=kind == "signed") for a, g in symbols.items()}
        return DrawnRepresentation(PermutationGroup(list(gens)), symbols, mats, kind)

    gens = st.integers(1, max_degree).flatmap(
        lambda k: st.lists(permutations(k), min_size=1, max_size=max_generators))
    return st.tuples(gens, st.sampled_from(kinds)).map(build)


def regexes(alphabet: str = "ab", max_leaves: int = 6) -> st.SearchStrategy[str]:
    """Regular expressions over ``alphabet`` in the syntax shared by :mod:`re` and
    :func:`bilinear.automata.regex.from_regex` (literals, classes, ``.``, ``|``, ``*``, ``+``,
    ``?``, groups, empty alternatives).

    Examples
    --------
    >>> import re
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(regexes("ab"))
    ... def check(p):
    ...     re.compile(p)
    >>> check()
    """
    letters = list(alphabet)
    if not letters or any(not c.isalnum() for c in letters):
        raise InvalidArgumentError(f"regexes need alphanumeric letters, got {alphabet!r}")
    leaf = st.one_of(
        st.sampled_from(letters),
        st.just("."),
        st.lists(st.sampled_from(letters), min_size=1, max_size=3, unique=True).flatmap(
            lambda cs: st.sampled_from(["[" + "".join(cs) + "]", "[^" + "".join(cs) + "]"])),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
            st.tuples(inner, inner).map(lambda t: f"({t[0]}|{t[1]})"),
            st.tuples(inner, st.sampled_from("*+?")).map(lambda t: f"({t[0]}){t[1]}"),
            inner.map(lambda s: f"({s}|)"),
        )

    return st.recursive(leaf, extend, max_leaves=max_leaves)
