"""Exact certificates that stay polynomial: radicals and rotations translated into Q(zeta_N),
the kernel's integer screening, and the one-hot encoding checked in one pass."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.automata import DFA, tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.verification import verify
from bilinear.verification.common import Alignment
from bilinear.verification.cyclotomic import (
    CyclotomicField,
    _conductor,
    _NotInField,
    _sqrt_prime,
    _translate,
    cyclotomic_system,
)
from bilinear.verification.monomial import MonomialForm, monomial_search

PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23]


@pytest.mark.parametrize("p", PRIMES)
def test_square_roots_of_primes_are_gauss_sums(p: int) -> None:
    F = CyclotomicField(8 * p if p != 2 else 8)
    r = _sqrt_prime(p, F)
    assert r * r == F.rational(p) and F.sign(r) == 1
    assert abs(F.approx(r) - p**0.5) < 1e-12


@settings(max_examples=25, deadline=None, database=None)
@given(st.integers(1, 47), st.sampled_from([48, 96]))
def test_sympy_trigonometric_values_translate_exactly(k: int, N: int) -> None:
    """Whatever form sympy gives cos(2 pi k / N) (radicals, nested radicals or cos itself),
    the translation is the field's own cosine."""
    F = CyclotomicField(N)
    e = sp.cos(2 * sp.pi * sp.Rational(k, N))
    dens: set[int] = {4}
    guesses: dict = {}
    assert _conductor(e, dens, guesses)
    assert all(N % d == 0 for d in dens)
    assert _translate(e, F, {}, guesses) == F.cos(k, N)


def test_a_wrong_square_root_guess_is_refused() -> None:
    F = CyclotomicField(16)
    e = sp.sqrt(sp.sqrt(2) / 4 + sp.Rational(1, 2))  # cos(pi/8)
    assert _translate(e, F, {}, {e: (1, Fraction(1, 16))}) == F.cos(1, 16)
    with pytest.raises(_NotInField):  # cos(3 pi/8): not its square
        _translate(e, F, {}, {e: (1, Fraction(3, 16))})
    with pytest.raises(_NotInField):  # cos(7 pi/8) = -cos(pi/8)
        _translate(e, F, {}, {e: (1, Fraction(7, 16))})


def test_entries_outside_cyclotomic_fields_are_not_claimed() -> None:
    rnn = compile_automaton(tasks.get("dihedral", n=32).dfa, level="full")
    ex = rnn.exact
    for bad in (sp.cbrt(2), sp.cos(1), sp.sqrt(sp.pi)):
        letters = list(ex.letters)
        m = letters[0].as_mutable()
        m[0, 0] = bad
        letters[0] = sp.ImmutableMatrix(m)
        assert cyclotomic_system(dataclasses.replace(ex, letters=tuple(letters))) is None


@pytest.mark.parametrize("spec", ["dihedral:n=32", "dihedral:n=28,action=points"])
def test_dihedral_certificates_run_in_the_cyclotomic_field(spec: str) -> None:
    task = tasks.resolve(spec)
    rnn = compile_automaton(task.dfa, level="full")
    assert rnn.info["construction"] == "irrep_sum" and rnn.info["state_determined"]
    cert = verify(rnn, task)
    assert cert.holds and cert.method == "exact"
    assert cert.details["field"].startswith("Q(zeta_")
    assert cert.details["kernel"]["status"] == "agrees"


def test_dihedral_codes_are_linear_in_the_group_entries() -> None:
    """The encoding is read off the group table: integer combinations of single cosines and
    sines, never products of them (which made the old exact orbit grow)."""
    rnn = compile_automaton(tasks.get("dihedral", n=40).dfa, level="full")
    for e in rnn.exact.readout:
        for term in sp.Add.make_args(e):
            trig = [f for f in sp.Mul.make_args(term) if isinstance(f, (sp.cos, sp.sin))]
            assert len(trig) <= 1, e


