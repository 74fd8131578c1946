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

__all__ = ["fused_recurrence"]

_EPS = {torch.float32: 1e-30, torch.float64: 1e-300}


class _FusedRecurrence(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, W: torch.Tensor, h0: torch.Tensor, tokens: torch.Tensor,
                normalize: bool) -> torch.Tensor:
        H, _, D = W.shape
        B, T = tokens.shape
        fwd = W.permute(1, 2, 0).reshape(H, D * H)  # fwd[j, k*H + i] = W[i, j, k]
        rows = tokens + torch.arange(B, device=tokens.device).unsqueeze(1) * D
        states = h0.new_empty(B, T, H)
        norms = h0.new_empty(B, T, 1) if normalize else None
        eps = _EPS.get(h0.dtype, 1e-30)
        h = h0
        for t in range(T):
            y = (h @ fwd).view(B * D, H).index_select(0, rows[:, t])
            if normalize:
                n = y.norm(dim=-1, keepdim=True).clamp_min(eps)
                norms[:, t] = n
                y = y / n
            states[:, t] = y
            h = y
        ctx.normalize = normalize
        ctx.save_for_backward(W, h0, tokens, states, norms if normalize else h0.new_empty(0))
        return states

    @staticmethod
    def backward(ctx: Any, grad_states: torch.Tensor) -> Any:
        W, h0, tokens, states, norms = ctx.saved_tensors
        H, _, D = W.shape
        B, T = tokens.shape
        bwd = W.permute(0, 2, 1).reshape(H, D * H)  # bwd[i, k*H + j] = W[i, j, k]
        rows = tokens + torch.arange(B, device=tokens.device).unsqueeze(1) * D
        grad_pre = torch.empty_like(states)
        g = torch.zeros_like(h0)
        for t in range(T - 1, -1, -1):
            g = g + grad_states[:, t]
            if ctx.normalize:
                h = states[:, t]
                g = (g - h * (h * g).sum(dim=-1, keepdim=True)) / norms[:, t]
            grad_pre[:, t] = g
            g = (g @ bwd).view(B * D, H).index_select(0, rows[:, t])  # A(x_t)^T g
        grad_W = None
        if ctx.needs_input_grad[0]:
            prev = torch.cat((h0.unsqueeze(1), states[:, :-1]), dim=1).reshape(B * T, H)
            gy = grad_pre.reshape(B * T, H)
            flat = tokens.reshape(-1)
            grad_W = W.new_zeros(D, H, H)
            for k in range(D):  # grad W[:, :, k] = sum over positions reading k of g h_prev^T
                at = torch.nonzero(flat == k).squeeze(1)
                if at.numel():
                    grad_W[k] = gy.index_select(0, at).t() @ prev.index_select(0, at)
            grad_W = grad_W.permute(1, 2, 0)
        return grad_W, g if ctx.needs_input_grad[1] else None, None, None


def fused_recurrence(W: torch.Tensor, h0: torch.Tensor, tokens: torch.Tensor,
                     normalize: bool = True) -> torch.Tensor:
    """States ``(B, T, H)`` of ``h_t = W[:, :, x_t] h_{t-1}`` (each normalized when asked).

    Examples
    --------
    >>> W = torch.zeros(1, 1, 2, dtype=torch.float64); W[0, 0] = torch.tensor([1.0, -1.0])
    >>> h0 = torch.ones(1, 1, dtype=torch.float64)
    >>> fused_recurrence(W, h0, torch.tensor([[1, 1, 0]])).flatten().tolist()
    [-1.0, 1.0, 1.0]
    """
    return _FusedRecurrence.apply(W, h0, tokens, bool(normalize))
