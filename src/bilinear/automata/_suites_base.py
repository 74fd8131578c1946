"""The records of the benchmark suites: :class:`SuiteTask` and :class:`Suite`.

The suites themselves are registered by :mod:`bilinear.automata.suites` (use that module; this
one never imports the registrations).  A suite task may declare parameters
(:class:`~bilinear.automata._taskspec.Parameter`), given in an address as
``SUITE/TASK:key=value,...`` and converted exactly as the catalogue converts a task spec.

Examples
--------
>>> from bilinear.automata.builders import from_function
>>> t = SuiteTask("demo", "count", "#1 mod n", ("0", "1"), ("stay", "+1"), "per_position",
...               None, None, "uniform tokens", None, "nobody",
...               lambda p: from_function(0, "01", lambda q, a: (q + int(a)) % p["n"]),
...               parameters=(Parameter("n", "int", 3, "modulus", minimum=2, maximum=9),))
>>> t.address, t.build(n=4).n_states, t.values({"n": "5"})
('demo/count', 4, {'n': 5})
>>> t.build(n=1)
Traceback (most recent call last):
...
bilinear.errors.TaskParameterError: parameter 'n' of task 'demo/count' must be >= 2, got 1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bilinear._validation import check_choice
from bilinear.automata._taskspec import Parameter, TaskInfo, _convert
from bilinear.automata.dfa import DFA
from bilinear.automata.operations import minimize
from bilinear.errors import InvalidArgumentError, UnknownTaskError

#: ``sampler(rng, batch, length) -> int64 token ids of shape (batch, L)``, ``1 <= L <= length``.
WordSampler = Callable[[np.random.Generator, int, int], np.ndarray]

__all__ = ["SuiteTask", "Suite", "LABEL_KINDS", "Parameter", "register", "suite", "suites"]

#: Values of :attr:`SuiteTask.label_kind`.
LABEL_KINDS = ("final", "per_position")

#: The fields of :meth:`SuiteTask.to_dict` that :meth:`SuiteTask.from_dict` checks.
_TASK_KEYS = (
    "suite",
    "name",
    "description",
    "alphabet",
    "token_meaning",
    "label_kind",
    "train_lengths",
    "test_lengths",
    "length_sampling",
    "chance",
    "source",
    "parameters",
)


def _lengths(value: tuple[int, int] | None) -> list[int] | None:
    return None if value is None else list(value)


@dataclass(frozen=True)
class SuiteTask:
    """One task of a suite with its conventions; :meth:`build` gives the automaton.

    Attributes
    ----------
    suite, name : str
        The address is ``suite/name``.
    description : str
        The definition in one line.
    alphabet, token_meaning : tuple of str
        The token ids (the automaton's symbols) and what each one means in the suite (at the
        default parameters when the alphabet depends on them).
    label_kind : {"final", "per_position"}
        Whether the suite scores the label after the whole string or after every token.
    train_lengths, test_lengths : (int, int) or None
        The suite's length protocol (inclusive ranges), None where the source fixes none.
    length_sampling : str
        How lengths and tokens are sampled.
    chance : float or None
        The chance accuracy the suite reports (None where it depends on parameters or is not
        stated).
    source : str
        Authors, year, title of the original paper (and where its code lives).
    parameters : tuple of Parameter
        Declared parameters with the source's defaults.
    check : callable, optional
        Extra validation of the converted parameter values (raises ``TaskParameterError``).
    sampler : callable, optional
        The suite's own word sampler where it is not uniform over the alphabet:
        ``sampler(rng, batch, length)`` returns an ``int64`` array of token ids (indices into
        ``alphabet``) of shape ``(batch, L)`` with ``1 <= L <= length`` (e.g. the largest odd
        ``L``).  None: uniform words of the asked length.
    """

    suite: str
    name: str
    description: str
    alphabet: tuple[str, ...]
    token_meaning: tuple[str, ...]
    label_kind: str
    train_lengths: tuple[int, int] | None
    test_lengths: tuple[int, int] | None
    length_sampling: str
    chance: float | None
    source: str
    _build: Callable[[dict[str, Any]], DFA] = field(repr=False, compare=False)
    parameters: tuple[Parameter, ...] = ()
    check: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False, compare=False)
    sampler: WordSampler | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_choice(self.label_kind, LABEL_KINDS, "label kind")
        if len(self.alphabet) != len(self.token_meaning):
            raise InvalidArgumentError(
                f"suite task {self.address!r}: {len(self.alphabet)} tokens but "
                f"{len(self.token_meaning)} token meanings"
            )

    @property
    def address(self) -> str:
        """``SUITE/TASK``."""
        return f"{self.suite}/{self.name}"

    @property
    def defaults(self) -> dict[str, Any]:
        """Default parameter values (the source's defaults)."""
        return {p.name: p.default for p in self.parameters}

    def info(self) -> TaskInfo:
        """The task as a catalogue entry (named by its address), for the catalogue's machinery."""
        return TaskInfo(
            self.address,
            self.description,
            self.parameters,
            self._build,
            lambda p: {"source": self.source},
            lambda p: self.description,
            self.check,
        )

    def values(self, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Parameter values (Python values or spec strings) checked, defaults filled in.

        Raises ``TaskParameterError`` in one line for an unknown parameter or a bad value.
        """
        return _convert(self.info(), dict(params or {}))

    def build(self, **params: Any) -> DFA:
        """The minimal automaton at these parameter values (the rest take their defaults)."""
        return minimize(self._build(self.values(params)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record (without the automaton)."""
        return {
            "suite": self.suite,
            "name": self.name,
            "description": self.description,
            "alphabet": list(self.alphabet),
            "token_meaning": list(self.token_meaning),
            "label_kind": self.label_kind,
            "train_lengths": _lengths(self.train_lengths),
            "test_lengths": _lengths(self.test_lengths),
            "length_sampling": self.length_sampling,
            "chance": self.chance,
            "source": self.source,
            "parameters": [p.to_dict() for p in self.parameters],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SuiteTask:
        """The registered task that ``d`` (a :meth:`to_dict` record) describes.

        An unknown suite or task is refused with the known names (``UnknownTaskError``); a
        record whose conventions differ from the registered ones is refused naming the first
        differing field (``InvalidArgumentError``).
        """
        if not isinstance(d, Mapping) or "suite" not in d or "name" not in d:
            raise InvalidArgumentError(
                f"a suite task record must be a dict with 'suite' and 'name', got {d!r}"
            )
        task = suite(str(d["suite"])).task(str(d["name"]))
        mine = task.to_dict()
        for key in _TASK_KEYS:
            if key in d and d[key] != mine[key]:
                raise InvalidArgumentError(
                    f"suite task {task.address!r}: field {key!r} is {d[key]!r} in the record "
                    f"but {mine[key]!r} in the registry"
                )
        return task


@dataclass(frozen=True)
class Suite:
    """A named suite: its tasks in order and its source."""

    name: str
    description: str
    source: str
    tasks: tuple[SuiteTask, ...]

    def task(self, name: str) -> SuiteTask:
        """The task of that name; :class:`UnknownTaskError` lists the known ones."""
        for t in self.tasks:
            if t.name == name:
                return t
        raise UnknownTaskError(
            f"unknown task {name!r} of suite {self.name!r}; its tasks are "
            + ", ".join(t.name for t in self.tasks)
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "tasks": [t.to_dict() for t in self.tasks],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Suite:
        """The registered suite that ``d`` (a :meth:`to_dict` record) describes (its tasks are
        checked as :meth:`SuiteTask.from_dict` checks them)."""
        if not isinstance(d, Mapping) or "name" not in d:
            raise InvalidArgumentError(f"a suite record must be a dict with 'name', got {d!r}")
        found = suite(str(d["name"]))
        if "tasks" in d:
            names = [t.get("name") if isinstance(t, Mapping) else t for t in d["tasks"]]
            if names != [t.name for t in found.tasks]:
                raise InvalidArgumentError(
                    f"suite {found.name!r}: the record lists the tasks {names!r}, the registry "
                    f"{[t.name for t in found.tasks]!r}"
                )
            for t in d["tasks"]:
                SuiteTask.from_dict({"suite": found.name, **t})
        for key in ("description", "source"):
            if key in d and d[key] != getattr(found, key):
                raise InvalidArgumentError(
                    f"suite {found.name!r}: field {key!r} differs from the registry"
                )
        return found


# ================================================================================ the registry
_SUITES: dict[str, Suite] = {}


def register(entry: Suite) -> None:
    """Add a suite (called by :mod:`bilinear.automata.suites`, in registry order)."""
    _SUITES[entry.name] = entry


def suites() -> list[str]:
    """Names of the registered suites."""
    return list(_SUITES)


def suite(name: str) -> Suite:
    """A suite by name; :class:`UnknownTaskError` lists the known suites."""
    if not isinstance(name, str) or name not in _SUITES:
        raise UnknownTaskError(f"unknown suite {name!r}; the suites are {', '.join(_SUITES)}")
    return _SUITES[name]
