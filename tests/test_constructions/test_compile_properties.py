"""Every level that classify says "yes" to compiles to a model that simulates the automaton
(random words up to length 1,000) in the dimension classify reports."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.errors import UnsupportedConstructionError

from ._cases import LEVELS, ROB_TASKS, TASKS, classification, compiled, decoded_matches, dfa

CASES = [(t, lv, n) for n, tasks in (("fin", TASKS), ("rob", ROB_TASKS)) for t in tasks
         for lv in LEVELS if lv != "block"]


def _yes(spec: str, level: str, notion: str):
    v = classification(spec, notion).levels[level]
    if v.verdict != "yes":
        pytest.skip(f"classify says {v.verdict}")
    return v


@pytest.mark.parametrize(("spec", "level", "notion"), CASES)
def test_dimension_is_classify_dim_upper(spec: str, level: str, notion: str) -> None:
    v = _yes(spec, level, notion)
    rnn = compiled(spec, level, notion)
    assert rnn.H == v.dim_upper
    assert rnn.info["construction"] == v.construction
    assert rnn.level == level


@pytest.mark.parametrize(("spec", "level", "notion"), CASES)
@settings(max_examples=4)
@given(length=st.integers(1, 1000), seed=st.integers(0, 2**32 - 1))
def test_simulates_on_random_words(spec: str, level: str, notion: str, length: int,
                                   seed: int) -> None:
    _yes(spec, level, notion)
    d = dfa(spec)
    words = np.random.default_rng(seed).integers(0, d.n_symbols, size=(4, length))
    assert decoded_matches(compiled(spec, level, notion), d, words)


@pytest.mark.parametrize("spec", TASKS)
@pytest.mark.parametrize("b", [1, 2, 3])
def test_block_levels(spec: str, b: int) -> None:
    v = classification(spec, "fin", b).levels["block"]
    if v.verdict == "no":
        with pytest.raises(UnsupportedConstructionError):
            compiled(spec, "block", "fin", b)
        return
    if v.verdict != "yes":
        pytest.skip("unknown")
    rnn = compiled(spec, "block", "fin", b)
    assert rnn.H == v.dim_upper
    assert rnn.block_size <= b
    d = dfa(spec)
    words = np.random.default_rng(b).integers(0, d.n_symbols, size=(8, 300))
    assert decoded_matches(rnn, d, words)


@pytest.mark.parametrize("spec", ["parity", "cyclic:n=5", "symmetric:n=3", "quaternion"])
def test_unsupported_levels_raise_with_theory_witness(spec: str) -> None:
    c = classification(spec)
    for level, v in c.levels.items():
        if v.verdict == "no":
            with pytest.raises(UnsupportedConstructionError) as info:
                compiled(spec, level)
            assert info.value.witness == v.witness
