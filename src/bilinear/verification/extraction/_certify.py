"""``certify_trained``: extraction, comparison with the task, all-length proof; one record.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> d = tasks.get("cyclic", n=3).dfa
>>> cert = certify_trained(compile_automaton(d, level="monomial"), d)     # permutations
>>> cert.outcome, cert.extracted_states
('certified', 3)
>>> TrainedCertificate.from_dict(cert.to_dict()) == cert
True
>>> rot = certify_trained(compile_automaton(d, level="complex_diagonal"), d)  # float cos/sin
>>> rot.outcome, rot.horizon > 10**12
('certified_up_to', True)
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bilinear._validation import check_positive_int
from bilinear.automata.dfa import DFA
from bilinear.automata.operations import distinguishing_word
from bilinear.errors import InvalidArgumentError
from bilinear.verification.common import align, describe_model, resolve_automaton, unpack_word
from bilinear.verification.extraction._invariants import prove_invariant
from bilinear.verification.extraction._sample import TIE, Extraction, extract_automaton

__all__ = ["OUTCOMES", "TrainedCertificate", "certify_trained", "check_compatible"]

#: The outcomes of :func:`certify_trained`, strongest first.
OUTCOMES = ("certified", "certified_up_to", "refuted", "inconclusive")


def _plain(value: Any) -> Any:
    """JSON-friendly form of a label or symbol (tuples become lists)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


