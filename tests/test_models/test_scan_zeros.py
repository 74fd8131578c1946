"""Diagonal scans with exact-zero letter entries or start units: forward values and every
gradient (letters, start, readout) equal the plain step-by-step loop's, chunked or not, and
are finite (the derivative of a product at a zero factor is the product of the others)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.models.scan import (
    complex_diagonal_scan,
    count_diagonal_scan,
    count_polar_scan,
    factor_diagonal_scan,
    factor_polar_scan,
    real_diagonal_scan,
)

_EPS = 1e-300


def _normalize(h: torch.Tensor) -> torch.Tensor:
    return F.normalize(h, dim=-1, eps=_EPS)


def _real_loop(tokens: torch.Tensor, w: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    a = F.embedding(tokens, w)
    hs = []
    for t in range(tokens.shape[1]):
        h = _normalize(a[:, t] * h)
        hs.append(h)
    return torch.stack(hs, dim=1)


def _complex_loop(
    tokens: torch.Tensor, p: torch.Tensor, q: torch.Tensor, h: torch.Tensor
) -> torch.Tensor:
    P, Q = F.embedding(tokens, p), F.embedding(tokens, q)
    hs = []
    for t in range(tokens.shape[1]):
        re, im = h[:, 0::2], h[:, 1::2]
        pt, qt = P[:, t], Q[:, t]
        h = torch.stack((pt * re - qt * im, qt * re + pt * im), dim=-1).reshape(h.shape)
        h = _normalize(h)
        hs.append(h)
    return torch.stack(hs, dim=1)


def _grads(loss: torch.Tensor, leaves: list[torch.Tensor]) -> list[torch.Tensor]:
    return list(torch.autograd.grad(loss, leaves, allow_unused=False))


def _case(data: st.DataObject, *, signed: bool, width: int):
    """A random table (D, width) with some exact zeros (never in unit 0, so some unit stays
    alive), a start (B, width) with some zero units (never unit 0), tokens and loss weights."""
    D = data.draw(st.integers(1, 3), label="D")
    B = data.draw(st.integers(1, 3), label="B")
    T = data.draw(st.integers(1, 40), label="T")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    g = torch.Generator().manual_seed(seed)
    mag = torch.rand(D, width, generator=g, dtype=torch.float64) * 0.9 + 0.6
    sign = torch.where(torch.rand(D, width, generator=g) < 0.5, -1.0, 1.0).double()
    table = mag * sign if signed else mag
    cells = [(k, u) for k in range(D) for u in range(1, width)]
    zeros = data.draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells)), "zeros")
    for k, u in zeros:
        table[k, u] = 0.0
    h = torch.randn(B, width, generator=g, dtype=torch.float64)
    h[:, 0] = h[:, 0].abs() + 0.5
    h_zeros = data.draw(st.lists(st.integers(1, width - 1), unique=True, max_size=width - 1))
    for u in h_zeros:
        h[:, u] = 0.0
    tokens = torch.randint(0, D, (B, T), generator=g)
    chunk = data.draw(st.sampled_from([1, 3, 7, 10**6]), label="chunk")
    return table, h, tokens, chunk, g


def _check(got: list[torch.Tensor], ref: list[torch.Tensor]) -> None:
    for a, b in zip(got, ref, strict=True):
        assert bool(torch.isfinite(a).all())
        torch.testing.assert_close(a, b, rtol=1e-8, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), signed=st.booleans())
def test_real_zeros_match_loop(data: st.DataObject, signed: bool) -> None:
    """real_diagonal (signed) and positive_diagonal (nonnegative) letters with zeros."""
    H = 4
    table, h, tokens, chunk, g = _case(data, signed=signed, width=H)
    readout = torch.randn(2, H, generator=g, dtype=torch.float64)
    wl, wh = (
        torch.randn(tokens.shape[0], tokens.shape[1], 2, generator=g).double(),
        torch.randn(tokens.shape[0], H, generator=g).double(),
    )
    leaves = [table.requires_grad_(), h.requires_grad_(), readout.requires_grad_()]

    states = _real_loop(tokens, table, h)
    ref_logits = states @ readout.t()
    ref = _grads((ref_logits * wl).sum() + (states[:, -1] * wh).sum(), leaves)

    logits, last = factor_diagonal_scan(
        tokens, table, h, nonnegative=not signed, chunk=chunk, readout=readout
    )
    torch.testing.assert_close(logits, ref_logits, rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(last, states[:, -1], rtol=1e-9, atol=1e-12)
    _check(_grads((logits * wl).sum() + (last * wh).sum(), leaves), ref)

    # the states themselves (no readout folded in)
    out, _ = factor_diagonal_scan(tokens, table, h, nonnegative=not signed, chunk=chunk)
    torch.testing.assert_close(out, states, rtol=1e-9, atol=1e-12)

    # the per-step scan of the gathered factors
    out, last = real_diagonal_scan(F.embedding(tokens, table), h, chunk=chunk)
    torch.testing.assert_close(out, states, rtol=1e-9, atol=1e-12)
    _check(_grads(((out @ readout.t()) * wl).sum() + (last * wh).sum(), leaves), ref)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_complex_zeros_match_loop(data: st.DataObject) -> None:
    """complex_diagonal letters with zero factors ``0 + 0i`` and zero start units."""
    P = 3
    p, hc, tokens, chunk, g = _case(data, signed=True, width=P)
    q = torch.randn(p.shape, generator=g, dtype=torch.float64) * (p != 0)
    # start (B, 2P) interleaved; a zero complex unit is a zero pair
    h = torch.stack((hc, torch.randn(hc.shape, generator=g).double() * (hc != 0)), -1).flatten(1)
    readout = torch.randn(2, 2 * P, generator=g, dtype=torch.float64)
    wl = torch.randn(tokens.shape[0], tokens.shape[1], 2, generator=g).double()
    leaves = [p.requires_grad_(), q.requires_grad_(), h.requires_grad_(), readout.requires_grad_()]

    states = _complex_loop(tokens, p, q, h)
    ref_logits = states @ readout.t()
    ref = _grads((ref_logits * wl).sum() + states[:, -1].sum(), leaves)

    logits, last = factor_polar_scan(tokens, p, q, h, chunk=chunk, readout=readout)
    torch.testing.assert_close(logits, ref_logits, rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(last, states[:, -1], rtol=1e-9, atol=1e-12)
    _check(_grads((logits * wl).sum() + last.sum(), leaves), ref)

    # the per-step scan of the gathered factors
    out, last = complex_diagonal_scan(
        F.embedding(tokens, p), F.embedding(tokens, q), h, chunk=chunk
    )
    torch.testing.assert_close(out, states, rtol=1e-9, atol=1e-12)
    _check(_grads(((out @ readout.t()) * wl).sum() + last.sum(), leaves), ref)


def test_real_zero_gradient_is_product_of_other_factors() -> None:
    """One unit, letters (0, 3): the state after "0 then 1" is 0 * 3 * h0; d/dw[0] is 3 * h0
    times the normalization's 1/|state| of the other unit (kept at 1 by a second unit)."""
    w = torch.tensor([[0.0, 1.0], [3.0, 1.0]], dtype=torch.float64, requires_grad=True)
    h = torch.tensor([[2.0, 1.0]], dtype=torch.float64)
    out, _ = factor_diagonal_scan(torch.tensor([[0, 1]]), w, h, chunk=1)
    assert out[0, -1].tolist() == [0.0, 1.0]
    out[0, -1, 0].backward()
    assert w.grad is not None
    # d/dw00 of w00 * 3 * 2 / |(w00 * 6, 1)| at w00 = 0 is 6
    expected = torch.tensor([[6.0, 0.0], [0.0, 0.0]], dtype=torch.float64)
    torch.testing.assert_close(w.grad, expected, rtol=1e-12, atol=0.0)


