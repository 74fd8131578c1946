"""Construction benchmarks: compile + save a one-hot model of a large random automaton.

The baseline, measured in the same run, is numpy writing the same arrays (``np.savez`` of the
transition table, start vector and readout rows) without any compilation.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from bilinear.automata import DFA
from bilinear.constructions import compile_automaton


def _random_dfa(n: int, k: int, seed: int = 0) -> DFA:
    rng = np.random.default_rng(seed)
    table = rng.integers(0, n, size=(n, k))
    table[np.arange(n - 1), 0] = np.arange(1, n)  # a path through every state: all reachable
    return DFA._from_trusted(list(range(n)), list(range(k)), table, 0, None, "random")


def rows(quick: bool) -> list[dict]:
    """Seconds to compile + save (sparse NPZ) a one-hot model of an n-state, 10-symbol DFA."""
    n, k = (10_000, 10) if quick else (100_000, 10)
    dfa = _random_dfa(n, k)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "onehot.npz"
        t0 = time.perf_counter()
        rnn = compile_automaton(dfa, level="full")
        rnn.save(path, sparse=True)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        h0 = np.zeros(n)
        h0[0] = 1.0
        with (Path(tmp) / "baseline.npz").open("wb") as fh:
            np.savez(fh, targets=np.ascontiguousarray(dfa.table.T), h0=h0,
                     readout_rows=dfa.label_index)
        t_base = time.perf_counter() - t0
    return [{
        "benchmark": f"compile_save_one_hot_{n}x{k}",
        "value": t_ours,
        "unit": "s",
        "baseline": "np.savez of the same arrays",
        "ratio": t_ours / t_base,
    }]
