"""``bilinear report`` on the command line: bad input fails before any training starts."""

from __future__ import annotations

import json

import pytest

from bilinear.cli import build_parser, main
from bilinear.cli.report import build_config


@pytest.fixture
def no_training(monkeypatch):
    """Make any attempt to train fail the test."""
    import bilinear.analysis.report as report

    def boom(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(report, "execute", boom)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--tasks", "parity", "no_such_task"], "no_such_task"),
        (["--tasks", "cyclic:q=2"], "q"),
        (["--models", "full", "gru"], "gru"),
        (["--models", "cp:rank"], "rank"),
        (["--steps", "0"], "positive integer"),
        (["--test-lengths", "3"], "below"),
        (["--models", "cp:rnk=4"], "rnk"),
        (["--models", "block:block_size=5"], "block_size"),
        (["--curriculum", "10-200"], "validation length 100 lies inside"),
        (["--val-lengths", "200"], "disjoint"),
    ],
)
def test_bad_names_exit_2_before_training(tmp_path, capsys, no_training, extra, message):
    try:
        status = main(["report", "--quick", "--out", str(tmp_path / "r"), "--no-progress",
                       *extra])
    except SystemExit as exit_:  # argparse rejects malformed values itself
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "r" / "results.sqlite").exists()


def test_unwritable_out_exits_2(tmp_path, capsys, no_training):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    status = main(["report", "--quick", "--out", str(blocker / "sub"), "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2
    assert "cannot write the report" in err and "Traceback" not in err


@pytest.mark.training
def test_tiny_report_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "r"
    status = main(["report", "--suite", "tiny", "--out", str(out), "--no-progress",
                   "--workers", "1", "--no-paper", "--models", "full", "lstm", "--json"])
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["files"]["markdown"].endswith("report.md")
    rows = json.loads((out / "results.json").read_text())["rows"]
    assert [(r["task"], r["model"]) for r in rows] == [("parity", "full"), ("parity", "lstm")]


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    for option in ("--quick", "--full", "--tasks", "--models", "--out", "--store"):
        assert option in out


def test_demo_runs_the_quick_report(monkeypatch, capsys, tmp_path):
    import bilinear.cli.report as report_command

    seen = {}

    def fake_run(args):
        seen["args"] = args
        return 0

    monkeypatch.setattr(report_command, "run", fake_run)
    out = str(tmp_path / "quick")
    assert main(["demo", "--out", out]) == 0
    args = seen["args"]
    assert (args.suite, args.out, args.no_train, args.no_paper) == ("quick", out, False, False)
    assert f"{out}/report.html" in capsys.readouterr().out


def test_demo_passes_the_report_status_through(monkeypatch, capsys, tmp_path):
    import bilinear.cli.report as report_command

    monkeypatch.setattr(report_command, "run", lambda args: 1)
    assert main(["demo", "--out", str(tmp_path / "q")]) == 1
    assert "report.html" not in capsys.readouterr().out


def test_cuda_without_cuda_exits_2_before_training(tmp_path, capsys, no_training):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    for strict in ([], ["--strict"]):
        status = main(["report", "--quick", "--tasks", "parity", "--models", "full",
                       "--device", "cuda", "--out", str(tmp_path / "r"), "--no-progress",
                       *strict])
        err = capsys.readouterr().err
        assert status == 2
        assert len(err.strip().splitlines()) == 1 and "cuda" in err.lower()


@pytest.mark.parametrize(
    ("argv", "seeds", "lrs"),
    [
        (["--seeds", "0", "1", "--lrs", "1e-3", "1e-4"], (0, 1), (1e-3, 1e-4)),
        (["--seeds", "0,1", "--lrs", "1e-3,1e-4"], (0, 1), (1e-3, 1e-4)),
        (["--seeds", "3"], (3,), None),
    ],
)
def test_seeds_and_lrs_take_the_sweep_shape_and_the_comma_form(tmp_path, argv, seeds, lrs):


    parser = build_parser()
    args = parser.parse_args(["report", "--quick", "--tasks", "parity", "--models", "full",
                              "--out", str(tmp_path / "r"), *argv])
    budget = build_config(args).suite.budget
    assert tuple(budget.seeds) == seeds
    if lrs is not None:
        assert tuple(budget.lrs) == lrs


def test_val_lengths_override_reaches_every_run(tmp_path):
    from bilinear.analysis.runs import plan_jobs

    args = build_parser().parse_args(
        ["report", "--quick", "--out", str(tmp_path / "r"), "--tasks", "parity",
         "--models", "full", "--curriculum", "10-200", "--val-lengths", "300,400"])
    jobs = plan_jobs(build_config(args).suite, paper=False)["main"]
    assert {j.val_lengths for j in jobs} == {(300, 400)}
    assert {j.curriculum for j in jobs} == {(10, 200)}
