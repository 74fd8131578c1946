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
hand-written backwards, in :mod:`bilinear.models._scan_autograd` and importable from here) work
from running letter counts.  Real units take one GEMM of the counts
with ``log|w|`` and an exact integer count of sign flips.  Complex units would need a ``cos`` and
``sin`` per state; instead the state before every block of :data:`SCAN_BLOCK` steps is computed
exactly from the counts, and the states within a block by complex products of the letters'
factors, so float32 error stays that of a few products whatever the length (the cumulative
angle of the log-space form loses absolute precision as it grows).

Both work on chunks of ``chunk`` steps and carry the state between chunks, which bounds memory
and keeps the cumulative sums short (float32 drift stays at the level of one chunk).  Between
chunks of the fused paths the state is carried in log-space (log-magnitudes less their
largest, the sign-flip parity or the angle wrapped to one turn), never as a normalized float:
a unit far below the largest would underflow there to an exact zero, which would both kill the
unit for good and send every later chunk down the slow general path (measured: 2-2.4x the cost
per token and +170-300 MB at T = 4,096 against one chunk, before this carry).

Exact zeros (a letter entry ``0``, as in a compiled construction or a discretized model, or a
zero start unit) have no logarithm with a derivative, though the states have one: the
derivative of a product at a zero factor is the product of the other factors.  The scans take
logarithms of the nonzero entries only, count the zeros read per unit, and add to every state
a term that is exactly zero in value and carries that derivative, so forward values are those
of the log-space form and every gradient is the step-by-step loop's, finite.  Such chunks take
the general (unfused) path: about 6x the fused cost, still ~7x faster than the step loop
(measured, T = 1,024, hidden 64, one thread).  Pass the factors themselves
(:func:`factor_diagonal_scan`, :func:`factor_polar_scan`, :func:`real_diagonal_scan`,
:func:`complex_diagonal_scan`): a ``log|w|`` table computed by the caller already has a NaN
derivative at a zero entry.

Examples
--------
>>> import torch
>>> a = torch.tensor([[[-1.0], [-1.0], [2.0]]])           # (B=1, T=3, H=1)
>>> real_diagonal_scan(a, torch.ones(1, 1))[0].flatten().tolist()
[-1.0, 1.0, 1.0]
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from bilinear.models._scan_autograd import (
    SCAN_BLOCK,
    _block_length,
    _CountDiagonal,
    _CountDiagonalReadout,
    _CountPolarReadout,
    _counts_with_ones,
    _fast_ok,
)

