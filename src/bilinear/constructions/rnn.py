"""The :class:`BilinearRNN`: weights ``(W, h0, R)`` of a bilinear RNN, floats beside an exact form.

Conventions (design.md section 2):

* column state vectors, ``h_t = A(x_t) h_{t-1}`` with ``A(x) = sum_k x[k] W[:, :, k]``, so
  ``W[i, j, k]`` is (output unit ``i``, input unit ``j``, symbol ``k``); with one-hot inputs
  ``A(a) = W[:, :, index(a)]``;
* a word is read left to right: ``A(w) = A(w_T) ... A(w_1)`` and ``h_T = A(w) h_0``;
* decoding: ``label_t = labels[argmax_j (R h_t)_j]`` with readout ``R`` of shape
  ``(S, H)`` and no bias; a tie between rows is a failure and decodes to ``None``.  Several
  rows may carry the same label (nearest-codeword readouts have one row per codeword).

The float arrays are a view of :class:`ExactWeights` (integers, rationals or algebraic numbers
as sympy objects).  Huge one-hot models keep a *sparse monomial* exact form (``targets``,
``scales``) and materialise the dense ``W`` only when it is small enough; otherwise reading
``rnn.W`` raises :class:`~bilinear.errors.WeightsTooLargeError` instead of exhausting memory.

Examples
--------
>>> import numpy as np
>>> from bilinear.constructions import BilinearRNN
>>> W = np.zeros((1, 1, 2)); W[0, 0] = [1.0, -1.0]        # parity: lambda = +1 / -1
>>> rnn = BilinearRNN(W=W, h0=np.array([1.0]), readout=np.array([[1.0], [-1.0]]),
...                   alphabet=("0", "1"), labels=(0, 1), level="real_diagonal")
>>> rnn.output("0110")
[0, 1, 0, 0]
>>> rnn.states("11").tolist()
[[-1.0], [1.0]]
>>> rnn.parameter_count()
2
"""

from __future__ import annotations

import types
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from bilinear.constructions._structure import _max_block, _structure_problem
from bilinear.errors import (
    InvalidArgumentError,
    UnknownSymbolError,
    WeightsTooLargeError,
)
from bilinear.theory.hierarchy import level as hierarchy_level
from bilinear.theory.hierarchy import parameter_count

__all__ = ["BilinearRNN", "ExactWeights", "DENSE_CAP", "SYMPY_CAP"]

#: Largest number of float64 entries ``H * H * D`` of a dense ``W`` materialised on request.
DENSE_CAP = 2**25
#: Largest number of units for which sparse exact letters are materialised as sympy matrices.
SYMPY_CAP = 2048


