"""``certify_trained`` beyond the extraction: random long words refute a model that drifts."""

from __future__ import annotations

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.verification.extraction import TrainedCertificate, certify_trained


def _drifting(eps: float) -> tuple[BilinearRNN, object]:
    """The mod-3 rotation construction with every letter rotated ``eps`` further: right on
    short words, wrong once the accumulated angle passes a decision boundary."""
    d = tasks.get("modular_addition", m=3).dfa
    rnn = compile_automaton(d, level="complex_diagonal")
    W = np.array(rnn.W)
    rot = np.array([[np.cos(eps), -np.sin(eps)], [np.sin(eps), np.cos(eps)]])
    W2 = np.stack([W[:, :, k] @ rot for k in range(W.shape[2])], axis=2)
    bad = BilinearRNN(
        W=W2, h0=rnn.h0, readout=rnn.readout, alphabet=rnn.alphabet, labels=rnn.labels, level="full"
    )
    return bad, d


def test_drift_beyond_the_horizon_is_refuted_by_a_confirmed_long_word() -> None:
    bad, d = _drifting(0.02)
    without = certify_trained(bad, d, budget=64, search=0)
    assert without.outcome == "certified_up_to"  # true, but not the whole story
    cert = certify_trained(bad, d, budget=64)
    assert cert.outcome == "refuted"
    word = list(cert.counterexample or ())
    assert len(word) > (without.horizon or 0)  # nothing within the certified horizon
    assert bad.output(word, normalize=True)[-1] == cert.model_label != d.output(word)[-1]
    assert cert.task_label == d.output(word)[-1]
    assert "search" in cert.seconds and any("random words" in n for n in cert.notes)
    assert TrainedCertificate.from_dict(cert.to_dict()) == cert


def test_the_word_found_is_the_shortest_error_over_the_sample() -> None:
    bad, d = _drifting(0.02)
    cert = certify_trained(bad, d, budget=64, search=16, search_length=400, seed=5)
    word = list(cert.counterexample or ())
    outs = bad.output(word, normalize=True)
    want = d.output(word)
    assert outs[-1] != want[-1] and outs[:-1] == want[:-1]  # the first error of its word


@pytest.mark.parametrize("level", ["monomial", "real_diagonal"])
def test_exact_constructions_stay_certified_with_the_search_on(level) -> None:
    d = tasks.get("parity").dfa
    assert certify_trained(compile_automaton(d, level=level), d).outcome == "certified"


def test_search_within_the_certified_horizon_is_skipped() -> None:
    bad, d = _drifting(0.02)
    horizon = certify_trained(bad, d, budget=64, search=0).horizon or 0
    cert = certify_trained(bad, d, budget=64, search_length=horizon)
    assert cert.outcome == "certified_up_to" and "search" not in cert.seconds


def _outlier_start() -> tuple[BilinearRNN, object]:
    """Parity one-hot, plus a unit that only ``h0`` uses (as an untrained ``h0`` may): every
    letter maps it where it maps the start state, and no readout reads it."""
    d = tasks.get("parity").dfa
    good = compile_automaton(d, level="full", construction="one_hot")
    H = good.H
    W = np.zeros((H + 1, H + 1, good.D))
    W[:H, :H] = good.W
    start = int(np.argmax(good.h0))
    W[:, H] = W[:, start]
    h0 = np.zeros(H + 1)
    h0[H] = 1.0
    R = np.hstack([good.readout, np.zeros((good.S, 1))])
    rnn = BilinearRNN(
        W=W, h0=h0, readout=R, alphabet=good.alphabet, labels=good.labels, level="full"
    )
    return rnn, d


def test_h0_gets_a_cell_of_its_own_that_is_never_decoded() -> None:
    from bilinear.verification.extraction import extract_automaton
    from bilinear.verification.extraction._invariants import _cells

    rnn, d = _outlier_start()
    ex = extract_automaton(rnn, 64)
    cells = _cells(rnn, ex, "classes")
    assert cells is not None
    assert cells.members[cells.start] == [0] and not cells.needs[cells.start]
    assert all(0 not in m for c, m in enumerate(cells.members) if c != cells.start)
    assert (cells.table[cells.start] == cells.table[ex.dfa.start_index]).all()
    assert certify_trained(rnn, d, budget=64).outcome == "certified"
