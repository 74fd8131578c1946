"""``from_construction``: torch modules decode exactly like the numpy constructions."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import BilinearError, UnsupportedConstructionError
from bilinear.models import (
    BlockBilinear,
    ComplexDiagonalBilinear,
    CPBilinear,
    FullBilinear,
    MonomialBilinear,
    RealDiagonalBilinear,
    decode_construction_outputs,
    from_construction,
)
from bilinear.theory import classify
from bilinear.vocabulary import Verdict


def _fake(W, h0, R, level, info=None):
    """A construction-like object with a numpy reference ``output`` (float64, no normalization)."""
    W, h0, R = (np.asarray(a, dtype=np.float64) for a in (W, h0, R))

    def output(word):
        h, out = h0.copy(), []
        for a in word:
            h = W[:, :, a] @ h
            s = R @ h
            best = np.flatnonzero(s == s.max())
            out.append(int(best[0]) if len(best) == 1 else None)
        return out

    return SimpleNamespace(W=W, h0=h0, readout=R, level=level, info=info or {},
                           labels=tuple(range(R.shape[0])), output=output, source="fake")


def _agree(rnn, words: np.ndarray, **kw) -> object:
    module = from_construction(rnn, **kw)
    got = decode_construction_outputs(module, rnn, words)
    expected = [rnn.output(list(w)) for w in words]
    assert got == expected
    return module


def _words(D: int, B: int = 16, T: int = 60, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, D, size=(B, T))


def _rotation(angle: float) -> np.ndarray:
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def test_real_diagonal_parity() -> None:
    W = np.zeros((1, 1, 2))
    W[0, 0] = [1.0, -1.0]
    module = _agree(_fake(W, [1.0], [[1.0], [-1.0]], "real_diagonal"), _words(2))
    assert isinstance(module, RealDiagonalBilinear)


def test_complex_diagonal_with_a_lone_real_unit_and_swapped_pair() -> None:
    # units: 0 = a real parity unit, (2, 1) = a Z_5 rotation stored with im before re
    H, D = 3, 2
    W = np.zeros((H, H, D))
    W[0, 0] = [1.0, -1.0]
    for k, steps in enumerate([1, 2]):
        rot = _rotation(2 * np.pi * steps / 5)
        W[np.ix_([2, 1], [2, 1], [k])] = rot[:, :, None]
    h0 = np.array([1.0, 0.0, 1.0])
    # readout: 10 codewords (parity x Z_5 phase)
    rows = []
    for par in (1.0, -1.0):
        for r in range(5):
            c, s = np.cos(2 * np.pi * r / 5), np.sin(2 * np.pi * r / 5)
            rows.append([par, s, c])
    module = _agree(_fake(W, h0, rows, "complex_diagonal"), _words(D))
    assert isinstance(module, ComplexDiagonalBilinear)
    assert module.hidden == 4  # the lone real unit got a silent partner


def test_block_packs_components_exactly() -> None:
    z3 = np.array([[0.0, -1.0], [1.0, -1.0]])  # integer Z_3 block
    H, D = 5, 2
    W = np.zeros((H, H, D))
    W[np.ix_([0, 3], [0, 3], [0])] = z3[:, :, None]
    W[np.ix_([0, 3], [0, 3], [1])] = np.eye(2)[:, :, None]
    W[1, 1] = [1.0, -1.0]
    W[np.ix_([2, 4], [2, 4], [1])] = z3[:, :, None]
    W[np.ix_([2, 4], [2, 4], [0])] = np.eye(2)[:, :, None]
    h0 = np.array([1.0, 1.0, 1.0, 0.0, 0.0])
    R = np.random.default_rng(1).normal(size=(6, H))
    module = _agree(_fake(W, h0, R, "block", {"block_size": 2}), _words(D, T=400))
    assert isinstance(module, BlockBilinear) and module.block_size == 2
    assert module.hidden == 6


def test_monomial_function_matrices() -> None:
    rng = np.random.default_rng(0)
    H, D = 4, 3
    W = np.zeros((H, H, D))
    for k in range(D):
        W[rng.integers(0, H, size=H), np.arange(H), k] = rng.choice([1.0, -1.0, 2.0], size=H)
    h0 = np.eye(H)[0]
    module = _agree(_fake(W, h0, np.eye(H), "monomial"), _words(D, T=30))
    assert isinstance(module, MonomialBilinear)


def test_cp_is_an_exact_decomposition() -> None:
    rng = np.random.default_rng(2)
    W = rng.integers(-1, 2, size=(3, 3, 2)).astype(float)
    R = rng.normal(size=(3, 3))  # generic readout: no exact ties to be broken by rounding
    module = _agree(_fake(W, [1.0, 0.0, 0.0], R, "cp"), _words(2, T=12))
    assert isinstance(module, CPBilinear)


def test_structure_mismatch_falls_back_to_full() -> None:
    W = np.random.default_rng(3).normal(size=(3, 3, 2))
    module = _agree(_fake(W, [1.0, 0.0, 0.0], np.eye(3), "real_diagonal"), _words(2, T=12))
    assert isinstance(module, FullBilinear)


def test_float32_loading_is_possible() -> None:
    W = np.zeros((1, 1, 2))
    W[0, 0] = [1.0, -1.0]
    module = from_construction(_fake(W, [1.0], [[1.0], [-1.0]], "real_diagonal"),
                               dtype="float32")
    assert module.diagonal.dtype == torch.float32


#: (task, parameters, levels to compile).  Every listed level is tried: a construction that
#: cannot be built must be one that theory rules out ("no") or cannot decide ("unknown").
CASES = [
    ("parity", {}, ["full", "monomial", "cp", "block", "complex_diagonal", "real_diagonal"]),
    ("modular_addition", {"m": 3}, ["full", "block", "complex_diagonal", "monomial"]),
    ("modular_addition", {"m": 5}, ["complex_diagonal", "block", "real_diagonal"]),
    ("random_fsm", {"states": 5, "symbols": 3, "seed": 1}, ["full", "monomial", "cp"]),
    ("flip_flop", {}, ["full", "block", "complex_diagonal"]),
    ("symmetric", {"n": 3}, ["full", "block", "real_diagonal"]),
]


@pytest.mark.parametrize(
    ("task", "params", "level"),
    [(t, p, lv) for t, p, levels in CASES for lv in levels],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_compiled_constructions_agree(task: str, params: dict, level: str) -> None:
    dfa = tasks.get(task, **params).dfa
    try:
        rnn = compile_automaton(dfa, level=level)
    except BilinearError as err:
        verdict = classify(dfa).levels[level]
        assert verdict.verdict in (Verdict.NO, Verdict.UNKNOWN), (
            f"{task} {params} at {level}: theory says {verdict.verdict!r} "
            f"({verdict.reason}) but the construction failed: {err}")
        return
    words = _words(len(dfa.alphabet), B=24, T=80, seed=5)
    module = from_construction(rnn)
    got = decode_construction_outputs(module, rnn, words)
    expected = [rnn.output(np.asarray(w)) for w in words]
    assert got == expected
    if rnn.level != "full":
        assert module.level in (rnn.level, "full")


def test_theory_rules_out_the_levels_that_cannot_be_compiled() -> None:
    # the failing branch above is exercised: these levels cannot simulate these tasks
    for task, params, level in [("symmetric", {"n": 3}, "real_diagonal"),
                                ("modular_addition", {"m": 5}, "real_diagonal"),
                                ("flip_flop", {}, "complex_diagonal")]:
        dfa = tasks.get(task, **params).dfa
        assert classify(dfa).levels[level].verdict == Verdict.NO
        with pytest.raises(UnsupportedConstructionError):
            compile_automaton(dfa, level=level)
