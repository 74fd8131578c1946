"""bilinear: state tracking in bilinear RNNs, from automata to proofs and trained models.

A bilinear RNN updates ``h_t = A(x_t) h_{t-1}`` with ``A(x) = sum_k x_k W[:, :, k]``.
The subpackages follow the data flow ``automata -> theory -> constructions -> verification``;
torch is imported only by ``models`` and later.

The top level re-exports the four entry points (imported on first use, so ``import bilinear``
stays fast): :func:`classify`, :func:`compile_automaton`, :func:`compile_representation` and
:func:`verify`.

Examples
--------
>>> import bilinear
>>> from bilinear.automata import tasks
>>> dfa = tasks.get("parity").dfa
>>> dfa.output("0110")
[0, 1, 0, 0]
>>> bilinear.classify(dfa).minimal_level
'real_diagonal'
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("bilinear")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_ENTRY_POINTS = {
    "classify": "bilinear.theory",
    "compile_automaton": "bilinear.constructions",
    "compile_representation": "bilinear.constructions",
    "verify": "bilinear.verification",
}

__all__ = ["__version__", *_ENTRY_POINTS]


def __getattr__(name: str) -> Any:
    if name in _ENTRY_POINTS:
        return getattr(importlib.import_module(_ENTRY_POINTS[name]), name)
    raise AttributeError(f"module 'bilinear' has no attribute {name!r}")
