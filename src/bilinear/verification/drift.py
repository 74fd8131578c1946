"""Numerical drift: run a construction in float16 / bfloat16 / float32 / float64
(docs/explanation/numerical-stability.md).

:func:`simulate` runs one word under a :class:`~bilinear.verification.floats.FloatImplementation`
(bfloat16 is emulated in numpy, so nothing here needs torch); :func:`first_failure` gives the
first step whose decoded label is wrong; :func:`drift` compares formats with and without
per-step normalization on one word; :func:`plot_drift` draws the result with matplotlib (Agg).

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> d = tasks.get("cyclic", n=60).dfa
>>> rnn = compile_automaton(d, level="complex_diagonal")
>>> first_failure(rnn, d, ["1"] * 400, dtype="bfloat16") is not None
True
>>> first_failure(rnn, d, ["1"] * 400, dtype="float32") is None
True
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bilinear._optional import require
from bilinear.automata.dfa import DFA
from bilinear.errors import InvalidArgumentError
from bilinear.verification.common import align, resolve_automaton
from bilinear.verification.floats import FORMATS, FloatImplementation

__all__ = ["DriftResult", "simulate", "first_failure", "drift", "plot_drift"]


def _letters(rnn: Any, dfa: DFA, word: Sequence[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    sym = dfa.encode(word)
    cols = align(rnn, dfa).columns[sym]
    return sym, cols


def simulate(rnn: Any, word: Sequence[Hashable], dtype: str = "float32",
             normalize: bool = False, *, dfa: DFA | None = None) -> np.ndarray:
    """States ``h_1 .. h_T`` (shape (T, H), float64 values of the stored format) of ``word``.

    Examples
    --------
    >>> import numpy as np
    >>> from bilinear.constructions import BilinearRNN
    >>> rnn = BilinearRNN(W=np.array([[[0.1]]]), h0=np.ones(1), readout=np.ones((1, 1)),
    ...                   alphabet=("a",), labels=(0,), level="positive_diagonal")
    >>> simulate(rnn, "aa", dtype="bfloat16").ravel().tolist()
    [0.10009765625, 0.010009765625]
    """
    impl = FloatImplementation(dtype, normalize=normalize)
    if dfa is None:
        pos = {a: k for k, a in enumerate(rnn.alphabet)}
        try:
            cols = np.array([pos[a] for a in word], dtype=np.int64)
        except KeyError as err:
            raise InvalidArgumentError(f"symbol {err.args[0]!r} is not in the model's "
                                       "alphabet") from None
    else:
        cols = _letters(rnn, dfa, word)[1]
    A = impl.store(np.moveaxis(np.asarray(rnn.W, dtype=np.float64), 2, 0))
    h = impl.round(np.asarray(rnn.h0, dtype=np.float64)[None, :])
    out = np.empty((len(cols), rnn.H))
    for t, k in enumerate(cols):
        h = impl.step(A, h, np.array([k]))
        out[t] = h[0]
    return out


def _correct(rnn: Any, dfa: DFA, states: np.ndarray, sym: np.ndarray) -> np.ndarray:
    al = align(rnn, dfa)
    impl = FloatImplementation("float64")
    rows = impl.decode(np.asarray(rnn.readout, dtype=np.float64), states)
    q = dfa.run_batch(sym[None, :])[0] if sym.size else np.zeros(0, dtype=np.int64)
    return (rows >= 0) & (al.row_label[np.maximum(rows, 0)] == dfa.label_index[q])


def first_failure(rnn: Any, dfa: Any, word: Sequence[Hashable], dtype: str = "float32",
                  normalize: bool = False) -> int | None:
    """The first step (1-based) whose decoded label is wrong under ``dtype``, else ``None``."""
    dfa, _ = resolve_automaton(dfa)
    sym, _ = _letters(rnn, dfa, word)
    states = simulate(rnn, word, dtype, normalize, dfa=dfa)
    ok = _correct(rnn, dfa, states, sym)
    bad = np.nonzero(~ok)[0]
    return int(bad[0]) + 1 if bad.size else None


@dataclass(frozen=True)
class DriftResult:
    """One format's run of a word: error against float64, norms, correctness per step."""

    dtype: str
    normalize: bool
    length: int
    first_failure: int | None
    error: np.ndarray = field(repr=False)
    norm: np.ndarray = field(repr=False)
    correct: np.ndarray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no per-step arrays)."""
        return {"dtype": self.dtype, "normalize": self.normalize, "length": self.length,
                "first_failure": self.first_failure,
                "max_error": float(np.nanmax(self.error)) if self.length else 0.0,
                "final_norm": float(self.norm[-1]) if self.length else None}


def drift(rnn: Any, dfa: Any, word: Sequence[Hashable] | None = None, *, length: int = 1000,
          dtypes: Sequence[str] = FORMATS, normalize: Sequence[bool] = (False, True),
          seed: int = 0) -> list[DriftResult]:
    """Run one word in every format, with and without normalization.

    ``error[t]`` is the distance between the directions ``h_t / ||h_t||`` of the format and of a
    float64 run (decoding is invariant to positive scaling, so direction is what matters).
    The default word is random (``numpy.random.default_rng(seed)``) of ``length`` symbols.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> d = tasks.get("cyclic", n=5).dfa
    >>> res = drift(compile_automaton(d, level="complex_diagonal"), d, length=50,
    ...             dtypes=("float32",), normalize=(False,))
    >>> res[0].first_failure is None, res[0].error.shape
    (True, (50,))
    """
    dfa, _ = resolve_automaton(dfa)
    for dt in dtypes:
        if dt not in FORMATS:
            raise InvalidArgumentError(f"unknown float format {dt!r}; use one of {FORMATS}")
    if word is None:
        if not isinstance(length, int) or length < 1:
            raise InvalidArgumentError(f"length must be a positive int, got {length!r}")
        rng = np.random.default_rng(seed)
        word = [dfa.alphabet[i] for i in rng.integers(0, dfa.n_symbols, size=length)]
    sym, _ = _letters(rnn, dfa, word)
    ref = simulate(rnn, word, "float64", True, dfa=dfa)
    out = []
    for dt in dtypes:
        for norm in normalize:
            states = simulate(rnn, word, dt, norm, dfa=dfa)
            with np.errstate(all="ignore"):
                n = np.linalg.norm(states, axis=1)
                direction = states / np.where(n > 0, n, 1)[:, None]
                err = np.linalg.norm(direction - ref, axis=1)
            ok = _correct(rnn, dfa, states, sym)
            bad = np.nonzero(~ok)[0]
            out.append(DriftResult(dt, bool(norm), len(word),
                                   int(bad[0]) + 1 if bad.size else None, err, n, ok))
    return out


def plot_drift(results: Sequence[DriftResult], path: str | Path | None = None,
               title: str = "") -> Any:
    """Plot direction error and norm against the step, one line per run (matplotlib, Agg).

    Returns the :class:`matplotlib.figure.Figure`; saves it to ``path`` when given.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> d = tasks.get("cyclic", n=5).dfa
    >>> fig = plot_drift(drift(compile_automaton(d, level="complex_diagonal"), d, length=20))
    >>> len(fig.axes)
    2
    """
    matplotlib = require("matplotlib", "plots", feature="bilinear.verification.drift.plot_drift")

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.5))
    ax_err, ax_norm = fig.subplots(1, 2)
    for r in results:
        steps = np.arange(1, r.length + 1)
        label = f"{r.dtype}{' + norm' if r.normalize else ''}"
        line = ax_err.plot(steps, np.maximum(r.error, 1e-18), label=label)[0]
        ax_norm.plot(steps, r.norm, color=line.get_color(), label=label)
        if r.first_failure is not None:
            ax_err.axvline(r.first_failure, color=line.get_color(), linestyle=":")
    ax_err.set_yscale("log")
    ax_err.set_xlabel("step")
    ax_err.set_ylabel("direction error vs float64")
    ax_norm.set_xlabel("step")
    ax_norm.set_ylabel("||h_t||")
    ax_err.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        fig.savefig(str(path))
    return fig
