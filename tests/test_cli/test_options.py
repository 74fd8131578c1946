"""One shape for the same option in every subcommand; help text on every option."""

from __future__ import annotations

import argparse
import sys

import pytest

from bilinear import _optional, errors
from bilinear.cli import build_parser, main
from bilinear.cli.report import build_config


def _sub(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[name]


@pytest.mark.parametrize("command", ["train", "sweep", "report"])
def test_every_option_has_help(command):
    missing = [
        a.option_strings[0] for a in _sub(command)._actions if a.option_strings and a.help is None
    ]
    assert missing == []


@pytest.mark.parametrize("command", ["train", "report"])
def test_batch_size_and_its_alias_are_one_option(command):
    p = _sub(command)
    action = next(a for a in p._actions if "--batch-size" in a.option_strings)
    assert "--batch" in action.option_strings


@pytest.mark.parametrize(
    ("option", "values", "field", "expected"),
    [
        ("--seeds", ["0", "1"], "seeds", (0, 1)),
        ("--seeds", ["0,1", "2"], "seeds", (0, 1, 2)),
        ("--lrs", ["1e-3", "1e-4"], "lrs", (1e-3, 1e-4)),
        ("--lrs", ["1e-3,1e-4"], "lrs", (1e-3, 1e-4)),
        ("--batch-size", ["16"], "batch", 16),
        ("--batch", ["16"], "batch", 16),
        ("--test-lengths", ["12", "60"], "test_lengths", (12, 60)),
        ("--test-lengths", ["60,12"], "test_lengths", (12, 60)),
    ],
)
def test_report_takes_the_sweep_shapes(tmp_path, option, values, field, expected):
    args = build_parser().parse_args(
        ["report", "--quick", "--out", str(tmp_path / "r"), "--no-train", option, *values]
    )
    config = build_config(args)
    assert getattr(config.suite.budget, field) == expected


def test_sweep_takes_both_seed_shapes():
    args = build_parser().parse_args(
        [
            "sweep",
            "--tasks",
            "parity",
            "--models",
            "full",
            "--seeds",
            "0,1",
            "2",
            "--lrs",
            "1e-3",
            "1e-2",
        ]
    )
    assert args.seeds == ["0,1", "2"] and args.lrs == ["1e-3", "1e-2"]


def _no_cuda(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.mark.parametrize(
    "argv",
    [
        [
            "report",
            "--quick",
            "--tasks",
            "parity",
            "--models",
            "full",
            "--device",
            "cuda",
            "--no-progress",
            "--strict",
        ],
        ["sweep", "--tasks", "parity", "--models", "full", "--device", "cuda", "--no-progress"],
        ["train", "parity", "--model", "full", "--device", "cuda"],
    ],
)
def test_cuda_without_cuda_fails_fast_in_one_line(tmp_path, monkeypatch, capsys, argv):
    _no_cuda(monkeypatch)
    import bilinear.experiments as experiments

    def boom(*args, **kwargs):
        raise AssertionError("a run started")

    monkeypatch.setattr(experiments, "run_sweep", boom)
    monkeypatch.setattr(experiments, "run", boom)
    extra = (
        ["--store", str(tmp_path / "s.sqlite")]
        if argv[0] != "report"
        else ["--out", str(tmp_path / "r")]
    )
    status = main([*argv, *extra])
    err = capsys.readouterr().err
    assert status != 0
    assert len(err.strip().splitlines()) == 1
    assert "cuda" in err and "CUDA is not available" in err and "Traceback" not in err


def _hide_module(monkeypatch, hidden: str) -> None:
    """Make ``bilinear._optional`` see ``hidden`` as not installed (other imports unchanged)."""
    real = _optional.importlib.import_module

    def without(name, *args, **kwargs):
        if name == hidden:
            raise ModuleNotFoundError(f"No module named {hidden!r}", name=hidden)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(_optional.importlib, "import_module", without)


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "parity", "--model", "full"],
        ["sweep", "--tasks", "parity", "--models", "full", "--store", "STORE"],
        ["report", "--quick", "--no-train"],
    ],
)
def test_a_missing_torch_names_the_extra(tmp_path, monkeypatch, capsys, argv):
    _hide_module(monkeypatch, "torch")
    argv = [str(tmp_path / "s.sqlite") if a == "STORE" else a for a in argv]
    if argv[0] == "report":
        argv += ["--out", str(tmp_path / "r")]
    status = main(argv)
    err = capsys.readouterr().err.strip()
    assert status != 0
    assert err.splitlines() == [err]
    assert f"torch is needed for `bilinear {argv[0]}`; install bilinear[train]" in err


def test_require_reraises_a_broken_dependency(monkeypatch):
    def broken(name, *args, **kwargs):
        raise ModuleNotFoundError("No module named 'libfoo'", name="libfoo")

    monkeypatch.setattr(_optional.importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="libfoo"):
        _optional.require("torch", "train")


def test_require_names_the_pip_distribution():
    with pytest.raises(errors.MissingExtraError, match=r"install bilinear\[plots\]"):
        _optional.require("no_such_module_for_test", "plots", feature="the plots")
    assert _optional.require("sys", "train") is sys


def test_report_without_matplotlib_names_the_plots_extra(tmp_path, monkeypatch, capsys):
    _hide_module(monkeypatch, "matplotlib")
    status = main(["report", "--quick", "--no-train", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err.strip()
    assert status != 0 and err.splitlines() == [err]
    assert "matplotlib is needed for the report's plots" in err and "bilinear[plots]" in err


@pytest.mark.parametrize("values", [["6", "12"], ["6,12"], ["6,", "12"]])
def test_train_and_sweep_take_test_lengths_in_both_shapes(values):
    from bilinear.cli.train import common_config

    for argv in (
        ["train", "parity", "--model", "full"],
        ["sweep", "--tasks", "parity", "--models", "full"],
    ):
        args = build_parser().parse_args([*argv, "--test-lengths", *values])
        lengths = common_config(args)["test_lengths"]
        assert [int(x) for x in lengths.split(",") if x] == [6, 12]


@pytest.mark.parametrize("values", [["20", "40"], ["20,40"]])
def test_train_and_sweep_take_validation_lengths(values):
    from bilinear.cli.train import common_config
    from bilinear.experiments import RunConfig

    for argv in (
        ["train", "parity", "--model", "full"],
        ["sweep", "--tasks", "parity", "--models", "full"],
    ):
        args = build_parser().parse_args([*argv, "--val-lengths", *values])
        config = RunConfig(task="parity", model="full", **common_config(args))
        assert config.val_lengths == (20, 40)
        plain = build_parser().parse_args(argv)
        assert RunConfig(task="parity", model="full", **common_config(plain)).val_lengths == ()


def test_train_refuses_validation_lengths_that_are_test_lengths(tmp_path, capsys):
    status = main(["train", "parity", "--model", "full", "--steps", "1", "--test-lengths", "20",
                   "--val-lengths", "20", "--store", str(tmp_path / "s.sqlite")])
    err = capsys.readouterr().err.strip()
    assert status != 0 and err.splitlines() == [err] and "disjoint" in err
