"""Automaton extraction: breadth-first sampling of hidden states and partition refinement.

The model is only read through ``W``, ``h0`` and ``readout``, so every level works.  Hidden
states are normalized after each step (divided by a power of two close to their Euclidean
norm, which is exact in floating point): the readout has no bias, so
``argmax_j (R h)_j`` is unchanged when ``h`` is multiplied by a positive number, and the
recurrence is linear, so the normalized trajectory decodes exactly like the raw one (in exact
arithmetic) while its entries stay bounded.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> ex = extract_automaton(compile_automaton(tasks.get("parity").dfa, level="real_diagonal"))
>>> ex.dfa.n_states, ex.finite_orbit, ex.exhausted
(2, True, False)
>>> ex.dfa.output("0110")
[0, 1, 0, 0]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bilinear._validation import check_optional_positive_int, check_positive_int
from bilinear.automata.dfa import DFA
from bilinear.errors import InvalidArgumentError

__all__ = ["Extraction", "extract_automaton", "TIE", "normalize_rows", "power_of_two_scale"]

#: Longest label lookahead tried when the sampled orbit does not close.
MAX_LOOKAHEAD = 64

#: Label of an abstract state whose samples decode to a tie between readout rows.
TIE = "<tie>"


def normalize_rows(X: np.ndarray) -> np.ndarray:
    """Each row scaled by the power of two that brings its Euclidean norm into ``[1/2, 1)``.

    Scaling by a power of two is exact in binary floating point, so a model whose states are
    exact (one-hot, integer or dyadic weights) keeps exact sampled states; zero rows stay zero
    and ``-0.0`` becomes ``0.0``.

    Examples
    --------
    >>> normalize_rows(np.array([[3.0, -4.0], [0.0, -0.0], [0.0, 1.0]])).tolist()
    [[0.375, -0.5], [0.0, 0.0], [0.0, 0.5]]
    """
    norm = np.linalg.norm(X, axis=-1, keepdims=True)
    _, e = np.frexp(norm)
    out = np.where(norm > 0, np.ldexp(X, -e), X)
    return out + 0.0


def power_of_two_scale(norm: np.ndarray) -> np.ndarray:
    """The factors ``2**-e`` applied by :func:`normalize_rows` to rows of norm ``norm``."""
    _, e = np.frexp(norm)
    return np.where(norm > 0, np.ldexp(1.0, -e), 1.0)


@dataclass(frozen=True, eq=False)
class Extraction:
    """The automaton extracted from a model's sampled hidden states.

    Attributes
    ----------
    dfa : DFA or None
        The minimal automaton of the sampled behaviour (states ``0..n-1``, the model's symbols
        in ``letters`` order, label of a state = the label its samples decode to, :data:`TIE`
        for a tie); ``None`` when the samples did not close into a consistent quotient within
        the budget.  The start state's label is that of ``h0``, which the model never reports.
    letters : tuple of int
        Model input indices explored (the alphabet of ``dfa``).
    states : numpy.ndarray, shape (N, H)
        The distinct normalized hidden states sampled, in breadth-first order (``states[0]``:
        normalized ``h0``).
    rows : numpy.ndarray, shape (N,)
        Readout row each sample decodes to (``-1``: a tie).
    parent, letter, depth : numpy.ndarray, shape (N,)
        Breadth-first tree: the sample was first reached from ``parent`` by ``letters[letter]``
        (``-1`` at the root), by a word of length ``depth``.
    succ : numpy.ndarray, shape (N, K)
        Sample reached by each letter (``-1``: not expanded, a leaf of the search).
    node_class : numpy.ndarray, shape (N,)
        State of ``dfa`` of each sample (``-1``: unclassified leaf, or no ``dfa``).
    finite_orbit : bool
        True when the search closed: every successor of a sample is a sample (bit for bit), so
        the samples are every state the float64 normalized recurrence reaches.
    exhausted : bool
        True when the budget stopped the search before it closed.
    lookahead : int
        Depth ``k`` of the label lookahead that separated the abstract states (``0`` when the
        search closed: Moore's algorithm on the complete sample graph).
    """

    dfa: DFA | None
    letters: tuple[int, ...]
    states: np.ndarray
    rows: np.ndarray
    parent: np.ndarray
    letter: np.ndarray
    depth: np.ndarray
    succ: np.ndarray
    node_class: np.ndarray
    finite_orbit: bool
    exhausted: bool
    lookahead: int

    @property
    def explored(self) -> int:
        """Number of distinct hidden states sampled."""
        return int(self.states.shape[0])

    @property
    def n_states(self) -> int | None:
        """States of the extracted automaton (``None`` without one)."""
        return None if self.dfa is None else self.dfa.n_states

    def word_indices(self, node: int) -> list[int]:
        """Positions in ``letters`` of the breadth-first word reaching sample ``node``."""
        out = []
        while self.parent[node] >= 0:
            out.append(int(self.letter[node]))
            node = int(self.parent[node])
        return out[::-1]

    def to_dict(self) -> dict[str, Any]:
        """Sizes and flags (the arrays are not serialised)."""
        return {"states": self.n_states, "explored": self.explored,
                "depth": int(self.depth.max()) if self.depth.size else 0,
                "lookahead": self.lookahead, "finite_orbit": self.finite_orbit,
                "exhausted": self.exhausted}


def _label_codes(rnn: Any, rows: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Integer code of each sample's decoded *label* (rows with one label share a code)."""
    values: list[Any] = []
    pos: dict[Any, int] = {}
    codes = np.empty(rows.shape[0], dtype=np.int64)
    for i, r in enumerate(rows.tolist()):
        v = TIE if r < 0 else rnn.labels[r]
        key = (type(v), v)
        if key not in pos:
            pos[key] = len(values)
            values.append(v)
        codes[i] = pos[key]
    return codes, values


def _sample(rnn: Any, letters: Sequence[int], budget: int, max_length: int | None
            ) -> tuple[list[np.ndarray], dict[str, list[int]], np.ndarray, bool, bool]:
    """Breadth-first search by whole levels over the distinct normalized states."""
    A = np.ascontiguousarray(np.moveaxis(np.asarray(rnn.W, dtype=np.float64), 2, 0)[list(letters)])
    K = len(letters)
    root = normalize_rows(np.asarray(rnn.h0, dtype=np.float64)[None, :])[0]
    states = [root]
    tree: dict[str, list[int]] = {"parent": [-1], "letter": [-1], "depth": [0]}
    index = {root.tobytes(): 0}
    succ_rows: list[list[int]] = []
    frontier = [0]
    level = 0
    exhausted = False
    while frontier:
        if max_length is not None and level >= max_length:
            break
        X = np.stack([states[f] for f in frontier])
        Y = normalize_rows(np.einsum("kij,fj->fki", A, X))           # (F, K, H)
        new_keys: dict[bytes, int] = {}
        rows = []
        for fi in range(len(frontier)):
            row = []
            for k in range(K):
                key = Y[fi, k].tobytes()
                if key in index:
                    row.append(index[key])
                else:
                    row.append(-2 - new_keys.setdefault(key, len(new_keys)))
            rows.append(row)
        if len(states) + len(new_keys) > budget:
            exhausted = True
            break
        first: dict[int, tuple[int, int]] = {}
        for fi, row in enumerate(rows):
            for k, t in enumerate(row):
                if t <= -2 and -2 - t not in first:
                    first[-2 - t] = (fi, k)
        base = len(states)
        for j in range(len(new_keys)):
            fi, k = first[j]
            states.append(Y[fi, k].copy())
            index[Y[fi, k].tobytes()] = base + j
            tree["parent"].append(frontier[fi])
            tree["letter"].append(k)
            tree["depth"].append(level + 1)
        succ_rows.extend([t if t >= 0 else base + (-2 - t) for t in row] for row in rows)
        frontier = list(range(base, len(states)))
        level += 1
    succ = np.full((len(states), K), -1, dtype=np.int64)
    if succ_rows:
        succ[: len(succ_rows)] = np.array(succ_rows, dtype=np.int64)
    return states, tree, succ, not frontier, exhausted


def _moore(codes: np.ndarray, succ: np.ndarray) -> np.ndarray:
    """Coarsest partition refining ``codes`` that is compatible with every letter."""
    _, cls = np.unique(codes, return_inverse=True)
    while True:
        key = np.column_stack([cls, cls[succ]])
        _, new = np.unique(key, axis=0, return_inverse=True)
        new = new.ravel()
        if new.max() == cls.max():
            return new
        cls = new


def _truncated(codes: np.ndarray, succ: np.ndarray, depth: np.ndarray
               ) -> tuple[np.ndarray, int] | None:
    """Refinement on a sample with leaves (every node of depth ``< L`` expanded).

    ``sig_j`` (labels along every word of length ``<= j``) is known on the samples of depth
    ``<= L - j``.  The first ``k`` is taken at which ``sig_{k+1}`` splits no class of ``sig_k``
    among the samples of depth ``<= L - k - 1`` (consistency) and every class of ``sig_k`` met
    at depth ``<= L - k`` already occurs there (closedness).  Returns the class of each sample
    of depth ``<= L - k`` (``-1`` elsewhere) and ``k``; ``None`` when no ``k`` up to
    :data:`MAX_LOOKAHEAD` works.
    """
    L = int(depth.max())
    _, sig = np.unique(codes, return_inverse=True)
    sig = sig.ravel()
    for k in range(min(L, MAX_LOOKAHEAD + 1)):
        inner = depth <= L - k - 1
        region = depth <= L - k
        nxt = np.full_like(sig, -1)
        key = np.column_stack([sig[inner], sig[succ[inner]]])
        _, nxt_inner = np.unique(key, axis=0, return_inverse=True)
        nxt[inner] = nxt_inner.ravel()
        consistent = np.unique(sig[inner]).size == np.unique(nxt[inner]).size
        closed = set(np.unique(sig[region]).tolist()) <= set(np.unique(sig[inner]).tolist())
        if consistent and closed:
            return np.where(region, sig, -1), k
        # sig_{k+1} on the inner region; ids of sig_k and sig_{k+1} must not collide
        sig = np.where(inner, nxt, -1)
    return None


def _quotient(classes: np.ndarray, succ: np.ndarray, codes: np.ndarray, values: list[Any],
              expanded: np.ndarray, alphabet: tuple[Hashable, ...]
              ) -> tuple[DFA, np.ndarray]:
    """The automaton on the classes (numbered by first sample), and each sample's state."""
    order: dict[int, int] = {}
    for c in classes.tolist():
        if c >= 0 and c not in order:
            order[c] = len(order)
    node_state = np.array([order.get(c, -1) for c in classes.tolist()], dtype=np.int64)
    n, K = len(order), succ.shape[1]
    table = np.full((n, K), -1, dtype=np.int64)
    labels: list[Any] = [None] * n
    for node in range(len(classes)):
        q = node_state[node]
        if q < 0:
            continue
        if labels[q] is None:
            labels[q] = values[codes[node]]
        if expanded[node] and table[q, 0] < 0:
            table[q] = node_state[succ[node]]
    if (table < 0).any():  # pragma: no cover - excluded by closedness
        raise InvalidArgumentError("internal error: an abstract state has no expanded sample")
    return DFA._from_trusted(list(range(n)), alphabet, table, int(node_state[0]), labels,
                             name="extracted"), node_state


def extract_automaton(rnn: Any, budget: int = 4096, *, letters: Sequence[int] | None = None,
                      max_length: int | None = None) -> Extraction:
    """Extract the automaton a bilinear RNN behaves like, from its sampled hidden states.

    Breadth-first search over words from ``h0``, one whole level at a time, keeping every
    distinct normalized hidden state (distinct bit for bit: no tolerance).  The samples are
    grouped by decoded label and the groups refined until they are consistent with every
    letter's map (Moore / Myhill-Nerode partition refinement): two samples stay together only
    when they decode alike and their successors stay in the same groups.  When the search
    closes (the normalized float64 orbit is finite) the refinement runs on the complete sample
    graph; otherwise on the samples whose lookahead is known (see ``Extraction.lookahead``).

    Parameters
    ----------
    rnn : BilinearRNN
        Only ``W``, ``h0``, ``readout``, ``alphabet`` and ``labels`` are read (any level).
    budget : int
        Largest number of distinct hidden states sampled; a level that would exceed it is not
        added and ``Extraction.exhausted`` is set.
    letters : sequence of int, optional
        Model input indices to explore, in the order of the extracted alphabet (default all).
    max_length : int, optional
        Longest word explored.

    Examples
    --------
    >>> import numpy as np
    >>> from bilinear.constructions import BilinearRNN
    >>> th = 2 * np.pi / 3                                  # Z_3 by a float rotation
    >>> rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    >>> R = np.array([[np.cos(j * th), np.sin(j * th)] for j in range(3)])
    >>> rnn = BilinearRNN(W=np.stack([np.eye(2), rot], axis=2), h0=np.array([1.0, 0.0]),
    ...                   readout=R, alphabet=("0", "1"), labels=(0, 1, 2), level="block")
    >>> ex = extract_automaton(rnn, budget=500)
    >>> ex.dfa.n_states, ex.dfa.output("1101")
    (3, [1, 2, 2, 0])
    """
    budget = check_positive_int(budget, "budget")
    max_length = check_optional_positive_int(max_length, "max_length")
    if letters is None:
        letters = range(rnn.D)
    letters = tuple(int(k) for k in letters)
    if not letters or any(k < 0 or k >= rnn.D for k in letters):
        raise InvalidArgumentError(f"letters must be input indices in [0, {rnn.D}), got "
                                   f"{list(letters)!r}")
    states, tree, succ, closed, exhausted = _sample(rnn, letters, budget, max_length)
    X = np.stack(states)
    rows = np.asarray(rnn.decode_indices(X), dtype=np.int64)
    codes, values = _label_codes(rnn, rows)
    depth = np.array(tree["depth"], dtype=np.int64)
    alphabet = tuple(rnn.alphabet[k] for k in letters)
    expanded = succ[:, 0] >= 0
    dfa: DFA | None = None
    node_class = np.full(X.shape[0], -1, dtype=np.int64)
    lookahead = 0
    if closed:
        dfa, node_class = _quotient(_moore(codes, succ), succ, codes, values, expanded,
                                    alphabet)
    elif depth.max() > 0:
        found = _truncated(codes, succ, depth)
        if found is not None:
            classes, lookahead = found
            inner = depth <= int(depth.max()) - lookahead - 1   # successors classified
            dfa, node_class = _quotient(classes, succ, codes, values, inner, alphabet)
    return Extraction(dfa=dfa, letters=letters, states=X, rows=rows,
                      parent=np.array(tree["parent"], dtype=np.int64),
                      letter=np.array(tree["letter"], dtype=np.int64), depth=depth, succ=succ,
                      node_class=node_class, finite_orbit=closed, exhausted=exhausted,
                      lookahead=lookahead)
