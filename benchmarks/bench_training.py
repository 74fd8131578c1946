"""Training speed of every bilinear level against ``torch.nn.LSTM``, and long evaluation.

Rows (``rows(quick)``, see ``benchmarks/run.py``):

* ``training_<level>``: forward + backward time of one batch (batch 64, length 256, hidden 64,
  8 symbols, cross-entropy on every position with ``bilinear.models.sequence_cross_entropy``,
  the loss training uses), measured interleaved with the ``lstm`` model
  (embedding + ``torch.nn.LSTM`` + linear head) on the same input; ``ratio`` = LSTM time / model
  time (goals: full >= 2, diagonal levels >= 10), the median over interleaved pairs (one LSTM
  step, then one model step) of their ratio, so a change of machine load during the run moves
  both times of a pair alike;
* ``training_lstm``: the baseline itself (ratio 1);
* ``training_adam_full_vs_lstm`` and ``training_adam_full_vs_elman``: one whole training step
  of ``full`` (forward, backward and ``torch.optim.Adam`` step) against the same step of the
  ``lstm`` model and of the ``elman`` model (embedding + ``torch.nn.RNN`` with tanh, the same
  hidden size: the same amount of recurrent work as full's minimal algorithm), the three timed
  interleaved in the same run on the same input; ``ratio`` = baseline time / full time, the
  median over interleaved rounds (goals: >= 2.5 against LSTM, >= 1.5 against ``nn.RNN``);
* ``throughput_quick_runs``: whole runs (training with early stop and discretization, then
  evaluation at every test length) per minute, at the quick suite's budget (hidden, batch,
  learning rate, lengths, words, early stop, discretization of
  ``bilinear.analysis.suite.QUICK``) over the cells of :data:`THROUGHPUT_CELLS`, through
  ``bilinear.experiments.run``; ``ratio`` = its runs per minute / those of
  :func:`_reference_run`, the training loop of commit 6957709 (one step at a time, no batching
  over seeds or learning rates) reconstructed in this file as the named baseline, timed
  interleaved with it on the same configurations (the same seeds: both train the same
  models and stop at the same step, which the row checks);
* ``eval_full_long``: symbols per second of a 32-unit full model evaluating 256 words of 10,000
  steps (chunked, no gradients); ``ratio`` against the LSTM evaluating the same words.

``quick`` shrinks the sizes (batch 16, length 64; 32 words of 2,000 steps; throughput: 60 steps,
32 test words, two cells).  Torch runs on one
thread so the numbers are comparable between machines with different core counts.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from _timing import median, timed
from bilinear.analysis.suite import QUICK
from bilinear.automata import tasks
from bilinear.experiments import RunConfig, run
from bilinear.experiments.data import AutomatonData, eval_rng
from bilinear.models import LEVELS, BilinearModel, make, sequence_cross_entropy

OPTIONS = {"block": {"block_size": 2}, "cp": {"rank": 64}}
LSTM_BASELINE = "torch.nn.LSTM (same input, same run)"
ADAM_BASELINES = {
    "lstm": "torch.nn.LSTM + Adam step (same input, same run)",
    "elman": "torch.nn.RNN (tanh, same hidden) + Adam step (same input, same run)",
}


def _train_step(model, x: torch.Tensor, y: torch.Tensor) -> None:
    model.zero_grad(set_to_none=True)
    logits = model(x)
    sequence_cross_entropy(logits, y).backward()


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
            base.append(timed(lambda: _train_step(lstm, x, y)))
            mine.append(timed(partial(_train_step, model, x, y)))
        lstm_times.extend(base)
        ratio = median([b / m for b, m in zip(base, mine, strict=True)])
        rows.append(
            {
                "benchmark": f"training_{level}",
                "value": 1e3 * median(mine),
                "unit": "ms/batch",
                "baseline": LSTM_BASELINE,
                "ratio": ratio,
                "shape": {"batch": B, "length": T, "hidden": H, "symbols": D},
            }
        )
    t = median(lstm_times)
    rows.append(
        {
            "benchmark": "training_lstm",
            "value": 1e3 * t,
            "unit": "ms/batch",
            "baseline": LSTM_BASELINE,
            "ratio": 1.0,
            "shape": {"batch": B, "length": T, "hidden": H, "symbols": D},
        }
    )
    return rows


def _adam_step(model, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> None:
    opt.zero_grad(set_to_none=True)
    logits = model(x)
    sequence_cross_entropy(logits, y).backward()
    opt.step()


def adam_rows(quick: bool) -> list[dict]:
    """``training_adam_full_vs_<baseline>``: full's training step with the optimizer step,
    against LSTM and ``nn.RNN`` of the same hidden size, interleaved in the same run."""
    B, T, H, D = (16, 64, 64, 8) if quick else (64, 256, 64, 8)
    reps = 3 if quick else 9
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, D, (B, T), generator=g)
    y = torch.randint(0, D, (B, T), generator=g)
    names = ("full", *ADAM_BASELINES)
    models = {name: make(name, D, D, H, seed=0) for name in names}
    opts = {name: torch.optim.Adam(m.parameters(), lr=1e-3) for name, m in models.items()}
    for name in names:  # warm up
        _adam_step(models[name], opts[name], x, y)
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(reps):  # interleaved, rotating which model goes first
        for name in names[i % 3 :] + names[: i % 3]:
            times[name].append(timed(partial(_adam_step, models[name], opts[name], x, y)))
    shape = {"batch": B, "length": T, "hidden": H, "symbols": D, "optimizer": "Adam"}
    rows = []
    for base, label in ADAM_BASELINES.items():
        ratio = median([b / m for b, m in zip(times[base], times["full"], strict=True)])
        rows.append(
            {
                "benchmark": f"training_adam_full_vs_{base}",
                "value": 1e3 * median(times["full"]),
                "unit": "ms/step",
                "baseline": label,
                "baseline_value": 1e3 * median(times[base]),
                "ratio": ratio,
                "shape": shape,
            }
        )
    return rows


def eval_rows(quick: bool) -> list[dict]:
    """``eval_full_long``: symbols per second, full model (32 units) vs LSTM (32 units)."""
    words, length, D = (32, 2_000, 8) if quick else (256, 10_000, 8)
    x = torch.randint(0, D, (words, length), generator=torch.Generator().manual_seed(1))
    full = make("full", D, D, 32, seed=0)
    lstm = make("lstm", D, D, 32, seed=0)
    with torch.no_grad():
        full.predict(x[:2, :100])
        t_full = timed(lambda: full.predict(x, chunk=2048))
        t_lstm = timed(lambda: lstm.predict(x, chunk=2048))
    symbols = words * length
    return [
        {
            "benchmark": "eval_full_long",
            "value": symbols / t_full,
            "unit": "symbols/s",
            "baseline": "torch.nn.LSTM, 32 units, same words",
            "ratio": t_lstm / t_full,
            "shape": {"words": words, "length": length, "hidden": 32, "symbols": D},
        }
    ]


#: (task, model, options) cells of the throughput row: a diagonal, a block and a full level on
#: tasks of the quick suite (the quick variant keeps the first two).
THROUGHPUT_CELLS: tuple[tuple[str, str, tuple[tuple[str, Any], ...]], ...] = (
    ("parity", "complex_diagonal", ()),
    ("modular_addition:m=3", "block", (("block_size", 2),)),
    ("random_fsm:states=5", "full", ()),
    ("symmetric:n=3", "monomial", ()),
)
REFERENCE_LOOP = "training loop of commit 6957709 (reconstructed in bench_training.py)"


def _quick_configs(quick: bool) -> list[RunConfig]:
    b = QUICK.budget
    cells = THROUGHPUT_CELLS[:2] if quick else THROUGHPUT_CELLS
    return [
        RunConfig(
            task=t,
            model=m,
            options=o,
            hidden=b.hidden,
            steps=60 if quick else b.steps,
            batch_size=b.batch,
            lr=b.lrs[0],
            seed=b.seeds[0],
            train_lengths=b.train_lengths,
            test_lengths=b.test_lengths,
            val_lengths=b.val_lengths,
            test_words=32 if quick else b.test_words,
            discretize=b.discretize,
            early_stop=b.early_stop,
            patience=b.patience,
        )
        for t, m, o in cells
    ]


def _ref_step(model, opt, data, rng, c: RunConfig, clip) -> float:
    w, y = data.sample_train(rng, c.batch_size, c.train_lengths)
    logits = model(torch.from_numpy(w))
    loss = F.cross_entropy(logits.reshape(-1, data.labels), torch.from_numpy(y).reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return float(loss.detach())


def _ref_accuracy(model, batches) -> float:
    with torch.no_grad():
        return sum(float((model.predict(w) == y).double().mean()) for w, y in batches) / len(
            batches
        )


def _reference_run(c: RunConfig) -> int:
    """The run of ``c`` as the training loop of commit 6957709 did it, on the CPU: a fresh
    batch per step, validation every ``eval_every`` steps at the longest validation length,
    early stop, discretized copy refitted and kept on validation words, then evaluation of
    ``test_words`` words per test length and per validation length.  Returns the steps run."""
    dfa = tasks.resolve(c.task).dfa
    data = AutomatonData(dfa)
    rng = np.random.default_rng([c.seed, 1])
    model = make(
        c.model,
        data.vocab,
        data.labels,
        c.hidden,
        device="cpu",
        dtype=c.dtype,
        seed=c.seed,
        **dict(c.options),
    )
    opt = torch.optim.Adam(model.parameters(), lr=c.lr, weight_decay=c.weight_decay)
    stop_length = max(c.val_lengths) if c.val_lengths else c.train_lengths[1]
    vw, vy = data.sample(eval_rng(c.seed + 10_000, 0), 256, stop_length)
    val = [(torch.from_numpy(vw), torch.from_numpy(vy))]
    hits, step = 0, 0
    model.train()
    for step in range(1, c.steps + 1):
        _ref_step(model, opt, data, rng, c, c.clip)
        if step % c.eval_every == 0 or step == c.steps:
            acc = _ref_accuracy(model, val)
            if c.early_stop is not None:
                hits = hits + 1 if acc >= c.early_stop else 0
                if hits >= c.patience:
                    break
    if c.discretize and isinstance(model, BilinearModel):
        candidate = model.discretized()
        if candidate is not None:
            words = []
            for n in c.val_lengths or (c.train_lengths[1],):
                w, y = data.sample(eval_rng(c.seed + 30_000, n), 128, n)
                words.append((torch.from_numpy(w), torch.from_numpy(y)))
            before = _ref_accuracy(model, words)
            for p in candidate.letter_parameters():
                p.requires_grad_(False)
            ropt = torch.optim.Adam([candidate.readout, candidate.h0], lr=c.lr)
            rrng = np.random.default_rng([c.seed, 2])
            candidate.train()
            for _ in range(200):
                _ref_step(candidate, ropt, data, rrng, c, None)
            if _ref_accuracy(candidate, words) >= before:
                model = candidate
    model.eval()
    for seed, lengths in ((c.seed, c.test_lengths), (c.seed + 20_000, c.val_lengths)):
        for n in lengths:
            w, y = data.sample(eval_rng(seed, n), c.test_words, n)
            for s in range(0, c.test_words, 256):
                (
                    model.predict(torch.from_numpy(w[s : s + 256]), chunk=1024).numpy()
                    == y[s : s + 256]
                ).mean()
    return step


def throughput_rows(quick: bool) -> list[dict]:
    """``throughput_quick_runs``: runs per minute of ``bilinear.experiments.run`` at the quick
    suite's budget, against the reference loop, interleaved per configuration."""
    configs = _quick_configs(quick)
    for c in configs:  # warm up (task resolution, first calls into torch) outside the timing
        _reference_run(c.replace(steps=2, test_lengths=(c.test_lengths[0],)))
        run(c.replace(steps=2, test_lengths=(c.test_lengths[0],)), device="cpu")
    mine, base = [], []
    same_steps = True
    for i, c in enumerate(configs):
        steps: dict[str, int] = {}

        def ref(c: RunConfig = c, steps: dict[str, int] = steps) -> None:
            steps["ref"] = _reference_run(c)

        def new(c: RunConfig = c, steps: dict[str, int] = steps) -> None:
            steps["new"] = int(run(c, device="cpu").info["steps"])

        pair = (ref, new) if i % 2 == 0 else (new, ref)  # alternate which goes first
        times = {fn: timed(fn) for fn in pair}
        base.append(times[ref])
        mine.append(times[new])
        same_steps = same_steps and steps["ref"] == steps["new"]
    per_min = 60.0 * len(configs) / sum(mine)
    return [
        {
            "benchmark": "throughput_quick_runs",
            "value": per_min,
            "unit": "runs/min",
            "baseline": REFERENCE_LOOP,
            "ratio": sum(base) / sum(mine),
            "shape": {
                "cells": [f"{c.task}/{c.model}" for c in configs],
                "hidden": configs[0].hidden,
                "batch": configs[0].batch_size,
                "steps": configs[0].steps,
                "test_words": configs[0].test_words,
                "same_steps_as_baseline": same_steps,
            },
        }
    ]


def rows(quick: bool) -> list[dict]:
    """All rows of this module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return training_rows(quick) + adam_rows(quick) + eval_rows(quick) + throughput_rows(quick)
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    for row in rows("--quick" in sys.argv):
        print(json.dumps(row))
