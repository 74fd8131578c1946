"""The task catalogue: named state-tracking tasks with parameters, automata and expectations.

A task is named as ``NAME`` or ``NAME:key=value,key=value`` (docs/reference/cli.md); parameter
values in a spec are strings and are converted by the declared type.  :func:`get` builds a task
from Python values, :func:`resolve` from a spec string or a path to an automaton JSON file.

Every task carries ``expected``: what the literature and the project's pages
(docs/explanation/levels.md#examples, docs/explanation/bounds.md) say about it, as data for tests.
Keys (always present, ``None`` when not known):

* ``minimal_level``: the lowest level of the chain positive_diagonal < real_diagonal <
  complex_diagonal < block < full that simulates the task under the ``fin`` notion.  As in
  docs/explanation/levels.md#examples, ``"block"`` means block size 2 (``block_size`` is then 2); a
  task that needs blocks of size 3 or more is reported as ``"full"``.
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

from bilinear.automata import _tasks_groups as _groups
from bilinear.automata import _tasks_languages as _languages
from bilinear.automata._taskspec import EXPECTED_KEYS as _EXPECTED_KEYS
from bilinear.automata._taskspec import LEVEL_CHAIN as LEVEL_CHAIN
from bilinear.automata._taskspec import PARAMETER_TYPES as PARAMETER_TYPES
from bilinear.automata._taskspec import (
    Parameter,
    Task,
    TaskInfo,
    describe,
    format_spec,
    get,
    info,
    names,
    parse_spec,
    resolve,
)
from bilinear.automata._taskspec import register as _register
from bilinear.automata._taskspec import register_suite_resolver as _register_suite_resolver
from bilinear.automata.suites import resolve as _resolve_suite
from bilinear.automata.suites import suites as _suite_names

__all__ = ["Task", "Parameter", "TaskInfo", "names", "get", "resolve", "describe", "info",
           "parse_spec", "format_spec", "EXPECTED_KEYS"]

#: Keys of :attr:`Task.expected` (always all present).
EXPECTED_KEYS = _EXPECTED_KEYS

# The entries are defined by family in ``_tasks_groups`` (word problems of groups) and
# ``_tasks_languages`` (the other automata), the machinery in ``_taskspec``; a new task is a
# ``TaskInfo`` there plus its place in this tuple.
#: The catalogue in its order (the order of :func:`names` and :func:`describe`).
_ENTRIES = (_groups.PARITY, _groups.MODULAR_ADDITION, _languages.MODULAR_ARITHMETIC,
            _languages.RANDOM_FSM, _groups.CYCLIC, _groups.ABELIAN, _groups.DIHEDRAL,
            _groups.SYMMETRIC, _groups.ALTERNATING, _groups.QUATERNION, _languages.FLIP_FLOP,
            _languages.GRIDWORLD, _languages.THRESHOLD, _languages.FIRST_SYMBOL,
            _languages.REGEX)

for _entry in _ENTRIES:
    _register(_entry)
del _entry
_register_suite_resolver(_resolve_suite, _suite_names)
