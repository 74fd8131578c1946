"""The error hierarchy of :mod:`bilinear`.

Every error raised on bad input derives from :class:`BilinearError` *and* from the
builtin exception a Python user would expect (``ValueError``, ``KeyError``, ...), so
``except ValueError`` keeps working.  Messages name the offending state, symbol or
value.

Examples
--------
>>> from bilinear.errors import UnknownSymbolError, BilinearError
>>> try:
...     raise UnknownSymbolError("c", alphabet=("a", "b"))
... except ValueError as err:
...     print(err)
unknown symbol 'c'; the alphabet is ['a', 'b']
>>> issubclass(UnknownSymbolError, BilinearError)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "BilinearError",
    "MissingExtraError",
    "InvalidArgumentError",
    "InvalidAutomatonError",
    "UnknownStateError",
    "UnknownSymbolError",
    "IncompleteAutomatonError",
    "DuplicateNameError",
    "AutomatonFormatError",
    "RegexSyntaxError",
    "UnknownTaskError",
    "TaskParameterError",
    "UnknownLevelError",
    "AlphabetMismatchError",
    "InvalidGroupError",
    "InvalidRepresentationError",
    "MonoidTooLargeError",
    "AutomatonTooLargeError",
    "UnsupportedConstructionError",
    "VerificationError",
    "WeightsFormatError",
    "WeightsTooLargeError",
    "ResultsStoreError",
]


def _show(values: Iterable[Any], limit: int = 12) -> str:
    """Render a short, readable list of names for an error message."""
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    if len(values) > limit:
        shown += f", ... ({len(values)} in all)"
    return f"[{shown}]"


class BilinearError(Exception):
    """Root of every error raised by :mod:`bilinear` on bad input or impossible requests."""


class InvalidArgumentError(BilinearError, ValueError):
    """An argument has the wrong type or value; the message names it and what was expected."""


class InvalidAutomatonError(BilinearError, ValueError):
    """An automaton description is inconsistent; fix the named state, symbol or label."""


class UnknownStateError(InvalidAutomatonError, KeyError):
    """A state name that the automaton does not have."""

    def __init__(self, state: Any, states: Iterable[Any] = (), context: str = "") -> None:
        self.state = state
        where = f" ({context})" if context else ""
        msg = f"unknown state {state!r}{where}"
        states = list(states)
        if states:
            msg += f"; the states are {_show(states)}"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownSymbolError(InvalidAutomatonError, KeyError):
    """A symbol that is not in the alphabet."""

    def __init__(self, symbol: Any, alphabet: Iterable[Any] = (), context: str = "") -> None:
        self.symbol = symbol
        where = f" ({context})" if context else ""
        msg = f"unknown symbol {symbol!r}{where}"
        alphabet = list(alphabet)
        if alphabet:
            msg += f"; the alphabet is {_show(alphabet)}"
        super().__init__(msg)

    def __str__(self) -> str:
        return str(self.args[0])


class IncompleteAutomatonError(InvalidAutomatonError):
    """A transition is missing; complete the table or use ``bilinear.automata.complete``."""


class DuplicateNameError(InvalidAutomatonError):
    """A state or symbol name occurs twice."""


class AutomatonFormatError(InvalidAutomatonError):
    """An automaton file is not valid JSON of the documented format
    (docs/reference/formats.md#automaton-json)."""


class RegexSyntaxError(BilinearError, ValueError):
    """A regular expression could not be parsed; the message gives the position."""


class UnknownTaskError(BilinearError, KeyError):
    """A task name that the catalogue does not have; ``bilinear tasks`` lists them."""

    def __str__(self) -> str:
        return str(self.args[0])


class TaskParameterError(BilinearError, ValueError):
    """A task parameter is unknown or has a bad value."""


class UnknownLevelError(BilinearError, ValueError):
    """A hierarchy level or model name that does not exist."""


class AlphabetMismatchError(BilinearError, ValueError):
    """Two objects that must share an alphabet do not."""


class InvalidGroupError(BilinearError, ValueError):
    """A group or its generators are not valid (not permutations, wrong degree, ...)."""


class InvalidRepresentationError(BilinearError, ValueError):
    """Matrices that do not form a representation (not square, not a homomorphism, ...)."""


class MonoidTooLargeError(BilinearError, OverflowError):
    """The transition monoid exceeds the size cap; raise the cap or use the witness search."""


class UnsupportedConstructionError(BilinearError, NotImplementedError):
    """The requested level cannot simulate the automaton; ``.witness`` holds the evidence."""

    def __init__(self, message: str, witness: Any = None) -> None:
        super().__init__(message)
        self.witness = witness


class VerificationError(BilinearError, AssertionError):
    """A construction does not simulate its automaton; ``.counterexample`` is a failing word."""

    def __init__(self, message: str, counterexample: Any = None) -> None:
        super().__init__(message)
        self.counterexample = counterexample


class WeightsFormatError(BilinearError, ValueError):
    """A weights file (NPZ or exact JSON) is malformed."""


class ResultsStoreError(BilinearError, RuntimeError):
    """The results store is corrupt or cannot be written."""


class AutomatonTooLargeError(BilinearError, OverflowError):
    """An automaton would exceed a size cap; raise the cap (``max_states``) or shrink the input."""


class WeightsTooLargeError(BilinearError, MemoryError):
    """Dense weights would exceed a size cap; use the sparse exact form (``save(sparse=True)``)."""


class MissingExtraError(BilinearError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it
    (``pip install bilinear[train]``, ``bilinear[plots]``)."""
