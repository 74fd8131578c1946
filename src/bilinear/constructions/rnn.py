"""The :class:`BilinearRNN`: weights ``(W, h0, R)`` of a bilinear RNN, floats beside an exact form.

Conventions (docs/explanation/conventions.md):

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

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bilinear.constructions import _io
from bilinear.constructions._arrays import real_array
from bilinear.constructions._structure import _max_block, _structure_problem
from bilinear.constructions.exact import (
    DENSE_CAP,
    SYMPY_CAP,
    ExactWeights,
    _field_of,
)
from bilinear.constructions.info import ConstructionInfo
from bilinear.errors import (
    InvalidArgumentError,
    UnknownSymbolError,
    WeightsFormatError,
)
from bilinear.theory.hierarchy import level as hierarchy_level
from bilinear.theory.hierarchy import parameter_count

__all__ = ["BilinearRNN", "ExactWeights", "DENSE_CAP", "SYMPY_CAP"]

#: Letter matrices are shown in Jupyter up to this hidden size and alphabet size.
_REPR_MATRIX = 6

FloatArray = npt.NDArray[np.float64]
_ = _field_of  # re-exported for the constructions that assemble exact weights


# ============================================================================ the model
class _Views:
    """The float ``W`` and readout of one model: given, or materialised once from the sparse
    exact form (under :data:`DENSE_CAP`); a private cache held in a field of the model."""

    __slots__ = ("W", "readout")

    def __init__(self) -> None:
        self.W: FloatArray | None = None
        self.readout: FloatArray | None = None


class _Materialised:
    """Descriptor-typed dataclass field for ``W`` and ``readout``: reads and writes go to the
    model's :class:`_Views`; a missing array is materialised from the sparse exact form."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> FloatArray:
        if obj is None:  # no class-level default for the dataclass machinery
            raise AttributeError(self.name)
        value: FloatArray | None = getattr(obj._views, self.name)
        if value is None:
            value = obj._materialise(self.name)
            setattr(obj._views, self.name, value)
        return value

    def __set__(self, obj: Any, value: FloatArray | None) -> None:
        setattr(obj._views, self.name, value)


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
        A level of docs/explanation/hierarchy.md#levels.
    source : str
        Task spec or file name.
    exact : ExactWeights, optional
        The exact form (``None`` for float-only weights, e.g. loaded from NPZ).
    info : ConstructionInfo or mapping
        A :class:`~bilinear.constructions.info.ConstructionInfo` (a mapping is converted):
        construction name (``"construction"``), options (``"block_size"``, ``"rank"``),
        ``"state_determined"``, optional ``"encoding"`` and notes.

    Raises
    ------
    InvalidArgumentError
        A bad shape, a non-finite value, mismatched alphabet / labels lengths, or weights that
        do not have the structure of ``level``.
    UnknownLevelError
        ``level`` is not a level of docs/explanation/hierarchy.md#levels.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.zeros((2, 2, 2)); W[:, :, 0] = np.eye(2); W[:, :, 1] = [[0, 1], [1, 0]]
    >>> rnn = BilinearRNN(W=W, h0=np.array([1.0, 0.0]), readout=np.eye(2),
    ...                   alphabet=("0", "1"), labels=("even", "odd"), level="monomial")
    >>> rnn.output("011"), rnn.H, rnn.D, rnn.S
    (['even', 'odd', 'even'], 2, 2, 2)
    """

    _views: _Views = field(init=False, repr=False, compare=False, default_factory=_Views)
    # W and readout are descriptors without a class-level default (see _Materialised), so the
    # fields after them are still required; mypy's dataclass plugin cannot see that.
    W: _Materialised = _Materialised()
    h0: FloatArray  # type: ignore[misc]
    readout: _Materialised = _Materialised()
    alphabet: tuple[Hashable, ...]  # type: ignore[misc]
    labels: tuple[Any, ...]  # type: ignore[misc]
    level: str  # type: ignore[misc]
    source: str = ""
    exact: ExactWeights | None = None
    info: ConstructionInfo = field(default_factory=ConstructionInfo)
    _shape: tuple[int, int, int] = field(init=False, repr=False, compare=False, default=(0, 0, 0))

    # ------------------------------------------------------------------ validation
    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "alphabet", tuple(self.alphabet))
        set_(self, "labels", tuple(self.labels))
        set_(self, "info", ConstructionInfo.from_dict(self.info))
        hierarchy_level(self.level)  # raises UnknownLevelError naming the level
        if not isinstance(self.source, str):
            raise InvalidArgumentError(f"source must be a string, got {self.source!r}")
        if self.exact is not None and not isinstance(self.exact, ExactWeights):
            raise InvalidArgumentError(f"exact must be ExactWeights or None, got {self.exact!r}")
        sparse = self._views.W is None
        if sparse and (self.exact is None or not self.exact.is_sparse):
            raise InvalidArgumentError("W is required unless exact is in the sparse form")
        self._check_arrays(sparse)
        self._check_names()
        if not sparse:
            self._check_structure()
        if self.exact is not None:
            self._check_exact()

    def _check_arrays(self, sparse: bool) -> None:
        """Float64 views cast without loss; ``H`` comes from ``W`` so a short ``h0`` is blamed."""
        views = self._views
        if sparse:
            assert self.exact is not None  # checked by the caller
            H, D, S = self.exact.H, self.exact.D, self.exact.S
        else:
            W = real_array(views.W, "W", 3)
            if W.shape[0] != W.shape[1]:
                raise InvalidArgumentError(f"W has shape {W.shape}, expected (H, H, D)")
            views.W = W
            H, D = W.shape[0], W.shape[2]
        h0 = real_array(self.h0, "h0", 1)
        if h0.shape != (H,):
            raise InvalidArgumentError(
                f"h0 has length {h0.shape[0]}, expected H = {H}"
                + ("" if views.W is None else f" (W has shape {views.W.shape})"))
        object.__setattr__(self, "h0", h0)
        if views.readout is not None:
            R = real_array(views.readout, "readout", 2)
            if R.shape[1] != H:
                raise InvalidArgumentError(f"readout has shape {R.shape}, expected (S, {H})")
            views.readout = R
            S = R.shape[0]
        elif not sparse:
            raise InvalidArgumentError("readout is required unless exact is in the sparse form")
        object.__setattr__(self, "_shape", (H, D, S))

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
        assert self.exact is not None
        if (self.exact.H, self.exact.D, self.exact.S) != self._shape:
            raise InvalidArgumentError(
                f"exact weights have (H, D, S) = {(self.exact.H, self.exact.D, self.exact.S)}, "
                f"the float weights {self._shape}"
            )

    def _materialise(self, name: str) -> FloatArray:
        if self.exact is None:
            raise AttributeError(name)
        if name == "W":
            value = self.exact._dense_w(DENSE_CAP)
        else:
            value = self.exact._dense_readout(DENSE_CAP)
        value.setflags(write=False)
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
                   level=level, source=source, exact=exact,
                   info=ConstructionInfo.from_dict(info))

    def with_info(self, **changes: Any) -> BilinearRNN:
        """The same weights with some ``info`` keys set (typed or extra).

        Examples
        --------
        >>> ew = ExactWeights.from_matrices([[[-1]]], [1], [[1], [-1]])
        >>> rnn = BilinearRNN.from_exact(ew, alphabet=["1"], labels=[0, 1],
        ...                              level="real_diagonal")
        >>> rnn.with_info(construction="parity_sign").info.construction
        'parity_sign'
        """
        return BilinearRNN(W=self._views.W, h0=self.h0, readout=self._views.readout,
                           alphabet=self.alphabet, labels=self.labels, level=self.level,
                           source=self.source, exact=self.exact,
                           info=self.info.updated(**changes))

    # ------------------------------------------------------------------ shape
    @property
    def H(self) -> int:
        """Number of units (the real state dimension)."""
        return self._shape[0]

    @property
    def D(self) -> int:
        """Number of input symbols."""
        return self._shape[1]

    @property
    def S(self) -> int:
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

    def _repr_markdown_(self) -> str:
        """Jupyter: level, sizes, construction, and each letter's matrix when it is small.

        Examples
        --------
        >>> import numpy as np
        >>> rnn = BilinearRNN(W=np.array([[[1.0, -1.0]]]), h0=np.ones(1),
        ...                   readout=np.array([[1.0], [-1.0]]), alphabet=("0", "1"),
        ...                   labels=(0, 1), level="real_diagonal")
        >>> print(rnn._repr_markdown_())
        **BilinearRNN** at level `real_diagonal`: H = 1, D = 2 symbols, S = 2 labels
        <BLANKLINE>
        - `A(0)` = `[[1.]]`
        - `A(1)` = `[[-1.]]`
        """
        head = (f"**BilinearRNN** at level `{self.level}`: H = {self.H}, D = {self.D} symbols, "
                f"S = {self.S} labels")
        extra = [f"construction `{self.info['construction']}`"] if self.info.get(
            "construction") else []
        if self.source:
            extra.append(f"from `{self.source}`")
        lines = [head + (" (" + ", ".join(extra) + ")" if extra else ""), ""]
        if self.is_sparse or self.H > _REPR_MATRIX or self.D > _REPR_MATRIX:
            lines.append(f"(letter matrices not shown: H = {self.H}, D = {self.D})")
            return "\n".join(lines)
        for k, a in enumerate(self.alphabet):
            m = np.array2string(self.W[:, :, k], precision=4, suppress_small=True,
                                separator=", ").replace("\n", "")
            lines.append(f"- `A({a})` = `{' '.join(m.split())}`")
        return "\n".join(lines)

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
        (docs/explanation/numerical-stability.md#normalization; decoding is unchanged in exact
        arithmetic).
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
        return self.is_sparse and self._views.W is None and (
            self.H * self.H * self.D > DENSE_CAP
        )

    def _sparse_exact(self) -> ExactWeights:
        if self.exact is None:
            raise InvalidArgumentError("this model has no exact weights")
        return self.exact

    def _dense_step(self, dtype: np.dtype) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        A = np.ascontiguousarray(np.moveaxis(self.W, 2, 0).astype(dtype))  # (D, H, H)

        def step(h: np.ndarray, a: np.ndarray) -> np.ndarray:
            return np.einsum("bij,bj->bi", A[a], h).astype(dtype, copy=False)

        return step

    def _sparse_step(self, h: np.ndarray, a: np.ndarray) -> np.ndarray:
        ex = self._sparse_exact()
        targets = ex.sparse_arrays()[0]
        out = np.zeros_like(h)
        for b in range(h.shape[0]):
            vals = h[b] if ex.scales is None else h[b] * ex.scales[a[b]].astype(h.dtype)
            np.add.at(out[b], targets[a[b]], vals)
        return out

    def scores(self, states: np.ndarray) -> np.ndarray:
        """Readout scores ``R h`` for states of shape ``(..., H)`` -> ``(..., S)``."""
        if self.is_sparse and self._views.readout is None and (
            self.S * self.H > DENSE_CAP
        ):
            rows = self._sparse_exact().sparse_arrays()[1]
            flat = states.reshape(-1, self.H)
            out = np.zeros((flat.shape[0], self.S), dtype=states.dtype)
            for i, h in enumerate(flat):
                out[i] = np.bincount(rows, weights=h, minlength=self.S)
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
        """Parameters of this model at its level (docs/explanation/hierarchy.md#levels).

        ``block`` uses ``info["block_size"]`` (else the largest diagonal block of ``W``) and
        ``cp`` uses ``info["rank"]``.
        """
        b = self.block_size if self.level == "block" else None
        R = self.info.get("rank") if self.level == "cp" else None
        if self.level == "cp" and R is None:
            raise InvalidArgumentError("a cp model needs info['rank'] for its parameter count")
        return parameter_count(self.level, H=self.H, D=self.D, b=b, R=R)

    def save(self, path: str | Path, sparse: bool = False) -> Path:
        """Write the NPZ file of docs/reference/formats.md#weights-npz (see
        :mod:`bilinear.constructions.npz`)."""
        return _io.save_npz(self, path, sparse=sparse)

    @classmethod
    def load(cls, path: str | Path) -> BilinearRNN:
        """Read an NPZ written by :meth:`save` (never unpickles; errors: WeightsFormatError).

        Every array is checked as on construction: a complex, object or boolean dtype, or a
        float64 cast that would change a value, is refused naming the array and the file.
        """
        loaded = _io.read_npz(path)
        try:
            if loaded.exact is not None:
                return cls.from_exact(loaded.exact, **loaded.common)
            return cls(W=loaded.W, h0=loaded.h0, readout=loaded.readout, **loaded.common)
        except (InvalidArgumentError, WeightsFormatError) as err:
            raise WeightsFormatError(f"{loaded.path}: {err}") from None

    @classmethod
    def from_exact_json(cls, text: str) -> BilinearRNN:
        """Rebuild a model from :meth:`to_exact_json` output (exact entries parsed by sympy)."""
        exact, common = _io.parse_exact_json(text)
        return cls.from_exact(exact, **common)

    def to_exact_json(self, indent: int | None = 1) -> str:
        """The exact weights as JSON with sympy strings (see :mod:`bilinear.constructions.npz`)."""
        return _io.exact_json(self, indent=indent)

    def to_latex(self, max_units: int = 32) -> str:
        """The tensor slice by slice, ``h0`` and ``R`` as LaTeX (exact entries when known)."""
        return _io.latex(self, max_units=max_units)
