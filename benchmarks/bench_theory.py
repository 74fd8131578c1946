"""Benchmarks of ``bilinear.theory``: classification speed and monoid enumeration overhead.

Rows (``rows(quick)``):

* ``classify random_fsm 25x10``: seconds to classify a random 25-state, 10-symbol automaton
  (goal: under a second; it must not enumerate a monoid of up to 25^25 elements), against a
  plain minimization of the same automaton measured in the same run.
* ``transition_monoid T_n``: seconds to enumerate the full transformation monoid on ``n``
  points (``n = 7``: 823,543 elements; quick mode ``n = 6``) through
  :func:`bilinear.theory.transition_monoid`, against raw libsemigroups ``FroidurePin`` on the
  same generators (goal: ratio <= 1.5).
"""

from __future__ import annotations

import time

from bilinear.automata import DFA, minimize, tasks
from bilinear.theory import classify, transition_monoid


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _t_n(n: int) -> DFA:
    maps = [[1, 0] + list(range(2, n)), list(range(1, n)) + [0], [0, 0] + list(range(2, n))]
    return DFA(states=list(range(n)), alphabet=["s", "c", "m"],
               transitions={(q, a): maps[k][q] for k, a in enumerate("scm") for q in range(n)},
               start=0, name=f"T_{n}")


def rows(quick: bool) -> list[dict]:
    out = []
    dfa = tasks.get("random_fsm", states=25, symbols=10, seed=0).dfa
    repeat = 1 if quick else 3
    t_cls = _best(lambda: classify(dfa), repeat)
    t_min = _best(lambda: minimize(dfa), repeat)
    out.append({"benchmark": "classify random_fsm 25x10", "value": t_cls, "unit": "s",
                "baseline": "minimize (same automaton)", "ratio": t_cls / t_min})

    import libsemigroups_pybind11 as ls

    ls.ReportGuard(False)
    n = 6 if quick else 7
    d = _t_n(n)
    maps = [[d.table[q, a] for q in range(n)] for a in range(3)]

    def raw() -> int:
        S = ls.FroidurePin([ls.Transf([int(x) for x in t]) for t in maps])
        return S.size()

    t_raw = _best(raw, repeat)
    t_ours = _best(lambda: transition_monoid(d).size, repeat)
    out.append({"benchmark": f"transition_monoid T_{n} ({n ** n} elements)", "value": t_ours,
                "unit": "s", "baseline": "raw libsemigroups FroidurePin", "ratio": t_ours / t_raw})
    return out


if __name__ == "__main__":  # pragma: no cover
    for row in rows(quick=False):
        print(row)
