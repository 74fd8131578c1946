"""classify reports one step per level when progress is asked for, and nothing otherwise."""

import numpy as np

from bilinear import _progress
from bilinear.automata import tasks
from bilinear.theory import classify
from bilinear.theory.classification import level_names
from bilinear.theory.monoid import bfs_closure


def test_classify_reports_every_level(monkeypatch, capsys) -> None:
    monkeypatch.setenv(_progress.PROGRESS_ENV, "1")
    classify(tasks.get("parity").dfa)
    lines = capsys.readouterr().err.strip().splitlines()
    n = len(level_names())
    assert lines[-1].startswith(f"classify parity: {n}/{n} levels")
    assert lines[-1].endswith(level_names()[-1])


def test_classify_is_silent_without_a_terminal(monkeypatch, capsys) -> None:
    monkeypatch.delenv(_progress.PROGRESS_ENV, raising=False)
    classify(tasks.get("parity").dfa)
    assert capsys.readouterr().err == ""


def test_monoid_closure_reports_its_size(monkeypatch, capsys) -> None:
    monkeypatch.setenv(_progress.PROGRESS_ENV, "1")
    maps = np.array([[1, 2, 0], [1, 0, 2]])  # generators of S_3
    elements, _, _ = bfs_closure(maps)
    assert len(elements) == 6
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("monoid closure: 6 elements")
