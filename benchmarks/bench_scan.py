"""Training near the machine's limit: cost per token against the length, the chunked scans'
peak memory, and the per-step overhead of the quick suite's small steps.

Rows (``rows(quick)``, see ``benchmarks/run.py``; torch on one thread):

* ``scan_slope_<level>`` for the diagonal levels and ``full``: the fitted log-log slope of the
  training time (forward + backward of one batch, batch 16, hidden 64, 8 symbols, cross-entropy
  at every position) against the length T = 64 .. 16,384 (goal <= 1.05: linear cost per token);
  ``ratio`` = the cost per token at the longest T / that at T = 256 (one scan chunk), measured in
  the same run, the lengths interleaved (one step at every length, repeated);
* ``scan_peak_mb_<level>``: the extra peak resident memory (``getrusage`` max RSS of a forked
  child, above its RSS before the step, the heap's free pages returned first) of one training
  step at T = 4,096 (batch 64, hidden 64) with the default chunking; ``ratio`` = the same for
  one unchunked scan / this (goal >= 1: memory no worse than unchunked), children forked
  alternately;
* ``quick_step_<level>``: one training step of the quick suite
  (:data:`bilinear.analysis.suite.QUICK`: hidden 32, batch 64, lengths 2-10, the real step
  ``bilinear.experiments.training._optimizer_step``: sampling, forward, backward, clipping,
  Adam) on ``parity``; ``ratio`` = that step / the pure forward + backward of the same batch,
  interleaved (goal <= 3).

``quick`` shrinks everything to seconds: T = 64 .. 1,024 with batch 8 and hidden 32, peak
memory at T = 1,024 (batch 16), and fewer repetitions.
"""

from __future__ import annotations

import ctypes
import math
import os
import resource
import sys

import numpy as np
import torch

from _timing import median, timed
from bilinear.analysis.suite import QUICK
from bilinear.automata import tasks
from bilinear.experiments.data import AutomatonData
from bilinear.experiments.training import _optimizer_step
from bilinear.models import make, sequence_cross_entropy
from bilinear.models.scan import SCAN_CHUNK

DIAGONAL = ("real_diagonal", "positive_diagonal", "complex_diagonal")
ONE_CHUNK = 10**9


def _fwd_bwd(model, x: torch.Tensor, y: torch.Tensor) -> None:
    model.zero_grad(set_to_none=True)
    logits = model(x)
    sequence_cross_entropy(logits, y).backward()


