"""classify reports one step per level when progress is asked for, and nothing otherwise."""

from bilinear import _progress
from bilinear.automata import tasks
from bilinear.theory import classify
from bilinear.theory.classification import level_names


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
