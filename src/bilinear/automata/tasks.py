"""The task catalogue: named state-tracking tasks with parameters, automata and expectations.

A task is named as ``NAME`` or ``NAME:key=value,key=value`` (design.md section 6); parameter
values in a spec are strings and are converted by the declared type.  :func:`get` builds a task
from Python values, :func:`resolve` from a spec string or a path to an automaton JSON file.

Every task carries ``expected``: what the literature and ``theory.md`` (sections 0, 3.11, 4)
say about it, as data for tests.  Keys (always present, ``None`` when not known):

* ``minimal_level``: the lowest level of the chain positive_diagonal < real_diagonal <
  complex_diagonal < block < full that simulates the task under the ``fin`` notion.  As in
  theory.md section 3.11, ``"block"`` means block size 2 (``block_size`` is then 2); a task that
  needs blocks of size 3 or more is reported as ``"full"``.
* ``dim``: the smallest real dimension at that level (``fin`` notion, history-dependent codes
  allowed); ``dim_enc``: the smallest state-determined dimension of a ``full`` model.
* ``states``: the number of states of the minimal automaton; ``monoid_size``, ``commutative``,
  ``aperiodic``, ``group`` (every letter permutes the states), ``group_order``, ``abelian``,
  ``solvable``: the transition monoid.
* ``source``: where the values come from.

Examples
--------
>>> from bilinear.automata import tasks
>>> t = tasks.get("cyclic", n=5)
>>> t.spec, t.dfa.n_states, t.expected["minimal_level"], t.expected["dim"]
('cyclic:n=5,action=regular', 5, 'complex_diagonal', 2)
>>> tasks.resolve("modular_addition:m=3").dfa.output(["1", "2", "2"])
['1', '0', '2']
>>> tasks.get("cyclic", k=2)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
bilinear.errors.TaskParameterError: unknown parameter 'k' of task 'cyclic'; its parameters are ...
"""

from __future__ import annotations

import math
import os
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bilinear._validation import check_choice
from bilinear.automata.builders import from_function, from_permutations
from bilinear.automata.dfa import DFA
from bilinear.automata.io import load_dfa
from bilinear.automata.regex import from_regex
from bilinear.errors import (
    InvalidArgumentError,
    TaskParameterError,
    UnknownTaskError,
)
from bilinear.vocabulary import CHAIN

__all__ = ["Task", "Parameter", "TaskInfo", "names", "get", "resolve", "describe", "info",
           "parse_spec", "format_spec", "EXPECTED_KEYS"]

#: Keys of :attr:`Task.expected` (always all present).
EXPECTED_KEYS = ("minimal_level", "block_size", "dim", "dim_enc", "states", "monoid_size",
                 "commutative", "aperiodic", "group", "group_order", "abelian", "solvable",
                 "source")

#: The chain of :data:`bilinear.vocabulary.CHAIN` (kept under this name for existing imports).
LEVEL_CHAIN = CHAIN

#: Declared parameter types (:attr:`Parameter.type`).
PARAMETER_TYPES = ("int", "str", "choice", "orders")


# ================================================================================ data types
@dataclass(frozen=True)
class Parameter:
    """A declared task parameter: name, type, default, bounds.

    ``type`` is ``"int"``, ``"str"``, ``"choice"`` (one of ``choices``) or ``"orders"`` (cyclic
    orders joined by ``x``, e.g. ``"2x4"``).  Values are stored as ``int`` or ``str``.

    Examples
    --------
    >>> p = Parameter("n", "int", 6, "number of points", minimum=2, maximum=100)
    >>> p.convert("7", task="cyclic")
    7
    >>> p.convert("1", task="cyclic")
    Traceback (most recent call last):
    ...
    bilinear.errors.TaskParameterError: parameter 'n' of task 'cyclic' must be >= 2, got 1
    """

    name: str
    type: str
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_choice(self.type, PARAMETER_TYPES, "parameter type")
        if self.type == "choice" and self.default not in self.choices:
            raise InvalidArgumentError(f"default {self.default!r} is not among the choices")

    def _fail(self, task: str, problem: str) -> TaskParameterError:
        return TaskParameterError(f"parameter {self.name!r} of task {task!r} {problem}")

    def convert(self, value: Any, task: str = "") -> Any:
        """Check a value (a Python value or a spec string) and return it in canonical form."""
        if self.type == "int":
            if isinstance(value, str):
                try:
                    value = int(value.strip())
                except ValueError:
                    raise self._fail(task, f"must be an integer, got {value!r}") from None
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise self._fail(task, f"must be an integer, got {value!r}")
            value = int(value)
            if self.minimum is not None and value < self.minimum:
                raise self._fail(task, f"must be >= {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise self._fail(task, f"must be <= {self.maximum}, got {value}")
            return value
        if not isinstance(value, str):
            if self.type == "orders" and isinstance(value, (tuple, list)):
                value = "x".join(str(v) for v in value)
            else:
                raise self._fail(task, f"must be a string, got {value!r}")
        if self.type == "choice" and value not in self.choices:
            raise self._fail(task, f"must be one of {list(self.choices)!r}, got {value!r}")
        if self.type == "orders":
            parts = value.strip().split("x")
            try:
                orders = [int(p) for p in parts]
            except ValueError:
                raise self._fail(task, f"must be orders joined by 'x' like '2x4', got {value!r}") \
                    from None
            if any(o < 2 for o in orders):
                raise self._fail(task, f"needs every order >= 2, got {value!r}")
            if self.maximum is not None and math.prod(orders) > self.maximum:
                raise self._fail(
                    task, f"gives a group of order {math.prod(orders)} > {self.maximum}"
                )
            value = "x".join(str(o) for o in orders)
        return value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (for ``bilinear tasks --json``)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "default": self.default,
                               "description": self.description}
        if self.minimum is not None:
            out["min"] = self.minimum
        if self.maximum is not None:
            out["max"] = self.maximum
        if self.choices:
            out["choices"] = list(self.choices)
        return out


