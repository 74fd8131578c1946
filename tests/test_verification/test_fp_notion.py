"""The notion fp means "correct in floating point": a certificate of an fp model holds only
where the float run of the very same weights is right.

For every construction that :func:`bilinear.theory.classify` says "yes" to under ``fp`` (the
catalogue's tasks with their default, small parameters, and ``threshold:k`` in 26..30 and 40,
where the readout margins fall below float64's resolution), the model compiled with
``notion="fp"`` is verified, in memory and as float weights only (an NPZ file), and whenever
the certificate holds, an exhaustive float64 search of the same weights in the format the
certificate names must find no failure.  The verdicts may change; the implication may not.
"""

from __future__ import annotations

import pytest

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory import classify
from bilinear.verification import FloatImplementation
from bilinear.verification.common import align
from bilinear.verification.floats import (
    FORMATS,
    FloatInstance,
    drift_probe,
    float_search,
    probe_failure,
)
from bilinear.verification.loading import floats_only
from bilinear.verification.verifier import verify
from bilinear.vocabulary import LEVELS, Verdict

SPECS = [*tasks.names(), *(f"threshold:k={k}" for k in (26, 27, 28, 29, 30, 40))]


def _fp_yes_levels(spec: str) -> list[str]:
    c = classify(tasks.resolve(spec).dfa, notion="fp")
    return [lv for lv in LEVELS if lv in c.levels and c.levels[lv].verdict == Verdict.YES.value]


def _float_failure(rnn, dfa, dtype: str) -> list[int] | None:
    """A word on which the float run of ``rnn``'s weights (format ``dtype``) decodes wrongly,
    by exhaustive search (and the drift probes when the search hits its cap), else None."""
    al = align(rnn, dfa)
    impl = FloatImplementation(dtype)
    inst = FloatInstance(rnn.W, rnn.h0, rnn.readout, dfa.table, dfa.start_index,
                         dfa.label_index, al.columns, al.row_label)
    s = float_search(impl, inst, max_pairs=200_000)
    if s.status == "failure":
        return s.failure_word
    if s.status == "cap":
        found = drift_probe(impl, inst) or probe_failure(impl, inst)
        if found is not None:
            return list(found[0])
    return None


def _format_named(cert) -> str:
    ev = cert.evidence
    return ev.number_format if ev is not None and ev.number_format in FORMATS else "float64"


@pytest.mark.parametrize("spec", SPECS)
def test_fp_certificate_holds_only_where_the_float_run_is_right(spec: str) -> None:
    task = tasks.resolve(spec)
    d = task.dfa
    for level in _fp_yes_levels(spec):
        try:
            rnn = compile_automaton(d, level=level, notion="fp")
        except UnsupportedConstructionError:
            continue          # no model, so no certificate to hold it to
        for model in (rnn, floats_only(rnn)):
            cert = verify(model, task)
            if not cert.holds:
                continue
            fmt = _format_named(cert)
            assert fmt == "float64"
            word = _float_failure(model, d, fmt)
            assert word is None, (
                f"{spec} at {level}: the certificate holds ({cert.summary()}) but the {fmt} "
                f"run fails on a word of length {len(word)}")
            assert cert.details["kernel"]["status"] == "agrees"


@pytest.mark.parametrize("k", [27, 28, 30])
def test_threshold_fp_is_refused_where_float64_fails(k: int) -> None:
    """threshold_half (lambda = 1/2) built by hand with notion fp: its exact cells hold, but
    float64 cannot resolve the readout margins 4^-j of the deep states."""
    task = tasks.get("threshold", k=k)
    ref = compile_automaton(task.dfa, level="positive_diagonal", notion="rob")
    fp = BilinearRNN(W=ref.W, h0=ref.h0, readout=ref.readout, alphabet=ref.alphabet,
                     labels=ref.labels, level=ref.level,
                     info={"construction": "threshold_half", "notion": "fp"})
    assert verify(ref, task, method="cells").holds          # exact arithmetic: fine
    failure = _float_failure(fp, task.dfa, "float64")
    assert failure is not None                              # float64: wrong
    for method in ("auto", "cells", "exact", "orbit"):
        cert = verify(fp, task, method=method)
        assert not cert.holds, (method, cert.summary())
    auto = verify(fp, task)
    assert auto.method == "float" and auto.counterexample is not None
    assert fp.output(list(auto.counterexample))[-1] != task.dfa.output(
        list(auto.counterexample))[-1]


def test_an_exact_proof_of_an_fp_model_says_the_float_run_fails() -> None:
    task = tasks.get("threshold", k=30)
    ref = compile_automaton(task.dfa, level="positive_diagonal", notion="rob")
    fp = BilinearRNN(W=ref.W, h0=ref.h0, readout=ref.readout, alphabet=ref.alphabet,
                     labels=ref.labels, level=ref.level, exact=ref.exact,
                     info={"construction": "threshold_half", "notion": "fp"})
    cert = verify(fp, task, method="cells")
    assert not cert.holds and "notion is fp" in cert.details["reason"]
    assert cert.counterexample is not None and not cert.checked[-1].holds
