"""A tiny hierarchy report end to end: files, results.json schema, reuse of finished runs."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bilinear.analysis import ROW_KEYS, TINY, TRAINED_KEYS, ReportConfig, run_report, select
from bilinear.analysis.diagnosis import DIAGNOSIS_KINDS
from bilinear.analysis.report import agreement, long_accuracy, make_row, plan_jobs
from bilinear.analysis.suite import LEVELS, ModelSpec

pytestmark = pytest.mark.training


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    suite = select(TINY, tasks=["parity", "modular_addition:m=3"],
                   models=["full", "real_diagonal", "lstm"])
    config = ReportConfig(suite, out, progress=False, workers=1, threads=1)
    return config, run_report(config)


def test_files_are_written(tiny):
    config, report = tiny
    out = config.out
    for name in ("report.md", "report.html", "results.json", "hierarchy.png", "accuracy.png",
                 "params.png", "frozen_diagonal.png"):
        assert (out / name).is_file(), name
    html = (out / "report.html").read_text()
    assert "<style>" in html and "data:image/png;base64," in html
    assert 'src="hierarchy.png"' not in html  # self-contained
    md = (out / "report.md").read_text()
    for heading in ("Acceptance checks", "Theory beside training", "Tasks one by one",
                    "The paper's experiments", "Modular addition", "Random FSMs",
                    "Additive-term ablation", "Frozen random real-diagonal", "CP rank sweep"):
        assert heading in md, heading


def test_results_json_schema(tiny):
    config, _ = tiny
    doc = json.loads((config.out / "results.json").read_text())
    rows = doc["rows"]
    assert len(rows) == 2 * 3
    assert {(r["task"], r["model"]) for r in rows} == {
        (t, m) for t in ("parity", "modular_addition:m=3")
        for m in ("full", "real_diagonal", "lstm")}
    for row in rows:
        assert set(ROW_KEYS) <= set(row)
        assert row["theory"] in ("yes", "no", "unknown", None)
        assert row["dim"] is None or isinstance(row["dim"], int)
        assert row["construction_verified"] in (True, False, None)
        trained = row["trained"]
        assert trained is not None, row
        assert set(TRAINED_KEYS) <= set(trained)
        assert isinstance(trained["hidden"], int) and isinstance(trained["params"], int)
        assert len(trained["train_lengths"]) == 2
        n = len(trained["test_lengths"])
        assert n == len(trained["accuracy"]) == len(trained["normalized_accuracy"])
        assert all(0.0 <= a <= 1.0 for a in trained["accuracy"])
        if row["model"] == "lstm":
            assert row["theory"] is None and row["dim"] is None
    by = {(r["task"], r["model"]): r for r in rows}
    assert by[("parity", "real_diagonal")]["theory"] == "yes"
    assert by[("modular_addition:m=3", "real_diagonal")]["theory"] == "no"


def test_second_run_reuses_every_finished_run(tiny):
    config, first = tiny
    again = run_report(config)
    assert again.timing["runs"] == first.timing["runs"] > 0
    assert again.timing["runs_reused"] == again.timing["runs"]
    assert [r["trained"]["accuracy"] for r in again.rows] == [
        r["trained"]["accuracy"] for r in first.rows]


def test_theory_only_report_has_no_training(tmp_path):
    config = ReportConfig(select(TINY, models=["full", "positive_diagonal"]), tmp_path,
                          train=False, paper=False, plots=False, progress=False)
    report = run_report(config)
    assert all(r["trained"] is None for r in report.rows)
    assert not (tmp_path / "results.sqlite").exists()
    row = next(r for r in report.rows if r["model"] == "positive_diagonal")
    assert row["theory"] == "no"


def test_plan_dedupes_shared_runs():
    jobs = plan_jobs(TINY)
    every = [j for section in jobs.values() for j in section]
    assert len(set(every)) <= len(every)
    assert any(dict(j.options).get("affine") for j in jobs["ablation"])


@pytest.mark.parametrize(
    ("theory", "fp", "acc", "expected"),
    [
        ("yes", "yes", 1.0, "agree"),
        ("yes", "yes", 0.2, "gap"),
        ("no", "no", 1.0, "bug"),
        ("no", "no", 0.1, "agree"),
        ("no", "yes", 1.0, "agree_fp"),
        ("unknown", None, 1.0, "open"),
        (None, None, 1.0, None),
    ],
)
def test_agreement_table(theory, fp, acc, expected):
    trained = {"test_lengths": [10, 200, 500], "normalized_accuracy": [1.0, acc, acc]}
    assert agreement(theory, fp, trained) == expected


def test_long_accuracy_uses_the_worst_long_length():
    assert long_accuracy({"test_lengths": [10, 200, 500],
                          "normalized_accuracy": [0.1, 0.99, 0.5]}) == 0.5


def test_rows_for_every_level_have_theory_keys():
    for level in LEVELS:
        row = make_row("parity", ModelSpec(level), None, None)
        assert set(ROW_KEYS) <= set(row) and row["trained"] is None


def test_every_gap_cell_with_weights_is_diagnosed(tiny):
    config, report = tiny
    doc = json.loads((config.out / "results.json").read_text())
    gaps = {(r["task"], r["model"]) for r in doc["rows"] if r.get("agreement") == "gap"}
    assert gaps, "the tiny budget leaves gaps (theory yes, 5 training steps)"
    assert {(d["task"], d["model"]) for d in doc["diagnoses"]} == gaps
    assert all(d["kind"] in DIAGNOSIS_KINDS for d in doc["diagnoses"])
    assert "Diagnosis of the learnability gaps" in (config.out / "report.md").read_text()


def test_the_true_wall_time_is_reported(tiny):
    config, report = tiny
    timing = json.loads((config.out / "results.json").read_text())["timing"]
    assert timing["process_s"] >= timing["total_s"] > 0  # imports included, never less
    assert "since the command started" in (config.out / "report.md").read_text()


def test_agreement_counts_are_in_results_json(tiny):
    config, report = tiny
    doc = json.loads((config.out / "results.json").read_text())
    counts = doc["agreement_counts"]
    assert sum(counts.values()) == sum(1 for r in doc["rows"] if r.get("agreement"))
    assert f"{counts['gap']} learnability gap" in (config.out / "report.md").read_text()


def test_gap_diagnoses_carry_their_training_curves(tmp_path) -> None:
    suite = select(TINY, tasks=["parity"], models=["full"])
    suite = replace(suite, budget=replace(suite.budget, curves=True))
    config = ReportConfig(suite, tmp_path, progress=False, workers=1, threads=1, paper=False,
                          plots=False)
    report = run_report(config)
    assert report.diagnoses, "5 steps of full on parity leave a gap"
    curve = report.diagnoses[0]["curve"]
    assert curve and set(curve[-1]) == {"step", *(str(n) for n in suite.budget.test_lengths)}
    assert "Training curves of the gap cells" in (tmp_path / "report.md").read_text()
