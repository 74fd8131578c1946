"""``bilinear tasks`` and ``bilinear export``, and their one-line errors."""

from __future__ import annotations

import json

import pytest

from bilinear.automata import DFA, tasks
from bilinear.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tasks_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "tasks")
    assert code == 0 and not err
    for name in tasks.names():
        assert name in out
    assert "m=5 (int)" in out and "complex_diagonal" in out


def test_tasks_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tasks", "--json")
    assert code == 0
    data = json.loads(out)
    assert [t["name"] for t in data["tasks"]] == tasks.names()
    cyclic = next(t for t in data["tasks"] if t["name"] == "cyclic")
    assert cyclic["parameters"][0] == {"name": "n", "type": "int", "default": 6,
                                       "description": "group order", "min": 2, "max": 500}
    assert cyclic["expected"]["minimal_level"] == "complex_diagonal"


@pytest.mark.parametrize("spec", ["parity", "cyclic:n=5", "random_fsm:states=10,symbols=3,seed=1",
                                  "regex:pattern=(a|b)*abb", "symmetric:n=3,action=points"])
def test_export_json_round_trip(capsys: pytest.CaptureFixture[str], spec: str) -> None:
    code, out, err = run(capsys, "export", spec)
    assert code == 0 and not err
    assert DFA.from_json(out) == tasks.resolve(spec).dfa


def test_export_to_file_and_back(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    path = tmp_path / "d4.json"
    code, out, _ = run(capsys, "export", "dihedral:n=4", "--out", str(path))
    assert code == 0 and out == ""
    assert DFA.from_json(path.read_text()) == tasks.get("dihedral", n=4).dfa
    # a JSON path works wherever a task is taken
    code, out, _ = run(capsys, "export", str(path))
    assert code == 0 and DFA.from_json(out) == tasks.get("dihedral", n=4).dfa


def test_export_dot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "parity", "--format", "dot")
    assert code == 0 and out.startswith("digraph") and '"even" -> "odd"' in out


@pytest.mark.parametrize(
    ("argv", "culprit"),
    [
        (["export", "nope"], "unknown task 'nope'"),
        (["export", "cyclic:m=3"], "unknown parameter 'm'"),
        (["export", "cyclic:n=x"], "'n'"),
        (["export", "cyclic:n=1"], ">= 2"),
        (["export", "symmetric:n=9"], "<= 7"),
        (["export", "regex:pattern=a(b"], "unbalanced '('"),
        (["export", "regex:pattern=**"], "dangling '*'"),
        (["export", "missing.json"], "missing.json"),
        (["export", "parity", "--out", "/nonexistent/dir/x.json"], "cannot write"),
    ],
)
def test_errors_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                                    culprit: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("bilinear: error:")
    assert culprit in err
    assert "Traceback" not in err


def test_bad_json_file(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"states": ["a"]}')
    code, _, err = run(capsys, "export", str(bad))
    assert code == 2 and "bad.json" in err and err.count("\n") == 1
