"""``bilinear compile``."""

from __future__ import annotations

import json

import numpy as np

from bilinear.cli import main
from bilinear.constructions import BilinearRNN


def test_compile_writes_npz_exact_json_and_latex(tmp_path, capsys) -> None:
    out, exact, tex = tmp_path / "z5.npz", tmp_path / "z5.json", tmp_path / "z5.tex"
    rc = main(["compile", "cyclic:n=5", "--level", "complex_diagonal", "--out", str(out),
               "--exact", str(exact), "--latex", str(tex), "--json"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["H"] == 2 and summary["construction"] == "cyclic_rotation"
    rnn = BilinearRNN.load(out)
    assert rnn.output("11111") == ["(0 1 2 3 4)", "(0 2 4 1 3)", "(0 3 1 4 2)", "(0 4 3 2 1)",
                                   "()"]
    assert json.loads(exact.read_text())["level"] == "complex_diagonal"
    assert tex.read_text().startswith("A(")


def test_compile_block_size_and_rank_options(tmp_path, capsys) -> None:
    out = tmp_path / "s3.npz"
    assert main(["compile", "symmetric:n=3", "--level", "block", "--block-size", "2",
                 "--out", str(out)]) == 0
    assert BilinearRNN.load(out).H == 2
    assert main(["compile", "parity", "--level", "cp", "--rank", "1", "--out", str(out)]) == 0
    assert BilinearRNN.load(out).H == 1
    assert main(["compile", "cyclic:n=5", "--level", "cp", "--rank", "1", "--out", str(out)]) == 2
    assert "rank" in capsys.readouterr().err


def test_unsupported_level_exits_2_with_one_line(tmp_path, capsys) -> None:
    rc = main(["compile", "parity", "--level", "positive_diagonal", "--out",
               str(tmp_path / "x.npz")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "cannot simulate" in err


def test_sparse_flag_writes_the_sparse_extension(tmp_path) -> None:
    out = tmp_path / "r.npz"
    assert main(["compile", "random_fsm:states=300,symbols=3,seed=2", "--level", "full",
                 "--sparse", "--out", str(out)]) == 0
    with np.load(out, allow_pickle=False) as data:
        assert "targets" in data.files and "W" not in data.files


def test_unwritable_out_exits_2_with_one_line(capsys) -> None:
    rc = main(["compile", "parity", "--level", "real_diagonal", "--out", "/proc/x.npz"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "/proc/x.npz" in err
    assert "Traceback" not in err
