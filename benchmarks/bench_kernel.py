"""Trusted-kernel benchmark: re-checking a certificate's evidence against searching for it.

``verify`` finds the encoding of a one-hot model of a large random automaton (breadth-first
search, vectorised by levels) and hands its evidence (the code of every state) to the kernel;
:func:`bilinear.verification.kernel.recheck` then checks that evidence from the weights alone
(every state and letter, every decoding).  The first row reports the kernel's time; the
baseline, measured in the same run, is the time of ``verify`` itself (search, certificate and
re-check).  A second row times the re-check of the evidence read back from the certificate's
JSON; a third compares the re-check with the verifier's own work (``verify`` less the re-check
it runs, i.e. the search and the certificate), on the 100,000-state one-hot certificate
(10,000 states with ``--quick``/``--smoke``).
"""

from __future__ import annotations

import json
import time

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.verification import kernel
from bilinear.verification.verifier import kernel_inputs, verify


def _best(f, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _cyclotomic_row(quick: bool) -> dict:
    """Kernel re-check of a rotation certificate over ``Q(zeta_N)`` vs ``verify``
    (``cyclic:n=7`` quick, ``modular_addition:m=64``)."""
    name, m = ("cyclic", 7) if quick else ("modular_addition", 64)
    dfa = tasks.get(name, **({"n": m} if quick else {"m": m})).dfa
    rnn = compile_automaton(dfa, level="complex_diagonal")
    t_verify, cert = _best(lambda: verify(rnn, dfa), repeat=1 if quick else 3)
    if not (cert.holds and cert.evidence.number_format == "cyclotomic"):  # pragma: no cover
        raise RuntimeError(cert.summary())
    model, automaton = kernel_inputs(rnn, dfa)
    t_kernel, verdict = _best(lambda: kernel.recheck(cert.evidence, model, automaton),
                              repeat=1 if quick else 3)
    assert verdict.agrees
    return {"benchmark": f"kernel_recheck_cyclotomic_{name}_{m}", "value": t_kernel,
            "unit": "s", "baseline": "verify of the same model (search + certificate + "
                                     "re-check)", "ratio": t_kernel / t_verify}


def rows(quick: bool) -> list[dict]:
    """Kernel re-check time vs the verifier on ``random_fsm:states=n,symbols=2,seed=1``
    compiled at ``full``, sparse (n = 10^4 quick, 10^5)."""
    n = 10_000 if quick else 100_000
    dfa = tasks.get("random_fsm", states=n, symbols=2, seed=1).dfa
    rnn = compile_automaton(dfa, level="full", sparse=True)
    t_verify, cert = _best(lambda: verify(rnn, dfa))
    if not (cert.holds and cert.details["kernel"]["status"] == "agrees"):  # pragma: no cover
        raise RuntimeError(cert.summary())
    model, automaton = kernel_inputs(rnn, dfa)
    t_kernel, verdict = _best(lambda: kernel.recheck(cert.evidence, model, automaton))
    assert verdict.agrees
    doc = json.dumps(cert.to_dict())

    def from_json() -> kernel.KernelVerdict:
        ev = kernel.Evidence.from_dict(json.loads(doc)["evidence"])
        return kernel.recheck(ev, model, automaton)

    t_json, verdict2 = _best(from_json)
    assert verdict2.agrees
    t_own = max(t_verify - t_kernel, 1e-9)      # verify runs the same re-check once
    return [
        {"benchmark": f"kernel_recheck_one_hot_{n}x2", "value": t_kernel, "unit": "s",
         "baseline": "verify of the same model (search + certificate + re-check)",
         "ratio": t_kernel / t_verify},
        {"benchmark": f"kernel_recheck_json_one_hot_{n}x2", "value": t_json, "unit": "s",
         "baseline": "verify of the same model (search + certificate + re-check)",
         "ratio": t_json / t_verify},
        {"benchmark": f"kernel_recheck_vs_verifier_one_hot_{n}x2", "value": t_kernel,
         "unit": "s", "baseline": "the verifier's own time on the same certificate (search + "
                                  "certificate: verify less its kernel re-check)",
         "ratio": t_kernel / t_own},
        _cyclotomic_row(quick),
    ]
