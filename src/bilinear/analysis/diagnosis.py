"""Why a trained bilinear model misses its task: drift, a wrong automaton, or nothing learned.

A *learnability gap* is a (task, level) cell where theory says the level simulates the task but
the trained model falls short at long lengths.  :func:`diagnose` reads one trained model and
its task and returns a :class:`GapDiagnosis`:

* ``"not learned"``: the model already fails at its longest train length;
* ``"wrong automaton"``: it is right at train lengths, but the automaton extracted from its
  hidden states (:func:`bilinear.verification.extraction.extract_automaton`) differs from the
  task's: the diagnosis carries a shortest word on which they differ, confirmed on the model;
* ``"drift"``: the extracted automaton *is* the task's, yet accuracy decays with length: the
  model implements the right transitions with states that wander off their classes (the
  diagnosis measures how far, at each length, from the class centroids of short prefixes);
* ``"inconclusive"``: the sampled states did not close into an automaton within the budget;
* ``"no gap"``: the model reaches the threshold at every length examined.

Beside the verdict it sets the learned spectrum (eigenvalues of every letter matrix: modulus
and angle mod 2 pi) and that of the construction of the same level
(:func:`bilinear.constructions.compile_automaton`, a float view of exact weights): a complex
diagonal that learned angles close to, but not at, ``2 pi k / m`` drifts in phase.
:func:`diagnosis_blocks` writes a list of diagnoses as report blocks
(:mod:`bilinear.analysis.report_blocks`).

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.models import make
>>> d = tasks.get("parity").dfa
>>> model = make("real_diagonal", vocab=2, labels=2, hidden=2, seed=0)
>>> g = diagnose(model, d, task="parity", train_length=10, lengths=(50,), words=16)
>>> g.kind in DIAGNOSIS_KINDS, g.construction[1].angles  # parity's letter 1 is diag(-1)
(True, (3.141592653589793,))
>>> GapDiagnosis.from_dict(g.to_dict()) == g
True
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any

import numpy as np
import torch

from bilinear._validation import check_float, check_positive_int
from bilinear.analysis.report_blocks import Block, Details, Heading, Paragraph, Table, fmt
from bilinear.automata.dfa import DFA
from bilinear.automata.operations import minimize
from bilinear.constructions import compile_automaton
from bilinear.errors import BilinearError, InvalidArgumentError
from bilinear.experiments import RunConfig
from bilinear.experiments.data import AutomatonData, eval_rng
from bilinear.experiments.training import evaluate, resolve_task, train
from bilinear.models import BilinearModel
from bilinear.verification.extraction import TIE, extract_automaton

__all__ = [
    "DIAGNOSIS_KINDS",
    "GapDiagnosis",
    "LetterSpectrum",
    "diagnose",
    "diagnose_run",
    "diagnosis_blocks",
    "spectrum",
]

#: The kinds of :class:`GapDiagnosis`, in the order the report lists them.
DIAGNOSIS_KINDS: tuple[str, ...] = (
    "not learned",
    "wrong automaton",
    "drift",
    "inconclusive",
    "no gap",
)
#: Largest denominator of the fraction of a turn shown beside an angle (``≈ k/m``).
MAX_TURN_DENOMINATOR = 60
#: Eigenvalues shown per letter in the report (largest moduli first).
SHOWN_EIGENVALUES = 8


@dataclass(frozen=True)
class LetterSpectrum:
    """Eigenvalues of one letter matrix ``A(a)``: moduli and angles in ``[0, 2 pi)``.

    Sorted by decreasing modulus, then by angle.  Only the direction of ``h`` matters to a
    readout without bias, so moduli read relative to the largest (``moduli[0]``).

    Examples
    --------
    >>> s = spectrum(np.diag([1.0, -1.0])[:, :, None], ("a",))[0]
    >>> s.symbol, s.moduli, s.angles
    ('a', (1.0, 1.0), (0.0, 3.141592653589793))
    >>> s.turns()
    ('0', '1/2')
    """

    symbol: str
    moduli: tuple[float, ...]
    angles: tuple[float, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "moduli", tuple(float(x) for x in self.moduli))
        object.__setattr__(self, "angles", tuple(float(x) for x in self.angles))
        if len(self.moduli) != len(self.angles):
            raise InvalidArgumentError(
                f"letter {self.symbol!r}: {len(self.moduli)} moduli but {len(self.angles)} angles"
            )

    def turns(self, max_denominator: int = MAX_TURN_DENOMINATOR) -> tuple[str, ...]:
        """Each angle as the nearest fraction of a full turn ``k/m`` (``m <= max_denominator``)."""
        out = []
        for a in self.angles:
            f = Fraction(a / (2 * math.pi)).limit_denominator(max_denominator)
            out.append("0" if f in (0, 1) else str(f))
        return tuple(out)

    def describe(self, shown: int = SHOWN_EIGENVALUES) -> str:
        """``|λ| ∠ turns`` of the ``shown`` largest eigenvalues (angle as a fraction of a turn,
        the nearest ``k/m`` beside it); zero eigenvalues are counted, not listed.

        Examples
        --------
        >>> LetterSpectrum("a", (1.0, 1.0, 0.0), (0.0, math.pi, 0.0)).describe()
        '1 ∠ 0.0000 (≈0); 1 ∠ 0.5000 (≈1/2); 1 × 0'
        """
        top = max(self.moduli, default=0.0)
        parts = [
            f"{m:.3g} ∠ {a / (2 * math.pi):.4f} (≈{t})"
            for m, a, t in zip(self.moduli, self.angles, self.turns(), strict=True)
            if m > 1e-9 * top
        ]
        zeros = len(self.moduli) - len(parts)
        extra = len(parts) - shown
        text = "; ".join(parts[:shown]) + (f"; … {extra} more" if extra > 0 else "")
        return text + (f"; {zeros} × 0" if zeros else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"symbol": self.symbol, "moduli": list(self.moduli), "angles": list(self.angles)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LetterSpectrum:
        """Inverse of :meth:`to_dict`."""
        return cls(str(data["symbol"]), tuple(data["moduli"]), tuple(data["angles"]))


def spectrum(W: np.ndarray, alphabet: Sequence[Hashable]) -> tuple[LetterSpectrum, ...]:
    """The spectrum of every letter ``A(a) = W[:, :, a]`` (float64 eigenvalues)."""
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 3 or W.shape[0] != W.shape[1] or W.shape[2] != len(alphabet):
        raise InvalidArgumentError(f"W must have shape (H, H, {len(alphabet)}), got {W.shape}")
    out = []
    for k, a in enumerate(alphabet):
        ev = np.linalg.eigvals(W[:, :, k])
        mod = np.abs(ev)
        ang = np.mod(np.angle(ev), 2 * np.pi)
        ang = np.where(np.isclose(ang, 2 * np.pi, rtol=0, atol=1e-12), 0.0, ang)
        order = np.lexsort((ang, -np.round(mod, 12)))
        out.append(LetterSpectrum(str(a), tuple(mod[order].tolist()), tuple(ang[order].tolist())))
    return tuple(out)


def _spectra(data: Any) -> tuple[LetterSpectrum, ...] | None:
    if data is None:
        return None
    return tuple(LetterSpectrum.from_dict(s) for s in data)


@dataclass(frozen=True)
class GapDiagnosis:
    """What :func:`diagnose` found about one trained model on one task.

    Attributes
    ----------
    task, model : str
        The task spec and the model's level (with options, e.g. ``block:block_size=2``).
    kind : str
        One of :data:`DIAGNOSIS_KINDS`.
    threshold : float
        Majority-normalized accuracy that counts as right.
    train_length : int
        Longest train length (``"not learned"`` is decided there).
    accuracy : tuple of (int, float)
        Majority-normalized accuracy per length, the train length first.
    task_states, extracted_states : int, int or None
        States of the task's minimal automaton and of the extracted one (``None``: the
        samples did not close).
    explored, lookahead : int
        Hidden states sampled by the extraction and its label lookahead.
    word : tuple of str or None
        A shortest word on which the extracted automaton and the task differ, confirmed on
        the model (``model_label`` / ``task_label`` after it).
    drift : tuple of (int, float)
        Mean distance of the model's normalized state after ``t`` symbols to the centroid of
        its task state's class (centroids of prefixes up to ``train_length``), per length ``t``.
    learned, construction : tuple of LetterSpectrum or None
        The spectrum of each learned letter, and of the construction's (``None`` with
        ``construction_note`` saying why there is none).
    notes : tuple of str
    """

    task: str
    model: str
    kind: str
    threshold: float
    train_length: int
    accuracy: tuple[tuple[int, float], ...]
    task_states: int
    extracted_states: int | None = None
    explored: int = 0
    lookahead: int = 0
    word: tuple[str, ...] | None = None
    model_label: Any = None
    task_label: Any = None
    drift: tuple[tuple[int, float], ...] = ()
    learned: tuple[LetterSpectrum, ...] = ()
    construction: tuple[LetterSpectrum, ...] | None = None
    construction_note: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.kind not in DIAGNOSIS_KINDS:
            raise InvalidArgumentError(f"kind must be one of {DIAGNOSIS_KINDS}, got {self.kind!r}")
        set_ = object.__setattr__
        set_(self, "accuracy", tuple((int(n), float(a)) for n, a in self.accuracy))
        set_(self, "drift", tuple((int(n), float(a)) for n, a in self.drift))
        set_(self, "learned", tuple(self.learned))
        if self.construction is not None:
            set_(self, "construction", tuple(self.construction))
        if self.word is not None:
            set_(self, "word", tuple(str(a) for a in self.word))
        set_(self, "notes", tuple(self.notes))

    def summary(self) -> str:
        """One line: kind and its evidence."""
        acc = ", ".join(f"{n}: {fmt(a)}" for n, a in self.accuracy)
        text = f"{self.task} / {self.model}: {self.kind} (accuracy {acc})"
        if self.word is not None:
            text += (
                f"; differs from the task on {' '.join(self.word) or 'ε'} "
                f"(model {self.model_label!r}, task {self.task_label!r})"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (spectra as lists of dicts, pairs as lists)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["accuracy"] = [list(p) for p in self.accuracy]
        d["drift"] = [list(p) for p in self.drift]
        d["word"] = None if self.word is None else list(self.word)
        d["learned"] = [s.to_dict() for s in self.learned]
        d["construction"] = (
            None if self.construction is None else [s.to_dict() for s in self.construction]
        )
        d["notes"] = list(self.notes)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GapDiagnosis:
        """Inverse of :meth:`to_dict`; unknown keys are errors."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InvalidArgumentError(f"unknown gap diagnosis key(s): {', '.join(unknown)}")
        d = dict(data)
        d["accuracy"] = tuple(tuple(p) for p in d.get("accuracy", ()))
        d["drift"] = tuple(tuple(p) for p in d.get("drift", ()))
        if d.get("word") is not None:
            d["word"] = tuple(d["word"])
        d["learned"] = _spectra(d.get("learned", ())) or ()
        d["construction"] = _spectra(d.get("construction"))
        d["notes"] = tuple(d.get("notes", ()))
        return cls(**d)


