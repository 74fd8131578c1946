"""Shared cases: catalogue tasks with small parameters, and a cached compiler."""

from __future__ import annotations

from functools import cache

import numpy as np

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.theory import classify

#: Catalogue tasks (small parameters) used by the construction tests.
TASKS = [
    "parity", "modular_addition:m=3", "modular_addition:m=4", "cyclic:n=5", "cyclic:n=6",
    "cyclic:n=4,action=points", "abelian:orders=2x4", "abelian:orders=2x2", "dihedral:n=4",
    "dihedral:n=5", "dihedral:n=3,action=points", "symmetric:n=3", "symmetric:n=3,action=points",
    "symmetric:n=4,action=points", "alternating:n=4", "quaternion", "flip_flop:n=2",
    "flip_flop:n=3", "gridworld:n=4", "threshold:k=1", "threshold:k=2", "first_symbol:symbols=2",
    "regex:pattern=(a|b)*abb", "random_fsm:states=6,symbols=3,seed=1", "modular_arithmetic:m=4",
]
#: Tasks whose ``rob`` verdicts differ from ``fin`` somewhere (commutative or aperiodic parts).
ROB_TASKS = ["parity", "modular_addition:m=3", "cyclic:n=5", "abelian:orders=2x4",
             "threshold:k=1", "threshold:k=2", "first_symbol:symbols=2", "flip_flop:n=3",
             "dihedral:n=4"]
LEVELS = ("positive_diagonal", "real_diagonal", "complex_diagonal", "block", "full", "monomial",
          "cp")


@cache
def dfa(spec: str):
    return tasks.resolve(spec).dfa


@cache
def classification(spec: str, notion: str = "fin", block_size: int = 2):
    return classify(dfa(spec), notion=notion, block_size=block_size)


@cache
def compiled(spec: str, level: str, notion: str = "fin", block_size: int | None = None):
    return compile_automaton(dfa(spec), level=level, notion=notion, block_size=block_size)


def decoded_matches(rnn, d, words: np.ndarray, dtype=np.float64) -> bool:
    """Vectorised check: decoded labels == the automaton's after every prefix."""
    rows = rnn.decode_indices(rnn.states_batch(words, dtype=dtype))
    if np.any(rows < 0):
        return False
    ours = np.array([d.label_values.index(rnn.labels[r]) for r in range(rnn.S)])[rows]
    return bool(np.array_equal(ours, d.output_batch(words)))
