"""Finite automata: the :class:`DFA` (a Moore machine), operations, builders and the task catalogue.

Examples
--------
>>> from bilinear.automata import tasks, minimize
>>> d = tasks.get("modular_addition", m=3).dfa
>>> minimize(d).n_states
3
"""

import importlib
from types import ModuleType

from bilinear.automata.builders import from_function, from_group, from_permutations, from_table
from bilinear.automata.dfa import DFA, Word
from bilinear.automata.io import load_dfa
from bilinear.automata.operations import (
    complete,
    distinguishing_word,
    equivalent,
    minimize,
    product,
    reachable,
    relabel,
)
from bilinear.automata.regex import from_regex

__all__ = [
    "DFA",
    "Word",
    "complete",
    "distinguishing_word",
    "equivalent",
    "from_function",
    "from_group",
    "from_permutations",
    "from_regex",
    "from_table",
    "load_dfa",
    "minimize",
    "product",
    "reachable",
    "relabel",
    "tasks",
]


def __getattr__(name: str) -> ModuleType:
    """Load the task catalogue on first access to ``bilinear.automata.tasks``."""
    if name == "tasks":
        return importlib.import_module("bilinear.automata.tasks")
    raise AttributeError(name)
