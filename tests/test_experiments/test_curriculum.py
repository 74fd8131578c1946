"""The length curriculum: its schedule, its run key, its record, and what it fixes."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from bilinear.errors import InvalidArgumentError
from bilinear.experiments import RunConfig, run
from bilinear.experiments.config import curriculum_upper


@given(steps=st.integers(1, 400), start=st.integers(1, 20), grow=st.integers(0, 60))
def test_schedule_grows_from_start_to_end_and_holds(steps: int, start: int, grow: int) -> None:
    end = start + grow
    uppers = [curriculum_upper(s, steps, start, end) for s in range(1, steps + 1)]
    assert all(a <= b for a, b in zip(uppers, uppers[1:], strict=False))  # never shrinks
    assert uppers[-1] == end and all(start <= u <= end for u in uppers)
    assert uppers[steps // 2 :] == [end] * (steps - steps // 2)  # the second half holds end
    if steps >= 4:
        assert uppers[0] == start


def test_train_range_and_config_fields() -> None:
    c = RunConfig(
        task="parity",
        model="full",
        steps=100,
        curriculum="2-50",
        val_lengths=(60,),
        test_lengths=(200,),
    )
    assert c.curriculum == (2, 50)
    assert c.train_range(1) == (2, 2) and c.train_range(50) == (2, 50)
    assert c.train_range(100) == (2, 50)
    assert "curriculum=2-50" in c.describe()
    assert RunConfig.from_dict(c.to_dict()) == c
    deviation = c.protocol_deviation
    assert deviation is not None and "instead of the protocol's 2-10" in deviation
    assert "inside the trained range" not in deviation  # 60 and 200 lie beyond 50


def test_key_of_a_run_without_curriculum_is_unchanged() -> None:
    plain = RunConfig(task="parity", model="full", hidden=8)
    assert "curriculum" not in plain.to_dict()
    # the key this configuration had before the field existed
    assert plain.key() == RunConfig.from_dict(plain.to_dict()).key()
    assert plain.replace(curriculum=(2, 50)).key() != plain.key()
    assert plain.protocol_deviation is None


def test_key_literal_is_stable() -> None:
    # pinned (the key at the commit before the field): finished runs in stores keep matching
    assert RunConfig(task="parity", model="full", hidden=8).key() == "b7e09a8d2c8a7e8b"


@pytest.mark.parametrize(
    ("value", "match"), [("1-50", "below the train range"), ("50-2", "empty"), ("x", "2-10")]
)
def test_bad_curricula_are_refused(value: str, match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        RunConfig(task="parity", model="full", train_lengths=(2, 10), curriculum=value)


def test_run_records_the_deviation_and_trains_on_longer_words() -> None:
    c = RunConfig(
        task="parity",
        model="real_diagonal",
        hidden=2,
        steps=4,
        batch_size=4,
        curriculum=(2, 30),
        test_lengths=(40,),
        test_words=4,
    )
    seen: list[int] = []
    r = run(c, device="cpu", callback=lambda step, loss: seen.append(step))
    assert seen == [1, 2, 3, 4]
    assert r.protocol_deviation == c.protocol_deviation
    assert r.to_dict()["info"]["protocol_deviation"].startswith("length curriculum")
    assert r.to_dict()["config"]["curriculum"] == [2, 30]
    assert run(c.replace(curriculum=None), device="cpu").protocol_deviation is None


@pytest.mark.slow
def test_curriculum_stops_the_drift_of_full_on_a_random_fsm() -> None:
    """Full, 16 units, on ``random_fsm:states=10``: learned at train lengths 2-10 it drifts by
    length 500 (about 0.90); the same run with lengths growing to 2-50 stays at 1.00."""
    torch.set_num_threads(1)
    base = RunConfig(
        task="random_fsm:states=10",
        model="full",
        hidden=16,
        steps=600,
        lr=1e-2,
        seed=0,
        train_lengths=(2, 10),
        test_lengths=(500,),
        val_lengths=(20, 40),
        test_words=64,
    )
    plain = run(base, device="cpu").metrics["500"]["majority_normalized_accuracy"]
    grown = run(base.replace(curriculum=(2, 50)), device="cpu").metrics["500"][
        "majority_normalized_accuracy"
    ]
    assert grown >= 0.99
    assert plain < grown - 0.05
