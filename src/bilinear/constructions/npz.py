"""Export of a :class:`~bilinear.constructions.BilinearRNN`: NPZ files, exact JSON and LaTeX.

**NPZ** (docs/reference/formats.md#weights-npz): arrays ``W`` (H, H, D), ``h0`` (H,), ``readout``
(S, H), all float64, and ``meta``, a JSON string with ``alphabet``, ``labels``, ``level``,
``source`` (plus ``info`` and ``format``).  Complex constructions are stored in their realised 2 x 2
form.

*Format extension* (sparse one-hot models whose dense ``W`` would not fit): ``save(path,
sparse=True)`` writes int64 arrays ``targets`` (D, H), ``scales`` (D, H) (omitted when all ones),
``h0`` (H,) float64 and ``readout_rows`` (H,) instead of ``W`` and ``readout``, with
``meta["format"] = "sparse_monomial"``: ``A(a) e_j = scales[a, j] e_{targets[a, j]}`` and
``R[readout_rows[j], j] = 1``.  A dense save of such a model raises
:class:`~bilinear.errors.WeightsTooLargeError` naming this option.  Loading never unpickles
(``allow_pickle=False``); every problem raises :class:`~bilinear.errors.WeightsFormatError`
naming the file: not a zip archive, a corrupt archive, a pickled array, or an array whose dtype
is not real (complex, object, bool, strings) or whose float64 cast would change a value.

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

from pathlib import Path

from bilinear.constructions import _io
from bilinear.constructions._io import exact_json, latex
from bilinear.constructions.rnn import BilinearRNN

__all__ = ["save_npz", "load_npz", "exact_json", "from_exact_json", "latex"]


def save_npz(rnn: BilinearRNN, path: str | Path, sparse: bool = False) -> Path:
    """Write ``rnn`` to ``path`` (dense NPZ of docs/reference/formats.md#weights-npz, or the sparse
    extension).

    Raises
    ------
    WeightsTooLargeError
        A dense save whose ``W`` would exceed :data:`~bilinear.constructions.exact.DENSE_CAP`.
    InvalidArgumentError
        ``sparse=True`` for a model without a sparse monomial exact form.
    """
    return _io.save_npz(rnn, path, sparse=sparse)


def load_npz(path: str | Path) -> BilinearRNN:
    """Read an NPZ written by :func:`save_npz` (never unpickles; see the module docstring)."""
    return BilinearRNN.load(path)


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
    return BilinearRNN.from_exact_json(text)
