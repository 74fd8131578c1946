"""Automata benchmarks: batched runs against a plain Python dictionary loop."""

from __future__ import annotations

import time

import numpy as np

from bilinear.automata import DFA


def _random_dfa(n: int, k: int, seed: int = 0) -> DFA:
    rng = np.random.default_rng(seed)
    table = rng.integers(0, n, size=(n, k))
    return DFA._from_trusted(list(range(n)), list(range(k)), table, 0, None, "random")


def _best_of(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def rows(quick: bool) -> list[dict]:
    """``run_batch`` symbols/second on a 1,000-state, 10-symbol automaton vs a dict loop."""
    n, k = 1000, 10
    batch, length = (256, 200) if quick else (1024, 1000)
    dfa = _random_dfa(n, k)
    words = np.random.default_rng(1).integers(0, k, size=(batch, length))
    delta = {(q, a): int(dfa.table[q, a]) for q in range(n) for a in range(k)}
    py_words = words.tolist()

    def dict_loop() -> None:
        for word in py_words:
            q = 0
            for a in word:
                q = delta[q, a]

    t_batch = _best_of(lambda: dfa.run_batch(words))
    t_dict = _best_of(dict_loop, repeats=1 if not quick else 2)
    symbols = batch * length
    return [{
        "benchmark": "run_batch_1000x10",
        "value": symbols / t_batch,
        "unit": "symbols/s",
        "baseline": "python dict loop",
        "ratio": t_dict / t_batch,
    }]