# ============================================================================ exact weights
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
    targets: np.ndarray | None = None
    scales: np.ndarray | None = None
    readout_rows: np.ndarray | None = None
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
        targets = np.array(self.targets, dtype=np.int64)
        if targets.ndim != 2:
            raise InvalidArgumentError(f"targets must have shape (D, H), got {targets.shape}")
        D, H = targets.shape
        if targets.size and (targets.min() < 0 or targets.max() >= H):
            raise InvalidArgumentError(f"targets must be unit indices in [0, {H})")
        set_(self, "targets", _readonly(targets))
        if self.scales is not None:
            scales = np.array(self.scales, dtype=np.int64)
            if scales.shape != (D, H):
                raise InvalidArgumentError(f"scales has shape {scales.shape}, expected {(D, H)}")
            set_(self, "scales", _readonly(scales))
        rows = np.array(self.readout_rows, dtype=np.int64)
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

    @property
    def H(self) -> int:  # noqa: N802 - the paper's name
        """Number of units."""
        return self.h0.shape[0]

    @property
    def D(self) -> int:  # noqa: N802
        """Number of symbols."""
        return self.targets.shape[0] if self.is_sparse else len(self.letters)

    @property
    def S(self) -> int:  # noqa: N802
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
        pairs = zip(self.targets[k], scales, strict=True)
        entries = {(int(t), j): int(s) for j, (t, s) in enumerate(pairs) if s != 0}
        return sp.ImmutableSparseMatrix(self.H, self.H, entries)

    def readout_matrix(self, cap: int = SYMPY_CAP) -> sp.ImmutableMatrix:
        """The exact readout ``R`` (sparse form: only when ``H <= cap``)."""
        if not self.is_sparse:
            return self.readout
        self._check_cap(cap)
        entries = {(int(r), j): 1 for j, r in enumerate(self.readout_rows)}
        return sp.ImmutableSparseMatrix(self.S, self.H, entries)

    def _check_cap(self, cap: int) -> None:
        if self.H > cap:
            raise WeightsTooLargeError(
                f"{self.H} units exceed the cap of {cap} for exact sympy matrices; use the "
                "sparse form (targets, scales, readout_rows)"
            )

    # ------------------------------------------------------------------ float views
    def float_arrays(self, cap: int = DENSE_CAP) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(W, h0, R)`` as float64 arrays (the sparse form only under ``cap`` entries)."""
        h0 = _float_vector(self.h0) if not self.is_sparse else self._sparse_h0()
        if self.is_sparse:
            return self._dense_w(cap), h0, self._dense_readout(cap)
        W = np.stack([_float_matrix(m) for m in self.letters], axis=2)
        return W, h0, _float_matrix(self.readout)

    def _sparse_h0(self) -> np.ndarray:
        h0 = np.zeros(self.H)
        for (i, _), v in self.h0.todok().items():
            h0[i] = float(v)
        return h0

    def _dense_w(self, cap: int) -> np.ndarray:
        H, D = self.H, self.D
        if H * H * D > cap:
            raise WeightsTooLargeError(
                f"a dense W of shape ({H}, {H}, {D}) has {H * H * D:,} entries (cap {cap:,}, "
                f"{8 * H * H * D / 2**30:.1f} GiB as float64); this model is stored sparsely: "
                "use rnn.exact.targets / rnn.exact.scales, or rnn.save(path, sparse=True)"
            )
        W = np.zeros((H, H, D))
        cols = np.arange(H)
        for k in range(D):
            W[self.targets[k], cols, k] = 1.0 if self.scales is None else self.scales[k]
        return W

    def _dense_readout(self, cap: int) -> np.ndarray:
        if self.S * self.H > cap:
            raise WeightsTooLargeError(
                f"a dense readout of shape ({self.S}, {self.H}) exceeds the cap of {cap:,} "
                "entries; use rnn.exact.readout_rows"
            )
        R = np.zeros((self.S, self.H))
        R[self.readout_rows, np.arange(self.H)] = 1.0
        return R


def _float_matrix(m: sp.MatrixBase) -> np.ndarray:
    return np.array(m.evalf(17).tolist(), dtype=np.float64).reshape(m.shape)


def _float_vector(m: sp.MatrixBase) -> np.ndarray:
    return _float_matrix(m).reshape(-1)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ============================================================================ the model
class _Materialised:
    """Data descriptor for ``W`` and ``readout``: the stored array, or the dense view of the
    sparse exact form built on first access (under :data:`DENSE_CAP`)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot = name, "_" + name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:  # no class-level default for the dataclass machinery
            raise AttributeError(self.name)
        value = obj.__dict__.get(self.slot)
        if value is None:
            value = obj._materialise(self.name)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True, eq=False)
