"""The verifier can fail: corrupted, swapped, perturbed and shifted models are refused with a
counterexample word that really fails."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.verification.loading import floats_only
from bilinear.verification.verifier import verify


def _fails_on(rnn, dfa, word) -> bool:
    """The float64 model's label after ``word`` differs from the automaton's."""
    return rnn.output(list(word))[-1] != dfa.output(list(word))[-1]


def _refused(rnn, dfa, **kw):
    cert = verify(rnn, dfa, **kw)
    assert not cert.holds
    assert cert.counterexample is not None and len(cert.counterexample) >= 1
    assert cert.failure["step"] == len(cert.counterexample)
    assert cert.failure["expected"] == dfa.output(list(cert.counterexample))[-1]
    return cert


@pytest.mark.parametrize("spec", ["cyclic:n=5", "symmetric:n=3", "random_fsm:states=8,symbols=3,"
                                  "seed=2", "dihedral:n=4"])
def test_one_corrupted_weight(spec: str, vh) -> None:
    d = tasks.resolve(spec).dfa
    rnn = vh.one_hot(d)
    assert verify(rnn, d).holds
    W = np.array(rnn.W)
    q = int(d.table[d.start_index, 0])          # the unit the first letter writes
    W[:, d.start_index, 0] = 0.0
    W[(q + 1) % d.n_states, d.start_index, 0] = 1.0   # send it to the wrong unit
    bad = dataclasses.replace(rnn, W=W)
    cert = _refused(bad, d)
    assert cert.method in ("exact", "orbit")      # exact arithmetic either way
    assert cert.counterexample == (d.alphabet[0],)
    assert _fails_on(bad, d, cert.counterexample)


def test_swapped_letter_matrices() -> None:
    d = tasks.get("symmetric", n=3).dfa
    rnn = compile_automaton(d, level="full")
    W = np.array(rnn.W)
    W[:, :, [1, 2]] = W[:, :, [2, 1]]
    bad = dataclasses.replace(rnn, W=W)
    cert = _refused(bad, d)
    assert len(cert.counterexample) <= 2
    assert _fails_on(bad, d, cert.counterexample)
    # the same swap in a float-only copy is refused too
    assert verify(floats_only(bad), d).counterexample == cert.counterexample


def test_rotation_perturbed_by_a_milliradian(vh) -> None:
    d = tasks.get("cyclic", n=5).dfa
    rnn = floats_only(compile_automaton(d, level="complex_diagonal"))
    assert verify(rnn, d).holds                       # matches the exact rotation: certified
    W = np.array(rnn.W)
    W[:, :, 0] = vh.rot(2 * np.pi / 5 + 1e-3)
    bad = dataclasses.replace(rnn, W=W)
    cert = _refused(bad, d)
    assert cert.method == "float"
    # the phase error 1e-3 per step crosses the decision boundary pi / 5 after ~628 steps
    assert 600 < len(cert.counterexample) < 660
    assert _fails_on(bad, d, cert.counterexample)
    assert "horizon_bound" in cert.details


def test_perturbed_rotation_with_two_letters(vh) -> None:
    d = vh.zn_pm_dfa(5)
    bad = vh.zn_rotation(5, delta=1e-3)
    cert = _refused(bad, d)
    assert _fails_on(bad, d, cert.counterexample)


@pytest.mark.parametrize("spec", ["cyclic:n=5", "parity", "quaternion", "alternating:n=4"])
def test_shifted_readout(spec: str) -> None:
    task = tasks.resolve(spec)
    d = task.dfa
    level = "block" if spec == "quaternion" else "full"
    rnn = compile_automaton(d, level=level)
    bad = dataclasses.replace(rnn, readout=np.roll(np.array(rnn.readout), 1, axis=0))
    cert = _refused(bad, d)
    assert len(cert.counterexample) <= 2
    assert _fails_on(bad, d, cert.counterexample)


def test_wrong_h0_is_refused_on_the_first_symbol() -> None:
    d = tasks.get("modular_addition", m=4).dfa
    rnn = compile_automaton(d, level="monomial")
    h0 = np.roll(np.array(rnn.h0), 1)
    cert = _refused(dataclasses.replace(rnn, h0=h0), d)
    assert len(cert.counterexample) == 1


def test_counterexample_is_shortest(vh) -> None:
    """Corrupt a transition deep in a chain: the word is exactly the path to it."""
    d = tasks.get("gridworld", n=6).dfa
    rnn = vh.one_hot(d)
    W = np.array(rnn.W)
    q4 = d.states.index(4) if 4 in d.states else d.state_index("4")
    W[:, q4, 1] = 0.0
    W[q4, q4, 1] = 1.0          # '1' (move right) now stays put at cell 4
    cert = _refused(dataclasses.replace(rnn, W=W), d)
    assert len(cert.counterexample) == 5
