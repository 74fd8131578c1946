"""A fused recurrence for unstructured letters: ``h_t = normalize(W[:, :, x_t] h_{t-1})``.

The loop runs outside autograd; a hand-written backward walks the sequence once in reverse and
computes the weight gradient with one large matrix product at the end, instead of one small
product (and one autograd node) per step.  Both directions use the "all letters at once" form:
``h @ all_letters`` gives every letter's product in one matmul, and the row of the letter that
was read is gathered; no per-position matrix is ever built.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from bilinear.models.scan import _EPS

__all__ = ["fused_recurrence", "fused_cp_recurrence"]


class _FusedRecurrence(torch.autograd.Function):
    """The loop writes every step straight into the (B, T, H) buffers (strided per-step views)
    with ``out=`` and in-place operations: one step is a handful of kernel calls and no fresh
    allocation, and the states come out contiguous for the readout."""

    @staticmethod
    def forward(
        ctx: Any,
        W: torch.Tensor,
        h0: torch.Tensor,
        tokens: torch.Tensor,
        normalize: bool,
        gather: bool | str,
    ) -> torch.Tensor:
        H, _, D = W.shape
        B, T = tokens.shape
        group = gather == "group"
        if group:  # rows grouped by letter, one (D, M_t, H) x (D, H, H) bmm per step
            srcs, rows, sizes = _letter_groups(tokens, D)
            letters_t = W.permute(2, 1, 0).contiguous()  # letters_t[k] = W[:, :, k]^T
            hps, ops = _group_buffers(h0, D, max(sizes), H, sizes)
        elif gather:  # letters[k] = W[:, :, k]; one (B, H, H) gather + bmm per step
            letters = W.permute(2, 0, 1).contiguous()
            rows = tokens.t().unbind(0)
        else:
            fwd = W.permute(1, 2, 0).reshape(H, D * H)  # fwd[j, k*H + i] = W[i, j, k]
            offsets = (tokens + torch.arange(B, device=tokens.device).unsqueeze(1) * D).t()
            rows = offsets.contiguous().unbind(0)
            buf = h0.new_empty(B, D * H)
            flat = buf.view(B * D, H)
        states = h0.new_empty(B, T, H)
        norms = h0.new_empty(B, T, 1) if normalize else None
        norm_steps = norms.unbind(1) if norms is not None else rows
        eps = _EPS.get(h0.dtype, 1e-30)
        h = h0
        for t, (y, row, n) in enumerate(zip(states.unbind(1), rows, norm_steps, strict=True)):
            if group:
                hp, op = hps[t], ops[t]
                torch.index_select(h, 0, srcs[t], out=hp.view(-1, H))
                torch.bmm(hp, letters_t, out=op)
                torch.index_select(op.view(-1, H), 0, row, out=y)
            elif gather:
                y.copy_(torch.bmm(letters.index_select(0, row), h.unsqueeze(-1)).squeeze(-1))
            else:
                torch.mm(h, fwd, out=buf)
                torch.index_select(flat, 0, row, out=y)
            if normalize:
                torch.linalg.vector_norm(y, dim=-1, keepdim=True, out=n)
                y.div_(n.clamp_min_(eps))
            h = y
        ctx.normalize = normalize
        ctx.gather = gather
        # the grouping depends on the tokens only: made once, reused by the backward
        ctx.groups = (srcs, rows, sizes) if group else None
        ctx.save_for_backward(W, h0, tokens, states, norms if normalize else h0.new_empty(0))
        return states

    @staticmethod
    def backward(ctx: Any, grad_states: torch.Tensor) -> Any:
        W, h0, tokens, states, norms = ctx.saved_tensors
        H, _, D = W.shape
        B, T = tokens.shape
        group = ctx.gather == "group"
        if group:
            srcs, rows, sizes = ctx.groups
            letters = W.permute(2, 0, 1).contiguous()
            hps, ops = _group_buffers(h0, D, max(sizes), H, sizes)
            views = list(zip(hps, ops, strict=True))
        elif ctx.gather:
            letters = W.permute(2, 0, 1).contiguous()
            rows = tokens.t().unbind(0)
            srcs = rows
        else:
            bwd = W.permute(0, 2, 1).reshape(H, D * H)  # bwd[i, k*H + j] = W[i, j, k]
            rows = (tokens + torch.arange(B, device=tokens.device).unsqueeze(1) * D).t()
            rows = rows.contiguous().unbind(0)
            buf = h0.new_empty(B, D * H)
            flat = buf.view(B * D, H)
            srcs = rows
        # Two (B, T, H) buffers in all: fresh large buffers are slow on CPU (page faults)
        grads = grad_states.clone(memory_format=torch.contiguous_format)  # ours to overwrite
        grad_pre = torch.empty_like(states)
        if ctx.normalize:
            # Scale invariance: h_t = normalize(A_t ... A_1 h_0) equals normalize(u_t) for
            # u_t = A_t u_{t-1} / c_t with the norms c_t held *constant*, so the gradient may
            # treat them as constants.  Then only the readout of each h_t = u_t / |u_t| (with
            # |u_t| = 1) needs the projection, and that is done for all steps at once here:
            # (g - h (h . g)) / c_t; the loop is left with gp_t = that + A_{t+1}^T gp_{t+1} / c_t.
            dots = torch.mul(states, grads, out=grad_pre).sum(dim=-1, keepdim=True)
            grads.addcmul_(states, dots, value=-1.0).div_(norms)
        g = torch.zeros_like(h0)
        # per-step views made once (one call each), so the loop does no indexing
        steps = zip(
            grad_pre.unbind(1),
            grads.unbind(1),
            norms.unbind(1) if ctx.normalize else rows,
            rows,
            srcs,
            views if group else rows,
            strict=True,
        )
        for gp, gs, n, row, src_t, view in reversed(list(steps)):
            if ctx.normalize:
                torch.addcdiv(gs, g, n, out=gp)
            else:
                torch.add(gs, g, out=gp)
            if group:  # A(x_t)^T g, rows grouped by letter
                hp, op = view
                torch.index_select(gp, 0, src_t, out=hp.view(-1, H))
                torch.bmm(hp, letters, out=op)
                g = op.view(-1, H).index_select(0, row)
            elif ctx.gather:  # A(x_t)^T g
                g = torch.bmm(gp.unsqueeze(1), letters.index_select(0, row)).squeeze(1)
            else:
                torch.mm(gp, bwd, out=buf)
                g = flat.index_select(0, row)
        grad_W = None
        if ctx.needs_input_grad[0]:
            # grad W[:, :, k] = sum over positions reading k of gp_t h_{t-1}^T.  Step 0 (h_{-1}
            # = h0) is a small product; steps 1.. are grouped by letter (one sort, two gathers
            # into the buffers above, now free), then one matrix product per letter.
            onehot0 = F.one_hot(tokens[:, 0], D).to(W.dtype)
            grad_W = torch.einsum("bi,bj,bk->kij", grad_pre[:, 0], h0, onehot0)
            if T > 1:
                rest = tokens[:, 1:].reshape(-1)
                # flat (b, t) positions with t >= 1, grouped by letter; h_{t-1} is one row up
                pos = torch.arange(B * T, device=tokens.device).view(B, T)[:, 1:].reshape(-1)
                order = pos.index_select(0, torch.argsort(rest, stable=True))
                sizes = torch.bincount(rest, minlength=D).tolist()
                n_rest = rest.shape[0]
                gy = torch.index_select(
                    grad_pre.view(B * T, H), 0, order, out=grads.view(B * T, H)[:n_rest]
                )
                prev = torch.index_select(
                    states.view(B * T, H), 0, order - 1, out=grad_pre.view(B * T, H)[:n_rest]
                )
                for k, (gk, pk) in enumerate(zip(gy.split(sizes), prev.split(sizes), strict=True)):
                    if gk.shape[0]:
                        grad_W[k].addmm_(gk.t(), pk)
            grad_W = grad_W.permute(1, 2, 0)
        return grad_W, g if ctx.needs_input_grad[1] else None, None, None, None


def _letter_groups(
    tokens: torch.Tensor, D: int
) -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...], list[int]]:
    """Per-step grouping of the batch rows by the letter read, padded to ``M_t`` rows a letter.

    ``M_t`` is the largest group of step ``t``.  Returns ``srcs``: for each step, the batch row
    in each of its ``D * M_t`` padded slots (padding slots repeat row 0, their products are never
    read), ``slots``: for each step, the slot of each batch row (``B``), and the ``M_t``.
    """
    B, T = tokens.shape
    onehot = F.one_hot(tokens, D)  # (B, T, D)
    counts = onehot.sum(dim=0)  # (T, D)
    per_step = counts.max(dim=1).values  # (T,)
    M = int(per_step.max())
    rank = (onehot.cumsum(dim=0) - 1).gather(2, tokens.unsqueeze(-1)).squeeze(-1)  # (B, T)
    slots = (tokens * per_step + rank).t().contiguous()  # (T, B)
    src = torch.zeros(T, D * M, dtype=torch.long, device=tokens.device)
    src.scatter_(1, slots, torch.arange(B, device=tokens.device).expand(T, B))
    sizes = per_step.tolist()
    used = torch.arange(D * M, device=tokens.device) < (per_step * D).unsqueeze(1)
    srcs = src[used].split([D * m for m in sizes])
    return srcs, slots.unbind(0), sizes


def _group_buffers(
    h0: torch.Tensor, D: int, M: int, H: int, sizes: list[int]
) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Per-step (D, M_t, H) views of two (D * M * H) buffers, one pair of views per distinct
    ``M_t`` (made once, looked up per step)."""
    hp = h0.new_empty(D * M * H)
    op = h0.new_empty(D * M * H)
    made = {m: (hp[: D * m * H].view(D, m, H), op[: D * m * H].view(D, m, H)) for m in set(sizes)}
    return [made[m][0] for m in sizes], [made[m][1] for m in sizes]


