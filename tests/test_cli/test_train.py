"""``bilinear train`` and ``bilinear sweep``: results, the store, one-line errors."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bilinear.cli import main
from bilinear.cli import sweep as sweep_command
from bilinear.cli import train as train_command

torch.set_num_threads(1)

TINY = ["--hidden", "2", "--steps", "3", "--train-lengths", "2-4", "--test-lengths", "6,12",
        "--test-words", "4"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_json_and_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = str(tmp_path / "r.sqlite")
    code, out, err = run(capsys, "train", "parity", "--model", "real_diagonal", *TINY,
                         "--store", store, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data["metrics"]) == {"6", "12"}
    assert data["config"]["model"] == "real_diagonal" and not data["cached"]
    code, out, _ = run(capsys, "train", "parity", "--model", "real_diagonal", *TINY,
                       "--store", store, "--json")
    again = json.loads(out)
    assert again["cached"] and again["metrics"] == data["metrics"] and again["key"] == data["key"]


def test_train_json_metrics_are_in_numeric_length_order(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    store = str(tmp_path / "r.sqlite")
    argv = ["train", "parity", "--model", "real_diagonal", "--hidden", "2", "--steps", "2",
            "--train-lengths", "2-4", "--test-lengths", "100,5,50,10", "--test-words", "2",
            "--store", store, "--json"]
    for cached in (False, True):  # a fresh run, then the same run read back from the store
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        data = json.loads(out)
        assert data["cached"] is cached
        assert list(data["metrics"]) == ["5", "10", "50", "100"]


def test_every_train_and_sweep_option_has_help() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    for command in (train_command, sweep_command):
        p = command.register(sub)
        missing = [a.option_strings for a in p._actions if a.option_strings and not a.help]
        assert missing == [], missing


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_train_on_cuda_without_cuda_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "train", "parity", "--model", "full", *TINY, "--device", "cuda")
    assert code == 2 and "CUDA is not available" in err and err.count("\n") == 1


def test_train_text_with_model_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "train", "modular_addition:m=3", "--model", "block",
                         "--block-size", "2", *TINY, "--affine", "--lr", "0.01", "--seed", "1")
    assert code == 0, err
    assert "block(affine=True,block_size=2)" in out and "length     12" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "parity", "--model", "nope"], "unknown model 'nope'"),
        (["train", "parity", "--model", "block", "--hidden", "5", "--block-size", "2"],
         "multiple"),
        (["train", "parity", "--model", "full", "--train-lengths", "5-10", "--test-lengths",
          "3"], "below the train range"),
        (["train", "nosuchtask", "--model", "full"], "nosuchtask"),
        (["train", "parity", "--model", "full", "--option", "oops"], "KEY=VALUE"),
        (["sweep", "--tasks", "parity", "--models", "full"], "--store"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                                      message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_corrupt_store_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 200)
    code, _, err = run(capsys, "train", "parity", "--model", "full", *TINY, "--store", str(bad))
    assert code == 2 and "corrupt" in err


def test_sweep_is_resumable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = str(tmp_path / "r.sqlite")
    argv = ["sweep", "--tasks", "parity", "--models", "real_diagonal", "cp:rank=2",
            "--seeds", "0,1", *TINY, "--store", store, "--no-progress", "--json",
            "--export-csv", str(tmp_path / "r.csv")]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert json.loads(out)["finished"] == 4
    code, out, _ = run(capsys, *argv)
    assert json.loads(out)["skipped"] == 4 and json.loads(out)["finished"] == 0
    assert len((tmp_path / "r.csv").read_text().splitlines()) == 1 + 4 * 2


def test_train_and_sweep_commands_import_torch_lazily() -> None:
    code = ("import sys, argparse; import bilinear.cli.train as t, bilinear.cli.sweep as s; "
            "sub = argparse.ArgumentParser().add_subparsers(); t.register(sub); s.register(sub); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_train_prints_the_majority_figure_first(tmp_path, capsys) -> None:
    code, out, _ = run(capsys, "train", "parity", "--model", "real_diagonal", *TINY)
    assert code == 0
    line = next(x for x in out.splitlines() if "length" in x)
    assert line.index("vs majority") < line.index("vs 1/labels")


def test_train_curriculum_is_recorded_as_a_protocol_deviation(capsys, tmp_path) -> None:
    code, out, err = run(capsys, "train", "parity", "--model", "real_diagonal", *TINY,
                         "--curriculum", "2-8", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["config"]["curriculum"] == [2, 8]
    assert "length curriculum" in data["info"]["protocol_deviation"]
    code, out, _ = run(capsys, "train", "parity", "--model", "real_diagonal", *TINY, "--json")
    assert "curriculum" not in json.loads(out)["config"]  # without it: the old key and record
    code, _, err = run(capsys, "train", "parity", "--model", "full", *TINY, "--curriculum", "1-8")
    assert code == 2 and err.strip().splitlines() == [err.strip()] and "curriculum start 1" in err
