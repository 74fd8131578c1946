"""The baselines at 1, 2 and 4 layers; ``mamba_like``'s chunked scan against a plain loop."""

from __future__ import annotations

import pytest
import torch

from bilinear.errors import InvalidArgumentError
from bilinear.models import make


@pytest.mark.parametrize("name", ["lstm", "transformer", "mamba_like"])
@pytest.mark.parametrize("layers", [1, 2, 4])
def test_baselines_accept_layers(name: str, layers: int) -> None:
    m = make(name, vocab=3, labels=2, hidden=8, layers=layers, seed=0, device="cpu")
    out = m(torch.zeros(2, 7, dtype=torch.long))
    assert out.shape == (2, 7, 2)
    assert torch.isfinite(out).all()


def test_mamba_like_rejects_bad_layers() -> None:
    with pytest.raises(InvalidArgumentError):
        make("mamba_like", vocab=3, labels=2, hidden=8, layers=0, device="cpu")


def _loop_scan(layer, x: torch.Tensor, h: torch.Tensor, chunk: int) -> torch.Tensor:
    log_a = torch.nn.functional.logsigmoid(layer.decay(x)).clamp(min=-80.0 / chunk)
    a, b = log_a.exp(), layer.value(x)
    outs = []
    for t in range(x.shape[1]):
        h = a[:, t] * h + b[:, t]
        outs.append(h)
    return torch.stack(outs, dim=1)


@pytest.mark.parametrize("chunk", [1, 4, 32])
def test_mamba_like_scan_equals_recurrence(chunk: int) -> None:
    m = make(
        "mamba_like",
        vocab=4,
        labels=2,
        hidden=6,
        layers=2,
        chunk=chunk,
        seed=1,
        device="cpu",
        dtype="float64",
    )
    layer = m.scans[0]
    x = torch.randn(3, 37, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    h0 = torch.randn(3, 6, dtype=torch.float64)
    y, h = layer(x, h0, chunk)
    ref = _loop_scan(layer, x, h0, chunk)
    torch.testing.assert_close(y, ref)
    torch.testing.assert_close(h, ref[:, -1])


def test_mamba_like_state_carries_across_calls() -> None:
    m = make(
        "mamba_like", vocab=3, labels=2, hidden=8, layers=2, seed=0, device="cpu", dtype="float64"
    )
    tokens = torch.randint(0, 3, (2, 50), generator=torch.Generator().manual_seed(0))
    whole, _ = m._forward_state(tokens, None)
    first, state = m._forward_state(tokens[:, :20], None)
    second, _ = m._forward_state(tokens[:, 20:], state)
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)


def test_mamba_like_long_word_is_finite() -> None:
    m = make("mamba_like", vocab=2, labels=2, hidden=4, seed=0, device="cpu")
    with torch.no_grad():
        m.scans[0].decay.bias.fill_(-30.0)  # a ~ e^-30: the clamp keeps exp finite
        out = m(torch.zeros(1, 300, dtype=torch.long))
    assert torch.isfinite(out).all()
