"""One-hot constructions (docs/explanation/levels.md#full, docs/explanation/levels.md#monomial,
docs/explanation/constructions.md#one-hot) and their compressions
(docs/explanation/bounds.md#d-enc-search, docs/explanation/constructions.md#resets).

``one_hot``: ``A(a) e_q = e_{q.a}``, ``h0 = e_{q0}``, readout ``R[l, q] = [label(q) = l]``;
dimension ``|Q|``, exact in every float format (every output entry is a sum with at most one
nonzero 0/1 product).  Large automata keep the sparse monomial exact form.

``one_hot_cp``: the same tensor as a CP factorization ``A(x) = U diag(V^T x) Z^T`` with one
rank-one term per distinct transition edge ``(q, q.a)`` (docs/explanation/levels.md#cp edge bound).

``jordan``: a threshold counter (index ``k``, one counting letter, the others identity or
resets to the start) by a nilpotent Jordan block plus a constant coordinate (dimension
``k + 1``; the constant coordinate is the bias that a bias-free readout needs to decode the
terminal code ``0``).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import sympy as sp

from bilinear.automata.dfa import DFA
from bilinear.constructions._spec import Spec, matrix_from_action
from bilinear.constructions.rnn import SYMPY_CAP, BilinearRNN, ExactWeights
from bilinear.errors import UnsupportedConstructionError

#: One-hot models of automata with more states keep the sparse exact form by default.
DENSE_EXACT_STATES = 64

__all__ = ["one_hot", "one_hot_sparse", "one_hot_cp_factors", "label_readout"]


def label_readout(dfa: DFA) -> tuple[sp.ImmutableMatrix, tuple]:
    """One row per label: ``R[l, q] = 1`` iff state ``q`` has label ``l`` (one-hot codes)."""
    R = matrix_from_action(len(dfa.label_values), lambda q: {int(dfa.label_index[q]): 1},
                           cols=dfa.n_states)
    return R, tuple(dfa.label_values)


def _edge(column: np.ndarray, q: int) -> dict[int, int]:
    """Column ``q`` of a one-hot letter: ``e_q -> e_{q.a}``."""
    return {int(column[q]): 1}


def _unit(q: int, _j: int) -> dict[int, int]:
    """The basis vector ``e_q`` (a one-column action)."""
    return {q: 1}


def one_hot(dfa: DFA) -> Spec:
    """One-hot simulation: ``h_t = P_{x_t} h_{t-1}`` with ``P_a e_q = e_{q.a}`` (dimension |Q|).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> rnn = compile_automaton(tasks.get("parity").dfa, level="full", construction="one_hot")
    >>> rnn.W[:, :, 1].tolist(), rnn.output("0110")
    ([[0.0, 1.0], [1.0, 0.0]], [0, 1, 0, 0])
    """
    n = dfa.n_states
    letters = tuple(matrix_from_action(n, partial(_edge, dfa.table[:, a]))
                    for a in range(dfa.n_symbols))
    h0 = matrix_from_action(n, partial(_unit, dfa.start_index), cols=1)
    encoding = {q: matrix_from_action(n, partial(_unit, q), cols=1) for q in range(n)}
    return Spec("one_hot", letters, h0, encoding=encoding, readout=label_readout(dfa),
                field="ZZ")


def sink_zero(dfa: DFA) -> Spec:
    """One-hot codes with a sink ``z`` (fixed by every letter) encoded as ``0``, plus one
    constant unit (docs/explanation/bounds.md#d-enc-search,
    docs/explanation/conventions.md#readout-bias): ``A(a) e_q = e_{q.a}`` (``0`` when ``q.a = z``),
    ``A(a) e_c = e_c``; ``h0 = e_{q0} + e_c`` (``e_c`` if ``q0 = z``).

    The constant unit is the bias that the bias-free readout needs to decode the code ``0``
    (``R[l] = 2 sum_{q != z, label l} e_q + [label(z) = l] e_c``), so ``H = |Q|``: one more than
    theory's affine-decoder count.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> d = tasks.get("threshold", k=2).dfa
    >>> rnn = compile_automaton(d, level="full", construction="sink_zero")
    >>> rnn.H, rnn.info["bias_unit"], rnn.output("aab") == d.output("aab")
    (3, True, True)
    """
    n = dfa.n_states
    sinks = [q for q in range(n) if all(int(dfa.table[q, a]) == q for a in range(dfa.n_symbols))]
    if not sinks:
        raise UnsupportedConstructionError("sink_zero needs a state fixed by every letter")
    z = sinks[0]
    units = [q for q in range(n) if q != z]
    pos = {q: i for i, q in enumerate(units)}
    c = len(units)

    def image(j: int, a: int) -> dict:
        if j == c:
            return {c: 1}
        r = int(dfa.table[units[j], a])
        return {} if r == z else {pos[r]: 1}

    letters = tuple(matrix_from_action(c + 1, partial(image, a=a))
                    for a in range(dfa.n_symbols))

    def code(q: int) -> sp.ImmutableMatrix:
        return matrix_from_action(c + 1, lambda _: {c: 1} if q == z else {pos[q]: 1, c: 1},
                                  cols=1)

    S = len(dfa.label_values)
    label = dfa.label_index
    R = matrix_from_action(S, lambda j: {int(label[units[j]]): 2} if j < c else
                           {int(label[z]): 1}, cols=c + 1)
    return Spec("sink_zero", letters, code(dfa.start_index),
                encoding={q: code(q) for q in range(n)}, readout=(R, tuple(dfa.label_values)),
                options={"bias_unit": True, "sink": str(dfa.states[z])}, field="ZZ")


def one_hot_sparse(dfa: DFA, level: str, source: str = "", info: dict | None = None) -> BilinearRNN:
    """The one-hot model in the sparse monomial exact form (for automata of any size).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> rnn = one_hot_sparse(tasks.get("parity").dfa, "full")
    >>> rnn.is_sparse, rnn.exact.targets.tolist(), rnn.output("011")
    (True, [[0, 1], [1, 0]], [0, 1, 0])
    """
    info = dict(info or {})
    exact = ExactWeights.monomial(
        targets=np.ascontiguousarray(dfa.table.T), scales=None, h0_index=dfa.start_index,
        readout_rows=dfa.label_index, n_labels=len(dfa.label_values))
    return BilinearRNN.from_exact(
        exact, alphabet=dfa.alphabet, labels=dfa.label_values, level=level, source=source,
        info={"construction": "one_hot", "state_determined": True, "sparse": True, **info})


def one_hot_cp_factors(dfa: DFA) -> dict:
    """CP factors ``(U, V, Z)`` of the one-hot tensor, one term per distinct edge ``(q, q.a)``.

    ``W[i, j, k] = sum_r U[i, r] V[k, r] Z[j, r]``, rank ``R = #{(q, q.a)} <= |Q| min(|Q|, K)``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> f = one_hot_cp_factors(tasks.get("parity").dfa)
    >>> f["rank"], f["V"]
    (4, [[1, 0, 0, 1], [0, 1, 1, 0]])
    """
    edges: dict[tuple[int, int], list[int]] = {}
    for q in range(dfa.n_states):
        for a in range(dfa.n_symbols):
            edges.setdefault((q, int(dfa.table[q, a])), []).append(a)
    pairs = sorted(edges)
    U = [[int(pair[1] == i) for pair in pairs] for i in range(dfa.n_states)]
    Z = [[int(pair[0] == j) for pair in pairs] for j in range(dfa.n_states)]
    V = [[int(k in edges[pair]) for pair in pairs] for k in range(dfa.n_symbols)]
    return {"rank": len(pairs), "U": U, "V": V, "Z": Z}


def use_sparse(dfa: DFA, sparse: bool | None) -> bool:
    """Whether to build the sparse form: asked for, or more than :data:`DENSE_EXACT_STATES`."""
    if sparse is not None:
        return bool(sparse)
    return dfa.n_states > min(SYMPY_CAP, DENSE_EXACT_STATES)


def _reset_letters(dfa: DFA) -> list[int | None]:
    """For each letter: the target of a constant map, ``None`` for the identity."""
    out: list[int | None] = []
    for a in range(dfa.n_symbols):
        col = dfa.table[:, a]
        if np.array_equal(col, np.arange(dfa.n_states)):
            out.append(None)
        elif len(set(col.tolist())) == 1:
            out.append(int(col[0]))
        else:
            raise UnsupportedConstructionError(
                f"letter {dfa.alphabet[a]!r} is neither the identity nor a reset (constant map)")
    return out


def _reset_spec(name: str, dfa: DFA, codes: dict[int, sp.ImmutableMatrix],
                ell: sp.ImmutableMatrix, field: str) -> Spec:
    H = ell.shape[1]
    letters = tuple(sp.ImmutableMatrix(sp.eye(H)) if t is None else
                    sp.ImmutableMatrix(codes[t] * ell) for t in _reset_letters(dfa))
    return Spec(name, letters, codes[dfa.start_index], encoding=codes, field=field)


def reset_line(dfa: DFA) -> Spec:
    """Flip-flop automata (every letter the identity or a reset) in dimension 3
    (docs/explanation/constructions.md#resets).

    Codes ``v_q = (1, x_q, y_q)`` with distinct rational points ``(x_q, y_q) = ((1 - q^2) /
    (1 + q^2), 2 q / (1 + q^2))`` on the unit circle; ``A(set_q) = v_q e_1^T`` (``e_1 . v = 1``
    on every code), ``A(id) = I``.  All codes have norm ``sqrt 2``: readout rows ``v_q``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> d = tasks.get("flip_flop", n=5).dfa
    >>> rnn = compile_automaton(d, level="full", construction="reset_line")
    >>> rnn.H, rnn.exact.field, rnn.output("0314") == d.output("0314")
    (3, 'QQ', True)
    """
    codes = {q: sp.ImmutableMatrix([1, sp.Rational(1 - q * q, 1 + q * q),
                                    sp.Rational(2 * q, 1 + q * q)])
             for q in range(dfa.n_states)}
    return _reset_spec("reset_line", dfa, codes, sp.ImmutableMatrix([[1, 0, 0]]), "QQ")


def reset_bits(dfa: DFA) -> Spec:
    """Flip-flop automata as one 2-state flip-flop block per bit of the state index
    (docs/explanation/constructions.md#resets): codes ``(e_{bit_0(q)}, e_{bit_1(q)}, ...)``,
    ``A(set_q)`` sets every block to the bits of ``q`` (``e_{bit_i(q)} 1^T`` per block),
    ``A(id) = I``; integer, blocks of 2, ``H = 2 ceil(log2 |Q|)``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> d = tasks.get("flip_flop", n=4).dfa
    >>> rnn = compile_automaton(d, level="block", block_size=2, construction="reset_bits")
    >>> rnn.H, rnn.block_size, rnn.output("0312") == d.output("0312")
    (4, 2, True)
    """
    bits = max(1, int(np.ceil(np.log2(dfa.n_states))))
    H = 2 * bits

    def code(q: int) -> sp.ImmutableMatrix:
        return matrix_from_action(H, lambda _: {2 * i + ((q >> i) & 1): 1 for i in range(bits)},
                                  cols=1)

    ell = sp.ImmutableMatrix([[sp.Rational(1, bits)] * H])
    spec = _reset_spec("reset_bits", dfa, {q: code(q) for q in range(dfa.n_states)}, ell, "QQ")
    letters = tuple(sp.ImmutableMatrix(sp.diag(*[sp.Matrix([[1 - b, 1 - b], [b, b]]) for b in (
        (t >> i) & 1 for i in range(bits))])) if t is not None else m
        for t, m in zip(_reset_letters(dfa), spec.letters, strict=True))
    return replace(spec, letters=letters, field="ZZ", options={"block_size": 2})
