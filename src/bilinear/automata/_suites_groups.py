"""The group suites ``word-problems`` and ``sdssm-groups``.

Permutations are tuples ``p`` with ``p[i]`` the image of ``i``; the product ``x * y`` is "first
``x``, then ``y``" (``(x * y)[i] = y[x[i]]``, the order of sympy and of
:func:`bilinear.automata.builders.from_permutations`).  Elements of a permutation group are
numbered in ``itertools.permutations`` order (the identity is element 0).

* ``word-problems``: the group word problems of Merrill, Petty, Sabharwal (2024), "The Illusion
  of State in State-Space Models" (ICML; code: github.com/jopetty/word-problem).  Every group
  element is a token, the label after every token is the prefix product: with ``side=right``
  ``acc_t = acc_(t-1) * g_t`` (the source's ``G.op(acc, g)``), with ``side=left``
  ``acc_t = g_t * acc_(t-1)``; ``acc_0`` is the identity.
* ``sdssm-groups``: the group tasks of Terzic, Hersche, Camposampiero, Hofmann, Sebastian, Rahimi
  (2025), "On the Expressiveness and Length Generalization of Selective State-Space Models on
  Regular Languages" (AAAI; code: github.com/IBM/selective-dense-state-space-model) and the
  ``(G, k)`` Cayley automata of Terzic, Menet, Hersche, Hofmann, Rahimi (2025), "Structured
  Sparse Transition Matrices to Enable State Tracking in State-Space Models" (NeurIPS; code:
  github.com/IBM/expressive-sparse-state-space-model).  Final label only.

Examples
--------
>>> WORD_PROBLEMS.task("S5").build(side="left").n_states
120
>>> cayley_generators("A5", 2, 0) == cayley_generators("A5", 2, 0)
True
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from bilinear.automata._suites_base import Parameter, Suite, SuiteTask
from bilinear.automata._suites_liu import permutations_in_order
from bilinear.automata._taskspec import numbered
from bilinear.automata.builders import from_function
from bilinear.automata.dfa import DFA
from bilinear.errors import TaskParameterError

__all__ = [
    "WORD_PROBLEMS",
    "SDSSM",
    "WORD_PROBLEM_SOURCE",
    "SDSSM_SOURCE",
    "PDSSM_SOURCE",
    "group_elements",
    "compose",
    "cayley_generators",
    "SDSSM_A5_GENERATORS",
]

WORD_PROBLEM_SOURCE = (
    "Merrill, Petty, Sabharwal (2024), The Illusion of State in State-Space "
    "Models, ICML (code: github.com/jopetty/word-problem)"
)
SDSSM_SOURCE = (
    "Terzic, Hersche, Camposampiero, Hofmann, Sebastian, Rahimi (2025), On the "
    "Expressiveness and Length Generalization of Selective State-Space Models on "
    "Regular Languages, AAAI (code: github.com/IBM/selective-dense-state-space-model)"
)
PDSSM_SOURCE = (
    "Terzic, Menet, Hersche, Hofmann, Rahimi (2025), Structured Sparse Transition "
    "Matrices to Enable State Tracking in State-Space Models, NeurIPS (code: "
    "github.com/IBM/expressive-sparse-state-space-model)"
)

#: ``sdssm-groups/A5``: token 0 = the 5-cycle i -> i+1 (``np.roll(np.eye(5), -1)`` read as an
#: array form: row i has its 1 in column i+1), token 1 = the double transposition (0 1)(2 3).
SDSSM_A5_GENERATORS = ((1, 2, 3, 4, 0), (1, 0, 3, 2, 4))

#: Maximal number of draws of :func:`cayley_generators` before it gives up.
_MAX_DRAWS = 1000

Element = Hashable


def group_elements(group: str) -> list[Any]:
    """The elements of ``Z60``, ``A4xZ5``, ``A5``, ``S5`` in token order (element 0 = identity).

    ``Z60``: the integers 0..59; ``A4xZ5``: pairs (even permutation of 4, integer mod 5), index
    ``5 a + z``; ``A5`` / ``S5``: the (even) permutations of 5 in itertools order.

    Examples
    --------
    >>> len(group_elements("A4xZ5")), group_elements("A4xZ5")[6]
    (60, ((0, 2, 3, 1), 1))
    """
    if group == "Z60":
        return list(range(60))
    if group == "A4xZ5":
        return [(a, z) for a in permutations_in_order(4, even=True) for z in range(5)]
    if group in ("A5", "S5"):
        return list(permutations_in_order(5, even=group == "A5"))
    raise TaskParameterError(f"unknown group {group!r}; the groups are Z60, A4xZ5, A5, S5")


def compose(x: Any, y: Any) -> Any:
    """``x * y``, first ``x`` then ``y``: permutations, integers mod 60, or (perm, int mod 5).

    Examples
    --------
    >>> compose((1, 2, 0), (1, 0, 2)), compose(59, 3)
    ((0, 2, 1), 2)
    """
    if isinstance(x, int):
        return (x + y) % 60
    if isinstance(x[0], tuple):
        return (compose(x[0], y[0]), (x[1] + y[1]) % 5)
    return tuple(y[i] for i in x)


def _word_problem(group: str) -> Any:
    def build(p: dict[str, Any]) -> DFA:
        elements = group_elements(group)
        index = {e: i for i, e in enumerate(elements)}
        right = p["side"] == "right"
        return from_function(
            elements[0],
            numbered(len(elements)),
            lambda q, a: compose(q, elements[int(a)]) if right else compose(elements[int(a)], q),
            lambda q: index[q],
        )

    return build


_SIDE = Parameter(
    "side",
    "choice",
    "right",
    "'right': acc_t = acc_(t-1) * g_t (the source's G.op(acc, g)); 'left': acc_t = g_t * acc_(t-1)",
    choices=("right", "left"),
)


def _wp_task(group: str, description: str) -> SuiteTask:
    n = len(group_elements(group))
    return SuiteTask(
        "word-problems",
        group,
        description,
        tuple(numbered(n)),
        tuple(f"element {i}" for i in range(n)),
        "per_position",
        None,
        None,
        "tokens uniform over the group; shipped data: length k = 2..20",
        1 / n,
        WORD_PROBLEM_SOURCE,
        _word_problem(group),
        (_SIDE,),
    )


WORD_PROBLEMS = Suite(
    "word-problems",
    "group word problems with prefix products (label after every token)",
    WORD_PROBLEM_SOURCE,
    (
        _wp_task("Z60", "Z_60, element i = i, product = addition mod 60 (abelian)"),
        _wp_task("A4xZ5", "A_4 x Z_5, element 5 a + z = (a-th even permutation of 4, z)"),
        _wp_task("A5", "A_5, element i = i-th even permutation of 5 in itertools order"),
        _wp_task("S5", "S_5, element i = i-th permutation of 5 in itertools order"),
    ),
)


# ------------------------------------------------------------------ sdssm-groups
def _closure(gens: list[tuple[int, ...]]) -> int:
    seen = {tuple(range(len(gens[0])))}
    frontier = list(seen)
    while frontier:
        nxt = []
        for q in frontier:
            for g in gens:
                r = compose(q, g)
                if r not in seen:
                    seen.add(r)
                    nxt.append(r)
        frontier = nxt
    return len(seen)


def cayley_generators(group: str, k: int, seed: int) -> list[tuple[int, ...]]:
    """The ``k`` generators of the ``(group, k)`` Cayley automaton (``group`` is A5 or S5).

    ``k`` distinct non-identity elements are drawn uniformly without replacement with
    ``numpy.random.default_rng(seed)`` until they generate the whole group; token ``i`` is the
    ``i``-th drawn element.

    Examples
    --------
    >>> len(cayley_generators("S5", 4, 1)), cayley_generators("S5", 4, 1)[0] != (0, 1, 2, 3, 4)
    (4, True)
    """
    elements = group_elements(group)[1:]
    rng = np.random.default_rng(seed)
    for _ in range(_MAX_DRAWS):
        picks = rng.choice(len(elements), size=k, replace=False)
        gens = [elements[int(i)] for i in picks]
        if _closure(gens) == len(elements) + 1:
            return gens
    raise TaskParameterError(
        f"no {k} generators of {group} found with seed {seed} in {_MAX_DRAWS} draws"
    )


def _cayley_build(group: str) -> Any:
    def build(p: dict[str, Any]) -> DFA:
        gens = cayley_generators(group, p["k"], p["seed"])
        index = {e: i for i, e in enumerate(group_elements(group))}
        return from_function(
            tuple(range(5)),
            numbered(len(gens)),
            lambda q, a: compose(q, gens[int(a)]),
            lambda q: index[q],
        )

    return build


def _sdssm_a5(p: dict[str, Any]) -> DFA:
    index = {e: i for i, e in enumerate(group_elements("A5"))}
    return from_function(
        tuple(range(5)),
        ("0", "1"),
        lambda q, a: compose(q, SDSSM_A5_GENERATORS[int(a)]),
        lambda q: index[q],
    )


def _toggle_walk(dihedral: bool) -> Any:
    def build(p: dict[str, Any]) -> DFA:
        def delta(q: Any, a: str) -> Hashable:
            toggle, pos = q
            if a == "0":
                return (1 - toggle, pos)
            return (toggle, (pos + (-1 if dihedral and toggle else 1)) % 4)

        return from_function((0, 0), ("0", "1"), delta, lambda q: 4 * q[0] + q[1])

    return build


_SDSSM_SAMPLING = "train length 40, test length 500, tokens uniform"
_PDSSM_SAMPLING = "train lengths up to 40, validation lengths 40-256, tokens uniform"


def _cayley_task(group: str, order: int, default_k: int) -> SuiteTask:
    return SuiteTask(
        "sdssm-groups",
        f"{group}_k",
        f"({group}, k) Cayley automaton: k random distinct generators of {group} (seeded), "
        "label = the element in itertools order",
        tuple(numbered(default_k)),
        tuple(f"generator {i}" for i in range(default_k)),
        "final",
        (1, 40),
        (40, 256),
        _PDSSM_SAMPLING,
        1 / order,
        PDSSM_SOURCE,
        _cayley_build(group),
        (
            Parameter("k", "int", default_k, "number of generators", minimum=2, maximum=order - 1),
            Parameter("seed", "int", 0, "seed of the generator draw", minimum=0, maximum=2**32 - 1),
        ),
    )


SDSSM = Suite(
    "sdssm-groups",
    "SD-SSM / PD-SSM group tasks (final label)",
    SDSSM_SOURCE + "; " + PDSSM_SOURCE,
    (
        SuiteTask(
            "sdssm-groups",
            "A5",
            "A_5 by the 5-cycle i -> i+1 and (0 1)(2 3); label = "
            "the even permutation in itertools order (60 classes)",
            ("0", "1"),
            ("5-cycle i -> i+1", "(0 1)(2 3)"),
            "final",
            (40, 40),
            (500, 500),
            _SDSSM_SAMPLING,
            1 / 60,
            SDSSM_SOURCE,
            _sdssm_a5,
        ),
        SuiteTask(
            "sdssm-groups",
            "C2xC4",
            "token 0 toggles a bit, token 1 moves +1 on Z4; label 4 toggle + position",
            ("0", "1"),
            ("toggle", "+1 on Z4"),
            "final",
            (40, 40),
            (500, 500),
            _SDSSM_SAMPLING,
            1 / 8,
            SDSSM_SOURCE,
            _toggle_walk(False),
        ),
        SuiteTask(
            "sdssm-groups",
            "D4",
            "token 0 toggles a bit, token 1 moves (-1)^toggle on Z4; label 4 toggle + position",
            ("0", "1"),
            ("toggle", "drive"),
            "final",
            (40, 40),
            (500, 500),
            _SDSSM_SAMPLING,
            1 / 8,
            SDSSM_SOURCE,
            _toggle_walk(True),
        ),
        _cayley_task("A5", 60, 2),
        _cayley_task("S5", 120, 4),
    ),
)
