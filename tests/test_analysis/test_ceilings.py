"""The counts-only accuracy ceiling beside every commutative "no" cell."""

from __future__ import annotations

import pytest

from bilinear.analysis.ceilings import CountCeiling, count_ceiling
from bilinear.analysis.report_rows import make_row
from bilinear.analysis.suite import ModelSpec
from bilinear.automata import tasks
from bilinear.errors import InvalidArgumentError


@pytest.mark.parametrize("spec", ["parity", "modular_addition:m=5", "threshold:k=2"])
def test_tasks_that_are_functions_of_the_counts_have_ceiling_one(spec):
    assert count_ceiling(tasks.resolve(spec).dfa, 200).accuracy == 1.0


@pytest.mark.parametrize("spec, high", [("symmetric:n=3", 0.7), ("quaternion", 0.75)])
def test_non_commutative_groups_have_a_ceiling_below_one(spec, high):
    c = count_ceiling(tasks.resolve(spec).dfa, 200, shuffles=128)
    assert 0.0 < c.accuracy < high and c.stderr > 0


def test_ceiling_round_trips_and_refuses_huge_samples():
    c = count_ceiling(tasks.resolve("symmetric:n=3").dfa, 20)
    assert CountCeiling.from_dict(c.to_dict()) == c
    with pytest.raises(InvalidArgumentError, match="cap"):
        count_ceiling(tasks.resolve("parity").dfa, 10**6, words=1000, shuffles=1000)


def _trained(acc):
    return {"test_lengths": [200], "accuracy": [acc], "normalized_accuracy": [acc],
            "majority_normalized_accuracy": [acc]}


def test_a_diagonal_model_above_the_ceiling_is_flagged_a_bug():
    ceilings = {200: CountCeiling(200, 0.45, 0.005, 32, 128, 16)}
    theory = {"classification": {"levels": {"real_diagonal": {"verdict": "no"}}}}
    on = make_row("symmetric:n=3", ModelSpec("real_diagonal"), theory, _trained(0.44), ceilings)
    above = make_row("symmetric:n=3", ModelSpec("real_diagonal"), theory, _trained(0.60),
                     ceilings)
    assert on["agreement"] == "agree" and on["count_ceiling_exceeded"] == []
    assert above["agreement"] == "bug" and above["count_ceiling_exceeded"] == [200]