@dataclass(frozen=True)
class TrainedCertificate:
    """The result of :func:`certify_trained`.

    Attributes
    ----------
    outcome : str
        ``"certified"`` (every length, proved by invariant boxes or balls: never from samples
        alone), ``"certified_up_to"`` (every word of length ``1..horizon``), ``"refuted"``
        (``counterexample`` is a word on which ``rnn.output`` and the task differ) or
        ``"inconclusive"`` (the budget ran out before the samples closed, or the extraction
        disagreed with the task on a word where the model is right).
    task, model : str
        What was compared.
    horizon : int or None
        The certified length for ``certified_up_to``.
    counterexample : tuple or None
        For ``refuted``: the word (task symbols); ``model_label`` / ``task_label`` the labels
        after it (``None`` as model label: a tie).
    extracted_states, explored, lookahead : int or None
        Size of the extracted automaton, distinct hidden states sampled, label lookahead.
    method : str
        ``"boxes"`` or ``"balls"`` for a proof or a horizon, ``""`` otherwise.
    margin : float
        Least readout margin on the boxes, or the decoding radius of the balls.
    seconds : mapping
        Time spent in ``"extract"``, ``"compare"`` and ``"prove"``.
    notes : tuple of str
        Remarks (budget exhausted, why boxes did not close, ...).
    """

    outcome: str
    task: str
    model: str
    horizon: int | None = None
    counterexample: tuple[Any, ...] | None = None
    model_label: Any = None
    task_label: Any = None
    extracted_states: int | None = None
    explored: int = 0
    lookahead: int = 0
    method: str = ""
    margin: float = 0.0
    seconds: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise InvalidArgumentError(f"outcome must be one of {OUTCOMES}, got {self.outcome!r}")
        if self.outcome == "certified_up_to" and self.horizon is None:
            raise InvalidArgumentError("a certified_up_to outcome needs a horizon")
        if self.outcome == "refuted" and self.counterexample is None:
            raise InvalidArgumentError("a refuted outcome needs a counterexample")
        object.__setattr__(self, "seconds", dict(self.seconds))
        object.__setattr__(self, "notes", tuple(self.notes))
        if self.counterexample is not None:
            object.__setattr__(self, "counterexample", tuple(self.counterexample))

    @property
    def holds(self) -> bool:
        """True for ``certified`` only."""
        return self.outcome == "certified"

    def summary(self) -> str:
        """One line."""
        size = (f"extracted {self.extracted_states} states" if self.extracted_states is not None
                else "no automaton extracted")
        size += f" from {self.explored:,} sampled states"
        t = sum(self.seconds.values())
        if self.outcome == "certified":
            head = f"certified for every length by {self.method}"
        elif self.outcome == "certified_up_to":
            head = f"certified up to length {self.horizon:,} by {self.method}"
        elif self.outcome == "refuted":
            word = unpack_word(self.counterexample or ())
            head = (f"refuted by {word!r}: the model says {self.model_label!r}, the task "
                    f"{self.task_label!r}")
        else:
            head = "inconclusive: " + (self.notes[0] if self.notes else "no proof")
        return f"{head} ({self.task}; {size}; {t:.2f} s)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dictionary (:meth:`from_dict` reads it back)."""
        return {
            "outcome": self.outcome, "task": self.task, "model": self.model,
            "horizon": self.horizon,
            "counterexample": (None if self.counterexample is None
                               else [_plain(a) for a in self.counterexample]),
            "model_label": _plain(self.model_label), "task_label": _plain(self.task_label),
            "extracted_states": self.extracted_states, "explored": self.explored,
            "lookahead": self.lookahead, "method": self.method, "margin": self.margin,
            "seconds": dict(self.seconds), "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainedCertificate:
        """Rebuild from :meth:`to_dict` output (tuple labels come back as tuples)."""
        if not isinstance(data, Mapping) or "outcome" not in data:
            raise InvalidArgumentError("a TrainedCertificate dictionary needs an 'outcome' key")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidArgumentError(f"unknown TrainedCertificate keys {unknown!r}")
        kw = dict(data)
        for key in ("model_label", "task_label"):
            kw[key] = _tupled(kw.get(key))
        if kw.get("counterexample") is not None:
            kw["counterexample"] = tuple(_tupled(a) for a in kw["counterexample"])
        kw["notes"] = tuple(kw.get("notes", ()))
        return cls(**kw)


# ------------------------------------------------------------------ matching
def _same(a: Any, b: Any) -> bool:
    return bool(a == b) or str(a) == str(b)


def check_compatible(rnn: Any, dfa: DFA) -> np.ndarray:
    """Model input index of each task symbol; refuse a model that cannot be judged.

    Raises
    ------
    AlphabetMismatchError
        A task symbol the model has no input for.
    InvalidArgumentError
        A label of the task that no readout row carries.

    Examples
    --------
    >>> import numpy as np
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import BilinearRNN
    >>> rnn = BilinearRNN(W=np.ones((1, 1, 2)), h0=np.ones(1), readout=np.ones((1, 1)),
    ...                   alphabet=("0", "1"), labels=(0,), level="real_diagonal")
    >>> check_compatible(rnn, tasks.get("parity").dfa)
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: the model has no readout row for the task label 1; \
its labels are [0]
    """
    columns = align(rnn, dfa).columns
    for v in dfa.label_values:
        if not any(_same(v, lab) for lab in rnn.labels):
            raise InvalidArgumentError(
                f"the model has no readout row for the task label {v!r}; its labels are "
                f"{list(rnn.labels)[:12]!r}")
    return columns


def _task_code(dfa: DFA, value: Any) -> int:
    """Index of ``value`` among the task's labels (by value, else by text); ``-2``: none."""
    for i, v in enumerate(dfa.label_values):
        if type(v) is type(value) and v == value:
            return i
    for i, v in enumerate(dfa.label_values):
        if _same(v, value):
            return i
    return -2


def _coded(table: np.ndarray, start: int, codes: Sequence[int], alphabet: tuple) -> DFA:
    """The automaton with integer labels and a fresh start state (label ``-3``) that behaves
    like ``start`` on non-empty words: the model never reports the label of ``h0``."""
    n = table.shape[0]
    full = np.vstack([table, table[start][None, :]])
    return DFA._from_trusted(list(range(n + 1)), alphabet, full, n, list(codes) + [-3])


def _confirm(rnn: Any, dfa: DFA, columns: np.ndarray, word: Sequence[Hashable],
             normalize: bool = False) -> tuple[bool, Any, Any]:
    model_word = [rnn.alphabet[columns[dfa.symbol_index(a)]] for a in word]
    got = rnn.output(model_word, normalize=normalize)[-1]
    want = dfa.output(list(word))[-1]
    return not (got is not None and _same(got, want)), got, want


def _trajectories(rnn: Any, x: np.ndarray) -> np.ndarray:
    """Normalized float64 states after every prefix of the index words ``x`` (B, T): one
    matrix product per letter and step (``rnn.states_batch`` gathers a matrix per word)."""
    if rnn.is_sparse:
        return np.asarray(rnn.states_batch(x, normalize=True))
    A = np.moveaxis(np.asarray(rnn.W, dtype=np.float64), 2, 0)  # (D, H, H)
    B, T = x.shape
    h = np.broadcast_to(np.asarray(rnn.h0, dtype=np.float64), (B, rnn.H)).copy()
    out = np.empty((B, T, rnn.H))
    letters = np.unique(x)
    for t in range(T):
        nxt = np.empty_like(h)
        for k in letters.tolist():
            rows = x[:, t] == k
            if rows.any():
                nxt[rows] = h[rows] @ A[k].T
        norm = np.linalg.norm(nxt, axis=1, keepdims=True)
        h = np.where(norm > 0, nxt / np.where(norm > 0, norm, 1.0), nxt)
        out[:, t] = h
    return out


def _search(rnn: Any, dfa: DFA, columns: np.ndarray, words: int, length: int, seed: int
            ) -> tuple[list[Hashable], Any, Any] | None:
    """The shortest prefix, over ``words`` uniform random words of ``length`` symbols, after
    which the model's label differs from the task's (confirmed on the model), or ``None``.

    States are normalized after every step (decoding is unchanged, long words do not
    overflow); the word found is a concrete input, not a sample statistic."""
    rng = np.random.default_rng([int(seed), 13])
    x = rng.integers(0, len(dfa.alphabet), size=(words, length), dtype=np.int64)
    rows = rnn.decode_indices(_trajectories(rnn, columns[x]))
    code = np.array([_task_code(dfa, lab) for lab in rnn.labels] + [-1], dtype=np.int64)
    got = code[rows]  # rows == -1 (a tie) picks the trailing -1
    wrong = got != dfa.output_batch(x)
    if not wrong.any():
        return None
    first = np.where(wrong.any(axis=1), wrong.argmax(axis=1), length)
    b = int(first.argmin())
    word = [dfa.alphabet[a] for a in x[b, : int(first[b]) + 1].tolist()]
    differs, g, w = _confirm(rnn, dfa, columns, word, normalize=True)
    return (word, g, w) if differs else None


# ------------------------------------------------------------------ the procedure
def certify_trained(rnn: Any, task: Any, budget: int = 4096, *,
                    max_length: int | None = None, search: int = 64,
                    search_length: int = 512, seed: int = 0) -> TrainedCertificate:
    """Certify that a (trained) bilinear RNN computes a task for every length, or refute it.

    1. :func:`~bilinear.verification.extraction.extract_automaton` over the task's symbols;
    2. the shortest word on which a sampled state or the extracted automaton disagrees with
       the task is run on the model (``rnn.output``): a confirmed difference is the
       counterexample (``refuted``);
    3. where the automata agree on every non-empty word,
       :func:`~bilinear.verification.extraction.prove_invariant` proves every length
       (``certified``) or a horizon (``certified_up_to``);
    4. short of a proof for every length, ``search`` random words of ``search_length``
       symbols are run on the model (normalized float64 states); the shortest prefix after
       which it is wrong, confirmed, refutes it (errors beyond the sampled lengths, which the
       breadth-first extraction cannot see).

    The proof is about the real-arithmetic model with the given float64 weights, not about a
    particular floating-point implementation (see :func:`bilinear.verification.drift`).

    Parameters
    ----------
    rnn : BilinearRNN
        Any level; only ``W``, ``h0``, ``readout``, ``alphabet`` and ``labels`` are read.
    task : DFA, Task or str
        The automaton, a catalogue task or a task spec.
    budget : int
        Distinct hidden states sampled at most.
    max_length : int, optional
        Longest word sampled.
    search, search_length : int
        Random words run on the model when there is no proof for every length, and their
        length (``search=0``: none).
    seed : int
        Seed of those words.

    Raises
    ------
    AlphabetMismatchError, InvalidArgumentError
        The model cannot be compared with the task (see :func:`check_compatible`).
    """
    budget = check_positive_int(budget, "budget")
    dfa, name = resolve_automaton(task)
    columns = check_compatible(rnn, dfa)
    model = describe_model(rnn)
    t0 = time.perf_counter()
    ex = extract_automaton(rnn, budget, letters=columns.tolist(), max_length=max_length)
    t1 = time.perf_counter()
    common: dict[str, Any] = {"task": name, "model": model, "explored": ex.explored,
                              "extracted_states": ex.n_states, "lookahead": ex.lookahead}
    notes: list[str] = []
    if ex.exhausted:
        notes.append(f"budget of {budget:,} sampled states exhausted")
    found = _compare(rnn, dfa, columns, ex)
    t2 = time.perf_counter()
    if isinstance(found, tuple):
        word, got, want = found
        return TrainedCertificate("refuted", counterexample=tuple(word), model_label=got,
                                  task_label=want, notes=tuple(notes),
                                  seconds={"extract": t1 - t0, "compare": t2 - t1}, **common)
    if ex.dfa is None or isinstance(found, str):
        notes.append(found if isinstance(found, str) else
                     "the samples did not close into a consistent automaton; raise the budget")
        seconds = {"extract": t1 - t0, "compare": t2 - t1}
        refuted = _searched(rnn, dfa, columns, search, search_length, seed, 0, seconds, notes,
                            common)
        return refuted or TrainedCertificate("inconclusive", notes=tuple(notes),
                                             seconds=seconds, **common)
    res = prove_invariant(rnn, ex)
    t3 = time.perf_counter()
    seconds = {"extract": t1 - t0, "compare": t2 - t1, "prove": t3 - t2}
    if res.note:
        notes.append(res.note)
    if res.closed:
        return TrainedCertificate("certified", method=res.method, margin=res.margin,
                                  notes=tuple(notes), seconds=seconds, **common)
    refuted = _searched(rnn, dfa, columns, search, search_length, seed, res.horizon or 0,
                        seconds, notes, common)
    if refuted is not None:
        return refuted
    if res.horizon:
        return TrainedCertificate("certified_up_to", horizon=res.horizon, method=res.method,
                                  margin=res.margin, notes=tuple(notes), seconds=seconds,
                                  **common)
    notes.insert(0, "no invariant and no positive horizon")
    return TrainedCertificate("inconclusive", notes=tuple(notes), seconds=seconds, **common)


def _searched(rnn: Any, dfa: DFA, columns: np.ndarray, search: int, length: int, seed: int,
              horizon: int, seconds: dict[str, float], notes: list[str],
              common: dict[str, Any]) -> TrainedCertificate | None:
    """``refuted`` by :func:`_search` (timed into ``seconds['search']``), else ``None`` with
    a note saying what was searched; nothing is searched within a certified horizon."""
    if search <= 0 or length <= horizon:
        return None
    t0 = time.perf_counter()
    found = _search(rnn, dfa, columns, search, length, seed)
    seconds["search"] = time.perf_counter() - t0
    searched = f"{search} random words of length {length:,}"
    if found is None:
        notes.append(f"no error on {searched}")
        return None
    word, got, want = found
    return TrainedCertificate("refuted", counterexample=tuple(word), model_label=got,
                              task_label=want, seconds=seconds,
                              notes=tuple(notes + [f"found on {searched}"]), **common)


def _compare(rnn: Any, dfa: DFA, columns: np.ndarray, ex: Extraction
             ) -> tuple[list[Hashable], Any, Any] | str | None:
    """A confirmed counterexample; a note when the extraction disagrees with the task where
    the model is right; ``None`` when the extraction matches the task (or there is none)."""
    # every sampled state against the task along its breadth-first word (shortest first)
    tstate = np.empty(ex.explored, dtype=np.int64)
    tstate[0] = dfa.start_index
    for i in range(1, ex.explored):
        tstate[i] = dfa.table[tstate[ex.parent[i]], ex.letter[i]]
    want = dfa.label_index[tstate]
    got = np.array([-1 if r < 0 else _task_code(dfa, rnn.labels[r]) for r in ex.rows.tolist()],
                   dtype=np.int64)
    for i in np.nonzero(got != want)[0].tolist():
        if i == 0:
            continue
        word = [dfa.alphabet[a] for a in ex.word_indices(i)]
        differs, g, w = _confirm(rnn, dfa, columns, word)
        if differs:
            return word, g, w
        break
    if ex.dfa is None:
        return None
    d = ex.dfa
    codes = [-1 if v == TIE and isinstance(v, str) else _task_code(dfa, v)
             for v in (d.label_values[i] for i in d.label_index)]
    a = _coded(d.table, d.start_index, codes, dfa.alphabet)
    b = _coded(dfa.table, dfa.start_index, dfa.label_index.tolist(), dfa.alphabet)
    diff = distinguishing_word(a, b)
    if diff is None:
        return None
    differs, g, w = _confirm(rnn, dfa, columns, diff)
    if differs:
        return list(diff), g, w
    return (f"the extracted automaton differs from the task on {unpack_word(diff)!r} but the "
            "model is right there: the samples are too few; raise the budget")
