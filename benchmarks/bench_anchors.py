"""Stronger anchors for the training figures: a plain ``torch.cumprod`` scan and the measured
GEMM peak of this machine.

Rows (``rows(quick)``, see ``benchmarks/run.py``):

* ``anchor_cumprod_<level>`` for the three diagonal levels: one whole training step of the
  level's model (forward, backward, ``torch.optim.Adam`` step; batch 64, length 256, hidden 64,
  8 symbols, cross-entropy on every position) against the same step of the scan a user writes
  by hand: ``torch.cumprod`` of the read letters' factors times ``h0`` (complex for
  ``complex_diagonal``), normalized, read out, the same loss and optimizer, timed interleaved on
  the same input; ``ratio`` = cumprod time / model time (above 1: the level beats the
  hand-written scan).  The anchor's factors start near 1 so that its products stay finite over
  256 steps (a plain cumprod has no log-space carry; the time does not depend on the values);
* ``gemm_fraction_<model>`` for ``full`` and ``lstm``: the floating-point operations per second
  of a training step (forward + backward, counted as 3 x the forward's multiply-adds of the
  model's minimal algorithm: ``2 B T H^2`` for full, ``2 B T (4H)(2H)`` for the LSTM's gates)
  as a fraction of the peak ``torch.mm`` throughput measured in the same run (square
  ``N x N`` float32 products, the best of several sizes); ``ratio`` is that fraction (1 would
  be a step at GEMM peak).

``quick`` shrinks the sizes (batch 16, length 64; GEMM sizes up to 256).  Torch runs on one
thread so the numbers are comparable between machines with different core counts.
"""

from __future__ import annotations

from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from _timing import median, timed
from bilinear.models import make, sequence_cross_entropy

DIAGONALS = ("real_diagonal", "positive_diagonal", "complex_diagonal")
CUMPROD_BASELINE = "torch.cumprod scan of the same letters + normalize + readout, Adam step"
GEMM_BASELINE = "peak torch.mm float32 throughput of this machine (same run, 1 thread)"


class CumprodScan(nn.Module):
    """The diagonal recurrence as a user writes it: ``h_t = h0 * prod_{s <= t} a[x_s]``."""

    def __init__(
        self, vocab: int, labels: int, hidden: int, *, complex_: bool, nonnegative: bool
    ) -> None:
        super().__init__()
        self.complex_ = complex_
        self.nonnegative = nonnegative
        units = hidden // 2 if complex_ else hidden
        g = torch.Generator().manual_seed(0)
        self.re = nn.Parameter(1.0 + 0.01 * torch.randn(vocab, units, generator=g))
        self.im = nn.Parameter(0.01 * torch.randn(vocab, units, generator=g)) if complex_ else None
        self.h0 = nn.Parameter(torch.ones(hidden))
        self.readout = nn.Parameter(torch.randn(labels, hidden, generator=g) / hidden**0.5)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        a = F.embedding(tokens, self.re)
        if self.nonnegative:
            a = a.abs()
        if self.complex_:
            a = torch.complex(a, F.embedding(tokens, self.im))
            h0 = torch.complex(self.h0[0::2], self.h0[1::2])
            z = torch.cumprod(a, dim=1) * h0
            h = torch.stack((z.real, z.imag), dim=-1).flatten(-2)
        else:
            h = torch.cumprod(a, dim=1) * self.h0
        return F.normalize(h, dim=-1) @ self.readout.t()


def _adam_step(model, opt, x: torch.Tensor, y: torch.Tensor) -> None:
    opt.zero_grad(set_to_none=True)
    logits = model(x)
    sequence_cross_entropy(logits, y).backward()
    opt.step()


def _data(B: int, T: int, D: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, D, (B, T), generator=g), torch.randint(0, D, (B, T), generator=g)


def cumprod_rows(quick: bool) -> list[dict]:
    """``anchor_cumprod_<level>`` rows."""
    B, T, H, D = (16, 64, 64, 8) if quick else (64, 256, 64, 8)
    reps = 3 if quick else 9
    x, y = _data(B, T, D)
    rows = []
    for level in DIAGONALS:
        model = make(level, D, D, H, seed=0)
        anchor = CumprodScan(
            D, D, H, complex_=level == "complex_diagonal", nonnegative=level == "positive_diagonal"
        )
        pair = [
            (model, torch.optim.Adam(model.parameters(), lr=1e-3)),
            (anchor, torch.optim.Adam(anchor.parameters(), lr=1e-3)),
        ]
        for m, opt in pair:  # warm up
            _adam_step(m, opt, x, y)
        mine, base = [], []
        for i in range(reps):  # interleaved, alternating which goes first
            order = pair if i % 2 == 0 else pair[::-1]
            times = {id(m): timed(partial(_adam_step, m, opt, x, y)) for m, opt in order}
            mine.append(times[id(model)])
            base.append(times[id(anchor)])
        rows.append(
            {
                "benchmark": f"anchor_cumprod_{level}",
                "value": 1e3 * median(mine),
                "unit": "ms/step",
                "baseline": CUMPROD_BASELINE,
                "baseline_value": 1e3 * median(base),
                "ratio": median([b / m for b, m in zip(base, mine, strict=True)]),
                "shape": {"batch": B, "length": T, "hidden": H, "symbols": D, "optimizer": "Adam"},
            }
        )
    return rows


def gemm_peak(sizes: tuple[int, ...], reps: int) -> float:
    """Best float32 ``torch.mm`` throughput (flop/s) over square sizes ``sizes``."""
    best = 0.0
    g = torch.Generator().manual_seed(0)
    for n in sizes:
        a, b = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g)
        torch.mm(a, b)  # warm up
        t = median([timed(partial(torch.mm, a, b)) for _ in range(reps)])
        best = max(best, 2.0 * n**3 / t)
    return best


def gemm_rows(quick: bool) -> list[dict]:
    """``gemm_fraction_full`` and ``gemm_fraction_lstm`` rows."""
    B, T, H, D = (16, 64, 64, 8) if quick else (64, 256, 64, 8)
    reps = 3 if quick else 9
    x, y = _data(B, T, D)
    peak = gemm_peak((128, 256) if quick else (256, 512, 1024), reps)
    work = {"full": 3 * 2 * B * T * H * H, "lstm": 3 * 2 * B * T * (4 * H) * (2 * H)}
    rows = []
    for name, flops in work.items():
        model = make(name, D, D, H, seed=0)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        _adam_step(model, opt, x, y)  # warm up
        t = median([timed(partial(_adam_step, model, opt, x, y)) for _ in range(reps)])
        rate = flops / t
        rows.append(
            {
                "benchmark": f"gemm_fraction_{name}",
                "value": rate / 1e9,
                "unit": "Gflop/s",
                "baseline": GEMM_BASELINE,
                "baseline_value": peak / 1e9,
                "ratio": rate / peak,
                "shape": {
                    "batch": B,
                    "length": T,
                    "hidden": H,
                    "symbols": D,
                    "optimizer": "Adam",
                    "flops_counted": flops,
                },
            }
        )
    return rows


def rows(quick: bool) -> list[dict]:
    """All rows of this module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return cumprod_rows(quick) + gemm_rows(quick)
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    for row in rows("--quick" in sys.argv):
        print(json.dumps(row))
