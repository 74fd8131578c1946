"""Catalogue tasks beyond groups: affine arithmetic, random automata, resets, counters, regexes.

Modular arithmetic, random automata, flip-flops, gridworlds (clamped counters), thresholds, the
first symbol and regular expressions.  Each entry is a
:class:`~bilinear.automata._taskspec.TaskInfo`; they are registered, in catalogue order, by
:mod:`bilinear.automata.tasks`.

Random automata come in two kinds (``random_fsm`` parameter ``kind``):

* ``uniform`` (the default, and the only kind before the parameter existed): a random spanning
  tree from state 0 (every state reachable), every other transition uniform.  Such automata are
  synchronizing with probability tending to 1 as the number of states grows (Berlinkov 2016,
  "On the probability of being synchronizable"; Nicaud 2016, "Fast synchronization of random
  automata"), and in practice a random word of a few hundred letters already sends every state
  to the same one: the label then depends only on a recent suffix, which makes long test words
  no harder than short ones.
* ``permutation``: every letter is a permutation of the states (symbol 0 a uniformly random
  n-cycle, so every state is reachable; the others uniform random permutations).  The transition
  monoid is then a group, no word ever merges two states, and the state after a word depends on
  all of it: the random counterpart of the group tasks, never synchronizing for n >= 2.  With
  two or more letters and many states the group is almost always the whole symmetric or
  alternating group (Dixon 1969, "The probability of generating the symmetric group", for
  uniform permutations; seeds 0-9 at 25 states and 3 letters all give S_25 or A_25).

Both kinds build in O(states x symbols) numpy work with bounded scratch memory, and a build
whose estimated memory passes the catalogue's cap is refused before allocating
(:func:`~bilinear.automata._taskspec.check_build_memory`).

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


#: Kinds of random automata (parameter ``kind`` of ``random_fsm``).
RANDOM_FSM_KINDS = ("uniform", "permutation")


def _spanning_tree_slots(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """The slot ``parent * k + symbol`` of the tree edge into each state ``1 .. n-1``.

    The tree grows from state 0: each new state takes a uniformly random free (state, symbol)
    slot of the states placed so far; the free slots are kept in a list where the slot taken is
    replaced by the last one.  The list's length before state ``c`` is ``k + (c - 1)(k - 1)``
    whatever the choices, so all choices are drawn in one call: numpy's bounded integers draw
    the same stream element by element as one scalar call per state did in the loop this
    replaces, so every existing seed gives the same automaton as before (a test pins them).
    The list is a flat integer array (4 bytes per slot) instead of Python tuples (about 70).
    """
    picks = rng.integers(0, k + np.arange(n - 1, dtype=np.int64) * (k - 1)).tolist()
    dtype = np.int32 if n * k < 2**31 else np.int64
    free = np.empty(k + (n - 1) * (k - 1), dtype=dtype)
    letters = np.arange(k, dtype=dtype)
    free[:k] = letters
    slots = np.empty(n - 1, dtype=np.int64)
    length = k
    for child in range(1, n):
        i = picks[child - 1]
        length -= 1
        slots[child - 1] = free[i]
        free[i] = free[length]
        free[length:length + k] = letters + child * k
        length += k
    return slots


def _uniform_table(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    flat = np.full(n * k, -1, dtype=np.int64)
    if n > 1:
        flat[_spanning_tree_slots(rng, n, k)] = np.arange(1, n)
    table = flat.reshape(n, k)
    # the other transitions uniform, drawn in row-major order of the holes, in row blocks of
    # about 2**22 entries (the same stream as one call over all the holes, less scratch memory)
    step = max(1, 2**22 // k)
    for lo in range(0, n, step):
        block = table[lo:lo + step]
        holes = block < 0
        block[holes] = rng.integers(0, n, size=int(holes.sum()))
    return table


def _permutation_table(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    table = np.empty((n, k), dtype=np.int64)
    order = rng.permutation(n)  # symbol 0: the n-cycle order[0] -> order[1] -> ... -> order[0]
    table[order, 0] = np.roll(order, -1)
    for a in range(1, k):
        table[:, a] = rng.permutation(n)
    return table


def _random_fsm_build(p: dict[str, Any]) -> DFA:
    n, k, seed = p["states"], p["symbols"], p["seed"]
    rng = np.random.default_rng(seed)
    table = _uniform_table(rng, n, k) if p["kind"] == "uniform" else _permutation_table(rng, n, k)
    return DFA._from_trusted(numbered(n), numbered(k), table, 0, None,
                             format_spec("random_fsm", p))


def _random_fsm_memory(p: dict[str, Any]) -> int:
    """Estimated peak bytes of :func:`_random_fsm_build`.

    The int64 table twice (``DFA._from_trusted`` copies it; the spanning tree's int32 free-slot
    list, alive only before, is smaller than the copy), plus about 400 bytes per state and
    symbol (the tree's choices, names, position dictionaries, label arrays) and 1 MiB.
    Measured with tracemalloc at 10^3 x 10^3 .. 10^5 x 10^2, the peak is 0.6 to 1.0 times this.
    """
    n, k = p["states"], p["symbols"]
    return 16 * n * k + 400 * (n + k) + 2**20


def _random_fsm_expect(p: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"states": p["states"],
                           "source": "identity labelling: every state is its own class"}
    if p["kind"] == "permutation":
        n, k = p["states"], p["symbols"]
        out.update(group=True, aperiodic=n == 1,
                   source="every letter a permutation: the transition monoid is a group, so no "
                          "word merges two states (not synchronizing for n >= 2); identity "
                          "labelling")
        if k == 1:  # one letter, an n-cycle: the cyclic group of order n
            out.update(monoid_size=n, commutative=True, group_order=n, abelian=True,
                       solvable=True)
    return out


def _random_fsm_describe(p: dict[str, Any]) -> str:
    if p["kind"] == "permutation":
        return (f"random permutation automaton with {p['states']} states and {p['symbols']} "
                f"symbols (numpy default_rng({p['seed']}): symbol 0 a uniformly random "
                f"{p['states']}-cycle, so every state is reachable, the others uniformly random "
                "permutations; no word merges two states), label = state")
    return (f"random automaton with {p['states']} states and {p['symbols']} symbols "
            f"(numpy default_rng({p['seed']}): a random spanning tree from state 0, other "
            "transitions uniform), label = state")


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
     Parameter("seed", "int", 1, "seed of numpy.random.default_rng", minimum=0),
     Parameter("kind", "choice", "uniform",
               "uniform: spanning tree from state 0, other transitions uniform (mostly "
               "synchronizing); permutation: every letter a random permutation, symbol 0 an "
               "n-cycle (never synchronizing)", choices=RANDOM_FSM_KINDS, added_later=True)),
    _random_fsm_build, _random_fsm_expect, _random_fsm_describe,
    memory=_random_fsm_memory)


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
