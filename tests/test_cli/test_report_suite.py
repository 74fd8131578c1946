"""``bilinear report --suite NAME``: a benchmark suite with its protocol; ``--max-states``."""

from __future__ import annotations

import pytest

from bilinear.automata import suites
from bilinear.cli import build_parser, main
from bilinear.cli.report import build_config


@pytest.fixture
def no_training(monkeypatch):
    """Make any attempt to train fail the test."""
    import bilinear.analysis.report as report

    def boom(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(report, "execute", boom)


def _config(tmp_path, *argv):
    args = build_parser().parse_args(["report", "--out", str(tmp_path / "r"), *argv])
    return build_config(args)


def test_suite_quick_builds_the_benchmark_tasks_and_protocol(tmp_path):
    cfg = _config(tmp_path, "--suite", "chomsky-regular", "--quick")
    suite = cfg.suite
    assert suite.benchmark == "chomsky-regular"
    assert list(suite.tasks) == [
        f"chomsky-regular/{t}"
        for t in ("even_pairs", "parity_check", "cycle_navigation", "modular_arithmetic")
    ]
    assert suite.budget.train_lengths == (1, 10) and suite.budget.test_lengths[0] == 41
    assert cfg.scoring_for("chomsky-regular/cycle_navigation").chance == 0.2


def test_suite_without_size_is_the_quick_variant_and_full_keeps_the_lengths(tmp_path):
    assert _config(tmp_path, "--suite", "chomsky-regular").suite.name == "chomsky-regular-quick"
    full = _config(tmp_path, "--suite", "chomsky-regular", "--full").suite
    assert full.budget.train_lengths == (1, 40)


def test_suite_takes_the_usual_overrides(tmp_path):
    cfg = _config(
        tmp_path,
        "--suite",
        "chomsky-regular",
        "--tasks",
        "chomsky-regular/parity_check",
        "--models",
        "full",
        "--steps",
        "7",
    )
    assert cfg.suite.tasks == ("chomsky-regular/parity_check",)
    assert cfg.suite.budget.steps == 7 and cfg.suite.budget.train_lengths == (1, 10)


def test_the_report_own_suites_still_work(tmp_path):
    assert _config(tmp_path, "--suite", "tiny").suite.name == "tiny"
    assert _config(tmp_path, "--full").suite.name == "full"


def _fails(tmp_path, capsys, *argv):
    status = main(["report", "--out", str(tmp_path / "r"), "--no-progress", *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "r" / "results.sqlite").exists()
    return err


def test_unknown_suite_is_one_line_naming_the_known_ones(tmp_path, capsys, no_training):
    err = _fails(tmp_path, capsys, "--suite", "chomsky")
    for name in (*suites.suites(), "quick", "full", "tiny"):
        assert name in err


def test_two_suites_at_once_are_refused(tmp_path, capsys, no_training):
    assert "tiny" in _fails(tmp_path, capsys, "--suite", "tiny", "--full")


def test_max_states_refuses_a_task_before_training(tmp_path, capsys, no_training):
    err = _fails(tmp_path, capsys, "--suite", "chomsky-regular", "--max-states", "10")
    assert "modular_arithmetic" in err and "51 states > --max-states 10" in err


def test_max_states_refuses_a_catalogue_task_before_building_it(tmp_path, capsys, no_training):
    err = _fails(
        tmp_path, capsys, "--quick", "--tasks", "random_fsm:states=30", "--max-states", "20"
    )
    assert "30 states > --max-states 20" in err


def test_max_states_must_be_positive(tmp_path, capsys, no_training):
    assert "--max-states" in _fails(tmp_path, capsys, "--quick", "--max-states", "0")


def test_help_names_suite_and_max_states(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    assert "--suite" in out and "--max-states" in out and "chomsky-regular" in out
