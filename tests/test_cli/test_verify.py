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


def test_save_cert_and_recheck(tmp_path, capsys) -> None:
    path = tmp_path / "th.npz"
    assert main(["compile", "threshold:k=3", "--level", "positive_diagonal", "--notion", "rob",
                 "--out", str(path)]) == 0
    cert = tmp_path / "cert.json"
    assert main(["verify", str(path), "threshold:k=3", "--save-cert", str(cert)]) == 0
    assert json.loads(cert.read_text())["evidence"]["kind"] == "cells"
    capsys.readouterr()
    assert main(["verify", "--recheck", str(cert), str(path), "threshold:k=3"]) == 0
    assert capsys.readouterr().out.startswith("kernel agrees")
    # the same evidence against other weights: refused, exit 1
    other = tmp_path / "th4.npz"
    assert main(["compile", "threshold:k=4", "--level", "positive_diagonal", "--notion", "rob",
                 "--out", str(other)]) == 0
    capsys.readouterr()
    assert main(["verify", "--recheck", str(cert), str(other), "threshold:k=4", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "refuses"


def test_json_output_is_a_recheckable_certificate(z5, tmp_path, capsys) -> None:
    capsys.readouterr()
    assert main(["verify", str(z5), "cyclic:n=5", "--method", "float", "--json"]) == 0
    cert = tmp_path / "c.json"
    cert.write_text(capsys.readouterr().out)
    assert main(["verify", "--recheck", str(cert), str(z5), "cyclic:n=5"]) == 0


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"holds": false, "evidence": null}',
                                     '{"evidence": {"kind": "magic"}}',
                                     '{"evidence": {"kind": "orbit", "vectors": 3}}'])
def test_recheck_bad_certificate_exits_2(z5, tmp_path, capsys, content: str) -> None:
    cert = tmp_path / "bad.json"
    cert.write_text(content)
    capsys.readouterr()
    assert main(["verify", "--recheck", str(cert), str(z5), "cyclic:n=5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bilinear: error:") and len(err.strip().splitlines()) == 1
    assert main(["verify", "--recheck", str(tmp_path / "missing.json"), str(z5),
                 "cyclic:n=5"]) == 2


def test_fp_model_is_judged_in_float64(tmp_path, capsys) -> None:
    path = tmp_path / "th30.npz"
    assert main(["compile", "threshold:k=30", "--level", "positive_diagonal", "--notion", "fp",
                 "--out", str(path)]) in (0, 2)
    if not path.exists():
        return        # theory no longer builds it: nothing to certify
    capsys.readouterr()
    auto = main(["verify", str(path), "threshold:k=30", "--json"])
    data = json.loads(capsys.readouterr().out)
    floats = main(["verify", str(path), "threshold:k=30", "--method", "float", "--json"])
    fdata = json.loads(capsys.readouterr().out)
    assert data["method"] == "float"
    assert (auto == 0) == (floats == 0) == fdata["holds"] == data["holds"]
