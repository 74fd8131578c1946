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

import torch
import torch.nn.functional as F

__all__ = ["real_diagonal_scan", "complex_diagonal_scan", "block_scan", "SCAN_CHUNK"]

#: Default number of time steps per chunk of a scan.
SCAN_CHUNK = 256

_EPS = {torch.float32: 1e-30, torch.float64: 1e-300, torch.float16: 1e-7, torch.bfloat16: 1e-30}


def _normalize(x: torch.Tensor) -> torch.Tensor:
    return F.normalize(x, dim=-1, eps=_EPS.get(x.dtype, 1e-30))


def _safe_max(L: torch.Tensor) -> torch.Tensor:
    """Max over units, detached, with 0 where every unit is -inf (an all-zero state)."""
    m = L.detach().amax(dim=-1, keepdim=True)
    return torch.where(torch.isfinite(m), m, torch.zeros_like(m))


def real_diagonal_scan(
    a: torch.Tensor, h: torch.Tensor, *, normalize: bool = True, chunk: int = SCAN_CHUNK
) -> tuple[torch.Tensor, torch.Tensor]:
    """States of ``h_t = a_t * h_{t-1}`` (elementwise) for every t, by log-space cumulative sums.

    Parameters
    ----------
    a : Tensor (B, T, H)
        Per-step diagonal factors (any sign, zeros allowed).
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
    for s in range(0, a.shape[1], chunk):
        ac = a[:, s : s + chunk]
        L = torch.cumsum(torch.log(ac.abs()), dim=1) + torch.log(h.abs()).unsqueeze(1)
        neg = torch.cumsum((ac < 0).to(torch.int64), dim=1) + (h < 0).to(torch.int64).unsqueeze(1)
        if normalize:
            L = L - _safe_max(L)
        mag = torch.exp(L)
        out = torch.where(neg % 2 == 1, -mag, mag)
        if normalize:
            out = _normalize(out)
        outs.append(out)
        h = out[:, -1]
    if not outs:
        return a.new_zeros(a.shape), h
    return torch.cat(outs, dim=1), h


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
    B = h.shape[0]
    outs = []
    for s in range(0, p.shape[1], chunk):
        pc, qc = p[:, s : s + chunk], q[:, s : s + chunk]
        hr, hi = h[:, 0::2], h[:, 1::2]
        L = 0.5 * torch.cumsum(torch.log(pc * pc + qc * qc), dim=1)
        L = L + 0.5 * torch.log(hr * hr + hi * hi).unsqueeze(1)
        theta = torch.cumsum(torch.atan2(qc, pc), dim=1) + torch.atan2(hi, hr).unsqueeze(1)
        if normalize:
            L = L - _safe_max(L)
        mag = torch.exp(L)
        out = torch.stack((mag * torch.cos(theta), mag * torch.sin(theta)), dim=-1)
        out = out.reshape(B, pc.shape[1], -1)
        if normalize:
            out = _normalize(out)
        outs.append(out)
        h = out[:, -1]
    if not outs:
        return h.new_zeros(B, 0, h.shape[1]), h
    return torch.cat(outs, dim=1), h


def _pow2_rescale(P: torch.Tensor) -> torch.Tensor:
    """Divide each step's blocks by one power of two near their largest entry (exact in floats).

    The factor is shared by all blocks of a step, so their relative scale is kept.
    """
    top = P.detach().abs().amax(dim=(-3, -2, -1), keepdim=True)
    _, e = torch.frexp(torch.where(top > 0, top, torch.ones_like(top)))
    return torch.ldexp(P, -e.to(P.dtype))


def block_scan(
    A: torch.Tensor, h: torch.Tensor, *, chunk: int = SCAN_CHUNK
) -> tuple[torch.Tensor, torch.Tensor]:
    """Normalized states of ``h_t = A_t h_{t-1}`` for block-diagonal ``A_t``, by a parallel scan.

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
    Prefix products ``P_t = A_t ... A_1`` come from ``log2(chunk)`` rounds of
    ``P_t <- P_t P_{t - step}`` (Hillis-Steele); each round rescales every product by a power of
    two, which changes no digit, so integer constructions are computed exactly.
    """
    B, _, N, b, _ = A.shape
    outs = []
    for s in range(0, A.shape[1], chunk):
        P = A[:, s : s + chunk]
        T = P.shape[1]
        step = 1
        while step < T:
            P = _pow2_rescale(torch.cat((P[:, :step], P[:, step:] @ P[:, :-step]), dim=1))
            step *= 2
        hb = h.reshape(B, 1, N, b, 1)
        out = (P @ hb).reshape(B, T, N * b)
        out = _normalize(out)
        outs.append(out)
        h = out[:, -1]
    if not outs:
        return h.new_zeros(B, 0, h.shape[1]), h
    return torch.cat(outs, dim=1), h