def _slope(lengths: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) against log(length)."""
    return float(np.polyfit(np.log(lengths), np.log(seconds), 1)[0])


def slope_rows(quick: bool) -> list[dict]:
    """``scan_slope_<level>`` rows."""
    B, H, D = (8, 32, 8) if quick else (16, 64, 8)
    lengths = [64, 256, 1024] if quick else [64, 256, 1024, 4096, 16384]
    reps = 2 if quick else 3
    g = torch.Generator().manual_seed(0)
    data = {
        T: (torch.randint(0, D, (B, T), generator=g), torch.randint(0, D, (B, T), generator=g))
        for T in lengths
    }
    rows = []
    for level in (*DIAGONAL, "full"):
        model = make(level, D, D, H, seed=0)
        _fwd_bwd(model, *data[lengths[0]])  # warm up
        times: dict[int, list[float]] = {T: [] for T in lengths}
        for _ in range(reps):
            for T in lengths:

                def one(T: int = T, m: torch.nn.Module = model) -> None:
                    _fwd_bwd(m, *data[T])

                times[T].append(timed(one))
        t = [median(times[T]) for T in lengths]
        per_token = [s / (B * T) for s, T in zip(t, lengths, strict=True)]
        rows.append(
            {
                "benchmark": f"scan_slope_{level}",
                "value": _slope(lengths, t),
                "unit": "log-log slope",
                "baseline": "cost per token at T = 256 (one chunk), same run",
                "ratio": per_token[-1] / per_token[lengths.index(256)],
                "shape": {
                    "batch": B,
                    "hidden": H,
                    "symbols": D,
                    "lengths": lengths,
                    "ns_per_token": [round(1e9 * p, 1) for p in per_token],
                },
            }
        )
    return rows


def _rss_mb() -> float:
    """Current resident set size in MB (Linux ``/proc``)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _trim_heap() -> None:
    """Return the C heap's free pages to the system (glibc ``malloc_trim``; a no-op elsewhere)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass


def _peak_extra_mb(model, x: torch.Tensor, y: torch.Tensor, chunk: int) -> float:
    """Peak RSS (MB) above the RSS before one training step, in a forked child (so the peak of
    one configuration never hides another's); the child reports through a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(read)
            _trim_heap()  # memory the parent freed but kept must not hide the child's peak
            before = _rss_mb()
            model.scan_chunk = chunk
            _fwd_bwd(model, x, y)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
            os.write(write, f"{peak - before:.3f}".encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as f:
        text = f.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not text:
        return math.nan
    return float(text)


def memory_rows(quick: bool) -> list[dict]:
    """``scan_peak_mb_<level>`` rows: chunked (default) against one unchunked scan."""
    B, T, H, D = (16, 1024, 32, 8) if quick else (64, 4096, 64, 8)
    reps = 1 if quick else 2
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, D, (B, T), generator=g)
    y = torch.randint(0, D, (B, T), generator=g)
    rows = []
    for level in DIAGONAL:
        model = make(level, D, D, H, seed=0)
        _fwd_bwd(model, x[:, :64], y[:, :64])  # warm up in the parent: children share it
        chunked, single = [], []
        for i in range(reps):
            order = (True, False) if i % 2 == 0 else (False, True)
            for default in order:
                if default:
                    chunked.append(_peak_extra_mb(model, x, y, SCAN_CHUNK))
                else:
                    single.append(_peak_extra_mb(model, x, y, ONE_CHUNK))
        mine, base = median(chunked), median(single)
        rows.append(
            {
                "benchmark": f"scan_peak_mb_{level}",
                "value": mine,
                "unit": "MB",
                "baseline": "one unchunked scan, same step, same run",
                "ratio": base / mine if mine > 0 else math.nan,
                "shape": {
                    "batch": B,
                    "length": T,
                    "hidden": H,
                    "symbols": D,
                    "chunk": SCAN_CHUNK,
                    "unchunked_mb": base,
                },
            }
        )
    return rows


def quick_step_rows(quick: bool) -> list[dict]:
    """``quick_step_<level>`` rows: the quick suite's training step against forward + backward."""
    b = QUICK.budget
    reps = 15 if quick else 60
    data = AutomatonData(tasks.resolve("parity").dfa)
    dev = torch.device("cpu")
    rows = []
    for level in ("complex_diagonal", "real_diagonal", "full"):
        model = make(level, data.vocab, data.labels, b.hidden, seed=0)
        opt = torch.optim.Adam(model.parameters(), lr=b.lrs[0])
        batches = []
        for i in range(reps + 1):  # the same batches as the steps draw
            w, y = data.sample_train(np.random.default_rng([0, i]), b.batch, b.train_lengths)
            batches.append((torch.from_numpy(w), torch.from_numpy(y)))
        step_t, base_t = [], []
        for i in range(reps + 1):
            rng = np.random.default_rng([0, i])

            def step(rng: np.random.Generator = rng, m=model, o=opt) -> None:
                _optimizer_step(m, o, data, rng, b.batch, b.train_lengths, dev, 1.0)

            def base(i: int = i, m=model, batch=batches) -> None:
                _fwd_bwd(m, *batch[i])

            pair = (step, base) if i % 2 == 0 else (base, step)
            times = {fn: timed(fn) for fn in pair}
            if i:  # the first pair warms up
                step_t.append(times[step])
                base_t.append(times[base])
        ratio = median([s / f for s, f in zip(step_t, base_t, strict=True)])
        rows.append(
            {
                "benchmark": f"quick_step_{level}",
                "value": 1e3 * median(step_t),
                "unit": "ms/step",
                "baseline": "forward + backward of the same batch",
                "ratio": ratio,
                "shape": {
                    "task": "parity",
                    "hidden": b.hidden,
                    "batch": b.batch,
                    "lengths": list(b.train_lengths),
                    "fwd_bwd_ms": 1e3 * median(base_t),
                },
            }
        )
    return rows


def rows(quick: bool) -> list[dict]:
    """All rows of this module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return slope_rows(quick) + memory_rows(quick) + quick_step_rows(quick)
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":  # pragma: no cover
    import json

    for row in rows("--quick" in sys.argv):
        print(json.dumps(row))