def test_log_table_api_start_gradient_finite_when_chunked() -> None:
    """count_diagonal_scan / count_polar_scan with a constant table holding ``-inf`` (a zero
    entry): the start's gradient is finite and the loop's across chunk boundaries."""
    w = torch.tensor([[0.0, 0.7, -1.2], [1.1, -0.9, 0.8]], dtype=torch.float64)
    tokens = torch.tensor([[1, 0, 1, 1, 0, 1, 1], [1, 1, 1, 0, 1, 0, 0]])
    h = torch.tensor([[0.5, -1.0, 2.0], [1.0, 0.3, -0.4]], dtype=torch.float64)
    h.requires_grad_()
    ref = _grads(_real_loop(tokens, w, h).sum(), [h])
    neg = (w < 0).double()
    for chunk in (1, 2, 3, 10**6):
        out, _ = count_diagonal_scan(tokens, torch.log(w.abs()), neg, h, chunk=chunk)
        _check(_grads(out.sum(), [h]), ref)

    p = w
    q = torch.tensor([[0.0, 0.4, 0.2], [-0.3, 0.5, 0.0]], dtype=torch.float64)
    hc = torch.randn(2, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    hc.requires_grad_()
    ref = _grads(_complex_loop(tokens, p, q, hc).sum(), [hc])
    for chunk in (1, 2, 3, 10**6):
        log_table, angle = 0.5 * torch.log(p * p + q * q), torch.atan2(q, p)
        out, _ = count_polar_scan(tokens, log_table, angle, hc, chunk=chunk)
        _check(_grads(out.sum(), [hc]), ref)


def test_no_zeros_is_the_log_table_scan() -> None:
    """Without a zero entry, factor_diagonal_scan is count_diagonal_scan of log|w| (bitwise)."""
    g = torch.Generator().manual_seed(3)
    w = torch.randn(3, 5, generator=g)
    h = torch.randn(2, 5, generator=g)
    tokens = torch.randint(0, 3, (2, 30), generator=g)
    a, _ = factor_diagonal_scan(tokens, w, h, chunk=7)
    b, _ = count_diagonal_scan(tokens, torch.log(w.abs()), (w < 0).float(), h, chunk=7)
    assert torch.equal(a, b)