__all__ = [
    "SCAN_BLOCK",
    "SCAN_CHUNK",
    "block_scan",
    "complex_diagonal_scan",
    "count_diagonal_scan",
    "count_polar_scan",
    "factor_diagonal_scan",
    "factor_polar_scan",
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
    :func:`log_diagonal_scan` for the outputs.  With an exact zero in ``a`` or ``h`` the
    values are the same and the gradients the step-by-step loop's (see
    :func:`factor_diagonal_scan`).
    """
    if not bool((a.detach() == 0).any()) and not bool((h.detach() == 0).any()):
        return log_diagonal_scan(
            torch.log(a.abs()), torch.sign(a), h, normalize=normalize, chunk=chunk
        )
    outs = []
    for s in range(0, a.shape[1], chunk):
        ac = a[:, s : s + chunk]
        zero = ac.detach() == 0
        safe = torch.where(zero, torch.ones_like(ac), ac)
        h_zero = h.detach() == 0
        h_safe = torch.where(h_zero, torch.ones_like(h), h)
        hz = h_zero.unsqueeze(1)
        zc = torch.cumsum(zero.to(a.dtype), dim=1)
        live = ((zc == 0) & ~hz).to(a.dtype)
        one = ((zc == 1) & ~hz).to(a.dtype)
        start_only = ((zc == 0) & hz).to(a.dtype)
        L = torch.cumsum(torch.log(safe.abs()), dim=1) + torch.log(h_safe.abs()).unsqueeze(1)
        E = _dead_safe_exp(L, live, normalize)
        z = torch.cumsum(torch.where(zero, ac, torch.zeros_like(ac)), dim=1)
        sg = torch.cumprod(torch.sign(safe.detach()), dim=1) * torch.sign(
            h_safe.detach()
        ).unsqueeze(1)
        out = E * (live + one * z + start_only * h.unsqueeze(1)) * sg
        if normalize:
            out = _normalize(out)
        outs.append(out)
        h = out[:, -1]
    return _join(outs, a.new_zeros(a.shape)), h


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
    if not bool(((p.detach() == 0) & (q.detach() == 0)).any()) and not bool(
        ((h[:, 0::2].detach() == 0) & (h[:, 1::2].detach() == 0)).any()
    ):
        return polar_scan(
            0.5 * torch.log(p * p + q * q), torch.atan2(q, p), h, normalize=normalize, chunk=chunk
        )
    # a zero factor or start unit: as real_diagonal_scan, the loop's gradients
    outs = []
    for s in range(0, p.shape[1], chunk):
        pc, qc = p[:, s : s + chunk], q[:, s : s + chunk]
        zero = (pc.detach() == 0) & (qc.detach() == 0)
        ps, qs = torch.where(zero, torch.ones_like(pc), pc), torch.where(zero, 0.0 * qc, qc)
        hr, hi = h[:, 0::2], h[:, 1::2]
        h_zero = (hr.detach() == 0) & (hi.detach() == 0)
        sr, si = torch.where(h_zero, torch.ones_like(hr), hr), torch.where(h_zero, 0.0 * hi, hi)
        hz = h_zero.unsqueeze(1)
        zc = torch.cumsum(zero.to(p.dtype), dim=1)
        live = ((zc == 0) & ~hz).to(p.dtype)
        one = ((zc == 1) & ~hz).to(p.dtype)
        start_only = ((zc == 0) & hz).to(p.dtype)
        L = torch.cumsum(0.5 * torch.log(ps * ps + qs * qs), dim=1)
        L = L + 0.5 * torch.log(sr * sr + si * si).unsqueeze(1)
        theta = torch.cumsum(torch.atan2(qs, ps), dim=1) + torch.atan2(si, sr).unsqueeze(1)
        E = _dead_safe_exp(L, live, normalize)
        zr = torch.cumsum(torch.where(zero, pc, torch.zeros_like(pc)), dim=1)
        zi = torch.cumsum(torch.where(zero, qc, torch.zeros_like(qc)), dim=1)
        cr = live + one * zr + start_only * hr.unsqueeze(1)
        ci = one * zi + start_only * hi.unsqueeze(1)
        er, ei = E * torch.cos(theta), E * torch.sin(theta)
        out = torch.stack((er * cr - ei * ci, ei * cr + er * ci), dim=-1).flatten(-2)
        if normalize:
            out = _normalize(out)
        outs.append(out)
        h = out[:, -1]
    return _join(outs, h.new_zeros(h.shape[0], 0, h.shape[1])), h


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
    (B, T, H) states; zero factors or states fall back to the general form (gradients of the
    start and the readout stay finite there; for finite gradients of zero letter entries pass
    the factors to :func:`factor_diagonal_scan` instead of their logarithms).

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
    log_table, zero = _split_zeros(log_table)
    return _count_diagonal(tokens, log_table, zero, None, negative, h, normalize, chunk, readout)


def _split_zeros(log_table: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """A log table with ``-inf`` (zero factors) as the finite table (0 there) and the 0/1 table
    of the zeros; ``(log_table, None)`` when there is none."""
    if not bool((log_table == float("-inf")).any()):
        return log_table, None
    zero = (log_table.detach() == float("-inf")).to(log_table.dtype)
    return torch.where(zero > 0, torch.zeros_like(log_table), log_table), zero


def factor_diagonal_scan(
    tokens: torch.Tensor,
    factors: torch.Tensor,
    h: torch.Tensor,
    *,
    nonnegative: bool = False,
    normalize: bool = True,
    chunk: int = SCAN_CHUNK,
    readout: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`count_diagonal_scan` from the letters' factors ``w`` (D, H) themselves.

    Same outputs, and the same forward values; the difference is in the gradients when some
    ``w[k, u]`` is an exact zero.  ``log|w|`` has no derivative there, but the states do:
    the derivative of a product at a zero factor is the product of the other factors.  The
    scan takes the logarithm of the nonzero entries only, keeps a 0/1 table of the zeros, and
    adds to every state a term that is exactly zero in value and whose derivative in each zero
    entry is that product, so every gradient equals the step-by-step loop's (and is finite).
    Without any zero entry it is :func:`count_diagonal_scan` of ``log|w|``.

    Parameters
    ----------
    tokens : LongTensor (B, T)
    factors : Tensor (D, H)
        The diagonal of every letter's matrix.
    h : Tensor (B, H)
    nonnegative : bool
        Every factor is ``>= 0`` (no sign flips to count).
    normalize, chunk, readout
        As in :func:`count_diagonal_scan`.

    Examples
    --------
    >>> w = torch.tensor([[0.0, 2.0], [1.0, -1.0]], requires_grad=True)
    >>> states, _ = factor_diagonal_scan(torch.tensor([[1, 0]]), w, torch.ones(1, 2))
    >>> states[0, -1].tolist()
    [0.0, -1.0]
    >>> states[0, -1, 0].backward()
    >>> w.grad.tolist()   # d/dw[0, 0] of w[0, 0] * w[1, 0] / |state|, at w[0, 0] = 0
    [[0.5, 0.0], [0.0, 0.0]]
    """
    negative = None if nonnegative else (factors.detach() < 0).to(factors.dtype)
    zero_mask = factors.detach() == 0
    if not bool(zero_mask.any()):
        return _count_diagonal(
            tokens, torch.log(factors.abs()), None, None, negative, h, normalize, chunk, readout
        )
    safe = torch.where(zero_mask, torch.ones_like(factors), factors)
    return _count_diagonal(
        tokens,
        torch.log(safe.abs()),
        zero_mask.to(factors.dtype),
        factors,
        negative,
        h,
        normalize,
        chunk,
        readout,
    )


