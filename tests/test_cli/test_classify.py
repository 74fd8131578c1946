"""``bilinear classify``: JSON (docs/reference/formats.md#classification-json), the table, and
one-line errors."""

from __future__ import annotations

import json

import pytest

from bilinear.automata import tasks
from bilinear.cli import main
from bilinear.theory import check_witness_basic


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_classify_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "classify", "cyclic:n=5", "--json")
    assert code == 0 and not err
    data = json.loads(out)
    assert data["task"].startswith("cyclic:n=5")
    assert data["minimal_level"] == "complex_diagonal" and data["block_size"] is None
    assert data["algebra"]["group_order"] == 5 and data["algebra"]["abelian_invariants"] == [5]
    assert data["levels"]["complex_diagonal"]["dim_upper"] == 2
    w = data["levels"]["positive_diagonal"]["witness"]
    assert w["kind"] == "period" and w["words"] == [["1"]]
    assert check_witness_basic(tasks.get("cyclic", n=5).dfa, w)


@pytest.mark.parametrize("notion", ["fin", "rob", "fp"])
def test_classify_notions(capsys: pytest.CaptureFixture[str], notion: str) -> None:
    code, out, _ = run(capsys, "classify", "threshold:k=3", "--notion", notion, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["notion"] == notion
    assert data["minimal_level"] == ("full" if notion == "fin" else "positive_diagonal")


def test_classify_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "classify", "flip_flop")
    assert code == 0 and not err
    assert "minimal level: block (b=2)" in out
    assert "commutation" in out and "positive_diagonal" in out


def test_classify_json_file(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    path = tmp_path / "p.json"
    path.write_text(tasks.get("parity").dfa.to_json())
    code, out, _ = run(capsys, "classify", str(path), "--json")
    assert code == 0 and json.loads(out)["minimal_level"] == "real_diagonal"


def test_classify_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "classify", "no_such_task")
    assert code == 2 and err.startswith("bilinear: error:") and err.count("\n") == 1
    code, _, err = run(capsys, "classify", "parity", "--block-size", "0")
    assert code == 2 and "block_size" in err
    with pytest.raises(SystemExit):
        main(["classify", "parity", "--notion", "exact"])
