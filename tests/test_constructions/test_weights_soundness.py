"""Every cast on the way to a certificate is lossless or refused: dtypes, NPZ files, h0."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.errors import InvalidArgumentError, WeightsFormatError

from ._cases import compiled


def _parity_kwargs() -> dict:
    W = np.zeros((1, 1, 2))
    W[0, 0] = [1.0, -1.0]
    return dict(W=W, h0=np.array([1.0]), readout=np.array([[1.0], [-1.0]]),
                alphabet=("0", "1"), labels=(0, 1), level="real_diagonal")


REFUSED_DTYPES = [
    np.array([[[1.0 + 0.5j, -1.0]]]),
    np.array([[[1.0 + 0.0j, -1.0]]]),          # complex even with a zero imaginary part
    np.array([[[1.0, -1.0]]], dtype=object),
    np.array([[[True, False]]]),
    np.array([[["1", "-1"]]]),
    np.array([[[1, 2]]], dtype="datetime64[s]"),
]


@pytest.mark.parametrize("name", ["W", "h0", "readout"])
@pytest.mark.parametrize("index", range(len(REFUSED_DTYPES)))
def test_non_real_dtypes_are_refused_naming_the_array(name: str, index: int) -> None:
    kwargs = _parity_kwargs()
    base = np.asarray(kwargs[name])
    bad = REFUSED_DTYPES[index].reshape(-1)[: base.size]
    bad = np.resize(bad, base.shape)
    kwargs[name] = bad
    message = rf"^{name} has dtype {re.escape(str(bad.dtype))}; weights must be real"
    with pytest.raises(WeightsFormatError, match=message):
        BilinearRNN(**kwargs)


@pytest.mark.parametrize("value", [
    np.array([[[2**53 + 1, 1]]], dtype=np.int64),
    np.array([[[2**64 - 1, 1]]], dtype=np.uint64),
])
def test_integer_casts_that_round_are_refused(value: np.ndarray) -> None:
    kwargs = _parity_kwargs()
    kwargs["W"] = value
    with pytest.raises(WeightsFormatError, match="W has the value .* float64 cannot hold"):
        BilinearRNN(**kwargs)


def test_longdouble_cast_that_rounds_is_refused() -> None:
    if np.finfo(np.longdouble).nmant <= np.finfo(np.float64).nmant:
        pytest.skip("this platform's long double is float64")
    kwargs = _parity_kwargs()
    kwargs["h0"] = np.array([1], dtype=np.longdouble) + np.longdouble(2) ** -60
    with pytest.raises(WeightsFormatError, match="h0 has the value"):
        BilinearRNN(**kwargs)


def test_exact_integers_and_small_floats_are_accepted() -> None:
    kwargs = _parity_kwargs()
    kwargs["W"] = np.array([[[1, -1]]], dtype=np.int64)
    kwargs["readout"] = np.array([[1], [-1]], dtype=np.float32)
    rnn = BilinearRNN(**kwargs)
    assert rnn.W.dtype == np.float64 and rnn.output("01") == [0, 1]


def test_short_h0_is_blamed_not_w() -> None:
    kwargs = _parity_kwargs()
    kwargs["h0"] = np.ones(2)
    with pytest.raises(InvalidArgumentError, match=r"^h0 has length 2, expected H = 1"):
        BilinearRNN(**kwargs)


def _save(path: Path, **arrays: np.ndarray) -> Path:
    with path.open("wb") as fh:
        np.savez(fh, **arrays)
    return path


def _meta() -> np.ndarray:
    return np.array(json.dumps({"alphabet": ["0", "1"], "labels": [0, 1],
                                "level": "real_diagonal"}))


def test_npz_with_imaginary_weights_is_refused_not_truncated(tmp_path: Path) -> None:
    rnn = compiled("parity", "real_diagonal")
    W = rnn.W.astype(np.complex128)
    W[0, 0, 1] += 0.5j                                     # the mutation of the bug report
    path = _save(tmp_path / "c.npz", W=W, h0=rnn.h0, readout=rnn.readout, meta=_meta())
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # no ComplexWarning on the way
        with pytest.raises(WeightsFormatError, match=r"c\.npz: W has dtype complex128"):
            BilinearRNN.load(path)


def test_npz_with_wrong_h0_length_blames_h0(tmp_path: Path) -> None:
    rnn = compiled("parity", "real_diagonal")
    path = _save(tmp_path / "h.npz", W=rnn.W, h0=np.ones(3), readout=rnn.readout, meta=_meta())
    with pytest.raises(WeightsFormatError, match=r"h\.npz: h0 has length 3, expected H = 1"):
        BilinearRNN.load(path)


def test_npz_of_pickled_arrays_is_refused_without_allow_pickle_advice(tmp_path: Path) -> None:
    path = _save(tmp_path / "o.npz", W=np.array([[[1.0, -1.0]]], dtype=object),
                 h0=np.ones(1), readout=np.ones((2, 1)), meta=_meta())
    with pytest.raises(WeightsFormatError, match="'W' cannot be read safely") as err:
        BilinearRNN.load(path)
    assert "allow_pickle" not in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("content", [
    b"\x00\x01garbage bytes" * 10,
    json.dumps({"alphabet": ["0"], "labels": [0], "level": "full"}).encode(),
    b"\x80\x04\x95",                                       # the start of a pickle
    b"",
])
def test_non_npz_files_name_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not.npz"
    path.write_bytes(content)
    with pytest.raises(WeightsFormatError, match=r"not\.npz: not an NPZ weights file") as err:
        BilinearRNN.load(path)
    assert "allow_pickle" not in str(err.value) and "\n" not in str(err.value)


def test_npy_file_is_not_an_npz(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.ones(3))
    with pytest.raises(WeightsFormatError, match=r"a\.npy: .*single \.npy array"):
        BilinearRNN.load(path)


def test_truncated_and_bit_flipped_archives_are_weights_format_errors(tmp_path: Path) -> None:
    rnn = compiled("parity", "real_diagonal")
    good = rnn.save(tmp_path / "good.npz").read_bytes()
    truncated = tmp_path / "trunc.npz"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(WeightsFormatError, match=r"trunc\.npz: corrupt NPZ archive"):
        BilinearRNN.load(truncated)
    flipped = bytearray(good)
    at = good.index(b"\x93NUMPY") + 130                    # inside the first array's data
    flipped[at] ^= 0xFF
    (tmp_path / "flip.npz").write_bytes(bytes(flipped))
    with pytest.raises(WeightsFormatError, match=r"flip\.npz"):
        BilinearRNN.load(tmp_path / "flip.npz")


def test_deflate_errors_are_weights_format_errors(tmp_path: Path) -> None:
    rnn = compiled("parity", "real_diagonal")
    path = tmp_path / "z.npz"
    with path.open("wb") as fh:
        np.savez_compressed(fh, W=np.zeros((64, 64, 2)), h0=rnn.h0, readout=rnn.readout,
                            meta=_meta())
    data = bytearray(path.read_bytes())
    start = data.index(b"W.npy") + 40
    data[start:start + 20] = b"\xff" * 20
    path.write_bytes(bytes(data))
    with pytest.raises(WeightsFormatError, match=r"z\.npz"):
        BilinearRNN.load(path)


def test_sparse_npz_with_fractional_targets_is_refused(tmp_path: Path) -> None:
    rnn = compile_automaton(tasks.get("flip_flop", n=2).dfa, level="full", sparse=True)
    path = rnn.save(tmp_path / "s.npz", sparse=True)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["targets"] = arrays["targets"] + 0.5
    _save(path, **arrays)
    with pytest.raises(WeightsFormatError, match=r"s\.npz: targets has the entry"):
        BilinearRNN.load(path)
    arrays["targets"] = arrays["targets"] - 0.5
    arrays["h0"] = arrays["h0"] * 2
    _save(path, **arrays)
    with pytest.raises(WeightsFormatError, match="one-hot"):
        BilinearRNN.load(path)
