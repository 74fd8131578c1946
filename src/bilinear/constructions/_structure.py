"""Structure checks of the levels (docs/explanation/hierarchy.md#levels) on a dense float ``W``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from bilinear.vocabulary import REAL_DIAGONAL_LEVELS

__all__ = ["_max_block", "_structure_problem"]


def _max_block(W: np.ndarray) -> int:
    """Size of the largest block of the finest contiguous block-diagonal partition of ``W``."""
    nz = np.any(W != 0, axis=2)
    nz = nz | nz.T
    H = nz.shape[0]
    reach = np.array([np.max(np.nonzero(nz[i])[0], initial=i) for i in range(H)])
    best, start, end = 0, 0, -1
    for i in range(H):
        if i > end:
            best = max(best, end - start + 1)
            start = i
        end = max(end, reach[i])
    return max(best, end - start + 1) if H else 0


def _structure_problem(W: np.ndarray, level: str, info: Mapping) -> str:
    """Why ``W`` lacks the structure of ``level`` ('' when it has it)."""
    H = W.shape[0]
    off = W.copy()
    idx = np.arange(H)
    off[idx, idx, :] = 0
    if level in REAL_DIAGONAL_LEVELS:
        if np.any(off != 0):
            i, j, k = np.argwhere(off != 0)[0]
            return f"off-diagonal entry W[{i}, {j}, {k}] = {W[i, j, k]}"
        if level == "positive_diagonal" and np.any(W < 0):
            i, j, k = np.argwhere(W < 0)[0]
            return f"negative entry W[{i}, {j}, {k}] = {W[i, j, k]}"
    elif level == "complex_diagonal":
        return _rotation_blocks_problem(W)
    elif level == "monomial":
        counts = (W != 0).sum(axis=0)
        if np.any(counts > 1):
            j, k = np.argwhere(counts > 1)[0]
            return f"column {j} of slice {k} has {counts[j, k]} nonzero entries"
    elif level == "block" and "block_size" in info:
        b = _max_block(W)
        if b > int(info["block_size"]):
            return f"a diagonal block of size {b} exceeds block_size = {info['block_size']}"
    return ""


def _rotation_blocks_problem(W: np.ndarray) -> str:
    """Check the 1x1 / 2x2 rotation-scaling block form ``[[a, -b], [b, a]]`` (greedy)."""
    H, i = W.shape[0], 0
    mask = np.zeros(W.shape[:2], dtype=bool)
    while i < H:
        if i + 1 < H and (np.any(W[i, i + 1] != 0) or np.any(W[i + 1, i] != 0)):
            a, b = W[i, i], W[i + 1, i]
            if not (np.array_equal(W[i + 1, i + 1], a) and np.array_equal(W[i, i + 1], -b)):
                return f"units {i}, {i + 1} do not form a rotation-scaling block [[a, -b], [b, a]]"
            mask[i:i + 2, i:i + 2] = True
            i += 2
        else:
            mask[i, i] = True
            i += 1
    outside = np.any(W != 0, axis=2) & ~mask
    if np.any(outside):
        i, j = np.argwhere(outside)[0]
        return f"entry ({i}, {j}) lies outside the 1x1 / 2x2 blocks"
    return ""