# ================================================================================ pieces
def _model_label(model: BilinearModel) -> str:
    opts = {k: v for k, v in model.options.items() if k in ("block_size", "rank")}
    if not opts:
        return model.level
    return model.level + ":" + ",".join(f"{k}={v}" for k, v in sorted(opts.items()))


def _construction(dfa: DFA, model: BilinearModel) -> tuple[tuple[LetterSpectrum, ...] | None, str]:
    """The spectrum of the construction of the model's level, or ``None`` and why not."""
    kw: dict[str, Any] = {}
    if model.level == "block" and "block_size" in model.options:
        kw["block_size"] = int(model.options["block_size"])
    try:
        rnn = compile_automaton(dfa, level=model.level, **kw)
    except BilinearError as exc:
        return None, f"no construction: {exc}"
    name = rnn.info.get("construction") or "?"
    return spectrum(rnn.W, dfa.alphabet), f"construction `{name}`, {rnn.H} units (float view)"


def _differing_word(ex_dfa: DFA, dfa: DFA) -> list[Hashable] | None:
    """A shortest non-empty word after which the extracted automaton's label (a label value,
    or :data:`TIE`) differs from the task's; ``None`` when they agree on every word.

    The start states' own labels are not compared: the model never reports the label of
    ``h0``.  Both automata read the task's alphabet in the same order.
    """

    def label(d: DFA, q: int) -> Any:
        return d.label_values[d.label_index[q]]

    start = (ex_dfa.start_index, dfa.start_index)
    parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {start: None}
    queue = deque([start])
    K = len(dfa.alphabet)
    while queue:
        p, q = queue.popleft()
        for k in range(K):
            nxt = (int(ex_dfa.table[p, k]), int(dfa.table[q, k]))
            if nxt in parent:
                continue
            parent[nxt] = ((p, q), k)
            got = label(ex_dfa, nxt[0])
            if (isinstance(got, str) and got == TIE) or got != label(dfa, nxt[1]):
                word: list[Hashable] = []
                node: tuple[int, int] = nxt
                while (step := parent[node]) is not None:
                    node, a = step
                    word.append(dfa.alphabet[a])
                return word[::-1]
            queue.append(nxt)
    return None


