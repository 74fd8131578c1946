"""Exact operations on automata: completion, reachable part, minimization, products, relabelling,
and equivalence with a shortest distinguishing word.

Every operation returns a new :class:`~bilinear.automata.DFA`; none mutates its argument.

Examples
--------
>>> from bilinear.automata import DFA, minimize, equivalent, distinguishing_word
>>> d = DFA(states=[0, 1, 2, 3], alphabet=["a"],
...         transitions={(0, "a"): 1, (1, "a"): 2, (2, "a"): 3, (3, "a"): 0},
...         start=0, labels={0: 0, 1: 1, 2: 0, 3: 1})
>>> m = minimize(d)
>>> m.n_states, equivalent(d, m)
(2, True)
>>> distinguishing_word(d, m) is None
True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np

from bilinear.automata.dfa import DFA, _normalise_label
from bilinear.errors import AlphabetMismatchError, InvalidArgumentError, InvalidAutomatonError

__all__ = [
    "complete",
    "reachable",
    "minimize",
    "product",
    "relabel",
    "equivalent",
    "distinguishing_word",
    "reachable_indices",
    "reachable_mask",
]


# --------------------------------------------------------------------------- completion
def complete(
    states: Any,
    alphabet: Any,
    transitions: Mapping[Any, Any],
    start: Hashable,
    labels: Mapping[Hashable, Any] | None = None,
    *,
    sink: Hashable = "sink",
    sink_label: Any = None,
    name: str = "",
) -> DFA:
    """Complete a partial transition table with a sink state.

    Every missing transition, and every transition of the sink, goes to ``sink``.  The sink is
    added only when a transition is missing.

    Parameters
    ----------
    states, alphabet, transitions, start, labels, name
        As for :class:`~bilinear.automata.DFA`, but ``transitions`` may be partial.
    sink : hashable
        Name of the added state; it must not be a state already.
    sink_label : optional
        Label of the sink.  Defaults to ``False`` for acceptance labels; required for other
        labellings (for the identity labelling the sink is labelled by its name).

    Examples
    --------
    >>> from bilinear.automata import complete
    >>> d = complete(["s", "t"], ["a", "b"], {("s", "a"): "t"}, "s", {"s": False, "t": True})
    >>> d.states, d.output("ab")
    (('s', 't', 'sink'), [True, False])
    """
    states = list(states)
    alphabet = list(alphabet)
    flat: dict[tuple[Hashable, Hashable], Hashable] = {}
    for key, value in transitions.items():
        if isinstance(value, Mapping):
            for a, t in value.items():
                flat[(key, a)] = t
        else:
            flat[key] = value
    missing = [(q, a) for q in states for a in alphabet if (q, a) not in flat]
    if not missing:
        return DFA(states=states, alphabet=alphabet, transitions=flat, start=start,
                   labels=labels, name=name)
    if sink in states:
        raise InvalidAutomatonError(
            f"sink name {sink!r} is already a state; pass another name with sink=..."
        )
    for q, a in missing:
        flat[(q, a)] = sink
    for a in alphabet:
        flat[(sink, a)] = sink
    new_labels = None
    if labels is not None:
        if sink_label is None:
            values = set(labels.values())
            if values and all(isinstance(v, (bool, np.bool_)) for v in values):
                sink_label = False
            else:
                raise InvalidArgumentError(
                    "give sink_label=...: the labels are not acceptance (True/False) labels"
                )
        new_labels = dict(labels)
        new_labels[sink] = sink_label
    return DFA(states=[*states, sink], alphabet=alphabet, transitions=flat, start=start,
               labels=new_labels, name=name)


# --------------------------------------------------------------------------- reachability
def reachable_indices(dfa: DFA) -> np.ndarray:
    """Indices of the states reachable from the start, in increasing order."""
    return np.flatnonzero(reachable_mask(dfa.table, dfa.start_index))


#: A frontier of at most this many states is expanded in scalar Python (a deep, path-like
#: automaton has one level per state; numpy's per-call overhead would dominate).
_NARROW = 4


def reachable_mask(table: np.ndarray, start: int) -> np.ndarray:
    """Boolean mask of the states reachable from ``start`` under the transition ``table``
    (``(n, k)`` integer array of successors).

    Breadth-first, in ``O(edges)`` plus ``O(n)`` per wide level: a wide level (about an eighth
    of the states or more) scatters its successors into a fresh mask (no sort, no compress of
    the seen ones), a narrow one drops the seen successors and keeps the first occurrence of
    each new one, a frontier of a few states steps in scalar Python; the search stops once every
    state is seen.

    Examples
    --------
    >>> import numpy as np
    >>> reachable_mask(np.array([[1, 1], [0, 1], [2, 0]]), 0).tolist()
    [True, True, False]
    """
    n = table.shape[0]
    seen = np.zeros(n, dtype=bool)
    seen[start] = True
    frontier = np.array([start], dtype=np.intp)
    slot: np.ndarray | None = None
    count = 1
    while frontier.size and count < n:  # (every state seen: no level can add one)
        if frontier.size <= _NARROW:
            new: list[int] = []
            for q in frontier.tolist():
                for r in table[q].tolist():
                    if not seen[r]:
                        seen[r] = True
                        new.append(r)
            frontier = np.array(new, dtype=np.intp)
            count += len(new)
            continue
        succ = np.take(table, frontier, axis=0).ravel()  # np.take: far faster than table[f]
        if succ.size * 8 >= n:
            mask = np.zeros(n, dtype=bool)
            mask[succ] = True
            mask &= ~seen
            seen |= mask
            frontier = np.flatnonzero(mask)
            count += frontier.size
            continue
        succ = succ[~np.take(seen, succ)]
        if slot is None:
            slot = np.empty(n, dtype=np.intp)
        order = np.arange(succ.size)
        slot[succ[::-1]] = order[::-1]  # the last write, the first occurrence, stays
        frontier = succ[slot[succ] == order]
        seen[frontier] = True
        count += frontier.size
    return seen


def _restrict(dfa: DFA, keep: np.ndarray, name: str | None = None) -> DFA:
    """The sub-automaton on the (closed) index set ``keep``, original order kept."""
    new_index = np.full(dfa.n_states, -1, dtype=np.int64)
    new_index[keep] = np.arange(len(keep))
    table = new_index[dfa.table[keep]]
    labels = None
    if dfa.labels is not None:
        labels = [dfa.label_values[i] for i in dfa.label_index[keep]]
    return DFA._from_trusted(
        [dfa.states[i] for i in keep], dfa.alphabet, table, int(new_index[dfa.start_index]),
        labels, dfa.name if name is None else name,
    )


def reachable(dfa: DFA) -> DFA:
    """The part of ``dfa`` reachable from its start state (states keep their order).

    Examples
    --------
    >>> from bilinear.automata import DFA, reachable
    >>> d = DFA(states=["s", "dead"], alphabet=["a"],
    ...         transitions={("s", "a"): "s", ("dead", "a"): "s"}, start="s")
    >>> reachable(d).states
    ('s',)
    """
    keep = reachable_indices(dfa)
    if len(keep) == dfa.n_states:
        return dfa
    return _restrict(dfa, keep)


# --------------------------------------------------------------------------- minimization
def _hopcroft(table: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """Coarsest partition refining ``initial`` that is stable under ``table`` (Hopcroft).

    Returns a block id per state, numbered by the first state (lowest index) of each block.
    """
    n, k = table.shape
    # predecessor lists per symbol, as CSR arrays
    preds: list[tuple[np.ndarray, np.ndarray]] = []
    for a in range(k):
        order = np.argsort(table[:, a], kind="stable")
        starts = np.searchsorted(table[order, a], np.arange(n + 1))
        preds.append((order, starts))
    block = np.unique(initial, return_inverse=True)[1].astype(np.int64)
    members: list[set[int]] = [set() for _ in range(block.max() + 1)]
    for q, b in enumerate(block.tolist()):
        members[b].add(q)
    work = deque(range(len(members)))
    while work:
        splitter = work.popleft()
        target = np.fromiter(members[splitter], dtype=np.int64)
        for a in range(k):
            order, starts = preds[a]
            pre = np.concatenate([order[starts[t]:starts[t + 1]] for t in target]) \
                if len(target) else np.zeros(0, dtype=np.int64)
            if pre.size == 0:
                continue
            touched: dict[int, list[int]] = {}
            for q in pre.tolist():
                touched.setdefault(int(block[q]), []).append(q)
            for b, inside in touched.items():
                if len(inside) == len(members[b]):
                    continue
                inside_set = set(inside)
                outside = members[b] - inside_set
                new = len(members)
                # the new block takes the smaller half (Hopcroft's trick)
                if len(inside_set) <= len(outside):
                    small, large = inside_set, outside
                else:
                    small, large = outside, inside_set
                members[b] = large
                members.append(small)
                block[list(small)] = new
                # whether or not b waits in the queue, queueing the smaller half suffices
                work.append(new)
    # renumber by first member
    first: dict[int, int] = {}
    out = np.empty(n, dtype=np.int64)
    for q in range(n):
        b = int(block[q])
        if b not in first:
            first[b] = len(first)
        out[q] = first[b]
    return out


def minimize(dfa: DFA) -> DFA:
    """The minimal Moore machine with the same outputs: reachable part, then Hopcroft's
    partition refinement starting from the partition by labels.

    A block of merged states is named after its first member (in the original state order);
    with the identity labelling nothing merges beyond reachability.

    Examples
    --------
    >>> from bilinear.automata import tasks, minimize
    >>> d = tasks.get("modular_addition", m=4).dfa
    >>> minimize(d).n_states
    4
    """
    dfa = reachable(dfa)
    blocks = _hopcroft(dfa.table, dfa.label_index)
    n_blocks = int(blocks.max()) + 1
    if n_blocks == dfa.n_states:
        return dfa
    reps = np.array([int(np.flatnonzero(blocks == b)[0]) for b in range(n_blocks)])
    table = blocks[dfa.table[reps]]
    labels = [dfa.label_values[i] for i in dfa.label_index[reps]]
    return DFA._from_trusted(
        [dfa.states[i] for i in reps], dfa.alphabet, table, int(blocks[dfa.start_index]),
        labels, dfa.name,
    )


# --------------------------------------------------------------------------- products
def _same_alphabet(d1: DFA, d2: DFA) -> np.ndarray:
    """Index map from ``d1``'s symbols to ``d2``'s; the alphabets must be equal as sets."""
    if set(d1.alphabet) != set(d2.alphabet):
        extra = [a for a in d1.alphabet if a not in set(d2.alphabet)]
        extra += [a for a in d2.alphabet if a not in set(d1.alphabet)]
        raise AlphabetMismatchError(
            f"the automata have different alphabets; symbol {extra[0]!r} is in one only"
        )
    return np.array([d2.symbol_index(a) for a in d1.alphabet], dtype=np.int64)


def _pair_bfs(d1: DFA, d2: DFA) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Reachable pairs of the product (BFS order) and their transition table."""
    perm = _same_alphabet(d1, d2)
    t1, t2 = d1.table, d2.table[:, perm]
    start = (d1.start_index, d2.start_index)
    index = {start: 0}
    pairs = [start]
    rows: list[list[int]] = []
    i = 0
    while i < len(pairs):
        p, q = pairs[i]
        row = []
        for a in range(d1.n_symbols):
            nxt = (int(t1[p, a]), int(t2[q, a]))
            if nxt not in index:
                index[nxt] = len(pairs)
                pairs.append(nxt)
            row.append(index[nxt])
        rows.append(row)
        i += 1
    return pairs, np.array(rows, dtype=np.int64)


