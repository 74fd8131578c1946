"""Automaton extraction and certificates for trained models (``verification.extraction``)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from bilinear.automata import DFA, equivalent, minimize, tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.errors import AlphabetMismatchError, InvalidArgumentError
from bilinear.theory import classify
from bilinear.verification import strategies
from bilinear.verification.extraction import (
    OUTCOMES,
    TrainedCertificate,
    certify_trained,
    extract_automaton,
    normalize_rows,
)

CATALOGUE = ["parity", "cyclic:n=3", "dihedral:n=4", "flip_flop", "gridworld", "threshold:k=2",
             "first_symbol", "quaternion", "random_fsm:states=6,symbols=3,seed=4"]


def _with_w(rnn: BilinearRNN, W: np.ndarray) -> BilinearRNN:
    return BilinearRNN(W=W, h0=rnn.h0, readout=rnn.readout, alphabet=rnn.alphabet,
                       labels=rnn.labels, level="full")


def _assert_refuted(cert: TrainedCertificate, rnn: BilinearRNN, dfa) -> None:
    assert cert.outcome == "refuted" and not cert.holds
    word = list(cert.counterexample)
    assert word, "the empty word is never a counterexample (h0 is not decoded)"
    assert rnn.output(word)[-1] != dfa.output(word)[-1]
    assert cert.model_label == rnn.output(word)[-1]
    assert cert.task_label == dfa.output(word)[-1]


# ------------------------------------------------------------------ certified
EVERY_LEVEL = [*CATALOGUE, "modular_addition:m=5", "cyclic:n=7"]


@pytest.mark.parametrize("spec", EVERY_LEVEL)
def test_every_construction_classify_allows_is_certified(spec: str) -> None:
    """Every level classify says "yes" to: its compiled construction is certified for every
    length, or (irrational rotations: no contraction, so no invariant boxes) up to a horizon."""
    dfa = tasks.resolve(spec).dfa
    verdicts = classify(dfa).levels
    for level in (name for name, v in verdicts.items() if v.verdict == "yes"):
        rnn = compile_automaton(dfa, level=level)
        cert = certify_trained(rnn, dfa)
        assert cert.outcome in ("certified", "certified_up_to"), (level, cert.summary())
        if cert.outcome == "certified_up_to":
            assert cert.horizon > 10**6, (level, cert.horizon)
            assert not np.allclose(np.round(rnn.W), rnn.W), "only irrational weights get a horizon"


@pytest.mark.parametrize("spec", CATALOGUE)
@pytest.mark.parametrize("level", ["full", "monomial"])
def test_one_hot_constructions_are_certified(spec: str, level: str) -> None:
    dfa = tasks.resolve(spec).dfa
    rnn = compile_automaton(dfa, level=level, construction="one_hot")
    cert = certify_trained(rnn, dfa)
    assert cert.outcome == "certified", cert.summary()
    assert cert.method == "boxes" and cert.margin > 0
    assert cert.extracted_states == minimize(dfa).n_states


def test_parity_at_real_diagonal_is_certified() -> None:
    dfa = tasks.get("parity").dfa
    cert = certify_trained(compile_automaton(dfa, level="real_diagonal"), dfa)
    assert (cert.outcome, cert.method, cert.extracted_states) == ("certified", "boxes", 2)


def test_integer_rotations_are_certified_exactly() -> None:
    dfa = tasks.get("dihedral", n=4).dfa
    rnn = compile_automaton(dfa, level="block")
    assert certify_trained(rnn, dfa).outcome == "certified"


def test_contractive_threshold_closes_boxes() -> None:
    dfa = tasks.get("threshold", k=2).dfa
    rnn = compile_automaton(dfa, level="positive_diagonal", notion="rob")   # lambda = 1/2
    cert = certify_trained(rnn, dfa)
    assert (cert.outcome, cert.method) == ("certified", "boxes"), cert.summary()


def test_float_rotation_gets_a_certified_horizon() -> None:
    dfa = tasks.get("cyclic", n=3).dfa
    rnn = compile_automaton(dfa, level="complex_diagonal")     # cos/sin rounded to float64
    cert = certify_trained(rnn, dfa)
    assert cert.outcome == "certified_up_to" and cert.horizon is not None
    assert 10**12 < cert.horizon < 10**17   # ~ margin / (rounding defect per step)
    assert rnn.output("1" * 300) == dfa.output("1" * 300)


def test_slightly_wrong_rotation_horizon_is_below_its_failure() -> None:
    th = 2 * np.pi / 3 + 1e-4                  # drifts by 1e-4 rad a step: fails near 5236
    rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    R = np.array([[np.cos(j * 2 * np.pi / 3), np.sin(j * 2 * np.pi / 3)] for j in range(3)])
    rnn = BilinearRNN(W=rot[:, :, None], h0=np.array([1.0, 0.0]), readout=R, alphabet=("1",),
                      labels=(0, 1, 2), level="block")
    dfa = DFA(states=[0, 1, 2], alphabet=["1"], start=0,
              transitions={(q, "1"): (q + 1) % 3 for q in range(3)})
    cert = certify_trained(rnn, dfa, budget=300)
    assert cert.outcome == "certified_up_to", cert.summary()
    got, want = rnn.output("1" * 20_000), dfa.output("1" * 20_000)
    first_failure = 1 + next(t for t in range(20_000) if got[t] != want[t])
    assert 100 < cert.horizon < first_failure


# ------------------------------------------------------------------ refuted
def test_perturbed_weight_is_refuted() -> None:
    dfa = tasks.get("parity").dfa
    rnn = compile_automaton(dfa, level="full", construction="one_hot")
    W = np.array(rnn.W)
    k = rnn.alphabet.index("1")
    W[1, 1, k] = 0.1                       # right at first, wrong once the growing mode wins
    bad = _with_w(rnn, W)
    assert bad.output("11") == dfa.output("11")
    cert = certify_trained(bad, dfa)
    _assert_refuted(cert, bad, dfa)
    assert len(cert.counterexample) > 2


def test_swapped_letters_are_refuted() -> None:
    dfa = tasks.resolve("random_fsm:states=6,symbols=3,seed=4").dfa
    rnn = compile_automaton(dfa, level="full", construction="one_hot")
    bad = _with_w(rnn, np.array(rnn.W)[:, :, [1, 0, 2]])
    cert = certify_trained(bad, dfa)
    _assert_refuted(cert, bad, dfa)


def test_wrong_readout_row_is_refuted_by_a_shortest_word() -> None:
    dfa = tasks.get("threshold", k=2).dfa
    rnn = compile_automaton(dfa, level="full", construction="one_hot")
    R = np.array(rnn.readout)[::-1]
    bad = BilinearRNN(W=rnn.W, h0=rnn.h0, readout=R, alphabet=rnn.alphabet, labels=rnn.labels,
                      level="full")
    cert = certify_trained(bad, dfa)
    _assert_refuted(cert, bad, dfa)
    assert len(cert.counterexample) == 1


# ------------------------------------------------------------------ extraction
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(strategies.dfas(max_states=5, max_symbols=3))
def test_extraction_recovers_random_automata(d) -> None:
    rnn = compile_automaton(d, level="full")
    ex = extract_automaton(rnn)
    assert ex.dfa is not None and not ex.exhausted
    assert equivalent(ex.dfa, d)
    assert ex.dfa.n_states == minimize(d).n_states


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(strategies.dfa_and_words(max_states=4, max_symbols=3))
def test_certify_agrees_with_running_the_model(pair) -> None:
    d, words = pair
    rnn = compile_automaton(d, level="full", construction="one_hot")
    assert certify_trained(rnn, d).outcome == "certified"
    if d.n_symbols < 2:
        return
    swapped = _with_w(rnn, np.array(rnn.W)[:, :, [1, 0, *range(2, d.n_symbols)]])
    cert = certify_trained(swapped, d)
    if cert.outcome == "refuted":
        _assert_refuted(cert, swapped, d)
    else:      # the swap does not change the behaviour: the model is right on every word
        assert cert.outcome == "certified"
        assert all(swapped.output(w) == d.output(w) for w in words)


def test_extraction_without_a_finite_orbit_uses_lookahead() -> None:
    th = 2 * np.pi / 5 + 1e-7
    rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    R = np.array([[np.cos(j * 2 * np.pi / 5), np.sin(j * 2 * np.pi / 5)] for j in range(5)])
    rnn = BilinearRNN(W=np.stack([rot, np.eye(2)], axis=2), h0=np.array([1.0, 0.0]),
                      readout=R, alphabet=("1", "0"), labels=tuple(range(5)), level="block")
    ex = extract_automaton(rnn, budget=200)
    assert not ex.finite_orbit and ex.exhausted
    assert ex.dfa is not None and ex.dfa.n_states == 5
    assert ex.dfa.output("1101") == [1, 2, 2, 3]
    assert (ex.node_class[ex.depth <= 1] >= 0).all()


def test_small_budget_is_inconclusive() -> None:
    dfa = tasks.resolve("random_fsm:states=10,symbols=2,seed=1").dfa
    rnn = compile_automaton(dfa, level="full", construction="one_hot")
    ex = extract_automaton(rnn, budget=3)
    assert ex.exhausted and ex.dfa is None
    cert = certify_trained(rnn, dfa, budget=3)
    assert cert.outcome == "inconclusive" and "budget" in cert.notes[0]


def test_normalization_is_exact_and_decodes_alike() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4)) * 10.0 ** rng.integers(-30, 30, size=(50, 1))
    Y = normalize_rows(X)
    ratio = Y / X
    assert np.all(ratio == ratio[:, :1])                     # one power of two per row
    assert np.all((np.linalg.norm(Y, axis=1) >= 0.5) & (np.linalg.norm(Y, axis=1) < 1.0))
    R = rng.normal(size=(3, 4))
    assert np.array_equal((X @ R.T).argmax(axis=1), (Y @ R.T).argmax(axis=1))


# ------------------------------------------------------------------ record and refusals
def test_certificate_round_trip_through_json() -> None:
    dfa = tasks.resolve("random_fsm:states=6,symbols=3,seed=4").dfa
    rnn = compile_automaton(dfa, level="full", construction="one_hot")
    for model in (rnn, _with_w(rnn, np.array(rnn.W)[:, :, [1, 0, 2]])):
        cert = certify_trained(model, dfa)
        back = TrainedCertificate.from_dict(json.loads(json.dumps(cert.to_dict())))
        assert back == cert and back.outcome in OUTCOMES


def test_record_refuses_bad_outcomes() -> None:
    with pytest.raises(InvalidArgumentError, match="outcome"):
        TrainedCertificate("proved", task="t", model="m")
    with pytest.raises(InvalidArgumentError, match="horizon"):
        TrainedCertificate("certified_up_to", task="t", model="m")
    with pytest.raises(InvalidArgumentError, match="keys"):
        TrainedCertificate.from_dict({"outcome": "certified", "task": "t", "model": "m",
                                      "bogus": 1})


def test_mismatched_models_are_refused() -> None:
    dfa = tasks.get("parity").dfa
    rnn = compile_automaton(dfa, level="real_diagonal")
    other = BilinearRNN(W=rnn.W, h0=rnn.h0, readout=rnn.readout, alphabet=("a", "b"),
                        labels=rnn.labels, level=rnn.level)
    with pytest.raises(AlphabetMismatchError, match="'0'"):
        certify_trained(other, dfa)
    one_label = BilinearRNN(W=rnn.W, h0=rnn.h0, readout=rnn.readout[:1], alphabet=rnn.alphabet,
                            labels=rnn.labels[:1], level=rnn.level)
    with pytest.raises(InvalidArgumentError, match="task label 1"):
        certify_trained(one_label, dfa)
    with pytest.raises(InvalidArgumentError, match="budget"):
        certify_trained(rnn, dfa, budget=0)


def test_labels_that_need_lookahead_are_separated() -> None:
    n, th = 5, 2 * np.pi / 5 + 1e-8           # Z_5, label "at 0?": 1..4 look alike at once
    rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    R = np.array([[np.cos(2 * np.pi * j / n), np.sin(2 * np.pi * j / n)] for j in range(n)])
    rnn = BilinearRNN(W=np.stack([rot, rot.T], axis=2), h0=np.array([1.0, 0.0]), readout=R,
                      alphabet=("+", "-"), labels=(True,) + (False,) * (n - 1), level="block")
    trans = {(q, "+"): (q + 1) % n for q in range(n)}
    trans.update({(q, "-"): (q - 1) % n for q in range(n)})
    d = DFA(states=list(range(n)), alphabet=["+", "-"], start=0, transitions=trans,
            labels={q: q == 0 for q in range(n)})
    ex = extract_automaton(rnn, budget=200)
    assert ex.lookahead == 2 and ex.dfa is not None and equivalent(ex.dfa, d)
    cert = certify_trained(rnn, d, budget=200)
    assert cert.outcome == "certified_up_to" and 10**6 < cert.horizon < 6 * 10**7
