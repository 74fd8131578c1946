"""The task catalogue: every task builds, specs parse, expectations hold, semantics are right."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilinear.automata import DFA, _tasks_groups, _tasks_languages, minimize, reachable, tasks
from bilinear.automata.tasks import EXPECTED_KEYS, LEVEL_CHAIN, Task, parse_spec
from bilinear.errors import (
    AutomatonFormatError,
    InvalidArgumentError,
    TaskParameterError,
    UnknownTaskError,
)
from bilinear.verification.strategies import words

REQUIRED = ["parity", "modular_addition", "modular_arithmetic", "random_fsm", "cyclic", "abelian",
            "dihedral", "symmetric", "alternating", "quaternion", "flip_flop", "gridworld",
            "threshold", "first_symbol", "regex"]


def transition_monoid(d: DFA) -> set[tuple[int, ...]]:
    """All transformations of the states induced by words (brute force closure)."""
    gens = [tuple(d.table[:, a].tolist()) for a in range(d.n_symbols)]
    identity = tuple(range(d.n_states))
    seen = {identity}
    frontier = [identity]
    while frontier:
        new = []
        for f in frontier:
            for g in gens:
                h = tuple(g[i] for i in f)  # first f, then g
                if h not in seen:
                    seen.add(h)
                    new.append(h)
        frontier = new
    return seen


def compose(f: tuple[int, ...], g: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(g[i] for i in f)


# ----------------------------------------------------------------------------- the catalogue


def test_required_names_present() -> None:
    assert tasks.names() == REQUIRED


def test_every_family_entry_is_registered_once() -> None:
    entries = [getattr(module, name) for module in (_tasks_groups, _tasks_languages)
               for name in module.__all__]
    assert all(isinstance(e, tasks.TaskInfo) for e in entries)
    assert sorted(e.name for e in entries) == sorted(REQUIRED)
    assert all(tasks.info(e.name) is e for e in entries)
    # the family is right: group word problems there, no group among the others
    assert all(tasks.get(getattr(_tasks_groups, name).name).expected["group"] is True
               for name in _tasks_groups.__all__)
    assert not any(tasks.get(getattr(_tasks_languages, name).name).expected["group"]
                   for name in _tasks_languages.__all__)


@pytest.mark.parametrize("name", REQUIRED)
def test_every_task_builds_with_defaults(name: str) -> None:
    t = tasks.get(name)
    assert isinstance(t, Task) and t.name == name
    assert isinstance(t.dfa, DFA) and t.dfa.name == t.spec
    assert "\n" not in t.description and t.description
    assert set(t.expected) == set(EXPECTED_KEYS)
    assert t.expected["minimal_level"] in (*LEVEL_CHAIN, None)
    assert (t.expected["block_size"] is not None) == (t.expected["minimal_level"] == "block")
    assert reachable(t.dfa).n_states == t.dfa.n_states
    assert tasks.resolve(t.spec).dfa == t.dfa
    assert DFA.from_json(t.dfa.to_json()) == t.dfa  # string names: JSON round trip is exact
    json.dumps(t.to_dict())


@pytest.mark.parametrize("spec", REQUIRED + [
    "gridworld:n=2", "flip_flop:n=3", "modular_arithmetic:m=3", "modular_arithmetic:m=6",
    "threshold:k=4", "symmetric:n=4,action=points", "alternating:n=3", "first_symbol:symbols=1",
    "abelian:orders=2x2x3", "dihedral:n=6,action=points", "modular_addition:m=2"])
def test_expected_algebra_matches_brute_force(spec: str) -> None:
    t = tasks.resolve(spec)
    e = t.expected
    m = minimize(t.dfa)
    if e["states"] is not None:
        assert m.n_states == e["states"]
    monoid = transition_monoid(m)
    if e["monoid_size"] is not None:
        assert len(monoid) == e["monoid_size"]
    if e["commutative"] is not None:
        commutative = all(compose(f, g) == compose(g, f) for f, g in
                          itertools.combinations(monoid, 2))
        assert commutative == e["commutative"]
    if e["group"] is not None:
        assert all(len(set(f)) == len(f) for f in monoid) == e["group"]
    if e["group_order"] is not None:
        assert len(monoid) == e["group_order"]
    if e["aperiodic"] is not None:  # aperiodic: f^k = f^(k+1) for every f
        def aperiodic(f: tuple[int, ...]) -> bool:
            power = f
            for _ in range(len(monoid) + 1):
                nxt = compose(power, f)
                if nxt == power:
                    return True
                power = nxt
            return False
        assert all(aperiodic(f) for f in monoid) == e["aperiodic"]


@pytest.mark.parametrize(
    ("spec", "level", "dim"),
    [("parity", "real_diagonal", 1), ("modular_addition:m=2", "real_diagonal", 1),
     ("modular_addition:m=7", "complex_diagonal", 2), ("cyclic:n=5", "complex_diagonal", 2),
     ("abelian:orders=2x2x2", "real_diagonal", 3), ("abelian:orders=3x3", "complex_diagonal", 4),
     ("abelian:orders=6", "complex_diagonal", 2), ("dihedral:n=5", "block", 2),
     ("symmetric:n=3", "block", 2), ("symmetric:n=4", "full", 3),
     ("symmetric:n=5,action=points", "full", 4), ("alternating:n=4", "full", 3),
     ("alternating:n=5", "full", 3), ("quaternion", "block", 4), ("flip_flop:n=2", "block", 2),
     ("threshold:k=1", "positive_diagonal", 1), ("threshold:k=2", "block", 2),
     ("threshold:k=4", "full", 4)],
)
def test_expected_levels_from_theory(spec: str, level: str, dim: int) -> None:
    e = tasks.resolve(spec).expected
    assert (e["minimal_level"], e["dim"]) == (level, dim)
    assert e["source"]


def test_alternating_points_encoding_dimension() -> None:
    e = tasks.get("alternating", n=5, action="points").expected
    assert (e["dim"], e["dim_enc"], e["states"]) == (3, 4, 5)


def test_describe_is_json_and_lists_parameters() -> None:
    entries = json.loads(json.dumps(tasks.describe()))
    assert [e["name"] for e in entries] == REQUIRED
    by_name = {e["name"]: e for e in entries}
    assert [p["name"] for p in by_name["random_fsm"]["parameters"]] == ["states", "symbols",
                                                                        "seed", "kind"]
    assert by_name["random_fsm"]["parameters"][3]["omitted_at_default"] is True
    assert by_name["symmetric"]["parameters"][1]["choices"] == ["regular", "points"]
    assert by_name["cyclic"]["parameters"][0]["default"] == 6
    for e in entries:
        tasks.resolve(e["default_spec"])


# ----------------------------------------------------------------------------- specs


def test_spec_parsing() -> None:
    assert parse_spec("parity") == ("parity", {})
    assert parse_spec(" cyclic:n=5 ") == ("cyclic", {"n": "5"})
    assert parse_spec("random_fsm:states=10,symbols=3,seed=1") == (
        "random_fsm", {"states": "10", "symbols": "3", "seed": "1"})
    assert parse_spec("regex:pattern=[a,b]*,alphabet=ab") == (
        "regex", {"pattern": "[a,b]*", "alphabet": "ab"})
    assert parse_spec("regex:pattern=a=b") == ("regex", {"pattern": "a=b"})
    assert tasks.resolve("random_fsm:states=10,symbols=3,seed=1").params == {
        "states": 10, "symbols": 3, "seed": 1, "kind": "uniform"}
    assert tasks.resolve("abelian:orders=2x4").dfa.n_states == 8
    assert tasks.resolve("regex:pattern=(ab)*").dfa.output("aba") == [False, True, False]
    assert tasks.resolve("regex:pattern=a/b").dfa.alphabet == ("/", "a", "b")  # not a path
    with pytest.raises(AutomatonFormatError, match="some/file"):
        tasks.resolve("some/file")


@pytest.mark.parametrize("spec", [tasks.get(n).spec for n in REQUIRED] + [
    "cyclic:n=4,action=points", "symmetric:n=4", "regex:pattern=[a,b]c,alphabet=abc,"])
def test_spec_round_trip(spec: str) -> None:
    t = tasks.resolve(spec)
    assert tasks.resolve(t.spec).params == t.params


@pytest.mark.parametrize(
    ("call", "error", "culprit"),
    [
        (lambda: tasks.get("nope"), UnknownTaskError, "'nope'.*parity"),
        (lambda: tasks.resolve("nope:n=3"), UnknownTaskError, "'nope'"),
        (lambda: tasks.resolve(":n=3"), UnknownTaskError, "empty task name"),
        (lambda: tasks.get("cyclic", m=3), TaskParameterError, "unknown parameter 'm'"),
        (lambda: tasks.get("parity", n=3), TaskParameterError, "no parameters"),
        (lambda: tasks.resolve("cyclic:n=abc"), TaskParameterError, "'n'.*integer.*'abc'"),
        (lambda: tasks.get("cyclic", n=2.5), TaskParameterError, "'n'.*integer"),
        (lambda: tasks.get("cyclic", n=True), TaskParameterError, "'n'.*integer"),
        (lambda: tasks.get("cyclic", n=1), TaskParameterError, "'n'.*>= 2"),
        (lambda: tasks.get("cyclic", n=10**6), TaskParameterError, "'n'.*<="),
        (lambda: tasks.get("cyclic", action="left"), TaskParameterError, "'action'.*'left'"),
        (lambda: tasks.resolve("abelian:orders=2y4"), TaskParameterError, "'orders'"),
        (lambda: tasks.resolve("abelian:orders=1x4"), TaskParameterError, "'orders'.*>= 2"),
        (lambda: tasks.get("symmetric", n=8), TaskParameterError, "'n'.*<= 7.*40320"),
        (lambda: tasks.get("alternating", n=9), TaskParameterError, "'n'.*<= 7"),
        (lambda: tasks.resolve("cyclic:n"), TaskParameterError, "key=value"),
        (lambda: tasks.resolve("cyclic:n=3,n=4"), TaskParameterError, "'n' given twice"),
        (lambda: tasks.resolve("regex:pattern=a(b"), ValueError, "unbalanced"),
        (lambda: tasks.resolve("regex:pattern=ab,alphabet=aab"), TaskParameterError,
         "'alphabet'"),
        (lambda: tasks.resolve("missing.json"), AutomatonFormatError, "missing.json"),
        (lambda: tasks.resolve(3), InvalidArgumentError, "string"),
    ],
)
def test_bad_task_input(call, error: type, culprit: str) -> None:
    with pytest.raises(error, match=culprit):
        call()


def test_large_points_actions_are_allowed() -> None:
    assert tasks.get("symmetric", n=12, action="points").dfa.n_states == 12
    assert tasks.get("alternating", n=9, action="points").dfa.n_states == 9


def test_resolve_json_file(tmp_path) -> None:
    path = tmp_path / "my_parity.json"
    path.write_text(tasks.get("parity").dfa.to_json())
    t = tasks.resolve(str(path))
    assert t.name == "my_parity" and t.spec == str(path) and dict(t.params) == {}
    assert t.dfa == tasks.get("parity").dfa
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(AutomatonFormatError, match="bad.json"):
        tasks.resolve(str(bad))


def test_task_is_frozen_and_validated() -> None:
    t = tasks.get("parity")
    with pytest.raises(AttributeError):
        t.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        t.params["n"] = 3  # type: ignore[index]
    with pytest.raises(InvalidArgumentError):
        Task(name="", params={}, description="", dfa=t.dfa)
    with pytest.raises(InvalidArgumentError):
        Task(name="x", params={}, description="", dfa="not a dfa")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- semantics


@given(st.integers(2, 9), st.data())
def test_modular_addition_is_running_sum(m: int, data: st.DataObject) -> None:
    d = tasks.get("modular_addition", m=m).dfa
    w = data.draw(words(d.alphabet, max_size=30))
    assert d.output(w) == [str(sum(int(a) for a in w[: t + 1]) % m) for t in range(len(w))]


@given(st.integers(2, 7), st.data())
def test_modular_arithmetic_left_to_right(m: int, data: st.DataObject) -> None:
    d = tasks.get("modular_arithmetic", m=m).dfa
    w = data.draw(words(d.alphabet, max_size=30))
    value, expected = 0, []
    for a in w:
        op, digit = a[0], int(a[1:])
        value = {"+": value + digit, "-": value - digit, "*": value * digit}[op] % m
        expected.append(str(value))
    assert d.output(w) == expected


@given(st.integers(1, 30), st.integers(1, 4), st.integers(0, 10**6))
def test_random_fsm_reachable_and_reproducible(n: int, k: int, seed: int) -> None:
    t = tasks.get("random_fsm", states=n, symbols=k, seed=seed)
    assert t.dfa.n_states == n and t.dfa.n_symbols == k
    assert reachable(t.dfa).n_states == n
    assert minimize(t.dfa).n_states == n  # identity labelling
    assert tasks.get("random_fsm", states=n, symbols=k, seed=seed).dfa == t.dfa


def test_random_fsm_seeds_differ() -> None:
    tables = {tasks.get("random_fsm", states=8, symbols=3, seed=s).dfa.table.tobytes()
              for s in range(10)}
    assert len(tables) == 10


@pytest.mark.parametrize(("name", "n", "order"), [
    ("cyclic", 6, 6), ("dihedral", 5, 10), ("symmetric", 4, 24), ("symmetric", 5, 120),
    ("alternating", 4, 12), ("alternating", 5, 60)])
def test_group_tasks_orders(name: str, n: int, order: int) -> None:
    regular = tasks.get(name, n=n)
    assert regular.dfa.n_states == order == regular.expected["group_order"]
    assert regular.dfa.start == "()"
    points = tasks.get(name, n=n, action="points")
    assert points.dfa.n_states == n and points.expected["states"] == n
    assert len(transition_monoid(points.dfa)) == order


@given(st.integers(3, 7), st.data())
def test_dihedral_follows_liu(n: int, data: st.DataObject) -> None:
    """'0' toggles the direction, '1' drives one step: state (toggle, position)."""
    d = tasks.get("dihedral", n=n).dfa
    w = data.draw(words(["0", "1"], max_size=25))
    toggle, pos = 0, 0
    seen: dict[tuple[int, int], str] = {}
    for a, q in zip(w, d.trace(w), strict=True):
        if a == "0":
            toggle ^= 1
        else:
            pos = (pos + (-1) ** toggle) % n
        assert seen.setdefault((toggle, pos), q) == q  # the map (toggle, pos) -> state is a
    assert len(set(seen.values())) == len(seen)        # well-defined bijection on the trace


def _hamilton(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    a1, b1, c1, d1 = p
    a2, b2, c2, d2 = q
    return np.array([a1 * a2 - b1 * b2 - c1 * c2 - d1 * d2, a1 * b2 + b1 * a2 + c1 * d2 - d1 * c2,
                     a1 * c2 - b1 * d2 + c1 * a2 + d1 * b2, a1 * d2 + b1 * c2 - c1 * b2 + d1 * a2])


@given(words(["1", "i", "j", "k"], max_size=20))
def test_quaternion_right_multiplication(w: list[str]) -> None:
    units = {"1": np.array([1, 0, 0, 0]), "i": np.array([0, 1, 0, 0]),
             "j": np.array([0, 0, 1, 0]), "k": np.array([0, 0, 0, 1])}
    d = tasks.get("quaternion").dfa
    x = units["1"]
    for a, q in zip(w, d.trace(w), strict=True):
        x = _hamilton(x, units[a])
        sign = "-" if q.startswith("-") else ""
        assert np.array_equal(x, (-1 if sign else 1) * units[q.lstrip("-")])


@given(st.data())
def test_small_automata_semantics(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 5))
    flip = tasks.get("flip_flop", n=n).dfa
    w = data.draw(words(flip.alphabet, max_size=15))
    last, expected = 0, []
    for a in w:
        last = last if a == "0" else int(a) - 1
        expected.append(str(last))
    assert flip.output(w) == expected

    grid = tasks.get("gridworld", n=n).dfa
    w = data.draw(words(["0", "1"], max_size=15))
    pos, expected = 0, []
    for a in w:
        pos = min(max(pos + (1 if a == "1" else -1), 0), n - 1)
        expected.append(str(pos))
    assert grid.output(w) == expected

    k = data.draw(st.integers(1, 4))
    thr = tasks.get("threshold", k=k).dfa
    w = data.draw(words("ab", max_size=15))
    assert thr.output(w) == [w[: t + 1].count("a") >= k for t in range(len(w))]

    first = tasks.get("first_symbol", symbols=3).dfa
    w = data.draw(words("abc", min_size=1, max_size=10))
    assert first.output(w) == [w[0]] * len(w)


def test_abelian_and_cyclic_are_commutative_groups() -> None:
    t = tasks.get("abelian", orders="2x3x4")
    assert t.dfa.n_states == 24 == math.prod([2, 3, 4])
    # docs/explanation/levels.md#cdiag: a = 1 (Z_2), b = 1 (Z_4), r = 1 (Z_3); t = 1, cost = max(0,
    # 1) + 2 = 3
    assert t.expected["dim"] == 3
    assert tasks.get("abelian", orders=(2, 3, 4)).params["orders"] == "2x3x4"