def product(
    d1: DFA, d2: DFA, combine: Callable[[Any, Any], Any] | None = None, name: str = ""
) -> DFA:
    """The synchronous product on the reachable pairs of states.

    The label of a pair is ``combine(label1, label2)``, by default the tuple of both labels, so
    the product behaves as both factors at once.  The alphabets must be equal as sets; the
    product uses ``d1``'s symbol order.

    Examples
    --------
    >>> from bilinear.automata import DFA, tasks, product
    >>> mod3 = DFA(states=[0, 1, 2], alphabet=["0", "1"], start=0,
    ...            transitions={(q, a): (q + int(a)) % 3 for q in range(3) for a in "01"})
    >>> p = product(tasks.get("parity").dfa, mod3)
    >>> p.n_states, p.output("111")
    (6, [(1, 1), (0, 2), (1, 0)])
    """
    pairs, table = _pair_bfs(d1, d2)
    combine = combine or (lambda x, y: (x, y))
    labels = [
        _normalise_label(combine(d1.label_values[d1.label_index[p]],
                                 d2.label_values[d2.label_index[q]]))
        for p, q in pairs
    ]
    states = [(d1.states[p], d2.states[q]) for p, q in pairs]
    return DFA._from_trusted(states, d1.alphabet, table, 0, labels,
                             name or f"{d1.name or 'A'}x{d2.name or 'B'}")


