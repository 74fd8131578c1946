"""Catalogue tasks beyond groups: affine arithmetic, random automata, resets, counters, regexes.

Modular arithmetic, random automata, flip-flops, gridworlds (clamped counters), thresholds, the
first symbol and regular expressions.  Each entry is a
:class:`~bilinear.automata._taskspec.TaskInfo`; they are registered, in catalogue order, by
:mod:`bilinear.automata.tasks`.

Examples
--------
>>> THRESHOLD.name, THRESHOLD.defaults
('threshold', {'k': 2})
>>> _modarith_symbols(2)
['+0', '+1', '-0', '-1', '*0', '*1']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bilinear.automata._taskspec import Parameter, TaskInfo, format_spec, numbered
from bilinear.automata.builders import from_function
from bilinear.automata.dfa import DFA
from bilinear.automata.regex import from_regex
from bilinear.errors import TaskParameterError

__all__ = ["MODULAR_ARITHMETIC", "RANDOM_FSM", "FLIP_FLOP", "GRIDWORLD", "THRESHOLD",
           "FIRST_SYMBOL", "REGEX"]


# ================================================================================ the tasks
def _modarith_symbols(m: int) -> list[str]:
    return [f"{op}{d}" for op in "+-*" for d in range(m)]


def _modarith_build(p: dict[str, Any]) -> DFA:
    m = p["m"]
    symbols = _modarith_symbols(m)
    x = np.arange(m)[:, None]
    d = np.arange(m)[None, :]
    table = np.concatenate([(x + d) % m, (x - d) % m, (x * d) % m], axis=1)
    return DFA._from_trusted(numbered(m), symbols, table, 0, None, f"modular_arithmetic:m={m}")


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
    return DFA._from_trusted(numbered(n), numbered(k), table, 0, None,
                             f"random_fsm:states={n},symbols={k},seed={seed}")


def _random_fsm_expect(p: dict[str, Any]) -> dict[str, Any]:
    return {"states": p["states"], "source": "identity labelling: every state is its own class"}


def _flip_flop_build(p: dict[str, Any]) -> DFA:
    n = p["n"]
    table = np.empty((n, n + 1), dtype=np.int64)
    table[:, 0] = np.arange(n)
    table[:, 1:] = np.arange(n)[None, :]
    return DFA._from_trusted(numbered(n), numbered(n + 1), table, 0, None,
                             f"flip_flop:n={n}")


def _flip_flop_expect(p: dict[str, Any]) -> dict[str, Any]:
    n = p["n"]
    base = {"states": n, "monoid_size": n + 1, "commutative": False, "aperiodic": True,
            "group": False}
    if n == 2:
        return {**base, "minimal_level": "block", "block_size": 2, "dim": 2, "dim_enc": 2,
                "source": "docs/explanation/levels.md#examples (flip-flop U2) and "
                          "docs/explanation/constructions.md#resets"}
    return {**base, "source": "U_n: identity and n resets (by hand)"}


def _gridworld_build(p: dict[str, Any]) -> DFA:
    n = p["n"]
    table = np.stack([np.maximum(np.arange(n) - 1, 0), np.minimum(np.arange(n) + 1, n - 1)],
                     axis=1)
    return DFA._from_trusted(numbered(n), ["0", "1"], table, 0, None, f"gridworld:n={n}")


def _gridworld_expect(p: dict[str, Any]) -> dict[str, Any]:
    n = p["n"]
    base = {"states": n, "commutative": False, "aperiodic": True, "group": False,
            "source": "clamped counter: aperiodic, not commutative (by hand)"}
    if n == 2:
        return {**base, "monoid_size": 3, "minimal_level": "block", "block_size": 2, "dim": 2,
                "dim_enc": 2, "source": "n = 2 is the flip-flop U2 "
                                        "(docs/explanation/levels.md#examples)"}
    return base


def _threshold_build(p: dict[str, Any]) -> DFA:
    k = p["k"]
    count = np.arange(k + 1)
    table = np.stack([np.minimum(count + 1, k), count], axis=1)
    return DFA._from_trusted(numbered(k + 1), ["a", "b"], table, 0,
                             [bool(c >= k) for c in count], f"threshold:k={k}")


def _threshold_expect(p: dict[str, Any]) -> dict[str, Any]:
    k = p["k"]
    base = {"states": k + 1, "monoid_size": k + 1, "commutative": True, "aperiodic": True,
            "group": k == 0}
    if k == 1:
        return {**base, "minimal_level": "positive_diagonal", "dim": 1,
                "source": "docs/explanation/levels.md#examples (seen-a, J1)"}
    if k == 2:
        return {**base, "minimal_level": "block", "block_size": 2, "dim": 2, "dim_enc": 2,
                "source": "docs/explanation/levels.md#examples (|w|_a >= k: block(2) Fin only if k "
                          "<= 2)"}
    return {**base, "minimal_level": "full", "dim": k, "dim_enc": k,
            "source": "docs/explanation/levels.md#examples and #index-bound (index k needs a k x k "
                      "nilpotent Jordan block)"}


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


def _regex_check(p: dict[str, Any]) -> None:
    if len(set(p["alphabet"])) != len(p["alphabet"]):
        raise TaskParameterError(
            f"parameter 'alphabet' of task 'regex' repeats a character: {p['alphabet']!r}"
        )


# ================================================================================ the entries
MODULAR_ARITHMETIC = TaskInfo(
    "modular_arithmetic", "value mod m under operations +d, -d, *d applied left to right from 0",
    (Parameter("m", "int", 5, "modulus", minimum=2, maximum=100),),
    _modarith_build, _modarith_expect,
    lambda p: f"value mod {p['m']} starting at 0; symbols '+d', '-d', '*d' (d = 0..{p['m'] - 1}) "
              "are applied left to right without precedence (Deletang et al. modular arithmetic "
              "without brackets, per-prefix labels)")


RANDOM_FSM = TaskInfo(
    "random_fsm", "random complete automaton, every state reachable, label = state",
    (Parameter("states", "int", 5, "number of states", minimum=1, maximum=100_000),
     Parameter("symbols", "int", 3, "number of symbols", minimum=1, maximum=1000),
     Parameter("seed", "int", 1, "seed of numpy.random.default_rng", minimum=0)),
    _random_fsm_build, _random_fsm_expect,
    lambda p: f"random automaton with {p['states']} states and {p['symbols']} symbols "
              f"(numpy default_rng({p['seed']}): a random spanning tree from state 0, other "
              "transitions uniform), label = state")


FLIP_FLOP = TaskInfo(
    "flip_flop", "n-valued flip-flop: '0' reads, 'i' writes value i-1",
    (Parameter("n", "int", 2, "number of values", minimum=2, maximum=1000),),
    _flip_flop_build, _flip_flop_expect,
    lambda p: f"{p['n']}-valued flip-flop from 0: '0' = read (no-op), 'i' = write value i-1 "
              f"for i = 1..{p['n']}, label = last value written (Liu et al. flipflop)")


GRIDWORLD = TaskInfo(
    "gridworld", "position on a line of n cells: '0' moves left, '1' right, clamped",
    (Parameter("n", "int", 4, "number of cells", minimum=2, maximum=100_000),),
    _gridworld_build, _gridworld_expect,
    lambda p: f"position in 0..{p['n'] - 1} from 0: '0' = -1, '1' = +1, clamped at the ends, "
              "label = position (Liu et al. gridworld, state labels)")


THRESHOLD = TaskInfo(
    "threshold", "whether at least k a's have been read (alphabet a, b)",
    (Parameter("k", "int", 2, "threshold", minimum=1, maximum=100_000),),
    _threshold_build, _threshold_expect,
    lambda p: f"label True once at least {p['k']} a's have been read (alphabet a, b; the state "
              "is the count capped at k)")


FIRST_SYMBOL = TaskInfo(
    "first_symbol", "the first symbol read (label = that symbol)",
    (Parameter("symbols", "int", 2, "alphabet size (letters a, b, ...)", minimum=1,
               maximum=26),),
    _first_symbol_build, _first_symbol_expect,
    lambda p: f"label = the first symbol of the word, alphabet {_LETTERS[:p['symbols']]!r} "
              "(states 'start' and one per letter)")


REGEX = TaskInfo(
    "regex", "acceptance of a regular expression, label True/False after every prefix",
    (Parameter("pattern", "str", "(a|b)*abb", "regular expression (bilinear.automata.regex)"),
     Parameter("alphabet", "str", "", "the symbols as one string of characters; empty: "
               "the literals of the pattern")),
    _regex_build, lambda p: {"source": "minimal DFA of the pattern"},
    lambda p: f"whether the prefix read so far matches {p['pattern']!r} "
              f"(full match; alphabet {p['alphabet'] or 'from the pattern'})",
    _regex_check)
