"""Verification benchmarks: the exact certificate of a one-hot model of a large automaton, and
the exact certificate in a cyclotomic field of a rotation construction (modular addition).

``verify`` finds the encoding by a breadth-first search, checks ``A(a) enc(q) = enc(q . a)`` for
every state and letter and the decoding of every code, vectorised over each level (no per-state
Python loop).  The baseline, measured in the same run, is the plain numpy table check that an
encoding *given in advance* (``enc = identity``) commutes with every letter and decodes right:
``targets[a, enc] == enc[table[:, a]]`` for every letter and ``readout_rows[enc] == labels``.
"""

from __future__ import annotations

import time

import numpy as np

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.verification.verifier import verify


def _baseline(rnn, dfa) -> float:
    t0 = time.perf_counter()
    ex = rnn.exact
    enc = np.arange(dfa.n_states)
    ok = True
    for a in range(dfa.n_symbols):
        ok &= bool(np.array_equal(ex.targets[a, enc], enc[dfa.table[:, a]]))
    ok &= bool(np.array_equal(ex.readout_rows[enc], dfa.label_index))
    return time.perf_counter() - t0


def rows(quick: bool) -> list[dict]:
    """Seconds for ``verify`` on an n-state, 10-symbol one-hot model (n = 10^4 quick, 10^5)."""
    n, k = (10_000, 10) if quick else (100_000, 10)
    dfa = tasks.get("random_fsm", states=n, symbols=k, seed=1).dfa
    rnn = compile_automaton(dfa, level="full", sparse=True)
    t0 = time.perf_counter()
    cert = verify(rnn, dfa)
    t_ours = time.perf_counter() - t0
    if not cert.holds:  # pragma: no cover - a benchmark of a wrong certificate is meaningless
        raise RuntimeError(cert.summary())
    t_base = min(_baseline(rnn, dfa) for _ in range(3))
    out = [{
        "benchmark": f"verify_exact_one_hot_{n}x{k}",
        "value": t_ours,
        "unit": "s",
        "baseline": "numpy check of a given encoding (targets[a, enc] == enc[table[:, a]])",
        "ratio": t_ours / t_base,
    }]
    out.append(_rotation_row(25 if quick else 50))
    return out


def _rotation_row(m: int) -> dict:
    """Exact certificate in Q(zeta_N) of the rotation construction of modular addition mod m,
    against the float64 exhaustive search (method="float") of the same model."""
    task = tasks.get("modular_addition", m=m)
    rnn = compile_automaton(task.dfa, level="complex_diagonal")
    t0 = time.perf_counter()
    cert = verify(rnn, task)
    t_ours = time.perf_counter() - t0
    if not (cert.holds and cert.method == "exact"):  # pragma: no cover
        raise RuntimeError(cert.summary())
    t0 = time.perf_counter()
    verify(rnn, task, method="float")
    t_base = time.perf_counter() - t0
    return {
        "benchmark": f"verify_exact_rotation_modular_addition_{m}",
        "value": t_ours,
        "unit": "s",
        "baseline": "float64 exhaustive search of the same model (method='float')",
        "ratio": t_ours / t_base,
    }
