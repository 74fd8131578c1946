"""A report budget's length curriculum reaches every run, and is recorded as a deviation."""

from dataclasses import replace

from bilinear.analysis.runs import grid
from bilinear.analysis.suite import TINY, ModelSpec


def test_budget_curriculum_reaches_every_run() -> None:
    suite = replace(TINY, budget=replace(TINY.budget, curriculum=[2, 30]))
    jobs = grid("parity", ModelSpec("full"), suite)
    assert jobs and all(j.curriculum == (2, 30) for j in jobs)
    assert all("length curriculum" in (j.protocol_deviation or "") for j in jobs)
    plain = grid("parity", ModelSpec("full"), TINY)
    assert all(j.curriculum is None and j.protocol_deviation is None for j in plain)
