"""Catalogue tasks whose letters permute the states: word problems of groups.

Parity, modular addition, cyclic, abelian, dihedral, symmetric, alternating and quaternion
groups.  Each entry is a :class:`~bilinear.automata._taskspec.TaskInfo`; they are registered, in
catalogue order, by :mod:`bilinear.automata.tasks`.

Examples
--------
>>> CYCLIC.name, [p.name for p in CYCLIC.parameters]
('cyclic', ['n', 'action'])
>>> _abelian_invariants([2, 4, 3])
(1, 1, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from bilinear.automata._taskspec import Parameter, TaskInfo, format_spec, numbered
from bilinear.automata.builders import from_function, from_permutations
from bilinear.automata.dfa import DFA
from bilinear.errors import TaskParameterError

__all__ = ["PARITY", "MODULAR_ADDITION", "CYCLIC", "ABELIAN", "DIHEDRAL", "SYMMETRIC",
           "ALTERNATING", "QUATERNION"]


# ================================================================================ helpers
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
    """(a, b, r) of docs/explanation/levels.md#cdiag: #Z_2 and #Z_{2^j} (j >= 2) factors, max odd
    p-rank."""
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
    """docs/explanation/levels.md#rdiag, #cdiag: real diagonal iff exponent <= 2 (dim = rank), else
    cost(G)."""
    order = math.prod(orders)
    a, b, r = _abelian_invariants(orders)
    facts = _group_facts(order, True, True, order)
    if order == 1:
        return {**facts, "minimal_level": "positive_diagonal", "dim": 1, "dim_enc": 1}
    if b == 0 and r == 0:
        return {**facts, "minimal_level": "real_diagonal", "dim": a, "dim_enc": a,
                "source": "docs/explanation/levels.md#rdiag (regular automaton of (Z_2)^k: exactly "
                          "k)"}
    t = max(r, b)
    cost = max(0, a + b - t) + 2 * t
    return {**facts, "minimal_level": "complex_diagonal", "dim": cost, "dim_enc": cost,
            "source": "docs/explanation/levels.md#abelian-cost (cost(G) of an abelian group "
                      "automaton)"}


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
            "dim_enc": 1, "source": "docs/explanation/levels.md#examples (parity Z2)"}


def _modadd_build(p: dict[str, Any]) -> DFA:
    m = p["m"]
    states = numbered(m)
    table = (np.arange(m)[:, None] + np.arange(m)[None, :]) % m
    return DFA._from_trusted(states, states, table, 0, None, f"modular_addition:m={m}")


def _cyclic_expect(n: int, states: int) -> dict[str, Any]:
    facts = _group_facts(n, True, True, states)
    if n == 2:
        return {**facts, "minimal_level": "real_diagonal", "dim": 1, "dim_enc": 1,
                "source": "docs/explanation/levels.md#examples (parity Z2)"}
    return {**facts, "minimal_level": "complex_diagonal", "dim": 2, "dim_enc": 2,
            "source": "docs/explanation/levels.md#examples (Z_n counter, n >= 3)"}


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
            "source": "docs/explanation/bounds.md#faithful-degrees (f_R(D_n) = 2) and "
                      "docs/explanation/constructions.md#dihedral"}


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
                "source": "S_2 = Z_2 (docs/explanation/levels.md#examples, parity)"}
    if n == 3:
        return {**facts, "minimal_level": "block", "block_size": 2, "dim": 2, "dim_enc": 2,
                "source": "docs/explanation/levels.md#examples (S3 regular / on 3 points)"}
    return {**facts, "minimal_level": "full", "dim": n - 1, "dim_enc": n - 1,
            "source": "docs/explanation/levels.md#examples and "
                      "docs/explanation/bounds.md#faithful-degrees (f(S_n) = n-1)"}


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
                "source": "A_3 = Z_3 (docs/explanation/levels.md#examples, Z_n counter)"}
    if n == 4:
        return {**facts, "minimal_level": "full", "dim": 3, "dim_enc": 3,
                "source": "docs/explanation/levels.md#examples (A4)"}
    if n == 5:
        return {**facts, "minimal_level": "full", "dim": 3, "dim_enc": 3 if regular else 4,
                "source": "docs/explanation/levels.md#examples (A5 regular / on 5 points)"}
    return {**facts, "minimal_level": "full", "dim_enc": 5 if (n == 6 and regular) else None,
            "source": "docs/explanation/levels.md#block (non-solvable: not block(2)); "
                      "docs/explanation/bounds.md#faithful-degrees (f(A6) = 5)"}


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
            "dim": 4, "dim_enc": 4, "source": "docs/explanation/levels.md#examples (Q8 regular) "
                                              "and docs/explanation/constructions.md#quaternion"}


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


# ================================================================================ the entries
PARITY = TaskInfo(
    "parity", "parity of the number of 1s, label after every symbol", (),
    _parity_build, _parity_expect,
    lambda p: "parity of the number of 1s after every prefix (Liu et al. parity: x in {0,1}, "
              "label = cumsum(x) mod 2)")


MODULAR_ADDITION = TaskInfo(
    "modular_addition", "running sum of symbols 0..m-1 modulo m",
    (Parameter("m", "int", 5, "modulus", minimum=2, maximum=1000),),
    _modadd_build, lambda p: _cyclic_expect(p["m"], p["m"]),
    lambda p: f"running sum mod {p['m']} of symbols 0..{p['m'] - 1}, label after every symbol "
              "(Liu et al. cyclic with all m actions; the state is the sum)")


CYCLIC = TaskInfo(
    "cyclic", "the cyclic group Z_n, one generator '1' (shift by one)",
    (Parameter("n", "int", 6, "group order", minimum=2, maximum=500), _ACTION),
    _cyclic_build,
    lambda p: _cyclic_expect(p["n"], p["n"]),
    lambda p: f"word problem of Z_{p['n']} with the single generator '1' = shift by one "
              f"({p['action']} action; Liu et al. cyclic with the identity action dropped)")


ABELIAN = TaskInfo(
    "abelian", "the abelian group Z_o1 x Z_o2 x ..., symbol i increments factor i",
    (Parameter("orders", "orders", "2x4", "cyclic factor orders joined by 'x'", maximum=2000),),
    lambda p: _group_dfa(_abelian_gens(_orders(p)), "regular", format_spec("abelian", p)),
    lambda p: _abelian_expectation(_orders(p)),
    lambda p: f"word problem of {' x '.join('Z_' + o for o in p['orders'].split('x'))}, symbol "
              "i adds 1 to factor i (IBM SD-SSM C2 x C4 convention: '0' toggles, '1' moves +1); "
              "regular action only (a faithful transitive abelian action is regular)")


DIHEDRAL = TaskInfo(
    "dihedral", "the dihedral group D_n: '0' toggles the direction, '1' drives one step",
    (Parameter("n", "int", 4, "number of vertices (group order 2n)", minimum=3, maximum=500),
     _ACTION),
    lambda p: _group_dfa(_dihedral_gens(p["n"]), p["action"], format_spec("dihedral", p)),
    _dihedral_expect,
    lambda p: f"word problem of D_{p['n']} (order {2 * p['n']}): '0' = reflection i -> -i "
              "(toggle direction), '1' = rotation i -> i+1 (drive); Liu et al. / IBM convention, "
              f"{p['action']} action")


SYMMETRIC = TaskInfo(
    "symmetric", "the symmetric group S_n: identity, n-cycle shift, swap of the first two",
    (Parameter("n", "int", 3, "number of points", minimum=2, maximum=50), _ACTION),
    lambda p: _group_dfa(_symmetric_gens(p["n"]), p["action"], format_spec("symmetric", p)),
    _symmetric_expect,
    lambda p: f"word problem of S_{p['n']}: '0' = identity, '1' = the n-cycle i -> i+1, '2' = "
              f"swap (0 1) (Liu et al. symmetric with 3 actions), {p['action']} action",
    _sym_cap)


ALTERNATING = TaskInfo(
    "alternating", "the alternating group A_n generated by the 3-cycles (0 1 x)",
    (Parameter("n", "int", 5, "number of points", minimum=3, maximum=50), _ACTION),
    lambda p: _group_dfa(_alternating_gens(p["n"]), p["action"], format_spec("alternating", p)),
    _alternating_expect,
    lambda p: f"word problem of A_{p['n']}: '0' = identity, 'x-1' = the 3-cycle (0 1 x) for x = "
              f"2..{p['n'] - 1} (Liu et al. alternating), {p['action']} action",
    _alt_cap)


QUATERNION = TaskInfo(
    "quaternion", "the quaternion group Q8, right multiplication by 1, i, j, k", (),
    _quaternion_build, _quaternion_expect,
    lambda p: "word problem of Q8: states +-1, +-i, +-j, +-k from 1, right multiplication by "
              "the symbol (Liu et al. quaternion); regular action only")
