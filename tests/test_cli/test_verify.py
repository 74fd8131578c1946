"""``bilinear verify FILE.npz TASK``: exit 0 iff the certificate holds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.cli import main
from bilinear.constructions import BilinearRNN, compile_automaton


@pytest.fixture()
def z5(tmp_path):
    path = tmp_path / "z5.npz"
    assert main(["compile", "cyclic:n=5", "--level", "complex_diagonal", "--out", str(path)]) == 0
    return path


def test_verify_holds(z5, tmp_path, capsys) -> None:
    capsys.readouterr()
    md = tmp_path / "proof.md"
    assert main(["verify", str(z5), "cyclic:n=5", "--markdown", str(md)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("proved by exact")
    text = md.read_text()
    assert text.startswith("# Certificate:") and "QED" in text


def test_verify_json(z5, capsys) -> None:
    capsys.readouterr()
    assert main(["verify", str(z5), "cyclic:n=5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["holds"] is True and data["method"] == "exact"


def test_verify_float_method_options(z5, capsys) -> None:
    capsys.readouterr()
    assert main(["verify", str(z5), "cyclic:n=5", "--method", "float", "--dtype", "bfloat16",
                 "--normalize", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "float" and data["details"]["normalize"] is True


def test_verify_refutes_a_perturbed_file(tmp_path, capsys) -> None:
    d = tasks.get("cyclic", n=5).dfa
    rnn = compile_automaton(d, level="complex_diagonal")
    W = np.array(rnn.W)
    W[0, 0, 0] += 1e-3
    W[1, 1, 0] += 1e-3
    path = tmp_path / "bad.npz"
    BilinearRNN(W=W, h0=rnn.h0, readout=rnn.readout, alphabet=rnn.alphabet,
                labels=rnn.labels, level=rnn.level).save(path)
    capsys.readouterr()
    assert main(["verify", str(path), "cyclic:n=5", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["holds"] is False and data["counterexample"]


def test_verify_bad_input_exits_2(tmp_path, capsys) -> None:
    assert main(["verify", str(tmp_path / "missing.npz"), "parity"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bilinear: error:") and len(err.strip().splitlines()) == 1
    bad = tmp_path / "junk.npz"
    bad.write_bytes(b"not a zip")
    assert main(["verify", str(bad), "parity"]) == 2
    assert main(["verify", str(bad), "no_such_task"]) == 2


def test_verify_alphabet_mismatch_exits_2(z5, capsys) -> None:
    assert main(["verify", str(z5), "parity"]) == 2
    assert "symbol" in capsys.readouterr().err


def test_verify_method_exact_on_floats_that_match_nothing(tmp_path, capsys) -> None:
    d = tasks.get("cyclic", n=5).dfa
    rnn = compile_automaton(d, level="complex_diagonal")
    path = tmp_path / "noisy.npz"
    BilinearRNN(W=np.array(rnn.W) * (1 + 1e-6), h0=rnn.h0, readout=rnn.readout,
                alphabet=rnn.alphabet, labels=rnn.labels, level=rnn.level).save(path)
    capsys.readouterr()
    assert main(["verify", str(path), "cyclic:n=5", "--method", "exact"]) == 1
    assert "no exact form" in capsys.readouterr().out
