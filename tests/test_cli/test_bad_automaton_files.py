"""Every command that takes an automaton file reports a bad one on one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilinear.cli import main

GOOD = {
    "name": "parity", "alphabet": ["0", "1"], "states": ["even", "odd"], "start": "even",
    "transitions": {"even": {"0": "even", "1": "odd"}, "odd": {"0": "odd", "1": "even"}},
    "labels": {"even": 0, "odd": 1},
}

CASES = {
    "malformed": ("{oops", "malformed"),
    "unknown-key": (json.dumps({**GOOD, "colour": "red"}), "'colour'"),
    "missing-states": (json.dumps({k: v for k, v in GOOD.items() if k != "states"}), "'states'"),
    "duplicate-state": (json.dumps({**GOOD, "states": ["even", "odd", "odd"]}), "'odd'"),
    "duplicate-symbol": (json.dumps({**GOOD, "alphabet": ["0", "1", "0"]}), "'0'"),
    "unknown-target": (json.dumps({**GOOD, "transitions": {
        "even": {"0": "even", "1": "odd"}, "odd": {"0": "odd", "1": "limbo"}}}), "'limbo'"),
    "partial": (json.dumps({**GOOD, "transitions": {
        "even": {"0": "even", "1": "odd"}, "odd": {"0": "odd"}}}), "'odd' on symbol '1'"),
    "unknown-symbol": (json.dumps({**GOOD, "transitions": {
        "even": {"0": "even", "1": "odd", "2": "odd"}, "odd": {"0": "odd", "1": "even"}}}),
        "'2'"),
}


@pytest.mark.parametrize("command", [["export"], ["classify"], ["compile", "--level", "full"]])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_one_line_exit_2(
    case: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, culprit = CASES[case]
    path = tmp_path / "bad.json"
    path.write_text(text)
    argv = [command[0], str(path), *command[1:]]
    if command[0] == "compile":
        argv += ["--out", str(tmp_path / "w.npz")]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert culprit in err


def test_good_file_works_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "parity.json"
    path.write_text(json.dumps(GOOD))
    assert main(["classify", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["minimal_level"] == "real_diagonal"
    npz = tmp_path / "p.npz"
    assert main(["compile", str(path), "--level", "real_diagonal", "--out", str(npz)]) == 0
    assert main(["verify", str(npz), str(path)]) == 0