def _frozen_mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(f"{what} must be a mapping, got {type(value).__name__}")
    return types.MappingProxyType(dict(value))


@dataclass(frozen=True)
class Task:
    """A catalogue task: name, parameter values, one-line description, automaton, expectations.

    Attributes
    ----------
    name : str
        Catalogue name (or the file stem for a task read from JSON).
    params : mapping
        Parameter values (``int`` or ``str``), all declared parameters present.
    description : str
        One line; names the literature convention followed.
    dfa : DFA
        The automaton (a Moore machine labelling every prefix).
    expected : mapping
        Expectations from the literature / theory.md (keys :data:`EXPECTED_KEYS`).
    path : str or None
        The file the automaton was read from, for tasks given as a JSON path.

    Examples
    --------
    >>> t = get("parity")
    >>> t.name, dict(t.params), t.dfa.output("0110")
    ('parity', {}, [0, 1, 0, 0])
    """

    name: str
    params: Mapping[str, Any]
    description: str
    dfa: DFA
    expected: Mapping[str, Any] = field(default_factory=dict)
    path: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidArgumentError(f"a task name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.description, str):
            raise InvalidArgumentError("a task description must be a string")
        if not isinstance(self.dfa, DFA):
            raise InvalidArgumentError(f"task {self.name!r}: dfa must be a DFA")
        object.__setattr__(self, "params", _frozen_mapping(self.params, "params"))
        expected = {key: None for key in EXPECTED_KEYS}
        expected.update(_frozen_mapping(self.expected, "expected"))
        object.__setattr__(self, "expected", types.MappingProxyType(expected))

    @property
    def spec(self) -> str:
        """The spec that :func:`resolve` turns back into this task (a path for file tasks)."""
        if self.path is not None:
            return self.path
        return format_spec(self.name, self.params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the automaton; use ``task.dfa.to_dict()`` for it)."""
        return {"name": self.name, "spec": self.spec, "params": dict(self.params),
                "description": self.description, "states": self.dfa.n_states,
                "alphabet": [str(a) for a in self.dfa.alphabet],
                "expected": dict(self.expected)}

    def __repr__(self) -> str:
        return f"Task({self.spec!r}, {self.dfa.n_states} states)"

    def __hash__(self) -> int:
        return hash((self.spec, self.dfa))


@dataclass(frozen=True)
class TaskInfo:
    """A catalogue entry: how to build and describe a task from its parameter values."""

    name: str
    summary: str
    parameters: tuple[Parameter, ...]
    build: Callable[[dict[str, Any]], DFA] = field(repr=False)
    expect: Callable[[dict[str, Any]], dict[str, Any]] = field(repr=False)
    describe: Callable[[dict[str, Any]], str] = field(repr=False)
    check: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False)

    @property
    def defaults(self) -> dict[str, Any]:
        """Default parameter values."""
        return {p.name: p.default for p in self.parameters}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description with the expectations at the default parameters."""
        return {"name": self.name, "description": self.summary,
                "parameters": [p.to_dict() for p in self.parameters],
                "default_spec": format_spec(self.name, self.defaults),
                "expected": _expected(self.expect(self.defaults))}


# ================================================================================ helpers
def _expected(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: None for key in EXPECTED_KEYS}
    out.update(values)
    return out


def _numbered(n: int) -> list[str]:
    return [str(i) for i in range(n)]


def _rename(dfa: DFA, names: Callable[[Any], str]) -> DFA:
    """Rename states (e.g. integer points to strings) keeping the table and labels."""
    labels = None if dfa.labels is None else [dfa.labels[q] for q in dfa.states]
    return DFA._from_trusted([names(q) for q in dfa.states], dfa.alphabet, dfa.table,
                             dfa.start_index, labels, dfa.name)


def _group_dfa(gens: dict[str, list[int]], action: str, name: str) -> DFA:
    dfa = from_permutations(gens, action, name=name)
    return _rename(dfa, str) if action == "points" else dfa


def _group_facts(order: int, abelian: bool, solvable: bool | None, states: int) -> dict[str, Any]:
    return {"states": states, "monoid_size": order, "commutative": abelian, "aperiodic":
            order == 1, "group": True, "group_order": order, "abelian": abelian,
            "solvable": solvable}


def _abelian_invariants(orders: list[int]) -> tuple[int, int, int]:
    """(a, b, r) of theory.md 3.3: #Z_2 and #Z_{2^j} (j >= 2) factors, max odd p-rank."""
    a = b = 0
    odd_rank: dict[int, int] = {}
    for o in orders:
        p = 2
        while o > 1:
            if o % p == 0:
                e = 0
                while o % p == 0:
                    o //= p
                    e += 1
                if p == 2:
                    a, b = (a + 1, b) if e == 1 else (a, b + 1)
                else:
                    odd_rank[p] = odd_rank.get(p, 0) + 1
            p += 1
    return a, b, max(odd_rank.values(), default=0)


def _abelian_expectation(orders: list[int]) -> dict[str, Any]:
    """theory.md 3.2/3.3: real diagonal iff exponent <= 2 (dim = rank), else cost(G)."""
    order = math.prod(orders)
    a, b, r = _abelian_invariants(orders)
    facts = _group_facts(order, True, True, order)
    if order == 1:
        return {**facts, "minimal_level": "positive_diagonal", "dim": 1, "dim_enc": 1}
    if b == 0 and r == 0:
        return {**facts, "minimal_level": "real_diagonal", "dim": a, "dim_enc": a,
                "source": "theory.md 3.2 (regular automaton of (Z_2)^k: exactly k)"}
    t = max(r, b)
    cost = max(0, a + b - t) + 2 * t
    return {**facts, "minimal_level": "complex_diagonal", "dim": cost, "dim_enc": cost,
            "source": "theory.md 3.3 (cost(G) of an abelian group automaton)"}


# ================================================================================ the tasks
_ACTION = Parameter("action", "choice", "regular",
                    "'regular': track the group element (prefix products); "
                    "'points': the action on points", choices=("regular", "points"))


def _parity_build(p: dict[str, Any]) -> DFA:
    return DFA(states=["even", "odd"], alphabet=["0", "1"],
               transitions={"even": {"0": "even", "1": "odd"}, "odd": {"0": "odd", "1": "even"}},
               start="even", labels={"even": 0, "odd": 1}, name="parity")


def _parity_expect(p: dict[str, Any]) -> dict[str, Any]:
    return {**_group_facts(2, True, True, 2), "minimal_level": "real_diagonal", "dim": 1,
            "dim_enc": 1, "source": "theory.md 3.11 (parity Z2)"}


def _modadd_build(p: dict[str, Any]) -> DFA:
    m = p["m"]
    states = _numbered(m)
    table = (np.arange(m)[:, None] + np.arange(m)[None, :]) % m
    return DFA._from_trusted(states, states, table, 0, None, f"modular_addition:m={m}")


def _cyclic_expect(n: int, states: int) -> dict[str, Any]:
    facts = _group_facts(n, True, True, states)
    if n == 2:
        return {**facts, "minimal_level": "real_diagonal", "dim": 1, "dim_enc": 1,
                "source": "theory.md 3.11 (parity Z2)"}
    return {**facts, "minimal_level": "complex_diagonal", "dim": 2, "dim_enc": 2,
            "source": "theory.md 3.11 (Z_n counter, n >= 3)"}


def _modarith_symbols(m: int) -> list[str]:
    return [f"{op}{d}" for op in "+-*" for d in range(m)]


def _modarith_build(p: dict[str, Any]) -> DFA:
    m = p["m"]
    symbols = _modarith_symbols(m)
    x = np.arange(m)[:, None]
    d = np.arange(m)[None, :]
    table = np.concatenate([(x + d) % m, (x - d) % m, (x * d) % m], axis=1)
    return DFA._from_trusted(_numbered(m), symbols, table, 0, None, f"modular_arithmetic:m={m}")


def _modarith_expect(p: dict[str, Any]) -> dict[str, Any]:
    m = p["m"]
    return {"states": m, "monoid_size": m * m, "commutative": False, "aperiodic": False,
            "group": False, "source": "affine maps x -> a x + b mod m (all a, b), by hand"}


def _random_fsm_build(p: dict[str, Any]) -> DFA:
    n, k, seed = p["states"], p["symbols"], p["seed"]
    rng = np.random.default_rng(seed)
    table = np.full((n, k), -1, dtype=np.int64)
    # a random spanning tree from state 0 makes every state reachable
    free = [(0, a) for a in range(k)]  # (state, symbol) slots not yet used by the tree
    for child in range(1, n):
        i = int(rng.integers(len(free)))
        parent, symbol = free[i]
        free[i] = free[-1]
        free.pop()
        table[parent, symbol] = child
        free.extend((child, a) for a in range(k))
    holes = table < 0
    table[holes] = rng.integers(0, n, size=int(holes.sum()))
    return DFA._from_trusted(_numbered(n), _numbered(k), table, 0, None,
                             f"random_fsm:states={n},symbols={k},seed={seed}")


def _random_fsm_expect(p: dict[str, Any]) -> dict[str, Any]:
    return {"states": p["states"], "source": "identity labelling: every state is its own class"}


def _cyclic_build(p: dict[str, Any]) -> DFA:
    n = p["n"]
    return _group_dfa({"1": [(i + 1) % n for i in range(n)]}, p["action"],
                      format_spec("cyclic", p))


def _abelian_gens(orders: list[int]) -> dict[str, list[int]]:
    degree = sum(orders)
    gens = {}
    offset = 0
    for i, o in enumerate(orders):
        perm = list(range(degree))
        for j in range(o):
            perm[offset + j] = offset + (j + 1) % o
        gens[str(i)] = perm
        offset += o
    return gens


def _orders(p: dict[str, Any]) -> list[int]:
    return [int(o) for o in p["orders"].split("x")]


def _dihedral_gens(n: int) -> dict[str, list[int]]:
    return {"0": [(-i) % n for i in range(n)], "1": [(i + 1) % n for i in range(n)]}


def _dihedral_expect(p: dict[str, Any]) -> dict[str, Any]:
    n = p["n"]
    states = 2 * n if p["action"] == "regular" else n
    return {**_group_facts(2 * n, False, True, states), "minimal_level": "block",
            "block_size": 2, "dim": 2, "dim_enc": 2,
            "source": "theory.md 4.3 (f_R(D_n) = 2) and 6.7"}


def _symmetric_gens(n: int) -> dict[str, list[int]]:
    swap = list(range(n))
    swap[0], swap[1] = 1, 0
    return {"0": list(range(n)), "1": [(i + 1) % n for i in range(n)], "2": swap}


def _symmetric_expect(p: dict[str, Any]) -> dict[str, Any]:
    n = p["n"]
    order = math.factorial(n)
    states = order if p["action"] == "regular" else n
    facts = _group_facts(order, n <= 2, n <= 4, states)
    if n == 2:
        return {**facts, "minimal_level": "real_diagonal", "dim": 1, "dim_enc": 1,
                "source": "S_2 = Z_2 (theory.md 3.11, parity)"}
    if n == 3:
        return {**facts, "minimal_level": "block", "block_size": 2, "dim": 2, "dim_enc": 2,
                "source": "theory.md 3.11 (S3 regular / on 3 points)"}
    return {**facts, "minimal_level": "full", "dim": n - 1, "dim_enc": n - 1,
            "source": "theory.md 3.11 and 4.3 (f(S_n) = n-1)"}


def _alternating_gens(n: int) -> dict[str, list[int]]:
    gens = {"0": list(range(n))}
    for x in range(2, n):
        perm = list(range(n))
        perm[0], perm[1], perm[x] = 1, x, 0  # the 3-cycle (0 1 x)
        gens[str(x - 1)] = perm
    return gens


def _alternating_expect(p: dict[str, Any]) -> dict[str, Any]:
    n, regular = p["n"], p["action"] == "regular"
    order = math.factorial(n) // 2
    facts = _group_facts(order, n <= 3, n <= 4, order if regular else n)
    if n == 3:
        return {**facts, "minimal_level": "complex_diagonal", "dim": 2, "dim_enc": 2,
                "source": "A_3 = Z_3 (theory.md 3.11, Z_n counter)"}
    if n == 4:
        return {**facts, "minimal_level": "full", "dim": 3, "dim_enc": 3,
                "source": "theory.md 3.11 (A4)"}
    if n == 5:
        return {**facts, "minimal_level": "full", "dim": 3, "dim_enc": 3 if regular else 4,
                "source": "theory.md 3.11 (A5 regular / on 5 points)"}
    return {**facts, "minimal_level": "full", "dim_enc": 5 if (n == 6 and regular) else None,
            "source": "theory.md 3.4 (non-solvable: not block(2)); 4.3 (f(A6) = 5)"}


_QUATERNION_UNITS = ("1", "i", "j", "k")
_QUATERNION_TABLE = {  # unit x unit -> (sign, unit)
    ("1", "1"): (1, "1"), ("1", "i"): (1, "i"), ("1", "j"): (1, "j"), ("1", "k"): (1, "k"),
    ("i", "1"): (1, "i"), ("i", "i"): (-1, "1"), ("i", "j"): (1, "k"), ("i", "k"): (-1, "j"),
    ("j", "1"): (1, "j"), ("j", "i"): (-1, "k"), ("j", "j"): (-1, "1"), ("j", "k"): (1, "i"),
    ("k", "1"): (1, "k"), ("k", "i"): (1, "j"), ("k", "j"): (-1, "i"), ("k", "k"): (-1, "1"),
}


def _quaternion_step(q: str, a: str) -> str:
    sign = -1 if q.startswith("-") else 1
    s, unit = _QUATERNION_TABLE[(q.lstrip("-"), a)]
    return unit if sign * s == 1 else "-" + unit


def _quaternion_build(p: dict[str, Any]) -> DFA:
    return from_function("1", _QUATERNION_UNITS, _quaternion_step, name="quaternion")


def _quaternion_expect(p: dict[str, Any]) -> dict[str, Any]:
    return {**_group_facts(8, False, True, 8), "minimal_level": "block", "block_size": 2,
            "dim": 4, "dim_enc": 4, "source": "theory.md 3.11 (Q8 regular) and 6.9"}


def _flip_flop_build(p: dict[str, Any]) -> DFA:
    n = p["n"]
    table = np.empty((n, n + 1), dtype=np.int64)
    table[:, 0] = np.arange(n)
    table[:, 1:] = np.arange(n)[None, :]
    return DFA._from_trusted(_numbered(n), _numbered(n + 1), table, 0, None,
                             f"flip_flop:n={n}")


def _flip_flop_expect(p: dict[str, Any]) -> dict[str, Any]:
    n = p["n"]
    base = {"states": n, "monoid_size": n + 1, "commutative": False, "aperiodic": True,
            "group": False}
    if n == 2:
        return {**base, "minimal_level": "block", "block_size": 2, "dim": 2, "dim_enc": 2,
                "source": "theory.md 3.11 (flip-flop U2) and 6.11"}
    return {**base, "source": "U_n: identity and n resets (by hand)"}


def _gridworld_build(p: dict[str, Any]) -> DFA:
    n = p["n"]
    table = np.stack([np.maximum(np.arange(n) - 1, 0), np.minimum(np.arange(n) + 1, n - 1)],
                     axis=1)
    return DFA._from_trusted(_numbered(n), ["0", "1"], table, 0, None, f"gridworld:n={n}")


def _gridworld_expect(p: dict[str, Any]) -> dict[str, Any]:
    n = p["n"]
    base = {"states": n, "commutative": False, "aperiodic": True, "group": False,
            "source": "clamped counter: aperiodic, not commutative (by hand)"}
    if n == 2:
        return {**base, "monoid_size": 3, "minimal_level": "block", "block_size": 2, "dim": 2,
                "dim_enc": 2, "source": "n = 2 is the flip-flop U2 (theory.md 3.11)"}
    return base


def _threshold_build(p: dict[str, Any]) -> DFA:
    k = p["k"]
    count = np.arange(k + 1)
    table = np.stack([np.minimum(count + 1, k), count], axis=1)
    return DFA._from_trusted(_numbered(k + 1), ["a", "b"], table, 0,
                             [bool(c >= k) for c in count], f"threshold:k={k}")


def _threshold_expect(p: dict[str, Any]) -> dict[str, Any]:
    k = p["k"]
    base = {"states": k + 1, "monoid_size": k + 1, "commutative": True, "aperiodic": True,
            "group": k == 0}
    if k == 1:
        return {**base, "minimal_level": "positive_diagonal", "dim": 1,
                "source": "theory.md 3.11 (seen-a, J1)"}
    if k == 2:
        return {**base, "minimal_level": "block", "block_size": 2, "dim": 2, "dim_enc": 2,
                "source": "theory.md 3.11 (|w|_a >= k: block(2) Fin only if k <= 2)"}
    return {**base, "minimal_level": "full", "dim": k, "dim_enc": k,
            "source": "theory.md 3.11 and 3.4 (index k needs a k x k nilpotent Jordan block)"}


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _first_symbol_build(p: dict[str, Any]) -> DFA:
    k = p["symbols"]
    letters = list(_LETTERS[:k])
    return from_function("start", letters, lambda q, a: a if q == "start" else q,
                         name=format_spec("first_symbol", p))


def _first_symbol_expect(p: dict[str, Any]) -> dict[str, Any]:
    k = p["symbols"]
    return {"states": k + 1, "monoid_size": k + 1, "commutative": k == 1, "aperiodic": True,
            "group": False, "source": "identity plus k constant-after-first-letter maps (by hand)"}


def _regex_build(p: dict[str, Any]) -> DFA:
    alphabet = list(p["alphabet"]) if p["alphabet"] else None
    return from_regex(p["pattern"], alphabet=alphabet)


def _with_name(dfa: DFA, name: str) -> DFA:
    labels = None if dfa.labels is None else [dfa.labels[q] for q in dfa.states]
    return DFA._from_trusted(dfa.states, dfa.alphabet, dfa.table, dfa.start_index, labels, name)


def _regex_check(p: dict[str, Any]) -> None:
    if len(set(p["alphabet"])) != len(p["alphabet"]):
        raise TaskParameterError(
            f"parameter 'alphabet' of task 'regex' repeats a character: {p['alphabet']!r}"
        )


def _sym_cap(p: dict[str, Any]) -> None:
    if p["action"] == "regular" and p["n"] > 7:
        raise TaskParameterError(
            f"parameter 'n' of task 'symmetric' must be <= 7 with action='regular' (S_{p['n']} "
            f"has {math.factorial(p['n'])} elements); use action='points' or a smaller n"
        )


def _alt_cap(p: dict[str, Any]) -> None:
    if p["action"] == "regular" and p["n"] > 7:
        raise TaskParameterError(
            f"parameter 'n' of task 'alternating' must be <= 7 with action='regular' "
            f"(A_{p['n']} has {math.factorial(p['n']) // 2} elements); use action='points' or a "
            "smaller n"
        )


_CATALOGUE: dict[str, TaskInfo] = {}


def _register(info_: TaskInfo) -> None:
    _CATALOGUE[info_.name] = info_


_register(TaskInfo(
    "parity", "parity of the number of 1s, label after every symbol", (),
    _parity_build, _parity_expect,
    lambda p: "parity of the number of 1s after every prefix (Liu et al. parity: x in {0,1}, "
              "label = cumsum(x) mod 2)"))
_register(TaskInfo(
    "modular_addition", "running sum of symbols 0..m-1 modulo m",
    (Parameter("m", "int", 5, "modulus", minimum=2, maximum=1000),),
    _modadd_build, lambda p: _cyclic_expect(p["m"], p["m"]),
    lambda p: f"running sum mod {p['m']} of symbols 0..{p['m'] - 1}, label after every symbol "
              "(Liu et al. cyclic with all m actions; the state is the sum)"))
_register(TaskInfo(
    "modular_arithmetic", "value mod m under operations +d, -d, *d applied left to right from 0",
    (Parameter("m", "int", 5, "modulus", minimum=2, maximum=100),),
    _modarith_build, _modarith_expect,
    lambda p: f"value mod {p['m']} starting at 0; symbols '+d', '-d', '*d' (d = 0..{p['m'] - 1}) "
              "are applied left to right without precedence (Deletang et al. modular arithmetic "
              "without brackets, per-prefix labels)"))
_register(TaskInfo(
    "random_fsm", "random complete automaton, every state reachable, label = state",
    (Parameter("states", "int", 5, "number of states", minimum=1, maximum=100_000),
     Parameter("symbols", "int", 3, "number of symbols", minimum=1, maximum=1000),
     Parameter("seed", "int", 1, "seed of numpy.random.default_rng", minimum=0)),
    _random_fsm_build, _random_fsm_expect,
    lambda p: f"random automaton with {p['states']} states and {p['symbols']} symbols "
              f"(numpy default_rng({p['seed']}): a random spanning tree from state 0, other "
              "transitions uniform), label = state"))
_register(TaskInfo(
    "cyclic", "the cyclic group Z_n, one generator '1' (shift by one)",
    (Parameter("n", "int", 6, "group order", minimum=2, maximum=500), _ACTION),
    _cyclic_build,
    lambda p: _cyclic_expect(p["n"], p["n"]),
    lambda p: f"word problem of Z_{p['n']} with the single generator '1' = shift by one "
              f"({p['action']} action; Liu et al. cyclic with the identity action dropped)"))
_register(TaskInfo(
    "abelian", "the abelian group Z_o1 x Z_o2 x ..., symbol i increments factor i",
    (Parameter("orders", "orders", "2x4", "cyclic factor orders joined by 'x'", maximum=2000),),
    lambda p: _group_dfa(_abelian_gens(_orders(p)), "regular", format_spec("abelian", p)),
    lambda p: _abelian_expectation(_orders(p)),
    lambda p: f"word problem of {' x '.join('Z_' + o for o in p['orders'].split('x'))}, symbol "
              "i adds 1 to factor i (IBM SD-SSM C2 x C4 convention: '0' toggles, '1' moves +1); "
              "regular action only (a faithful transitive abelian action is regular)"))
_register(TaskInfo(
    "dihedral", "the dihedral group D_n: '0' toggles the direction, '1' drives one step",
    (Parameter("n", "int", 4, "number of vertices (group order 2n)", minimum=3, maximum=500),
     _ACTION),
    lambda p: _group_dfa(_dihedral_gens(p["n"]), p["action"], format_spec("dihedral", p)),
    _dihedral_expect,
    lambda p: f"word problem of D_{p['n']} (order {2 * p['n']}): '0' = reflection i -> -i "
              "(toggle direction), '1' = rotation i -> i+1 (drive); Liu et al. / IBM convention, "
              f"{p['action']} action"))
_register(TaskInfo(
    "symmetric", "the symmetric group S_n: identity, n-cycle shift, swap of the first two",
    (Parameter("n", "int", 3, "number of points", minimum=2, maximum=50), _ACTION),
    lambda p: _group_dfa(_symmetric_gens(p["n"]), p["action"], format_spec("symmetric", p)),
    _symmetric_expect,
    lambda p: f"word problem of S_{p['n']}: '0' = identity, '1' = the n-cycle i -> i+1, '2' = "
              f"swap (0 1) (Liu et al. symmetric with 3 actions), {p['action']} action",
    _sym_cap))
_register(TaskInfo(
    "alternating", "the alternating group A_n generated by the 3-cycles (0 1 x)",
    (Parameter("n", "int", 5, "number of points", minimum=3, maximum=50), _ACTION),
    lambda p: _group_dfa(_alternating_gens(p["n"]), p["action"], format_spec("alternating", p)),
    _alternating_expect,
    lambda p: f"word problem of A_{p['n']}: '0' = identity, 'x-1' = the 3-cycle (0 1 x) for x = "
              f"2..{p['n'] - 1} (Liu et al. alternating), {p['action']} action",
    _alt_cap))
_register(TaskInfo(
    "quaternion", "the quaternion group Q8, right multiplication by 1, i, j, k", (),
    _quaternion_build, _quaternion_expect,
    lambda p: "word problem of Q8: states +-1, +-i, +-j, +-k from 1, right multiplication by "
              "the symbol (Liu et al. quaternion); regular action only"))
_register(TaskInfo(
    "flip_flop", "n-valued flip-flop: '0' reads, 'i' writes value i-1",
    (Parameter("n", "int", 2, "number of values", minimum=2, maximum=1000),),
    _flip_flop_build, _flip_flop_expect,
    lambda p: f"{p['n']}-valued flip-flop from 0: '0' = read (no-op), 'i' = write value i-1 "
              f"for i = 1..{p['n']}, label = last value written (Liu et al. flipflop)"))
_register(TaskInfo(
    "gridworld", "position on a line of n cells: '0' moves left, '1' right, clamped",
    (Parameter("n", "int", 4, "number of cells", minimum=2, maximum=100_000),),
    _gridworld_build, _gridworld_expect,
    lambda p: f"position in 0..{p['n'] - 1} from 0: '0' = -1, '1' = +1, clamped at the ends, "
              "label = position (Liu et al. gridworld, state labels)"))
_register(TaskInfo(
    "threshold", "whether at least k a's have been read (alphabet a, b)",
    (Parameter("k", "int", 2, "threshold", minimum=1, maximum=100_000),),
    _threshold_build, _threshold_expect,
    lambda p: f"label True once at least {p['k']} a's have been read (alphabet a, b; the state "
              "is the count capped at k)"))
_register(TaskInfo(
    "first_symbol", "the first symbol read (label = that symbol)",
    (Parameter("symbols", "int", 2, "alphabet size (letters a, b, ...)", minimum=1,
               maximum=26),),
    _first_symbol_build, _first_symbol_expect,
    lambda p: f"label = the first symbol of the word, alphabet {_LETTERS[:p['symbols']]!r} "
              "(states 'start' and one per letter)"))
_register(TaskInfo(
    "regex", "acceptance of a regular expression, label True/False after every prefix",
    (Parameter("pattern", "str", "(a|b)*abb", "regular expression (bilinear.automata.regex)"),
     Parameter("alphabet", "str", "", "the symbols as one string of characters; empty: "
               "the literals of the pattern")),
    _regex_build, lambda p: {"source": "minimal DFA of the pattern"},
    lambda p: f"whether the prefix read so far matches {p['pattern']!r} "
              f"(full match; alphabet {p['alphabet'] or 'from the pattern'})",
    _regex_check))


# ================================================================================ public API
def names() -> list[str]:
    """Names of the catalogue tasks, in catalogue order.

    Examples
    --------
    >>> names()[:3]
    ['parity', 'modular_addition', 'modular_arithmetic']
    """
    return list(_CATALOGUE)


def info(name: str) -> TaskInfo:
    """The catalogue entry of a task name; :class:`UnknownTaskError` lists the names.

    Examples
    --------
    >>> entry = info("random_fsm")
    >>> [p.name for p in entry.parameters], entry.defaults["seed"]
    (['states', 'symbols', 'seed'], 1)
    """
    if not isinstance(name, str) or name not in _CATALOGUE:
        raise UnknownTaskError(f"unknown task {name!r}; the tasks are {', '.join(_CATALOGUE)}")
    return _CATALOGUE[name]


def _convert(entry: TaskInfo, params: Mapping[str, Any]) -> dict[str, Any]:
    declared = {p.name: p for p in entry.parameters}
    for key in params:
        if key not in declared:
            raise TaskParameterError(
                f"unknown parameter {key!r} of task {entry.name!r}; "
                + (f"its parameters are {list(declared)!r}" if declared
                   else "it takes no parameters")
            )
    values = {}
    for p in entry.parameters:
        values[p.name] = p.convert(params[p.name], entry.name) if p.name in params else p.default
    if entry.check is not None:
        entry.check(values)
    return values


def get(name: str, **params: Any) -> Task:
    """Build a catalogue task with the given parameters (the rest take their defaults).

    Parameters
    ----------
    name : str
        A name from :func:`names`.
    **params
        Parameter values (Python values or strings, converted by the declared type).

    Returns
    -------
    Task

    Raises
    ------
    UnknownTaskError
        ``name`` is not in the catalogue (the message lists the names).
    TaskParameterError
        An unknown parameter, or a value of the wrong type or out of range (named).

    Examples
    --------
    >>> t = get("modular_arithmetic", m=5)
    >>> t.dfa.run(["+3", "*2", "-4"])
    '2'
    >>> get("symmetric", n=4, action="points").dfa.n_states
    4
    >>> get("parityy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownTaskError: unknown task 'parityy'; the tasks are parity, ...
    """
    entry = info(name)
    values = _convert(entry, params)
    dfa = entry.build(values)
    spec = format_spec(entry.name, values)
    if dfa.name != spec:
        dfa = _with_name(dfa, spec)
    return Task(name=entry.name, params=values, description=entry.describe(values),
                dfa=dfa, expected=_expected(entry.expect(values)))


def format_spec(name: str, params: Mapping[str, Any]) -> str:
    """The spec string ``NAME:key=value,...`` (``NAME`` alone without parameters).

    Examples
    --------
    >>> format_spec("random_fsm", {"states": 5, "symbols": 3, "seed": 1})
    'random_fsm:states=5,symbols=3,seed=1'
    """
    if not params:
        return name
    return name + ":" + ",".join(f"{k}={v}" for k, v in params.items())


def _is_key_segment(segment: str) -> bool:
    key, eq, _ = segment.partition("=")
    return bool(eq) and key.strip().isidentifier()


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``NAME:key=value,key=value`` into the name and the (string) parameter values.

    A comma that is not followed by ``key=`` belongs to the value before it, so a regular
    expression may contain commas (``regex:pattern=[a,b]*``).

    Examples
    --------
    >>> parse_spec("random_fsm:states=10,symbols=3")
    ('random_fsm', {'states': '10', 'symbols': '3'})
    >>> parse_spec("regex:pattern=(a|b,c)*,alphabet=abc,")
    ('regex', {'pattern': '(a|b,c)*', 'alphabet': 'abc,'})
    """
    if not isinstance(spec, str):
        raise InvalidArgumentError(f"a task spec must be a string, got {spec!r}")
    name, _, body = spec.strip().partition(":")
    name = name.strip()
    if not name:
        raise UnknownTaskError(f"empty task name in spec {spec!r}; the tasks are "
                               f"{', '.join(_CATALOGUE)}")
    params: dict[str, str] = {}
    if not body:
        return name, params
    segments = body.split(",")
    if not _is_key_segment(segments[0]):
        raise TaskParameterError(
            f"bad parameter {segments[0]!r} in task spec {spec!r}; expected key=value"
        )
    last = ""
    for segment in segments:
        if _is_key_segment(segment):
            key, _, value = segment.partition("=")
            key = key.strip()
            if key in params:
                raise TaskParameterError(f"parameter {key!r} given twice in task spec {spec!r}")
            params[key] = value
            last = key
        else:
            params[last] += "," + segment
    return name, params


def _looks_like_path(spec: str) -> bool:
    """A spec is a file when it exists, ends in ``.json``, or its name part is no identifier."""
    if os.path.isfile(spec) or spec.endswith(".json"):
        return True
    name = spec.partition(":")[0].strip()
    return bool(name) and not name.isidentifier()


def resolve(spec: str) -> Task:
    """A task from a spec ``NAME`` / ``NAME:key=value,...`` or a path to automaton JSON.

    A JSON file gives a task named after the file (its stem), with no parameters and no
    expectations.

    Raises
    ------
    UnknownTaskError, TaskParameterError
        As :func:`get`.
    AutomatonFormatError
        The file cannot be read or is not valid automaton JSON.

    Examples
    --------
    >>> resolve("cyclic:n=3,action=points").dfa.states
    ('0', '1', '2')
    >>> resolve("cyclic:n=x")
    Traceback (most recent call last):
    ...
    bilinear.errors.TaskParameterError: parameter 'n' of task 'cyclic' must be an integer, got 'x'
    """
    if not isinstance(spec, str):
        raise InvalidArgumentError(f"a task spec must be a string, got {spec!r}")
    spec = spec.strip()
    if _looks_like_path(spec):
        dfa = load_dfa(spec)
        return Task(name=Path(spec).stem or "automaton", params={},
                    description=f"automaton read from {spec}", dfa=dfa,
                    expected={"states": None, "source": spec}, path=spec)
    name, params = parse_spec(spec)
    return get(name, **params)


def describe() -> list[dict[str, Any]]:
    """The catalogue as JSON-ready dictionaries (name, description, parameters, expectations).

    Examples
    --------
    >>> entry = describe()[1]
    >>> entry["name"], entry["parameters"][0]["name"], entry["expected"]["minimal_level"]
    ('modular_addition', 'm', 'complex_diagonal')
    """
    return [entry.to_dict() for entry in _CATALOGUE.values()]
