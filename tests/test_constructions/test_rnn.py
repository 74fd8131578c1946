"""BilinearRNN: validation, decoding, NPZ / exact JSON / LaTeX export, sparse one-hot models."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import sympy as sp

from bilinear.automata import DFA, tasks
from bilinear.constructions import (
    BilinearRNN,
    ExactWeights,
    compile_automaton,
    from_exact_json,
)
from bilinear.errors import (
    InvalidArgumentError,
    UnknownLevelError,
    UnknownSymbolError,
    WeightsFormatError,
    WeightsTooLargeError,
)

from ._cases import compiled, dfa


def _parity() -> BilinearRNN:
    W = np.zeros((1, 1, 2))
    W[0, 0] = [1.0, -1.0]
    return BilinearRNN(W=W, h0=np.array([1.0]), readout=np.array([[1.0], [-1.0]]),
                       alphabet=("0", "1"), labels=(0, 1), level="real_diagonal")


BAD = [
    (dict(W=np.zeros((2, 3, 1))), InvalidArgumentError, "W has shape"),
    (dict(h0=np.array([np.nan])), InvalidArgumentError, "non-finite"),
    (dict(readout=np.zeros((2, 2))), InvalidArgumentError, "readout has shape"),
    (dict(alphabet=("0",)), InvalidArgumentError, "alphabet has 1 symbols"),
    (dict(alphabet=("0", "0")), InvalidArgumentError, "duplicate"),
    (dict(labels=(0,)), InvalidArgumentError, "labels has 1"),
    (dict(level="diagonal"), UnknownLevelError, "unknown level"),
    (dict(W=np.ones((1, 1, 2)) * -1, level="positive_diagonal"), InvalidArgumentError,
     "negative entry"),
]


@pytest.mark.parametrize(("change", "error", "message"), BAD)
def test_validation_runs_on_construction(change: dict, error: type, message: str) -> None:
    p = _parity()
    kwargs = dict(W=p.W, h0=p.h0, readout=p.readout, alphabet=p.alphabet, labels=p.labels,
                  level=p.level, **{})
    kwargs.update(change)
    with pytest.raises(error, match=message):
        BilinearRNN(**kwargs)


def test_structure_of_levels_is_checked() -> None:
    W = np.zeros((2, 2, 1))
    W[:, :, 0] = [[1, 1], [0, 1]]
    with pytest.raises(InvalidArgumentError, match="off-diagonal"):
        BilinearRNN(W=W, h0=np.ones(2), readout=np.eye(2), alphabet=("a",), labels=(0, 1),
                    level="real_diagonal")
    with pytest.raises(InvalidArgumentError, match="rotation-scaling"):
        BilinearRNN(W=W, h0=np.ones(2), readout=np.eye(2), alphabet=("a",), labels=(0, 1),
                    level="complex_diagonal")
    with pytest.raises(InvalidArgumentError, match="nonzero entries"):
        BilinearRNN(W=np.ones((2, 2, 1)), h0=np.ones(2), readout=np.eye(2), alphabet=("a",),
                    labels=(0, 1), level="monomial")


def test_arrays_are_read_only_and_float64() -> None:
    p = _parity()
    assert p.W.dtype == np.float64 and not p.W.flags.writeable
    with pytest.raises(ValueError):
        p.h0[0] = 2.0


def test_output_ties_decode_to_none_and_unknown_symbols_raise() -> None:
    p = _parity()
    tie = BilinearRNN(W=p.W, h0=p.h0, readout=np.array([[1.0], [1.0]]), alphabet=p.alphabet,
                      labels=(0, 1), level="real_diagonal")
    assert tie.output("01") == [None, None]
    with pytest.raises(UnknownSymbolError):
        p.output("012")
    assert p.output(["1", "1", "0"]) == [1, 0, 0]


def test_parameter_count_per_level() -> None:
    assert _parity().parameter_count() == 2
    rnn = compiled("symmetric:n=3", "block", "fin", 2)
    assert rnn.parameter_count() == 2 * rnn.H * rnn.D
    cp = compiled("parity", "cp")
    assert cp.parameter_count() == cp.info["rank"] * (2 * cp.H + cp.D)


@pytest.mark.parametrize(("spec", "level"), [("parity", "real_diagonal"),
                                             ("cyclic:n=5", "complex_diagonal"),
                                             ("quaternion", "block"), ("flip_flop:n=2", "cp")])
def test_npz_round_trip(tmp_path, spec: str, level: str) -> None:
    rnn = compiled(spec, level)
    back = BilinearRNN.load(rnn.save(tmp_path / "w.npz"))
    assert np.array_equal(back.W, rnn.W) and np.array_equal(back.readout, rnn.readout)
    assert back.alphabet == rnn.alphabet and back.labels == rnn.labels
    assert back.level == rnn.level and back.source == rnn.source and back.exact is None
    with np.load(tmp_path / "w.npz", allow_pickle=False) as data:
        assert sorted(data.files) == ["W", "h0", "meta", "readout"]
        meta = json.loads(str(data["meta"]))
        assert {"alphabet", "labels", "level", "source"} <= set(meta)


def test_npz_errors_are_weights_format_errors(tmp_path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(WeightsFormatError):
        BilinearRNN.load(bad)
    with bad.open("wb") as fh:
        np.savez(fh, W=np.zeros((1, 1, 1)), h0=np.ones(1), readout=np.ones((1, 1)),
                 meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(WeightsFormatError, match="cannot be read safely|meta"):
        BilinearRNN.load(bad)
    with bad.open("wb") as fh:
        np.savez(fh, W=np.zeros((1, 1, 1)), h0=np.ones(1),
                 meta=np.array(json.dumps({"alphabet": ["a"], "labels": [0], "level": "full"})))
    with pytest.raises(WeightsFormatError, match="readout"):
        BilinearRNN.load(bad)
    assert zipfile.is_zipfile(bad)


def test_exact_json_round_trip_and_latex() -> None:
    rnn = compiled("cyclic:n=5", "complex_diagonal")
    doc = json.loads(rnn.to_exact_json())
    assert doc["field"] == rnn.exact.field and len(doc["letters"]) == 1
    back = from_exact_json(rnn.to_exact_json())
    assert back.exact.letters == rnn.exact.letters
    assert back.output("1111111") == rnn.output("1111111")
    tex = rnn.to_latex()
    assert tex.startswith(r"A(\texttt{1}) = ") and r"\sqrt{5}" in tex


def test_exact_weights_infer_their_field() -> None:
    assert ExactWeights.from_matrices([[[1, 0], [0, -1]]], [1, 0], [[1, 0]]).field == "ZZ"
    assert ExactWeights.from_matrices([[["1/2"]]], [1], [[1]]).field == "QQ"
    ew = ExactWeights.from_matrices([[["sqrt(5)/2"]]], [1], [[1]])
    assert ew.field == "QQ(sqrt(5))" and ew.letters[0][0, 0] == sp.sqrt(5) / 2


def _big_dfa(n: int, k: int) -> DFA:
    rng = np.random.default_rng(0)
    table = rng.integers(0, n, size=(n, k))
    table[np.arange(n - 1), 0] = np.arange(1, n)
    return DFA._from_trusted(list(range(n)), list(range(k)), table, 0, None, "big")


def test_large_one_hot_is_sparse_and_refuses_dense_w(tmp_path) -> None:
    d = _big_dfa(3000, 4)
    rnn = compile_automaton(d, level="full")
    assert rnn.is_sparse and rnn.exact.is_monomial and rnn.H == 3000
    with pytest.raises(WeightsTooLargeError, match="sparse"):
        rnn.W  # noqa: B018
    with pytest.raises(WeightsTooLargeError, match="sparse=True"):
        rnn.save(tmp_path / "dense.npz")
    back = BilinearRNN.load(rnn.save(tmp_path / "sparse.npz", sparse=True))
    assert back.is_sparse and np.array_equal(back.exact.targets, d.table.T)
    word = np.random.default_rng(2).integers(0, 4, 200)
    assert back.output(word) == d.output(word) == rnn.output(word)
    with pytest.raises(WeightsTooLargeError):
        rnn.exact.letter(0)


def test_small_sparse_model_materialises_dense_views(tmp_path) -> None:
    d = tasks.get("parity").dfa
    rnn = compile_automaton(d, level="monomial", sparse=True)
    assert rnn.is_sparse and rnn.W.shape == (2, 2, 2)
    assert rnn.exact.letter(1) == sp.Matrix([[0, 1], [1, 0]])
    assert BilinearRNN.load(rnn.save(tmp_path / "s.npz", sparse=True)).output("011") == [0, 1, 0]
    with pytest.raises(InvalidArgumentError, match="sparse=True needs"):
        compiled("parity", "full").save(tmp_path / "x.npz", sparse=True)


def test_normalized_states_decode_the_same() -> None:
    rnn = compiled("dihedral:n=5", "full")
    d = dfa("dihedral:n=5")
    word = np.random.default_rng(3).integers(0, d.n_symbols, 500)
    assert rnn.output(word, normalize=True) == d.output(word)
    assert np.allclose(np.linalg.norm(rnn.states(word, normalize=True), axis=1), 1.0)


def test_jupyter_markdown_shows_small_matrices_and_hides_large_ones() -> None:
    from bilinear.automata import tasks
    from bilinear.constructions import compile_automaton

    small = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")._repr_markdown_()
    assert "at level `real_diagonal`" in small and "- `A(1)` = `[[-1.]]`" in small
    big = compile_automaton(tasks.get("random_fsm", states=10, symbols=3, seed=0).dfa,
                            level="full")._repr_markdown_()
    assert "letter matrices not shown: H = 10" in big and "`A(" not in big
