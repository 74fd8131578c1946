"""A benchmark task's own word sampler reaches training and evaluation (modular arithmetic)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.automata import suites
from bilinear.errors import InvalidArgumentError
from bilinear.experiments import RunConfig
from bilinear.experiments.data import AutomatonData
from bilinear.experiments.training import evaluate, run, train

TASK = "chomsky-regular/modular_arithmetic"


def _value(symbols: list[str]) -> int:
    """Direct evaluation with * precedence, mod 5 (not from the automaton)."""
    terms, sign, prod = 0, 1, int(symbols[0])
    for op, digit in zip(symbols[1::2], symbols[2::2], strict=True):
        if op == "*":
            prod *= int(digit)
        else:
            terms, sign, prod = terms + sign * prod, 1 if op == "+" else -1, int(digit)
    return (terms + sign * prod) % 5


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60))
def test_sampled_words_are_well_formed_and_labelled_by_their_value(seed: int, length: int) -> None:
    task = suites.resolve(TASK)
    data = AutomatonData(task.dfa, task.sampler)
    words, labels = data.sample(np.random.default_rng(seed), 3, length)
    assert words.shape[1] == (length if length % 2 else length - 1) or length == 1
    for word, label in zip(words, labels, strict=True):
        symbols = [task.dfa.alphabet[i] for i in word]
        assert task.dfa.label_values[label[-1]] == str(_value(symbols))


def test_training_and_evaluation_read_the_suite_words() -> None:
    task = suites.resolve(TASK)
    none = task.dfa.label_values.index("none")
    rng = np.random.default_rng(0)
    _, uniform = AutomatonData(task.dfa).sample(rng, 64, 41)
    _, sampled = AutomatonData(task.dfa, task.sampler).sample(rng, 64, 41)
    assert (uniform[:, -1] == none).mean() > 0.9  # uniform words are almost all malformed
    assert (sampled[:, -1] != none).all()
    config = RunConfig(task=TASK, model="full", hidden=4, steps=2, test_lengths=(41,),
                       test_words=8)
    result = run(config, device="cpu")
    model = train(config, device="cpu").model  # same seed: the same model
    assert result.metrics["41"] == evaluate(model, task.dfa, (41,), words=8,
                                            sampler=task.sampler)["41"]


def test_a_bad_sampler_is_refused() -> None:
    task = suites.resolve(TASK)
    data = AutomatonData(task.dfa, lambda rng, batch, length: np.full((batch, length), 99))
    with pytest.raises(InvalidArgumentError, match="token ids outside 0..7"):
        data.sample(np.random.default_rng(0), 2, 5)
