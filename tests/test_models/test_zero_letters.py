"""A diagonal model whose letter has an exact zero entry (e.g. a discretized {-1, 0, 1} copy)
trains with finite gradients that equal the step-by-step loop's."""

from __future__ import annotations

import pytest
import torch

from bilinear.models import make


def _grads(model, tokens, use_scan: bool, monkeypatch) -> list[torch.Tensor]:
    model.zero_grad()
    with monkeypatch.context() as m:
        if not use_scan:  # the step-by-step loop of the same module
            m.setattr(model, "_can_scan", lambda: False)
        model(tokens).square().sum().backward()
    return [torch.zeros_like(p) if p.grad is None else p.grad.clone()
            for p in model.parameters()]


@pytest.mark.parametrize("level", ["real_diagonal", "positive_diagonal", "complex_diagonal"])
def test_zero_entries_give_the_loops_gradients(level: str, monkeypatch) -> None:
    model = make(level, 3, 2, 4, dtype="float64", seed=1)
    with torch.no_grad():
        for name in ("diagonal", "real", "imag"):
            if hasattr(model, name):
                getattr(model, name)[1, 0] = 0.0  # letter 1 kills unit 0
    model.scan_chunk = 7  # several chunks
    tokens = torch.randint(0, 3, (4, 30), generator=torch.Generator().manual_seed(0))
    scan = _grads(model, tokens, True, monkeypatch)
    loop = _grads(model, tokens, False, monkeypatch)
    assert any(g.abs().sum() > 0 for g in scan)
    for g, r in zip(scan, loop, strict=True):
        assert torch.isfinite(g).all()
        torch.testing.assert_close(g, r, rtol=1e-9, atol=1e-9)