def _drift(
    model: BilinearModel, dfa: DFA, train_length: int, lengths: Sequence[int], words: int, seed: int
) -> tuple[tuple[int, float], ...]:
    """Mean distance, at each length, of the normalized state to its task-state centroid."""
    data = AutomatonData(dfa)
    longest = max(lengths)
    w, _ = data.sample(eval_rng(seed + 40_000, longest), words, longest)
    with torch.no_grad():
        h = model.states(torch.from_numpy(w).to(model.device)).detach().to(torch.float64)
    X = h.cpu().numpy()
    X = X / np.maximum(np.linalg.norm(X, axis=-1, keepdims=True), 1e-300)
    q = np.empty(w.shape, dtype=np.int64)
    state = np.full(words, dfa.start_index, dtype=np.int64)
    for t in range(longest):
        state = dfa.table[state, w[:, t]]
        q[:, t] = state
    short = min(train_length, longest)
    cent: dict[int, np.ndarray] = {}
    Xs, qs = X[:, :short].reshape(-1, X.shape[-1]), q[:, :short].ravel()
    for s in np.unique(qs).tolist():
        cent[s] = Xs[qs == s].mean(axis=0)
    out = []
    for n in sorted({short, *lengths}):
        states = q[:, n - 1]
        known = np.array([s in cent for s in states.tolist()])
        if not known.any():
            continue
        c = np.stack([cent[s] for s in states[known].tolist()])
        out.append((n, float(np.linalg.norm(X[known, n - 1] - c, axis=-1).mean())))
    return tuple(out)


