"""``BilinearModel.to_rnn`` and the stored-weights record: a trained module as exact weights."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from bilinear.errors import InvalidArgumentError, WeightsFormatError
from bilinear.models import make
from bilinear.models.construction import (
    WEIGHTS_FORMAT,
    model_from_record,
    rnn_from_record,
    weights_record,
)

LEVELS = [
    ("full", {}),
    ("cp", {"rank": 3}),
    ("monomial", {}),
    ("monomial", {"selection": "soft"}),
    ("block", {"block_size": 2}),
    ("complex_diagonal", {}),
    ("real_diagonal", {}),
    ("positive_diagonal", {}),
]
ALPHABET, LABELS = ("a", "b", "c"), ("x", "y")


def _model(level: str, options: dict, seed: int = 1):
    return make(level, vocab=3, labels=2, hidden=4, seed=seed, device="cpu", **options)


@pytest.mark.parametrize(("level", "options"), LEVELS)
def test_exported_model_decodes_as_the_module(level, options) -> None:
    m = _model(level, options)
    rnn = m.to_rnn(ALPHABET, LABELS)
    words = torch.randint(0, 3, (8, 25), generator=torch.Generator().manual_seed(3))
    want = m.predict(words).numpy()
    for w, y in zip(words.tolist(), want, strict=True):
        assert rnn.output([ALPHABET[k] for k in w], normalize=True) == [LABELS[k] for k in y]


@pytest.mark.parametrize(("level", "options"), LEVELS)
def test_record_round_trips_bit_for_bit_through_json(level, options) -> None:
    m = _model(level, options)
    record = json.loads(json.dumps(weights_record(m)))
    back = model_from_record(record)
    assert type(back) is type(m)
    for (k, a), (k2, b) in zip(m.state_dict().items(), back.state_dict().items(), strict=True):
        assert k == k2 and a.dtype == b.dtype and torch.equal(a, b)
    assert np.array_equal(rnn_from_record(record, ALPHABET, LABELS).W, m.to_rnn(ALPHABET, LABELS).W)


def test_export_levels_and_info() -> None:
    assert _model("cp", {"rank": 3}).to_rnn(ALPHABET, LABELS).info["rank"] == 3
    assert _model("block", {"block_size": 2}).to_rnn(ALPHABET, LABELS).info["block_size"] == 2
    # a soft selection is column-stochastic, not monomial: exported as full
    assert _model("monomial", {"selection": "soft"}).to_rnn(ALPHABET, LABELS).level == "full"
    hard = _model("monomial", {}).to_rnn(ALPHABET, LABELS)
    assert hard.level == "monomial"
    assert ((hard.W != 0).sum(axis=0) <= 1).all()  # exactly one-hot columns, no rounding


def test_discretized_monomial_record_keeps_the_hard_selection() -> None:
    soft = _model("monomial", {"selection": "soft"})
    snapped = soft.discretized()
    assert snapped is not None and snapped.selection == "straight_through"
    back = model_from_record(weights_record(snapped))
    assert back.selection == "straight_through"


def test_affine_model_and_wrong_sizes_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="affine"):
        _model("full", {"affine": True}).to_rnn(ALPHABET, LABELS)
    assert weights_record(_model("full", {"affine": True})) is None
    assert weights_record(make("lstm", vocab=3, labels=2, hidden=4, device="cpu")) is None
    with pytest.raises(InvalidArgumentError, match="reads 3 tokens but the alphabet has 2"):
        _model("full", {}).to_rnn(("a", "b"), LABELS)
    with pytest.raises(InvalidArgumentError, match="2 output rows but 3 labels"):
        _model("full", {}).to_rnn(ALPHABET, ("x", "y", "z"))


def test_bad_records_are_refused_in_one_line() -> None:
    record = weights_record(_model("full", {}))
    assert record is not None and record["format"] == WEIGHTS_FORMAT
    with pytest.raises(WeightsFormatError, match="expected format"):
        model_from_record({**record, "format": "other"})
    broken = json.loads(json.dumps(record))
    broken["parameters"]["W"]["shape"] = [4, 4, 2]  # does not fit the data
    with pytest.raises(WeightsFormatError, match="unreadable"):
        model_from_record(broken)
    wrong = json.loads(json.dumps(record))
    wrong["hidden"] = 5  # the parameters are 4-unit
    with pytest.raises(WeightsFormatError, match="do not load"):
        model_from_record(wrong)


@pytest.mark.parametrize(
    "level", ["monomial", "block", "complex_diagonal", "real_diagonal", "positive_diagonal"]
)
def test_discretized_leaves_the_original_untouched(level) -> None:
    m = _model(level, {"block_size": 2} if level == "block" else {})
    before = {k: v.clone() for k, v in m.state_dict().items()}
    d = m.discretized()
    assert d is not None and d is not m
    assert all(torch.equal(before[k], v) for k, v in m.state_dict().items())
    assert all(p.requires_grad for p in d.parameters())
    assert not all(torch.equal(before[k], v) for k, v in d.state_dict().items())
