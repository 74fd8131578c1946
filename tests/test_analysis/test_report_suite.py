"""A report suite made from a benchmark suite: tasks, protocol, scoring, published table."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from bilinear.analysis import ReportConfig, run_report, select
from bilinear.analysis.published import PDSSM, published_for
from bilinear.analysis.report import with_scoring
from bilinear.analysis.report_blocks import to_markdown
from bilinear.analysis.report_published import MARK, published_rows, published_section
from bilinear.analysis.suite import (
    FULL,
    QUICK,
    TaskScoring,
    from_benchmark,
    report_suite,
)
from bilinear.automata import suites
from bilinear.errors import UnknownTaskError

CHOMSKY = [
    f"chomsky-regular/{t}"
    for t in ("even_pairs", "parity_check", "cycle_navigation", "modular_arithmetic")
]


def test_chomsky_regular_quick_has_its_tasks_and_scaled_protocol():
    s = from_benchmark("chomsky-regular")
    assert list(s.tasks) == CHOMSKY
    assert s.benchmark == "chomsky-regular" and s.paper is None
    b = s.budget
    assert b.train_lengths == (1, 10)  # 1-40 scaled by 10/40
    assert b.test_lengths[0] == 41 and b.test_lengths[-1] == 500
    assert set(b.val_lengths).isdisjoint(b.test_lengths) and max(b.val_lengths) <= 40
    assert (b.hidden, b.steps, b.seeds, b.lrs) == (
        QUICK.budget.hidden,
        QUICK.budget.steps,
        QUICK.budget.seeds,
        QUICK.budget.lrs,
    )
    assert "1-40 scaled to 1-10" in s.protocol and "41-500" in s.protocol
    assert s.models == QUICK.models


def test_chomsky_regular_full_keeps_the_benchmark_lengths():
    s = report_suite("chomsky-regular", quick=False)
    assert s.name == "chomsky-regular"
    assert s.budget.train_lengths == (1, 40)
    assert all(41 <= n <= 500 for n in s.budget.test_lengths)
    assert "scaled to" not in s.protocol
    assert s.budget.hidden == FULL.budget.hidden and s.models == FULL.models


def test_scoring_is_final_with_the_benchmark_chance_levels():
    s = from_benchmark("chomsky-regular")
    assert [(e.task, e.label_kind, e.chance) for e in s.scoring] == [
        (CHOMSKY[0], "final", 0.5),
        (CHOMSKY[1], "final", 0.5),
        (CHOMSKY[2], "final", 0.2),
        (CHOMSKY[3], "final", 0.2),
    ]
    narrowed = select(s, tasks=[CHOMSKY[1]], budget={"steps": 3})
    assert narrowed.scoring_for(CHOMSKY[1]) == s.scoring_for(CHOMSKY[1])
    cfg = ReportConfig(narrowed, "unused", train=False)
    assert cfg.scoring_for(CHOMSKY[1]).final_only


def test_every_benchmark_suite_makes_a_report_suite():
    for name in suites.suites():
        s = report_suite(name)
        assert s.benchmark == name and s.protocol
        assert len(s.scoring) == len(s.tasks)


def test_unknown_suite_names_the_known_ones():
    with pytest.raises(UnknownTaskError) as err:
        report_suite("chomsky")
    message = str(err.value)
    assert "\n" not in message
    for name in (*suites.suites(), "quick", "full", "tiny"):
        assert name in message


def test_task_scoring_round_trips_and_checks_chance():
    s = TaskScoring("chomsky-regular/parity_check", "final", 0.5, (1, 40), (41, 500))
    assert TaskScoring.from_dict(s.to_dict()) == s
    with pytest.raises(Exception, match="chance"):
        TaskScoring("x", "final", 1.5)


def test_with_scoring_adds_final_accuracy_of_the_selected_run():
    job = SimpleNamespace(lr=0.01, seed=0, key=lambda: "k0")
    other = SimpleNamespace(lr=0.01, seed=1, key=lambda: "k1")
    trained = {
        "lr": 0.01,
        "seed": 0,
        "test_lengths": [41, 500],
        "per_run": [{"lr": 0.01, "seed": 0}, {"lr": 0.01, "seed": 1}],
    }
    finals = {"k0": {41: 0.9, 500: 0.6}, "k1": {41: 0.5, 500: 0.5}}
    scoring = TaskScoring("t", "final", 0.5)
    out = with_scoring(
        trained, [SimpleNamespace(job=job), SimpleNamespace(job=other)], finals, scoring
    )
    assert out is not None
    assert out["final_accuracy"] == [0.9, 0.6]
    assert out["final_normalized_accuracy"] == pytest.approx([0.8, 0.2])
    assert [r["final_accuracy"] for r in out["per_run"]] == [[0.9, 0.6], [0.5, 0.5]]
    assert out["scoring"]["label_kind"] == "final" and "final_accuracy" not in trained


def _fake_report():
    suite = select(from_benchmark("chomsky-regular"), tasks=[CHOMSKY[1]])
    task = {"spec": CHOMSKY[1], "name": CHOMSKY[1], "params": {}}
    trained = {
        "test_lengths": [41, 100, 200, 500],
        "accuracy": [0.5, 0.5, 0.5, 0.5],
        "final_accuracy": [0.9, 0.8, 0.7, 0.1],
        "scoring": {"label_kind": "final"},
        "per_run": [
            {"final_accuracy": [0.9, 0.8, 0.7, 0.1]},
            {"final_accuracy": [0.6, 0.6, 0.6, 0.6]},
        ],
    }
    rows = [
        {"task": CHOMSKY[1], "model": "mamba_like", "trained": trained, "theory": None},
        {"task": CHOMSKY[1], "model": "real_diagonal", "trained": None, "theory": "yes"},
    ]
    return SimpleNamespace(config=SimpleNamespace(suite=suite), tasks=[task], rows=rows)


def test_published_rows_put_our_value_beside_each_published_one():
    report = _fake_report()
    entries = published_rows(report)
    assert len(entries) == len(published_for("chomsky-regular", "parity_check"))
    by = {e["published"]["model"]: e for e in entries}
    mamba = by["Mamba"]
    assert mamba["mark"] == MARK and mamba["ours_model"] == "mamba_like"
    # final label, mean over our lengths inside the published test range 40-256: 41, 100, 200
    assert mamba["ours"]["value"] == pytest.approx(80.0)
    assert mamba["ours"]["median"] == pytest.approx((80.0 + 60.0) / 2)
    assert mamba["ours"]["lengths"] == [41, 100, 200]
    assert by["D-LNCDE (real diagonal)"]["theory"] == "yes"
    assert by["D-LNCDE (real diagonal)"]["ours"]["value"] is None  # not trained
    assert by["DeltaNet"]["ours_model"] is None


def test_published_table_renders_marked_with_sources():
    report = _fake_report()
    report.published = published_rows(report)
    md = to_markdown(published_section(report))
    assert "Published results beside ours" in md
    assert MARK in md
    assert PDSSM in md and "Walker" in md  # the paper and the baselines' paper
    assert "| `chomsky-regular/parity_check` | Mamba | 54.5 ± 1.5 |" in md
    assert "80.0" in md and "final label, lengths 41, 100, 200" in md
    assert "1-40 scaled to 1-10" in md  # the protocol is stated


def test_no_published_section_without_a_benchmark():
    from bilinear.analysis.suite import TINY

    report = SimpleNamespace(config=SimpleNamespace(suite=TINY), tasks=[], rows=[])
    assert published_rows(report) == [] and published_section(report) == []


@pytest.mark.training
def test_a_tiny_benchmark_report_scores_final_labels(tmp_path):
    suite = select(
        from_benchmark("chomsky-regular"),
        tasks=[CHOMSKY[1]],
        models=["real_diagonal"],
        budget={"hidden": 4, "steps": 5, "batch": 8, "test_words": 16, "test_lengths": (41, 60)},
    )
    config = ReportConfig(
        suite, tmp_path, progress=False, plots=False, workers=1, theory_timeout=None
    )
    report = run_report(config)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["suite"]["benchmark"] == "chomsky-regular"
    assert doc["suite"]["scoring"][0]["label_kind"] == "final"
    for row in doc["rows"]:
        trained = row["trained"]
        assert trained["scoring"]["chance"] == 0.5
        assert len(trained["final_accuracy"]) == len(trained["test_lengths"]) == 2
        assert trained["final_normalized_accuracy"] == pytest.approx(
            [(f - 0.5) / 0.5 for f in trained["final_accuracy"]]
        )
        assert all(0.0 <= f <= 1.0 for f in trained["final_accuracy"])
    assert doc["published"] == report.published and len(doc["published"]) > 0
    md = (tmp_path / "report.md").read_text()
    assert "Published results beside ours" in md and MARK in md


def test_quick_suite_has_modular_arithmetic():
    assert "modular_arithmetic:m=5" in QUICK.tasks
