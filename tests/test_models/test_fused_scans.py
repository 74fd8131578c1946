"""The fused diagonal scans (custom autograd Functions): gradients and agreement with the loop."""

from __future__ import annotations

import pytest
import torch

from bilinear.models import make
from bilinear.models.scan import (
    SCAN_BLOCK,
    _block_length,
    _CountDiagonal,
    _CountDiagonalReadout,
    _CountPolarReadout,
    _counts_with_ones,
    letter_counts,
    polar_scan,
)


def _tokens(seed: int) -> torch.Tensor:
    return torch.randint(0, 3, (2, 5), generator=torch.Generator().manual_seed(100 + seed))


def _inputs(seed: int = 0, rows: int = 2):
    """Counts (with the ones column the fused Functions take) for a batch of 2 words, a table,
    and a start of ``rows`` rows (1: one start shared by the batch, folded into the GEMMs)."""
    g = torch.Generator().manual_seed(seed)
    counts = _counts_with_ones(_tokens(seed), 3, torch.float64)
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


def _polar(seed: int, rows: int, outputs: int | None):
    """Inputs of :class:`_CountPolarReadout` (tokens of 2 words x 5 steps, 3 letters, 4 complex
    units); ``outputs=None``: the identity readout, whose "logits" are the states."""
    g, counts, table, start = _inputs(seed, rows)
    angle = (3 * torch.randn(3, 4, dtype=torch.float64, generator=g)).requires_grad_()
    start_angle = torch.randn(rows, 4, dtype=torch.float64, generator=g).requires_grad_()
    readout = (torch.eye(8, dtype=torch.float64) if outputs is None else
               torch.randn(outputs, 8, dtype=torch.float64, generator=g).requires_grad_())
    return _tokens(seed), counts, table, angle, start, start_angle, readout


def _polar_reference(tokens, table, angle, start, start_angle) -> torch.Tensor:
    """The normalized states by log-space cumulative sums (no fused path)."""
    h = torch.stack((torch.exp(start) * torch.cos(start_angle),
                     torch.exp(start) * torch.sin(start_angle)), dim=-1).reshape(len(start), -1)
    states, _ = polar_scan(table[tokens], angle[tokens], h.expand(len(tokens), -1))
    return states


@pytest.mark.parametrize("block", [0, 1, 2, 3, 16])
@pytest.mark.parametrize("rows", [1, 2])
def test_count_polar_gradcheck(rows: int, block: int) -> None:
    """Float64 gradients of the blocked complex scan, for blocks that divide the length, that
    do not (padding), longer than it, of one step, and none (0: every state exact)."""
    tokens, counts, *params, readout = _polar(1, rows, None)
    assert torch.autograd.gradcheck(
        lambda t, a, s, sa: _CountPolarReadout.apply(tokens, counts, t, a, s, sa, readout, block),
        tuple(params),
    )
    with torch.no_grad():
        fused = _CountPolarReadout.apply(tokens, counts, *params, readout, block)
        torch.testing.assert_close(fused, _polar_reference(tokens, *params),
                                   rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("level", ["real_diagonal", "positive_diagonal", "complex_diagonal"])
def test_scan_matches_loop_with_gradients(level: str) -> None:
    """States and parameter gradients of the fused scan equal the step-by-step loop."""
    torch.manual_seed(0)
    model = make(level, 3, 2, 6, seed=0, dtype="float64", device="cpu")
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
    model = make(level, 3, 2, 6, seed=0, dtype="float64", device="cpu")
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


@pytest.mark.parametrize("block", [1, 3, 16])
@pytest.mark.parametrize("rows", [1, 2])
def test_count_polar_readout_gradcheck(rows: int, block: int) -> None:
    """The readout folded into the blocked complex scan: float64 gradients (the readout's
    included) and the same logits as the reference states times the readout."""
    tokens, counts, *params, readout = _polar(3, rows, 3)
    assert torch.autograd.gradcheck(
        lambda t, a, s, sa, r: _CountPolarReadout.apply(tokens, counts, t, a, s, sa, r, block),
        (*params, readout),
    )
    with torch.no_grad():
        fused = _CountPolarReadout.apply(tokens, counts, *params, readout, block)
        plain = _polar_reference(tokens, *params) @ readout.t()
    torch.testing.assert_close(fused, plain, rtol=1e-12, atol=1e-13)


def test_block_length_shrinks_for_large_magnitudes() -> None:
    """Factors far from magnitude 1 get shorter blocks, so products stay in range."""
    assert _block_length(torch.zeros(3, 4)) == SCAN_BLOCK
    assert 1 <= _block_length(torch.full((3, 4), 3.0)) < SCAN_BLOCK
    assert _block_length(torch.full((3, 4), 1e6)) == 0  # every state exact, no products


def _scaled_model(level: str, scale: float):
    """A 3-letter model whose letters scale every unit by ``e^(+-scale)`` per step."""
    model = make(level, 3, 4, 8, seed=0, device="cpu")
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            if p.shape[0] == 3:  # the letters' tables
                p.mul_(torch.exp(scale * torch.sign(torch.randn(p.shape, generator=g))))
    return model


@pytest.mark.parametrize("level", ["real_diagonal", "complex_diagonal"])
def test_large_factors_take_shorter_blocks_and_match_float64(level: str) -> None:
    """Letters scaling units by e^+-3 per step: float32 takes blocks of fewer steps, and its
    logits are those of float64 (blocks of 16) to float32 accuracy."""
    model = _scaled_model(level, 3.0)
    x = torch.randint(0, 3, (4, 300), generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        fast = model(x)
        exact = model.to(torch.float64)(x)
    torch.testing.assert_close(fast.double(), exact, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("level", ["real_diagonal", "complex_diagonal"])
def test_extreme_factors_stay_finite_in_float32(level: str) -> None:
    """Letters scaling units by e^+-40 per step: no product is safe in float32, every state is
    computed from the counts (block 0), and nothing overflows."""
    model = _scaled_model(level, 40.0)
    x = torch.randint(0, 3, (4, 300), generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert torch.isfinite(model(x)).all()
