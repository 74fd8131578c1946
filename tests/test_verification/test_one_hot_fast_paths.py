"""The one-pass paths of the one-hot certificate (every state's code ``2 q``), in the search
and in the kernel: they agree with the level-by-level checks on what they accept, and every
failure still reaches a refusal or the breadth-first search."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.automata import tasks
from bilinear.automata.operations import reachable_mask
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.verification import kernel, verify
from bilinear.verification.kernel import Evidence
from bilinear.verification.verifier import kernel_inputs


def _reference_reachable(table: np.ndarray, start: int) -> np.ndarray:
    seen = np.zeros(table.shape[0], dtype=bool)
    seen[start] = True
    stack = [start]
    while stack:
        for r in table[stack.pop()].tolist():
            if not seen[r]:
                seen[r] = True
                stack.append(r)
    return seen


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 400), st.integers(1, 4), st.integers(1, 400), st.integers(0, 2**31))
def test_reachable_mask_is_the_reachable_set(n: int, k: int, m: int, seed: int) -> None:
    """Wide levels (a scattered mask), narrow ones (first occurrences) and scalar steps."""
    rng = np.random.default_rng(seed)
    table = rng.integers(0, min(m, n), size=(n, k))
    start = int(rng.integers(0, n))
    assert np.array_equal(reachable_mask(table, start), _reference_reachable(table, start))


def test_reachable_mask_of_a_long_path() -> None:
    n = 5000
    table = np.stack([np.minimum(np.arange(n) + 1, n - 1), np.zeros(n, dtype=np.int64)], 1)
    table[n - 10 :, 0] = n - 10  # the last 9 states are unreachable
    mask = reachable_mask(table, 0)
    assert int(mask.sum()) == n - 9 and not mask[n - 9 :].any()


def _kernel_records(n_unreachable: int = 1):
    """A one-hot model of a random automaton plus ``n_unreachable`` states nothing enters,
    with the identity codes ``2 q`` of every state."""
    d = tasks.get("random_fsm", states=60, symbols=3, seed=7).dfa
    n, K = d.n_states + n_unreachable, d.n_symbols
    table = np.concatenate([d.table, np.zeros((n_unreachable, K), dtype=np.int64)])
    labels = np.concatenate([d.label_index, np.zeros(n_unreachable, dtype=np.int64)])
    au = kernel.Automaton(
        table=table,
        start=int(d.start_index),
        state_label=labels,
        alphabet=tuple(d.alphabet),
        labels=tuple(d.label_values),
    )
    h0 = np.zeros(n)
    h0[d.start_index] = 1.0
    model = kernel.Model(
        h0=h0,
        alphabet=tuple(d.alphabet),
        labels=tuple(d.label_values),
        targets=np.ascontiguousarray(table.T),
        scales=None,
        readout_rows=labels.copy(),
        n_rows=len(d.label_values),
    )
    ev = Evidence(
        kind="monomial",
        number_format="ZZ",
        arithmetic="exact",
        hypothesis="h_w = e_{q0 . w}",
        h0_scale="1",
        code_of=np.arange(0, 2 * n, 2, dtype=np.int64),
        margins=("1",),
    )
    return ev, model, au


def test_the_kernel_one_pass_agrees_and_refuses_a_reached_wrong_row() -> None:
    ev, model, au = _kernel_records()
    assert kernel.recheck(ev, model, au).status == "agrees"
    q = int(au.table[au.start, 1])  # a reached state
    rows = np.array(model.readout_rows)
    rows[q] = (rows[q] + 1) % model.n_rows
    verdict = kernel.recheck(ev, dataclasses.replace(model, readout_rows=rows), au)
    assert verdict.status == "refuses" and f"state {q}" in verdict.reason


def test_an_unreached_wrong_row_falls_back_to_the_reached_states() -> None:
    """Every state decoding right is a superset check; a wrong row on a state no word reaches
    sends the kernel to its check of the reached states, which agrees."""
    ev, model, au = _kernel_records()
    n = au.table.shape[0]
    rows = np.array(model.readout_rows)
    rows[n - 1] = (rows[n - 1] + 1) % model.n_rows
    verdict = kernel.recheck(ev, dataclasses.replace(model, readout_rows=rows), au)
    assert verdict.status == "agrees"


def test_a_wrong_one_hot_readout_row_gets_a_counterexample() -> None:
    """The search's one-pass check fails, the breadth-first search finds the word."""
    d = tasks.get("random_fsm", states=200, symbols=3, seed=5).dfa
    rnn = compile_automaton(d, level="full", sparse=True)
    ex = rnn.exact
    assert ex is not None
    q = int(d.table[d.start_index, 2])
    rows = np.array(ex.readout_rows)
    rows[q] = (rows[q] + 1) % ex.S
    bad = BilinearRNN.from_exact(
        dataclasses.replace(ex, readout_rows=rows),
        alphabet=rnn.alphabet,
        labels=rnn.labels,
        level=rnn.level,
    )
    cert = verify(bad, d)
    assert not cert.holds and cert.counterexample is not None
    assert len(cert.counterexample) <= 1  # q is one letter from the start
    good = verify(rnn, d)
    assert good.holds and good.details["kernel"]["status"] == "agrees"
    assert good.details["reachable_states"] == d.n_states
    assert good.evidence is not None
    assert kernel.recheck(good.evidence, *kernel_inputs(rnn, d)).status == "agrees"
