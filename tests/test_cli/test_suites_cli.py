"""``bilinear tasks --suite`` and SUITE/TASK addresses on the command line."""

from __future__ import annotations

import json

import pytest

from bilinear.automata import suites
from bilinear.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", suites.suites())
def test_tasks_suite_text(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, "tasks", "--suite", name)
    assert code == 0 and not err
    for t in suites.suite(name).tasks:
        assert t.address in out


def test_tasks_suite_conventions(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "tasks", "--suite", "chomsky-regular")
    assert "0=-1, 1=stay, 2=+1" in out
    assert "train lengths 1-40, test lengths 41-500" in out and "chance 20%" in out


def test_tasks_suite_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tasks", "--suite", "tomita", "--json")
    assert code == 0
    data = json.loads(out)["suite"]
    assert [t["name"] for t in data["tasks"]] == [str(i) for i in range(1, 8)]
    assert data["tasks"][0]["label_kind"] == "final"


@pytest.mark.parametrize(("argv", "needle"), [
    (("tasks", "--suite", "nope"), "chomsky-regular, tomita"),
    (("classify", "tomita/8"), "1, 2, 3, 4, 5, 6, 7"),
    (("classify", "nope/1"), "the suites are"),
    (("classify", "tomita/3:k=2"), "takes no parameters"),
])
def test_bad_input_one_line(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                            needle: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code != 0 and not out
    assert len(err.strip().splitlines()) == 1 and needle in err
    assert "Traceback" not in err


def test_classify_accepts_address(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "classify", "chomsky-regular/parity_check")
    assert code == 0
    assert "minimal level: real_diagonal" in out