# ================================================================================ diagnose
def diagnose(
    model: BilinearModel,
    dfa: DFA,
    *,
    task: str = "",
    train_length: int = 10,
    lengths: Sequence[int] = (50, 200, 500),
    threshold: float = 0.99,
    words: int = 128,
    budget: int = 2048,
    seed: int = 0,
) -> GapDiagnosis:
    """Diagnose a trained bilinear model on its task (see the module docstring for the kinds).

    Parameters
    ----------
    model : BilinearModel
        A trained model of any level (not ``affine``), tokens = ``dfa.alphabet`` indices and
        logit rows = ``dfa.label_values`` (how :func:`bilinear.experiments.train` trains).
    dfa : DFA
        The task automaton.
    task : str
        Its name in the record (default ``dfa.name``).
    train_length : int
        The longest train length.
    lengths : sequence of int
        Lengths at which accuracy and drift are measured (on fresh words, not the test words).
    threshold : float
        Majority-normalized accuracy that counts as right.
    words : int
        Random words per length.
    budget : int
        Hidden states sampled by the extraction at most.
    seed : int
        Seed of the words.

    Raises
    ------
    InvalidArgumentError
        A model that is not a bilinear model, or one that does not read the task's alphabet.
    """
    if not isinstance(model, BilinearModel):
        raise InvalidArgumentError(
            f"only bilinear models can be diagnosed, got {type(model).__name__}"
        )
    train_length = check_positive_int(train_length, "train_length")
    threshold = check_float(threshold, "threshold", min_value=0.0, max_value=1.0)
    words = check_positive_int(words, "words")
    lengths = tuple(sorted({check_positive_int(n, "length") for n in lengths} - {train_length}))
    model.eval()
    metrics = evaluate(model, dfa, (train_length, *lengths), words=words, seed=seed + 50_000)
    accuracy = tuple(
        (int(n), float(m["majority_normalized_accuracy"]))
        for n, m in sorted(metrics.items(), key=lambda kv: int(kv[0]))
    )
    acc = dict(accuracy)
    rnn = model.to_rnn(dfa.alphabet, dfa.label_values)
    ex = extract_automaton(rnn, budget)
    notes: list[str] = []
    word = None
    model_label = task_label = None
    if ex.dfa is not None:
        found = _differing_word(ex.dfa, dfa)
        if found is not None:
            got = rnn.output(list(found))[-1]
            want = dfa.output(list(found))[-1]
            if got is None or got != want:
                word, model_label, task_label = tuple(str(a) for a in found), got, want
            else:
                notes.append(
                    f"the extracted automaton differs from the task on "
                    f"{' '.join(map(str, found))!r} but the model is right there "
                    "(too few samples)"
                )
    if ex.exhausted:
        notes.append(
            f"extraction budget of {budget:,} sampled states exhausted at depth "
            f"{int(ex.depth.max())}"
        )
    if acc[train_length] < threshold:
        kind = "not learned"
    elif word is not None:
        kind = "wrong automaton"
    elif ex.dfa is None:
        kind = "inconclusive"
        notes.append("the sampled states did not close into an automaton")
    elif all(a >= threshold for a in acc.values()):
        kind = "no gap"
    else:
        kind = "drift"
    construction, note = _construction(dfa, model)
    return GapDiagnosis(
        task=task or dfa.name,
        model=_model_label(model),
        kind=kind,
        threshold=threshold,
        train_length=train_length,
        accuracy=accuracy,
        task_states=minimize(dfa).n_states,
        extracted_states=ex.n_states,
        explored=ex.explored,
        lookahead=ex.lookahead,
        word=word,
        model_label=model_label,
        task_label=task_label,
        drift=_drift(model, dfa, train_length, lengths or (train_length,), min(words, 64), seed),
        learned=spectrum(rnn.W, dfa.alphabet),
        construction=construction,
        construction_note=note,
        notes=tuple(notes),
    )


