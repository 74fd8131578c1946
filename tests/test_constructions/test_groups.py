"""Group constructions: integer psi(n) forms, standard representations, image search, and the
float fallback of ``irrep_sum``."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from sympy.combinatorics import Permutation

from bilinear.automata import tasks
from bilinear.automata.builders import from_permutations
from bilinear.constructions import compile_automaton
from bilinear.constructions.groups import (
    MatrixGroup,
    companion,
    find_images,
    quaternion_left,
    standard_matrix,
)
from bilinear.theory.groups import psi_blocks

from ._cases import decoded_matches


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7, 8, 10, 12, 15])
def test_cyclic_integer_has_order_n_and_size_psi(n: int) -> None:
    X = companion(n)
    assert X.shape[0] == sum(psi_blocks(n))
    assert all(e.is_Integer and abs(e) <= 1 for e in X)
    powers = [X ** k for k in range(1, n + 1)]
    assert powers[-1] == sp.eye(X.shape[0]) and all(P != sp.eye(X.shape[0]) for P in powers[:-1])
    d = tasks.get("cyclic", n=n).dfa
    rnn = compile_automaton(d, level="full", construction="cyclic_integer")
    assert rnn.exact.field == "ZZ" and rnn.H == X.shape[0]
    words = np.random.default_rng(n).integers(0, d.n_symbols, size=(4, 2000))
    assert decoded_matches(rnn, d, words, dtype=np.float16)


def test_abelian_integer_per_invariant_factor() -> None:
    d = tasks.get("abelian", orders="2x6").dfa
    rnn = compile_automaton(d, level="full", construction="abelian_integer")
    assert rnn.H == 1 + 2 and rnn.exact.field == "ZZ"
    words = np.random.default_rng(0).integers(0, d.n_symbols, size=(4, 500))
    assert decoded_matches(rnn, d, words)


def test_standard_matrices_form_a_representation() -> None:
    p, q = [1, 2, 3, 0], [1, 0, 2, 3]
    pq = [q[p[i]] for i in range(4)]  # first p, then q
    assert standard_matrix(pq) == standard_matrix(q) * standard_matrix(p)


def test_image_search_finds_q8_in_the_quaternions() -> None:
    d = tasks.get("quaternion").dfa
    images = find_images(d, quaternion_left())
    assert images is not None and len(images) == d.n_symbols
    assert find_images(tasks.get("dihedral", n=4).dfa, quaternion_left()) is None


def test_matrix_group_enumerates_and_multiplies() -> None:
    T = MatrixGroup("Z4", [sp.ImmutableMatrix([[0, -1], [1, 0]])])
    assert T.order == 4 and sorted(T.orders) == [1, 2, 4, 4]
    assert len(T.class_representatives()) == 4


def test_irrep_sum_falls_back_to_float_irreducibles_outside_the_families() -> None:
    d = from_permutations({"a": Permutation([1, 2, 0, 3, 4, 5]),
                           "b": Permutation([1, 0, 2, 3, 4, 5]),
                           "c": Permutation([0, 1, 2, 4, 5, 3])})
    rnn = compile_automaton(d, level="full")
    assert rnn.info["construction"] == "irrep_sum" and rnn.exact is None and rnn.H == 4
    words = np.random.default_rng(0).integers(0, d.n_symbols, size=(4, 1000))
    assert decoded_matches(rnn, d, words)


@pytest.mark.parametrize("spec", ["cyclic:n=5", "alternating:n=4", "threshold:k=2",
                                  "dihedral:n=5", "parity", "quaternion"])
def test_fp_notion_uses_exact_constructions(spec: str) -> None:
    from bilinear.theory import classify

    d = tasks.resolve(spec).dfa
    c = classify(d, notion="fp")
    for level in ("real_diagonal", "complex_diagonal", "full", "monomial"):
        v = c.levels[level]
        if v.verdict != "yes":
            continue
        rnn = compile_automaton(d, level=level, notion="fp")
        assert rnn.H == v.dim_upper
        words = np.random.default_rng(1).integers(0, d.n_symbols, size=(2, 3000))
        assert decoded_matches(rnn, d, words, dtype=np.float32)


def test_cp_rank_option_uses_a_smaller_construction_when_the_edge_bound_is_too_big() -> None:
    d = tasks.get("cyclic", n=7).dfa
    assert compile_automaton(d, level="cp").info["rank"] == 7
    rnn = compile_automaton(d, level="cp", rank=4)
    assert rnn.H == 2 and rnn.info["rank"] == 4
    assert rnn.parameter_count() == 4 * (2 * 2 + 1)
    words = np.random.default_rng(0).integers(0, 1, size=(2, 500))
    assert decoded_matches(rnn, d, words)


@pytest.mark.parametrize(("spec", "dim"), [("symmetric:n=7,action=points", 6),
                                           ("alternating:n=7,action=points", 6),
                                           ("symmetric:n=8,action=points", 7)])
def test_standard_representation_needs_no_group_enumeration(spec: str, dim: int) -> None:
    """Groups far beyond GROUP_CAP elements: the letters' images come from the permutations."""
    d = tasks.resolve(spec).dfa
    rnn = compile_automaton(d, level="full")
    assert (rnn.H, rnn.info["construction"], rnn.exact.field) == (dim, "sn_standard", "ZZ")
    rng = np.random.default_rng(0)
    for _ in range(20):
        word = [d.alphabet[i] for i in rng.integers(0, d.n_symbols, 40)]
        assert rnn.output(word) == d.output(word)