# --------------------------------------------------------------------------- relabelling
def _as_function(spec: Mapping | Callable | None, kind: str, names: tuple) -> Callable:
    if spec is None:
        return lambda x: x
    if callable(spec) and not isinstance(spec, Mapping):
        return spec
    if isinstance(spec, Mapping):
        for key in spec:
            if key not in names:
                raise InvalidArgumentError(f"relabel: {kind} {key!r} does not occur")
        return lambda x: spec.get(x, x)
    raise InvalidArgumentError(f"relabel: {kind}s must be a mapping or a function, got {spec!r}")


def relabel(
    dfa: DFA,
    states: Mapping | Callable | None = None,
    symbols: Mapping | Callable | None = None,
    labels: Mapping | Callable | None = None,
    name: str | None = None,
) -> DFA:
    """Rename states and/or symbols and/or map output labels (a mapping or a function each).

    Names left out of a mapping keep their name.  Renaming must stay injective for states and
    symbols (two states with one new name raise :class:`~bilinear.errors.DuplicateNameError`).

    Examples
    --------
    >>> from bilinear.automata import tasks, relabel
    >>> d = relabel(tasks.get("parity").dfa, symbols={"0": "a", "1": "b"}, labels=lambda x: x == 1)
    >>> d.alphabet, d.output("abb")
    (('a', 'b'), [False, True, False])
    """
    fs = _as_function(states, "state", dfa.states)
    fa = _as_function(symbols, "symbol", dfa.alphabet)
    fl = _as_function(labels, "label", dfa.label_values)
    new_states = [fs(q) for q in dfa.states]
    new_alpha = [fa(a) for a in dfa.alphabet]
    trans = {
        (new_states[i], new_alpha[k]): new_states[dfa.table[i, k]]
        for i in range(dfa.n_states) for k in range(dfa.n_symbols)
    }
    if dfa.labels is None and labels is None:
        new_labels = None
    else:
        new_labels = {
            new_states[i]: fl(dfa.label_values[dfa.label_index[i]]) for i in range(dfa.n_states)
        }
    return DFA(states=new_states, alphabet=new_alpha, transitions=trans,
               start=new_states[dfa.start_index], labels=new_labels,
               name=dfa.name if name is None else name)


