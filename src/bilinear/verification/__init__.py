"""Verification: certificates, impossibility witnesses, drift checks and hypothesis strategies.

* :func:`verify` proves that a bilinear RNN simulates an automaton for *every* input length, or
  refutes it with the shortest counterexample word found, and returns a :class:`Certificate`
  (``.holds``, ``.method``, ``.checked``, ``.counterexample``, ``.to_markdown()``).  Methods
  (docs/explanation/certificates.md): ``exact`` (C-exact, exact arithmetic over ZZ, QQ, a
  cyclotomic field ``Q(zeta_N)`` for rotations, or a sympy number field),
  ``orbit`` (C-orbit), ``cells`` (C-cell, interval arithmetic) and ``float`` (C-fp, one fixed
  floating-point implementation, bfloat16 emulated in numpy).
* :func:`check_witness` re-runs an impossibility witness of :func:`bilinear.theory.classify`
  and says whether it proves "no" at a level.
* :func:`simulate`, :func:`first_failure`, :func:`drift` and :func:`plot_drift`: numerical drift
  in float16 / bfloat16 / float32 / float64, with or without per-step normalization.
* :func:`assert_simulates` and :func:`simulation_error`: helpers for users' own test suites.
* :mod:`bilinear.verification.strategies`: public hypothesis strategies.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> from bilinear.verification import verify, strategies
>>> d = tasks.get("dihedral", n=4).dfa
>>> cert = verify(compile_automaton(d, level="block"), d)
>>> cert.holds, cert.method, cert.counterexample
(True, 'exact', None)
>>> callable(strategies.dfas)
True
"""

from bilinear.verification import strategies
from bilinear.verification.assertions import (
    SimulationReport,
    assert_simulates,
    simulation_error,
)
from bilinear.verification.certificates import Certificate, Check
from bilinear.verification.drift import DriftResult, drift, first_failure, plot_drift, simulate
from bilinear.verification.floats import FloatImplementation
from bilinear.verification.verifier import verify
from bilinear.verification.witnesses import WitnessCheck, check_witness

__all__ = [
    "strategies",
    "verify",
    "Certificate",
    "Check",
    "check_witness",
    "WitnessCheck",
    "assert_simulates",
    "simulation_error",
    "SimulationReport",
    "simulate",
    "first_failure",
    "drift",
    "plot_drift",
    "DriftResult",
    "FloatImplementation",
]
