"""Cross-checks: letters, monoids (vs brute force), groups (vs sympy), representations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sympy.combinatorics import Permutation, PermutationGroup
from sympy.combinatorics.named_groups import (
    AbelianGroup,
    AlternatingGroup,
    CyclicGroup,
    DihedralGroup,
    SymmetricGroup,
)

from bilinear.automata import DFA, tasks
from bilinear.errors import InvalidArgumentError, InvalidGroupError, MonoidTooLargeError
from bilinear.theory import (
    abelian_snf,
    brute_force_monoid,
    character_table,
    d_enc,
    f_C,
    f_R,
    group_info,
    index_period,
    letter_maps,
    minimal_automaton,
    real_irrep_matrices,
    transition_group,
    transition_monoid,
    witness_search,
)
from bilinear.theory.groups import faithful_block_degree, psi_blocks
from bilinear.theory.monoid import element_index_period
from bilinear.theory.representations import faithful_sum, minimal_normal_subgroups

SMALL_TASKS = ["parity", "cyclic:n=5", "flip_flop", "threshold:k=3", "gridworld",
               "first_symbol", "modular_arithmetic:m=4", "symmetric:n=3", "quaternion",
               "dihedral:n=4", "alternating:n=4", "random_fsm:states=6,symbols=2,seed=1",
               "random_fsm:states=5,symbols=3,seed=2", "regex:pattern=(ab)*"]
GROUP_TASKS = ["parity", "cyclic:n=6", "symmetric:n=3", "symmetric:n=4", "quaternion",
               "dihedral:n=5", "alternating:n=5", "alternating:n=5,action=points",
               "abelian:orders=2x4", "symmetric:n=5,action=points"]


def dfa_from_maps(maps: list[list[int]], labels: list | None = None) -> DFA:
    n = len(maps[0])
    return DFA(states=list(range(n)), alphabet=[str(a) for a in range(len(maps))],
               transitions={(q, str(a)): t[q] for a, t in enumerate(maps) for q in range(n)},
               start=0, labels=None if labels is None else dict(enumerate(labels)))


# ---------------------------------------------------------------- letters
def test_index_period_brute_force() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 8))
        t = rng.integers(0, n, size=n)
        k, p = index_period(t)
        powers = [np.arange(n)]
        for _ in range(2 * n + 2):
            powers.append(t[powers[-1]])
        kk = next(i for i in range(len(powers)) for j in range(i + 1, len(powers))
                  if np.array_equal(powers[i], powers[j]))
        pp = next(j - kk for j in range(kk + 1, len(powers))
                  if np.array_equal(powers[kk], powers[j]))
        assert (k, p) == (kk, pp)
        ek, ep = element_index_period(t[None, :])
        assert (int(ek[0]), int(ep[0])) == (k, p)


# ---------------------------------------------------------------- monoids
@pytest.mark.parametrize("spec", SMALL_TASKS)
def test_monoid_size_matches_brute_force(spec: str) -> None:
    A = minimal_automaton(tasks.resolve(spec).dfa)
    M = transition_monoid(A)
    brute = brute_force_monoid(letter_maps(A))
    assert M.size == len(brute)
    assert {tuple(r) for r in M.elements.tolist()} == brute
    assert M.number_of_idempotents == int(M.idempotent_mask.sum())
    for i in range(0, M.size, max(1, M.size // 7)):  # words give their elements
        from bilinear.theory import word_map

        assert np.array_equal(word_map(A, M.word(i)), M.elements[i])


def test_full_transformation_monoid_and_cap() -> None:
    maps = [[1, 0, 2, 3], [1, 2, 3, 0], [0, 0, 2, 3]]
    M = transition_monoid(dfa_from_maps(maps))
    assert M.size == 4**4
    assert M.max_index == 3 and not M.is_aperiodic and M.exponent == 12
    orders = [g.group.order() for g in M.maximal_subgroups]
    assert len(orders) == 15 and sorted(set(orders)) == [1, 2, 6, 24]  # one per image
    with pytest.raises(MonoidTooLargeError, match="more than 100 elements"):
        transition_monoid(dfa_from_maps(maps), cap=100)
    with pytest.raises(InvalidArgumentError):
        transition_monoid(dfa_from_maps(maps), cap=0)


def test_green_classes_flip_flop() -> None:
    M = transition_monoid(tasks.get("flip_flop").dfa)
    g = M.green_classes
    # identity alone; the two constants form one L-class? (right action: same image -> L)
    assert len(set(g["D"].tolist())) == 2
    assert len(set(g["H"].tolist())) == 3


def test_witness_search_finds_nonsolvable_beyond_cap() -> None:
    # S5 on 5 points plus a rank-4 idempotent letter; search must see a non-solvable group
    maps = [[1, 2, 3, 4, 0], [1, 0, 2, 3, 4], [0, 0, 2, 3, 4]]
    d = dfa_from_maps(maps)
    with pytest.raises(MonoidTooLargeError):
        transition_monoid(d, cap=50)
    w = witness_search(d, budget=300)
    assert w.period >= 5
    assert any(not g.group.is_solvable for g in w.groups)
    from bilinear.theory import classify

    c = classify(d, cap=50, search_budget=300)
    assert c.algebra["monoid_size"] is None
    assert c.levels["block"].verdict == "no"
    assert c.algebra["solvable"] is False


# ---------------------------------------------------------------- groups
@pytest.mark.parametrize("spec", GROUP_TASKS)
def test_group_invariants_match_sympy(spec: str) -> None:
    A = minimal_automaton(tasks.resolve(spec).dfa)
    G, gens = transition_group(A)
    info = group_info(G)
    assert info.order == G.order() == len(brute_force_monoid(letter_maps(A)))
    assert info.abelian == G.is_abelian and info.solvable == G.is_solvable
    exp = math.lcm(*[g.order() for g in G.generate()])
    assert info.exponent == exp
    assert set(gens) == set(A.alphabet)


def test_transition_group_rejects_non_groups() -> None:
    with pytest.raises(InvalidGroupError, match="does not permute"):
        transition_group(tasks.get("flip_flop").dfa)


@pytest.mark.parametrize("orders", [(6,), (2, 4), (2, 2, 2), (3, 3), (4, 6), (5,)])
def test_abelian_snf_coordinates(orders: tuple[int, ...]) -> None:
    spec = "abelian:orders=" + "x".join(map(str, orders))
    dfa = minimal_automaton(tasks.resolve(spec).dfa)
    b = abelian_snf(dfa)
    assert math.prod(b.factors) == dfa.n_states
    assert all(b.factors[i + 1] % b.factors[i] == 0 for i in range(len(b.factors) - 1))
    assert len(set(b.state_coordinates)) == dfa.n_states
    for q in range(dfa.n_states):
        for a, sym in enumerate(dfa.alphabet):
            r = int(dfa.table[q, a])
            want = tuple((x + y) % d for x, y, d in zip(
                b.state_coordinates[q], b.letter_coordinates[sym], b.factors, strict=True))
            assert want == b.state_coordinates[r]


# ---------------------------------------------------------------- representations
def q8() -> PermutationGroup:
    G, _ = transition_group(tasks.get("quaternion").dfa)
    return G


@pytest.mark.parametrize("G, fR, fC", [
    (DihedralGroup(3), 2, 2), (DihedralGroup(4), 2, 2), (DihedralGroup(5), 2, 2),
    (DihedralGroup(6), 2, 2), (DihedralGroup(8), 2, 2),
    (AlternatingGroup(4), 3, 3), (SymmetricGroup(4), 3, 3), (AlternatingGroup(5), 3, 3),
    (SymmetricGroup(5), 4, 4),
    (AbelianGroup(6), 2, 1), (AbelianGroup(2, 4), 3, 2), (AbelianGroup(2, 2, 2), 3, 3),
    (AbelianGroup(3, 3), 4, 2), (CyclicGroup(2), 1, 1),
])
def test_minimal_faithful_degrees(G: PermutationGroup, fR: int, fC: int) -> None:
    assert f_R(G) == fR
    assert f_C(G) == fC


def test_q8_degrees_and_types() -> None:
    G = q8()
    assert (f_R(G), f_C(G)) == (4, 2)
    ct = character_table(G)
    assert sorted(ct.indicators) == [-1, 1, 1, 1, 1]
    assert len(minimal_normal_subgroups(ct)) == 1
    assert faithful_sum(ct, max_dim=2) is None


def test_character_table_checks() -> None:
    for G in (SymmetricGroup(4), AlternatingGroup(5), DihedralGroup(7), q8()):
        ct = character_table(G)
        m = ct.order
        sizes = np.array(ct.class_sizes)
        gram = (ct.chars * sizes) @ ct.chars.conj().T / m
        assert np.allclose(gram, np.eye(len(sizes)))
        assert sum(d * d for d in ct.degrees) == m


def test_d_enc_values() -> None:
    assert d_enc(AlternatingGroup(5))[0] == 4
    assert d_enc(SymmetricGroup(4))[0] == 3
    assert d_enc(CyclicGroup(5))[0] == 2
    G = PermutationGroup([Permutation([1, 2, 3, 4, 5, 0]), Permutation([5, 4, 3, 2, 1, 0])])
    assert d_enc(G)[0] == 2  # D6 on the hexagon


def test_real_irrep_matrices_are_representations() -> None:
    G = AlternatingGroup(5)
    fs = faithful_sum(character_table(G))
    mats = real_irrep_matrices(G, fs.irreps[0])
    assert all(M.shape == (3, 3) and np.allclose(M @ M.T, np.eye(3)) for M in mats)
    # orders are preserved: generator orders in the matrices equal those in G
    for g, M in zip(G.generators, mats, strict=True):
        P = np.linalg.matrix_power(M, g.order())
        assert np.allclose(P, np.eye(3))
        assert not any(np.allclose(np.linalg.matrix_power(M, k), np.eye(3))
                       for k in range(1, g.order()))


def test_faithful_block_degree_and_psi() -> None:
    G, _ = transition_group(tasks.get("symmetric", n=3).dfa)
    assert faithful_block_degree(G) == 3
    assert [sum(psi_blocks(n)) for n in (3, 4, 5, 6, 12, 60)] == [2, 2, 4, 2, 4, 8]


def test_character_table_rejects_huge_group() -> None:
    with pytest.raises(InvalidGroupError, match="larger than the cap"):
        character_table(SymmetricGroup(6), cap=100)


def test_all_small_groups_of_two_generators_consistent() -> None:
    """f_C <= f_R <= 2 f_C, and f_R == faithful real sum, on random 2-generated groups."""
    rng = np.random.default_rng(3)
    for _ in range(15):
        n = int(rng.integers(3, 7))
        gens = [Permutation(rng.permutation(n).tolist()) for _ in range(2)]
        G = PermutationGroup(gens)
        if G.order() > 720:
            continue
        r, c = f_R(G), f_C(G)
        assert c <= r <= 2 * c
        assert r <= n  # the permutation representation is faithful


@pytest.mark.parametrize("spec", ["alternating:n=5,action=points", "symmetric:n=3",
                                  "quaternion", "dihedral:n=5"])
def test_permutation_module_decomposition_is_invariant(spec: str) -> None:
    from bilinear.theory import permutation_module_decomposition

    G, _ = transition_group(minimal_automaton(tasks.resolve(spec).dfa))
    comps = permutation_module_decomposition(G)
    assert sum(c.basis.shape[1] for c in comps) == G.degree
    for c in comps:
        assert len(c.copies) == c.multiplicity
        for B in c.copies:
            assert B.shape[1] == c.irrep.real_dim
            for g in G.generators:
                Pg = np.zeros((G.degree, G.degree))
                Pg[g.array_form, np.arange(G.degree)] = 1
                PB = Pg @ B
                assert np.allclose(PB, B @ (B.T @ PB))


def test_reset_automata_use_two_dimensions() -> None:
    from bilinear.theory import classify

    c = classify(tasks.get("flip_flop", n=6).dfa)
    assert c.minimal_level == "block"
    assert (c.levels["block"].dim_upper, c.levels["block"].construction) == (6, "reset_bits")
    assert (c.levels["full"].dim_upper, c.levels["full"].construction) == (3, "reset_line")
    assert classify(tasks.get("flip_flop", n=6).dfa, "fp").levels["block"].verdict == "yes"


@pytest.mark.parametrize("orders", [(6,), (2, 4), (2, 2, 2), (3, 3), (4, 6), (2, 3, 4), (5,)])
def test_r2_packing_is_faithful_and_has_cost_dimension(orders: tuple[int, ...]) -> None:
    from bilinear.theory import abelian_cost, abelian_r2_packing

    dfa = minimal_automaton(tasks.resolve("abelian:orders=" + "x".join(map(str, orders))).dfa)
    p = abelian_r2_packing(dfa)
    assert p.dimension == abelian_cost(abelian_snf(dfa).factors)
    assert len(set(p.state_values)) == dfa.n_states
    mods = [m for _, m in p.blocks]
    for q in range(dfa.n_states):
        for a, sym in enumerate(dfa.alphabet):
            want = tuple((x + y) % m for x, y, m in zip(
                p.state_values[q], p.letter_values[sym], mods, strict=True))
            assert want == p.state_values[int(dfa.table[q, a])]


def test_green_classes_match_brute_force_on_t3() -> None:
    """R: xM = yM and L: Mx = My, computed from the elements (right action)."""
    M = transition_monoid(dfa_from_maps([[1, 0, 2], [1, 2, 0], [0, 0, 2]]))
    E = [tuple(r) for r in M.elements.tolist()]

    def then(x: tuple, y: tuple) -> tuple:  # "x then y"
        return tuple(y[q] for q in x)

    right = [frozenset(then(x, m) for m in E) for x in E]
    left = [frozenset(then(m, x) for m in E) for x in E]
    g = M.green_classes
    for i in range(len(E)):
        for j in range(len(E)):
            assert (g["R"][i] == g["R"][j]) == (right[i] == right[j])
            assert (g["L"][i] == g["L"][j]) == (left[i] == left[j])
    assert len(set(g["D"].tolist())) == 3  # the ranks 3, 2, 1 of T_3
