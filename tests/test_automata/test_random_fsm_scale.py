"""random_fsm at scale: the vectorized builder, its memory guard, the permutation kind, and the
canonical specs that must not change (store keys and published tables depend on them)."""

from __future__ import annotations

import hashlib
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.automata import tasks
from bilinear.automata._tasks_languages import _random_fsm_memory
from bilinear.automata._taskspec import BUILD_MEMORY_CAP, BUILD_MEMORY_ENV, build_memory_cap
from bilinear.automata.operations import reachable_indices
from bilinear.errors import AutomatonTooLargeError, InvalidArgumentError


def _reference_table(n: int, k: int, seed: int) -> np.ndarray:
    """The generator as it was before vectorization (one scalar draw per state, tuple list)."""
    rng = np.random.default_rng(seed)
    table = np.full((n, k), -1, dtype=np.int64)
    free = [(0, a) for a in range(k)]
    for child in range(1, n):
        i = int(rng.integers(len(free)))
        parent, symbol = free[i]
        free[i] = free[-1]
        free.pop()
        table[parent, symbol] = child
        free.extend((child, a) for a in range(k))
    holes = table < 0
    table[holes] = rng.integers(0, n, size=int(holes.sum()))
    return table


def _digest(table: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(table, dtype="<i8").tobytes()).hexdigest()[:16]


# ----------------------------------------------------------------------------- same automata
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 9), st.integers(0, 2**32))
def test_the_vectorized_builder_gives_the_automata_of_the_old_one(n, k, seed):
    dfa = tasks.get("random_fsm", states=n, symbols=k, seed=seed).dfa
    np.testing.assert_array_equal(dfa.table, _reference_table(n, k, seed))


@pytest.mark.parametrize(
    ("n", "k", "seed", "digest"),
    [
        (5, 3, 1, "c2b5571deaaf94ee"),
        (25, 4, 3, "a4d0ac314c57f3fe"),
        (200, 7, 0, "c3950fc7dee5920f"),
        (5000, 3, 1, "227fd12a3bae1835"),
        (1000, 50, 12345, "991d8c7b0d182da9"),
    ],
)
def test_pinned_tables_of_existing_seeds(n, k, seed, digest):
    # digests of the tables the generator made before vectorization (numpy 2.x PCG64)
    assert _digest(tasks.get("random_fsm", states=n, symbols=k, seed=seed).dfa.table) == digest


# ----------------------------------------------------------------------------- canonical specs
#: Canonical specs before the parameter ``kind`` existed: they must stay byte-identical.
CANONICAL_BEFORE = {
    "parity": "parity",
    "modular_addition": "modular_addition:m=5",
    "modular_arithmetic": "modular_arithmetic:m=5",
    "random_fsm": "random_fsm:states=5,symbols=3,seed=1",
    "cyclic": "cyclic:n=6,action=regular",
    "abelian": "abelian:orders=2x4",
    "dihedral": "dihedral:n=4,action=regular",
    "symmetric": "symmetric:n=3,action=regular",
    "alternating": "alternating:n=5,action=regular",
    "quaternion": "quaternion",
    "flip_flop": "flip_flop:n=2",
    "gridworld": "gridworld:n=4",
    "threshold": "threshold:k=2",
    "first_symbol": "first_symbol:symbols=2",
    "regex": "regex:pattern=(a|b)*abb,alphabet=",
}


def test_every_catalogue_default_spec_is_unchanged():
    assert set(CANONICAL_BEFORE) <= set(tasks.names())
    for name, spec in CANONICAL_BEFORE.items():
        task = tasks.get(name)
        assert task.spec == spec and task.dfa.name == spec
        assert tasks.info(name).to_dict()["default_spec"] == spec
        assert tasks.resolve(spec).spec == spec


@pytest.mark.parametrize(
    "spec",
    [
        "random_fsm:states=25,symbols=4,seed=3",
        "random_fsm:states=10,symbols=2,seed=0",
        "random_fsm:states=5,symbols=3,seed=2",
    ],
)
def test_random_fsm_specs_without_kind_are_unchanged(spec):
    assert tasks.resolve(spec).spec == spec
    assert tasks.resolve(spec + ",kind=uniform").spec == spec  # the default is left out
    assert tasks.resolve(spec).description == tasks.resolve(spec + ",kind=uniform").description


