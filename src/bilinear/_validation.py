"""Argument validators shared by every subpackage; each raises an error naming the argument.

Examples
--------
>>> from bilinear._validation import check_positive_int
>>> check_positive_int(3, "hidden")
3
>>> check_positive_int(True, "hidden")
Traceback (most recent call last):
...
bilinear.errors.InvalidArgumentError: hidden must be a positive integer, got True
"""

from __future__ import annotations

from typing import Any

from bilinear.errors import InvalidArgumentError

__all__ = ["check_positive_int"]


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a positive integer (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
