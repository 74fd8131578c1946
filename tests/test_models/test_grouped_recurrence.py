"""The fused recurrence of ``full`` (rows grouped by letter, per-step group sizes) against a plain
per-step autograd loop: states, and the gradients of ``W``, ``h0`` and the readout."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.models import make
from bilinear.models._recurrence import _prefer_group, fused_recurrence


def _reference(W: torch.Tensor, h0: torch.Tensor, x: torch.Tensor, normalize: bool) -> torch.Tensor:
    """``h_t = normalize(W[:, :, x_t] h_{t-1})`` one step at a time, through autograd."""
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = torch.einsum("bij,bj->bi", W.permute(2, 0, 1)[x[:, t]], h)
        if normalize:
            h = F.normalize(h, dim=-1, eps=1e-300)
        hs.append(h)
    return torch.stack(hs, dim=1)


def _grads(out: torch.Tensor, weight: torch.Tensor, params: tuple[torch.Tensor, ...]) -> tuple:
    return (out, *torch.autograd.grad(((out * weight).sum()) ** 2, params))


def _assert_close(mine: tuple, ref: tuple) -> None:
    """Equal up to float64 rounding, relative to each tensor's scale (an exact zero of the
    reference, e.g. the weight gradient at H = 1, comes out as rounding noise of that scale)."""
    for a, b in zip(mine, ref, strict=True):
        scale = 1.0 + float(b.detach().abs().max()) if b.numel() else 1.0
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-10 * scale)


@settings(max_examples=25, deadline=None)
@given(
    B=st.integers(1, 24),
    T=st.integers(1, 9),
    H=st.integers(1, 6),
    D=st.integers(1, 5),
    normalize=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_grouped_matches_per_step_loop(
    B: int, T: int, H: int, D: int, normalize: bool, seed: int
) -> None:
    g = torch.Generator().manual_seed(seed)
    W = (0.7 * torch.randn(H, H, D, generator=g, dtype=torch.float64)).requires_grad_()
    h0 = torch.randn(B, H, generator=g, dtype=torch.float64).requires_grad_()
    readout = torch.randn(3, H, generator=g, dtype=torch.float64).requires_grad_()
    x = torch.randint(0, D, (B, T), generator=g)
    weight = torch.randn(B, T, 3, generator=g, dtype=torch.float64)
    params = (W, h0, readout)
    mine = _grads(fused_recurrence(W, h0, x, normalize, "group") @ readout.t(), weight, params)
    ref = _grads(_reference(W, h0, x, normalize) @ readout.t(), weight, params)
    _assert_close(mine, ref)


@settings(max_examples=10, deadline=None)
@given(B=st.integers(16, 40), T=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_full_model_grouped_path_matches_loop(B: int, T: int, seed: int) -> None:
    """The model's own forward (which takes the grouped path at these sizes) against the loop,
    including the readout and the normalized start."""
    model = make("full", vocab=4, labels=3, hidden=5, device="cpu", seed=seed % 97, dtype="float64")
    x = torch.randint(0, 4, (B, T), generator=torch.Generator().manual_seed(seed))
    if not _prefer_group(x, 4):  # a batch too uneven to group: only the ordinary path runs
        x = (torch.arange(B)[:, None] + torch.arange(T)[None, :]) % 4  # groups of B/4 per step
    assert _prefer_group(x, 4)
    weight = torch.randn(
        B, T, 3, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64
    )
    W, start, readout = (model.get_parameter(n) for n in ("W", "h0", "readout"))
    params = (W, start, readout)
    mine = _grads(model(x), weight, params)
    h0 = F.normalize(start, dim=-1, eps=1e-300).unsqueeze(0).expand(B, -1)
    ref = _grads(_reference(W, h0, x, True) @ readout.t(), weight, params)
    _assert_close(mine, ref)


def test_uneven_steps_use_their_own_group_size() -> None:
    """One step with a large group and others with small ones (per-step padding differs)."""
    g = torch.Generator().manual_seed(3)
    W = (0.6 * torch.randn(4, 4, 3, generator=g, dtype=torch.float64)).requires_grad_()
    h0 = torch.randn(12, 4, generator=g, dtype=torch.float64).requires_grad_()
    x = torch.arange(12 * 5).reshape(12, 5) % 3
    x[:, 2] = 1  # every row reads letter 1 at step 2
    assert torch.autograd.gradcheck(
        lambda W, h0: fused_recurrence(W, h0, x, True, "group"), (W, h0)
    )
    torch.testing.assert_close(
        fused_recurrence(W, h0, x, True, "group"),
        _reference(W, h0, x, True),
        rtol=1e-10,
        atol=1e-12,
    )
