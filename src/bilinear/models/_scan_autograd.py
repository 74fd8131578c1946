"""The fused training paths of the diagonal scans: custom autograd Functions.

:func:`bilinear.models.scan.count_diagonal_scan` and
:func:`bilinear.models.scan.count_polar_scan` take these paths for normalized states with
finite log-magnitudes.  Each Function makes a few in-place passes over the (B, T, H) states
forward and a hand-written backward over the same buffers:

* :class:`_CountDiagonal` and :class:`_CountDiagonalReadout`: real units, one GEMM of the
  running letter counts with the (base-2) log-magnitude table, signs from an exact integer
  count of flips moved onto the sign bit;
* :class:`_CountPolarReadout`: complex units, exact states at the start of every block of
  :data:`SCAN_BLOCK` steps, complex products within a block.

The public entry points, and the derivations, are in :mod:`bilinear.models.scan`; every name
defined here stays importable from there.

Examples
--------
>>> counts1 = _counts_with_ones(torch.tensor([[0, 1, 1]]), 2, torch.float64)
>>> table = torch.log(torch.tensor([[2.0], [3.0]], dtype=torch.float64))
>>> _CountDiagonal.apply(counts1, table, torch.zeros(1, 1, dtype=torch.float64), None,
...                      None).flatten().tolist()
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

__all__ = ["SCAN_BLOCK"]


def _counts_with_ones(tokens: torch.Tensor, vocab: int, dtype: torch.dtype) -> torch.Tensor:
    """:func:`letter_counts` with one more column of ones (B, T, vocab + 1): a GEMM with a
    table whose last row is a shared start adds that start for free (:func:`_counts_times`)."""
    eye = torch.eye(vocab, vocab + 1, dtype=dtype, device=tokens.device)
    counts = F.embedding(tokens, eye).cumsum_(dim=1)
    counts[..., vocab] = 1.0
    return counts


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
        if any(need[2:6]):
            both = counts.t() @ V
            if need[2] or need[3]:
                grads[2], grads[3] = both[:-1, 0::2], -both[:-1, 1::2]
            if need[4] or need[5]:
                start = both[-1:] if ctx.shared else V.view(length, B, n, -1).sum(dim=(0, 2))
                grads[4], grads[5] = start[:, 0::2], -start[:, 1::2]
        if need[6]:
            grads[6] = G.t() @ Z
        return tuple(grads)
