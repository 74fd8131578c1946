"""The :class:`DFA`: a complete deterministic Moore machine.

Conventions (see ``docs/explanation/conventions.md``):

* transformations act on the right, ``q . (uv) = (q . u) . v``;
* a word is read left to right; :meth:`DFA.trace` and :meth:`DFA.output` give one entry per
  *non-empty* prefix, so a word of length ``T`` gives ``T`` states / labels;
* the label of a state is what the task must report; acceptance is the labels ``False``/``True``,
  and "the state itself" is the identity labelling (``labels=None``).

Inside, states and symbols are dense integers (``table[q, a]`` is the index of ``q . a``);
outside, they keep their names.

Examples
--------
>>> from bilinear.automata import DFA
>>> parity = DFA(states=["even", "odd"], alphabet=["0", "1"],
...              transitions={("even", "0"): "even", ("even", "1"): "odd",
...                           ("odd", "0"): "odd", ("odd", "1"): "even"},
...              start="even", labels={"even": 0, "odd": 1}, name="parity")
>>> parity.run("0110")
'even'
>>> parity.output("011")
[0, 1, 0]
>>> parity.trace(["1", "1"])
['odd', 'even']
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from bilinear.automata._codec import (
    dfa_fields,
    dfa_to_dict,
    dfa_to_json,
    parse_json,
    to_dot,
    to_networkx,
)
from bilinear.errors import (
    DuplicateNameError,
    IncompleteAutomatonError,
    InvalidArgumentError,
    InvalidAutomatonError,
    UnknownStateError,
    UnknownSymbolError,
)

__all__ = ["DFA", "Word"]

#: How much of an automaton ``repr`` and the Jupyter table show.
_REPR_SYMBOLS = 12
_REPR_STATES = 30


class _TransitionView(Mapping[tuple[Hashable, Hashable], Hashable]):
    """Read-only ``{(state, symbol): next_state}`` view over the dense table (no copy)."""

    __slots__ = ("_states", "_alphabet", "_spos", "_apos", "_table")

    def __init__(self, states: tuple[Hashable, ...], alphabet: tuple[Hashable, ...],
                 spos: Mapping[Hashable, int], apos: Mapping[Hashable, int],
                 table: np.ndarray) -> None:
        self._states, self._alphabet = states, alphabet
        self._spos, self._apos, self._table = spos, apos, table

    def __getitem__(self, key: Any) -> Hashable:
        try:
            q, a = key
            return self._states[self._table[self._spos[q], self._apos[a]]]
        except (KeyError, TypeError, ValueError):
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[tuple[Hashable, Hashable]]:
        return ((q, a) for q in self._states for a in self._alphabet)

    def __len__(self) -> int:
        return self._table.size

    def __repr__(self) -> str:
        return f"<{len(self)} transitions>"

Word = Sequence[Hashable]
"""A word: a sequence of symbols (a ``str`` is accepted when every symbol is one character)."""

_LABEL_TYPES = (str, int, bool, tuple)  # tuples (of labels) come from products


def _freeze_names(names: Iterable[Hashable], kind: str) -> tuple[Hashable, ...]:
    """Return the names as a tuple, rejecting duplicates and unhashable names."""
    if isinstance(names, (str, bytes)):
        names = list(names)
    out: list[Hashable] = []
    seen: set[Hashable] = set()
    for name in names:
        try:
            hash(name)
        except TypeError:
            raise InvalidAutomatonError(f"{kind} name {name!r} is not hashable") from None
        if name in seen:
            raise DuplicateNameError(f"duplicate {kind} {name!r}")
        seen.add(name)
        out.append(name)
    if not out:
        raise InvalidAutomatonError(f"an automaton needs at least one {kind}")
    return tuple(out)


def _label_order(values: Sequence[Any]) -> tuple[Any, ...]:
    """Canonical order of the distinct label values.

    Booleans and integers are sorted (so acceptance is ``(False, True)``); anything else keeps
    the order of first appearance along the states.
    """
    distinct = list(dict.fromkeys(values))
    kinds = {type(v) for v in distinct}
    if kinds <= {bool} or kinds <= {int}:
        return tuple(sorted(distinct))
    return tuple(distinct)


def _normalise_label(value: Any) -> Any:
    """Turn numpy scalars into Python values so labels compare and serialise predictably."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass(frozen=True, eq=False, repr=False)
