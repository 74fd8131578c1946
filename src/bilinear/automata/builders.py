"""Builders: automata from a table, a transition function, permutations or a permutation group.

Group automata follow the conventions of ``docs/explanation/conventions``: transformations act
on the right, ``q . (uv) = (q . u) . v``.  For the *regular* action (the group word problem) the
states are the group elements, the start is the identity and the state after ``g_1 ... g_T`` is
the prefix product ``g_1 g_2 ... g_T`` taken with sympy's composition order, in which ``p*q``
means "first ``p``, then ``q``", i.e. ``(p*q)(i) = q(p(i))``.  For the action *on points* the
state after the same word is ``start^(g_1 g_2 ... g_T) = g_T(...g_1(start)...)``.

Examples
--------
sympy's composition order, and the same order in a regular group automaton:

>>> from sympy.combinatorics import Permutation
>>> p, q = Permutation([1, 2, 0]), Permutation([0, 2, 1])
>>> (p * q)(0) == q(p(0))          # first p, then q
True
>>> d = from_permutations({"p": p, "q": q})
>>> d.run(["p", "q"]) == permutation_name(p * q)
True
>>> d.n_states                      # the whole of S_3
6
>>> from_permutations({"p": p}, action="points").trace(["p", "p", "p"])
[1, 2, 0]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from sympy.combinatorics import Permutation, PermutationGroup

from bilinear.automata.dfa import DFA
from bilinear.errors import (
    AutomatonTooLargeError,
    DuplicateNameError,
    IncompleteAutomatonError,
    InvalidArgumentError,
    InvalidAutomatonError,
    InvalidGroupError,
)

__all__ = [
    "from_table",
    "from_function",
    "from_permutations",
    "from_group",
    "permutation_name",
    "DEFAULT_MAX_STATES",
]

#: Default cap on the number of reachable states of :func:`from_function` and the group builders.
DEFAULT_MAX_STATES = 100_000

_ACTIONS = ("regular", "points")


# ---------------------------------------------------------------------------------- tables
def from_table(
    table: Mapping[Any, Any] | Sequence[Sequence[Any]] | np.ndarray,
    alphabet: Sequence[Hashable],
    *,
    states: Sequence[Hashable] | None = None,
    start: Hashable | None = None,
    labels: Mapping[Any, Any] | Sequence[Any] | None = None,
    name: str = "",
) -> DFA:
    """An automaton from its transition table (states x symbols).

    Parameters
    ----------
    table : mapping or 2-D sequence
        Either ``{state: {symbol: next_state}}``, ``{state: [next_state per symbol]}`` (in the
        order of ``alphabet``), or a list of rows, row ``i`` for ``states[i]``.  In the row form
        without ``states``, the states are ``0 .. n-1`` and the entries are indices.
    alphabet : sequence of hashable
        The symbols, in the order of the columns (a string is split into characters).
    states : sequence of hashable, optional
        State names in index order (default: the keys of a mapping, or ``range(len(table))``).
    start : hashable, optional
        The start state (default: the first state).
    labels : mapping or sequence, optional
        ``{state: label}`` or one label per state in order; default: the identity labelling.
    name : str
        Name of the automaton.

    Returns
    -------
    DFA

    Raises
    ------
    IncompleteAutomatonError
        A row has the wrong number of entries (the message names the state).
    InvalidAutomatonError
        Any other inconsistency (unknown target state, duplicate names, ...).

    Examples
    --------
    >>> d = from_table([[0, 1], [1, 0]], alphabet="ab", labels=[False, True])
    >>> d.output("abba")
    [False, True, False, False]
    >>> from_table({"x": {"a": "y"}, "y": ["x"]}, alphabet=["a"]).run("aaa")
    'y'
    >>> from_table([[0, 1], [1]], alphabet="ab")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.IncompleteAutomatonError: the row of state 1 has 1 entries; the alphabet ...
    """
    alphabet = tuple(alphabet)
    if isinstance(table, Mapping):
        keys = list(table)
        if states is None:
            states = keys
        elif set(states) != set(keys) or len(keys) != len(states):
            missing = [q for q in states if q not in table]
            if missing:
                raise IncompleteAutomatonError(f"the table has no row for state {missing[0]!r}")
            extra = [q for q in keys if q not in set(states)]
            raise InvalidAutomatonError(f"the table has a row for unknown state {extra[0]!r}")
        rows = [table[q] for q in states]
        by_index = False
    else:
        if isinstance(table, np.ndarray):
            if table.ndim != 2:
                raise InvalidArgumentError(f"table must be 2-D, got shape {table.shape}")
            table = table.tolist()
        rows = list(table)
        by_index = states is None
        if states is None:
            states = list(range(len(rows)))
        elif len(states) != len(rows):
            raise InvalidAutomatonError(
                f"the table has {len(rows)} rows but {len(states)} states were named"
            )
    states = list(states)
    transitions: dict[tuple[Hashable, Hashable], Hashable] = {}
    for q, row in zip(states, rows, strict=True):
        if isinstance(row, Mapping):
            for a, target in row.items():
                transitions[(q, a)] = target
            continue
        if isinstance(row, (str, bytes)) or not isinstance(row, (Sequence, np.ndarray)):
            raise InvalidAutomatonError(f"the row of state {q!r} is not a sequence: {row!r}")
        if len(row) != len(alphabet):
            raise IncompleteAutomatonError(
                f"the row of state {q!r} has {len(row)} entries; the alphabet has "
                f"{len(alphabet)} symbols"
            )
        for a, target in zip(alphabet, row, strict=True):
            if by_index:
                target = _index_target(target, len(states), q, a)
            transitions[(q, a)] = target
    if labels is not None and not isinstance(labels, Mapping):
        labels = list(labels)
        if len(labels) != len(states):
            raise InvalidAutomatonError(
                f"{len(labels)} labels given for {len(states)} states"
            )
        labels = dict(zip(states, labels, strict=True))
    return DFA(
        states=states,
        alphabet=alphabet,
        transitions=transitions,
        start=states[0] if start is None and states else start,
        labels=labels,
        name=name,
    )


def _index_target(target: Any, n: int, q: Hashable, a: Hashable) -> int:
    if isinstance(target, (bool, np.bool_)) or not isinstance(target, (int, np.integer)):
        raise InvalidAutomatonError(
            f"the target of state {q!r} on symbol {a!r} must be a state index, got {target!r}"
        )
    if not 0 <= int(target) < n:
        raise InvalidAutomatonError(
            f"the target of state {q!r} on symbol {a!r} is index {int(target)}, outside "
            f"0..{n - 1}"
        )
    return int(target)


# ---------------------------------------------------------------------------------- functions
def from_function(
    start: Hashable,
    alphabet: Sequence[Hashable],
    delta: Callable[[Any, Any], Hashable],
    label: Callable[[Any], Any] | None = None,
    *,
    max_states: int = DEFAULT_MAX_STATES,
    name: str = "",
) -> DFA:
    """The reachable part of an automaton given by a transition function.

    States are found by breadth-first search from ``start`` (symbols in alphabet order), and
    are numbered in the order they are found.

    Parameters
    ----------
    start : hashable
        The start state.
    alphabet : sequence of hashable
        The symbols (a string is split into characters).
    delta : callable
        ``delta(state, symbol) -> next_state``; states must be hashable.
    label : callable, optional
        ``label(state) -> label``; default: the identity labelling.
    max_states : int
        Cap on the number of reachable states.
    name : str
        Name of the automaton.

    Raises
    ------
    AutomatonTooLargeError
        More than ``max_states`` states are reachable.
    InvalidAutomatonError
        ``delta`` returned an unhashable state (the message names the state and symbol).

    Examples
    --------
    >>> d = from_function(0, ["+1", "*2"], lambda q, a: (q + 1) % 5 if a == "+1" else 2 * q % 5)
    >>> d.states, d.run(["+1", "*2", "*2"])
    ((0, 1, 2, 3, 4), 4)
    >>> from_function(0, "a", lambda q, a: q + 1, max_states=10)
    Traceback (most recent call last):
    ...
    bilinear.errors.AutomatonTooLargeError: more than max_states=10 states are reachable from 0
    """
    alphabet = tuple(alphabet)
    max_states = _check_max_states(max_states)
    if not alphabet:
        raise InvalidAutomatonError("an automaton needs at least one symbol")
    try:
        index: dict[Hashable, int] = {start: 0}
    except TypeError:
        raise InvalidAutomatonError(f"start state {start!r} is not hashable") from None
    states: list[Hashable] = [start]
    rows: list[list[int]] = []
    queue = deque([start])
    while queue:
        q = queue.popleft()
        row = []
        for a in alphabet:
            r = delta(q, a)
            try:
                j = index.get(r)
            except TypeError:
                raise InvalidAutomatonError(
                    f"delta({q!r}, {a!r}) returned an unhashable state {r!r}"
                ) from None
            if j is None:
                if len(states) >= max_states:
                    raise AutomatonTooLargeError(
                        f"more than max_states={max_states} states are reachable from {start!r}"
                    )
                j = index[r] = len(states)
                states.append(r)
                queue.append(r)
            row.append(j)
        rows.append(row)
    _check_distinct(alphabet, "symbol")
    labels = None if label is None else [label(q) for q in states]
    return _assemble(states, alphabet, rows, labels, name)


def _assemble(states: list[Hashable], alphabet: tuple[Hashable, ...], rows: list[list[int]],
              labels: list[Any] | None, name: str) -> DFA:
    """A DFA from a table valid by construction; labels (user data) go through validation."""
    if labels is None:
        return DFA._from_trusted(states, alphabet, np.array(rows, dtype=np.int64), 0, None, name)
    return DFA(states=states, alphabet=alphabet,
               transitions={states[i]: dict(zip(alphabet, (states[j] for j in row), strict=True))
                            for i, row in enumerate(rows)},
               start=states[0], labels=dict(zip(states, labels, strict=True)), name=name)


def _check_max_states(max_states: Any) -> int:
    if isinstance(max_states, bool) or not isinstance(max_states, (int, np.integer)) \
            or max_states < 1:
        raise InvalidArgumentError(f"max_states must be a positive integer, got {max_states!r}")
    return int(max_states)


def _check_distinct(names: Sequence[Hashable], kind: str) -> None:
    seen: set[Hashable] = set()
    for x in names:
        if x in seen:
            raise DuplicateNameError(f"duplicate {kind} {x!r}")
        seen.add(x)


# ---------------------------------------------------------------------------------- permutations
def permutation_name(perm: Any) -> str:
    """Cycle notation of a permutation, fixed points omitted: ``"()"``, ``"(0 1 2)(3 4)"``.

    Parameters
    ----------
    perm : sympy Permutation or sequence of int
        The permutation, as a sympy object or in array form (``perm[i]`` is the image of ``i``).

    Examples
    --------
    >>> permutation_name([1, 2, 0, 4, 3])
    '(0 1 2)(3 4)'
    >>> from sympy.combinatorics import Permutation
    >>> permutation_name(Permutation(3)), permutation_name(Permutation(1, 2))
    ('()', '(1 2)')
    """
    arr = perm.array_form if hasattr(perm, "array_form") else list(perm)
    seen = [False] * len(arr)
    parts = []
    for i in range(len(arr)):
        if seen[i] or arr[i] == i:
            continue
        cycle = []
        j = i
        while not seen[j]:
            seen[j] = True
            cycle.append(str(j))
            j = arr[j]
        parts.append("(" + " ".join(cycle) + ")")
    return "".join(parts) or "()"


def _array_form(symbol: Hashable, perm: Any) -> tuple[int, ...]:
    """Validate one generator and return its array form."""
    if hasattr(perm, "array_form"):
        return tuple(int(i) for i in perm.array_form)
    if isinstance(perm, (str, bytes, Mapping)) or not isinstance(perm, (Sequence, np.ndarray)):
        raise InvalidGroupError(
            f"the generator for symbol {symbol!r} is not a permutation (a sympy Permutation or "
            f"an array form list), got {perm!r}"
        )
    values = list(perm)
    if any(isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer))
           for v in values):
        raise InvalidGroupError(
            f"the generator for symbol {symbol!r} has non-integer entries: {values!r}"
        )
    if sorted(int(v) for v in values) != list(range(len(values))) or not values:
        raise InvalidGroupError(
            f"the generator for symbol {symbol!r} is not a permutation of 0..{len(values) - 1}: "
            f"{values!r}"
        )
    return tuple(int(v) for v in values)


def _check_generators(generators: Any) -> dict[Hashable, tuple[int, ...]]:
    if not isinstance(generators, Mapping):
        raise InvalidGroupError(
            "generators must be a mapping {symbol: permutation}, got "
            f"{type(generators).__name__}"
        )
    if not generators:
        raise InvalidGroupError("at least one generator is needed")
    arrays: dict[Hashable, tuple[int, ...]] = {}
    first: Hashable = None
    for symbol, perm in generators.items():
        arr = _array_form(symbol, perm)
        if arrays and len(arr) != len(arrays[first]):
            raise InvalidGroupError(
                f"the generator for symbol {symbol!r} has degree {len(arr)}, but the generator "
                f"for symbol {first!r} has degree {len(arrays[first])}"
            )
        if not arrays:
            first = symbol
        arrays[symbol] = arr
    return arrays


def from_permutations(
    generators: Mapping[Any, Any],
    action: str = "regular",
    *,
    start: int | None = None,
    label: Callable[[Any], Any] | None = None,
    side: str = "right",
    max_states: int = DEFAULT_MAX_STATES,
    name: str = "",
) -> DFA:
    """The automaton of a group given by one permutation per symbol.

    Parameters
    ----------
    generators : mapping
        ``{symbol: permutation}``; a permutation is a sympy ``Permutation`` or its array form
        (a list with ``perm[i]`` the image of ``i``).  All must have the same degree.
    action : {"regular", "points"}
        ``"regular"``: the group word problem, states are the elements of the generated group
        named in cycle notation (:func:`permutation_name`), start at the identity, and
        ``q . a = q * g_a`` (sympy order: first ``q``, then ``g_a``).
        ``"points"``: states are the points of the orbit of ``start`` (integers) and
        ``q . a = g_a(q)``.
    start : int, optional
        The start point of the action on points (default 0); not allowed for ``"regular"``.
    label : callable, optional
        ``label(element)`` (a sympy ``Permutation``) for the regular action, ``label(point)``
        for the action on points; default: the identity labelling.
    side : {"right", "left"}
        For the regular action: ``"right"`` (the convention of this package) multiplies on the
        right, ``q . a = q * g_a``, so a word reaches ``g_1 g_2 ... g_T``; ``"left"`` multiplies
        on the left, ``q . a = g_a * q``, reaching ``g_T ... g_2 g_1`` (for data sets that use
        the other order).
    max_states : int
        Cap on the number of states (group order or orbit length).
    name : str
        Name of the automaton.

    Raises
    ------
    InvalidGroupError
        A generator is not a permutation, or degrees differ (the message names the symbol).
    AutomatonTooLargeError
        The group has more than ``max_states`` elements.

    Examples
    --------
    >>> d = from_permutations({"r": [1, 2, 3, 0], "s": [0, 3, 2, 1]})   # the dihedral group D_4
    >>> d.n_states, d.start, d.run("rr"), d.run("rs")
    (8, '()', '(0 2)(1 3)', '(0 3)(1 2)')
    >>> from_permutations({"r": [1, 2, 3, 0]}, action="points", start=2).states
    (2, 3, 0, 1)
    >>> gens = {"p": [1, 2, 0], "q": [1, 0, 2]}
    >>> from_permutations(gens, side="left").run("pq") == from_permutations(gens).run("qp")
    True
    >>> from_permutations({"r": [1, 1, 0]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidGroupError: the generator for symbol 'r' is not a permutation of ...
    """
    if action not in _ACTIONS:
        raise InvalidArgumentError(f"action must be 'regular' or 'points', got {action!r}")
    if side not in ("right", "left"):
        raise InvalidArgumentError(f"side must be 'right' or 'left', got {side!r}")
    if side == "left" and action == "points":
        raise InvalidArgumentError("side='left' is only meaningful for action='regular'")
    arrays = _check_generators(generators)
    max_states = _check_max_states(max_states)
    alphabet = tuple(arrays)
    gens = list(arrays.values())
    degree = len(gens[0])
    if action == "points":
        point = 0 if start is None else start
        if isinstance(point, bool) or not isinstance(point, (int, np.integer)) \
                or not 0 <= point < degree:
            raise InvalidArgumentError(
                f"start must be a point 0..{degree - 1} of the action, got {start!r}"
            )
        return from_function(int(point), alphabet, lambda q, a: arrays[a][q], label,
                             max_states=max_states, name=name)
    if start is not None:
        raise InvalidArgumentError("start is only meaningful for action='points'")
    identity = tuple(range(degree))
    index = {identity: 0}
    elements = [identity]
    rows: list[list[int]] = []
    k = 0
    while k < len(elements):
        q = elements[k]
        row = []
        for g in gens:
            if side == "right":
                r = tuple(g[i] for i in q)  # (q * g)(i) = g(q(i)): first q, then g
            else:
                r = tuple(q[i] for i in g)  # (g * q)(i) = q(g(i)): first g, then q
            j = index.get(r)
            if j is None:
                if len(elements) >= max_states:
                    raise AutomatonTooLargeError(
                        f"the group generated by {list(alphabet)!r} has more than "
                        f"max_states={max_states} elements"
                    )
                j = index[r] = len(elements)
                elements.append(r)
            row.append(j)
        rows.append(row)
        k += 1
    names: list[Hashable] = [permutation_name(e) for e in elements]
    labels = None
    if label is not None:
        labels = [label(Permutation(list(e))) for e in elements]
    return _assemble(names, alphabet, rows, labels, name)


def from_group(
    group: Any,
    generators: Mapping[Any, Any] | Sequence[Any] | None = None,
    action: str = "regular",
    **options: Any,
) -> DFA:
    """The automaton of a sympy ``PermutationGroup`` with chosen generators.

    Parameters
    ----------
    group : sympy.combinatorics.PermutationGroup
        The group.
    generators : mapping or sequence, optional
        ``{symbol: element}``, or a list of elements (symbols ``"g0"``, ``"g1"``, ...);
        default: ``group.generators`` as ``"g0"``, ``"g1"``, ...  Every element must lie in
        ``group`` and together they must generate it.
    action : {"regular", "points"}
        As in :func:`from_permutations`.
    **options
        ``start``, ``label``, ``side``, ``max_states``, ``name``: passed to
        :func:`from_permutations`.

    Raises
    ------
    InvalidGroupError
        ``group`` is not a permutation group, an element is not in it (named by its symbol),
        or the generators generate a proper subgroup.
    AutomatonTooLargeError
        The regular action has more than ``max_states`` states.

    Examples
    --------
    >>> from sympy.combinatorics.named_groups import SymmetricGroup, CyclicGroup
    >>> from_group(SymmetricGroup(4)).n_states
    24
    >>> from_group(SymmetricGroup(4), action="points").n_states
    4
    >>> from_group(CyclicGroup(6), {"+1": CyclicGroup(6).generators[0]}).run(["+1"] * 2)
    '(0 2 4)(1 3 5)'
    """
    if not isinstance(group, PermutationGroup):
        raise InvalidGroupError(
            f"group must be a sympy PermutationGroup, got {type(group).__name__}"
        )
    if generators is None:
        generators = {f"g{i}": g for i, g in enumerate(group.generators)}
    elif not isinstance(generators, Mapping):
        if isinstance(generators, (str, bytes)) or not isinstance(generators, Sequence):
            raise InvalidGroupError(
                f"generators must be a mapping or a list, got {type(generators).__name__}"
            )
        generators = {f"g{i}": g for i, g in enumerate(generators)}
    arrays = _check_generators(generators)
    elements = []
    for symbol, arr in arrays.items():
        if len(arr) != group.degree:
            raise InvalidGroupError(
                f"the generator for symbol {symbol!r} has degree {len(arr)}; the group has "
                f"degree {group.degree}"
            )
        element = Permutation(list(arr))
        if not group.contains(element):
            raise InvalidGroupError(
                f"the generator for symbol {symbol!r}, {permutation_name(arr)}, is not in the "
                "group"
            )
        elements.append(element)
    max_states = options.get("max_states", DEFAULT_MAX_STATES)
    order = group.order()
    if action == "regular" and order > _check_max_states(max_states):
        raise AutomatonTooLargeError(
            f"the regular action of a group of order {order} exceeds max_states={max_states}"
        )
    sub = PermutationGroup(elements).order()
    if sub != order:
        raise InvalidGroupError(
            f"the generators {list(arrays)!r} generate a subgroup of order {sub} of a group of "
            f"order {order}"
        )
    return from_permutations(arrays, action, **options)
