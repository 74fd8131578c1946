"""``bilinear certify MODEL.npz TASK``: exit 0 iff certified for every length."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.cli import certify
from bilinear.cli._common import fail
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.errors import BilinearError


def run_certify(argv: Sequence[str]) -> int:
    """``bilinear certify ...`` as the main entry point runs it (errors: one line, exit 2)."""
    parser = argparse.ArgumentParser(prog="bilinear")
    sub = parser.add_subparsers(dest="command")
    certify.register(sub)
    args = parser.parse_args(["certify", *argv])
    try:
        return certify.run(args)
    except BilinearError as err:
        return fail(err)


@pytest.fixture()
def flip_flop(tmp_path):
    path = tmp_path / "ff.npz"
    compile_automaton(tasks.get("flip_flop").dfa, level="full").save(path)
    return path


def test_certified_prints_one_line(flip_flop, capsys) -> None:
    assert run_certify([str(flip_flop), "flip_flop"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("certified for every length") and out.count("\n") == 1


def test_json_output(flip_flop, capsys) -> None:
    assert run_certify([str(flip_flop), "flip_flop", "--json", "--budget", "100"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "certified" and data["extracted_states"] == 2


def test_refuted_model_exits_1_with_the_word(tmp_path, capsys) -> None:
    dfa = tasks.resolve("random_fsm:states=6,symbols=3,seed=4").dfa
    rnn = compile_automaton(dfa, level="full", construction="one_hot")
    path = tmp_path / "bad.npz"
    BilinearRNN(W=np.array(rnn.W)[:, :, [1, 0, 2]], h0=rnn.h0, readout=rnn.readout,
                alphabet=rnn.alphabet, labels=rnn.labels, level="full").save(path)
    assert run_certify([str(path), "random_fsm:states=6,symbols=3,seed=4", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "refuted"
    word = data["counterexample"]
    loaded = BilinearRNN.load(path)
    assert loaded.output(word)[-1] != dfa.output(word)[-1]


def test_certified_up_to_exits_1(tmp_path, capsys) -> None:
    path = tmp_path / "z3.npz"
    compile_automaton(tasks.get("cyclic", n=3).dfa, level="complex_diagonal").save(path)
    assert run_certify([str(path), "cyclic:n=3"]) == 1
    assert capsys.readouterr().out.startswith("certified up to length")


@pytest.mark.parametrize(("task", "needle"), [("first_symbol", "symbol"), ("gridworld", "label")])
def test_mismatched_task_is_one_line_error(flip_flop, capsys, task: str, needle: str) -> None:
    assert run_certify([str(flip_flop), task]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bilinear: error:") and err.count("\n") == 1 and needle in err


def test_bad_file_and_budget_are_refused(tmp_path, flip_flop, capsys) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_text("not a zip")
    assert run_certify([str(junk), "flip_flop"]) == 2
    assert run_certify([str(flip_flop), "flip_flop", "--budget", "0"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "--budget" in err[1]
