"""``bilinear classify --suite NAME [--json]`` and the witness words of plain ``classify``."""

from __future__ import annotations

import json

import pytest

from bilinear.cli import main
from bilinear.theory import SuiteClassification


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_suite_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "classify", "--suite", "chomsky-regular")
    assert code == 0 and not err
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert rows["parity_check"].split()[1] == "real_diagonal"
    assert rows["cycle_navigation"].split()[1] == "complex_diagonal"
    assert rows["even_pairs"].split()[1] == "full"
    assert "pos/real/cplx: commutation: 01 | 10" in rows["even_pairs"]
    assert "pos: period: 1 has period 2" in rows["parity_check"]
    assert "what the published model families need" in out


def test_suite_json_is_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "classify", "--suite", "sdssm-groups", "--json")
    assert code == 0
    data = json.loads(out)
    assert [t["task"] for t in data["tasks"]] == ["A5", "C2xC4", "D4", "A5_k", "S5_k"]
    assert SuiteClassification.from_dict(data).to_dict() == data


def test_plain_classify_shows_witness_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "classify", "liu-semiautomata/abab")
    assert code == 0
    assert "commutation: 01 | 10" in out
    code, out, _ = run(capsys, "classify", "chomsky-regular/parity_check")
    assert "period: 1 has period 2 (allowed: 1)" in out


@pytest.mark.parametrize(
    "spec",
    [
        "liu-semiautomata/abab",
        "word-problems/Z60:side=left",
        "sdssm-groups/A5_k:k=3,seed=2",
        "tomita/4",
    ],
)
def test_suite_tasks_wherever_a_task_is(capsys: pytest.CaptureFixture[str], spec: str) -> None:
    code, out, err = run(capsys, "classify", spec, "--json")
    assert code == 0 and not err
    assert json.loads(out)["task"] == spec


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (
            ("classify", "--suite", "nope"),
            "the suites are chomsky-regular, tomita, liu-semiautomata",
        ),
        (("classify", "liu-semiautomata/add"), "its tasks are parity, gridworld"),
        (
            ("classify", "sdssm-groups/A5_k:k=1"),
            "parameter 'k' of task 'sdssm-groups/A5_k' must be >= 2, got 1",
        ),
        (("classify", "word-problems/S5:side=up"), "must be one of ['right', 'left']"),
        (("classify", "liu-semiautomata/gridworld:n=1"), "must be >= 2, got 1"),
        (("tasks", "--suite", "word-problem"), "word-problems, sdssm-groups"),
    ],
)
def test_bad_input_one_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], needle: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code != 0 and not out
    assert len(err.strip().splitlines()) == 1 and needle in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["liu-semiautomata", "word-problems", "sdssm-groups"])
def test_tasks_suite_lists_parameters(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, _ = run(capsys, "tasks", "--suite", name)
    assert code == 0
    assert "labels: per_position" in out or "labels: final" in out
    if name == "sdssm-groups":
        assert "parameters: k=2 (int), seed=0 (int)" in out
    if name == "word-problems":
        assert "side=right (right|left)" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [(("classify", "parity", "--suite", "tomita"), "not both"), (("classify",), "give a TASK")],
)
def test_usage_errors_one_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], needle: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert not out and len(err.strip().splitlines()) == 1 and needle in err
