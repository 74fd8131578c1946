"""The CLI's error contract (issue 15 section 2): one stderr line, non-zero exit, culprit named."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from bilinear.cli import main


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("bilinear: error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def good_npz(tmp_path, capsys):
    path = tmp_path / "good.npz"
    assert main(["compile", "cyclic:n=5", "--level", "full", "--out", str(path)]) == 0
    capsys.readouterr()
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["classify"],
        ["classify", "parity", "--bogus"],
        ["--bogus"],
        [],
        ["classify", "parity", "--notion", "x"],
        ["export", "parity", "--max-states", "abc"],
    ],
)
def test_usage_errors_are_one_line(argv, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    _one_line(capsys)


def test_corrupt_member_bytes(good_npz, tmp_path, capsys) -> None:
    info = zipfile.ZipFile(good_npz).infolist()[0]
    data = bytearray(good_npz.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 20, start + info.compress_size - 2):
        data[i] ^= 0xFF
    bad = tmp_path / "corrupt.npz"
    bad.write_bytes(bytes(data))
    assert main(["verify", str(bad), "cyclic:n=5"]) != 0
    assert "corrupt.npz" in _one_line(capsys)


@pytest.mark.parametrize("content", [b"\x00\x01garbage" * 40, b'{"a": 1}\n'])
def test_not_an_npz(content, tmp_path, capsys) -> None:
    path = tmp_path / "weights.bin"
    path.write_bytes(content)
    assert main(["verify", str(path), "cyclic:n=5"]) != 0
    line = _one_line(capsys)
    assert "weights.bin" in line and "not an NPZ" in line and "allow_pickle" not in line


def test_h0_of_wrong_length_blames_h0(good_npz, tmp_path, capsys) -> None:
    with np.load(good_npz) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["h0"] = np.concatenate([arrays["h0"], [0.0]])
    bad = tmp_path / "badh0.npz"
    np.savez(bad, **arrays)
    assert main(["verify", str(bad), "cyclic:n=5"]) != 0
    assert "h0 has length" in _one_line(capsys)


def test_compile_to_unwritable_path(capsys) -> None:
    assert main(["compile", "parity", "--level", "full", "--out", "/proc/x.npz"]) != 0
    assert "/proc/x.npz" in _one_line(capsys)


def test_max_states_refuses_before_building(capsys) -> None:
    assert main(["export", "random_fsm:states=100000,symbols=1000", "--out", "/dev/null"]) == 2
    line = _one_line(capsys)
    assert "100000 states > --max-states" in line and "raise the cap with --max-states" in line


def test_max_states_option(capsys) -> None:
    assert main(["export", "random_fsm:states=30,symbols=2", "--max-states", "10"]) == 2
    assert "--max-states 10" in _one_line(capsys)
    assert main(["export", "random_fsm:states=30,symbols=2", "--max-states", "30"]) == 0
    assert main(["export", "parity", "--max-states", "0"]) == 2
    assert "--max-states" in _one_line(capsys)


@pytest.mark.parametrize("command", [["classify"], ["train", "--model", "full"]])
def test_max_states_guards_classify_and_train(command: list[str], capsys) -> None:
    assert main([*command, "random_fsm:states=30,symbols=2", "--max-states", "10"]) == 2
    assert "--max-states 10" in _one_line(capsys)


def test_export_refuses_text_above_the_transition_cap(capsys) -> None:
    argv = ["export", "random_fsm:states=30,symbols=2", "--out", "/dev/null"]
    assert main([*argv, "--max-transitions", "59"]) == 2
    line = _one_line(capsys)
    assert "60 transitions" in line and "--max-transitions 60" in line
    assert main([*argv, "--max-transitions", "60"]) == 0
