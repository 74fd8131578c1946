"""Reading and writing weights files: NPZ arrays and meta, exact JSON, LaTeX.

This module knows the file formats (described in :mod:`bilinear.constructions.npz`) but not
the model class: it reads a file into checked parts (:class:`Loaded`) that
:meth:`bilinear.constructions.rnn.BilinearRNN.load` turns into a model, and writes any model
given to it.  Loading never unpickles (``allow_pickle=False``) and every problem -- a file that
is not a zip archive, a corrupt archive, a pickled or non-real array -- raises
:class:`~bilinear.errors.WeightsFormatError` naming the file.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from bilinear.constructions._arrays import index_array, one_line, real_array
from bilinear.constructions.exact import DENSE_CAP, ExactWeights
from bilinear.errors import InvalidArgumentError, WeightsFormatError, WeightsTooLargeError

__all__ = ["Loaded", "save_npz", "read_npz", "exact_json", "parse_exact_json", "latex"]

#: Errors of a damaged archive or member (zip structure, CRC, deflate stream, truncation).
_ARCHIVE_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, zipfile.LargeZipFile)
#: First bytes of a zip archive (a local file header, or the end record of an empty archive).
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


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


def _load_meta(array: np.ndarray, path: str) -> dict:
    if array.dtype.kind != "U" or array.ndim != 0:
        raise WeightsFormatError(f"{path}: meta must be a JSON string (0-d unicode array), "
                                 f"got dtype {array.dtype} and shape {array.shape}")
    try:
        return _check_meta(json.loads(str(array)), path)
    except json.JSONDecodeError as err:
        raise WeightsFormatError(f"{path}: meta is not valid JSON: {err}") from None


_FORMAT_DENSE = "dense"
_FORMAT_SPARSE = "sparse_monomial"


def _meta(rnn: Any, fmt: str) -> str:
    return json.dumps({
        "alphabet": _jsonable(rnn.alphabet),
        "labels": _jsonable(rnn.labels),
        "level": rnn.level,
        "source": rnn.source,
        "format": fmt,
        "info": _jsonable(dict(rnn.info)),
    })


def save_npz(rnn: Any, path: str | Path, sparse: bool = False) -> Path:
    """Write ``rnn`` to ``path`` (dense NPZ of docs/reference/formats.md#weights-npz, or the sparse
    extension).

    Raises
    ------
    WeightsTooLargeError
        A dense save whose ``W`` would exceed :data:`~bilinear.constructions.exact.DENSE_CAP`.
    InvalidArgumentError
        ``sparse=True`` for a model without a sparse monomial exact form.
    """
    path = Path(path)
    arrays: dict[str, Any]
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


@dataclass(frozen=True)
class Loaded:
    """The checked parts of an NPZ file: dense float arrays, or the sparse exact form.

    ``common`` holds the keyword arguments shared by both model constructors (``alphabet``,
    ``labels``, ``level``, ``source``, ``info``).
    """

    path: str
    common: dict[str, Any] = field(default_factory=dict)
    W: Any = None
    h0: Any = None
    readout: Any = None
    exact: ExactWeights | None = None


@contextmanager
def _open(path: str | Path) -> Iterator[Any]:
    """``np.load`` of an NPZ archive, after checking that the file is a zip archive at all
    (the file is closed on every path, also when the archive is corrupt)."""
    p = str(path)
    try:
        fh = open(path, "rb")
    except OSError as err:
        raise WeightsFormatError(f"{p}: cannot be read: {one_line(err.strerror or err)}") from None
    with fh:
        head = fh.read(4)
        if not head.startswith(_ZIP_MAGIC):
            what = "a single .npy array" if head.startswith(b"\x93NUM") else "not a zip archive"
            raise WeightsFormatError(
                f"{p}: not an NPZ weights file ({what}; an NPZ is a zip archive of .npy arrays)")
        fh.seek(0)
        try:
            data = np.load(fh, allow_pickle=False)
        except (*_ARCHIVE_ERRORS, ValueError) as err:
            raise WeightsFormatError(f"{p}: corrupt NPZ archive: {one_line(err)}") from None
        with data:
            yield data


def _array(data: Any, key: str, path: str) -> np.ndarray:
    if key not in data.files:
        raise WeightsFormatError(f"{path}: missing array {key!r} (has {sorted(data.files)})")
    try:
        value = data[key]
    except ValueError as err:  # object arrays need pickling, which is refused
        why = ("it holds pickled Python objects (dtype object), which are never loaded"
               if "pickle" in str(err) else one_line(err))
        raise WeightsFormatError(f"{path}: array {key!r} cannot be read safely: {why}") from None
    except _ARCHIVE_ERRORS as err:
        raise WeightsFormatError(
            f"{path}: array {key!r} is corrupt in the archive: {one_line(err)}") from None
    if not isinstance(value, np.ndarray):  # a member that is not a .npy array: raw bytes
        raise WeightsFormatError(f"{path}: member {key!r} is not a .npy array")
    return value


def read_npz(path: str | Path) -> Loaded:
    """The checked parts of an NPZ written by :func:`save_npz` (never unpickles).

    Raises
    ------
    WeightsFormatError
        Not a zip archive, a corrupt archive, a missing or unsafe array, bad meta, or an
        array whose dtype is not real (see :func:`~bilinear.constructions._arrays.real_array`).
    """
    p = str(path)
    with _open(path) as data:
        meta = _load_meta(_array(data, "meta", p), p)
        labels = tuple(_tuplify(v) for v in meta["labels"])
        common = dict(alphabet=tuple(_tuplify(a) for a in meta["alphabet"]), labels=labels,
                      level=meta["level"], source=str(meta.get("source", "")),
                      info=meta.get("info") or {})
        try:
            if meta.get("format") == _FORMAT_SPARSE:
                scales = _array(data, "scales", p) if "scales" in data.files else None
                exact = ExactWeights.monomial(
                    _array(data, "targets", p), scales, _one_hot_index(_array(data, "h0", p)),
                    _array(data, "readout_rows", p), n_labels=len(labels))
                return Loaded(p, common, exact=exact)
            return Loaded(p, common, W=_array(data, "W", p), h0=_array(data, "h0", p),
                          readout=_array(data, "readout", p))
        except (InvalidArgumentError, WeightsFormatError) as err:
            if str(err).startswith(p + ":"):
                raise
            raise WeightsFormatError(f"{p}: {err}") from None


def _one_hot_index(h0: np.ndarray) -> int:
    """The unit of a one-hot ``h0`` (the sparse format stores no other start vector)."""
    h = real_array(h0, "h0", 1)
    hot = np.flatnonzero(h)
    if len(hot) != 1 or h[hot[0]] != 1.0:
        raise WeightsFormatError("h0 of a sparse_monomial file must be one-hot (a single 1)")
    return int(hot[0])


# ============================================================================ exact JSON
def _strs(m: sp.MatrixBase) -> list[list[str]]:
    return [[str(e) for e in m.row(i)] for i in range(m.shape[0])]


def exact_json(rnn: Any, indent: int | None = 1) -> str:
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


def parse_exact_json(text: str) -> tuple[ExactWeights, dict[str, Any]]:
    """The exact weights and the shared constructor arguments of :func:`exact_json` output."""
    try:
        doc = json.loads(text)
        common = dict(alphabet=tuple(_tuplify(a) for a in doc["alphabet"]),
                      labels=tuple(_tuplify(v) for v in doc["labels"]), level=doc["level"],
                      source=doc.get("source", ""), info=doc.get("info") or {})
        if "targets" in doc:
            h0 = index_array(np.array([int(v) for v in doc["h0"]]), "h0")
            exact = ExactWeights.monomial(
                index_array(doc["targets"], "targets"),
                None if doc["scales"] is None else index_array(doc["scales"], "scales"),
                _one_hot_index(h0), index_array(doc["readout_rows"], "readout_rows"),
                n_labels=len(common["labels"]))
        else:
            exact = ExactWeights.from_matrices(doc["letters"], doc["h0"], doc["readout"],
                                               field=doc.get("field"))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        raise WeightsFormatError(f"not valid exact-weights JSON: {one_line(err)}") from None
    return exact, common


# ============================================================================ LaTeX
def latex(rnn: Any, max_units: int = 32) -> str:
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