def diagnose_run(config: RunConfig, *, device: Any = "cpu", **kwargs: Any) -> GapDiagnosis:
    """Train ``config`` again (the same seeds give the same model on the same device) and
    :func:`diagnose` the result; ``train_length`` is the run's longest train length (its
    curriculum's end where it has one) and ``lengths`` default to its test lengths.

    The report's records keep metrics, not weights, so this is how it gets the model of a gap
    cell back: one more training run per diagnosed cell.
    """
    spec = resolve_task(config.task)
    outcome = train(config, dfa=spec.dfa, device=device)
    if not isinstance(outcome.model, BilinearModel):
        raise InvalidArgumentError(f"only bilinear models can be diagnosed, got {config.model!r}")
    kwargs.setdefault("train_length", config.train_range(config.steps)[1])
    kwargs.setdefault("lengths", config.test_lengths)
    kwargs.setdefault("seed", config.seed)
    return diagnose(outcome.model, spec.dfa, task=config.task, **kwargs)


# ================================================================================ blocks
def _pairs(pairs: Sequence[tuple[int, float]]) -> str:
    return ", ".join(f"{n}: {fmt(v)}" for n, v in pairs) or "—"


def _spectrum_table(g: GapDiagnosis) -> Table:
    rows = []
    cons = {s.symbol: s for s in g.construction or ()}
    for s in g.learned:
        c = cons.get(s.symbol)
        rows.append([f"`{s.symbol}`", s.describe(), c.describe() if c is not None else "—"])
    return Table(["letter", f"learned ({g.model})", "construction"], rows)


