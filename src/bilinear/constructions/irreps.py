"""Float fallback of ``irrep_sum`` for transition groups outside the exact families of
:mod:`bilinear.constructions.groups`: theory's least faithful sum of real irreducibles
(:func:`bilinear.theory.representations.faithful_sum`, matrices from
:func:`~bilinear.theory.representations.real_irrep_matrices`), a generic float ``h0`` and a
nearest-codeword readout.  The model has ``exact = None`` and ``info["exact"] = False``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

import numpy as np
from sympy.combinatorics import PermutationGroup

from bilinear.automata.dfa import DFA
from bilinear.constructions.groups import _key
from bilinear.constructions.info import ConstructionInfo
from bilinear.constructions.rnn import BilinearRNN
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory.groups import perm
from bilinear.theory.letters import letter_maps
from bilinear.theory.representations import character_table, faithful_sum, real_irrep_matrices

__all__ = ["float_irrep_model"]


def float_irrep_model(dfa: DFA, level: str, source: str = "", max_block: int | None = None,
                      info: Mapping[str, Any] | None = None) -> BilinearRNN:
    """Fallback of ``irrep_sum`` for groups outside the exact families: theory's faithful sum
    of real irreducibles (orthogonal float matrices from the regular module,
    docs/explanation/algebra.md#rep-computations) acting on a generic float ``h0``; ``exact`` is
    ``None`` (a float-only construction).

    Recurrence ``h_t = rho(x_t) h_{t-1}`` with ``rho = (+)_i rho_i`` orthogonal; readout: one
    row per orbit point (all of one norm), checked for a well-defined state map and a margin.
    """
    maps = letter_maps(dfa)
    moving = [a for a, m in enumerate(maps) if not np.array_equal(m, np.arange(dfa.n_states))]
    G = PermutationGroup([perm(maps[a]) for a in moving])
    if len(G.generators) != len(moving):
        raise UnsupportedConstructionError("irrep_sum fallback: generators were merged")
    fs = faithful_sum(character_table(G), max_dim=max_block)
    if fs is None:
        raise UnsupportedConstructionError("irrep_sum: no faithful sum of real irreducibles")
    blocks = [real_irrep_matrices(G, r) for r in fs.irreps]
    H = sum(b[0].shape[0] for b in blocks)
    W = np.zeros((H, H, dfa.n_symbols))
    for a in range(dfa.n_symbols):
        W[:, :, a] = np.eye(H)
    for i, a in enumerate(moving):
        off = 0
        for b in blocks:
            d = b[i].shape[0]
            W[off:off + d, off:off + d, a] = b[i]
            off += d
    h0 = np.random.default_rng(0).standard_normal(H)
    codes, states = _float_orbit(W, h0, dfa)
    R = np.array(codes)
    labels = tuple(dfa.label_values[dfa.label_index[q]] for q in states)
    scores = R @ R.T
    margin = np.diag(scores) - np.where(np.eye(len(R), dtype=bool), -np.inf, scores).max(axis=1)
    if len(R) > 1 and margin.min() < 1e-6:
        raise UnsupportedConstructionError("irrep_sum fallback: codewords too close")
    return BilinearRNN(W=W, h0=h0, readout=R, alphabet=dfa.alphabet, labels=labels, level=level,
                       source=source, info=ConstructionInfo.from_dict({
                           "construction": "irrep_sum", "exact": False,
                           "state_determined": len(R) == dfa.n_states,
                           "irreps": [r.real_dim for r in fs.irreps], **(info or {})}))


def _float_orbit(W: np.ndarray, h0: np.ndarray, dfa: DFA) -> tuple[list, list]:
    seen = {_key(h0): dfa.start_index}
    codes, states = [h0], [dfa.start_index]
    queue = deque([(h0, dfa.start_index)])
    while queue:
        v, q = queue.popleft()
        for a in range(dfa.n_symbols):
            w, r = W[:, :, a] @ v, int(dfa.table[q, a])
            k = _key(w)
            if k in seen:
                if dfa.label_index[seen[k]] != dfa.label_index[r]:
                    raise UnsupportedConstructionError(
                        "irrep_sum fallback: one vector reaches two labels")
                continue
            if len(codes) > 20_000:
                raise UnsupportedConstructionError("irrep_sum fallback: orbit too large")
            seen[k] = r
            codes.append(w)
            states.append(r)
            queue.append((w, r))
    return codes, states
