"""``compile_representation``: a user's own group representation (one matrix per generator).

The generators are the input symbols; the task is the group word problem: after ``g_1 ... g_T``
report the group element (or the label an automaton gives it).  Matrices compose like the
automaton, ``A(uv) = A(v) A(u)`` (docs/explanation/conventions.md).

The homomorphism check closes the pairs ``(tau_a, A(a))`` over the generated group: when two
words give one group element but different matrices, the matrices are not a representation
of that group and :class:`~bilinear.errors.InvalidRepresentationError` names the two words.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from bilinear.automata.dfa import DFA
from bilinear.constructions._spec import Spec, assemble
from bilinear.constructions.groups import MatrixGroup, _generic_vector, _invariant_form
from bilinear.constructions.rnn import BilinearRNN
from bilinear.errors import InvalidArgumentError, InvalidRepresentationError

__all__ = ["compile_representation", "check_homomorphism"]


def _matrices(rep: Mapping[Any, Any]) -> dict[Any, sp.ImmutableMatrix]:
    if not isinstance(rep, Mapping) or not rep:
        raise InvalidArgumentError("rep must be a non-empty mapping {generator: matrix}")
    out = {}
    for a, m in rep.items():
        try:
            mat = sp.ImmutableMatrix(sp.Matrix(m).applyfunc(sp.nsimplify))
        except (TypeError, ValueError, sp.SympifyError) as err:
            raise InvalidRepresentationError(f"matrix of {a!r} is not numeric: {err}") from None
        if mat.rows != mat.cols:
            raise InvalidRepresentationError(f"matrix of {a!r} is not square: {mat.shape}")
        out[a] = mat
    dims = {m.rows for m in out.values()}
    if len(dims) != 1:
        raise InvalidRepresentationError(f"matrices have different sizes {sorted(dims)}")
    for a, m in out.items():
        if m.det() == 0:
            raise InvalidRepresentationError(f"matrix of {a!r} is singular: not a group element")
    return out


def _regular_dfa(mats: dict, T: MatrixGroup) -> DFA:
    """The word problem of the matrix group itself: states are its elements."""
    alphabet = list(mats)
    idx = [T.index_of(mats[a]) for a in alphabet]
    table = np.array([[int(T.mul[g, x]) for g in idx] for x in range(T.order)])
    return DFA._from_trusted([f"g{x}" for x in range(T.order)], alphabet, table, T.identity,
                             None, name="matrix group")


def check_homomorphism(dfa: DFA, mats: Mapping[Any, sp.MatrixBase]) -> None:
    """Raise :class:`InvalidRepresentationError` unless ``tau_a -> mats[a]`` is well defined on
    the transition group of ``dfa`` (two words with one map must get one matrix).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> d = tasks.get("parity").dfa
    >>> check_homomorphism(d, {"0": [[1]], "1": [[-1]]}) is None
    True
    >>> check_homomorphism(d, {"0": [[1]], "1": [[0, -1], [1, 0]]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidRepresentationError: ...
    """
    mats = _matrices(mats)
    floats = [np.array(sp.Matrix(mats[a]).evalf(17).tolist(), dtype=float) for a in dfa.alphabet]
    maps = dfa.table.T
    n = dfa.n_states
    ident = np.arange(n)
    dim = floats[0].shape[0]
    start: tuple[np.ndarray, np.ndarray, list[Any]] = (ident, np.eye(dim), [])
    seen: dict[bytes, tuple[np.ndarray, list[Any]]] = {ident.tobytes(): (np.eye(dim), [])}
    queue = deque([start])
    while queue:
        t, M, word = queue.popleft()
        for a, (m, F) in enumerate(zip(maps, floats, strict=False)):
            t2, M2, w2 = m[t], F @ M, word + [dfa.alphabet[a]]
            key = t2.tobytes()
            if key in seen:
                if not np.allclose(seen[key][0], M2, atol=1e-9):
                    raise InvalidRepresentationError(
                        f"not a homomorphism: words {seen[key][1]!r} and {w2!r} give one group "
                        "element but different matrices")
                continue
            if len(seen) > 50_000:
                raise InvalidRepresentationError("the generated group exceeds 50000 elements")
            seen[key] = (M2, w2)
            queue.append((t2, M2, w2))


def compile_representation(
    rep: Mapping[Any, Any],
    dfa: DFA | None = None,
    *,
    h0: Any = None,
    level: str = "full",
    source: str = "",
) -> BilinearRNN:
    """Compile a group representation given by one exact matrix per generator.

    Recurrence: ``h_t = rep[x_t] h_{t-1}``; ``h0`` generic (an integer vector with trivial
    stabilizer) unless given.  The readout is nearest-codeword over the orbit (invariant form
    when the matrices are not orthogonal).

    Parameters
    ----------
    rep : mapping
        ``{generator: matrix}``: exact entries (integers, rationals, sympy strings such as
        ``"sqrt(5)/2"``).
    dfa : DFA, optional
        A group automaton on the same alphabet whose labels to report; the map
        ``tau_a -> rep[a]`` must be a homomorphism.  Default: the matrix group's own word
        problem (states are its elements).
    h0, level, source
        Start vector, level (checked against the matrices' structure), source name.

    Raises
    ------
    InvalidRepresentationError
        Not square, singular, of different sizes, or not a homomorphism (two words named).

    Examples
    --------
    >>> rnn = compile_representation({"r": [[0, -1], [1, -1]], "s": [[0, 1], [1, 0]]})
    >>> rnn.H, rnn.S, rnn.exact.field        # S3 in dimension 2, 6 codewords
    (2, 6, 'ZZ')
    """
    mats = _matrices(rep)
    T = MatrixGroup("representation", list(mats.values()))
    if dfa is None:
        dfa = _regular_dfa(mats, T)
    else:
        if set(dfa.alphabet) != set(mats):
            raise InvalidRepresentationError(
                f"generators {sorted(map(str, mats))} differ from the alphabet "
                f"{sorted(map(str, dfa.alphabet))}")
        check_homomorphism(dfa, mats)
    letters = tuple(mats[a] for a in dfa.alphabet)
    start = sp.ImmutableMatrix(h0) if h0 is not None else _generic_vector(T)
    if start.shape != (T.dim, 1):
        raise InvalidArgumentError(f"h0 must have {T.dim} entries, got shape {start.shape}")
    spec = Spec("representation", letters, start, gram=_invariant_form(T),
                options={"group_order": T.order})
    return assemble(spec, dfa, level, source)
