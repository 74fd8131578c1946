"""The vectorised certificate of one-hot (monomial) constructions, large and small."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, ExactWeights, compile_automaton
from bilinear.verification.common import align
from bilinear.verification.exact import exact_certificate, system_from_arrays
from bilinear.verification.monomial import monomial_certificate, monomial_form
from bilinear.verification.verifier import verify


@pytest.fixture(scope="module")
def big():
    d = tasks.get("random_fsm", states=10_000, symbols=10, seed=3).dfa
    return d, compile_automaton(d, level="full", sparse=True)


def test_large_sparse_one_hot_is_certified_fast(big) -> None:
    d, rnn = big
    assert rnn.is_sparse
    t = time.perf_counter()
    cert = verify(rnn, d)
    elapsed = time.perf_counter() - t
    assert cert.holds and cert.method == "exact"
    assert cert.details["reachable_states"] == 10_000
    assert [c.cases for c in cert.checked] == [1, 100_000, 10_000]
    assert elapsed < 5.0


def test_large_sparse_corruption_is_refused(big) -> None:
    d, rnn = big
    ex = rnn.exact
    targets = np.array(ex.targets)
    tree_q = int(d.table[d.table[d.start_index, 2], 5])     # the state after "c f" (indices)
    targets[7, tree_q] = (targets[7, tree_q] + 1) % d.n_states
    bad_exact = ExactWeights.monomial(targets, None, d.start_index, ex.readout_rows, ex.S)
    bad = BilinearRNN.from_exact(bad_exact, alphabet=rnn.alphabet, labels=rnn.labels,
                                 level="full")
    cert = verify(bad, d)
    assert not cert.holds and cert.counterexample is not None
    assert len(cert.counterexample) <= 3
    assert cert.failure["expected"] == d.output(list(cert.counterexample))[-1]


@pytest.mark.parametrize("spec", ["symmetric:n=3", "random_fsm:states=30,symbols=4,seed=5",
                                  "flip_flop:n=3", "dihedral:n=5"])
def test_vectorised_and_general_searches_agree(spec: str, vh) -> None:
    d = tasks.resolve(spec).dfa
    rnn = vh.one_hot(d)
    al = align(rnn, d)
    form = monomial_form(rnn)
    fast = monomial_certificate(form, rnn, d, al, task=spec, model="m")
    slow = exact_certificate(system_from_arrays(rnn.W, rnn.h0, rnn.readout), rnn, d, al,
                             task=spec, model="m")
    assert fast.holds and slow.holds
    assert [c.cases for c in fast.checked] == [c.cases for c in slow.checked]
    # a corrupted copy: both find a counterexample of the same length
    W = np.array(rnn.W)
    q = int(d.table[d.start_index, 1])
    W[:, q, 0] = 0.0
    bad = dataclasses.replace(rnn, W=W)
    fast = monomial_certificate(monomial_form(bad), bad, d, al, task=spec, model="m")
    slow = exact_certificate(system_from_arrays(bad.W, bad.h0, bad.readout), bad, d, al,
                             task=spec, model="m")
    assert fast.counterexample is not None and slow.counterexample is not None
    assert len(fast.counterexample) == len(slow.counterexample)


def test_signed_permutations() -> None:
    """Monomial +-1 matrices (a signed cycle of order 8 on 4 units) for Z_8."""
    d = tasks.get("cyclic", n=8).dfa
    P = np.zeros((4, 4))
    P[[1, 2, 3, 0], [0, 1, 2, 3]] = [1, 1, 1, -1]
    codes = [np.linalg.matrix_power(P, k) @ np.eye(4)[0] for k in range(8)]
    R = np.array(codes)
    labels = tuple(d.run(["1"] * k) for k in range(8))
    rnn = BilinearRNN(W=P[:, :, None], h0=np.eye(4)[0], readout=R, alphabet=("1",),
                      labels=labels, level="monomial")
    form = monomial_form(rnn)
    assert form is not None and form.scales is not None
    cert = monomial_certificate(form, rnn, d, align(rnn, d), task="Z8", model="m")
    assert cert.holds
    assert verify(rnn, d).holds
