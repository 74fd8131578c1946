"""Exact weights of a bilinear RNN: dense sympy matrices, or the sparse monomial form.

:class:`ExactWeights` holds one exact matrix ``A(a)`` per symbol (integers, rationals or
algebraic numbers as sympy objects), ``h0`` and the readout; huge one-hot models keep the
*sparse monomial* form (``targets``, ``scales``, ``readout_rows``) and materialise dense
matrices only under the caps :data:`SYMPY_CAP` and :data:`DENSE_CAP`.

Examples
--------
>>> ew = ExactWeights.from_matrices([[[0, 1], [1, 0]]], [1, 0], [[1, 0], [0, 1]])
>>> W, h0, R = ew.float_arrays()
>>> W.shape, h0.tolist()
((2, 2, 1), [1.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy as sp

from bilinear.constructions._arrays import index_array
from bilinear.errors import InvalidArgumentError, WeightsTooLargeError

__all__ = ["ExactWeights", "DENSE_CAP", "SYMPY_CAP"]

#: Largest number of float64 entries ``H * H * D`` of a dense ``W`` materialised on request.
DENSE_CAP = 2**25
#: Largest number of units for which sparse exact letters are materialised as sympy matrices.
SYMPY_CAP = 2048

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _field_of(entries: Sequence[sp.Expr]) -> str:
    """Name of the smallest number field holding ``entries``: ``ZZ``, ``QQ`` or ``QQ(...)``."""
    if all(e.is_Integer for e in entries):
        return "ZZ"
    if all(e.is_Rational for e in entries):
        return "QQ"
    gens: set[str] = set()
    for e in entries:
        for atom in e.atoms(sp.Pow, sp.cos, sp.sin):
            if isinstance(atom, sp.Pow) and not (atom.exp.is_Rational and not atom.exp.is_Integer):
                continue
            gens.add(str(atom))
    return "QQ(" + ", ".join(sorted(gens)) + ")" if gens else "QQ"


def _as_matrix(value: Any, name: str, shape: tuple[int, int] | None = None) -> sp.ImmutableMatrix:
    try:
        m = value if isinstance(value, sp.MatrixBase) else sp.Matrix(value)
        m = sp.ImmutableMatrix(m.applyfunc(sp.nsimplify if _has_float(m) else sp.sympify))
    except (TypeError, ValueError, sp.SympifyError) as err:
        raise InvalidArgumentError(f"{name} is not a matrix of numbers: {err}") from None
    if shape is not None and m.shape != shape:
        raise InvalidArgumentError(f"{name} has shape {m.shape}, expected {shape}")
    if m.free_symbols:
        raise InvalidArgumentError(f"{name} has free symbols {sorted(map(str, m.free_symbols))}")
    return m


def _has_float(m: sp.MatrixBase) -> bool:
    return any(isinstance(e, (float, sp.Float)) for e in m)


@dataclass(frozen=True, eq=False)
class ExactWeights:
    """The exact form of a bilinear RNN: one exact matrix per symbol, ``h0`` and the readout.

    Two storage forms:

    * dense: ``letters`` holds ``A(a)`` as :class:`sympy.ImmutableMatrix` (entries Integer,
      Rational or algebraic numbers such as ``sqrt(5)``), ``h0`` is ``H x 1`` and ``readout``
      ``S x H``;
    * sparse monomial (one-hot constructions of large automata): ``targets`` and ``scales``
      of shape ``(D, H)`` with ``A(a) e_j = scales[a, j] e_{targets[a, j]}`` (``scales=None``
      means all ones), ``readout_rows`` of shape ``(H,)`` with ``R[readout_rows[j], j] = 1``;
      ``letters`` is empty and ``readout`` is ``None``.  :meth:`letter` and
      :meth:`readout_matrix` materialise sympy matrices under :data:`SYMPY_CAP`.

    Attributes
    ----------
    letters : tuple of sympy.ImmutableMatrix
    h0 : sympy.ImmutableMatrix, shape (H, 1)
    readout : sympy.ImmutableMatrix of shape (S, H), or None in the sparse form
    field : str
        ``"ZZ"``, ``"QQ"`` or ``"QQ(sqrt(5))"``-style name of the field of the entries.
    targets, scales, readout_rows : numpy.ndarray or None
        The sparse monomial form.
    n_labels : int
        ``S`` (needed by the sparse form; derived in the dense form).

    Examples
    --------
    >>> ew = ExactWeights.from_matrices([[[0, 1], [1, 0]]], [1, 0], [[1, 0], [0, 1]])
    >>> ew.field, ew.H, ew.D, ew.S, ew.is_monomial
    ('ZZ', 2, 1, 2, True)
    >>> ExactWeights.from_matrices([[["sqrt(5)"]]], [1], [[1]]).field
    'QQ(sqrt(5))'
    """

    letters: tuple
    h0: sp.ImmutableMatrix
    readout: sp.ImmutableMatrix | None
    field: str = "QQ"
    targets: IntArray | None = None
    scales: IntArray | None = None
    readout_rows: IntArray | None = None
    n_labels: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "letters", tuple(self.letters))
        if self.targets is not None:
            self._check_sparse()
        else:
            self._check_dense()

    def _check_dense(self) -> None:
        if not self.letters:
            raise InvalidArgumentError("exact weights need at least one letter matrix")
        H = self.letters[0].shape[0]
        for k, m in enumerate(self.letters):
            if not isinstance(m, sp.ImmutableMatrix) or m.shape != (H, H):
                raise InvalidArgumentError(
                    f"exact letter {k} must be an ImmutableMatrix of shape {(H, H)}, got "
                    f"{getattr(m, 'shape', type(m).__name__)}"
                )
        if not isinstance(self.h0, sp.MatrixBase) or self.h0.shape != (H, 1):
            raise InvalidArgumentError(f"exact h0 must have shape {(H, 1)}")
        if not isinstance(self.readout, sp.MatrixBase) or self.readout.shape[1] != H:
            raise InvalidArgumentError(f"exact readout must have {H} columns")
        object.__setattr__(self, "n_labels", self.readout.shape[0])

    def _check_sparse(self) -> None:
        set_ = object.__setattr__
        targets = index_array(self.targets, "targets")
        if targets.ndim != 2:
            raise InvalidArgumentError(f"targets must have shape (D, H), got {targets.shape}")
        D, H = targets.shape
        if targets.size and (targets.min() < 0 or targets.max() >= H):
            raise InvalidArgumentError(f"targets must be unit indices in [0, {H})")
        set_(self, "targets", _readonly(targets))
        if self.scales is not None:
            scales = index_array(self.scales, "scales")
            if scales.shape != (D, H):
                raise InvalidArgumentError(f"scales has shape {scales.shape}, expected {(D, H)}")
            set_(self, "scales", _readonly(scales))
        rows = index_array(self.readout_rows, "readout_rows")
        if rows.shape != (H,) or (H and (rows.min() < 0 or rows.max() >= self.n_labels)):
            raise InvalidArgumentError(
                f"readout_rows must have shape ({H},) with entries in [0, {self.n_labels})"
            )
        set_(self, "readout_rows", _readonly(rows))
        if not isinstance(self.h0, sp.MatrixBase) or self.h0.shape != (H, 1):
            raise InvalidArgumentError(f"exact h0 must have shape {(H, 1)}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_matrices(
        cls, letters: Sequence[Any], h0: Any, readout: Any, field: str | None = None
    ) -> ExactWeights:
        """Exact weights from nested lists / matrices (entries sympified; the field inferred)."""
        mats = tuple(_as_matrix(m, f"letter {k}") for k, m in enumerate(letters))
        if not mats:
            raise InvalidArgumentError("exact weights need at least one letter matrix")
        H = mats[0].shape[0]
        h0m = _as_matrix(sp.Matrix(h0).reshape(H, 1) if not isinstance(h0, sp.MatrixBase)
                         else h0, "h0", (H, 1))
        rm = _as_matrix(readout, "readout")
        if field is None:
            entries = [e for m in (*mats, h0m, rm) for e in m]
            field = _field_of(entries)
        return cls(letters=mats, h0=h0m, readout=rm, field=field)

    @classmethod
    def monomial(
        cls,
        targets: np.ndarray,
        scales: np.ndarray | None,
        h0_index: int,
        readout_rows: np.ndarray,
        n_labels: int,
    ) -> ExactWeights:
        """The sparse monomial form (integer scales, one-hot ``h0`` and column one-hot readout)."""
        H = np.shape(targets)[1]
        h0 = sp.ImmutableSparseMatrix(H, 1, {(int(h0_index), 0): 1})
        return cls(letters=(), h0=h0, readout=None, field="ZZ", targets=targets, scales=scales,
                   readout_rows=readout_rows, n_labels=int(n_labels))

    # ------------------------------------------------------------------ shape and structure
    @property
    def is_sparse(self) -> bool:
        """True for the sparse monomial storage form."""
        return self.targets is not None

    def sparse_arrays(self) -> tuple[IntArray, IntArray]:
        """``(targets, readout_rows)`` of the sparse monomial form (refused for dense weights)."""
        if self.targets is None or self.readout_rows is None:
            raise InvalidArgumentError("these exact weights are dense, not in the sparse form")
        return self.targets, self.readout_rows

    @property
    def H(self) -> int:
        """Number of units."""
        return self.h0.shape[0]

    @property
    def D(self) -> int:
        """Number of symbols."""
        return self.sparse_arrays()[0].shape[0] if self.is_sparse else len(self.letters)

    @property
    def S(self) -> int:
        """Number of readout rows."""
        return self.n_labels

    @property
    def is_monomial(self) -> bool:
        """True when every ``A(a)`` has at most one nonzero per column."""
        if self.is_sparse:
            return True
        return all(
            all(sum(1 for e in m.col(j) if e != 0) <= 1 for j in range(m.shape[1]))
            for m in self.letters
        )

    def letter(self, k: int, cap: int = SYMPY_CAP) -> sp.ImmutableMatrix:
        """``A(alphabet[k])`` as an exact sympy matrix (sparse form: only when ``H <= cap``)."""
        if not self.is_sparse:
            return self.letters[k]
        self._check_cap(cap)
        scales = np.ones(self.H, dtype=np.int64) if self.scales is None else self.scales[k]
        pairs = zip(self.sparse_arrays()[0][k], scales, strict=True)
        entries = {(int(t), j): int(s) for j, (t, s) in enumerate(pairs) if s != 0}
        return sp.ImmutableSparseMatrix(self.H, self.H, entries)

    def readout_matrix(self, cap: int = SYMPY_CAP) -> sp.ImmutableMatrix:
        """The exact readout ``R`` (sparse form: only when ``H <= cap``)."""
        if not self.is_sparse:
            return self.readout
        self._check_cap(cap)
        entries = {(int(r), j): 1 for j, r in enumerate(self.sparse_arrays()[1])}
        return sp.ImmutableSparseMatrix(self.S, self.H, entries)

    def _check_cap(self, cap: int) -> None:
        if self.H > cap:
            raise WeightsTooLargeError(
                f"{self.H} units exceed the cap of {cap} for exact sympy matrices; use the "
                "sparse form (targets, scales, readout_rows)"
            )

    # ------------------------------------------------------------------ float views
    def float_arrays(self, cap: int = DENSE_CAP) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``(W, h0, R)`` as float64 arrays (the sparse form only under ``cap`` entries)."""
        h0 = _float_vector(self.h0) if not self.is_sparse else self._sparse_h0()
        if self.is_sparse:
            return self._dense_w(cap), h0, self._dense_readout(cap)
        W = np.stack([_float_matrix(m) for m in self.letters], axis=2)
        return W, h0, _float_matrix(self.readout)

    def _sparse_h0(self) -> FloatArray:
        h0 = np.zeros(self.H)
        for (i, _), v in self.h0.todok().items():
            h0[i] = float(v)
        return h0

    def _dense_w(self, cap: int) -> FloatArray:
        H, D = self.H, self.D
        if H * H * D > cap:
            raise WeightsTooLargeError(
                f"a dense W of shape ({H}, {H}, {D}) has {H * H * D:,} entries (cap {cap:,}, "
                f"{8 * H * H * D / 2**30:.1f} GiB as float64); this model is stored sparsely: "
                "use rnn.exact.targets / rnn.exact.scales, or rnn.save(path, sparse=True)"
            )
        W = np.zeros((H, H, D))
        cols = np.arange(H)
        targets = self.sparse_arrays()[0]
        for k in range(D):
            W[targets[k], cols, k] = 1.0 if self.scales is None else self.scales[k]
        return W

    def _dense_readout(self, cap: int) -> FloatArray:
        if self.S * self.H > cap:
            raise WeightsTooLargeError(
                f"a dense readout of shape ({self.S}, {self.H}) exceeds the cap of {cap:,} "
                "entries; use rnn.exact.readout_rows"
            )
        R = np.zeros((self.S, self.H))
        R[self.readout_rows, np.arange(self.H)] = 1.0
        return R


def _float_matrix(m: sp.MatrixBase) -> FloatArray:
    return np.array(m.evalf(17).tolist(), dtype=np.float64).reshape(m.shape)


def _float_vector(m: sp.MatrixBase) -> FloatArray:
    return _float_matrix(m).reshape(-1)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a
