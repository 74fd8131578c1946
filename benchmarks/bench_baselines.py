"""Training speed of the baselines (``mamba_like``, ``transformer``) against ``torch.nn.LSTM``.

Rows (``rows(quick)``, see ``benchmarks/run.py``):

* ``baseline_<name>_L<layers>``: one training step *with the optimizer* (zero_grad, forward,
  cross-entropy on every position, backward, ``torch.optim.Adam`` step) at batch 64, length 256,
  hidden 64, 8 symbols, interleaved with the same step of a 1-layer ``lstm`` on the same input;
  ``ratio`` = LSTM time / model time, the median over interleaved pairs (goal:
  ``mamba_like`` >= 3 at one layer).

``quick`` shrinks the sizes (batch 16, length 64).  Torch runs on one thread.
"""

from __future__ import annotations

from typing import Any

import torch

from _timing import median, timed
from bilinear.models import make, sequence_cross_entropy

LSTM_BASELINE = "torch.nn.LSTM, 1 layer, Adam step included (same input, same run)"
CASES: tuple[tuple[str, int], ...] = (
    ("mamba_like", 1),
    ("mamba_like", 2),
    ("mamba_like", 4),
    ("lstm", 2),
    ("transformer", 1),
)


def _stepper(model: Any, x: torch.Tensor, y: torch.Tensor):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        sequence_cross_entropy(logits, y).backward()
        opt.step()

    return step


def baseline_rows(quick: bool) -> list[dict]:
    """``baseline_<name>_L<layers>`` rows against a 1-layer LSTM."""
    B, T, H, D = (16, 64, 64, 8) if quick else (64, 256, 64, 8)
    reps = 3 if quick else 7
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, D, (B, T), generator=g)
    y = torch.randint(0, D, (B, T), generator=g)
    lstm_step = _stepper(make("lstm", D, D, H, seed=0, device="cpu"), x, y)
    rows = []
    for name, layers in CASES:
        step = _stepper(make(name, D, D, H, seed=0, device="cpu", layers=layers), x, y)
        step()
        lstm_step()  # warm up
        mine, base = [], []
        for _ in range(reps):
            base.append(timed(lstm_step))
            mine.append(timed(step))
        rows.append(
            {
                "benchmark": f"baseline_{name}_L{layers}",
                "value": 1e3 * median(mine),
                "unit": "ms/step",
                "baseline": LSTM_BASELINE,
                "ratio": median([b / m for b, m in zip(base, mine, strict=True)]),
                "shape": {"batch": B, "length": T, "hidden": H, "symbols": D, "layers": layers},
            }
        )
    return rows


def rows(quick: bool) -> list[dict]:
    """All rows of this module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return baseline_rows(quick)
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    for row in rows("--quick" in sys.argv):
        print(json.dumps(row))
