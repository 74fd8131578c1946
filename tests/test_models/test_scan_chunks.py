"""Chunked scans: any chunking gives the unchunked scan's and the step loop's outputs, and a
unit far below the largest survives a chunk boundary (the state is carried in log-space)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.models import make
from bilinear.models.scan import count_diagonal_scan, count_polar_scan

SCAN_LEVELS = ("real_diagonal", "positive_diagonal", "complex_diagonal", "block")


def _loss_and_grads(model, x: torch.Tensor, y: torch.Tensor, *, loop: bool = False):
    model.zero_grad(set_to_none=True)
    if loop:
        states, _ = model._loop(x, model._initial(x.shape[0]))
        logits = states @ model.readout.t()
    else:
        logits = model(x)
    F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).backward()
    grads = [p.grad.clone() for p in model.parameters() if p.grad is not None]
    return logits.detach(), grads


@settings(max_examples=12, deadline=None)
@given(
    level=st.sampled_from(SCAN_LEVELS),
    batch=st.integers(1, 3),
    length=st.integers(1, 40),
    chunk=st.integers(1, 17),
    seed=st.integers(0, 2**16),
)
def test_any_chunking_matches_unchunked_and_loop(
    level: str, batch: int, length: int, chunk: int, seed: int
) -> None:
    """Logits and every parameter gradient agree (float64) for the default chunking, a random
    chunk size, one chunk, and the step-by-step loop."""
    model = make(level, 3, 2, 4, seed=seed % 7, dtype="float64", device="cpu")
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 3, (batch, length), generator=g)
    y = torch.randint(0, 2, (batch, length), generator=g)
    ref = _loss_and_grads(model, x, y, loop=True)
    for c in (chunk, 10**6, 256):
        model.scan_chunk = c
        logits, grads = _loss_and_grads(model, x, y)
        torch.testing.assert_close(logits, ref[0], rtol=1e-9, atol=1e-11)
        assert len(grads) == len(ref[1])
        for a, b in zip(grads, ref[1], strict=True):
            torch.testing.assert_close(a, b, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("level", ["real_diagonal", "positive_diagonal", "complex_diagonal"])
def test_chunked_training_step_matches_one_chunk_float32(level: str) -> None:
    """At the benchmark's scale (float32, several chunks of the default size) the chunked
    forward and gradients equal a single chunk up to float32 rounding."""
    model = make(level, 8, 8, 16, seed=0)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 8, (4, 700), generator=g)
    y = torch.randint(0, 8, (4, 700), generator=g)
    chunked = _loss_and_grads(model, x, y)
    model.scan_chunk = 10**6
    single = _loss_and_grads(model, x, y)
    torch.testing.assert_close(chunked[0], single[0], rtol=2e-3, atol=2e-4)
    for a, b in zip(chunked[1], single[1], strict=True):
        torch.testing.assert_close(a, b, rtol=2e-2, atol=2e-4)


def _reference_log_states(log_table: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """float64 log-magnitudes relative to the largest unit, step by step."""
    L = torch.cumsum(log_table.double()[tokens], dim=1)
    return L - L.amax(dim=-1, keepdim=True)


def _revival_tokens() -> torch.Tensor:
    # 100 steps of letter 0 push unit 1 to e^-200 below unit 0 (a float32 zero), then 200
    # steps of letter 1 bring it back on top
    return torch.cat(
        (torch.zeros(1, 100, dtype=torch.long), torch.ones(1, 200, dtype=torch.long)), dim=1
    )


def test_real_unit_below_float_range_survives_chunk_boundary() -> None:
    """A unit e^-200 below the largest at a chunk boundary (zero as a normalized float32) comes
    back when later letters favour it: the carried state is log-space, not a zero."""
    log_table = torch.tensor([[0.0, -2.0], [-2.0, 0.0]])
    x = _revival_tokens()
    h = torch.full((1, 2), 1 / math.sqrt(2))
    states, last = count_diagonal_scan(x, log_table, None, h, chunk=100)
    ref = torch.exp(_reference_log_states(log_table, x))
    ref = ref / ref.norm(dim=-1, keepdim=True)
    torch.testing.assert_close(states[0, -1].double(), ref[0, -1], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(last[0].double(), ref[0, -1], rtol=1e-5, atol=1e-6)
    assert float(states[0, -1, 1]) > 0.99


def test_complex_unit_below_float_range_survives_chunk_boundary() -> None:
    """The same for complex units (with rotations: the carried angle is wrapped to a turn)."""
    log_table = torch.tensor([[0.0, -2.0], [-2.0, 0.0]])
    angle_table = torch.tensor([[0.3, 1.1], [2.5, -0.7]])
    x = _revival_tokens()
    h = torch.tensor([[0.5, 0.5, 0.5, 0.5]])
    states, last = count_polar_scan(x, log_table, angle_table, h, chunk=100)
    mag = torch.exp(_reference_log_states(log_table, x))
    theta = torch.cumsum(angle_table.double()[x], dim=1) + math.pi / 4
    ref = torch.stack((mag * torch.cos(theta), mag * torch.sin(theta)), dim=-1).flatten(-2)
    ref = ref / ref.norm(dim=-1, keepdim=True)
    torch.testing.assert_close(states[0, -1].double(), ref[0, -1], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(last[0].double(), ref[0, -1], rtol=1e-4, atol=1e-5)
    assert float(states[0, -1, 2:].norm()) > 0.99


def test_negative_letters_keep_exact_signs_across_many_chunks() -> None:
    """Sign flips carried as a parity over 50 chunks: every sign equals the loop's."""
    model = make("real_diagonal", 2, 2, 4, seed=3, dtype="float64", device="cpu")
    with torch.no_grad():
        model.diagonal.copy_(
            torch.tensor([[-1.0, 1.0, -0.9, 1.1], [1.0, -1.0, -1.05, 0.95]], dtype=torch.float64)
        )
    x = torch.randint(0, 2, (3, 500), generator=torch.Generator().manual_seed(4))
    model.scan_chunk = 10
    chunked = model.states(x)
    loop = model._loop(x, model._initial(3))[0]
    torch.testing.assert_close(chunked, loop, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("level", ["real_diagonal", "positive_diagonal"])
def test_zero_factors_take_the_general_path_in_every_chunk(level: str) -> None:
    """Letters with exact zeros (log 0 = -inf: the general, unfused path) give the loop's
    logits and readout gradient for any chunking.  (The letters' own gradient at a zero factor
    is not finite in log-space, chunked or not; only the readout's is compared.)"""
    model = make(level, 3, 2, 4, seed=2, dtype="float64", device="cpu")
    with torch.no_grad():
        model.diagonal[1, 0] = 0.0
        model.diagonal[2, 3] = 0.0
    g = torch.Generator().manual_seed(5)
    x = torch.randint(0, 3, (3, 30), generator=g)
    y = torch.randint(0, 2, (3, 30), generator=g)
    ref_logits, _ = _loss_and_grads(model, x, y, loop=True)
    ref_readout = model.readout.grad.clone()
    for c in (7, 10**6):
        model.scan_chunk = c
        logits, _ = _loss_and_grads(model, x, y)
        torch.testing.assert_close(logits, ref_logits, rtol=1e-9, atol=1e-11)
        torch.testing.assert_close(model.readout.grad, ref_readout, rtol=1e-7, atol=1e-10)
