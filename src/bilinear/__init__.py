"""bilinear: state tracking in bilinear RNNs, from automata to proofs and trained models.

A bilinear RNN updates ``h_t = A(x_t) h_{t-1}`` with ``A(x) = sum_k x_k W[:, :, k]``.
The subpackages follow the data flow ``automata -> theory -> constructions -> verification``;
torch is imported only by ``models`` and later.

Examples
--------
>>> import bilinear
>>> from bilinear.automata import tasks
>>> tasks.get("parity").dfa.output("0110")
[0, 1, 0, 0]
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bilinear")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
