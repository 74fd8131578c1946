"""Exact verification of rotation constructions in a cyclotomic field Q(zeta_N)."""

from __future__ import annotations

import dataclasses
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.verification import verify
from bilinear.verification.cyclotomic import CyclotomicField, cyclotomic_system

F100 = CyclotomicField(100)


@settings(max_examples=30, deadline=None, database=None)
@given(st.integers(0, 99), st.integers(0, 99))
def test_addition_formulas_hold_exactly(a: int, b: int) -> None:
    F = F100
    c, s = F.cos(a, 100), F.sin(a, 100)
    assert c * c + s * s == F.one
    assert c * F.cos(b, 100) - s * F.sin(b, 100) == F.cos(a + b, 100)
    assert abs(F.approx(s) - math.sin(2 * math.pi * a / 100)) < 1e-12


@settings(max_examples=30, deadline=None, database=None)
@given(st.lists(st.integers(-3, 3), min_size=40, max_size=40), st.integers(1, 5))
def test_sign_agrees_with_high_precision(coeffs: list[int], d: int) -> None:
    import mpmath

    from bilinear.verification.cyclotomic import Cyc

    x = Cyc(F100, tuple(coeffs), d)
    with mpmath.workdps(60):
        v = mpmath.fsum(c * mpmath.cos(2 * mpmath.pi * j / 100)
                        for j, c in enumerate(coeffs)) / d
    # sign() is the sign of Re(x); x is not real in general, so skip values too close to 0
    if abs(v) > mpmath.mpf(10) ** -40:
        assert F100.sign(x) == (1 if v > 0 else -1)


def test_tiny_nonzero_margin_uses_intervals() -> None:
    F = F100
    x = F.cos(1, 100) - F.rational(0.99802672842827)     # about 1.6e-15
    assert F.sign(x) == 1 and F.sign(-x) == -1
    lo, hi = F.interval(x, 200)
    assert 0 < lo <= hi < 1e-14


@pytest.mark.parametrize(("m", "level"), [(25, "complex_diagonal"), (50, "full"),
                                          (50, "block")])
def test_large_cyclic_rotations_verify_exactly(m: int, level: str) -> None:
    task = tasks.get("modular_addition", m=m)
    rnn = compile_automaton(task.dfa, level=level)
    t = time.perf_counter()
    cert = verify(rnn, task)
    assert time.perf_counter() - t < 10
    assert cert.holds and cert.method == "exact"
    assert cert.details["field"] == "Q(zeta_100)"
    assert cert.details["reachable_states"] == m
    text = cert.to_markdown()
    assert "Q(zeta_100)" in text and "Phi_100" in text and "mpmath.iv" in text


def test_abelian_with_large_invariant_factors() -> None:
    task = tasks.get("abelian", orders="5x25")
    cert = verify(compile_automaton(task.dfa, level="complex_diagonal"), task)
    assert cert.holds and cert.method == "exact" and cert.details["field"] == "Q(zeta_100)"


def test_swapped_rotations_are_refused_with_a_word() -> None:
    task = tasks.get("modular_addition", m=25)
    rnn = compile_automaton(task.dfa, level="complex_diagonal")
    ex = rnn.exact
    letters = list(ex.letters)
    letters[1], letters[2] = letters[2], letters[1]
    bad = BilinearRNN.from_exact(dataclasses.replace(ex, letters=tuple(letters)),
                                 alphabet=rnn.alphabet, labels=rnn.labels, level=rnn.level,
                                 info=rnn.info)
    cert = verify(bad, task, method="exact")
    assert not cert.holds and cert.counterexample == ("1",)
    assert cert.details["field"] == "Q(zeta_100)"


def test_non_rotation_entries_are_not_claimed() -> None:
    rnn = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")
    assert cyclotomic_system(rnn.exact) is None        # rational weights: nothing to do


def test_cyclic_60_uses_the_cyclotomic_field() -> None:
    task = tasks.get("cyclic", n=60)
    cert = verify(compile_automaton(task.dfa, level="block"), task)
    assert cert.holds and cert.method == "exact" and cert.details["field"] == "Q(zeta_60)"


def test_small_rotations_keep_sympy_radicals() -> None:
    task = tasks.get("cyclic", n=5)
    cert = verify(compile_automaton(task.dfa, level="complex_diagonal"), task)
    assert cert.holds and "sqrt(5)" in cert.details["field"]
