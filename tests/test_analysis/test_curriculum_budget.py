"""A report budget's length curriculum reaches every run, and is recorded as a deviation."""

from dataclasses import replace

import pytest

from bilinear.analysis.runs import grid
from bilinear.analysis.suite import QUICK, TINY, ModelSpec, from_benchmark


def test_budget_curriculum_reaches_every_run() -> None:
    suite = replace(TINY, budget=replace(TINY.budget, curriculum=[2, 30]))
    jobs = grid("parity", ModelSpec("full"), suite)
    assert jobs and all(j.curriculum == (2, 30) for j in jobs)
    assert all("length curriculum" in (j.protocol_deviation or "") for j in jobs)
    plain = grid("parity", ModelSpec("full"), TINY)
    assert all(j.curriculum is None and j.protocol_deviation is None for j in plain)


def test_quick_suite_selects_beyond_every_train_length() -> None:
    b = QUICK.budget
    top = max(b.train_lengths[1], *(b.curriculum or ()))
    assert b.val_lengths and min(b.val_lengths) > top
    assert not set(b.val_lengths) & set(b.test_lengths)
    assert len(b.seeds) >= 3  # a spread over seeds, not one run


def test_benchmark_suites_keep_their_own_train_lengths() -> None:
    for quick in (True, False):
        assert from_benchmark("chomsky-regular", quick=quick).budget.curriculum is None
        assert from_benchmark("tomita", quick=quick).budget.curriculum is None


def test_the_quick_budget_closes_a_former_drift_gap() -> None:
    """``cp`` on ``random_fsm:states=2`` drifted to -0.07 at length 500 when the quick suite
    trained at lengths 2-10 only; with the quick budget's curriculum it is learned."""
    pytest.importorskip("torch")
    from bilinear.experiments import run

    job = grid("random_fsm:states=2", ModelSpec("cp"), QUICK)[0]
    result = run(job, device="cpu")
    for n in ("200", "500"):
        assert result.metrics[n]["majority_normalized_accuracy"] >= 0.99