def fused_recurrence(
    W: torch.Tensor,
    h0: torch.Tensor,
    tokens: torch.Tensor,
    normalize: bool = True,
    gather: bool | str | None = None,
) -> torch.Tensor:
    """States ``(B, T, H)`` of ``h_t = W[:, :, x_t] h_{t-1}`` (each normalized when asked).

    ``gather`` picks the per-step product: False computes every letter's product in one matmul
    and keeps the row of the letter read; True gathers each position's matrix and uses a
    batched matmul; ``"group"`` groups the rows by the letter read (padded to the largest
    group of each step) and multiplies each group by its letter in one batched matmul; None
    (default) decides from the sizes.

    Examples
    --------
    >>> W = torch.zeros(1, 1, 2, dtype=torch.float64); W[0, 0] = torch.tensor([1.0, -1.0])
    >>> h0 = torch.ones(1, 1, dtype=torch.float64)
    >>> fused_recurrence(W, h0, torch.tensor([[1, 1, 0]])).flatten().tolist()
    [-1.0, 1.0, 1.0]
    """
    if gather is None:
        gather = _prefer_gather(W.shape[0], W.shape[2], tokens.shape[0])
        if not gather and _prefer_group(tokens, W.shape[2]):
            gather = "group"
    elif gather != "group":
        gather = bool(gather)
    return _FusedRecurrence.apply(W, h0, tokens, bool(normalize), gather)


