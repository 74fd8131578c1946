"""Lossless array checks for weights: real dtypes only, float64 casts that keep every value.

Every array on the way to a certificate passes here: a complex, object, boolean, string or
datetime array is refused, and so is a cast to float64 (or to int64 for unit indices) that
would change a value -- an integer beyond ``2**53`` that float64 rounds, or a ``float128``
entry that has more digits than float64 keeps.

Examples
--------
>>> real_array([[1, 2]], "h0", 2).dtype
dtype('float64')
>>> real_array(np.array([1 + 0.5j]), "W", 1)
Traceback (most recent call last):
...
bilinear.errors.WeightsFormatError: W has dtype complex128; weights must be real (float or integer)
>>> real_array(np.array([2**53 + 1]), "W", 1)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
bilinear.errors.WeightsFormatError: W has the value 9007199254740993 at index (0,) that ...
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from bilinear.errors import InvalidArgumentError, WeightsFormatError

__all__ = ["real_array", "index_array", "one_line"]

#: dtype kinds accepted as weights: signed / unsigned integers and real floats.
_REAL_KINDS = "iuf"


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(str(text).split())


def _as_ndarray(value: Any, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as err:
        raise InvalidArgumentError(f"{name} is not a numeric array: {one_line(err)}") from None


def _check_kind(raw: np.ndarray, name: str, kinds: str, what: str) -> None:
    if raw.dtype.kind not in kinds:
        raise WeightsFormatError(f"{name} has dtype {raw.dtype}; {what}")


def _first_mismatch(raw: np.ndarray, cast: np.ndarray) -> tuple[int, ...] | None:
    with np.errstate(invalid="ignore", over="ignore"):
        back = cast.astype(raw.dtype)
    bad = np.argwhere(back != raw)
    return tuple(int(i) for i in bad[0]) if bad.size else None


def real_array(value: Any, name: str, ndim: int) -> npt.NDArray[np.float64]:
    """``value`` as a read-only float64 array of ``ndim`` dimensions, cast without loss.

    Raises
    ------
    WeightsFormatError
        The dtype is not real (complex, object, bool, strings, datetimes) or the float64 cast
        would change a value.
    InvalidArgumentError
        Not an array of numbers at all (ragged), the wrong number of dimensions, or a
        non-finite value.
    """
    raw = _as_ndarray(value, name)
    _check_kind(raw, name, _REAL_KINDS, "weights must be real (float or integer)")
    if raw.ndim != ndim:
        raise InvalidArgumentError(f"{name} must have {ndim} dimensions, got shape {raw.shape}")
    if raw.dtype.kind == "f" and not np.all(np.isfinite(raw)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(raw))[0])
        raise InvalidArgumentError(f"{name} has a non-finite value {raw[bad]} at index {bad}")
    a = np.array(raw, dtype=np.float64)
    exact_kind = raw.dtype.kind in "iu" and raw.dtype.itemsize >= 8
    if exact_kind or (raw.dtype.kind == "f" and raw.dtype.itemsize > 8):
        where = _first_mismatch(raw, a)
        if where is not None:
            raise WeightsFormatError(
                f"{name} has the value {raw[where]} at index {where} that float64 cannot hold "
                f"exactly (it would become {float(a[where])!r})"
            )
    a.setflags(write=False)
    return a


def index_array(value: Any, name: str) -> npt.NDArray[np.int64]:
    """``value`` as an int64 array; floats are accepted only when every entry is an integer.

    Raises
    ------
    WeightsFormatError
        A dtype that is not integer or real float, or a value that int64 does not hold exactly.
    """
    raw = _as_ndarray(value, name)
    _check_kind(raw, name, _REAL_KINDS, "unit indices and scales must be integers")
    with np.errstate(invalid="ignore", over="ignore"):
        a = np.array(raw, dtype=np.int64)
    if raw.dtype.kind == "f" and not np.all(np.isfinite(raw)):
        raise WeightsFormatError(f"{name} has a non-finite entry; it must hold integers")
    where = _first_mismatch(raw, a) if raw.dtype != np.int64 else None
    if where is not None:
        raise WeightsFormatError(
            f"{name} has the entry {raw[where]} at index {where}, which is not an int64 integer"
        )
    return a
