"""Shared pieces of the verifiers: matching a model to an automaton, shortest words, decoding.

Examples
--------
>>> from bilinear.automata import tasks
>>> d = tasks.get("parity").dfa
>>> tree = bfs_tree(d)
>>> tree.word(d, 1)
('1',)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bilinear.automata import tasks
from bilinear.automata.dfa import DFA
from bilinear.errors import AlphabetMismatchError, InvalidArgumentError

__all__ = ["Alignment", "align", "BFSTree", "bfs_tree", "resolve_automaton", "describe_model",
           "unpack_word"]


def _same(a: Any, b: Any) -> bool:
    """Loose equality: by value, or by text (one side may come from JSON)."""
    return a == b or str(a) == str(b)


@dataclass(frozen=True)
class Alignment:
    """How the model's inputs and readout rows correspond to the automaton's symbols and labels.

    Attributes
    ----------
    columns : numpy.ndarray, shape (K,)
        Model input index ``k`` of each automaton symbol.
    row_label : numpy.ndarray, shape (S,)
        Automaton label index of each readout row (``-1``: a label the automaton never outputs).
    notes : tuple of str
        Remarks on the matching (extra model symbols, unused rows, ...).
    """

    columns: np.ndarray
    row_label: np.ndarray
    notes: tuple[str, ...] = ()

    def correct_rows(self, label_index: int) -> np.ndarray:
        """Readout rows that carry the automaton label ``label_index``."""
        return np.nonzero(self.row_label == label_index)[0]


def align(rnn: Any, dfa: DFA) -> Alignment:
    """Match the model's alphabet and labels with the automaton's.

    Symbols and labels are matched by value, or by their text when one side was read from JSON
    (``1`` and ``"1"``).  Every automaton symbol must be a model symbol.

    Raises
    ------
    AlphabetMismatchError
        An automaton symbol the model has no input for.

    Examples
    --------
    >>> import numpy as np
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import BilinearRNN
    >>> rnn = BilinearRNN(W=np.array([[[1.0, -1.0]]]), h0=np.ones(1),
    ...                   readout=np.array([[1.0], [-1.0]]), alphabet=("0", "1"),
    ...                   labels=("0", "1"), level="real_diagonal")
    >>> align(rnn, tasks.get("parity").dfa).row_label.tolist()
    [0, 1]
    """
    model_symbols = list(rnn.alphabet)
    columns = []
    for a in dfa.alphabet:
        hits = [k for k, b in enumerate(model_symbols) if b == a]
        if not hits:
            hits = [k for k, b in enumerate(model_symbols) if _same(a, b)]
        if not hits:
            raise AlphabetMismatchError(
                f"automaton symbol {a!r} has no model input; the model's alphabet is "
                f"{model_symbols!r}"
            )
        columns.append(hits[0])
    notes = []
    extra = [b for k, b in enumerate(model_symbols) if k not in columns]
    if extra:
        notes.append(f"model symbols {extra!r} are not in the automaton's alphabet and are "
                     "never read")
    if tuple(rnn.labels) == tuple(dfa.label_values) and all(
            type(a) is type(b) for a, b in zip(rnn.labels[:64], dfa.label_values[:64],
                                               strict=False)):
        row_label_arr = np.arange(len(rnn.labels), dtype=np.int64)   # the common fast case
    else:
        exact_pos: dict = {}
        text_pos: dict = {}
        for i, v in enumerate(dfa.label_values):
            exact_pos.setdefault((type(v), v), i)
            text_pos.setdefault(str(v), i)
        row_label_arr = np.fromiter(
            (exact_pos.get((type(lab), lab), text_pos.get(str(lab), -1)) for lab in rnn.labels),
            dtype=np.int64, count=len(rnn.labels))
    covered = np.zeros(len(dfa.label_values), dtype=bool)
    covered[row_label_arr[row_label_arr >= 0]] = True
    if not covered.all():
        missing = [dfa.label_values[i] for i in np.nonzero(~covered)[0][:8]]
        notes.append(f"automaton labels {missing!r} have no readout row")
    return Alignment(np.array(columns, dtype=np.int64), row_label_arr, tuple(notes))


def path_indices(parent: np.ndarray, letter: np.ndarray, q: int) -> list[int]:
    """Symbol indices of the tree path from the root to ``q`` (``parent[root] < 0``)."""
    out = []
    while parent[q] >= 0:
        out.append(int(letter[q]))
        q = int(parent[q])
    return out[::-1]


@dataclass(frozen=True)
class BFSTree:
    """Breadth-first search tree of an automaton from its start state (vectorised by levels).

    ``parent[q]`` and ``letter[q]`` give the last step of a shortest word reaching ``q`` (``-1``
    for the start state and unreachable states); ``depth[q]`` is its length (``-1``:
    unreachable); ``order`` lists the reachable states in BFS order.
    """

    parent: np.ndarray
    letter: np.ndarray
    depth: np.ndarray
    order: np.ndarray

    def word_indices(self, q: int) -> list[int]:
        """Symbol indices of a shortest word reaching state index ``q``."""
        return path_indices(self.parent, self.letter, q)

    def word(self, dfa: DFA, q: int) -> tuple[Hashable, ...]:
        """A shortest word reaching state index ``q``, as symbols."""
        return tuple(dfa.alphabet[a] for a in self.word_indices(q))


def bfs_tree(dfa: DFA) -> BFSTree:
    """The :class:`BFSTree` of ``dfa`` (no per-state Python loop; one numpy pass per level)."""
    n, k = dfa.table.shape
    parent = np.full(n, -1, dtype=np.int64)
    letter = np.full(n, -1, dtype=np.int64)
    depth = np.full(n, -1, dtype=np.int64)
    depth[dfa.start_index] = 0
    frontier = np.array([dfa.start_index], dtype=np.int64)
    order = [frontier]
    d = 0
    while frontier.size:
        d += 1
        targets = dfa.table[frontier].ravel()           # (F * k,) in (state, letter) order
        src = np.repeat(frontier, k)
        let = np.tile(np.arange(k), frontier.size)
        new = depth[targets] < 0
        targets, src, let = targets[new], src[new], let[new]
        uniq, first = np.unique(targets, return_index=True)
        parent[uniq], letter[uniq], depth[uniq] = src[first], let[first], d
        frontier = uniq
        if uniq.size:
            order.append(uniq)
    return BFSTree(parent, letter, depth, np.concatenate(order))


def resolve_automaton(dfa: Any) -> tuple[DFA, str]:
    """Accept a :class:`DFA`, a catalogue ``Task`` or a task spec; return ``(dfa, name)``."""
    if isinstance(dfa, DFA):
        return dfa, dfa.name or f"the automaton ({dfa.n_states} states)"
    if hasattr(dfa, "dfa") and isinstance(dfa.dfa, DFA):
        return dfa.dfa, str(getattr(dfa, "spec", "") or getattr(dfa, "name", ""))
    if isinstance(dfa, str):
        task = tasks.resolve(dfa)
        return task.dfa, task.spec
    raise InvalidArgumentError(
        f"expected a DFA, a task or a task spec, got {type(dfa).__name__}"
    )


def describe_model(rnn: Any) -> str:
    """A short description of a model for certificate titles."""
    name = ""
    info = getattr(rnn, "info", {}) or {}
    if info.get("construction"):
        name = f"{info['construction']} "
    return f"{name}{rnn.level} model (H = {rnn.H}, D = {rnn.D})"


def unpack_word(word: Sequence[Hashable]) -> str:
    """Readable form of a word."""
    if all(isinstance(a, str) and len(a) == 1 for a in word):
        return "".join(map(str, word)) if word else "(empty)"
    return " ".join(map(str, word)) if word else "(empty)"
