"""Stages shared by every construction: the exact :class:`Spec`, labelled-basis matrices, the
orbit and the readout.

A construction returns a :class:`Spec` (exact letters and ``h0``, and either the encoding
``enc : Q -> R^H`` of a state-determined simulation or nothing, in which case the orbit of
``h0`` is explored).  :func:`assemble` turns it into a :class:`BilinearRNN`:

1. codewords: ``enc(q)`` for every state, or every point of the orbit ``{A(w) h0}`` with the
   state it stands for (two words reaching one vector must reach one state: C-orbit);
2. readout (docs/explanation/conventions.md#readout-bias, no bias): one row per distinct codeword,
   ``c`` itself when all codewords have one norm, else ``2 c - |c|^2 l`` with an invariant
   functional ``l`` (``l A(a) = l`` and ``l c = 1``); one-hot codes get one row per label;
3. a float64 self-check that every codeword decodes to its label without a tie.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from bilinear.automata.dfa import DFA
from bilinear.constructions.rnn import BilinearRNN, ExactWeights, _field_of
from bilinear.errors import InvalidArgumentError, UnsupportedConstructionError

__all__ = ["Spec", "assemble", "matrix_from_action", "exact_vector", "ORBIT_CAP"]

#: Largest orbit explored for non-state-determined constructions.
ORBIT_CAP = 20_000


def matrix_from_action(
    dim: int, action: Callable[[int], Mapping[int, Any]], cols: int | None = None
) -> sp.ImmutableMatrix:
    """The matrix whose column ``j`` is ``action(j)`` written on the basis ``e_0 .. e_{dim-1}``.

    ``action(j)`` returns ``{i: coefficient}`` (the image of basis vector ``e_j``).

    Examples
    --------
    >>> matrix_from_action(3, lambda j: {(j + 1) % 3: 1})        # the cyclic shift e_j -> e_{j+1}
    Matrix([
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0]])
    """
    entries: dict[tuple[int, int], Any] = {}
    for j in range(dim if cols is None else cols):
        for i, c in action(j).items():
            entries[(i, j)] = entries.get((i, j), 0) + sp.sympify(c)
    return sp.ImmutableMatrix(sp.SparseMatrix(dim, dim if cols is None else cols, entries))


def exact_vector(values: Sequence[Any]) -> sp.ImmutableMatrix:
    """A column vector of exact numbers."""
    return sp.ImmutableMatrix([sp.sympify(v) for v in values])


@dataclass(frozen=True)
class Spec:
    """What a construction produces, before the readout is assembled.

    Attributes
    ----------
    name : str
        Construction name (aligned with the theory module's verdicts).
    letters : tuple of sympy.ImmutableMatrix
        ``A(a)`` for each symbol of the automaton's alphabet, in order.
    h0 : sympy.ImmutableMatrix
    encoding : dict or None
        ``{state index: code}`` for a state-determined simulation; ``None`` explores the orbit.
    invariant : sympy.ImmutableMatrix or None
        A row ``l`` with ``l A(a) = l`` for all ``a`` and ``l c = 1`` on the codewords.
    readout : tuple or None
        ``(R, labels)`` given explicitly (e.g. one row per label for one-hot codes).
    gram : sympy.ImmutableMatrix or None
        An invariant inner product ``P`` (``A(a)^T P A(a) = P``): readout rows ``c^T P``.
    options : dict
        Recorded in ``info`` (``block_size``, ``rank``, notes).
    """

    name: str
    letters: tuple
    h0: sp.ImmutableMatrix
    encoding: dict | None = None
    invariant: sp.ImmutableMatrix | None = None
    readout: tuple | None = None
    options: dict = field(default_factory=dict)
    field: str | None = None
    gram: sp.ImmutableMatrix | None = None

    @property
    def dim(self) -> int:
        """Number of units."""
        return self.h0.shape[0]


def _simplify(m: sp.MatrixBase) -> sp.ImmutableMatrix:
    if all(e.is_Rational for e in m):
        return sp.ImmutableMatrix(m)
    return sp.ImmutableMatrix(m.applyfunc(lambda e: e if e.is_Rational
                                          else sp.radsimp(sp.expand(e))))


def _float(m: sp.MatrixBase) -> np.ndarray:
    return np.array(m.evalf(17).tolist(), dtype=np.float64).reshape(-1)


def _orbit(spec: Spec, dfa: DFA) -> list[tuple[sp.ImmutableMatrix, int]]:
    """Breadth-first orbit of ``h0`` with the state of each point (C-orbit consistency)."""
    floats = [np.array(_float(m).tolist()).reshape(m.shape) for m in spec.letters]
    key = _key
    v0 = _float(spec.h0)
    seen = {key(v0): dfa.start_index}
    out = [(spec.h0, dfa.start_index)]
    queue = deque([(spec.h0, v0, dfa.start_index)])
    while queue:
        exact, v, q = queue.popleft()
        for a, A in enumerate(floats):
            w = A @ v
            r = int(dfa.table[q, a])
            k = key(w)
            if k in seen:
                if dfa.label_index[seen[k]] != dfa.label_index[r]:
                    raise UnsupportedConstructionError(
                        f"construction {spec.name!r} is not a simulation: one vector reaches "
                        f"states {dfa.states[seen[k]]!r} and {dfa.states[r]!r}"
                    )
                continue
            if len(out) >= ORBIT_CAP:
                raise UnsupportedConstructionError(
                    f"the orbit of construction {spec.name!r} exceeds {ORBIT_CAP} points"
                )
            seen[k] = r
            e = _simplify(spec.letters[a] * exact)
            out.append((e, r))
            queue.append((e, w, r))
    return out


def _key(v: np.ndarray) -> bytes:
    return (np.round(v, 7) + 0.0).tobytes()


def _codewords(spec: Spec, dfa: DFA) -> list[tuple[sp.ImmutableMatrix, int]]:
    if spec.encoding is not None:
        return [(spec.encoding[q], q) for q in range(dfa.n_states)]
    return _orbit(spec, dfa)


def _readout(spec: Spec, dfa: DFA) -> tuple[sp.ImmutableMatrix, tuple, np.ndarray]:
    """Rows of the readout and their labels (docs/explanation/conventions.md#readout-bias)."""
    distinct: dict[bytes, tuple[sp.ImmutableMatrix, int, np.ndarray]] = {}
    for c, q in _codewords(spec, dfa):
        f = _float(c)                                   # (each code's floats evaluated once)
        distinct.setdefault(_key(f), (c, q, f))
    codes = [(c, q) for c, q, _ in distinct.values()]
    floats = np.array([f for _, _, f in distinct.values()])
    P = np.eye(spec.dim) if spec.gram is None else _float(spec.gram).reshape(spec.dim, -1)
    norms = np.array([float(f @ P @ f) for f in floats])
    labels = tuple(dfa.label_values[dfa.label_index[q]] for _, q in codes)
    if np.allclose(norms, norms[0], rtol=1e-12, atol=1e-12):
        rows = [c.T if spec.gram is None else _simplify(c.T * spec.gram) for c, _ in codes]
    elif spec.invariant is not None:
        ell = spec.invariant
        rows = [_simplify(2 * c.T - (c.T * c)[0, 0] * ell) for c, _ in codes]
    else:
        raise UnsupportedConstructionError(
            f"construction {spec.name!r}: codewords of unequal norm and no invariant functional; "
            "a bias-free linear readout cannot separate them"
        )
    return sp.ImmutableMatrix(sp.Matrix.vstack(*rows)), labels, floats


def assemble(
    spec: Spec, dfa: DFA, level: str, source: str = "", extra_info: Mapping | None = None
) -> BilinearRNN:
    """Readout, exact weights and the float model of a :class:`Spec` for the automaton ``dfa``."""
    if len(spec.letters) != dfa.n_symbols:
        raise InvalidArgumentError(
            f"construction {spec.name!r} gives {len(spec.letters)} letters for "
            f"{dfa.n_symbols} symbols"
        )
    codes = None
    if spec.readout is not None:
        R, labels = spec.readout
    else:
        R, labels, codes = _readout(spec, dfa)
    field = spec.field or _field_of([e for m in (*spec.letters, spec.h0, R) for e in m])
    exact = ExactWeights(letters=spec.letters, h0=spec.h0, readout=sp.ImmutableMatrix(R),
                         field=field)
    determined = spec.encoding is not None or (spec.readout is None
                                               and R.shape[0] == dfa.n_states)
    info = {"construction": spec.name, "state_determined": determined,
            **spec.options, **(extra_info or {})}
    if spec.encoding is not None and dfa.n_states <= 64:
        info["encoding"] = {str(dfa.states[q]): [str(x) for x in c]
                            for q, c in spec.encoding.items()}
    rnn = BilinearRNN.from_exact(exact, alphabet=dfa.alphabet, labels=labels, level=level,
                                 source=source, info=info)
    if codes is not None:
        _self_check(rnn, spec, codes)
    return rnn


def _self_check(rnn: BilinearRNN, spec: Spec, codes: np.ndarray) -> None:
    """Codeword ``i`` must decode to readout row ``i`` with a clear margin (float64)."""
    scores = codes @ rnn.readout.T  # (codewords, rows)
    own = np.diag(scores)
    others = np.where(np.eye(len(own), dtype=bool), -np.inf, scores).max(axis=1, initial=-np.inf)
    if np.any(own - others < 1e-9 * np.maximum(1.0, np.abs(own))):
        raise UnsupportedConstructionError(
            f"construction {spec.name!r}: two codewords are not separated by the readout"
        )
