"""Parallel scans for the structured levels: numerically safe, chunked over time.

Because a bilinear RNN without additive terms is *linear* in ``h``, a per-step normalization
``h <- h / |h|`` commutes with the recurrence: the normalized state at time ``t`` is the
unnormalized ``A(x_t) ... A(x_1) h_0`` divided by its norm.  So the states can be computed with
cumulative products in any numerically convenient scale:

* diagonal levels work in log-space: ``log|h_t| = log|h_0| + sum_s log|a_s|`` (a cumulative sum),
  the sign is the parity of the number of negative factors (an integer count, exact), and for
  complex units the phase is a cumulative sum of angles; the largest log-magnitude is subtracted
  before exponentiating, so nothing overflows or underflows;
* block levels use a Hillis-Steele scan of ``b x b`` matrix products, rescaled after every level by
  a power of two (an exact operation in floating point), so integer constructions stay exact.

Diagonal letters commute, so the training paths (the *fused* paths: custom autograd Functions with
hand-written backwards) work from running letter counts.  Real units take one GEMM of the counts
with ``log|w|`` and an exact integer count of sign flips.  Complex units would need a ``cos`` and
``sin`` per state; instead the state before every block of :data:`SCAN_BLOCK` steps is computed
exactly from the counts, and the states within a block by complex products of the letters'
factors, so float32 error stays that of a few products whatever the length (the cumulative
angle of the log-space form loses absolute precision as it grows).

Both work on chunks of ``chunk`` steps and carry the state between chunks, which bounds memory
and keeps the cumulative sums short (float32 drift stays at the level of one chunk).

Examples
--------
>>> import torch
>>> a = torch.tensor([[[-1.0], [-1.0], [2.0]]])           # (B=1, T=3, H=1)
>>> real_diagonal_scan(a, torch.ones(1, 1))[0].flatten().tolist()
[-1.0, 1.0, 1.0]
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

__all__ = [
    "SCAN_BLOCK",
    "SCAN_CHUNK",
    "block_scan",
    "complex_diagonal_scan",
    "count_diagonal_scan",
    "count_polar_scan",
    "letter_counts",
    "log_diagonal_scan",
    "polar_scan",
    "real_diagonal_scan",
]

#: Default number of time steps per chunk of a scan.
SCAN_CHUNK = 256

_EPS = {torch.float32: 1e-30, torch.float64: 1e-300, torch.float16: 1e-7, torch.bfloat16: 1e-30}


def _normalize(x: torch.Tensor) -> torch.Tensor:
    return F.normalize(x, dim=-1, eps=_EPS.get(x.dtype, 1e-30))


def _safe_max(L: torch.Tensor) -> torch.Tensor:
    """Max over units, detached, with 0 where every unit is -inf (an all-zero state)."""
    m = L.detach().amax(dim=-1, keepdim=True)
    return torch.where(torch.isfinite(m), m, torch.zeros_like(m))


def _join(outs: list[torch.Tensor], empty: torch.Tensor) -> torch.Tensor:
    if not outs:
        return empty
    return outs[0] if len(outs) == 1 else torch.cat(outs, dim=1)


def log_diagonal_scan(
    log_abs: torch.Tensor,
    sign: torch.Tensor | None,
    h: torch.Tensor,
    *,
    normalize: bool = True,
    chunk: int = SCAN_CHUNK,
) -> tuple[torch.Tensor, torch.Tensor]:
    """States of ``h_t = a_t * h_{t-1}`` from ``log|a_t|`` and ``sign(a_t)`` (None: all +1).

    Parameters
    ----------
    log_abs : Tensor (B, T, H)
        ``log|a_t|`` (``-inf`` for a zero factor).
    sign : Tensor (B, T, H) or None
        Signs of the factors (+1, -1 or 0); None for nonnegative factors.
    h : Tensor (B, H)
        The state before the first step.
    normalize : bool
        Return unit-norm states (each ``h_t / |h_t|``); otherwise the raw products.
    chunk : int
        Steps per chunk.

    Returns
    -------
    states : Tensor (B, T, H)
    last : Tensor (B, H)
        The state after the last step (to carry into the next chunk).
    """
    outs = []
    for s in range(0, log_abs.shape[1], chunk):
        L = torch.cumsum(log_abs[:, s : s + chunk], dim=1) + torch.log(h.abs()).unsqueeze(1)
        if normalize:
            L = L - _safe_max(L)
        out = torch.exp(L)
        sg = torch.sign(h.detach()).unsqueeze(1)
        if sign is not None:
            sg = torch.cumprod(sign[:, s : s + chunk].detach(), dim=1) * sg
        out = out * sg
        if normalize:
            out = _normalize(out)
        outs.append(out)
        h = out[:, -1]
    return _join(outs, log_abs.new_zeros(log_abs.shape)), h


def real_diagonal_scan(
    a: torch.Tensor, h: torch.Tensor, *, normalize: bool = True, chunk: int = SCAN_CHUNK
) -> tuple[torch.Tensor, torch.Tensor]:
    """States of ``h_t = a_t * h_{t-1}`` (elementwise) for every t, by log-space cumulative sums.

    ``a`` has shape (B, T, H) (any sign, zeros allowed), ``h`` shape (B, H); see
    :func:`log_diagonal_scan` for the outputs.
    """
    return log_diagonal_scan(torch.log(a.abs()), torch.sign(a), h, normalize=normalize,
                             chunk=chunk)


def polar_scan(
    log_abs: torch.Tensor,
    angle: torch.Tensor,
    h: torch.Tensor,
    *,
    normalize: bool = True,
    chunk: int = SCAN_CHUNK,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Complex units ``z_t = r_t e^{i phi_t} z_{t-1}`` from ``log r_t`` and ``phi_t``.

    ``log_abs`` and ``angle`` have shape (B, T, P); ``h`` has shape (B, 2P), interleaved
    ``(re_0, im_0, re_1, im_1, ...)``; the states come back in the same layout.
    """
    B = h.shape[0]
    outs = []
    for s in range(0, log_abs.shape[1], chunk):
        hr, hi = h[:, 0::2], h[:, 1::2]
        L = torch.cumsum(log_abs[:, s : s + chunk], dim=1)
        L = L + 0.5 * torch.log(hr * hr + hi * hi).unsqueeze(1)
        theta = torch.cumsum(angle[:, s : s + chunk], dim=1) + torch.atan2(hi, hr).unsqueeze(1)
        if normalize:
            L = L - _safe_max(L)
        out = _interleaved(torch.exp(L), theta)
        if normalize:
            out = _normalize(out)
        outs.append(out)
        h = out[:, -1]
    return _join(outs, h.new_zeros(B, 0, h.shape[1])), h


