"""One meaning of ``block`` (issue 15 section 3): the block size is visible in the verdict."""

from __future__ import annotations

import json

from bilinear.automata import tasks
from bilinear.cli import main
from bilinear.theory import classify, classify_level, smallest_block


def test_fixed_b_verdict_names_the_smallest_block_that_works() -> None:
    dfa = tasks.get("threshold", k=3).dfa
    v = classify(dfa).levels["block"]
    assert v.verdict == "no" and v.extra["block_size"] == 2
    assert v.extra["smallest_block_size"] == smallest_block(dfa)[0] == 3
    assert "yes at b = 3" in v.reason


def test_block_size_none_is_the_smallest_block_as_compile() -> None:
    dfa = tasks.get("threshold", k=3).dfa
    c = classify(dfa, block_size=None)
    assert c.minimal_level == "block" and c.block_size == 3
    assert c.levels["block"].reason.startswith("yes at b = 3")
    assert classify_level(dfa, "block", block_size=None).extra["block_size"] == 3


def test_compile_reports_its_block_size(tmp_path, capsys) -> None:
    out = tmp_path / "t.npz"
    assert main(["compile", "threshold:k=3", "--level", "block", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["block_size"] == 3


def test_classification_markdown_table_shows_the_block_size() -> None:
    c = classify(tasks.get("threshold", k=3).dfa)
    md = c._repr_markdown_()
    assert "| block (b = 2) | no |" in md and "yes at b = 3" in md
    assert len(repr(c)) < 120
