"""The liu-semiautomata, word-problems and sdssm-groups suites against direct evaluators.

Every evaluator here is written from the suite's definition (the source's prose and arithmetic:
integer sums, quaternion products, sympy permutation products), not from our automata.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.combinatorics import Permutation, PermutationGroup

from bilinear.automata import suites, tasks
from bilinear.automata._suites_groups import cayley_generators
from bilinear.automata.dfa import DFA
from bilinear.automata.suites import Suite, SuiteTask
from bilinear.errors import InvalidArgumentError, TaskParameterError, UnknownTaskError

MAX_LEN = 60


def _words(alphabet: str | list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(list(alphabet)), max_size=MAX_LEN)


@functools.cache
def _dfa(spec: str) -> DFA:
    return tasks.resolve(spec).dfa


def _labels(spec: str, word: list[str]) -> list[object]:
    return list(_dfa(spec).output(word))


# ------------------------------------------------------------------ direct evaluators (Liu)
def _parity(w: list[str]) -> list[int]:
    return [sum(int(a) for a in w[: t + 1]) % 2 for t in range(len(w))]


def _gridworld(w: list[str], n: int, label: str) -> list[int]:
    out, q = [], 0
    for a in w:
        q = min(max(q + (1 if a == "1" else -1), 0), n - 1)
        out.append({"state": q, "parity": q % 2, "boundary": int(q in (0, n - 1))}[label])
    return out


def _abab(w: list[str], label: str) -> list[int]:
    # a prefix of 0101... of length L is in state [3, 0, 1, 2][L % 4]; anything else is the sink 4
    out = []
    for t in range(len(w)):
        prefix = "".join(w[: t + 1])
        state = (
            [3, 0, 1, 2][len(prefix) % 4]
            if prefix == "01" * (len(prefix) // 2) + "0" * (len(prefix) % 2)
            else 4
        )
        out.append(state if label == "state" else int(state == 3))
    return out


def _adder(w: list[str], k: int, label: str) -> list[int]:
    out = []
    for t in range(len(w)):
        # the k numbers read so far, least significant bit first; their sum
        total = sum(
            sum(((int(a) >> i) & 1) << s for s, a in enumerate(w[: t + 1])) for i in range(k)
        )
        digit, carry = (total >> t) & 1, total >> (t + 1)
        out.append({"state": digit + 2 * carry, "digit": digit, "carry": carry}[label])
    return out


def _flipflop(w: list[str]) -> list[int]:
    return [next((int(a) for a in reversed(w[: t + 1]) if a != "0"), 0) for t in range(len(w))]


def _cyclic(w: list[str], n: int) -> list[int]:
    return [sum(int(a) for a in w[: t + 1]) % n for t in range(len(w))]


def _dihedral(w: list[str], n: int, label: str) -> list[int]:
    out, toggle, pos = [], 0, 0
    for a in w:
        if a == "0":
            toggle ^= 1
        else:
            pos = (pos + (-1) ** toggle) % n
        out.append({"state": n * toggle + pos, "toggle": toggle, "position": pos}[label])
    return out


def _hamilton(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    a1, b1, c1, d1 = p
    a2, b2, c2, d2 = q
    return np.array(
        [
            a1 * a2 - b1 * b2 - c1 * c2 - d1 * d2,
            a1 * b2 + b1 * a2 + c1 * d2 - d1 * c2,
            a1 * c2 - b1 * d2 + c1 * a2 + d1 * b2,
            a1 * d2 + b1 * c2 - c1 * b2 + d1 * a2,
        ]
    )


def _quaternion(w: list[str]) -> list[int]:
    units = np.eye(4, dtype=int)  # 1, i, j, k
    out, q = [], units[0]
    for a in w:
        q = _hamilton(q, units[int(a)])  # right multiplication
        k = int(np.flatnonzero(q)[0])
        out.append(k if q[k] > 0 else k + 4)
    return out


def _perm_task(
    w: list[str], perms: list[tuple[int, ...]], actions: list[tuple[int, ...]], label: str
) -> list[int]:
    out, p = [], np.arange(len(perms[0]))
    for a in w:
        p = p[list(actions[int(a)])]  # the source: state -> state[action]
        out.append(perms.index(tuple(int(x) for x in p)) if label == "state" else int(p[0]))
    return out


def _is_even(p: tuple[int, ...]) -> bool:
    return Permutation(list(p)).is_even


def _sym_actions(n: int, k: int) -> list[tuple[int, ...]]:
    first = [tuple(range(n)), tuple(range(1, n)) + (0,), (1, 0) + tuple(range(2, n))]
    rest = [p for p in itertools.permutations(range(n)) if p not in first]
    return (list(dict.fromkeys(first)) + rest)[:k]


def _alt_actions(n: int) -> list[tuple[int, ...]]:
    # identity, then the 3-cycles 0 -> 1 -> x -> 0 written as index arrays
    acts = [tuple(range(n))]
    for x in range(2, n):
        a = list(range(n))
        a[0], a[1], a[x] = 1, x, 0
        acts.append(tuple(a))
    return acts


LIU_CASES = [
    ("liu-semiautomata/parity", "01", _parity),
    ("liu-semiautomata/gridworld", "01", lambda w: _gridworld(w, 9, "state")),
    ("liu-semiautomata/gridworld:n=4,label=boundary", "01", lambda w: _gridworld(w, 4, "boundary")),
    ("liu-semiautomata/gridworld:n=5,label=parity", "01", lambda w: _gridworld(w, 5, "parity")),
    ("liu-semiautomata/abab", "01", lambda w: _abab(w, "state")),
    ("liu-semiautomata/abab:label=boundary", "01", lambda w: _abab(w, "boundary")),
    ("liu-semiautomata/adder", "0123", lambda w: _adder(w, 2, "state")),
    ("liu-semiautomata/adder:n_addends=3,label=carry", "01234567", lambda w: _adder(w, 3, "carry")),
    ("liu-semiautomata/flipflop", "012", _flipflop),
    ("liu-semiautomata/flipflop:n=4", "01234", _flipflop),
    ("liu-semiautomata/cyclic", "01", lambda w: _cyclic(w, 5)),
    ("liu-semiautomata/cyclic:n=7,n_actions=4", "0123", lambda w: _cyclic(w, 7)),
    ("liu-semiautomata/dihedral", "01", lambda w: _dihedral(w, 4, "state")),
    ("liu-semiautomata/dihedral:n=5,label=position", "01", lambda w: _dihedral(w, 5, "position")),
    ("liu-semiautomata/quaternion", "0123", _quaternion),
    (
        "liu-semiautomata/symmetric",
        "012",
        lambda w: _perm_task(
            w, list(itertools.permutations(range(5))), _sym_actions(5, 3), "state"
        ),
    ),
    (
        "liu-semiautomata/symmetric:n=4,n_actions=5,label=first_chair",
        "01234",
        lambda w: _perm_task(
            w, list(itertools.permutations(range(4))), _sym_actions(4, 5), "first_chair"
        ),
    ),
    (
        "liu-semiautomata/alternating",
        "0123",
        lambda w: _perm_task(
            w,
            [p for p in itertools.permutations(range(5)) if _is_even(p)],
            _alt_actions(5),
            "state",
        ),
    ),
]


@pytest.mark.parametrize(("spec", "alphabet", "evaluate"), LIU_CASES, ids=[c[0] for c in LIU_CASES])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_liu_against_direct_evaluator(
    spec: str, alphabet: str, evaluate: Callable[[list[str]], list[int]], data: st.DataObject
) -> None:
    w = data.draw(_words(alphabet))
    assert _labels(spec, w) == evaluate(w)


def test_every_liu_task_is_covered() -> None:
    covered = {c[0].partition(":")[0].split("/")[1] for c in LIU_CASES}
    assert covered == {t.name for t in suites.suite("liu-semiautomata").tasks}


# ------------------------------------------------------------------ word problems
_A4 = [p for p in itertools.permutations(range(4)) if _is_even(p)]
_A5 = [p for p in itertools.permutations(range(5)) if _is_even(p)]
_S5 = list(itertools.permutations(range(5)))


def _word_problem(group: str, w: list[str], side: str) -> list[int]:
    """Prefix products with sympy (``p * q`` = first p, then q) or integer arithmetic."""
    out = []
    if group == "Z60":
        return [sum(int(a) for a in w[: t + 1]) % 60 for t in range(len(w))]
    if group == "A4xZ5":
        acc, z = Permutation(3), 0
        for a in w:
            g, dz = Permutation(list(_A4[int(a) // 5])), int(a) % 5
            acc = acc * g if side == "right" else g * acc
            z = (z + dz) % 5
            out.append(5 * _A4.index(tuple(acc.array_form)) + z)
        return out
    elements = _A5 if group == "A5" else _S5
    acc = Permutation(4)
    for a in w:
        g = Permutation(list(elements[int(a)]))
        acc = acc * g if side == "right" else g * acc
        out.append(elements.index(tuple(acc.array_form)))
    return out


_ORDERS = {"Z60": 60, "A4xZ5": 60, "A5": 60, "S5": 120}


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("group", list(_ORDERS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_word_problems_against_direct_evaluator(group: str, side: str, data: st.DataObject) -> None:
    w = data.draw(_words([str(i) for i in range(_ORDERS[group])]))
    assert _labels(f"word-problems/{group}:side={side}", w) == _word_problem(group, w, side)


@pytest.mark.parametrize("group", list(_ORDERS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_left_action_is_right_action_of_the_reversed_word(group: str, data: st.DataObject) -> None:
    w = data.draw(_words([str(i) for i in range(_ORDERS[group])]).filter(bool))
    left = _dfa(f"word-problems/{group}:side=left")
    right = _dfa(f"word-problems/{group}:side=right")
    assert left.output(w)[-1] == right.output(w[::-1])[-1]


@pytest.mark.parametrize("group", ["A4xZ5", "A5", "S5", "Z60"])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_left_and_right_differ_exactly_on_non_commuting_pairs(
    group: str, data: st.DataObject
) -> None:
    n = _ORDERS[group]
    g, h = data.draw(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)))
    left = _dfa(f"word-problems/{group}:side=left").output([str(g), str(h)])
    right = _dfa(f"word-problems/{group}:side=right").output([str(g), str(h)])
    gh, hg = (
        _word_problem(group, [str(g), str(h)], "right")[-1],
        _word_problem(group, [str(h), str(g)], "right")[-1],
    )
    assert (left[-1] == right[-1]) == (gh == hg)
    if group == "Z60":
        assert left == right  # abelian: the two conventions agree on every word


@pytest.mark.parametrize("group", ["A4xZ5", "A5", "S5"])
def test_non_abelian_groups_have_words_where_the_conventions_differ(group: str) -> None:
    left = _dfa(f"word-problems/{group}:side=left")
    right = _dfa(f"word-problems/{group}:side=right")
    n = _ORDERS[group]
    assert any(
        left.output([str(g), str(h)]) != right.output([str(g), str(h)])
        for g in range(n)
        for h in range(n)
    )


# ------------------------------------------------------------------ sdssm-groups
def _sdssm_a5(w: list[str]) -> int:
    gens = [Permutation([1, 2, 3, 4, 0]), Permutation([[0, 1], [2, 3]], size=5)]
    acc = Permutation(4)
    for a in w:
        acc = acc * gens[int(a)]
    return _A5.index(tuple(acc.array_form))


def _toggle_walk(w: list[str], dihedral: bool) -> int:
    toggle, pos = 0, 0
    for a in w:
        if a == "0":
            toggle ^= 1
        else:
            pos = (pos + ((-1) ** toggle if dihedral else 1)) % 4
    return 4 * toggle + pos


def _final(spec: str, w: list[str]) -> object:
    dfa = _dfa(spec)
    assert dfa.labels is not None
    return dfa.labels[dfa.run(w)]


@settings(max_examples=60, deadline=None)
@given(_words("01"))
def test_sdssm_small_groups(w: list[str]) -> None:
    assert _final("sdssm-groups/A5", w) == _sdssm_a5(w)
    assert _final("sdssm-groups/C2xC4", w) == _toggle_walk(w, False)
    assert _final("sdssm-groups/D4", w) == _toggle_walk(w, True)


@pytest.mark.parametrize(
    ("group", "k", "seed"), [("A5", 2, 0), ("A5", 6, 3), ("S5", 4, 0), ("S5", 8, 7)]
)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_cayley_automata(group: str, k: int, seed: int, data: st.DataObject) -> None:
    gens = cayley_generators(group, k, seed)
    elements = _A5 if group == "A5" else _S5
    assert len(set(gens)) == k and tuple(range(5)) not in gens
    assert PermutationGroup([Permutation(list(g)) for g in gens]).order() == len(elements)
    w = data.draw(_words([str(i) for i in range(k)]))
    acc = Permutation(4)
    for a in w:
        acc = acc * Permutation(list(gens[int(a)]))
    assert _final(f"sdssm-groups/{group}_k:k={k},seed={seed}", w) == elements.index(
        tuple(acc.array_form)
    )


def test_cayley_seed_changes_generators() -> None:
    assert cayley_generators("S5", 4, 0) != cayley_generators("S5", 4, 1)


# ------------------------------------------------------------------ parameters, records
@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("sdssm-groups/A5_k:k=1", "parameter 'k' of task 'sdssm-groups/A5_k' must be >= 2, got 1"),
        ("sdssm-groups/S5_k:k=120", "must be <= 119, got 120"),
        ("sdssm-groups/A5_k:seed=-1", "parameter 'seed'"),
        ("word-problems/A5:side=up", "must be one of ['right', 'left']"),
        ("liu-semiautomata/cyclic:n=3,n_actions=4", "must be <= n = 3"),
        ("liu-semiautomata/symmetric:n=3,n_actions=7", "must be <= n! = 6"),
        ("liu-semiautomata/gridworld:m=3", "unknown parameter 'm'"),
        ("liu-semiautomata/quaternion:n=3", "takes no parameters"),
    ],
)
def test_bad_parameters_one_line(spec: str, needle: str) -> None:
    with pytest.raises(TaskParameterError, match=re.escape(needle)) as info:
        tasks.resolve(spec)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "spec",
    [
        "liu-semiautomata/abab:label=boundary",
        "sdssm-groups/A5_k:k=6,seed=2",
        "word-problems/Z60:side=left",
        "liu-semiautomata/parity",
    ],
)
def test_spec_round_trip(spec: str) -> None:
    t = tasks.resolve(spec)
    again = tasks.resolve(t.spec)
    assert again.spec == t.spec and again.dfa == t.dfa


def test_unknown_suite_task_names_the_known_ones() -> None:
    with pytest.raises(UnknownTaskError, match="A5, C2xC4, D4, A5_k, S5_k"):
        tasks.resolve("sdssm-groups/A6")
    with pytest.raises(UnknownTaskError, match="parity, gridworld, abab"):
        suites.suite("liu-semiautomata").task("add")


@pytest.mark.parametrize("name", suites.suites())
def test_from_dict_round_trip(name: str) -> None:
    s = suites.suite(name)
    record = json.loads(json.dumps(s.to_dict()))
    assert Suite.from_dict(record) is s
    for t in s.tasks:
        assert SuiteTask.from_dict(json.loads(json.dumps(t.to_dict()))) is t


def test_from_dict_refuses_unknown_and_altered_records() -> None:
    with pytest.raises(UnknownTaskError, match="the suites are chomsky-regular, tomita"):
        Suite.from_dict({"name": "nope"})
    with pytest.raises(UnknownTaskError, match="its tasks are"):
        SuiteTask.from_dict({"suite": "tomita", "name": "8"})
    record = suites.suite("chomsky-regular").task("parity_check").to_dict()
    with pytest.raises(InvalidArgumentError, match="'chance'"):
        SuiteTask.from_dict({**record, "chance": 0.3})
    with pytest.raises(InvalidArgumentError, match="a suite task record"):
        SuiteTask.from_dict({"name": "x"})


def test_registry_conventions() -> None:
    assert suites.suites() == [
        "chomsky-regular",
        "tomita",
        "liu-semiautomata",
        "word-problems",
        "sdssm-groups",
    ]
    liu = suites.suite("liu-semiautomata")
    assert all(t.label_kind == "per_position" for t in liu.tasks)
    assert liu.task("gridworld").defaults == {"n": 9, "label": "state"}
    assert liu.task("symmetric").defaults == {"n": 5, "n_actions": 3, "label": "state"}
    assert all(t.label_kind == "per_position" for t in suites.suite("word-problems").tasks)
    sd = suites.suite("sdssm-groups")
    assert all(t.label_kind == "final" for t in sd.tasks)
    assert sd.task("A5_k").defaults == {"k": 2, "seed": 0}
    assert sd.task("C2xC4").chance == 1 / 8


def test_reference_page_lists_every_suite_and_task() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "suites.md").read_text(
        encoding="utf-8"
    )
    for name in suites.suites():
        assert f"## `{name}`" in page
        for t in suites.suite(name).tasks:
            assert f"| `{t.name}` |" in page, t.address
