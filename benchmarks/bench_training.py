"""Training speed of every bilinear level against ``torch.nn.LSTM``, and long evaluation.

Rows (``rows(quick)``, see ``benchmarks/run.py``):

* ``training_<level>``: forward + backward time of one batch (batch 64, length 256, hidden 64,
  8 symbols, cross-entropy on every position), measured interleaved with the ``lstm`` model
  (embedding + ``torch.nn.LSTM`` + linear head) on the same input; ``ratio`` = LSTM time / model
  time (goals: full >= 2, diagonal levels >= 10), the median over interleaved pairs (one LSTM
  step, then one model step) of their ratio, so a change of machine load during the run moves
  both times of a pair alike;
* ``training_lstm``: the baseline itself (ratio 1);
* ``eval_full_long``: symbols per second of a 32-unit full model evaluating 256 words of 10,000
  steps (chunked, no gradients); ``ratio`` against the LSTM evaluating the same words.

``quick`` shrinks the sizes (batch 16, length 64; 32 words of 2,000 steps).  Torch runs on one
thread so the numbers are comparable between machines with different core counts.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from bilinear.models import LEVELS, make

OPTIONS = {"block": {"block_size": 2}, "cp": {"rank": 64}}
LSTM_BASELINE = "torch.nn.LSTM (same input, same run)"


def _train_step(model, x: torch.Tensor, y: torch.Tensor) -> None:
    model.zero_grad(set_to_none=True)
    logits = model(x)
    F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).backward()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def training_rows(quick: bool) -> list[dict]:
    """``training_<level>`` and ``training_lstm`` rows."""
    B, T, H, D = (16, 64, 64, 8) if quick else (64, 256, 64, 8)
    reps = 3 if quick else 9
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, D, (B, T), generator=g)
    y = torch.randint(0, D, (B, T), generator=g)
    lstm = make("lstm", D, D, H, seed=0)
    rows, lstm_times = [], []
    for level in LEVELS:
        model = make(level, D, D, H, seed=0, **OPTIONS.get(level, {}))
        for m in (model, lstm):  # warm up
            _train_step(m, x, y)
        mine, base = [], []
        for _ in range(reps):  # interleaved, so load changes hit both alike
            base.append(_timed(lambda: _train_step(lstm, x, y)))
            mine.append(_timed(lambda m=model: _train_step(m, x, y)))
        lstm_times.extend(base)
        ratio = _median([b / m for b, m in zip(base, mine, strict=True)])
        rows.append({"benchmark": f"training_{level}", "value": 1e3 * _median(mine),
                     "unit": "ms/batch", "baseline": LSTM_BASELINE, "ratio": ratio,
                     "shape": {"batch": B, "length": T, "hidden": H, "symbols": D}})
    t = _median(lstm_times)
    rows.append({"benchmark": "training_lstm", "value": 1e3 * t, "unit": "ms/batch",
                 "baseline": LSTM_BASELINE, "ratio": 1.0,
                 "shape": {"batch": B, "length": T, "hidden": H, "symbols": D}})
    return rows


def eval_rows(quick: bool) -> list[dict]:
    """``eval_full_long``: symbols per second, full model (32 units) vs LSTM (32 units)."""
    words, length, D = (32, 2_000, 8) if quick else (256, 10_000, 8)
    x = torch.randint(0, D, (words, length), generator=torch.Generator().manual_seed(1))
    full = make("full", D, D, 32, seed=0)
    lstm = make("lstm", D, D, 32, seed=0)
    with torch.no_grad():
        full.predict(x[:2, :100])
        t_full = _timed(lambda: full.predict(x, chunk=2048))
        t_lstm = _timed(lambda: lstm.predict(x, chunk=2048))
    symbols = words * length
    return [{"benchmark": "eval_full_long", "value": symbols / t_full, "unit": "symbols/s",
             "baseline": "torch.nn.LSTM, 32 units, same words", "ratio": t_lstm / t_full,
             "shape": {"words": words, "length": length, "hidden": 32, "symbols": D}}]


def rows(quick: bool) -> list[dict]:
    """All rows of this module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return training_rows(quick) + eval_rows(quick)
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    for row in rows("--quick" in sys.argv):
        print(json.dumps(row))
