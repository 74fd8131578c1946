"""Scaling of the exact certificates: rotations in ``Q(zeta_N)`` and one-hot models at scale.

Rows (each against a baseline measured in the same run, interleaved with it):

* ``certify_dihedral_n{N}`` / ``certify_cyclic_n{N}``: seconds of ``verify`` (the exact
  certificate in ``Q(zeta_N)``, with the kernel's re-check) of the compiled ``full`` model of
  ``dihedral:n=N`` / ``cyclic:n=N`` at three sizes, against the same breadth-first orbit
  search in float64 (numpy products, rounded keys: the certificate's work without exactness);
* ``certify_dihedral_slope`` / ``certify_cyclic_slope``: the fitted log-log slope of those
  certificate times in ``N`` (goal: at most 2, they are orbit checks of length ``N`` in a
  field of degree about ``N``), against the slope of the float orbit search;
* ``certify_one_hot_{n}``: seconds of ``verify`` of the sparse one-hot model of an ``n``-state,
  10-symbol automaton (kernel re-check included), against the plain numpy check of the
  encoding given in advance (``enc = identity``): ``targets[a] == table[:, a]`` for every
  letter and ``readout_rows == labels``;
* ``compile_one_hot_{n}``: seconds of ``compile_automaton`` of the same automaton, against
  numpy building the same sparse arrays (``np.ascontiguousarray(table.T)``), interleaved, best
  of three each.

``--quick`` / ``--smoke`` use small sizes (seconds in all).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from bilinear.automata import DFA, tasks
from bilinear.constructions import compile_automaton
from bilinear.verification.verifier import verify

SIZES = {"dihedral": (32, 64, 128), "cyclic": (97, 157, 257)}
QUICK_SIZES = {"dihedral": (28, 40, 56), "cyclic": (37, 53, 97)}
STATES = (100_000, 1_000_000)
QUICK_STATES = (10_000, 50_000)


def _seconds(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _slope(sizes: tuple[int, ...], times: list[float]) -> float:
    """Least-squares slope of ``log t`` against ``log N``."""
    x, y = np.log(np.array(sizes, dtype=float)), np.log(np.array(times))
    return float(np.polyfit(x, y, 1)[0])


def _float_orbit(rnn: Any, dfa: DFA) -> bool:
    """The same breadth-first search of the pairs ``(h_w, q0 . w)`` in float64 (numpy
    products, vectors keyed by rounding to 9 digits), decoding each new pair: the work of the
    certificate without its exactness (it proves nothing)."""
    W, R, table = rnn.W, rnn.readout, dfa.table
    mats = [np.ascontiguousarray(W[:, :, a]) for a in range(W.shape[2])]
    labels, row_label = dfa.label_index, [dfa.label_values.index(v) for v in rnn.labels]
    h0 = np.asarray(rnn.h0, dtype=np.float64)
    seen = {(np.round(h0, 9).tobytes(), dfa.start_index)}
    queue = [(h0, dfa.start_index)]
    ok = True
    while queue:
        v, q = queue.pop()
        for a, A in enumerate(mats):
            w, q2 = A @ v, int(table[q, a])
            key = (np.round(w, 9).tobytes(), q2)
            if key not in seen:
                seen.add(key)
                ok &= row_label[int(np.argmax(R @ w))] == labels[q2]
                queue.append((w, q2))
    return ok


def _rotation_rows(family: str, sizes: tuple[int, ...]) -> list[dict]:
    ours, base = [], []
    out = []
    for n in sizes:
        task = tasks.get(family, n=n)
        rnn = compile_automaton(task.dfa, level="full")
        t0 = time.perf_counter()
        cert = verify(rnn, task)
        t_ours = time.perf_counter() - t0
        if not (cert.holds and cert.method == "exact"):  # pragma: no cover - a regression
            raise RuntimeError(cert.summary())
        t_base = min(_seconds(partial(_float_orbit, rnn, task.dfa)) for _ in range(3))
        ours.append(t_ours)
        base.append(t_base)
        out.append(
            {
                "benchmark": f"certify_{family}_n{n}",
                "value": t_ours,
                "unit": "s",
                "baseline": "the same orbit search in float64 (numpy), no exactness",
                "ratio": t_ours / t_base,
                "field": cert.details.get("field"),
            }
        )
    s_ours, s_base = _slope(sizes, ours), _slope(sizes, base)
    out.append(
        {
            "benchmark": f"certify_{family}_slope_{sizes[0]}_{sizes[-1]}",
            "value": s_ours,
            "unit": "log-log slope",
            "baseline": "slope of the float64 orbit search over the same sizes (goal: "
            "certificate slope <= 2)",
            "ratio": s_ours / s_base if s_base else math.inf,
        }
    )
    return out


def _path_dfa(n: int, k: int, seed: int = 0) -> DFA:
    """A random ``n``-state, ``k``-symbol automaton, every state reachable (letter 0 walks a
    path through all of them), identity labels (as ``random_fsm``: compile keeps the
    reachable part, no minimization)."""
    rng = np.random.default_rng(seed)
    table = rng.integers(0, n, size=(n, k))
    table[np.arange(n - 1), 0] = np.arange(1, n)
    return DFA._from_trusted(list(range(n)), list(range(k)), table, 0, None, f"random_{n}")


def _given_encoding_check(rnn: Any, dfa: DFA) -> bool:
    ex = rnn.exact
    enc = np.arange(dfa.n_states)
    ok = True
    for a in range(dfa.n_symbols):
        ok &= bool(np.array_equal(ex.targets[a, enc], enc[dfa.table[:, a]]))
    return ok & bool(np.array_equal(ex.readout_rows[enc], dfa.label_index))


def _one_hot_rows(n: int, k: int = 10) -> list[dict]:
    dfa = _path_dfa(n, k)
    t_compile, t_arrays = [], []
    for _ in range(3):  # interleaved, best of three each (the first call pays page faults)
        t_compile.append(_seconds(lambda: compile_automaton(dfa, level="full", sparse=True)))
        t_arrays.append(_seconds(lambda: np.ascontiguousarray(dfa.table.T)))
    rnn = compile_automaton(dfa, level="full", sparse=True)
    cert = verify(rnn, dfa)
    if not cert.holds:  # pragma: no cover - a regression
        raise RuntimeError(cert.summary())
    t_ours, t_base = [], []
    for _ in range(3):  # interleaved, best of three each
        t_ours.append(_seconds(lambda: verify(rnn, dfa)))
        t_base.append(_seconds(lambda: _given_encoding_check(rnn, dfa)))
    return [
        {
            "benchmark": f"certify_one_hot_{n}x{k}",
            "value": min(t_ours),
            "unit": "s",
            "baseline": "numpy check of a given encoding (targets[a] == table[:, a], "
            "readout_rows == labels)",
            "ratio": min(t_ours) / min(t_base),
        },
        {
            "benchmark": f"compile_one_hot_{n}x{k}",
            "value": min(t_compile),
            "unit": "s",
            "baseline": "numpy building the sparse arrays (ascontiguousarray(table.T))",
            "ratio": min(t_compile) / min(t_arrays),
        },
    ]


def rows(quick: bool) -> list[dict]:
    """Certificate scaling rows (small sizes with ``quick``)."""
    sizes = QUICK_SIZES if quick else SIZES
    out: list[dict] = []
    for family in ("dihedral", "cyclic"):
        out.extend(_rotation_rows(family, sizes[family]))
    for n in QUICK_STATES if quick else STATES:
        out.extend(_one_hot_rows(n))
    return out


if __name__ == "__main__":  # pragma: no cover
    import sys

    for row in rows("--quick" in sys.argv):
        print(row)