def test_a_non_default_added_later_parameter_is_printed():
    t = tasks.resolve("random_fsm:states=6,symbols=2,seed=4,kind=permutation")
    assert t.spec == "random_fsm:states=6,symbols=2,seed=4,kind=permutation"
    assert tasks.resolve(t.spec).dfa == t.dfa
    assert (
        tasks.format_spec("random_fsm", {"states": 5, "symbols": 3, "seed": 1, "kind": "uniform"})
        == CANONICAL_BEFORE["random_fsm"]
    )
    # names outside the catalogue (suite addresses) keep every parameter
    assert tasks.format_spec("some-suite/x", {"kind": "uniform"}) == "some-suite/x:kind=uniform"


# ----------------------------------------------------------------------------- permutation kind
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 5), st.integers(0, 10**6))
def test_permutation_kind_letters_are_permutations_and_reach_every_state(n, k, seed):
    dfa = tasks.get("random_fsm", states=n, symbols=k, seed=seed, kind="permutation").dfa
    for a in range(k):
        assert sorted(dfa.table[:, a].tolist()) == list(range(n))  # no word merges two states
    cycle = [0]
    for _ in range(n - 1):
        cycle.append(int(dfa.table[cycle[-1], 0]))
    assert sorted(cycle) == list(range(n)) and dfa.table[cycle[-1], 0] == 0  # symbol 0: n-cycle
    assert len(reachable_indices(dfa)) == n


def test_the_uniform_kind_is_mostly_synchronizing_and_the_permutation_kind_never():
    def synchronized(dfa, length=200, seed=0):
        word = np.random.default_rng(seed).integers(0, len(dfa.alphabet), size=length)
        states = np.arange(dfa.n_states)
        for a in word:
            states = dfa.table[states, a]
        return len(set(states.tolist())) == 1

    uniform = [tasks.get("random_fsm", states=25, symbols=3, seed=s).dfa for s in range(10)]
    perm = [
        tasks.get("random_fsm", states=25, symbols=3, seed=s, kind="permutation").dfa
        for s in range(10)
    ]
    assert sum(synchronized(d) for d in uniform) >= 8
    assert not any(synchronized(d) for d in perm)


def test_permutation_kind_expectations():
    t = tasks.get("random_fsm", states=7, symbols=1, kind="permutation")
    assert t.expected["group"] is True and t.expected["monoid_size"] == 7
    assert t.expected["commutative"] is True and t.expected["aperiodic"] is False
    assert "permutation" in t.description and "7-cycle" in t.description
    with pytest.raises(Exception, match="must be one of"):
        tasks.resolve("random_fsm:kind=bijective")


# ----------------------------------------------------------------------------- memory guard
def test_a_build_over_the_memory_cap_is_refused_before_allocating():
    tracemalloc.start()
    try:
        with pytest.raises(AutomatonTooLargeError) as info:
            tasks.get("random_fsm", states=100_000, symbols=1000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert message.startswith(
        "random_fsm:states=100000,symbols=1000,seed=1 would need 1.53 GiB to build"
    )
    assert "the cap is 0.25 GiB" in message and f"{BUILD_MEMORY_ENV}=2" in message
    assert peak < 2**22  # refused before the table exists


def test_the_memory_cap_is_raised_by_the_environment(monkeypatch):
    assert build_memory_cap() == BUILD_MEMORY_CAP or BUILD_MEMORY_ENV in __import__("os").environ
    monkeypatch.setenv(BUILD_MEMORY_ENV, "0.001")
    with pytest.raises(AutomatonTooLargeError, match=r"the cap is 0\.00 GiB"):
        tasks.get("random_fsm", states=1000, symbols=100)
    monkeypatch.setenv(BUILD_MEMORY_ENV, "0.5")
    assert tasks.get("random_fsm", states=1000, symbols=100).dfa.n_states == 1000
    for bad in ("lots", "-1", "0", "nan"):
        monkeypatch.setenv(BUILD_MEMORY_ENV, bad)
        with pytest.raises(InvalidArgumentError, match=BUILD_MEMORY_ENV):
            tasks.get("random_fsm", states=10)


@pytest.mark.parametrize(
    ("n", "k", "kind"), [(300, 200, "uniform"), (2000, 30, "uniform"), (300, 200, "permutation")]
)
def test_the_memory_estimate_bounds_the_measured_peak(n, k, kind):
    tracemalloc.start()
    try:
        tasks.get("random_fsm", states=n, symbols=k, kind=kind)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = _random_fsm_memory({"states": n, "symbols": k, "kind": kind})
    assert peak <= estimate < 3 * peak + 2**21
