"""Smoke tests: the full model learns parity and Z_3 and generalizes to length 200."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bilinear.automata import tasks
from bilinear.errors import InvalidArgumentError
from bilinear.experiments import (
    AutomatonData,
    RunConfig,
    evaluate,
    majority_accuracy,
    majority_normalized_accuracy,
    normalized_accuracy,
    run,
)
from bilinear.models import make

# A reliable small recipe (seconds on one CPU thread): 8 units, lr 0.01, early stop once the
# validation accuracy at length 10 is perfect four checks in a row.
RECIPE = {"hidden": 8, "lr": 0.01, "steps": 800, "batch_size": 32, "train_lengths": "2-10",
          "test_lengths": "200", "test_words": 64, "early_stop": 1.0, "eval_every": 50,
          "patience": 4}


@pytest.mark.training
@pytest.mark.parametrize("task", ["parity", "modular_addition:m=3"])
def test_full_learns_and_generalizes(task: str) -> None:
    result = run(RunConfig(task=task, model="full", seed=0, **RECIPE))
    assert result.metrics["200"]["normalized_accuracy"] >= 0.95
    assert result.info["stopped_early"]


def test_data_labels_come_from_the_automaton() -> None:
    dfa = tasks.get("modular_addition", m=3).dfa
    data = AutomatonData(dfa)
    words, labels = data.sample_train(np.random.default_rng(0), 4, (2, 10))
    assert 2 <= words.shape[1] <= 10
    for w, y in zip(words, labels, strict=True):
        expected = dfa.output([dfa.alphabet[i] for i in w])
        assert [dfa.label_values[i] for i in y] == expected


def test_evaluate_reports_every_length_and_normalizes() -> None:
    dfa = tasks.get("parity").dfa
    model = make("real_diagonal", vocab=2, labels=2, hidden=1, dtype="float64")
    with torch.no_grad():  # the exact parity construction: lambda = +1 / -1, readout +-1
        model.diagonal.copy_(torch.tensor([[1.0], [-1.0]]))
        model.h0.fill_(1.0)
        model.readout.copy_(torch.tensor([[1.0], [-1.0]]))
    metrics = evaluate(model, dfa, [5, 1000], words=8)
    assert set(metrics) == {"5", "1000"}
    assert metrics["1000"]["accuracy"] == 1.0
    assert metrics["1000"]["normalized_accuracy"] == 1.0
    assert normalized_accuracy(0.5, 0.5) == 0.0


def test_a_run_is_reproducible() -> None:
    cfg = RunConfig(task="parity", model="cp", options={"rank": 3}, hidden=3, steps=5,
                    train_lengths="2-5", test_lengths="8", test_words=16)
    a, b = run(cfg), run(cfg)
    assert a.metrics == b.metrics
    assert a.info["final_loss"] == b.info["final_loss"]


def test_callback_sees_every_step_and_can_abort() -> None:
    cfg = RunConfig(task="parity", model="real_diagonal", hidden=2, steps=10,
                    train_lengths="2-4", test_lengths="4")
    seen = []

    def callback(step: int, loss: float) -> None:
        seen.append(step)
        if step == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(cfg, callback=callback)
    assert seen == [1, 2, 3]


# ---------------------------------------------------------------- base rates and validation
@given(arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)),
              elements=st.integers(0, 3)))
def test_majority_is_the_best_constant_per_position(labels: np.ndarray) -> None:
    m = majority_accuracy(labels)
    for guess in range(4):  # every constant predictor (one label everywhere) is no better
        assert (labels == guess).mean() <= m + 1e-12
    columns = [np.bincount(c).max() / len(c) for c in labels.T]
    assert m == pytest.approx(float(np.mean(columns)))


def test_skewed_labels_give_a_constant_predictor_zero() -> None:
    # threshold-like labels: almost always 1; the old 1/labels normalization calls the
    # constant predictor 0.98, the majority normalization calls it 0
    labels = np.ones((100, 50), dtype=np.int64)
    labels[:, :1] = 0
    m = majority_accuracy(labels)
    assert m == 1.0
    assert majority_normalized_accuracy(m, m, labels.size) == 1.0
    assert majority_normalized_accuracy(0.99, m, labels.size) < 0
    assert majority_normalized_accuracy(0.75, 0.5, 100) == 0.5


def test_validation_lengths_are_disjoint_from_test_lengths() -> None:
    with pytest.raises(InvalidArgumentError, match="disjoint"):
        RunConfig(task="parity", model="full", test_lengths="50,200", val_lengths="30,50")
    with pytest.raises(InvalidArgumentError, match="validation length 1 is below"):
        RunConfig(task="parity", model="full", train_lengths="2-10", val_lengths="1")


def test_validation_lengths_leave_old_run_keys_alone() -> None:
    plain = RunConfig(task="parity", model="full")
    assert "val_lengths" not in plain.to_dict()
    with_val = plain.replace(val_lengths="20,40")
    assert with_val.key() != plain.key()
    assert RunConfig.from_dict(with_val.to_dict()) == with_val
    assert RunConfig.from_dict(plain.to_dict()).key() == plain.key()


def test_a_run_reports_validation_metrics_on_their_own_words() -> None:
    cfg = RunConfig(task="parity", model="real_diagonal", hidden=2, steps=2,
                    train_lengths="2-4", test_lengths="8", val_lengths="6", test_words=8)
    result = run(cfg)
    assert set(result.validation) == {"6"} and set(result.metrics) == {"8"}
    assert 0.0 <= result.validation["6"]["majority_accuracy"] <= 1.0