def test_a_dihedral_model_with_swapped_letters_is_refused_with_a_word() -> None:
    task = tasks.get("dihedral", n=32)
    rnn = compile_automaton(task.dfa, level="full")
    ex = rnn.exact
    bad = BilinearRNN.from_exact(
        dataclasses.replace(ex, letters=ex.letters[::-1]),
        alphabet=rnn.alphabet,
        labels=rnn.labels,
        level=rnn.level,
        info=rnn.info,
    )
    cert = verify(bad, task, method="exact")
    assert not cert.holds and cert.counterexample is not None
    assert cert.details["field"] == "Q(zeta_32)"


# ------------------------------------------------------------------ one-hot
def _dfa(table: list[list[int]], labels: list[int]) -> DFA:
    t = np.array(table, dtype=np.int64)
    return DFA._from_trusted(list(range(len(t))), list(range(t.shape[1])), t, 0, labels, "t")


def test_identity_encoding_counts_only_reachable_states() -> None:
    d = _dfa([[1, 0], [0, 1], [2, 0]], [0, 1, 0])  # state 2 is unreachable
    form = MonomialForm(
        targets=d.table.T.copy(),
        scales=None,
        h0_unit=0,
        h0_scale=1.0,
        readout_rows=d.label_index,
        n_rows=2,
    )
    res = monomial_search(form, d, Alignment(np.arange(2), np.arange(2)))
    assert res.status == "closed" and res.reached == 2


def test_a_wrong_one_hot_transition_gets_the_shortest_word() -> None:
    """The one-pass check fails, and the breadth-first search finds the shortest word."""
    d = tasks.get("random_fsm", states=200, symbols=3, seed=5).dfa
    rnn = compile_automaton(d, level="full", sparse=True)
    ex = rnn.exact
    targets = np.array(ex.targets)
    q = int(d.table[int(d.table[d.start_index, 1]), 2])  # the state after "1 2"
    targets[0, q] = next(
        r for r in range(d.n_states) if d.label_index[r] != d.label_index[int(d.table[q, 0])]
    )
    bad = BilinearRNN.from_exact(
        dataclasses.replace(ex, targets=targets),
        alphabet=rnn.alphabet,
        labels=rnn.labels,
        level=rnn.level,
    )
    cert = verify(bad, d)
    assert not cert.holds and cert.counterexample is not None
    assert len(cert.counterexample) <= 3


def test_permuted_one_hot_units_still_verify() -> None:
    d = tasks.get("random_fsm", states=50, symbols=2, seed=2).dfa
    rnn = compile_automaton(d, level="full")
    perm = np.random.default_rng(0).permutation(rnn.H)
    W = np.zeros_like(rnn.W)
    W[np.ix_(perm, perm)] = rnn.W
    h0 = np.zeros(rnn.H)
    h0[perm] = rnn.h0
    R = np.zeros_like(rnn.readout)
    R[:, perm] = rnn.readout
    moved = BilinearRNN(
        W=W, h0=h0, readout=R, alphabet=rnn.alphabet, labels=rnn.labels, level="full"
    )
    cert = verify(moved, d)
    assert cert.holds and cert.method == "exact" and cert.details["reachable_states"] == 50


def test_the_kernel_refuses_a_one_hot_model_that_differs_from_its_evidence() -> None:
    """The kernel's one-pass check of the one-hot codes ``2 q`` (unit scales, every state)
    refuses a model whose letter sends one unit elsewhere, naming the state."""
    from bilinear.verification import kernel
    from bilinear.verification.verifier import kernel_inputs

    d = tasks.get("random_fsm", states=300, symbols=3, seed=4).dfa
    rnn = compile_automaton(d, level="full", sparse=True)
    cert = verify(rnn, d)
    assert cert.holds and cert.details["kernel"]["status"] == "agrees"
    assert np.array_equal(cert.evidence.code_of, 2 * np.arange(d.n_states))
    targets = np.array(rnn.exact.targets)
    targets[2, 17] = (targets[2, 17] + 1) % d.n_states
    bad = BilinearRNN.from_exact(
        dataclasses.replace(rnn.exact, targets=targets),
        alphabet=rnn.alphabet,
        labels=rnn.labels,
        level=rnn.level,
    )
    verdict = kernel.recheck(cert.evidence, *kernel_inputs(bad, d))
    assert verdict.status == "refuses" and "state 17" in verdict.reason