class BilinearRNN:
    """A bilinear RNN ``h_t = A(x_t) h_{t-1}``, ``A(x) = sum_k x[k] W[:, :, k]``.

    Parameters
    ----------
    W : numpy.ndarray, shape (H, H, D)
        ``W[i, j, k]`` = (output unit ``i``, input unit ``j``, symbol ``k``).  May be ``None``
        only when ``exact`` is in the sparse monomial form; it is then materialised on access
        under :data:`DENSE_CAP` entries (else :class:`~bilinear.errors.WeightsTooLargeError`).
    h0 : numpy.ndarray, shape (H,)
    readout : numpy.ndarray, shape (S, H)
        No bias; ``None`` is allowed with a sparse exact form, as for ``W``.
    alphabet : tuple
        The symbol of each input index ``k``.
    labels : tuple
        The label of each readout row (labels may repeat: one row per codeword).
    level : str
        A level of design.md section 3.
    source : str
        Task spec or file name.
    exact : ExactWeights, optional
        The exact form (``None`` for float-only weights, e.g. loaded from NPZ).
    info : mapping
        Construction name (``"construction"``), options (``"block_size"``, ``"rank"``),
        ``"state_determined"``, optional ``"encoding"`` and notes.

    Raises
    ------
    InvalidArgumentError
        A bad shape, a non-finite value, mismatched alphabet / labels lengths, or weights that
        do not have the structure of ``level``.
    UnknownLevelError
        ``level`` is not a level of design.md section 3.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.zeros((2, 2, 2)); W[:, :, 0] = np.eye(2); W[:, :, 1] = [[0, 1], [1, 0]]
    >>> rnn = BilinearRNN(W=W, h0=np.array([1.0, 0.0]), readout=np.eye(2),
    ...                   alphabet=("0", "1"), labels=("even", "odd"), level="monomial")
    >>> rnn.output("011"), rnn.H, rnn.D, rnn.S
    (['even', 'odd', 'even'], 2, 2, 2)
    """

    W: np.ndarray = _Materialised()  # type: ignore[assignment]
    h0: np.ndarray
    readout: np.ndarray = _Materialised()  # type: ignore[assignment]
    alphabet: tuple
    labels: tuple
    level: str
    source: str = ""
    exact: ExactWeights | None = None
    info: Mapping = field(default_factory=dict)

    # ------------------------------------------------------------------ validation
    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "alphabet", tuple(self.alphabet))
        set_(self, "labels", tuple(self.labels))
        set_(self, "info", types.MappingProxyType(dict(self.info)))
        hierarchy_level(self.level)  # raises UnknownLevelError naming the level
        if not isinstance(self.source, str):
            raise InvalidArgumentError(f"source must be a string, got {self.source!r}")
        if self.exact is not None and not isinstance(self.exact, ExactWeights):
            raise InvalidArgumentError(f"exact must be ExactWeights or None, got {self.exact!r}")
        sparse = self.__dict__.get("_W") is None
        if sparse and (self.exact is None or not self.exact.is_sparse):
            raise InvalidArgumentError("W is required unless exact is in the sparse form")
        self._check_arrays(sparse)
        self._check_names()
        if not sparse:
            self._check_structure()
        if self.exact is not None:
            self._check_exact()

    def _check_arrays(self, sparse: bool) -> None:
        set_ = object.__setattr__
        h0 = _float_array(self.h0, "h0", 1)
        set_(self, "h0", h0)
        H = h0.shape[0]
        if sparse:
            D, S = self.exact.D, self.exact.S
        else:
            W = _float_array(self.__dict__["_W"], "W", 3)
            if W.shape[:2] != (H, H):
                raise InvalidArgumentError(f"W has shape {W.shape}, expected ({H}, {H}, D)")
            self.__dict__["_W"] = W
            D = W.shape[2]
        if self.__dict__.get("_readout") is not None:
            R = _float_array(self.__dict__["_readout"], "readout", 2)
            if R.shape[1] != H:
                raise InvalidArgumentError(f"readout has shape {R.shape}, expected (S, {H})")
            self.__dict__["_readout"] = R
            S = R.shape[0]
        elif not sparse:
            raise InvalidArgumentError("readout is required unless exact is in the sparse form")
        set_(self, "_shape", (H, D, S))

    def _check_names(self) -> None:
        H, D, S = self._shape
        if len(self.alphabet) != D:
            raise InvalidArgumentError(
                f"alphabet has {len(self.alphabet)} symbols but W has D = {D} slices"
            )
        if len(set(self.alphabet)) != D:
            raise InvalidArgumentError(f"alphabet {list(self.alphabet)!r} has a duplicate")
        if len(self.labels) != S:
            raise InvalidArgumentError(
                f"labels has {len(self.labels)} entries but the readout has S = {S} rows"
            )

    def _check_structure(self) -> None:
        problem = _structure_problem(self.W, self.level, self.info)
        if problem:
            raise InvalidArgumentError(f"weights are not of level {self.level!r}: {problem}")

    def _check_exact(self) -> None:
        if (self.exact.H, self.exact.D, self.exact.S) != self._shape:
            raise InvalidArgumentError(
                f"exact weights have (H, D, S) = {(self.exact.H, self.exact.D, self.exact.S)}, "
                f"the float weights {self._shape}"
            )

    def _materialise(self, name: str) -> np.ndarray:
        if self.exact is None:
            raise AttributeError(name)
        if name == "W":
            value = self.exact._dense_w(DENSE_CAP)
        else:
            value = self.exact._dense_readout(DENSE_CAP)
        value.setflags(write=False)
        self.__dict__["_" + name] = value
        return value

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_exact(
        cls,
        exact: ExactWeights,
        *,
        alphabet: Sequence[Hashable],
        labels: Sequence[Any],
        level: str,
        source: str = "",
        info: Mapping | None = None,
    ) -> BilinearRNN:
        """The model whose floats are the float64 view of ``exact`` (sparse forms stay sparse).

        Examples
        --------
        >>> ew = ExactWeights.from_matrices([[[-1]]], [1], [[1], [-1]])
        >>> BilinearRNN.from_exact(ew, alphabet=["1"], labels=[0, 1],
        ...                        level="real_diagonal").output("111")
        [1, 0, 1]
        """
        if exact.is_sparse:
            W = R = None
            h0 = exact._sparse_h0()
            if exact.H * exact.H * exact.D <= DENSE_CAP:
                W, h0, R = exact.float_arrays()
        else:
            W, h0, R = exact.float_arrays()
        return cls(W=W, h0=h0, readout=R, alphabet=tuple(alphabet), labels=tuple(labels),
                   level=level, source=source, exact=exact, info=dict(info or {}))

    # ------------------------------------------------------------------ shape
    @property
    def H(self) -> int:  # noqa: N802
        """Number of units (the real state dimension)."""
        return self._shape[0]

    @property
    def D(self) -> int:  # noqa: N802
        """Number of input symbols."""
        return self._shape[1]

    @property
    def S(self) -> int:  # noqa: N802
        """Number of readout rows."""
        return self._shape[2]

    @property
    def dim(self) -> int:
        """The state dimension ``H`` (real; a complex unit counts 2)."""
        return self._shape[0]

    @property
    def block_size(self) -> int:
        """The largest diagonal block of the ``A(a)`` (contiguous blocks; ``H`` for a full W)."""
        if "block_size" in self.info:
            return int(self.info["block_size"])
        return _max_block(self.W)

    @property
    def is_sparse(self) -> bool:
        """True when the weights are kept in the sparse monomial exact form."""
        return self.exact is not None and self.exact.is_sparse

    def __repr__(self) -> str:
        name = self.info.get("construction", "")
        return (f"BilinearRNN(level={self.level!r}, H={self.H}, D={self.D}, S={self.S}"
                + (f", construction={name!r}" if name else "")
                + (f", source={self.source!r}" if self.source else "") + ")")

    # ------------------------------------------------------------------ running
    def encode(self, word: Any) -> np.ndarray:
        """Symbol indices of ``word`` (a ``str`` when every symbol is one character)."""
        if isinstance(word, np.ndarray) and word.dtype.kind in "iu":
            if word.size and (word.min() < 0 or word.max() >= self.D):
                raise UnknownSymbolError(int(word.max()), range(self.D), context="symbol index")
            return word.astype(np.int64)
        if isinstance(word, str) and not all(
            isinstance(a, str) and len(a) == 1 for a in self.alphabet
        ):
            if word == "":
                return np.zeros(0, dtype=np.int64)
            raise InvalidArgumentError(
                f"word {word!r} is a string but not every symbol of {list(self.alphabet)!r} "
                "is one character; pass a list of symbols"
            )
        pos = {a: k for k, a in enumerate(self.alphabet)}
        out = np.empty(len(word), dtype=np.int64)
        for t, a in enumerate(word):
            try:
                out[t] = pos[a]
            except (KeyError, TypeError):
                raise UnknownSymbolError(a, self.alphabet, context=f"position {t}") from None
        return out

    def states(self, word: Any, dtype: Any = np.float64, normalize: bool = False) -> np.ndarray:
        """The trajectory ``h_1, ..., h_T`` (shape ``(T, H)``) computed in ``dtype``.

        With ``normalize=True`` each state is divided by its Euclidean norm after the step
        (theory.md 7.3; decoding is unchanged in exact arithmetic).
        """
        return self.states_batch(self.encode(word)[None, :], dtype=dtype, normalize=normalize)[0]

    def states_batch(
        self, words: np.ndarray, dtype: Any = np.float64, normalize: bool = False
    ) -> np.ndarray:
        """Trajectories of a batch of index words, shape ``(B, T)`` -> ``(B, T, H)``."""
        x = np.asarray(words)
        if x.ndim != 2 or x.dtype.kind not in "iu":
            raise InvalidArgumentError(f"words must be a (batch, length) int array, got {x.shape}")
        B, T = x.shape
        dtype = np.dtype(dtype)
        h = np.broadcast_to(self.h0.astype(dtype), (B, self.H)).copy()
        out = np.empty((B, T, self.H), dtype=dtype)
        step = self._sparse_step if self._dense_too_big() else self._dense_step(dtype)
        for t in range(T):
            h = step(h, x[:, t])
            if normalize:
                norm = np.linalg.norm(h, axis=1, keepdims=True)
                h = np.where(norm > 0, h / np.where(norm > 0, norm, 1), h).astype(dtype)
            out[:, t] = h
        return out

    def _dense_too_big(self) -> bool:
        return self.is_sparse and self.__dict__.get("_W") is None and (
            self.H * self.H * self.D > DENSE_CAP
        )

    def _dense_step(self, dtype: np.dtype):  # noqa: ANN202
        A = np.ascontiguousarray(np.moveaxis(self.W, 2, 0).astype(dtype))  # (D, H, H)

        def step(h: np.ndarray, a: np.ndarray) -> np.ndarray:
            return np.einsum("bij,bj->bi", A[a], h).astype(dtype, copy=False)

        return step

    def _sparse_step(self, h: np.ndarray, a: np.ndarray) -> np.ndarray:
        ex = self.exact
        out = np.zeros_like(h)
        for b in range(h.shape[0]):
            vals = h[b] if ex.scales is None else h[b] * ex.scales[a[b]].astype(h.dtype)
            np.add.at(out[b], ex.targets[a[b]], vals)
        return out

    def scores(self, states: np.ndarray) -> np.ndarray:
        """Readout scores ``R h`` for states of shape ``(..., H)`` -> ``(..., S)``."""
        if self.is_sparse and self.__dict__.get("_readout") is None and (
            self.S * self.H > DENSE_CAP
        ):
            flat = states.reshape(-1, self.H)
            out = np.zeros((flat.shape[0], self.S), dtype=states.dtype)
            for i, h in enumerate(flat):
                out[i] = np.bincount(self.exact.readout_rows, weights=h, minlength=self.S)
            return out.reshape(*states.shape[:-1], self.S)
        return states @ self.readout.T.astype(states.dtype)

    def decode_indices(self, states: np.ndarray) -> np.ndarray:
        """Readout row chosen for each state (``-1`` for a tie or a non-finite score)."""
        s = self.scores(states)
        best = s.max(axis=-1, keepdims=True)
        winners = (s == best).sum(axis=-1)
        idx = s.argmax(axis=-1)
        ok = (winners == 1) & np.isfinite(best[..., 0])
        return np.where(ok, idx, -1)

    def output(self, word: Any, dtype: Any = np.float64, normalize: bool = False) -> list:
        """Decoded labels after each non-empty prefix; a tie decodes to ``None``."""
        rows = self.decode_indices(self.states(word, dtype=dtype, normalize=normalize))
        return [self.labels[r] if r >= 0 else None for r in rows]

    # ------------------------------------------------------------------ export
    def parameter_count(self) -> int:
        """Parameters of this model at its level (design.md section 3).

        ``block`` uses ``info["block_size"]`` (else the largest diagonal block of ``W``) and
        ``cp`` uses ``info["rank"]``.
        """
        b = self.block_size if self.level == "block" else None
        R = self.info.get("rank") if self.level == "cp" else None
        if self.level == "cp" and R is None:
            raise InvalidArgumentError("a cp model needs info['rank'] for its parameter count")
        return parameter_count(self.level, H=self.H, D=self.D, b=b, R=R)

    def save(self, path: str | Path, sparse: bool = False) -> Path:
        """Write the NPZ file of design.md section 5 (see :mod:`bilinear.constructions.npz`)."""
        from bilinear.constructions.npz import save_npz

        return save_npz(self, path, sparse=sparse)

    @classmethod
    def load(cls, path: str | Path) -> BilinearRNN:
        """Read an NPZ written by :meth:`save` (never unpickles; errors: WeightsFormatError)."""
        from bilinear.constructions.npz import load_npz

        return load_npz(path)

    def to_exact_json(self, indent: int | None = 1) -> str:
        """The exact weights as JSON with sympy strings (see :mod:`bilinear.constructions.npz`)."""
        from bilinear.constructions.npz import exact_json

        return exact_json(self, indent=indent)

    def to_latex(self, max_units: int = 32) -> str:
        """The tensor slice by slice, ``h0`` and ``R`` as LaTeX (exact entries when known)."""
        from bilinear.constructions.npz import latex

        return latex(self, max_units=max_units)


def _float_array(value: Any, name: str, ndim: int) -> np.ndarray:
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidArgumentError(f"{name} is not a numeric array: {err}") from None
    if a.ndim != ndim:
        raise InvalidArgumentError(f"{name} must have {ndim} dimensions, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise InvalidArgumentError(f"{name} has a non-finite value {a[bad]} at index {bad}")
    a.setflags(write=False)
    return a