def _count_diagonal(
    tokens: torch.Tensor,
    log_table: torch.Tensor,
    zero: torch.Tensor | None,
    factors: torch.Tensor | None,
    negative: torch.Tensor | None,
    h: torch.Tensor,
    normalize: bool,
    chunk: int,
    readout: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`count_diagonal_scan` with a finite ``log_table`` and the 0/1 table ``zero`` of
    zero entries (None: none; ``log_table`` is 0 there); ``factors`` (or None) carry the
    gradient of the zero entries (see :func:`_zero_safe_magnitudes`)."""
    D = log_table.shape[0]
    outs = []
    # Between fused chunks the state is carried in log-space, (log|h| - max, flips mod 2): a
    # unit far below the largest stays finite there (as a normalized float it would underflow
    # to 0, log 0 = -inf, and send every later chunk down the slow general path).
    carried: tuple[torch.Tensor, torch.Tensor] | None = None
    for s in range(0, tokens.shape[1], chunk):
        counts1 = _counts_with_ones(tokens[:, s : s + chunk], D, log_table.dtype)
        counts = counts1[..., :D]
        if carried is None:
            h1 = _shared_rows(h)
            start, signs = torch.log(h1.abs()), (h1.detach() < 0).to(h.dtype)
        else:
            start, signs = carried
        fast = zero is None and counts.shape[1] < 2**22
        if normalize and fast and _fast_ok(log_table, start):
            neg = None if negative is None else negative.detach()
            # no flips at all (None) when no letter and no start entry is negative
            parity = None if neg is None and not bool(signs.any()) else signs
            if readout is None:
                out = _CountDiagonal.apply(counts1, log_table, start, neg, parity)
            else:
                out = _CountDiagonalReadout.apply(counts1, log_table, start, neg, parity, readout)
            outs.append(out)
            # the carried state, without the floor of the fused path (B x H only)
            last = counts[:, -1]
            L = torch.addmm(start, last, log_table)
            if parity is not None and neg is not None:  # exact integers: keep only the parity
                signs = torch.remainder(torch.addmm(parity, last, neg), 2.0)
            carried = (L - _safe_max(L), signs)
            continue
        if carried is not None:
            h = _log_state(*carried)
            carried = None
        h_zero = h.detach() == 0
        if zero is None and not bool(h_zero.any()):
            L = _count_matmul(counts, log_table, torch.log(h.abs()))
            if normalize:
                L = L - _safe_max(L)
            out = torch.exp(L)
        else:
            out = _zero_safe_magnitudes(counts, log_table, zero, factors, h, h_zero, normalize)
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
    if carried is not None:
        h = _log_state(*carried)
    width = h.shape[1] if readout is None else readout.shape[0]
    return _join(outs, h.new_zeros(h.shape[0], 0, width)), h


def _exp_bound(dtype: torch.dtype) -> float:
    """A log-magnitude whose exponential stays well inside the range of ``dtype``."""
    return 0.5 * math.log(torch.finfo(dtype).max)


def _zero_counts(
    counts: torch.Tensor, zero: torch.Tensor | None, h_zero: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per state (B, T, H) or (B, T, P): ``live`` (no zero factor read, nonzero start),
    ``one`` (exactly one zero letter factor read, nonzero start) and ``start_only`` (the start
    is the only zero), as 0/1 floats."""
    B, T, _ = counts.shape
    if zero is None:
        zc = counts.new_zeros(B, T, h_zero.shape[1])
    else:
        zc = _count_matmul(counts, zero, counts.new_zeros(B, zero.shape[1]))
    hz = h_zero.unsqueeze(1)
    live = (zc == 0) & ~hz
    one = (zc == 1) & ~hz
    start_only = (zc == 0) & hz
    dt = counts.dtype
    return live.to(dt), one.to(dt), start_only.to(dt)


def _dead_safe_exp(Lfin: torch.Tensor, live: torch.Tensor, normalize: bool) -> torch.Tensor:
    """``exp(Lfin - m)`` with ``m`` the largest log-magnitude of a live unit (when
    ``normalize``), the dead units' exponent bounded so that their (zero-weighted) value stays
    finite."""
    if normalize:
        dead_inf = torch.where(live > 0, Lfin, torch.full_like(Lfin, float("-inf")))
        Lfin = Lfin - _safe_max(dead_inf)
    bounded = torch.clamp(Lfin, max=_exp_bound(Lfin.dtype))
    return torch.exp(torch.where(live > 0, Lfin, bounded))


def _zero_safe_magnitudes(
    counts: torch.Tensor,
    log_table: torch.Tensor,
    zero: torch.Tensor | None,
    factors: torch.Tensor | None,
    h: torch.Tensor,
    h_zero: torch.Tensor,
    normalize: bool,
) -> torch.Tensor:
    """The unsigned magnitudes ``exp(L - m)`` (B, T, H) of a chunk with zero factors or a zero
    start, equal in value to the log-space form (exact zeros once a zero factor is read) and
    with the step-by-step loop's derivatives.

    A state is ``E * (live + one * z + start_only * h0)``, where ``E`` is the magnitude without
    the zero factors, ``z = min(counts, 1) @ (zero * w)`` and ``h0`` the start: both are exactly
    zero in value, and their derivatives at the zero entries are the products of the other
    factors (the derivative of a product with two zero factors is zero, so nothing is added
    there).  The start's sign is applied by the caller from ``h < 0`` (no flip at a zero).
    """
    start = torch.log(torch.where(h_zero, torch.ones_like(h), h).abs())
    live, one, start_only = _zero_counts(counts, zero, h_zero)
    E = _dead_safe_exp(_count_matmul(counts, log_table, start), live, normalize)
    factor = live + start_only * h.unsqueeze(1)
    if zero is not None and factors is not None:
        read = counts.clamp(max=1.0)
        z = _count_matmul(read, zero * factors, h.new_zeros(h.shape[0], zero.shape[1]))
        factor = factor + one * z
    return E * factor


def _log_state(log_abs: torch.Tensor, flips: torch.Tensor) -> torch.Tensor:
    """The normalized state ``(-1)^flips * exp(log_abs)`` (B, H) of a log-space carry."""
    h = torch.exp(log_abs - _safe_max(log_abs))
    if bool(flips.any()):
        h = h * torch.cos(math.pi * flips)
    return _normalize(h)


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
    log_table, zero = _split_zeros(log_table)
    return _count_polar(tokens, log_table, angle_table, zero, None, h, normalize, chunk, readout)


def factor_polar_scan(
    tokens: torch.Tensor,
    real: torch.Tensor,
    imag: torch.Tensor,
    h: torch.Tensor,
    *,
    normalize: bool = True,
    chunk: int = SCAN_CHUNK,
    readout: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`count_polar_scan` from the letters' complex factors ``real + i imag`` (D, P).

    As :func:`factor_diagonal_scan` for complex units: a factor ``0 + 0i`` has neither a
    logarithm nor an angle with a derivative, so both are taken of the nonzero factors only
    and the zero ones get the step-by-step loop's derivatives (the product of the other
    factors, times ``1`` for ``real`` and ``i`` for ``imag``).

    Examples
    --------
    >>> p = torch.tensor([[0.0], [0.0]], requires_grad=True)
    >>> q = torch.tensor([[0.0], [1.0]], requires_grad=True)
    >>> states, _ = factor_polar_scan(torch.tensor([[1, 0]]), p, q, torch.tensor([[1.0, 0.0]]))
    >>> states[0].tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    zero_mask = (real.detach() == 0) & (imag.detach() == 0)
    if not bool(zero_mask.any()):
        return _count_polar(
            tokens,
            0.5 * torch.log(real * real + imag * imag),
            torch.atan2(imag, real),
            None,
            None,
            h,
            normalize,
            chunk,
            readout,
        )
    p = torch.where(zero_mask, torch.ones_like(real), real)
    q = torch.where(zero_mask, torch.zeros_like(imag), imag)
    return _count_polar(
        tokens,
        0.5 * torch.log(p * p + q * q),
        torch.atan2(q, p),
        zero_mask.to(real.dtype),
        (real, imag),
        h,
        normalize,
        chunk,
        readout,
    )


def _count_polar(
    tokens: torch.Tensor,
    log_table: torch.Tensor,
    angle_table: torch.Tensor,
    zero: torch.Tensor | None,
    factors: tuple[torch.Tensor, torch.Tensor] | None,
    h: torch.Tensor,
    normalize: bool,
    chunk: int,
    readout: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`count_polar_scan` with finite tables and the 0/1 table ``zero`` of zero factors
    (None: none); ``factors`` ``(real, imag)`` (or None) carry the zero entries' gradient."""
    B = h.shape[0]
    D = log_table.shape[0]
    outs = []
    # carried in log-space between fused chunks, (log r - max, angle wrapped to a turn), as in
    # count_diagonal_scan: no unit underflows to a zero (and -inf) state at a chunk boundary
    carried: tuple[torch.Tensor, torch.Tensor] | None = None
    for s in range(0, tokens.shape[1], chunk):
        counts1 = _counts_with_ones(tokens[:, s : s + chunk], D, log_table.dtype)
        counts = counts1[..., :D]
        if carried is None:
            h1 = _shared_rows(h)
            hr, hi = h1[:, 0::2], h1[:, 1::2]
            start_log, start_angle = 0.5 * torch.log(hr * hr + hi * hi), torch.atan2(hi, hr)
        else:
            start_log, start_angle = carried
        if normalize and zero is None and _fast_ok(log_table, start_log, angle_table):
            # without a readout, the identity: the "logits" are the states themselves
            weights = (
                readout
                if readout is not None
                else torch.eye(h.shape[1], dtype=h.dtype, device=h.device)
            )
            outs.append(
                _CountPolarReadout.apply(
                    tokens[:, s : s + chunk],
                    counts1,
                    log_table,
                    angle_table,
                    start_log,
                    start_angle,
                    weights,
                    _block_length(log_table),
                )
            )
            # the carried state, without the floor of the fused path (B x P only)
            last = counts[:, -1]
            L = torch.addmm(start_log, last, log_table)
            theta = torch.addmm(start_angle, last, angle_table)
            turns = torch.round(theta.detach() * (0.5 / math.pi)) * (2.0 * math.pi)
            carried = (L - _safe_max(L), theta - turns)
            continue
        if carried is not None:
            h = _polar_state(*carried)
            carried = None
        hr, hi = h[:, 0::2], h[:, 1::2]
        h_zero = (hr.detach() == 0) & (hi.detach() == 0)
        if zero is None and not bool(h_zero.any()):
            start_log, start_angle = 0.5 * torch.log(hr * hr + hi * hi), torch.atan2(hi, hr)
            L = _count_matmul(counts, log_table, start_log)
            theta = _count_matmul(counts, angle_table, start_angle)
            if normalize:
                L = L - _safe_max(L)
            out = _interleaved(torch.exp(L), theta)
        else:
            out = _zero_safe_polar(
                counts, log_table, angle_table, zero, factors, hr, hi, h_zero, normalize
            )
        if normalize:
            out = _normalize(out)
        h = out[:, -1]
        outs.append(out if readout is None else out @ readout.t())
    if carried is not None:
        h = _polar_state(*carried)
    width = h.shape[1] if readout is None else readout.shape[0]
    return _join(outs, h.new_zeros(B, 0, width)), h


def _zero_safe_polar(
    counts: torch.Tensor,
    log_table: torch.Tensor,
    angle_table: torch.Tensor,
    zero: torch.Tensor | None,
    factors: tuple[torch.Tensor, torch.Tensor] | None,
    hr: torch.Tensor,
    hi: torch.Tensor,
    h_zero: torch.Tensor,
    normalize: bool,
) -> torch.Tensor:
    """The interleaved states (B, T, 2P) of a chunk with zero factors or zero start units, as
    :func:`_zero_safe_magnitudes` for complex units: ``E e^{i theta} (live + one * z +
    start_only * h0)`` with ``z = min(counts, 1) @ (zero * (real + i imag))``."""
    sr = torch.where(h_zero, torch.ones_like(hr), hr)
    si = torch.where(h_zero, torch.zeros_like(hi), hi)
    start_log, start_angle = 0.5 * torch.log(sr * sr + si * si), torch.atan2(si, sr)
    live, one, start_only = _zero_counts(counts, zero, h_zero)
    E = _dead_safe_exp(_count_matmul(counts, log_table, start_log), live, normalize)
    theta = _count_matmul(counts, angle_table, start_angle)
    cr = live + start_only * hr.unsqueeze(1)
    ci = start_only * hi.unsqueeze(1)
    if zero is not None and factors is not None:
        read = counts.clamp(max=1.0)
        none = hr.new_zeros(hr.shape[0], zero.shape[1])
        cr = cr + one * _count_matmul(read, zero * factors[0], none)
        ci = ci + one * _count_matmul(read, zero * factors[1], none)
    er, ei = E * torch.cos(theta), E * torch.sin(theta)
    return torch.stack((er * cr - ei * ci, ei * cr + er * ci), dim=-1).flatten(-2)


def _polar_state(log_abs: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """The normalized interleaved state (B, 2P) of a log-space carry of complex units."""
    return _normalize(_interleaved(torch.exp(log_abs - _safe_max(log_abs)), angle))


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
