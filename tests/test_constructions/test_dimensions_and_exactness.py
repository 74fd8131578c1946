"""The dimensions of docs/explanation/levels.md#examples, and exactness: integer and one-hot
constructions give bit-identical states in float16, float32 and float64; irrational ones are exact
in sympy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory.witnesses import check_witness_basic

from ._cases import compiled, decoded_matches, dfa

# (task, level, dimension) from docs/explanation/levels.md#examples (Sim_fin, real dimensions)
DIMS_311 = [
    ("parity", "real_diagonal", 1),
    ("cyclic:n=5", "complex_diagonal", 2),
    ("cyclic:n=7", "complex_diagonal", 2),
    ("abelian:orders=2x4", "complex_diagonal", 3),
    ("symmetric:n=3", "block", 2),
    ("symmetric:n=3,action=points", "full", 2),
    ("quaternion", "full", 4),
    ("quaternion", "block", 4),
    ("alternating:n=4", "full", 3),
    ("symmetric:n=4", "full", 3),
    ("flip_flop:n=2", "full", 2),
    ("flip_flop:n=2", "block", 2),
    ("symmetric:n=5,action=points", "full", 4),
]


@pytest.mark.parametrize(("spec", "level", "dim"), DIMS_311)
def test_theory_311_dimensions(spec: str, level: str, dim: int) -> None:
    rnn = compiled(spec, level, "fin", 2 if level == "block" else None)
    assert rnn.H == dim
    d = dfa(spec)
    words = np.random.default_rng(0).integers(0, d.n_symbols, size=(8, 400))
    assert decoded_matches(rnn, d, words)


@pytest.mark.slow
def test_a5_regular_is_icosahedral_dimension_3() -> None:
    d = tasks.get("alternating", n=5).dfa
    rnn = compile_automaton(d, level="full")
    assert rnn.H == 3 and rnn.exact.field == "QQ(sqrt(5))"
    words = np.random.default_rng(0).integers(0, d.n_symbols, size=(8, 1000))
    assert decoded_matches(rnn, d, words)


def test_q8_block_is_the_d4_z4_cover_not_state_determined() -> None:
    rnn = compiled("quaternion", "block", "fin", 2)
    assert rnn.info["construction"] == "q8_cover"
    assert rnn.info["state_determined"] is False
    assert rnn.block_size == 2


INTEGER_CASES = [
    ("parity", "real_diagonal"), ("flip_flop:n=2", "full"), ("symmetric:n=3", "full"),
    ("symmetric:n=4,action=points", "full"), ("quaternion", "full"), ("quaternion", "block"),
    ("abelian:orders=2x2", "real_diagonal"), ("random_fsm:states=6,symbols=3,seed=1", "full"),
    ("cyclic:n=4", "monomial"), ("dihedral:n=4", "full"), ("threshold:k=2", "full"),
    ("first_symbol:symbols=2", "monomial"), ("cyclic:n=6", "cp"),
]


@pytest.mark.parametrize(("spec", "level"), INTEGER_CASES)
def test_integer_constructions_are_bit_identical_in_every_float_format(spec: str,
                                                                      level: str) -> None:
    rnn = compiled(spec, level)
    assert rnn.exact.field == "ZZ"
    d = dfa(spec)
    words = np.random.default_rng(1).integers(0, d.n_symbols, size=(2, 10_000))
    ref = rnn.states_batch(words, dtype=np.float64)
    for dtype in (np.float16, np.float32):
        assert np.array_equal(rnn.states_batch(words, dtype=dtype).astype(np.float64), ref)
    assert decoded_matches(rnn, d, words, dtype=np.float16)


@pytest.mark.parametrize("spec", ["cyclic:n=5"])
def test_irrational_constructions_are_exact_in_sympy(spec: str) -> None:
    """``A(a)^n = I`` and the exact orbit closes: the sympy form is exact."""
    rnn = compiled(spec, "full")
    assert rnn.exact.field not in ("ZZ", "QQ")
    d = dfa(spec)
    for k in range(d.n_symbols):
        A = rnn.exact.letters[k]
        order = 1
        P = A
        while sp.simplify(P - sp.eye(rnn.H)) != sp.zeros(rnn.H):
            P, order = (P * A).applyfunc(sp.nsimplify), order + 1
            assert order <= d.n_states
    # C-exact: A(a) maps each codeword (readout row) onto a codeword
    rows = [sp.Matrix(rnn.exact.readout.row(i)).T for i in range(rnn.S)]
    for k in range(d.n_symbols):
        for c in rows:
            img = (rnn.exact.letters[k] * c).applyfunc(sp.nsimplify)
            assert any(sp.simplify(img - r) == sp.zeros(rnn.H, 1) for r in rows)


UNSUPPORTED = [
    ("symmetric:n=3", "complex_diagonal", "commutation"),
    ("cyclic:n=3", "real_diagonal", "period"),
    ("parity", "positive_diagonal", "period"),
    ("alternating:n=4", "block", "g2_nonabelian"),
]


@pytest.mark.parametrize(("spec", "level", "kind"), UNSUPPORTED)
def test_unsupported_requests_raise_with_a_witness_that_reruns(spec: str, level: str,
                                                               kind: str) -> None:
    d = dfa(spec)
    with pytest.raises(UnsupportedConstructionError) as info:
        compile_automaton(d, level=level, block_size=2 if level == "block" else None)
    w = info.value.witness
    assert w["kind"] == kind
    assert check_witness_basic(d, w)
    if kind == "commutation":
        u, v = w["words"]
        assert sorted(u) == sorted(v)
        assert d.output(u + w["suffix"])[-1] != d.output(v + w["suffix"])[-1]
    assert "cannot simulate" in str(info.value)


def test_check_compilable_explains_without_building() -> None:
    from bilinear.constructions import check_compilable

    assert check_compilable(dfa("cyclic:n=5"), "complex_diagonal") == []
    problems = check_compilable(dfa("cyclic:n=3"), "real_diagonal")
    assert len(problems) == 1 and "period" in problems[0]
