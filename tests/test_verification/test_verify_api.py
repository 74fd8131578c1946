"""verify(): argument validation and inputs in every accepted form."""

from __future__ import annotations

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.errors import AlphabetMismatchError, InvalidArgumentError
from bilinear.verification.verifier import verify


@pytest.fixture(scope="module")
def parity():
    task = tasks.get("parity")
    return task, compile_automaton(task.dfa, level="real_diagonal")


@pytest.mark.parametrize("kwargs", [{"method": "proof"}, {"dtype": "float8"},
                                    {"max_states": 0}, {"max_states": 1.5}])
def test_bad_arguments(parity, kwargs) -> None:
    task, rnn = parity
    with pytest.raises(InvalidArgumentError):
        verify(rnn, task, **kwargs)


def test_not_a_model(parity) -> None:
    with pytest.raises(InvalidArgumentError, match="BilinearRNN-like"):
        verify(object(), parity[0])
    with pytest.raises(InvalidArgumentError, match="expected a DFA"):
        verify(parity[1], 42)


def test_alphabet_mismatch(parity) -> None:
    with pytest.raises(AlphabetMismatchError, match="symbol"):
        verify(parity[1], tasks.get("threshold", k=2))


@pytest.mark.parametrize("form", ["dfa", "task", "spec"])
def test_automaton_forms(parity, form) -> None:
    task, rnn = parity
    arg = {"dfa": task.dfa, "task": task, "spec": "parity"}[form]
    assert verify(rnn, arg).holds


def test_every_method_on_one_model(parity) -> None:
    task, rnn = parity
    for method in ("auto", "exact", "orbit", "cells", "float"):
        cert = verify(rnn, task, method=method)
        assert cert.holds, method
        assert cert.method == (method if method != "auto" else "exact")


def test_labels_matched_by_text(parity) -> None:
    """Labels read back from JSON as strings still match the automaton's integers."""
    task, rnn = parity
    copy = BilinearRNN(W=rnn.W, h0=rnn.h0, readout=rnn.readout, alphabet=rnn.alphabet,
                       labels=tuple(str(x) for x in rnn.labels), level=rnn.level)
    assert verify(copy, task).holds


def test_a_missing_label_row_is_a_failure() -> None:
    d = tasks.get("modular_addition", m=3).dfa
    W = np.zeros((3, 3, 3))
    for a in range(3):
        W[d.table[:, a], np.arange(3), a] = 1.0
    R = np.eye(3)[:2]                    # no row for the third label
    rnn = BilinearRNN(W=W, h0=np.eye(3)[d.start_index], readout=R, alphabet=d.alphabet,
                      labels=d.label_values[:2], level="full")
    cert = verify(rnn, d)
    assert not cert.holds and cert.counterexample is not None
    assert any("no readout row" in n for n in cert.details["notes"])