# --------------------------------------------------------------------------- equivalence
def distinguishing_word(d1: DFA, d2: DFA) -> list[Hashable] | None:
    """A shortest word after which the two automata output different labels, or ``None``.

    The empty word counts (it compares the labels of the start states), so the result may be
    ``[]``.  Breadth-first search over pairs of states makes the word shortest.

    Examples
    --------
    >>> from bilinear.automata import tasks, distinguishing_word
    >>> a = tasks.get("cyclic", n=2, action="points").dfa
    >>> b = tasks.get("cyclic", n=4, action="points").dfa
    >>> distinguishing_word(a, b)
    ['1', '1']
    """
    perm = _same_alphabet(d1, d2)
    t1, t2 = d1.table, d2.table[:, perm]

    def label_pair(p: int, q: int) -> bool:
        return d1.label_values[d1.label_index[p]] == d2.label_values[d2.label_index[q]]

    start = (d1.start_index, d2.start_index)
    parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {start: None}
    queue = deque([start])
    while queue:
        p, q = queue.popleft()
        if not label_pair(p, q):
            word: list[Hashable] = []
            node: tuple[int, int] = (p, q)
            while parent[node] is not None:
                prev, a = parent[node]  # type: ignore[misc]
                word.append(d1.alphabet[a])
                node = prev
            return word[::-1]
        for a in range(d1.n_symbols):
            nxt = (int(t1[p, a]), int(t2[q, a]))
            if nxt not in parent:
                parent[nxt] = ((p, q), a)
                queue.append(nxt)
    return None


def equivalent(d1: DFA, d2: DFA) -> bool:
    """True when both automata output the same label after every word (the empty one included).

    Examples
    --------
    >>> from bilinear.automata import tasks, minimize, equivalent
    >>> d = tasks.get("threshold", k=2).dfa
    >>> equivalent(d, minimize(d))
    True
    """
    return distinguishing_word(d1, d2) is None
