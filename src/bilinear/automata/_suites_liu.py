"""The ``liu-semiautomata`` suite: the semiautomata of Liu et al. (2023), label after every token.

Liu, Ash, Goel, Krishnamurthy, Zhang (2023), "Transformers Learn Shortcuts to Automata" (ICLR);
their generator is the ``synthseq/automata`` data set (``automata.py``).  Token ``i`` is action
``i`` of the source, states and labels are the source's integer ids, and every task labels the
state after every token.  Registered by :mod:`bilinear.automata.suites`.

Examples
--------
>>> LIU.task("abab").build().output("0101")
[0, 1, 2, 3]
>>> LIU.task("gridworld").build(n=3, label="boundary").output("1110")
[0, 1, 1, 0]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable
from typing import Any

from bilinear.automata._suites_base import Parameter, Suite, SuiteTask
from bilinear.automata._taskspec import numbered
from bilinear.automata.builders import from_function
from bilinear.automata.dfa import DFA
from bilinear.errors import TaskParameterError

__all__ = [
    "LIU",
    "LIU_SOURCE",
    "ABAB_TABLE",
    "QUATERNION_TABLE",
    "permutations_in_order",
    "liu_symmetric_actions",
    "liu_alternating_actions",
]

LIU_SOURCE = (
    "Liu, Ash, Goel, Krishnamurthy, Zhang (2023), Transformers Learn Shortcuts to "
    "Automata, ICLR (data: huggingface.co/datasets/synthseq/automata)"
)

#: ``abab``: the source's transition table ``[state][token]`` (start state 3, 4 = sink).
ABAB_TABLE = ((4, 1), (2, 4), (4, 3), (0, 4), (4, 4))

#: ``quaternion``: the source's table ``[state][token]``; states 0-3 = +1, +i, +j, +k and 4-7 =
#: -1, -i, -j, -k, tokens 0-3 = 1, i, j, k (right multiplication).
QUATERNION_TABLE = tuple(
    tuple(row)
    for row in (
        [0, 1, 2, 3],
        [1, 4, 3, 6],
        [2, 7, 4, 1],
        [3, 2, 5, 4],
        [4, 5, 6, 7],
        [5, 0, 7, 2],
        [6, 3, 0, 5],
        [7, 6, 1, 0],
    )
)

_PER_POSITION = "per_position"
_LENGTHS = "length T, or uniform on 1..T with random_length; tokens uniform unless stated"


def _label(choices: tuple[str, ...], what: str) -> Parameter:
    return Parameter("label", "choice", choices[0], what, choices=choices)


def permutations_in_order(n: int, even: bool = False) -> list[tuple[int, ...]]:
    """The permutations of ``0..n-1`` in ``itertools.permutations`` order (the even ones only
    with ``even``): state ``i`` of the source is the ``i``-th.

    Examples
    --------
    >>> permutations_in_order(3, even=True)
    [(0, 1, 2), (1, 2, 0), (2, 0, 1)]
    """
    perms = list(itertools.permutations(range(n)))
    if not even:
        return perms
    return [
        p for p in perms if sum(p[i] > p[j] for i in range(n) for j in range(i + 1, n)) % 2 == 0
    ]


def liu_symmetric_actions(n: int, n_actions: int) -> list[tuple[int, ...]]:
    """The actions of ``symmetric``: identity, the shift ``i -> i+1``, the swap of the first
    two, then the other permutations in itertools order (the first ``n_actions``)."""
    identity = tuple(range(n))
    shift = tuple(range(1, n)) + (0,)
    swap = (1, 0) + tuple(range(2, n))
    actions = list(dict.fromkeys([identity, shift, swap]))
    actions += [p for p in itertools.permutations(range(n)) if p not in actions]
    return actions[:n_actions]


def liu_alternating_actions(n: int) -> list[tuple[int, ...]]:
    """The actions of ``alternating``: identity, then the 3-cycles ``(0 1 x)``, x = 2..n-1."""
    actions = [tuple(range(n))]
    for x in range(2, n):
        idx = list(range(n))
        idx[0], idx[1], idx[x] = 1, x, 0
        actions.append(tuple(idx))
    return actions


def _permutation_dfa(
    perms: list[tuple[int, ...]], actions: list[tuple[int, ...]], label: str
) -> DFA:
    # the source: state p, action a -> p[a] (the array p indexed by a)
    index = {p: i for i, p in enumerate(perms)}
    return from_function(
        perms[0],
        numbered(len(actions)),
        lambda p, a: tuple(p[i] for i in actions[int(a)]),
        (lambda p: index[p]) if label == "state" else (lambda p: p[0]),
    )


def _parity(p: dict[str, Any]) -> DFA:
    return from_function(0, ("0", "1"), lambda q, a: (q + int(a)) % 2)


def _gridworld(p: dict[str, Any]) -> DFA:
    top = p["n"] - 1
    labels = {
        "state": lambda q: q,
        "parity": lambda q: q % 2,
        "boundary": lambda q: int(q in (0, top)),
    }[p["label"]]
    return from_function(
        0, ("0", "1"), lambda q, a: max(q - 1, 0) if a == "0" else min(q + 1, top), labels
    )


def _abab(p: dict[str, Any]) -> DFA:
    return from_function(
        3,
        ("0", "1"),
        lambda q, a: ABAB_TABLE[q][int(a)],
        (lambda q: q) if p["label"] == "state" else (lambda q: int(q == 3)),
    )


def _adder(p: dict[str, Any]) -> DFA:
    k = p["n_addends"]

    def delta(q: Any, a: str) -> Hashable:
        total = bin(int(a)).count("1") + q[1]
        return (total % 2, total // 2)

    labels = {"state": lambda q: q[0] + 2 * q[1], "digit": lambda q: q[0], "carry": lambda q: q[1]}[
        p["label"]
    ]
    return from_function((0, 0), numbered(2**k), delta, labels)


def _flipflop(p: dict[str, Any]) -> DFA:
    return from_function(0, numbered(p["n"] + 1), lambda q, a: q if a == "0" else int(a))


def _cyclic(p: dict[str, Any]) -> DFA:
    n = p["n"]
    return from_function(0, numbered(p["n_actions"]), lambda q, a: (q + int(a)) % n)


def _cyclic_check(p: dict[str, Any]) -> None:
    if p["n_actions"] > p["n"]:
        raise TaskParameterError(
            f"parameter 'n_actions' of task 'liu-semiautomata/cyclic' must be <= n = {p['n']}, "
            f"got {p['n_actions']}"
        )


def _dihedral(p: dict[str, Any]) -> DFA:
    n = p["n"]

    def delta(q: Any, a: str) -> Hashable:
        toggle, pos = q
        if a == "0":
            return (1 - toggle, pos)
        return (toggle, (pos + (1 if toggle == 0 else -1)) % n)

    labels = {
        "state": lambda q: n * q[0] + q[1],
        "toggle": lambda q: q[0],
        "position": lambda q: q[1],
    }[p["label"]]
    return from_function((0, 0), ("0", "1"), delta, labels)


def _quaternion(p: dict[str, Any]) -> DFA:
    return from_function(0, ("0", "1", "2", "3"), lambda q, a: QUATERNION_TABLE[q][int(a)])


def _symmetric(p: dict[str, Any]) -> DFA:
    n = p["n"]
    return _permutation_dfa(
        permutations_in_order(n), liu_symmetric_actions(n, p["n_actions"]), p["label"]
    )


def _symmetric_check(p: dict[str, Any]) -> None:
    if p["n_actions"] > math.factorial(p["n"]):
        raise TaskParameterError(
            f"parameter 'n_actions' of task 'liu-semiautomata/symmetric' must be <= n! = "
            f"{math.factorial(p['n'])}, got {p['n_actions']}"
        )


def _alternating(p: dict[str, Any]) -> DFA:
    n = p["n"]
    return _permutation_dfa(
        permutations_in_order(n, even=True), liu_alternating_actions(n), p["label"]
    )


def _task(
    name: str,
    description: str,
    alphabet: tuple[str, ...],
    meaning: tuple[str, ...],
    build: Any,
    parameters: tuple[Parameter, ...] = (),
    check: Any = None,
    sampling: str = _LENGTHS,
) -> SuiteTask:
    return SuiteTask(
        "liu-semiautomata",
        name,
        description,
        alphabet,
        meaning,
        _PER_POSITION,
        None,
        None,
        sampling,
        None,
        LIU_SOURCE,
        build,
        parameters,
        check,
    )


_SYM_LABEL = _label(
    ("state", "first_chair"),
    "'state': the permutation's index in itertools order; 'first_chair': the element in position 0",
)

LIU = Suite(
    "liu-semiautomata",
    "Liu et al. semiautomata (label after every token)",
    LIU_SOURCE,
    (
        _task(
            "parity",
            "cumsum(x) mod 2",
            ("0", "1"),
            ("0", "1"),
            _parity,
            sampling="P(1) = prob1 = 0.5; " + _LENGTHS,
        ),
        _task(
            "gridworld",
            "position on 0..n-1, start 0, clamped at the ends",
            ("0", "1"),
            ("-1", "+1"),
            _gridworld,
            (
                Parameter("n", "int", 9, "number of cells", minimum=2, maximum=1000),
                _label(
                    ("state", "parity", "boundary"),
                    "'state': the cell; 'parity': cell mod 2; 'boundary': cell is 0 or n-1",
                ),
            ),
        ),
        _task(
            "abab",
            "table [[4,1],[2,4],[4,3],[0,4],[4,4]], start 3 (recognizes (01)*)",
            ("0", "1"),
            ("a", "b"),
            _abab,
            (_label(("state", "boundary"), "'state': the state; 'boundary': state == 3"),),
            sampling="with probability prob_abab_pos_sample = 0.25 the input is 0101...; "
            + _LENGTHS,
        ),
        _task(
            "adder",
            "LSB-first binary addition of n_addends numbers with carry",
            ("0", "1", "2", "3"),
            ("bits 00", "bits 01 (addend 0)", "bits 10 (addend 1)", "bits 11"),
            _adder,
            (
                Parameter(
                    "n_addends",
                    "int",
                    2,
                    "number of addends; token = their bits (bit i = addend i)",
                    minimum=1,
                    maximum=8,
                ),
                _label(
                    ("state", "digit", "carry"),
                    "'state': digit + 2 carry; 'digit': the output bit; 'carry': the carry",
                ),
            ),
        ),
        _task(
            "flipflop",
            "token 0 = read (keep), token i = write i; start 0; state = last write",
            ("0", "1", "2"),
            ("read", "write 1", "write 2"),
            _flipflop,
            (Parameter("n", "int", 2, "number of write tokens", minimum=1, maximum=100),),
            sampling="read with probability 0.5, writes uniform; " + _LENGTHS,
        ),
        _task(
            "cyclic",
            "token i adds i mod n (i < n_actions); label = the sum",
            ("0", "1"),
            ("+0", "+1"),
            _cyclic,
            (
                Parameter("n", "int", 5, "modulus", minimum=2, maximum=500),
                Parameter("n_actions", "int", 2, "number of tokens", minimum=1, maximum=500),
            ),
            _cyclic_check,
        ),
        _task(
            "dihedral",
            "token 0 toggles the direction, token 1 drives one step; label n toggle + position",
            ("0", "1"),
            ("toggle", "drive"),
            _dihedral,
            (
                Parameter(
                    "n",
                    "int",
                    4,
                    "number of positions (group D_n of order 2n)",
                    minimum=3,
                    maximum=500,
                ),
                _label(
                    ("state", "toggle", "position"),
                    "'state': n toggle + position; 'toggle'; 'position'",
                ),
            ),
        ),
        _task(
            "quaternion",
            "Q8, right multiplication; states 0-3 = +1,+i,+j,+k, 4-7 = -1,-i,-j,-k, start +1",
            ("0", "1", "2", "3"),
            ("1", "i", "j", "k"),
            _quaternion,
        ),
        _task(
            "symmetric",
            "S_n, state p -> p[action]; actions identity, shift, swap (0 1), then "
            "the other permutations in itertools order",
            ("0", "1", "2"),
            ("identity", "shift i -> i+1", "swap (0 1)"),
            _symmetric,
            (
                Parameter("n", "int", 5, "number of points", minimum=2, maximum=6),
                Parameter("n_actions", "int", 3, "number of actions", minimum=1, maximum=720),
                _SYM_LABEL,
            ),
            _symmetric_check,
        ),
        _task(
            "alternating",
            "A_n, state p -> p[action]; actions identity and the 3-cycles (0 1 x), x = 2..n-1",
            ("0", "1", "2", "3"),
            ("identity", "(0 1 2)", "(0 1 3)", "(0 1 4)"),
            _alternating,
            (Parameter("n", "int", 5, "number of points", minimum=3, maximum=6), _SYM_LABEL),
        ),
    ),
)