def _prefer_group(tokens: torch.Tensor, D: int) -> bool:
    """Grouping by letter pays when the padded groups hold far fewer rows than all letters'
    products (``D * M`` against ``D * B``): here when the largest group is under half the
    batch, and there is more than one letter."""
    B = tokens.shape[0]
    if D < 2 or B < 8 or tokens.shape[1] == 0:
        return False
    return 2 * int(F.one_hot(tokens, D).sum(dim=0).max()) <= B


def _prefer_gather(H: int, D: int, B: int) -> bool:
    """Per-step letter gather + bmm (B H^2 copies and MACs) or all letters (B D H^2 MACs).

    Measured on CPU (batch 64): all letters wins from D = 2 up to D = 50 at H = 256, where the
    two meet; so the gather is chosen only for much larger alphabets.
    """
    return D * H > 16384


class _FusedCP(torch.autograd.Function):
    """``h_t = normalize(U ((Z^T h_{t-1}) * v_t))`` with ``v_t = V[x_t]`` given per position.

    Same treatment as :class:`_FusedRecurrence`: per-step views written in place, and the
    backward treats the norms as constants (scale invariance), with the projection of the
    readout's gradient done for all steps at once.
    """

    @staticmethod
    def forward(
        ctx: Any,
        U: torch.Tensor,
        Z: torch.Tensor,
        v: torch.Tensor,
        h0: torch.Tensor,
        normalize: bool,
    ) -> torch.Tensor:
        B, T, R = v.shape
        H = U.shape[0]
        Ut = U.t()
        states = h0.new_empty(B, T, H)
        norms = h0.new_empty(B, T, 1) if normalize else None
        norm_steps = norms.unbind(1) if norms is not None else v.unbind(1)
        eps = _EPS.get(h0.dtype, 1e-30)
        r = h0.new_empty(B, R)
        h = h0
        for y, vt, n in zip(states.unbind(1), v.unbind(1), norm_steps, strict=True):
            torch.mm(h, Z, out=r).mul_(vt)
            torch.mm(r, Ut, out=y)
            if normalize:
                torch.linalg.vector_norm(y, dim=-1, keepdim=True, out=n)
                y.div_(n.clamp_min_(eps))
            h = y
        ctx.normalize = normalize
        ctx.save_for_backward(U, Z, v, h0, states, norms if normalize else h0.new_empty(0))
        return states

    @staticmethod
    def backward(ctx: Any, grad_states: torch.Tensor) -> Any:
        U, Z, v, h0, states, norms = ctx.saved_tensors
        B, T, R = v.shape
        H = U.shape[0]
        grads = grad_states.clone(memory_format=torch.contiguous_format)  # ours to overwrite
        grad_pre = torch.empty_like(states)
        if ctx.normalize:  # see _FusedRecurrence.backward
            dots = torch.mul(states, grads, out=grad_pre).sum(dim=-1, keepdim=True)
            grads.addcmul_(states, dots, value=-1.0).div_(norms)
        grad_u = torch.empty(B, T, R, dtype=v.dtype, device=v.device)  # dL/d(U-input) per step
        g = torch.zeros_like(h0)
        Zt = Z.t()
        steps = zip(
            grad_pre.unbind(1),
            grads.unbind(1),
            grad_u.unbind(1),
            v.unbind(1),
            norms.unbind(1) if ctx.normalize else v.unbind(1),
            strict=True,
        )
        for gp, gs, gr, vt, n in reversed(list(steps)):
            if ctx.normalize:
                torch.addcdiv(gs, g, n, out=gp)
            else:
                torch.add(gs, g, out=gp)
            torch.mm(gp, U, out=gr)  # gradient at r_t = (Z^T h_{t-1}) * v_t
            g = (gr * vt) @ Zt
        prev = torch.cat((h0.unsqueeze(1), states[:, :-1]), dim=1)  # (B, T, H)
        proj = prev @ Z  # (B, T, R)
        grad_U = grad_pre.reshape(B * T, H).t() @ (proj * v).reshape(B * T, R)
        grad_v = grad_u * proj
        grad_Z = prev.reshape(B * T, H).t() @ (grad_u * v).reshape(B * T, R)
        return grad_U, grad_Z, grad_v, g, None


def fused_cp_recurrence(
    U: torch.Tensor, Z: torch.Tensor, v: torch.Tensor, h0: torch.Tensor, normalize: bool = True
) -> torch.Tensor:
    """States ``(B, T, H)`` of the CP recurrence ``h_t = U ((Z^T h_{t-1}) * v_t)``.

    ``U``, ``Z`` have shape (H, R); ``v`` (B, T, R) holds ``V[x_t]`` for every position.

    Examples
    --------
    >>> U = Z = torch.eye(2, dtype=torch.float64)
    >>> v = torch.tensor([[[1.0, -1.0], [1.0, -1.0]]], dtype=torch.float64)
    >>> fused_cp_recurrence(U, Z, v, torch.ones(1, 2, dtype=torch.float64), False).tolist()
    [[[1.0, -1.0], [1.0, 1.0]]]
    """
    return _FusedCP.apply(U, Z, v, h0, bool(normalize))
