"""Export of a :class:`~bilinear.constructions.BilinearRNN`: NPZ files, exact JSON and LaTeX.

**NPZ** (design.md section 5): arrays ``W`` (H, H, D), ``h0`` (H,), ``readout`` (S, H), all
float64, and ``meta``, a JSON string with ``alphabet``, ``labels``, ``level``, ``source`` (plus
``info`` and ``format``).  Complex constructions are stored in their realised 2 x 2 form.

*Format extension* (sparse one-hot models whose dense ``W`` would not fit): ``save(path,
sparse=True)`` writes int64 arrays ``targets`` (D, H), ``scales`` (D, H) (omitted when all ones),
``h0`` (H,) float64 and ``readout_rows`` (H,) instead of ``W`` and ``readout``, with
``meta["format"] = "sparse_monomial"``: ``A(a) e_j = scales[a, j] e_{targets[a, j]}`` and
``R[readout_rows[j], j] = 1``.  A dense save of such a model raises
:class:`~bilinear.errors.WeightsTooLargeError` naming this option.  Loading never unpickles
(``allow_pickle=False``); every problem raises :class:`~bilinear.errors.WeightsFormatError`.

**Exact JSON** (``to_exact_json``): ``{"format", "level", "source", "field", "alphabet",
"labels", "info", "letters": [[[entry, ...], ...] per symbol], "h0": [...], "readout": [[...]]}``
with entries as sympy strings (``"sqrt(5)/4 - 1/4"``); the sparse form has ``targets``,
``scales``, ``h0``, ``readout_rows`` instead of ``letters`` and ``readout``.

Examples
--------
>>> import tempfile, os
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton, BilinearRNN
>>> rnn = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")
>>> path = os.path.join(tempfile.mkdtemp(), "parity.npz")
>>> back = BilinearRNN.load(rnn.save(path))
>>> back.output("0110") == rnn.output("0110"), back.exact is None
(True, True)
>>> print(rnn.to_latex().splitlines()[0])
A(\\texttt{0}) = \\left[\\begin{matrix}1\\end{matrix}\\right]
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from bilinear.constructions.rnn import DENSE_CAP, BilinearRNN, ExactWeights
from bilinear.errors import InvalidArgumentError, WeightsFormatError, WeightsTooLargeError

__all__ = ["save_npz", "load_npz", "exact_json", "from_exact_json", "latex"]

def _jsonable(x: Any) -> Any:
    """Turn tuples, numpy scalars, sympy numbers and dict keys into JSON-ready values."""
    if isinstance(x, Mapping):
        return {str(k) if not isinstance(k, str) else k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, sp.Basic):
        return str(x)
    if x is None or isinstance(x, (str, int, float, bool)):
        return x
    return str(x)


def _tuplify(x: Any) -> Any:
    """Inverse of :func:`_jsonable` for labels and symbols: JSON lists become tuples."""
    if isinstance(x, list):
        return tuple(_tuplify(v) for v in x)
    return x


def _check_meta(meta: Any, path: str) -> dict:
    if not isinstance(meta, dict):
        raise WeightsFormatError(f"{path}: meta is not a JSON object")
    for key in ("alphabet", "labels", "level"):
        if key not in meta:
            raise WeightsFormatError(f"{path}: meta lacks the key {key!r}")
    return meta


def _load_meta(text: str, path: str) -> dict:
    try:
        return _check_meta(json.loads(text), path)
    except json.JSONDecodeError as err:
        raise WeightsFormatError(f"{path}: meta is not valid JSON: {err}") from None


_FORMAT_DENSE = "dense"
_FORMAT_SPARSE = "sparse_monomial"


def _meta(rnn: BilinearRNN, fmt: str) -> str:
    return json.dumps({
        "alphabet": _jsonable(rnn.alphabet),
        "labels": _jsonable(rnn.labels),
        "level": rnn.level,
        "source": rnn.source,
        "format": fmt,
        "info": _jsonable(dict(rnn.info)),
    })


def save_npz(rnn: BilinearRNN, path: str | Path, sparse: bool = False) -> Path:
    """Write ``rnn`` to ``path`` (dense NPZ of design.md 5, or the sparse extension).

    Raises
    ------
    WeightsTooLargeError
        A dense save whose ``W`` would exceed :data:`~bilinear.constructions.rnn.DENSE_CAP`.
    InvalidArgumentError
        ``sparse=True`` for a model without a sparse monomial exact form.
    """
    path = Path(path)
    if sparse:
        if not rnn.is_sparse:
            raise InvalidArgumentError(
                "sparse=True needs a one-hot model in sparse form (compile_automaton(..., "
                "sparse=True)); this model is dense: save it without sparse=True"
            )
        ex = rnn.exact
        arrays = {"targets": ex.targets, "h0": rnn.h0, "readout_rows": ex.readout_rows}
        if ex.scales is not None:
            arrays["scales"] = ex.scales
        fmt = _FORMAT_SPARSE
    else:
        if rnn.H * rnn.H * rnn.D > DENSE_CAP and rnn.is_sparse:
            raise WeightsTooLargeError(
                f"a dense W of shape ({rnn.H}, {rnn.H}, {rnn.D}) would need "
                f"{8 * rnn.H * rnn.H * rnn.D / 2**30:.1f} GiB; save with sparse=True (format "
                "extension: arrays targets, scales, h0, readout_rows)"
            )
        arrays = {"W": rnn.W, "h0": rnn.h0, "readout": rnn.readout}
        fmt = _FORMAT_DENSE
    arrays["meta"] = np.array(_meta(rnn, fmt))
    with path.open("wb") as fh:
        np.savez(fh, **arrays)
    return path


def _array(data: Any, key: str, path: str) -> np.ndarray:
    if key not in data.files:
        raise WeightsFormatError(f"{path}: missing array {key!r} (has {sorted(data.files)})")
    try:
        return data[key]
    except ValueError as err:  # object arrays need pickling, which is refused
        raise WeightsFormatError(f"{path}: array {key!r} cannot be read safely: {err}") from None


def load_npz(path: str | Path) -> BilinearRNN:
    """Read an NPZ written by :func:`save_npz` (never unpickles)."""
    p = str(path)
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise WeightsFormatError(f"{p}: not a readable NPZ file: {err}") from None
    with data:
        meta = _load_meta(str(_array(data, "meta", p)), p)
        alphabet = tuple(_tuplify(a) for a in meta["alphabet"])
        labels = tuple(_tuplify(v) for v in meta["labels"])
        common = dict(alphabet=alphabet, labels=labels, level=meta["level"],
                      source=str(meta.get("source", "")), info=meta.get("info") or {})
        try:
            if meta.get("format") == _FORMAT_SPARSE:
                scales = data["scales"] if "scales" in data.files else None
                h0 = _array(data, "h0", p)
                exact = ExactWeights.monomial(
                    _array(data, "targets", p), scales, int(np.argmax(h0)),
                    _array(data, "readout_rows", p), n_labels=len(labels))
                return BilinearRNN.from_exact(exact, **common)
            return BilinearRNN(W=_array(data, "W", p), h0=_array(data, "h0", p),
                               readout=_array(data, "readout", p), **common)
        except InvalidArgumentError as err:
            raise WeightsFormatError(f"{p}: {err}") from None


# ============================================================================ exact JSON
def _strs(m: sp.MatrixBase) -> list[list[str]]:
    return [[str(e) for e in m.row(i)] for i in range(m.shape[0])]


def exact_json(rnn: BilinearRNN, indent: int | None = 1) -> str:
    """The exact weights of ``rnn`` as JSON (sympy strings); see the module docstring.

    Raises
    ------
    InvalidArgumentError
        ``rnn`` has no exact form (float-only weights).
    """
    ex = rnn.exact
    if ex is None:
        raise InvalidArgumentError(
            "this model has no exact form (float-only weights, e.g. loaded from NPZ)"
        )
    doc: dict[str, Any] = {
        "format": "bilinear-exact/1", "level": rnn.level, "source": rnn.source,
        "field": ex.field, "alphabet": _jsonable(rnn.alphabet), "labels": _jsonable(rnn.labels),
        "info": _jsonable(dict(rnn.info)),
    }
    if ex.is_sparse:
        doc.update(targets=ex.targets.tolist(),
                   scales=None if ex.scales is None else ex.scales.tolist(),
                   h0=[str(v) for v in rnn.h0.astype(np.int64)],
                   readout_rows=ex.readout_rows.tolist())
    else:
        doc.update(letters=[_strs(m) for m in ex.letters], h0=[str(e) for e in ex.h0],
                   readout=_strs(ex.readout))
    return json.dumps(doc, indent=indent)


def from_exact_json(text: str) -> BilinearRNN:
    """Rebuild a model from :func:`exact_json` output (exact entries re-parsed by sympy).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> rnn = compile_automaton(tasks.get("cyclic", n=5).dfa, level="complex_diagonal")
    >>> back = from_exact_json(rnn.to_exact_json())
    >>> back.exact.letters == rnn.exact.letters
    True
    """
    try:
        doc = json.loads(text)
        common = dict(alphabet=tuple(_tuplify(a) for a in doc["alphabet"]),
                      labels=tuple(_tuplify(v) for v in doc["labels"]), level=doc["level"],
                      source=doc.get("source", ""), info=doc.get("info") or {})
        if "targets" in doc:
            exact = ExactWeights.monomial(
                np.array(doc["targets"]), None if doc["scales"] is None else
                np.array(doc["scales"]), int(np.argmax([int(v) for v in doc["h0"]])),
                np.array(doc["readout_rows"]), n_labels=len(common["labels"]))
        else:
            exact = ExactWeights.from_matrices(doc["letters"], doc["h0"], doc["readout"],
                                               field=doc.get("field"))
    except (json.JSONDecodeError, KeyError, TypeError, InvalidArgumentError) as err:
        raise WeightsFormatError(f"not valid exact-weights JSON: {err}") from None
    return BilinearRNN.from_exact(exact, **common)


# ============================================================================ LaTeX
def latex(rnn: BilinearRNN, max_units: int = 32) -> str:
    """``A(a)`` for every symbol, then ``h_0`` and ``R``, one equation per line.

    Exact entries are used when the model has them; models above ``max_units`` units are
    summarised instead of printed.
    """
    if rnn.H > max_units:
        return (f"% {rnn.H} units exceed max_units = {max_units}; level {rnn.level}, "
                f"{rnn.D} symbols, {rnn.S} readout rows\n")
    ex = rnn.exact
    lines = []
    for k, a in enumerate(rnn.alphabet):
        m = ex.letter(k) if ex is not None else sp.Matrix(rnn.W[:, :, k])
        lines.append(rf"A(\texttt{{{_tex_text(a)}}}) = {sp.latex(sp.Matrix(m))}")
    h0 = ex.h0 if ex is not None else sp.Matrix(rnn.h0)
    R = ex.readout_matrix() if ex is not None else sp.Matrix(rnn.readout)
    lines.append(rf"h_0 = {sp.latex(sp.Matrix(h0))}")
    lines.append(rf"R = {sp.latex(sp.Matrix(R))}")
    lines.append(r"% readout rows: " + ", ".join(map(str, rnn.labels)))
    return "\n".join(lines) + "\n"


def _tex_text(x: Any) -> str:
    s = str(x)
    for ch, rep in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"),
                    ("#", r"\#"), ("%", r"\%"), ("&", r"\&"), ("$", r"\$")):
        s = s.replace(ch, rep)
    return s