def _interleaved(mag: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """Complex units ``mag e^{i theta}`` (..., P) as real states (..., 2P), interleaved
    ``(re_0, im_0, re_1, im_1, ...)``."""
    return torch.stack((mag * torch.cos(theta), mag * torch.sin(theta)), dim=-1).flatten(-2)


def complex_diagonal_scan(
    p: torch.Tensor,
    q: torch.Tensor,
    h: torch.Tensor,
    *,
    normalize: bool = True,
    chunk: int = SCAN_CHUNK,
) -> tuple[torch.Tensor, torch.Tensor]:
    """States of ``z_t = (p_t + i q_t) z_{t-1}`` per complex unit, in polar log-space.

    A complex unit is a pair of real units ``(2u, 2u + 1) = (re, im)``, so each factor acts as
    the 2 x 2 scaled rotation ``[[p, -q], [q, p]]``.

    Parameters
    ----------
    p, q : Tensor (B, T, P)
        Real and imaginary parts of the per-step factors (P complex units).
    h : Tensor (B, 2P)
        The state before the first step, interleaved ``(re_0, im_0, re_1, im_1, ...)``.

    Returns
    -------
    states : Tensor (B, T, 2P)
    last : Tensor (B, 2P)
    """
    return polar_scan(0.5 * torch.log(p * p + q * q), torch.atan2(q, p), h,
                      normalize=normalize, chunk=chunk)


def letter_counts(tokens: torch.Tensor, vocab: int, dtype: torch.dtype) -> torch.Tensor:
    """Running letter counts ``(B, T, vocab)``: entry ``[b, t, k]`` counts k in ``x_1..x_t``.

    Examples
    --------
    >>> letter_counts(torch.tensor([[1, 0, 1]]), 2, torch.float32).tolist()
    [[[0.0, 1.0], [1.0, 1.0], [1.0, 2.0]]]
    """
    # rows of the identity, summed in place: about twice as fast as a cumsum of one_hot
    eye = torch.eye(vocab, dtype=dtype, device=tokens.device)
    return F.embedding(tokens, eye).cumsum_(dim=1)


def _counts_with_ones(tokens: torch.Tensor, vocab: int, dtype: torch.dtype) -> torch.Tensor:
    """:func:`letter_counts` with one more column of ones (B, T, vocab + 1): a GEMM with a
    table whose last row is a shared start adds that start for free (:func:`_counts_times`)."""
    eye = torch.eye(vocab, vocab + 1, dtype=dtype, device=tokens.device)
    counts = F.embedding(tokens, eye).cumsum_(dim=1)
    counts[..., vocab] = 1.0
    return counts


def _shared_rows(h: torch.Tensor) -> torch.Tensor:
    """``h[:1]`` when every row of ``h`` is the same tensor element (an expanded initial state,
    stride 0), else ``h``: a start of one row is folded into the scans' GEMMs.

    Only a stride-0 batch counts as shared, never rows that merely hold equal values: their
    gradients must stay apart.
    """
    return h[:1] if h.shape[0] > 1 and h.stride(0) == 0 else h


def count_diagonal_scan(
    tokens: torch.Tensor,
    log_table: torch.Tensor,
    negative: torch.Tensor | None,
    h: torch.Tensor,
    *,
    normalize: bool = True,
    chunk: int = SCAN_CHUNK,
    readout: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Diagonal states from running letter counts: ``log|h_t| = log|h_0| + n_t @ log|w|``.

    Diagonal letters commute, so ``h_t`` depends on the prefix only through its letter counts
    ``n_t`` (B, T, D).  One matrix product with the (D, H) table of ``log|w|`` gives every
    log-magnitude, and one with the 0/1 table of negative entries gives the number of sign flips
    (an exact integer), so nothing of size (B, T, H) is gathered or cumulatively summed.
    Normalized states with finite log-magnitudes take a fused path (:class:`_CountDiagonal`,
    a custom autograd Function with a hand-written backward) that makes a few passes over the
    (B, T, H) states; zero factors or states fall back to the general form.

    Parameters
    ----------
    tokens : LongTensor (B, T)
    log_table : Tensor (D, H)
        ``log|w[k]|`` per letter (``-inf`` for a zero entry).
    negative : Tensor (D, H) or None
        1.0 where ``w[k] < 0`` (None: nonnegative letters).
    h : Tensor (B, H)
        The state before the first step.
    readout : Tensor (S, H) or None
        When given, return the logits ``states @ readout.T`` (B, T, S) instead of the states;
        the fused path then folds the readout into :class:`_CountDiagonalReadout`, whose
        backward works from the small logits and never materialises the states' gradient
        separately.

    Returns
    -------
    states : Tensor (B, T, H), or logits (B, T, S) when ``readout`` is given
    last : Tensor (B, H)
    """
    D = log_table.shape[0]
    outs = []
    for s in range(0, tokens.shape[1], chunk):
        counts1 = _counts_with_ones(tokens[:, s : s + chunk], D, log_table.dtype)
        counts = counts1[..., :D]
        h1 = _shared_rows(h)
        start = torch.log(h1.abs())
        if normalize and counts.shape[1] < 2**22 and _fast_ok(log_table, start):
            neg = None if negative is None else negative.detach()
            parity = (h1.detach() < 0).to(h.dtype)
            if neg is None and not bool(parity.any()):
                parity = None
            if readout is None:
                out = _CountDiagonal.apply(counts1, log_table, start, neg, parity)
            else:
                out = _CountDiagonalReadout.apply(counts1, log_table, start, neg, parity, readout)
            outs.append(out)
            # the carried state is recomputed without the floor of the fused path (B x H only)
            last = counts[:, -1]
            L = torch.addmm(start, last, log_table)
            h = torch.exp(L - _safe_max(L))
            if neg is not None:
                h = h * torch.cos(math.pi * torch.addmm(parity, last, neg))
            elif parity is not None:
                h = h * torch.cos(math.pi * parity)
            h = _normalize(h)
            continue
        L = _count_matmul(counts, log_table, start)
        if normalize:
            L = L - _safe_max(L)
        out = torch.exp(L)
        start = (h.detach() < 0).to(out.dtype) * math.pi
        if negative is not None:
            # pi F for the exact integer F of sign flips; (-1)^F = cos(pi F) in one pass, and
            # cos is flat at k pi, so the rounding of pi F moves the result by O(eps^2) only
            out = out * torch.cos(_count_matmul(counts, negative.detach() * math.pi, start))
        elif bool((start != 0).any()):
            out = out * torch.cos(start).unsqueeze(1)
        if normalize:
            out = _normalize(out)
        h = out[:, -1]
        outs.append(out if readout is None else out @ readout.t())
    width = h.shape[1] if readout is None else readout.shape[0]
    return _join(outs, h.new_zeros(h.shape[0], 0, width)), h


def _count_matmul(counts: torch.Tensor, table: torch.Tensor, start: torch.Tensor) -> torch.Tensor:
    """``start[:, None] + counts @ table`` in one batched GEMM; ``0 * -inf`` counts as 0.

    counts (B, T, D), table (D, H), start (B, H) -> (B, T, H).  A letter whose entry is zero
    (``log 0 = -inf``) sends the unit to ``-inf`` once it has been read, and not before.
    """
    B = counts.shape[0]
    if torch.isinf(table).any():
        inf = torch.isinf(table)
        finite = torch.where(inf, torch.zeros_like(table), table)
        zero_hit = (counts @ inf.to(counts.dtype)) > 0
        return _count_matmul(counts, finite, start).masked_fill(zero_hit, float("-inf"))
    return torch.baddbmm(start.unsqueeze(1), counts, table.expand(B, *table.shape))


def count_polar_scan(
    tokens: torch.Tensor,
    log_table: torch.Tensor,
    angle_table: torch.Tensor,
    h: torch.Tensor,
    *,
    normalize: bool = True,
    chunk: int = SCAN_CHUNK,
    readout: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Complex-diagonal states from running letter counts (see :func:`count_diagonal_scan`).

    ``log_table`` and ``angle_table`` (D, P) hold ``log r`` and ``phi`` of each letter's
    factor ``r e^{i phi}`` per complex unit; ``h`` (B, 2P) is interleaved ``(re, im)``.
    Normalized states with finite log-magnitudes take the fused path :class:`_CountPolarReadout`:
    exact states at the start of every block of a few steps, complex products within a block
    (no trigonometry per step).  When a ``readout`` (S, 2P) is given the logits
    ``states @ readout.T`` come back instead of the states.
    """
    B = h.shape[0]
    D = log_table.shape[0]
    outs = []
    for s in range(0, tokens.shape[1], chunk):
        counts1 = _counts_with_ones(tokens[:, s : s + chunk], D, log_table.dtype)
        counts = counts1[..., :D]
        h1 = _shared_rows(h)
        hr, hi = h1[:, 0::2], h1[:, 1::2]
        start_log, start_angle = 0.5 * torch.log(hr * hr + hi * hi), torch.atan2(hi, hr)
        if normalize and _fast_ok(log_table, start_log, angle_table):
            # without a readout, the identity: the "logits" are the states themselves
            weights = readout if readout is not None else torch.eye(
                h.shape[1], dtype=h.dtype, device=h.device)
            outs.append(_CountPolarReadout.apply(
                tokens[:, s : s + chunk], counts1, log_table, angle_table, start_log,
                start_angle, weights, _block_length(log_table)))
            # the carried state is recomputed without the floor of the fused path (B x P only)
            last = counts[:, -1]
            L = torch.addmm(start_log, last, log_table)
            theta = torch.addmm(start_angle, last, angle_table)
            mag = torch.exp(L - _safe_max(L))
            h = _normalize(_interleaved(mag, theta))
            continue
        L = _count_matmul(counts, log_table, start_log)
        theta = _count_matmul(counts, angle_table, start_angle)
        if normalize:
            L = L - _safe_max(L)
        out = _interleaved(torch.exp(L), theta)
        if normalize:
            out = _normalize(out)
        h = out[:, -1]
        outs.append(out if readout is None else out @ readout.t())
    width = h.shape[1] if readout is None else readout.shape[0]
    return _join(outs, h.new_zeros(B, 0, width)), h


def _pow2_rescale(P: torch.Tensor) -> torch.Tensor:
    """Divide each step's blocks by one power of two near their largest entry (exact in floats).

    The factor is shared by all blocks of a step, so their relative scale is kept.
    """
    top = P.detach().abs().amax(dim=(-3, -2, -1), keepdim=True)
    _, e = torch.frexp(torch.where(top > 0, top, torch.ones_like(top)))
    return torch.ldexp(P, -e.to(P.dtype))


def _mm_lead(X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """``X @ Y`` for stacks of b x b matrices stored matrix-dims-first: (b, b, ...) each.

    Keeping the batch dimensions innermost makes every elementwise kernel run over long
    contiguous rows, which is far faster than batched GEMM on 2 x 2 or 3 x 3 matrices.
    """
    return (X.unsqueeze(2) * Y.unsqueeze(0)).sum(dim=1)


def _rescale_lead(P: torch.Tensor, batch: int) -> torch.Tensor:
    """Power-of-two rescaling of (b, b, ..., B*N) products, one factor per batch element."""
    b = P.shape[0]
    view = P.detach().reshape(b, b, *P.shape[2:-1], batch, -1)
    top = view.abs().amax(dim=(0, 1, -1))  # (..., B)
    _, e = torch.frexp(torch.where(top > 0, top, torch.ones_like(top)))
    scale = torch.ldexp(torch.ones_like(top), -e.to(P.dtype))
    N = P.shape[-1] // batch
    return P * scale.repeat_interleave(N, dim=-1)


def block_scan(
    A: torch.Tensor, h: torch.Tensor, *, chunk: int = SCAN_CHUNK
) -> tuple[torch.Tensor, torch.Tensor]:
    """Normalized states of ``h_t = A_t h_{t-1}`` for block-diagonal ``A_t``, by a chunked scan.

    Parameters
    ----------
    A : Tensor (B, T, N, b, b)
        The N diagonal blocks of every step's matrix (column-vector convention).
    h : Tensor (B, N * b)
        The state before the first step.

    Returns
    -------
    states : Tensor (B, T, N * b), unit norm
    last : Tensor (B, N * b)

    Notes
    -----
    The time axis is cut into ``n`` segments of ``c ~ sqrt(T)`` steps.  Prefix products inside
    every segment come from ``c`` vectorised rounds ``P_j <- A_j P_{j-1}`` (all segments at
    once); the states at the segment starts come from ``n`` matrix-vector steps; then every
    state is ``P_j h_start``.  That is ``O(sqrt T)`` sequential rounds and ``O(T b^3)`` work.
    Each product is rescaled by a power of two shared by all blocks (exact in floating
    point), so nothing overflows and integer constructions stay exact.
    """
    B, _, N, b, _ = A.shape
    M = B * N
    outs = []
    for s in range(0, A.shape[1], chunk):
        Ac = A[:, s : s + chunk]
        T = Ac.shape[1]
        c = max(1, int(round(T**0.5)))
        n = -(-T // c)
        if n * c != T:  # pad with identities to a whole number of segments
            eye = torch.eye(b, dtype=A.dtype, device=A.device).expand(B, n * c - T, N, b, b)
            Ac = torch.cat((Ac, eye), dim=1)
        # matrix dims first, (batch, block) innermost: (b, b, n, c, B * N)
        Ac = Ac.permute(3, 4, 1, 0, 2).reshape(b, b, n, c, M)
        steps = Ac.unbind(dim=3)  # unbind, not indexing: one cheap backward for all slices
        prefix = [steps[0]]
        for j in range(1, c):
            prefix.append(_rescale_lead(_mm_lead(steps[j], prefix[-1]), B))
        P = torch.stack(prefix, dim=3)  # (b, b, n, c, M)
        starts = []
        hv = h.reshape(B, N, b).permute(2, 0, 1).reshape(b, M)
        for total in prefix[-1].unbind(dim=2):  # the n segment products (b, b, M), in order
            starts.append(hv)
            hv = (total * hv.unsqueeze(0)).sum(dim=1)  # (b, M)
            norm = hv.reshape(b, B, N).square().sum(dim=(0, 2)).sqrt()
            norm = norm.clamp_min(_EPS.get(hv.dtype, 1e-30)).repeat_interleave(N)
            hv = hv / norm
        hs = torch.stack(starts, dim=1)  # (b, n, M)
        out = (P * hs.unsqueeze(0).unsqueeze(3)).sum(dim=1)  # (b, n, c, M)
        out = out.reshape(b, n * c, B, N).permute(2, 1, 3, 0).reshape(B, n * c, N * b)
        out = _normalize(out[:, :T])
        outs.append(out)
        h = out[:, -1]
    return _join(outs, h.new_zeros(B, 0, h.shape[1])), h


# ---------------------------------------------------------------------- fused normalized paths
#: Lower clamp of ``log h - max log h`` before exponentiating, per dtype: units that far below
#: the largest are below the dtype's resolution of the normalized state (``e^-30 ~ 1e-13`` in
#: float32), and keeping them (and the backward's products of them) out of the subnormal range
#: avoids arithmetic that is very slow on CPU.
_LOG_FLOOR = {torch.float32: -30.0, torch.float64: -300.0}
#: ``2^(mantissa bits)``: an integer ``F < 2^m`` added to it sits in the lowest mantissa bits, so
#: the parity of ``F`` is the lowest bit of the float's bit pattern.
_PARITY_MAGIC = {
    torch.float32: (2.0**23, torch.int32, 31),
    torch.float64: (2.0**52, torch.int64, 63),
}


def _normalized_exp2_(L: torch.Tensor) -> torch.Tensor:
    """``2^L / |2^L|`` over the last axis, in place on ``L`` (finite entries): the fused paths
    work with base-2 logarithms (tables scaled by ``log2 e``), as ``exp2`` is about twice as
    fast as ``exp`` on CPU."""
    L.sub_(L.amax(dim=-1, keepdim=True)).clamp_min_(_LOG_FLOOR[L.dtype] * _LOG2E).exp2_()
    return L.mul_(torch.linalg.vector_norm(L, dim=-1, keepdim=True).reciprocal_())


#: ``log2(e)``: natural logarithms times this are base-2 logarithms.
_LOG2E = 1.0 / math.log(2.0)


def _counts_times(counts1: torch.Tensor, table: torch.Tensor, start: torch.Tensor) -> torch.Tensor:
    """``start[:, None] + counts @ table`` (B, T, H) from counts with a ones column
    (:func:`_counts_with_ones`).

    A start shared by the batch (one row) is the last row of the GEMM's table, so one pass
    writes the result; per-row starts are added in place afterwards (a broadcast ``baddbmm``
    first copies the start into every position, a slower pass).
    """
    B, T, D1 = counts1.shape
    flat = counts1.view(B * T, D1)
    if start.shape[0] == 1:
        return torch.mm(flat, torch.cat((table, start), dim=0)).view(B, T, -1)
    return torch.mm(flat[:, :-1], table).view(B, T, -1).add_(start.unsqueeze(1))


def _table_and_start_grads(counts1: torch.Tensor, dL: torch.Tensor, shared: bool,
                           need_table: bool, need_start: bool
                           ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """Gradients of ``table`` and ``start`` in ``start + counts @ table`` from ``dL`` (B*T, H).

    ``shared``: the start has one row for the whole batch; then one GEMM with the ones column
    gives both gradients, the last row being the sum of ``dL`` over batch and time.
    """
    B, T, D1 = counts1.shape
    if not (need_table or need_start):
        return None, None
    flat = counts1.view(B * T, D1).t()
    if shared:
        both = flat @ dL
        return both[:-1], both[-1:]
    grad_table = flat[:-1] @ dL if need_table else None
    grad_start = dL.reshape(B, T, -1).sum(dim=1) if need_start else None
    return grad_table, grad_start


def _readout_logits(states: torch.Tensor, readout: torch.Tensor) -> torch.Tensor:
    """``states @ readout.T`` for states (N, H) and a readout (S, H) with S small, computed as
    the transpose of ``readout @ states.T`` (about twice as fast on CPU for a tall ``states``).
    The result is that transposed view; copy it (``.contiguous()``) before permuting rows."""
    return torch.mm(readout, states.t()).t()


def _states_grad(G: torch.Tensor, readout: torch.Tensor) -> torch.Tensor:
    """``G @ readout`` (N, H) for logits' gradients G (N, S): a 3-d ``matmul`` (measured
    faster on CPU than ``mm`` for this tall, thin product)."""
    return torch.matmul(G.unsqueeze(0), readout).squeeze(0)


def _fast_ok(*tensors: torch.Tensor) -> bool:
    """The fused paths: float32/float64, every log-magnitude finite (no zero factor or unit)."""
    return tensors[0].dtype in _LOG_FLOOR and not any(bool(torch.isinf(x).any()) for x in tensors)


def _diagonal_states(counts: torch.Tensor, table: torch.Tensor, start: torch.Tensor,
                     negative: torch.Tensor | None, parity: torch.Tensor | None) -> torch.Tensor:
    """The forward of :class:`_CountDiagonal`: the signed normalized states (B, T, H)."""
    out = _normalized_exp2_(_counts_times(counts, table * _LOG2E, start * _LOG2E))
    if parity is not None:
        magic, itype, shift = _PARITY_MAGIC[out.dtype]
        if negative is None:
            flips = (parity + magic).unsqueeze(1)
        else:
            flips = _counts_times(counts, negative, parity + magic)
        mask = flips.view(itype).bitwise_left_shift_(shift)
        out.view(itype).bitwise_xor_(mask)
    return out


class _CountDiagonal(torch.autograd.Function):
    """Normalized diagonal states ``s * exp(L) / |exp(L)|`` with ``L = start + counts @ table``.

    The sign ``s = (-1)^F`` comes from the exact integer count ``F = parity + counts @ negative``
    of sign flips (``parity``: 1 where the start is negative; None: no flips at all).  ``F`` is
    computed in float with ``2^m`` added (``m`` mantissa bits), so its parity is the lowest bit
    of the bit pattern; that bit is moved onto the sign bit of the state (two integer passes,
    no ``cos``).  Backward: with ``o`` the signed output and ``g`` its
    gradient, ``dL = o * g - o^2 (g . o)``, and the table's gradient is ``counts^T dL``.
    """

    @staticmethod
    def forward(ctx: Any, counts: torch.Tensor, table: torch.Tensor, start: torch.Tensor,
                negative: torch.Tensor | None, parity: torch.Tensor | None) -> torch.Tensor:
        out = _diagonal_states(counts, table, start, negative, parity)
        ctx.save_for_backward(counts, out)
        ctx.shared = start.shape[0] == 1
        return out

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        counts, out = ctx.saved_tensors
        dL = grad * out
        total = dL.sum(dim=-1, keepdim=True)
        # dL = (g - o (g . o)) * o, in place: fresh (B, T, H) buffers cost page faults on CPU
        torch.addcmul(grad, out, total, value=-1.0, out=dL).mul_(out)
        B, T, _ = counts.shape
        grad_table, grad_start = _table_and_start_grads(
            counts, dL.view(B * T, -1), ctx.shared, *ctx.needs_input_grad[1:3])
        return None, grad_table, grad_start, None, None


class _CountDiagonalReadout(torch.autograd.Function):
    """The logits ``o @ readout.T`` of the states ``o`` of :class:`_CountDiagonal`, fused.

    Forward: the passes of :class:`_CountDiagonal`, then the small readout product.
    Backward, with ``G`` the logits' gradient and ``g = G @ readout`` the states': the dot
    products ``g . o = G . logits`` come from the small (B, T, S) tensors, so the states'
    side needs only ``g`` and two in-place passes, ``dL = (g - o (g . o)) * o``.
    """

    @staticmethod
    def forward(ctx: Any, counts: torch.Tensor, table: torch.Tensor, start: torch.Tensor,
                negative: torch.Tensor | None, parity: torch.Tensor | None,
                readout: torch.Tensor) -> torch.Tensor:
        B, T, _ = counts.shape
        out = _diagonal_states(counts, table, start, negative, parity)
        out = out.view(B * T, -1)
        logits = _readout_logits(out, readout)
        ctx.save_for_backward(counts, out, readout, logits)
        ctx.shared = start.shape[0] == 1
        return logits.view(B, T, -1)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        counts, out, readout, logits = ctx.saved_tensors
        B, T, D = counts.shape
        G = grad.reshape(B * T, -1)
        dots = (G * logits).sum(dim=-1, keepdim=True)
        dL = _states_grad(G, readout)  # the states' gradient g, made dL in place
        dL.addcmul_(out, dots, value=-1.0).mul_(out)
        grads: list[torch.Tensor | None] = [None] * 6
        grads[1], grads[2] = _table_and_start_grads(counts, dL, ctx.shared,
                                                    *ctx.needs_input_grad[1:3])
        if ctx.needs_input_grad[5]:
            grads[5] = G.t() @ out
        return tuple(grads)


#: Steps per block of :class:`_CountPolarReadout` (fewer when the factors' magnitudes are far
#: from 1, see :func:`_block_length`).
SCAN_BLOCK = 16
#: Per dtype, a unit this many powers of two below the largest is below the resolution of the
#: normalized state; the block starts are floored there, less the growth a block allows.
_BLOCK_FLOOR = {torch.float32: 30.0, torch.float64: 60.0}
#: Per dtype, the most ``block * max |log2 r|`` may be: block starts floored at
#: ``2^-(floor + 2 block a)`` and ``block`` more factors keep every product in the normal range.
_BLOCK_RANGE = {torch.float32: 32.0, torch.float64: 300.0}


def _block_length(log_table: torch.Tensor) -> int:
    """Block length of :class:`_CountPolarReadout`: :data:`SCAN_BLOCK`, or fewer steps when
    ``block * max |log2 r|`` would leave the dtype's range; 0 when even one factor would (then
    every state is computed exactly from the letter counts, with no products)."""
    top = _top_log2(log_table)
    if top * SCAN_BLOCK <= _BLOCK_RANGE[log_table.dtype]:
        return SCAN_BLOCK
    return int(_BLOCK_RANGE[log_table.dtype] // top)


def _top_log2(log_table: torch.Tensor) -> float:
    """``max |log2 r|`` over the letters' factors."""
    return float(log_table.detach().abs().max()) * _LOG2E if log_table.numel() else 0.0


def _blocked(x: torch.Tensor, block: int, fill: float) -> torch.Tensor:
    """(B, T, ...) -> (block, B, T'/block, ...) with T padded by ``fill`` to T' (a multiple
    of ``block``): position ``t = i * block + j`` of word ``b`` goes to ``[j, b, i]``, so the
    j-th steps of all blocks form one contiguous slab."""
    B, T = x.shape[:2]
    pad = -T % block
    if pad:
        x = torch.cat((x, x.new_full((B, pad, *x.shape[2:]), fill)), dim=1)
    return x.view(B, -1, block, *x.shape[2:]).transpose(1, 2).transpose(0, 1).contiguous()


def _unblocked(x: torch.Tensor, T: int) -> torch.Tensor:
    """The inverse of :func:`_blocked`: (block, B, n, ...) -> (B, T, ...)."""
    block, B, n = x.shape[:3]
    return x.transpose(0, 1).transpose(1, 2).reshape(B, n * block, *x.shape[3:])[:, :T]


def _exact_rows(counts1: torch.Tensor, block: int) -> tuple[torch.Tensor, int]:
    """The counts (with the ones column) of the states computed exactly, and the block length:
    the states before each block (zero counts, then after steps ``block - 1, 2 block - 1,
    ...``), or, for ``block`` 0, the states after every step (blocks of one step, no
    products)."""
    if block == 0:
        return counts1, 1
    B, T, D1 = counts1.shape
    n = -(-T // block)
    before = counts1.new_zeros(B, 1, D1)
    before[..., -1] = 1.0
    return torch.cat((before, counts1[:, block - 1 : (n - 1) * block : block]), dim=1), block


def _exact_states(rows: torch.Tensor, log_table: torch.Tensor, angle_table: torch.Tensor,
                  start_log: torch.Tensor, start_angle: torch.Tensor,
                  block: int) -> torch.Tensor:
    """Normalized complex states (B, rows, P) at the counts ``rows``, in log-space.

    Units are floored ``2^-(floor + 2 block a)`` below the largest (``a = max |log2 r|``): a
    unit below that stays negligible through ``block`` more factors however they scale, and no
    product leaves the normal range (:data:`_BLOCK_RANGE`).
    """
    L = _counts_times(rows, log_table, start_log)
    floor = (_BLOCK_FLOOR[L.dtype] + 2 * block * _top_log2(log_table)) / _LOG2E
    L = (L - L.amax(dim=-1, keepdim=True)).clamp_min_(-floor)
    mag = torch.exp(L)
    mag = mag / torch.linalg.vector_norm(mag, dim=-1, keepdim=True)
    theta = _counts_times(rows, angle_table, start_angle)
    return torch.complex(mag * torch.cos(theta), mag * torch.sin(theta))  # torch.polar: slower


def _blocked_products(tokens: torch.Tensor, log_table: torch.Tensor, angle_table: torch.Tensor,
                      starts: torch.Tensor, block: int) -> torch.Tensor:
    """The unnormalized states (block * B * n, 2P) in blocked order (:func:`_blocked`): each is
    its block's start (``starts``, (B, n, P) complex) times the factors read since, by
    ``block - 1`` in-place complex products, each over one contiguous slab."""
    B, _ = tokens.shape
    D, P = log_table.shape
    n = starts.shape[1]
    factors = torch.view_as_real(torch.polar(torch.exp(log_table), angle_table)).reshape(D, 2 * P)
    # one more letter, the factor 1, pads the last block
    factors = torch.cat((factors, factors.new_tensor([1.0, 0.0]).repeat(P).unsqueeze(0)))
    Z = F.embedding(_blocked(tokens, block, D), factors)  # (block, B, n, 2P)
    steps = torch.view_as_complex(Z.view(block, B, n, P, 2))
    steps[0].mul_(starts)
    for j in range(1, block):
        steps[j].mul_(steps[j - 1])
    return Z.view(-1, 2 * P)


class _CountPolarReadout(torch.autograd.Function):
    """Logits ``o @ readout.T`` of the normalized complex-diagonal states ``o``, fused.

    The state after step ``t`` is ``z_t = s * prod_{u <= t} f(x_u)`` with ``f(k) =
    r_k e^{i phi_k}`` per unit (``log r`` and ``phi`` are the tables), normalized over units.
    Forward: positions are cut into blocks of ``block`` steps; the state before each block is
    computed exactly from the letter counts (:func:`_exact_states`), and within a block by
    ``block - 1`` in-place complex products (:func:`_blocked_products`); ``block`` 0 computes
    every state exactly.  The states ``Z`` are not normalized in place: with ``n`` their norms,
    ``logits = (Z @ readout.T) / n``.

    Backward, with ``G`` the logits' gradient and ``total = G . logits`` per position:
    ``V = (G / n) @ readout - (total / n^2) Z`` gives ``conj(V) Z = dL - i dtheta`` in one
    complex product (``dL``: the log-magnitudes', ``dtheta``: the angles' gradient), and the
    tables' gradients are ``counts^T`` times that.
    """

    @staticmethod
    def forward(ctx: Any, tokens: torch.Tensor, counts1: torch.Tensor, log_table: torch.Tensor,
                angle_table: torch.Tensor, start_log: torch.Tensor, start_angle: torch.Tensor,
                readout: torch.Tensor, block: int) -> torch.Tensor:
        B, T = tokens.shape
        rows, length = _exact_rows(counts1, block)
        starts = _exact_states(rows, log_table, angle_table, start_log, start_angle, block)
        if block == 0:
            Z = torch.view_as_real(starts).reshape(B * T, -1)
        else:
            Z = _blocked_products(tokens, log_table, angle_table, starts, block)
        inv = torch.linalg.vector_norm(Z, dim=-1, keepdim=True).reciprocal_()
        # (S, rows) is the fast product; scaled there, then one small transposing copy
        logits = torch.mm(readout, Z.t()).mul_(inv.view(1, -1)).t().contiguous()
        n = -(-T // length)
        ctx.save_for_backward(_blocked(counts1, length, 0.0).view(Z.shape[0], -1), Z, inv,
                              readout, logits)
        ctx.shape = (B, T, length, n)
        ctx.shared = start_log.shape[0] == 1
        return _unblocked(logits.view(length, B, n, -1), T)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        counts, Z, inv, readout, logits = ctx.saved_tensors
        B, _, length, n = ctx.shape
        P = Z.shape[1] // 2
        G = _blocked(grad, length, 0.0).view(Z.shape[0], -1)
        total = (G * logits).sum(dim=-1, keepdim=True)
        G = G * inv
        V = _states_grad(G, readout).addcmul_(Z, total * inv * inv, value=-1.0)
        V = V.view(-1, P, 2)
        V[..., 1].neg_()
        torch.view_as_complex(V).mul_(torch.view_as_complex(Z.view(-1, P, 2)))
        V = V.view(-1, 2 * P)  # interleaved (dL, -dtheta) per unit
        need = ctx.needs_input_grad
        grads: list[torch.Tensor | None] = [None] * 8
        # with the ones column, the product's last row is the sum over all positions: the
        # gradient of a start shared by the batch
        both = counts.t() @ V if any(need[2:6]) else None
        if need[2] or need[3]:
            grads[2], grads[3] = both[:-1, 0::2], -both[:-1, 1::2]
        if need[4] or need[5]:
            start = both[-1:] if ctx.shared else V.view(length, B, n, -1).sum(dim=(0, 2))
            grads[4], grads[5] = start[:, 0::2], -start[:, 1::2]
        if need[6]:
            grads[6] = G.t() @ Z
        return tuple(grads)