class DFA:
    """A complete deterministic finite automaton with an output label per state (Moore machine).

    Parameters
    ----------
    states : sequence of hashable
        State names, in the order used for indices (``states[i]`` has index ``i``).
    alphabet : sequence of hashable
        Input symbols, in the order used for indices (``W[:, :, k]`` reads ``alphabet[k]``).
    transitions : mapping
        ``{(state, symbol): next_state}`` for *every* pair (the automaton is complete), or the
        nested form ``{state: {symbol: next_state}}`` of the JSON format.
    start : hashable
        The start state.
    labels : mapping, optional
        ``{state: label}`` with labels of type ``str``, ``int`` or ``bool``; when omitted, the
        label of a state is the state itself (state tracking).
    name : str, optional
        A name used in reports and file names.

    Raises
    ------
    InvalidAutomatonError
        (or a subclass) naming the culprit: duplicate names, an unknown state or symbol, a
        missing transition, a bad or missing label.

    Examples
    --------
    >>> d = DFA(states=[0, 1], alphabet=["a"], transitions={(0, "a"): 1, (1, "a"): 1}, start=0,
    ...         labels={0: False, 1: True})
    >>> d.output("aa"), d.label_values
    ([True, True], (False, True))
    >>> DFA(states=[0], alphabet=["a"], transitions={}, start=0)
    Traceback (most recent call last):
    ...
    bilinear.errors.IncompleteAutomatonError: missing transition from state 0 on symbol 'a'
    """

    states: tuple[Hashable, ...]
    alphabet: tuple[Hashable, ...]
    transitions: Mapping[Any, Any]
    start: Hashable
    labels: Mapping[Hashable, Any] | None = None
    name: str = ""
    # derived, dense representation
    table: np.ndarray = field(init=False, repr=False)
    label_values: tuple[Any, ...] = field(init=False, repr=False)
    label_index: np.ndarray = field(init=False, repr=False)
    start_index: int = field(init=False, repr=False)
    _state_pos: dict[Hashable, int] = field(init=False, repr=False)
    _symbol_pos: dict[Hashable, int] = field(init=False, repr=False)

    if TYPE_CHECKING:
        # What the generated ``__init__`` accepts: any iterables of names (``__post_init__``
        # stores them as tuples, the type of the fields above).  Seen only by type checkers.
        def __init__(self, states: Iterable[Hashable], alphabet: Iterable[Hashable],
                     transitions: Mapping[Any, Any], start: Hashable,
                     labels: Mapping[Any, Any] | None = None, name: str = "") -> None:
            ...

    # ------------------------------------------------------------------ validation
    def __post_init__(self) -> None:
        states = _freeze_names(self.states, "state")
        alphabet = _freeze_names(self.alphabet, "symbol")
        set_ = object.__setattr__
        set_(self, "states", states)
        set_(self, "alphabet", alphabet)
        set_(self, "_state_pos", {q: i for i, q in enumerate(states)})
        set_(self, "_symbol_pos", {a: i for i, a in enumerate(alphabet)})
        if not isinstance(self.name, str):
            raise InvalidArgumentError(f"name must be a string, got {self.name!r}")
        self._check_start()
        table = self._build_table()
        table.setflags(write=False)
        set_(self, "table", table)
        set_(self, "transitions", self._transition_dict(table))
        self._check_labels()

    def _check_start(self) -> None:
        if self.start not in self._state_pos:
            raise UnknownStateError(self.start, self.states, context="start state")
        object.__setattr__(self, "start_index", self._state_pos[self.start])

    def _iter_transitions(self) -> Iterable[tuple[Any, Any, Any]]:
        trans = self.transitions
        if not isinstance(trans, Mapping):
            raise InvalidAutomatonError(
                f"transitions must be a mapping, got {type(trans).__name__}"
            )
        for key, value in trans.items():
            if isinstance(value, Mapping):
                for symbol, target in value.items():
                    yield key, symbol, target
            elif isinstance(key, tuple) and len(key) == 2:
                yield key[0], key[1], value
            else:
                raise InvalidAutomatonError(
                    f"transition key {key!r} is neither a (state, symbol) pair nor a state "
                    "with a {symbol: state} mapping"
                )

    def _build_table(self) -> np.ndarray:
        n, k = len(self.states), len(self.alphabet)
        table = np.full((n, k), -1, dtype=np.int64)
        for source, symbol, target in self._iter_transitions():
            i = self._pos(source, "source of a transition")
            a = self._sym(symbol, f"transition from state {source!r}")
            j = self._pos(target, f"target of the transition from {source!r} on {symbol!r}")
            if table[i, a] != -1 and table[i, a] != j:
                raise InvalidAutomatonError(
                    f"two transitions from state {source!r} on symbol {symbol!r}"
                )
            table[i, a] = j
        missing = np.argwhere(table < 0)
        if len(missing):
            i, a = missing[0]
            raise IncompleteAutomatonError(
                f"missing transition from state {self.states[i]!r} on symbol "
                f"{self.alphabet[a]!r}"
                + (f" ({len(missing)} missing in all)" if len(missing) > 1 else "")
            )
        return table

    def _transition_dict(self, table: np.ndarray) -> Mapping[tuple[Hashable, Hashable], Hashable]:
        return _TransitionView(self.states, self.alphabet, self._state_pos, self._symbol_pos, table)

    def _check_labels(self) -> None:
        set_ = object.__setattr__
        if self.labels is None:
            values: list[Any] = list(self.states)
        else:
            if not isinstance(self.labels, Mapping):
                raise InvalidAutomatonError(
                    "labels must be a mapping from state to label, got "
                    f"{type(self.labels).__name__}"
                )
            for q in self.labels:
                if q not in self._state_pos:
                    raise UnknownStateError(q, self.states, context="in labels")
            values = []
            for q in self.states:
                if q not in self.labels:
                    raise InvalidAutomatonError(f"state {q!r} has no label")
                value = _normalise_label(self.labels[q])
                if not isinstance(value, _LABEL_TYPES):
                    raise InvalidAutomatonError(
                        f"label {value!r} of state {q!r} is not a string, integer, boolean "
                        "or tuple of these"
                    )
                values.append(value)
            set_(self, "labels", dict(zip(self.states, values, strict=True)))
        self._set_label_arrays(values)

    def _set_label_arrays(self, values: Sequence[Any]) -> None:
        order = _label_order(values)
        pos = {v: i for i, v in enumerate(order)}
        index = np.array([pos[v] for v in values], dtype=np.int64)
        index.setflags(write=False)
        object.__setattr__(self, "label_values", order)
        object.__setattr__(self, "label_index", index)

    # ------------------------------------------------------------------ trusted fast path
    @classmethod
    def _from_trusted(
        cls,
        states: Sequence[Hashable],
        alphabet: Sequence[Hashable],
        table: np.ndarray,
        start_index: int,
        labels: Sequence[Any] | None,
        name: str = "",
    ) -> DFA:
        """Build from an integer table known to be valid, skipping validation.

        For internal algorithms (minimization, products, large random automata) whose output is
        valid by construction; ``labels`` is one label per state or ``None`` (identity).
        """
        self = object.__new__(cls)
        set_ = object.__setattr__
        states, alphabet = tuple(states), tuple(alphabet)
        table = np.array(table, dtype=np.int64)
        table.setflags(write=False)
        set_(self, "states", states)
        set_(self, "alphabet", alphabet)
        set_(self, "name", name)
        set_(self, "_state_pos", {q: i for i, q in enumerate(states)})
        set_(self, "_symbol_pos", {a: i for i, a in enumerate(alphabet)})
        set_(self, "table", table)
        set_(self, "start_index", int(start_index))
        set_(self, "start", states[int(start_index)])
        set_(self, "transitions", self._transition_dict(table))
        if labels is None:
            set_(self, "labels", None)
            self._set_label_arrays(states)
        else:
            values = [_normalise_label(v) for v in labels]
            set_(self, "labels", dict(zip(states, values, strict=True)))
            self._set_label_arrays(values)
        return self

    # ------------------------------------------------------------------ basic accessors
    @property
    def n_states(self) -> int:
        """Number of states."""
        return len(self.states)

    @property
    def n_symbols(self) -> int:
        """Number of input symbols."""
        return len(self.alphabet)

    @property
    def has_identity_labels(self) -> bool:
        """True when the label of each state is the state itself (state tracking)."""
        return self.labels is None

    def _pos(self, state: Hashable, context: str = "") -> int:
        try:
            return self._state_pos[state]
        except (KeyError, TypeError):
            raise UnknownStateError(state, self.states, context=context) from None

    def _sym(self, symbol: Hashable, context: str = "") -> int:
        try:
            return self._symbol_pos[symbol]
        except (KeyError, TypeError):
            raise UnknownSymbolError(symbol, self.alphabet, context=context) from None

    def state_index(self, state: Hashable) -> int:
        """Index of a state name; raises :class:`UnknownStateError` naming it."""
        return self._pos(state)

    def symbol_index(self, symbol: Hashable) -> int:
        """Index of a symbol; raises :class:`UnknownSymbolError` naming it."""
        return self._sym(symbol)

    def label(self, state: Hashable) -> Any:
        """The output label of a state."""
        return self.label_values[self.label_index[self._pos(state)]]

    def step(self, state: Hashable, symbol: Hashable) -> Hashable:
        """The state ``state . symbol``."""
        return self.states[self.table[self._pos(state), self._sym(symbol)]]

    def encode(self, word: Word) -> np.ndarray:
        """Symbol indices of a word (``str`` words split into characters).

        Examples
        --------
        >>> from bilinear.automata import tasks
        >>> tasks.get("parity").dfa.encode("0110").tolist()
        [0, 1, 1, 0]
        """
        if isinstance(word, str) and not all(
            isinstance(a, str) and len(a) == 1 for a in self.alphabet
        ):
            if word == "":
                return np.zeros(0, dtype=np.int64)
            raise InvalidArgumentError(
                f"word {word!r} is a string but not every symbol of {list(self.alphabet)!r} is "
                "one character; pass a list of symbols"
            )
        if isinstance(word, np.ndarray) and word.dtype.kind in "iu":
            bad = (word < 0) | (word >= self.n_symbols)
            if bad.any():
                raise UnknownSymbolError(int(word[bad][0]), range(self.n_symbols),
                                         context="symbol index")
            return word.astype(np.int64)
        return np.fromiter(
            (self._sym(a, f"position {t} of the word") for t, a in enumerate(word)),
            dtype=np.int64,
        )

    def decode(self, indices: Iterable[int]) -> list[Hashable]:
        """Symbols for a sequence of symbol indices (the inverse of :meth:`encode`)."""
        return [self.alphabet[int(i)] for i in indices]

    # ------------------------------------------------------------------ running
    def _trace_indices(self, word: Word, start: Hashable | None = None) -> np.ndarray:
        q = self.start_index if start is None else self._pos(start, "start of the run")
        symbols = self.encode(word)
        out = np.empty(len(symbols), dtype=np.int64)
        table = self.table
        for t, a in enumerate(symbols):
            q = table[q, a]
            out[t] = q
        return out

    def run(self, word: Word, start: Hashable | None = None) -> Hashable:
        """The state reached from ``start`` (default: the start state) after reading ``word``."""
        trace = self._trace_indices(word, start)
        if len(trace) == 0:
            return self.start if start is None else self.states[self._pos(start)]
        return self.states[trace[-1]]

    def trace(self, word: Word, start: Hashable | None = None) -> list[Hashable]:
        """The states after each non-empty prefix of ``word`` (``len(word)`` entries)."""
        return [self.states[i] for i in self._trace_indices(word, start)]

    def output(self, word: Word, start: Hashable | None = None) -> list[Any]:
        """The labels after each non-empty prefix of ``word`` (``len(word)`` entries)."""
        idx = self.label_index[self._trace_indices(word, start)]
        return [self.label_values[i] for i in idx]

    def run_batch(self, words: np.ndarray | Sequence[Word], start: int | None = None) -> np.ndarray:
        """States after every prefix of many words at once, vectorised over the batch.

        Parameters
        ----------
        words : int array of shape (B, T), or a sequence of B words of equal length
            Symbol indices (or symbols, which are encoded).
        start : int, optional
            Index of the start state (default: :attr:`start_index`).

        Returns
        -------
        numpy.ndarray of shape (B, T)
            State indices after each prefix; map through :attr:`label_index` for labels.

        Examples
        --------
        >>> import numpy as np
        >>> from bilinear.automata import tasks
        >>> d = tasks.get("parity").dfa
        >>> d.run_batch(np.array([[1, 1, 0], [0, 1, 0]])).tolist()
        [[1, 0, 0], [0, 1, 1]]
        """
        x = self._batch_indices(words)
        q = np.full(x.shape[0], self.start_index if start is None else int(start), dtype=np.int64)
        out = np.empty(x.shape, dtype=np.int64)
        table = self.table
        flat = table.ravel()
        k = table.shape[1]
        for t in range(x.shape[1]):
            q = flat[q * k + x[:, t]]
            out[:, t] = q
        return out

    def output_batch(self, words: np.ndarray | Sequence[Word]) -> np.ndarray:
        """Label indices (into :attr:`label_values`) after every prefix, shape (B, T)."""
        return self.label_index[self.run_batch(words)]

    def _batch_indices(self, words: np.ndarray | Sequence[Word]) -> np.ndarray:
        if isinstance(words, np.ndarray) and words.dtype.kind in "iu":
            x = words.astype(np.int64, copy=False)
            if x.ndim != 2:
                raise InvalidArgumentError(
                    f"run_batch expects a (batch, length) array, got shape {x.shape}"
                )
            if x.size and (x.min() < 0 or x.max() >= self.n_symbols):
                bad = x[(x < 0) | (x >= self.n_symbols)][0]
                raise UnknownSymbolError(int(bad), range(self.n_symbols), context="symbol index")
            return x
        encoded = [self.encode(w) for w in words]
        lengths = {len(e) for e in encoded}
        if len(lengths) > 1:
            raise InvalidArgumentError(
                f"run_batch needs words of equal length, got lengths {sorted(lengths)}"
            )
        return np.stack(encoded) if encoded else np.zeros((0, 0), dtype=np.int64)

    # ------------------------------------------------------------------ comparisons, I/O
    def __eq__(self, other: object) -> bool:
        """Structural equality: same names, table, start, labels (not language equivalence)."""
        if not isinstance(other, DFA):
            return NotImplemented
        return (
            self.states == other.states
            and self.alphabet == other.alphabet
            and self.start_index == other.start_index
            and np.array_equal(self.table, other.table)
            and self.labels == other.labels
        )

    def __hash__(self) -> int:
        return hash((self.states, self.alphabet, self.start_index, self.table.tobytes()))

    def __repr__(self) -> str:
        name = f"{self.name!r}, " if self.name else ""
        shown = list(self.alphabet[:_REPR_SYMBOLS])
        alphabet = repr(shown) if len(self.alphabet) <= _REPR_SYMBOLS else (
            repr(shown)[:-1] + f", ... ({len(self.alphabet)} symbols)]")
        return (
            f"DFA({name}{self.n_states} states, alphabet={alphabet}, "
            f"{len(self.label_values)} labels)"
        )

    def _repr_markdown_(self) -> str:
        """Jupyter: the transition table (first 30 states) with each state's label.

        Examples
        --------
        >>> from bilinear.automata import tasks
        >>> print(tasks.get("parity").dfa._repr_markdown_())
        **DFA 'parity'**: 2 states, 2 symbols, start `even`
        <BLANKLINE>
        | state | label | 0 | 1 |
        |---|---|---|---|
        | `even` (start) | 0 | even | odd |
        | `odd` | 1 | odd | even |
        """
        head = (f"**DFA {self.name!r}**: " if self.name else "**DFA**: ") + (
            f"{self.n_states} states, {len(self.alphabet)} symbols, start `{self.start}`")
        symbols = self.alphabet[:_REPR_SYMBOLS]
        rows = ["| state | label | " + " | ".join(str(a) for a in symbols) + " |",
                "|---" * (len(symbols) + 2) + "|"]
        for i in range(min(self.n_states, _REPR_STATES)):
            mark = " (start)" if i == self.start_index else ""
            label = self.label_values[self.label_index[i]]
            targets = " | ".join(str(self.states[int(self.table[i, k])])
                                 for k in range(len(symbols)))
            rows.append(f"| `{self.states[i]}`{mark} | {label} | {targets} |")
        more = []
        if self.n_states > _REPR_STATES or len(self.alphabet) > _REPR_SYMBOLS:
            more = ["", f"(first {min(self.n_states, _REPR_STATES)} states and "
                        f"{len(symbols)} symbols shown)"]
        return "\n".join([head, "", *rows, *more])

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dictionary of docs/reference/formats.md#automaton-json (names become
        strings)."""
        return dfa_to_dict(self)

    def to_json(self, indent: int | None = None) -> str:
        """Serialise to the automaton JSON format (docs/reference/formats.md#automaton-json)."""
        return dfa_to_json(self, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> DFA:
        """Parse the automaton JSON format; errors name the culprit."""
        return cls.from_dict(parse_json(text))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DFA:
        """Build from the dictionary form of the JSON format, validating every field."""
        return cls(**dfa_fields(data))

    def to_networkx(self) -> Any:
        """A ``networkx.MultiDiGraph`` with one edge per transition (``symbol`` attribute)."""
        return to_networkx(self)

    def to_dot(self) -> str:
        """Graphviz DOT source of the automaton."""
        return to_dot(self)
