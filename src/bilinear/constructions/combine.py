"""Combinators: the direct sum of two models, and models for non-one-hot inputs
(docs/explanation/constructions.md#embeddings).

``direct_sum(r1, r2)`` runs both recurrences side by side, ``A(a) = A_1(a) (+) A_2(a)``, and
decodes the pair of labels: one readout row ``[R_1[i], R_2[j]]`` per pair, whose argmax is the
pair of argmaxes (a tie in either part stays a tie).  It simulates the product automaton.

``embed(rnn, E)`` rewrites ``W`` for inputs ``x = E[a]`` instead of one-hot ``e_a``:
``A(x) = sum_k x_k W'[:, :, k]`` must give ``A(E[a]) = A(a)``.  With ``V = [vec A(a)]_a`` and
``E`` of shape (K, F), ``W'_(3) = V (E^T)^+``; every linear relation ``sum_a c_a E[a] = 0``
forces ``sum_a c_a A(a) = 0``, and an embedding that breaks one is refused with the relation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from bilinear.constructions.info import ConstructionInfo
from bilinear.constructions.rnn import BilinearRNN, ExactWeights, _field_of
from bilinear.errors import AlphabetMismatchError, InvalidArgumentError
from bilinear.vocabulary import CHAIN

__all__ = ["direct_sum", "embed", "combined_level"]

_BLOCK = {"positive_diagonal": 1, "real_diagonal": 1, "complex_diagonal": 2}


def combined_level(r1: BilinearRNN, r2: BilinearRNN) -> tuple[str, dict]:
    """Level of a direct sum: the higher of the two on the chain (block sizes add up as the
    maximum); a sum involving ``monomial`` or ``cp`` with another level is ``full``."""
    if r1.level == r2.level:
        info: dict = {}
        if r1.level == "block":
            info["block_size"] = max(r1.block_size, r2.block_size)
        if r1.level == "cp":
            info["rank"] = int(r1.info.get("rank", 0)) + int(r2.info.get("rank", 0))
        return r1.level, info
    if r1.level in CHAIN and r2.level in CHAIN:
        level = max(r1.level, r2.level, key=CHAIN.index)
        if level == "block":
            b = max(r.block_size if r.level == "block" else _BLOCK.get(r.level, r.H)
                    for r in (r1, r2))
            return "block", {"block_size": b}
        return level, {}
    return "full", {}


def direct_sum(r1: BilinearRNN, r2: BilinearRNN) -> BilinearRNN:
    """The model running ``r1`` and ``r2`` side by side; it decodes the pair of labels.

    Recurrence: ``(h, g)_t = (A_1(x_t) h_{t-1}, A_2(x_t) g_{t-1})``; label
    ``(labels_1[i], labels_2[j])`` for the row ``[R_1[i], R_2[j]]`` with the largest score.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> p = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")
    >>> s = direct_sum(p, p)
    >>> s.H, s.level, s.output("011")
    (2, 'real_diagonal', [(0, 0), (1, 1), (0, 0)])
    """
    if r1.alphabet != r2.alphabet:
        raise AlphabetMismatchError(
            f"direct_sum needs one alphabet, got {list(r1.alphabet)!r} and {list(r2.alphabet)!r}")
    if r1.is_sparse or r2.is_sparse:
        raise InvalidArgumentError("direct_sum of sparse one-hot models is not supported")
    level, extra = combined_level(r1, r2)
    info = {"construction": "direct_sum", "parts": [dict(r1.info), dict(r2.info)],
            "state_determined": bool(r1.info.get("state_determined"))
            and bool(r2.info.get("state_determined")), **extra}
    labels = tuple((a, b) for a in r1.labels for b in r2.labels)
    source = f"{r1.source} (+) {r2.source}"
    if r1.exact is not None and r2.exact is not None:
        e1, e2 = r1.exact, r2.exact
        letters = tuple(sp.ImmutableMatrix(sp.diag(a, b))
                        for a, b in zip(e1.letters, e2.letters, strict=True))
        h0 = sp.ImmutableMatrix(sp.Matrix.vstack(e1.h0, e2.h0))
        R1, R2 = e1.readout_matrix(), e2.readout_matrix()
        R = sp.ImmutableMatrix([list(R1.row(i)) + list(R2.row(j))
                                for i in range(e1.S) for j in range(e2.S)])
        entries = [x for m in (*letters, h0, R) for x in m]
        exact = ExactWeights(letters, h0, R, field=_field_of(entries))
        return BilinearRNN.from_exact(exact, alphabet=r1.alphabet, labels=labels, level=level,
                                      source=source, info=ConstructionInfo.from_dict(info))
    H1, H2 = r1.H, r2.H
    W = np.zeros((H1 + H2, H1 + H2, r1.D))
    W[:H1, :H1], W[H1:, H1:] = r1.W, r2.W
    R = np.array([np.concatenate([r1.readout[i], r2.readout[j]])
                  for i in range(r1.S) for j in range(r2.S)])
    return BilinearRNN(W=W, h0=np.concatenate([r1.h0, r2.h0]), readout=R, alphabet=r1.alphabet,
                       labels=labels, level=level, source=source,
                       info=ConstructionInfo.from_dict(info))


def embed(
    rnn: BilinearRNN,
    embeddings: Mapping[Any, Sequence[Any]] | np.ndarray,
    feature_names: Sequence[Any] | None = None,
) -> BilinearRNN:
    """The model for inputs ``x_t = E[a]`` (docs/explanation/constructions.md#embeddings):
    ``A(E[a]) = A(a)`` for every symbol.

    Parameters
    ----------
    rnn : BilinearRNN
        A model with one-hot inputs.
    embeddings : mapping or array of shape (D, F)
        ``{symbol: vector}`` or one row per symbol of ``rnn.alphabet``; exact entries welcome.
    feature_names : sequence, optional
        Names of the ``F`` input features (the new ``alphabet``; default ``x0, x1, ...``).

    Raises
    ------
    InvalidArgumentError
        The embedding has a linear relation ``sum_a c_a E[a] = 0`` that the letter matrices
        break (``sum_a c_a A(a) != 0``): no bilinear ``W`` is consistent with it.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> p = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")
    >>> e = embed(p, {"0": [1, 1], "1": [1, -1]})     # x = (1, +-1): A(x) = x_2
    >>> e.W[0, 0].tolist(), e.info["embedding"]
    ([0.0, 1.0], {'0': ['1', '1'], '1': ['1', '-1']})
    >>> embed(p, {"0": [1], "1": [2]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: inconsistent embedding: ...
    """
    E = _embedding_matrix(rnn, embeddings)
    letters = rnn.exact.letters if rnn.exact is not None and not rnn.is_sparse else tuple(
        sp.ImmutableMatrix(sp.Matrix(rnn.W[:, :, k]).applyfunc(sp.nsimplify))
        for k in range(rnn.D))
    H = rnn.H
    V = sp.Matrix.hstack(*[m.reshape(H * H, 1) for m in letters])  # (H*H, D)
    ET = E.T  # (F, D)
    null = ET.nullspace()
    for c in null:
        if any(x != 0 for x in (V * c).applyfunc(sp.simplify)):
            rel = " + ".join(f"({c[a]}) E[{rnn.alphabet[a]!r}]" for a in range(rnn.D)
                             if c[a] != 0)
            raise InvalidArgumentError(
                f"inconsistent embedding: {rel} = 0 but the same combination of the letter "
                "matrices is not 0")
    W3 = (V * ET.pinv()).applyfunc(sp.simplify)  # (H*H, F)
    F = E.shape[1]
    new_letters = tuple(sp.ImmutableMatrix(W3[:, k].reshape(H, H)) for k in range(F))
    names = tuple(feature_names) if feature_names is not None else tuple(
        f"x{k}" for k in range(F))
    if len(names) != F:
        raise InvalidArgumentError(f"feature_names has {len(names)} names for {F} features")
    info = {**dict(rnn.info), "embedding": {str(a): [str(x) for x in E.row(k)]
                                            for k, a in enumerate(rnn.alphabet)},
            "embedded_from": list(map(str, rnn.alphabet))}
    h0 = rnn.exact.h0 if rnn.exact is not None else sp.Matrix(rnn.h0)
    R = rnn.exact.readout_matrix() if rnn.exact is not None else sp.Matrix(rnn.readout)
    exact = ExactWeights.from_matrices(new_letters, h0, R)
    level = rnn.level if rnn.level != "cp" else "full"
    return BilinearRNN.from_exact(exact, alphabet=names, labels=rnn.labels, level=level,
                                  source=rnn.source, info=info)


def _embedding_matrix(rnn: BilinearRNN, embeddings: Any) -> sp.Matrix:
    if isinstance(embeddings, Mapping):
        missing = [a for a in rnn.alphabet if a not in embeddings]
        if missing:
            raise InvalidArgumentError(f"embeddings lack the symbols {missing!r}")
        rows = [list(embeddings[a]) for a in rnn.alphabet]
    else:
        rows = [list(r) for r in np.asarray(embeddings, dtype=object)]
    if len(rows) != rnn.D or len({len(r) for r in rows}) != 1:
        raise InvalidArgumentError(
            f"embeddings must give one vector of one length per symbol ({rnn.D} symbols)")
    try:
        return sp.Matrix([[sp.nsimplify(x) for x in r] for r in rows])
    except (TypeError, ValueError, sp.SympifyError) as err:
        raise InvalidArgumentError(f"embeddings are not numbers: {err}") from None
