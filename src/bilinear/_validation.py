"""Argument validators shared by every subpackage; each raises an error naming the argument.

Modelled on hypothesis's ``internal/validation.py``: one small function per kind of check,
each returning the validated (normalized) value, so callers write
``hidden = check_positive_int(hidden, "hidden")``.

Examples
--------
>>> from bilinear._validation import check_positive_int, check_choice
>>> check_positive_int(3, "hidden")
3
>>> check_positive_int(True, "hidden")
Traceback (most recent call last):
...
bilinear.errors.InvalidArgumentError: hidden must be a positive integer, got True
>>> check_choice("rob", ("fin", "rob", "fp"), "notion")
'rob'
>>> check_choice("exact", ("fin", "rob", "fp"), "notion")
Traceback (most recent call last):
...
bilinear.errors.InvalidArgumentError: unknown notion 'exact'; use one of fin, rob, fp
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, TypeVar

from bilinear.errors import InvalidArgumentError
from bilinear.vocabulary import DEVICES

__all__ = [
    "check_int",
    "check_nonnegative_int",
    "check_positive_int",
    "check_optional_positive_int",
    "check_choice",
    "check_float",
    "check_probability",
    "check_device",
    "check_bool",
]

_T = TypeVar("_T")


def check_int(value: Any, name: str, *, min_value: int | None = None,
              max_value: int | None = None) -> int:
    """Return ``value`` if it is an ``int`` (not a bool) within ``[min_value, max_value]``.

    Examples
    --------
    >>> check_int(5, "states", min_value=1, max_value=10)
    5
    >>> check_int(11, "states", max_value=10)
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: states must be at most 10, got 11
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name} must be an integer, got {value!r}")
    if min_value is not None and value < min_value:
        raise InvalidArgumentError(f"{name} must be at least {min_value}, got {value!r}")
    if max_value is not None and value > max_value:
        raise InvalidArgumentError(f"{name} must be at most {max_value}, got {value!r}")
    return int(value)


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a positive integer (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_nonnegative_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a nonnegative integer (not a bool), else raise.

    Examples
    --------
    >>> check_nonnegative_int(0, "seed")
    0
    >>> check_nonnegative_int(-1, "seed")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: seed must be a nonnegative integer, got -1
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(f"{name} must be a nonnegative integer, got {value!r}")
    return int(value)


def check_optional_positive_int(value: Any, name: str) -> int | None:
    """``None`` or a positive integer (see :func:`check_positive_int`)."""
    return None if value is None else check_positive_int(value, name)


def check_choice(value: Any, choices: Iterable[_T], name: str) -> _T:
    """Return ``value`` if it is one of ``choices``, else raise naming the choices."""
    options = tuple(choices)
    try:
        found = value in options
    except TypeError:  # an unhashable or incomparable value is not a choice
        found = False
    if not found:
        listed = ", ".join(str(c) for c in options)
        raise InvalidArgumentError(f"unknown {name} {value!r}; use one of {listed}")
    return options[options.index(value)]


def check_float(value: Any, name: str, *, min_value: float | None = None,
                max_value: float | None = None, exclude_min: bool = False) -> float:
    """Return ``value`` as a finite ``float`` within the given bounds (bools refused).

    Examples
    --------
    >>> check_float(1e-3, "lr", min_value=0.0, exclude_min=True)
    0.001
    >>> check_float(float("nan"), "lr")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: lr must be a finite number, got nan
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise InvalidArgumentError(f"{name} must be a finite number, got {value!r}")
    if min_value is not None and (out < min_value or (exclude_min and out == min_value)):
        relation = "greater than" if exclude_min else "at least"
        raise InvalidArgumentError(f"{name} must be {relation} {min_value}, got {value!r}")
    if max_value is not None and out > max_value:
        raise InvalidArgumentError(f"{name} must be at most {max_value}, got {value!r}")
    return out


def check_probability(value: Any, name: str) -> float:
    """A float in ``[0, 1]``."""
    return check_float(value, name, min_value=0.0, max_value=1.0)


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a ``bool``, else raise."""
    if not isinstance(value, bool):
        raise InvalidArgumentError(f"{name} must be True or False, got {value!r}")
    return value


def check_device(value: Any, name: str = "device") -> str:
    """Return a device string: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.

    ``None`` means ``"auto"``.  Whether CUDA is present is decided where torch is loaded
    (:func:`bilinear.models.resolve_device`); this check only validates the name.

    Examples
    --------
    >>> check_device(None), check_device("cuda:1")
    ('auto', 'cuda:1')
    >>> check_device("tpu")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: unknown device 'tpu'; use one of auto, cpu, cuda, cuda:N
    """
    if value is None:
        return "auto"
    text = str(value) if not isinstance(value, str) and hasattr(value, "type") else value
    if isinstance(text, str):
        if text in DEVICES:
            return text
        head, _, index = text.partition(":")
        if head == "cuda" and index.isdigit():
            return text
    raise InvalidArgumentError(
        f"unknown {name} {value!r}; use one of {', '.join(DEVICES)}, cuda:N")
