"""Regression tests: verdicts that were "unknown" though decided, or "yes" though unsound in fp."""

from __future__ import annotations

import itertools

import pytest
from sympy.combinatorics import Permutation, PermutationGroup

from bilinear.automata import DFA, tasks
from bilinear.automata.builders import from_group, from_table
from bilinear.theory import classify
from bilinear.theory.groups import residual_not_a5_power
from bilinear.theory.witnesses import check_witness_basic


def _full_transformation_monoid(n: int = 7) -> DFA:
    """``T_n``: an n-cycle, a transposition and a rank ``n - 1`` map (``|T_7| = 7^7``)."""
    cycle = [(q + 1) % n for q in range(n)]
    swap = [1, 0, *range(2, n)]
    merge = [1, *range(1, n)]  # 0 -> 1, the rest fixed
    return from_table([[cycle[q], swap[q], merge[q]] for q in range(n)], alphabet="abc",
                      name="T7")


def _sl25() -> DFA:
    """``SL(2, 5)`` (SmallGroup(120, 5)) acting on the 24 non-zero vectors of ``F_5^2``."""
    vectors = [v for v in itertools.product(range(5), repeat=2) if v != (0, 0)]
    pos = {v: i for i, v in enumerate(vectors)}

    def perm(m: list[list[int]]) -> Permutation:
        return Permutation([pos[((m[0][0] * x + m[0][1] * y) % 5,
                                 (m[1][0] * x + m[1][1] * y) % 5)] for x, y in vectors])

    s, t = perm([[1, 1], [0, 1]]), perm([[0, 4], [1, 0]])
    G = PermutationGroup([s, t])
    assert G.order() == 120 and G.derived_subgroup().order() == 120  # perfect, order 120
    return from_group(G, {"s": s, "t": t}, action="points", name="SL(2,5)")


@pytest.mark.parametrize("cap", [10, 100_000])
def test_t7_is_not_complex_diagonal_in_fp_whatever_the_cap(cap: int) -> None:
    d = _full_transformation_monoid()
    v = classify(d, notion="fp", cap=cap, search_budget=200).levels["complex_diagonal"]
    assert v.verdict == "no" and v.witness is not None
    assert v.witness.kind == "nonabelian_group"
    assert v.witness.image_word == () and set(v.witness.generator_words) == {("a",), ("b",)}
    assert check_witness_basic(d, v.witness)


def test_t7_fin_rob_diagonal_levels_are_no() -> None:
    d = _full_transformation_monoid()
    for notion in ("fin", "rob"):
        c = classify(d, notion=notion, cap=10, search_budget=200)
        for name in ("positive_diagonal", "real_diagonal", "complex_diagonal", "block"):
            v = c.levels[name]
            assert v.verdict == "no" and check_witness_basic(d, v.witness), (notion, name)


def test_without_a_nonabelian_group_fp_complex_diagonal_stays_unknown() -> None:
    """flip_flop: no non-abelian group divides M, so fp complex diagonal is not decided."""
    v = classify(tasks.get("flip_flop").dfa, notion="fp").levels["complex_diagonal"]
    assert v.verdict == "unknown"


def test_sl25_is_not_block3_under_fin() -> None:
    d = _sl25()
    v = classify(d, notion="fin", block_size=3).levels["block"]
    assert v.verdict == "no" and v.witness is not None
    assert v.witness.kind == "v3_perfect_residual"
    assert check_witness_basic(d, v.witness)
    assert v.extra["block_size"] == 3


def test_residual_test_does_not_exclude_powers_of_a5() -> None:
    """``A_5``, ``S_5``, ``A_5 x Z_2`` and ``A_5 x A_5`` have a power of A5 as residual."""
    a5 = PermutationGroup([Permutation([1, 2, 3, 4, 0]), Permutation([1, 2, 0, 3, 4])])
    s5 = PermutationGroup([Permutation([1, 2, 3, 4, 0]), Permutation([1, 0, 2, 3, 4])])
    shifted = [Permutation(list(range(5)) + [5 + i for i in g.array_form]) for g in a5.generators]
    a5a5 = PermutationGroup([Permutation(g.array_form + list(range(5, 10))) for g in a5.generators]
                            + shifted)
    a5z2 = PermutationGroup([Permutation(g.array_form + [5, 6]) for g in a5.generators]
                            + [Permutation([0, 1, 2, 3, 4, 6, 5])])
    for G in (a5, s5, a5a5, a5z2):
        assert not residual_not_a5_power(G), G.order()
    assert residual_not_a5_power(PermutationGroup(
        [Permutation([1, 2, 3, 4, 5, 0]), Permutation([1, 2, 0, 3, 4, 5])]))  # A6


def test_a5_block3_is_still_yes() -> None:
    v = classify(tasks.get("alternating", n=5).dfa, notion="fin", block_size=3).levels["block"]
    assert v.verdict == "yes" and v.dim_upper == 3


def test_threshold_half_cells_in_fp_stop_where_float64_does() -> None:
    ok = classify(tasks.get("threshold", k=26).dfa, notion="fp").levels
    assert ok["positive_diagonal"].verdict == "yes"
    assert ok["positive_diagonal"].construction == "threshold_half"
    assert ok["full"].dim_upper == 2
    bad = classify(tasks.get("threshold", k=27).dfa, notion="fp")
    pos = bad.levels["positive_diagonal"]
    assert pos.verdict == "unknown" and "index 27" in pos.reason
    for name in ("real_diagonal", "complex_diagonal"):
        assert bad.levels[name].verdict == "unknown"
    for name in ("full", "monomial", "cp"):
        v = bad.levels[name]
        assert v.verdict == "yes" and v.construction == "one_hot" and v.dim_upper == 28, name
    assert bad.levels["block"].verdict == "unknown"  # 28 states, no exact blocks of size 2
    assert bad.minimal_level == "full"


@pytest.mark.parametrize("k", [27, 40])
def test_threshold_rob_keeps_its_half_cells(k: int) -> None:
    """The float64 limit concerns fp only: under rob the exact cells stay."""
    v = classify(tasks.get("threshold", k=k).dfa, notion="rob").levels["positive_diagonal"]
    assert v.verdict == "yes" and v.construction == "threshold_half"


def _two_counters(k1: int, k2: int) -> DFA:
    states = list(itertools.product(range(k1 + 1), range(k2 + 1)))
    pos = {s: i for i, s in enumerate(states)}
    return from_table([[pos[(min(a + 1, k1), b)], pos[(a, min(b + 1, k2))]] for a, b in states],
                      alphabet="ab")


def test_two_threshold_letters_need_one_more_bit() -> None:
    """Two count units: scores up to 3, spacing 2^-51, so index 26 no longer fits (but 25 does)."""
    fits = classify(_two_counters(25, 1), notion="fp").levels["positive_diagonal"]
    assert fits.verdict == "yes" and fits.dim_upper == 3
    tight = classify(_two_counters(26, 1), notion="fp").levels["positive_diagonal"]
    assert tight.verdict == "unknown"


def test_a_forged_perfect_residual_witness_fails() -> None:
    d = tasks.get("alternating", n=5).dfa
    w = {"kind": "v3_perfect_residual", "image_word": [],
         "generator_words": [[a] for a in d.alphabet]}
    w["words"] = [w["image_word"], *w["generator_words"]]
    assert not check_witness_basic(d, w)
