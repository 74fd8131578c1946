"""direct_sum, embed (docs/explanation/constructions.md#embeddings) and compile_representation."""

from __future__ import annotations

import numpy as np
import pytest

from bilinear.automata import product, tasks
from bilinear.constructions import compile_representation, direct_sum, embed
from bilinear.constructions.representation import check_homomorphism
from bilinear.errors import (
    AlphabetMismatchError,
    InvalidArgumentError,
    InvalidRepresentationError,
)

from ._cases import compiled


def test_direct_sum_simulates_the_product() -> None:
    a, b = compiled("parity", "real_diagonal"), compiled("parity", "complex_diagonal")
    s = direct_sum(a, b)
    assert s.H == a.H + b.H and s.level == "complex_diagonal"
    word = np.random.default_rng(0).integers(0, 2, 300)
    d = tasks.get("parity").dfa
    assert s.output(word) == [(x, x) for x in d.output(word)]


def test_direct_sum_levels_and_alphabet_check() -> None:
    s = direct_sum(compiled("cyclic:n=5", "complex_diagonal"), compiled("cyclic:n=5", "full"))
    assert s.level == "full"
    with pytest.raises(AlphabetMismatchError):
        direct_sum(compiled("parity", "full"), compiled("cyclic:n=5", "full"))


def test_direct_sum_of_two_tasks_on_one_alphabet() -> None:
    d1 = tasks.get("modular_addition", m=2).dfa
    d2 = tasks.get("parity").dfa
    s = direct_sum(compiled("modular_addition:m=2", "full"), compiled("parity", "full"))
    word = np.random.default_rng(1).integers(0, 2, 100)
    assert s.output(word) == list(zip(d1.output(word), d2.output(word), strict=True))
    assert product(d1, d2).n_states >= 2


def test_embed_with_independent_and_consistent_dependent_embeddings() -> None:
    rnn = compiled("cyclic:n=4", "full")
    d = tasks.get("cyclic", n=4).dfa
    e = embed(rnn, {"1": [2, 0]})
    assert e.alphabet == ("x0", "x1") and e.D == 2
    x = np.array([2.0, 0.0])
    A = np.einsum("ijk,k->ij", e.W, x)
    assert np.allclose(A, rnn.W[:, :, 0])
    p = compiled("parity", "real_diagonal")
    e2 = embed(p, np.array([[1, 0, 1], [0, 1, 1]]), feature_names=["a", "b", "c"])
    for k, row in enumerate([[1, 0, 1], [0, 1, 1]]):
        assert np.allclose(np.einsum("ijk,k->ij", e2.W, np.array(row, float)), p.W[:, :, k])
    assert d.n_states == 4


def test_embed_refuses_inconsistent_relations() -> None:
    p = compiled("parity", "real_diagonal")
    with pytest.raises(InvalidArgumentError, match="inconsistent embedding"):
        embed(p, {"0": [1, 1], "1": [2, 2]})
    with pytest.raises(InvalidArgumentError, match="lack"):
        embed(p, {"0": [1]})


def test_compile_representation_regular_and_against_an_automaton() -> None:
    rep = {"r": [[0, -1], [1, -1]], "s": [[0, 1], [1, 0]]}
    rnn = compile_representation(rep)
    assert rnn.H == 2 and rnn.S == 6
    d = tasks.get("symmetric", n=3).dfa
    with pytest.raises(InvalidRepresentationError, match="differ from the alphabet"):
        compile_representation(rep, d)
    # the S3 task has letters 0 (identity), 1 (3-cycle), 2 (swap)
    rep3 = {"0": [[1, 0], [0, 1]], "1": [[0, -1], [1, -1]], "2": [[0, 1], [1, 0]]}
    r3 = compile_representation(rep3, d)
    word = np.random.default_rng(4).integers(0, 3, 400)
    assert r3.output(word) == d.output(word)


def test_homomorphism_check_names_two_words() -> None:
    d = tasks.get("cyclic", n=3).dfa
    with pytest.raises(InvalidRepresentationError, match="not a homomorphism"):
        check_homomorphism(d, {"1": [[0, -1], [1, 0]]})  # order 4, not 3
    with pytest.raises(InvalidRepresentationError, match="singular"):
        compile_representation({"a": [[1, 0], [0, 0]]})
    with pytest.raises(InvalidRepresentationError, match="not square"):
        compile_representation({"a": [[1, 0]]})
