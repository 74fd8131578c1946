"""Property tests: invariance, the chain, witnesses, and the diagonal letter formulas."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilinear.automata import DFA, minimize
from bilinear.theory import (
    CHAIN,
    NOTIONS,
    check_witness_basic,
    classify,
    letter_infos,
    minimal_automaton,
)
from bilinear.theory.letters import power

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def dfas(draw, max_states: int = 6, max_symbols: int = 3):
    n = draw(st.integers(1, max_states))
    k = draw(st.integers(1, max_symbols))
    table = draw(st.lists(st.lists(st.integers(0, n - 1), min_size=k, max_size=k),
                          min_size=n, max_size=n))
    identity = draw(st.booleans())
    labels = None if identity else draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    return _make(table, labels)


@st.composite
def commutative_dfas(draw):
    """Letters are powers of one random transformation, so they commute."""
    n = draw(st.integers(1, 7))
    t = np.array(draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n)))
    exps = draw(st.lists(st.integers(0, 8), min_size=1, max_size=3))
    maps = [power(t, e) for e in exps]
    table = [[int(m[q]) for m in maps] for q in range(n)]
    labels = draw(st.one_of(st.none(),
                            st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    return _make(table, labels)


def _make(table: list[list[int]], labels: list | None) -> DFA:
    n, k = len(table), len(table[0])
    return DFA(states=[f"s{i}" for i in range(n)], alphabet=[f"a{j}" for j in range(k)],
               transitions={(f"s{i}", f"a{j}"): f"s{table[i][j]}"
                            for i in range(n) for j in range(k)},
               start="s0", labels=None if labels is None else
               {f"s{i}": labels[i] for i in range(n)})


def _summary(c) -> dict:
    return {name: (v.verdict, v.dim_upper, v.dim_lower, v.construction)
            for name, v in c.levels.items()} | {"min": c.minimal_level}


def _rename(dfa: DFA, perm_states: list[int], perm_symbols: list[int]) -> DFA:
    states = [dfa.states[i] for i in perm_states]
    alphabet = [dfa.alphabet[i] for i in perm_symbols]
    new_q = {q: f"x{j}" for j, q in enumerate(states)}
    new_a = {a: f"b{j}" for j, a in enumerate(alphabet)}
    return DFA(states=[new_q[q] for q in states], alphabet=[new_a[a] for a in alphabet],
               transitions={(new_q[q], new_a[a]): new_q[dfa.step(q, a)]
                            for q in states for a in alphabet},
               start=new_q[dfa.start],
               labels=None if dfa.labels is None else {new_q[q]: dfa.label(q) for q in states})


@SETTINGS
@given(dfas(), st.randoms(use_true_random=False))
def test_invariant_under_renaming_and_minimization(dfa: DFA, rnd) -> None:
    ps = list(range(dfa.n_states))
    pa = list(range(dfa.n_symbols))
    rnd.shuffle(ps)
    rnd.shuffle(pa)
    other = _rename(dfa, ps, pa)
    for notion in NOTIONS:
        base = _summary(classify(dfa, notion))
        assert _summary(classify(other, notion)) == base
        assert _summary(classify(minimize(dfa), notion)) == base


@SETTINGS
@given(dfas())
def test_chain_and_witnesses(dfa: DFA) -> None:
    for notion in NOTIONS:
        c = classify(dfa, notion)
        verdicts = [c.levels[n].verdict for n in CHAIN]
        first_yes = verdicts.index("yes")
        assert all(v == "yes" for v in verdicts[first_yes:]), (notion, verdicts)
        dims = [c.levels[n].dim_upper for n in CHAIN[first_yes:]]
        assert dims == sorted(dims, reverse=True), (notion, dims)
        assert c.minimal_level == CHAIN[first_yes]
        for name, v in c.levels.items():
            if v.verdict == "no":
                assert check_witness_basic(dfa, v.witness), (notion, name, v.witness)
            if v.verdict == "yes":
                assert v.dim_upper >= 1 and v.construction
        assert c.levels["full"].dim_upper <= max(1, c.states)


@SETTINGS
@given(commutative_dfas())
def test_commutative_diagonal_verdicts_match_letter_formulas(dfa: DFA) -> None:
    A = minimal_automaton(dfa)
    infos = letter_infos(A)
    fin = classify(dfa, "fin")
    rob = classify(dfa, "rob")
    idem = all(i.idempotent for i in infos)
    cube = all(i.cube_is_self for i in infos)
    clifford = all(i.index <= 1 for i in infos)
    aperiodic = all(i.period == 1 for i in infos)
    per12 = all(i.period in (1, 2) for i in infos)
    assert (fin.levels["positive_diagonal"].verdict == "yes") == idem
    assert (fin.levels["real_diagonal"].verdict == "yes") == cube
    assert (fin.levels["complex_diagonal"].verdict == "yes") == clifford
    assert (rob.levels["positive_diagonal"].verdict == "yes") == aperiodic
    assert (rob.levels["real_diagonal"].verdict == "yes") == per12
    assert rob.levels["complex_diagonal"].verdict == "yes"
    for c in (fin, rob):
        for name in ("positive_diagonal", "real_diagonal", "complex_diagonal"):
            v = c.levels[name]
            if v.verdict == "no":
                assert v.witness["kind"] in ("period", "index")
                assert check_witness_basic(dfa, v.witness)
