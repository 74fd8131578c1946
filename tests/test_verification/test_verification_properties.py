"""Properties: the verifier agrees with brute-force simulation on random automata."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.verification.assertions import simulation_error
from bilinear.verification.strategies import dfas
from bilinear.verification.verifier import verify


@settings(max_examples=25, deadline=None, database=None)
@given(dfas(max_states=5, max_symbols=3, labels="any"), st.data())
def test_verify_agrees_with_exhaustive_simulation(vh, d, data) -> None:
    rnn = vh.one_hot(d)
    assert verify(rnn, d).holds
    # redirect one transition column to a random unit
    n, k = d.table.shape
    q = data.draw(st.integers(0, n - 1))
    a = data.draw(st.integers(0, k - 1))
    target = data.draw(st.integers(0, n - 1))
    W = np.array(rnn.W)
    W[:, q, a] = 0.0
    W[target, q, a] = 1.0
    bad = dataclasses.replace(rnn, W=W)
    cert = verify(bad, d)
    if cert.holds:
        assert simulation_error(bad, d, max_length=2 * n + 1).ok
        return
    assert cert.counterexample is not None
    w = list(cert.counterexample)
    assert bad.output(w)[-1] != d.output(w)[-1]
    # shortest: no word of a smaller length fails (exhaustive when that is small enough)
    if len(w) > 1 and k ** (len(w) - 1) <= 50_000:
        shorter = simulation_error(bad, d, max_length=len(w) - 1, budget=50_000)
        assert shorter.exhaustive and shorter.ok
