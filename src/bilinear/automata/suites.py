"""The field's benchmark suites as first-class objects (registry ``SUITE/TASK``).

Each :class:`SuiteTask` pins the suite's conventions (alphabet and token ids, label kind, length
protocol, chance level, source) and builds its automaton exactly.  Suites so far:

* ``chomsky-regular``: the regular tasks of Deletang et al. (2023), "Neural Networks and the
  Chomsky Hierarchy" (ICLR): ``even_pairs``, ``parity_check``, ``cycle_navigation`` (token
  0 = -1, 1 = stay, 2 = +1, mod 5), ``modular_arithmetic`` (mod 5, ``*`` binds tighter, odd
  lengths; the label of a malformed or incomplete prefix is ``"none"``).  Final label only;
  train lengths 1-40, test lengths 41-500; chance 50/50/20/20 %.  The minimal automaton of
  ``modular_arithmetic`` has 51 states: 25 states
  expecting an operator (sum so far, signed current product), 25 expecting a digit (the same pair;
  after ``+``/``-`` the product is +1/-1), and one sink (see :data:`MODULAR_ARITHMETIC_STATES`).
* ``tomita``: the Tomita (1982) grammars 1-7 over ``{0, 1}`` (recognition, final label).
* ``liu-semiautomata``: the semiautomata of Liu, Ash, Goel, Krishnamurthy, Zhang (2023),
  "Transformers Learn Shortcuts to Automata" (ICLR), label after every token, with the source's
  token ids, state ids and parameter defaults (:mod:`bilinear.automata._suites_liu`).
* ``word-problems``: Z60, A4xZ5, A5, S5 with prefix products, Merrill, Petty, Sabharwal (2024),
  "The Illusion of State in State-Space Models" (ICML); parameter ``side`` selects the right
  action ``acc_t = acc_(t-1) * g_t`` (default, the source's) or the left one ``g_t * acc_(t-1)``.
* ``sdssm-groups``: A5 (5-cycle and (0 1)(2 3)), C2xC4 and D4 of the SD-SSM paper (Terzic et al.
  2025, AAAI) and the ``(A5, k)`` / ``(S5, k)`` Cayley automata of the PD-SSM paper (Terzic et
  al. 2025, NeurIPS), tasks ``A5_k`` / ``S5_k`` with parameters ``k`` and ``seed``
  (:mod:`bilinear.automata._suites_groups`).

A suite task with parameters is addressed ``SUITE/TASK:key=value,...`` (parsed and checked as
the catalogue's task specs); :meth:`SuiteTask.from_dict` / :meth:`Suite.from_dict` give back the
registered object of a :meth:`~SuiteTask.to_dict` record.

Examples
--------
>>> t = resolve("tomita/4")
>>> t.name, t.dfa.labels[t.dfa.run("1001")], t.dfa.labels[t.dfa.run("10001")]
('tomita/4', True, False)
>>> resolve("chomsky-regular/cycle_navigation").dfa.labels[
...     resolve("chomsky-regular/cycle_navigation").dfa.run("0002")]
3
>>> resolve("word-problems/S5:side=left").spec
'word-problems/S5:side=left'
>>> SuiteTask.from_dict(suite("tomita").task("3").to_dict()) is suite("tomita").task("3")
True
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from bilinear.automata._suites_base import LABEL_KINDS, Suite, SuiteTask, suite, suites
from bilinear.automata._suites_base import register as _register
from bilinear.automata._suites_groups import SDSSM as _SDSSM
from bilinear.automata._suites_groups import WORD_PROBLEMS as _WORD_PROBLEMS
from bilinear.automata._suites_groups import cayley_generators
from bilinear.automata._suites_liu import LIU as _LIU
from bilinear.automata._taskspec import Task, _with_name, format_spec, parse_spec
from bilinear.automata.builders import from_function
from bilinear.automata.dfa import DFA
from bilinear.automata.operations import minimize
from bilinear.errors import InvalidArgumentError

__all__ = [
    "sample_modular_arithmetic",
    "Suite",
    "SuiteTask",
    "suites",
    "suite",
    "resolve",
    "MODULAR_ARITHMETIC_STATES",
    "LABEL_KINDS",
    "cayley_generators",
]

#: States of the minimal automaton of ``chomsky-regular/modular_arithmetic`` (tested).
MODULAR_ARITHMETIC_STATES = 51

_DELETANG = (
    "Deletang, Ruoss, Grau-Moya, Genewein, Wenliang, Catt, Cundy, Hutter, Legg, Veness, "
    "Ortega (2023), Neural Networks and the Chomsky Hierarchy, ICLR"
)
_TOMITA = (
    "Tomita (1982), Dynamic construction of finite-state automata from examples using "
    "hill-climbing, Proc. Cognitive Science Society"
)


# ------------------------------------------------------------------ chomsky-regular
def _even_pairs(p: dict[str, Any]) -> DFA:
    # state: None (empty) or (first, last)
    def delta(q: Any, a: str) -> Hashable:
        return (a, a) if q is None else (q[0], a)

    return from_function(
        None, ("0", "1"), delta, lambda q: 0 if q is None else int(q[0] != q[1]) % 2
    )


def _parity_check(p: dict[str, Any]) -> DFA:
    return from_function(0, ("0", "1"), lambda q, a: (q + int(a)) % 2, lambda q: q)


def _cycle_navigation(p: dict[str, Any]) -> DFA:
    return from_function(0, ("0", "1", "2"), lambda q, a: (q + int(a) - 1) % 5, lambda q: q)


_MA_ALPHABET = ("0", "1", "2", "3", "4", "+", "-", "*")


def _ma_delta(q: Any, a: str) -> Hashable:
    # states: "dead"; ("d", acc, sign, prod) expecting a digit (prod=None: a new term);
    # ("o", acc, sign, prod) expecting an operator, value acc + sign * prod.
    if q == "dead":
        return q
    phase, acc, sign, prod = q
    if phase == "d":
        if not a.isdigit():
            return "dead"
        return ("o", acc, sign, int(a) if prod is None else prod * int(a) % 5)
    if a.isdigit():
        return "dead"
    if a == "*":
        return ("d", acc, sign, prod)
    return ("d", (acc + sign * prod) % 5, 1 if a == "+" else -1, None)


def sample_modular_arithmetic(rng: np.random.Generator, batch: int, length: int) -> np.ndarray:
    """Well-formed words of ``chomsky-regular/modular_arithmetic``, as the suite samples them.

    The largest odd length ``L <= length``; digits ``0-4`` uniform at even positions, an
    operator uniform over ``+ - *`` at odd positions (token ids index ``_MA_ALPHABET``).

    Examples
    --------
    >>> w = sample_modular_arithmetic(np.random.default_rng(0), 2, 6)
    >>> w.shape, [[_MA_ALPHABET[i] for i in row] for row in w][0][1].isdigit()
    ((2, 5), False)
    """
    n = length if length % 2 else length - 1
    if n < 1:
        raise InvalidArgumentError(
            f"chomsky-regular/modular_arithmetic needs odd lengths >= 1, got {length}")
    words = np.empty((batch, n), dtype=np.int64)
    words[:, 0::2] = rng.integers(0, 5, size=(batch, (n + 1) // 2))
    words[:, 1::2] = rng.integers(5, 8, size=(batch, n // 2))
    return words


def _modular_arithmetic(p: dict[str, Any]) -> DFA:
    return from_function(
        ("d", 0, 1, None),
        _MA_ALPHABET,
        _ma_delta,
        lambda q: str((q[1] + q[2] * q[3]) % 5) if q != "dead" and q[0] == "o" else "none",
    )


_CHOMSKY = Suite(
    "chomsky-regular",
    "DeepMind Chomsky hierarchy suite, regular tasks",
    _DELETANG,
    (
        SuiteTask(
            "chomsky-regular",
            "even_pairs",
            "#{i: x_i != x_(i+1)} mod 2 (= first != last)",
            ("0", "1"),
            ("0", "1"),
            "final",
            (1, 40),
            (41, 500),
            "uniform length, uniform tokens",
            0.5,
            _DELETANG,
            _even_pairs,
        ),
        SuiteTask(
            "chomsky-regular",
            "parity_check",
            "#1 mod 2",
            ("0", "1"),
            ("0", "1"),
            "final",
            (1, 40),
            (41, 500),
            "uniform length, uniform tokens",
            0.5,
            _DELETANG,
            _parity_check,
        ),
        SuiteTask(
            "chomsky-regular",
            "cycle_navigation",
            "sum(a_i - 1) mod 5, start 0",
            ("0", "1", "2"),
            ("-1", "stay", "+1"),
            "final",
            (1, 40),
            (41, 500),
            "uniform length, uniform tokens",
            0.2,
            _DELETANG,
            _cycle_navigation,
        ),
        SuiteTask(
            "chomsky-regular",
            "modular_arithmetic",
            "digits 0-4 and + - * alternating, odd length, * binds tighter, result mod 5",
            _MA_ALPHABET,
            _MA_ALPHABET,
            "final",
            (1, 40),
            (41, 500),
            "uniform odd length (even L uses L-1), digits/operators uniform",
            0.2,
            _DELETANG,
            _modular_arithmetic,
            sampler=sample_modular_arithmetic,
        ),
    ),
)


# ------------------------------------------------------------------ tomita
def _tomita3_delta(q: Any, a: str) -> Hashable:
    # q = (dead, current symbol or None, current run odd, previous 1-run odd)
    dead, cur, odd, prev1 = q
    if dead:
        return q
    if cur == a:
        return (False, a, not odd, prev1)
    if cur == "0" and prev1 and odd:  # an odd 0-run after an odd 1-run ended
        return (True, None, False, False)
    return (False, a, True, cur == "1" and odd)


_TOMITA_DEF: dict[str, tuple[str, Callable[[dict[str, Any]], DFA]]] = {
    "1": (
        "1*",
        lambda p: from_function(True, ("0", "1"), lambda q, a: q and a == "1", lambda q: q),
    ),
    "2": (
        "(10)*",
        lambda p: from_function(
            0, ("0", "1"), lambda q, a: {(0, "1"): 1, (1, "0"): 0}.get((q, a), 2), lambda q: q == 0
        ),
    ),
    "3": (
        "no odd maximal 1-run immediately followed by an odd maximal 0-run",
        lambda p: from_function(
            (False, None, False, False),
            ("0", "1"),
            _tomita3_delta,
            lambda q: not q[0] and not (q[1] == "0" and q[2] and q[3]),
        ),
    ),
    "4": (
        "no 000 substring",
        lambda p: from_function(
            0, ("0", "1"), lambda q, a: 3 if q == 3 else (0 if a == "1" else q + 1), lambda q: q < 3
        ),
    ),
    "5": (
        "even #0 and even #1",
        lambda p: from_function(
            (0, 0),
            ("0", "1"),
            lambda q, a: ((q[0] + (a == "0")) % 2, (q[1] + (a == "1")) % 2),
            lambda q: q == (0, 0),
        ),
    ),
    "6": (
        "(#0 - #1) divisible by 3",
        lambda p: from_function(
            0, ("0", "1"), lambda q, a: (q + (1 if a == "0" else -1)) % 3, lambda q: q == 0
        ),
    ),
    "7": (
        "0*1*0*1*",
        lambda p: from_function(
            0,
            ("0", "1"),
            lambda q, a: 4 if q == 4 else (q if str(q % 2) == a else q + 1),
            lambda q: q < 4,
        ),
    ),
}

_TOMITA_SUITE = Suite(
    "tomita",
    "Tomita grammars 1-7 (recognition)",
    _TOMITA,
    tuple(
        SuiteTask(
            "tomita",
            k,
            v[0],
            ("0", "1"),
            ("0", "1"),
            "final",
            None,
            None,
            "not fixed by the source",
            None,
            _TOMITA,
            v[1],
        )
        for k, v in _TOMITA_DEF.items()
    ),
)

for _suite in (_CHOMSKY, _TOMITA_SUITE, _LIU, _WORD_PROBLEMS, _SDSSM):
    _register(_suite)
del _suite


def resolve(address: str) -> Task:
    """The :class:`~bilinear.automata.tasks.Task` of ``SUITE/TASK`` or ``SUITE/TASK:key=value,...``.

    The parameters are parsed and converted as the catalogue's task specs are
    (:func:`bilinear.automata.tasks.parse_spec`); the task's spec is the address with every
    parameter value, e.g. ``sdssm-groups/A5_k:k=6,seed=0``.

    Raises
    ------
    UnknownTaskError
        An unknown suite or suite task (the message names the known ones).
    TaskParameterError
        An unknown parameter or a value out of range (one line, naming it).

    Examples
    --------
    >>> resolve("sdssm-groups/A5_k:k=6").spec
    'sdssm-groups/A5_k:k=6,seed=0'
    >>> resolve("liu-semiautomata/cyclic:n=3,n_actions=4")
    Traceback (most recent call last):
    ...
    bilinear.errors.TaskParameterError: parameter 'n_actions' of task 'liu-semiautomata/cyclic' \
must be <= n = 3, got 4
    """
    head, raw = parse_spec(address)
    name, _, task = head.partition("/")
    t = suite(name.strip()).task(task.strip())
    values = t.values(raw)
    spec = format_spec(t.address, values)
    dfa = minimize(t._build(values))
    if dfa.name != spec:
        dfa = _with_name(dfa, spec)
    return Task(
        name=t.address,
        params=values,
        description=t.description,
        dfa=dfa,
        expected={"source": t.source},
        sampler=t.sampler,
    )