def diagnosis_blocks(diagnoses: Sequence[GapDiagnosis | Mapping[str, Any]]) -> list[Block]:
    """The report's section on the learnability gaps: one summary row per diagnosed cell, and
    per cell (folded) the learned spectrum beside the construction's.

    Examples
    --------
    >>> g = GapDiagnosis(task="parity", model="complex_diagonal", kind="drift",
    ...                  threshold=0.99, train_length=10, accuracy=((10, 1.0), (500, 0.2)),
    ...                  task_states=2, extracted_states=2, drift=((10, 0.01), (500, 0.9)))
    >>> [type(b).__name__ for b in diagnosis_blocks([g])]
    ['Heading', 'Paragraph', 'Table', 'Details']
    >>> diagnosis_blocks([])
    []
    """
    items = [d if isinstance(d, GapDiagnosis) else GapDiagnosis.from_dict(d) for d in diagnoses]
    if not items:
        return []
    order = {k: i for i, k in enumerate(DIAGNOSIS_KINDS)}
    items.sort(key=lambda g: (order[g.kind], g.task, g.model))
    counts = ", ".join(
        f"{sum(g.kind == k for g in items)} {k}"
        for k in DIAGNOSIS_KINDS
        if any(g.kind == k for g in items)
    )
    doc: list[Block] = [
        Heading(2, "Diagnosis of the learnability gaps"),
        Paragraph(
            f"Every gap cell's selected model, trained again and read ({counts}). "
            "**not learned**: below the threshold already at the longest train length; "
            "**wrong automaton**: the automaton extracted from its hidden states differs from "
            "the task (a shortest word where they differ, confirmed on the model); **drift**: "
            "the extracted automaton is the task's, but the states wander off their classes "
            "as words grow (`drift` = mean distance of the normalized state to its class "
            "centroid over short prefixes, per length); **inconclusive**: the samples did not "
            "close into an automaton. Accuracy is majority-normalized on fresh words. "
            "Eigenvalues read `|λ| ∠ angle` in turns (fractions of 2π, nearest `k/m` beside)."
        ),
        Table(
            [
                "task",
                "level",
                "diagnosis",
                "accuracy per length",
                "states (extracted / task)",
                "differing word",
                "drift per length",
            ],
            [
                [
                    f"`{g.task}`",
                    g.model,
                    f"**{g.kind}**",
                    _pairs(g.accuracy),
                    f"{fmt(g.extracted_states)} / {g.task_states}",
                    "—"
                    if g.word is None
                    else f"`{' '.join(g.word)}` (model {g.model_label!r}, task {g.task_label!r})",
                    _pairs(g.drift),
                ]
                for g in items
            ],
        ),
    ]
    for g in items:
        inner: list[Block] = [_spectrum_table(g)]
        if g.construction_note:
            inner.append(Paragraph(g.construction_note))
        if g.notes:
            inner.append(Paragraph("; ".join(g.notes)))
        doc.append(Details(f"{g.task} / {g.model}: spectrum, learned and constructed", inner))
    return doc
