"""The report's suites as data, and selection with validation before any work."""

from __future__ import annotations

import pytest

from bilinear.analysis.suite import (
    BASELINES,
    FULL,
    LEVELS,
    QUICK,
    TINY,
    Budget,
    ModelSpec,
    get_suite,
    parse_model_spec,
    select,
)
from bilinear.automata import tasks
from bilinear.errors import (
    InvalidArgumentError,
    TaskParameterError,
    UnknownLevelError,
    UnknownTaskError,
)


@pytest.mark.parametrize("suite", [QUICK, FULL, TINY])
def test_every_task_of_every_suite_resolves(suite):
    for spec in suite.tasks:
        tasks.resolve(spec)


def test_quick_has_every_level_and_lstm_and_the_acceptance_tasks():
    names = {m.name for m in QUICK.models}
    assert set(LEVELS) | {"lstm"} <= names
    assert {"parity", "modular_addition:m=3", "modular_addition:m=5"} <= set(QUICK.tasks)


def test_full_follows_the_paper_protocol():
    b = FULL.budget
    assert b.hidden == 256 and b.train_lengths == (2, 10) and max(b.test_lengths) == 500
    assert len(b.seeds) >= 3 and len(b.lrs) == 3
    assert {m.name for m in FULL.models} == set(LEVELS) | set(BASELINES)
    for m in (2, 3, 5, 10, 25, 50):
        assert f"modular_addition:m={m}" in FULL.tasks
    for n in (2, 5, 10, 25):
        assert f"random_fsm:states={n}" in FULL.tasks


def test_select_keeps_suite_options_for_bare_names():
    s = select(QUICK, tasks=["cyclic:n=5"], models=["block", "cp:rank=4"])
    assert s.tasks == ("cyclic:n=5",)
    assert [m.label for m in s.models] == ["block:block_size=2", "cp:rank=4"]


@pytest.mark.parametrize(
    ("tasks_", "models", "error"),
    [
        (["no_such_task"], None, UnknownTaskError),
        (["cyclic:q=3"], None, TaskParameterError),
        (None, ["gru"], UnknownLevelError),
        (None, ["cp:rank"], InvalidArgumentError),
        ([], None, InvalidArgumentError),
        (None, [], InvalidArgumentError),
    ],
)
def test_select_rejects_bad_names(tasks_, models, error):
    with pytest.raises(error):
        select(QUICK, tasks=tasks_, models=models)


def test_budget_overrides_are_validated():
    assert select(TINY, budget={"steps": 3}).budget.steps == 3
    with pytest.raises(InvalidArgumentError):
        select(TINY, budget={"nope": 1})
    with pytest.raises(InvalidArgumentError):
        Budget(hidden=0, steps=1)
    with pytest.raises(InvalidArgumentError):
        Budget(hidden=4, steps=1, train_lengths=(2, 10), test_lengths=(5,))


def test_model_spec_parsing_and_suites_by_name():
    assert parse_model_spec("block:block_size=2") == ModelSpec("block", (("block_size", 2),))
    assert parse_model_spec("full:affine=true").option_dict() == {"affine": True}
    assert get_suite("quick") is QUICK
    with pytest.raises(InvalidArgumentError):
        get_suite("huge")
