"""Resource guards of the command line: ``sweep --max-states``, the build-memory cap of
``export``, and the one-line errors for a missing extra (torch, matplotlib)."""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys

import pytest
from tests.test_cli.test_options import _hide_module

from bilinear import errors
from bilinear.automata import _taskspec, tasks
from bilinear.cli import main


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err]
    return err


def _forbid_building(monkeypatch, name: str) -> None:
    def boom(params):
        raise AssertionError(f"{name} was built")

    entry = tasks.info(name)
    monkeypatch.setitem(_taskspec._CATALOGUE, name, dataclasses.replace(entry, build=boom))


# ----------------------------------------------------------------------------- sweep --max-states
def test_sweep_refuses_a_task_over_max_states_before_building_it(tmp_path, monkeypatch, capsys):
    _forbid_building(monkeypatch, "random_fsm")
    status = main(
        [
            "sweep",
            "--tasks",
            "parity",
            "random_fsm:states=50",
            "--models",
            "full",
            "--store",
            str(tmp_path / "s.sqlite"),
            "--max-states",
            "10",
        ]
    )
    err = _one_line_error(capsys)
    assert status == 2
    assert "'random_fsm:states=50' has 50 states > --max-states 10" in err
    assert "raise the cap with --max-states N" in err
    assert not (tmp_path / "s.sqlite").exists()  # refused before the store is opened


def test_sweep_default_max_states_refuses_a_huge_catalogue_task(tmp_path, monkeypatch, capsys):
    _forbid_building(monkeypatch, "gridworld")
    status = main(
        [
            "sweep",
            "--tasks",
            "gridworld:n=100000",
            "--models",
            "full",
            "--store",
            str(tmp_path / "s.sqlite"),
        ]
    )
    assert status == 2 and "100000 states > --max-states 20000" in _one_line_error(capsys)


def test_sweep_refuses_an_automaton_file_over_max_states(tmp_path, capsys):
    path = tmp_path / "big.json"
    path.write_text(tasks.get("cyclic", n=12, action="points").dfa.to_json())
    status = main(
        [
            "sweep",
            "--tasks",
            str(path),
            "--models",
            "full",
            "--store",
            str(tmp_path / "s.sqlite"),
            "--max-states",
            "5",
        ]
    )
    assert status == 2 and "has 12 states > --max-states 5" in _one_line_error(capsys)


def test_sweep_max_states_must_be_positive(tmp_path, capsys):
    status = main(
        [
            "sweep",
            "--tasks",
            "parity",
            "--models",
            "full",
            "--store",
            str(tmp_path / "s.sqlite"),
            "--max-states",
            "0",
        ]
    )
    assert status == 2 and "--max-states" in _one_line_error(capsys)


def test_sweep_progress_options_exclude_each_other(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(
            [
                "sweep",
                "--tasks",
                "parity",
                "--models",
                "full",
                "--store",
                str(tmp_path / "s.sqlite"),
                "--progress",
                "--no-progress",
            ]
        )
    assert info.value.code == 2


# ----------------------------------------------------------------------------- build memory cap
def test_export_of_a_huge_random_fsm_is_refused_by_states_then_by_memory(capsys):
    spec = "random_fsm:states=100000,symbols=1000"
    assert main(["export", spec, "--out", "/dev/null"]) == 2
    assert "100000 states > --max-states 20000" in _one_line_error(capsys)
    assert main(["export", spec, "--max-states", "100000", "--out", "/dev/null"]) == 2
    err = _one_line_error(capsys)
    assert "would need 1.53 GiB to build; the cap is 0.25 GiB" in err
    assert "BILINEAR_BUILD_MEMORY_GIB=2" in err


def test_export_of_a_permutation_random_fsm(capsys):
    assert main(["export", "random_fsm:states=4,symbols=2,kind=permutation"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "random_fsm:states=4,symbols=2,seed=1,kind=permutation"


# ----------------------------------------------------------------------------- missing extras
@pytest.mark.parametrize("package", ["bilinear.models", "bilinear.experiments"])
def test_importing_the_trained_side_without_torch_names_the_extra(monkeypatch, package):
    importlib.import_module(package)  # the real one, restored after the test
    for name in [m for m in sys.modules if m == package]:
        monkeypatch.delitem(sys.modules, name)
    _hide_module(monkeypatch, "torch")
    with pytest.raises(errors.MissingExtraError) as info:
        importlib.import_module(package)
    message = str(info.value)
    assert message == f"torch is needed for {package}; install bilinear[train]"


@pytest.mark.parametrize("draw", ["automaton_diagram", "transition_table", "letter_heatmaps"])
def test_plots_without_matplotlib_name_the_extra(monkeypatch, draw):
    from bilinear.analysis import plots
    from bilinear.constructions import compile_automaton

    dfa = tasks.get("parity").dfa
    arg = compile_automaton(dfa, level="full") if draw == "letter_heatmaps" else dfa
    _hide_module(monkeypatch, "matplotlib")
    with pytest.raises(
        errors.MissingExtraError,
        match=r"^matplotlib is needed for "
        r"bilinear\.analysis\.plots.*; install bilinear\[plots\]$",
    ):
        getattr(plots, draw)(arg)


# ----------------------------------------------------------------------------- sweep progress
_TINY = [
    "--models",
    "real_diagonal",
    "--hidden",
    "2",
    "--steps",
    "3",
    "--train-lengths",
    "2-4",
    "--test-lengths",
    "6",
    "--test-words",
    "4",
]


def test_sweep_progress_only_when_asked_off_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("BILINEAR_PROGRESS", raising=False)
    store = str(tmp_path / "s.sqlite")
    assert main(["sweep", "--tasks", "parity", *_TINY, "--store", store]) == 0
    assert capsys.readouterr().err == ""  # stderr is no terminal here: silent
    assert (
        main(
            [
                "sweep",
                "--tasks",
                "parity",
                "modular_addition:m=3",
                *_TINY,
                "--store",
                store,
                "--progress",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "sweep: 0/1 run (0%) in 0s"  # parity was already finished
    assert lines[-1].startswith("sweep: 1/1 run (100%) in ")
    assert lines[-1].endswith("modular_addition:m=3 real_diagonal h=2 lr=0.001 seed=0")
