"""Timing helpers shared by the benchmark modules (not a benchmark: ``run.py`` globs
``bench_*.py``).  Imported as ``_timing``: ``benchmarks/`` is the script directory of both
``python benchmarks/run.py`` and ``python benchmarks/bench_<name>.py``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any]) -> float:
    """Wall seconds of one call of ``fn``."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    """The median (the upper one of an even count)."""
    values = sorted(values)
    return values[len(values) // 2]
