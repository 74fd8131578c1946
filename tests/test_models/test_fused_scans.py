"""The fused diagonal scans (custom autograd Functions): gradients and agreement with the loop."""

from __future__ import annotations

import pytest
import torch

from bilinear.models import make
from bilinear.models.scan import (
    _CountDiagonal,
    _CountDiagonalReadout,
    _CountPolar,
    _CountPolarReadout,
    _counts_with_ones,
    letter_counts,
)


def _inputs(seed: int = 0, rows: int = 2):
    """Counts (with the ones column the fused Functions take) for a batch of 2 words, a table,
    and a start of ``rows`` rows (1: one start shared by the batch, folded into the GEMMs)."""
    g = torch.Generator().manual_seed(seed)
    counts = _counts_with_ones(torch.randint(0, 3, (2, 5), generator=g), 3, torch.float64)
    table = torch.randn(3, 4, dtype=torch.float64, generator=g).requires_grad_()
    start = torch.randn(rows, 4, dtype=torch.float64, generator=g).requires_grad_()
    return g, counts, table, start


def test_counts_with_ones_extends_letter_counts() -> None:
    x = torch.tensor([[2, 0, 2, 1], [1, 1, 1, 1]])
    counts = _counts_with_ones(x, 3, torch.float32)
    assert torch.equal(counts[..., :3], letter_counts(x, 3, torch.float32))
    assert torch.equal(counts[..., 3], torch.ones(2, 4))


@pytest.mark.parametrize("rows", [1, 2])
@pytest.mark.parametrize("signs", ["none", "start", "both"])
def test_count_diagonal_gradcheck(signs: str, rows: int) -> None:
    g, counts, table, start = _inputs(rows=rows)
    negative = (torch.rand(3, 4, generator=g) < 0.5).double() if signs == "both" else None
    parity = None if signs == "none" else (torch.rand(rows, 4, generator=g) < 0.5).double()
    assert torch.autograd.gradcheck(
        lambda t, s: _CountDiagonal.apply(counts, t, s, negative, parity), (table, start)
    )


@pytest.mark.parametrize("rows", [1, 2])
def test_count_polar_gradcheck(rows: int) -> None:
    g, counts, table, start = _inputs(1, rows)
    angle = torch.randn(3, 4, dtype=torch.float64, generator=g).requires_grad_()
    start_angle = torch.randn(rows, 4, dtype=torch.float64, generator=g).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda t, a, s, sa: _CountPolar.apply(counts, t, a, s, sa),
        (table, angle, start, start_angle),
    )


@pytest.mark.parametrize("level", ["real_diagonal", "positive_diagonal", "complex_diagonal"])
def test_scan_matches_loop_with_gradients(level: str) -> None:
    """States and parameter gradients of the fused scan equal the step-by-step loop."""
    torch.manual_seed(0)
    model = make(level, 3, 2, 6, seed=0, dtype="float64")
    x = torch.randint(0, 3, (4, 300))  # longer than one scan chunk
    results = []
    for run in (model._scan, model._loop):
        model.zero_grad()
        states, _ = run(x, model._initial(4))
        (states**3).sum().backward()
        grads = [p.grad.clone() for p in model.parameters() if p.grad is not None]
        results.append((states.detach(), grads))
    (s1, g1), (s2, g2) = results
    torch.testing.assert_close(s1, s2, rtol=1e-9, atol=1e-12)
    assert len(g1) == len(g2)
    for a, b in zip(g1, g2, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("rows", [1, 2])
@pytest.mark.parametrize("signs", ["none", "start", "both"])
def test_count_diagonal_readout_gradcheck(signs: str, rows: int) -> None:
    """The readout folded into the fused diagonal scan: float64 gradients, and the same
    logits as the unfused states times the readout."""
    g, counts, table, start = _inputs(2, rows)
    negative = (torch.rand(3, 4, generator=g) < 0.5).double() if signs == "both" else None
    parity = None if signs == "none" else (torch.rand(rows, 4, generator=g) < 0.5).double()
    readout = torch.randn(3, 4, dtype=torch.float64, generator=g).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda t, s, r: _CountDiagonalReadout.apply(counts, t, s, negative, parity, r),
        (table, start, readout),
    )
    with torch.no_grad():
        fused = _CountDiagonalReadout.apply(counts, table, start, negative, parity, readout)
        plain = _CountDiagonal.apply(counts, table, start, negative, parity) @ readout.t()
    torch.testing.assert_close(fused, plain, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("level", ["real_diagonal", "positive_diagonal", "complex_diagonal"])
def test_folded_readout_matches_states(level: str) -> None:
    """forward (readout folded into the scan) equals states @ readout.T, gradients included."""
    model = make(level, 3, 2, 6, seed=0, dtype="float64")
    x = torch.randint(0, 3, (4, 300), generator=torch.Generator().manual_seed(0))
    results = []
    for run in (model, lambda t: model.states(t) @ model.readout.t()):
        model.zero_grad()
        logits = run(x)
        (logits**3).sum().backward()
        results.append((logits.detach(), [p.grad.clone() for p in model.parameters()]))
    (l1, g1), (l2, g2) = results
    torch.testing.assert_close(l1, l2, rtol=1e-9, atol=1e-12)
    for a, b in zip(g1, g2, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("rows", [1, 2])
def test_count_polar_readout_gradcheck(rows: int) -> None:
    """The readout folded into the fused complex scan: float64 gradients and agreement."""
    g, counts, table, start = _inputs(3, rows)
    angle = torch.randn(3, 4, dtype=torch.float64, generator=g).requires_grad_()
    start_angle = torch.randn(rows, 4, dtype=torch.float64, generator=g).requires_grad_()
    readout = torch.randn(3, 8, dtype=torch.float64, generator=g).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda t, a, s, sa, r: _CountPolarReadout.apply(counts, t, a, s, sa, r),
        (table, angle, start, start_angle, readout),
    )
    with torch.no_grad():
        fused = _CountPolarReadout.apply(counts, table, angle, start, start_angle, readout)
        plain = _CountPolar.apply(counts, table, angle, start, start_angle) @ readout.t()
    torch.testing.assert_close(fused, plain, rtol=1e-12, atol=1e-14)
