"""RunConfig: validation on construction, canonical form, stable keys."""

from __future__ import annotations

import pytest

from bilinear.errors import BilinearError, InvalidArgumentError, UnknownLevelError
from bilinear.experiments import RunConfig, parse_length_range, parse_lengths


def test_defaults_and_parsing() -> None:
    c = RunConfig(task="parity", model="block", options={"block_size": 2},
                  train_lengths="2-10", test_lengths="500, 50")
    assert c.train_lengths == (2, 10)
    assert c.test_lengths == (50, 500)
    assert c.options == (("block_size", 2),)


def test_key_is_stable_and_content_based() -> None:
    a = RunConfig(task="parity", model="full", hidden=8, options={"normalize": True})
    b = RunConfig.from_dict(a.to_dict())
    assert a == b and a.key() == b.key()
    assert a.replace(seed=1).key() != a.key()
    assert a.replace(lr=0.01).key() != a.key()


def test_config_is_frozen() -> None:
    c = RunConfig(task="parity", model="full")
    with pytest.raises(AttributeError):
        c.seed = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"train_lengths": (5, 10), "test_lengths": (3, 50)}, InvalidArgumentError,
         "test length 3 is below the train range 5-10"),
        ({"model": "nope"}, UnknownLevelError, "unknown model"),
        ({"model": "full", "options": {"rank": 2}}, InvalidArgumentError, "unknown option"),
        ({"hidden": 0}, InvalidArgumentError, "hidden"),
        ({"lr": -1.0}, InvalidArgumentError, "lr"),
        ({"lr": float("nan")}, InvalidArgumentError, "lr"),
        ({"steps": 1.5}, InvalidArgumentError, "steps"),
        ({"train_lengths": "10-2"}, InvalidArgumentError, "empty"),
        ({"train_lengths": "a-b"}, InvalidArgumentError, "2-10"),
        ({"test_lengths": "x"}, InvalidArgumentError, "comma-separated"),
        ({"test_lengths": "0"}, InvalidArgumentError, "positive"),
        ({"early_stop": 2.0}, InvalidArgumentError, "early_stop"),
        ({"dtype": "float16"}, InvalidArgumentError, "dtype"),
        ({"chance": 1.0}, InvalidArgumentError, "chance"),
        ({"task": ""}, InvalidArgumentError, "task"),
    ],
)
def test_bad_configs_raise(kwargs: dict, error: type, match: str) -> None:
    base = {"task": "parity", "model": "full"}
    base.update(kwargs)
    with pytest.raises(error, match=match) as info:
        RunConfig(**base)
    assert isinstance(info.value, BilinearError)


def test_unknown_dict_keys_are_errors() -> None:
    with pytest.raises(InvalidArgumentError, match="bogus"):
        RunConfig.from_dict({"task": "parity", "model": "full", "bogus": 1})


def test_parsers() -> None:
    assert parse_length_range("7") == (7, 7)
    assert parse_length_range((2, 3)) == (2, 3)
    assert parse_lengths([3, 1, 3]) == (1, 3)
