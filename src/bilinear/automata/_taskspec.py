"""Machinery of the task catalogue: parameters, tasks, catalogue entries, the registry, specs.

A task is named as ``NAME`` or ``NAME:key=value,key=value``; parameter values in a spec are
strings and are converted by the declared type (:class:`Parameter`).  The catalogue entries
(:class:`TaskInfo`) are registered by :mod:`bilinear.automata.tasks`, which re-exports every
public name of this module: use that module (``from bilinear.automata import tasks``), not this
one.  This module never imports the registrations.

Examples
--------
>>> format_spec("cyclic", {"n": 5, "action": "regular"})
'cyclic:n=5,action=regular'
>>> parse_spec("cyclic:n=5,action=regular")
('cyclic', {'n': '5', 'action': 'regular'})

Two rules keep published spec strings (and the store keys made from them) stable and the cost of
a build bounded:

* a parameter declared ``added_later`` (:class:`Parameter`) is left out of the canonical spec at
  its default value, so adding one to a task changes none of its existing specs;
* a catalogue entry may declare its build's memory (:attr:`TaskInfo.memory`); :func:`get`
  refuses, before allocating, a build whose estimate exceeds :func:`build_memory_cap`
  (:data:`BUILD_MEMORY_CAP`, raised with the environment variable :data:`BUILD_MEMORY_ENV`).
"""

from __future__ import annotations

import math
import os
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bilinear._validation import check_choice
from bilinear.automata.dfa import DFA
from bilinear.automata.io import load_dfa
from bilinear.errors import (
    AutomatonFormatError,
    AutomatonTooLargeError,
    InvalidArgumentError,
    TaskParameterError,
    UnknownTaskError,
)
from bilinear.vocabulary import CHAIN

__all__ = ["Task", "Parameter", "TaskInfo", "names", "get", "resolve", "describe", "info",
           "parse_spec", "format_spec", "EXPECTED_KEYS", "LEVEL_CHAIN", "PARAMETER_TYPES",
           "BUILD_MEMORY_CAP", "BUILD_MEMORY_ENV", "build_memory_cap", "check_build_memory"]

#: Keys of :attr:`Task.expected` (always all present).
EXPECTED_KEYS = ("minimal_level", "block_size", "dim", "dim_enc", "states", "monoid_size",
                 "commutative", "aperiodic", "group", "group_order", "abelian", "solvable",
                 "source")

#: The chain of :data:`bilinear.vocabulary.CHAIN` (kept under this name for existing imports).
LEVEL_CHAIN = CHAIN

#: Declared parameter types (:attr:`Parameter.type`).
PARAMETER_TYPES = ("int", "str", "choice", "orders")

#: Default cap, in bytes, on the estimated peak memory of building one catalogue automaton
#: (256 MiB: the size of the largest dense ``W`` materialised, ``constructions.exact.DENSE_CAP``).
BUILD_MEMORY_CAP = 2**28
#: Environment variable that sets the cap instead, in GiB (e.g. ``BILINEAR_BUILD_MEMORY_GIB=4``).
BUILD_MEMORY_ENV = "BILINEAR_BUILD_MEMORY_GIB"


# ================================================================================ data types
@dataclass(frozen=True)
class Parameter:
    """A declared task parameter: name, type, default, bounds.

    ``type`` is ``"int"``, ``"str"``, ``"choice"`` (one of ``choices``) or ``"orders"`` (cyclic
    orders joined by ``x``, e.g. ``"2x4"``).  Values are stored as ``int`` or ``str``.

    ``added_later`` marks a parameter added to a task after its specs were published: at its
    default value it is left out of the canonical spec (:func:`format_spec`), so every spec
    string and store key made before it existed stays the same.  (Parameters declared from the
    start are always printed: omitting defaults in general would change existing specs.)

    Examples
    --------
    >>> p = Parameter("n", "int", 6, "number of points", minimum=2, maximum=100)
    >>> p.convert("7", task="cyclic")
    7
    >>> p.convert("1", task="cyclic")
    Traceback (most recent call last):
    ...
    bilinear.errors.TaskParameterError: parameter 'n' of task 'cyclic' must be >= 2, got 1
    """

    name: str
    type: str
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    added_later: bool = False

    def __post_init__(self) -> None:
        check_choice(self.type, PARAMETER_TYPES, "parameter type")
        if self.type == "choice" and self.default not in self.choices:
            raise InvalidArgumentError(f"default {self.default!r} is not among the choices")

    def _fail(self, task: str, problem: str) -> TaskParameterError:
        return TaskParameterError(f"parameter {self.name!r} of task {task!r} {problem}")

    def convert(self, value: Any, task: str = "") -> Any:
        """Check a value (a Python value or a spec string) and return it in canonical form."""
        if self.type == "int":
            if isinstance(value, str):
                try:
                    value = int(value.strip())
                except ValueError:
                    raise self._fail(task, f"must be an integer, got {value!r}") from None
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise self._fail(task, f"must be an integer, got {value!r}")
            value = int(value)
            if self.minimum is not None and value < self.minimum:
                raise self._fail(task, f"must be >= {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise self._fail(task, f"must be <= {self.maximum}, got {value}")
            return value
        if not isinstance(value, str):
            if self.type == "orders" and isinstance(value, (tuple, list)):
                value = "x".join(str(v) for v in value)
            else:
                raise self._fail(task, f"must be a string, got {value!r}")
        if self.type == "choice" and value not in self.choices:
            raise self._fail(task, f"must be one of {list(self.choices)!r}, got {value!r}")
        if self.type == "orders":
            parts = value.strip().split("x")
            try:
                orders = [int(p) for p in parts]
            except ValueError:
                raise self._fail(task, f"must be orders joined by 'x' like '2x4', got {value!r}") \
                    from None
            if any(o < 2 for o in orders):
                raise self._fail(task, f"needs every order >= 2, got {value!r}")
            if self.maximum is not None and math.prod(orders) > self.maximum:
                raise self._fail(
                    task, f"gives a group of order {math.prod(orders)} > {self.maximum}"
                )
            value = "x".join(str(o) for o in orders)
        return value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (for ``bilinear tasks --json``)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "default": self.default,
                               "description": self.description}
        if self.minimum is not None:
            out["min"] = self.minimum
        if self.maximum is not None:
            out["max"] = self.maximum
        if self.choices:
            out["choices"] = list(self.choices)
        if self.added_later:
            out["omitted_at_default"] = True
        return out


def _frozen_mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(f"{what} must be a mapping, got {type(value).__name__}")
    return types.MappingProxyType(dict(value))


@dataclass(frozen=True)
class Task:
    """A catalogue task: name, parameter values, one-line description, automaton, expectations.

    Attributes
    ----------
    name : str
        Catalogue name (or the file stem for a task read from JSON).
    params : mapping
        Parameter values (``int`` or ``str``), all declared parameters present.
    description : str
        One line; names the literature convention followed.
    dfa : DFA
        The automaton (a Moore machine labelling every prefix).
    expected : mapping
        Expectations from the literature and docs/explanation/levels.md#examples (keys
        :data:`EXPECTED_KEYS`).
    path : str or None
        The file the automaton was read from, for tasks given as a JSON path.
    sampler : callable or None
        A benchmark suite's own word sampler (``sampler(rng, batch, length)``: token ids of
        shape ``(batch, L)``, ``L <= length``) where the suite does not draw uniform words;
        None: uniform words (see ``bilinear.automata.suites``).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> t = tasks.get("parity")
    >>> t.name, dict(t.params), t.dfa.output("0110")
    ('parity', {}, [0, 1, 0, 0])
    """

    name: str
    params: Mapping[str, Any]
    description: str
    dfa: DFA
    expected: Mapping[str, Any] = field(default_factory=dict)
    path: str | None = None
    sampler: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidArgumentError(f"a task name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.description, str):
            raise InvalidArgumentError("a task description must be a string")
        if not isinstance(self.dfa, DFA):
            raise InvalidArgumentError(f"task {self.name!r}: dfa must be a DFA")
        object.__setattr__(self, "params", _frozen_mapping(self.params, "params"))
        expected = {key: None for key in EXPECTED_KEYS}
        expected.update(_frozen_mapping(self.expected, "expected"))
        object.__setattr__(self, "expected", types.MappingProxyType(expected))

    @property
    def spec(self) -> str:
        """The spec that :func:`resolve` turns back into this task (a path for file tasks)."""
        if self.path is not None:
            return self.path
        return format_spec(self.name, self.params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the automaton; use ``task.dfa.to_dict()`` for it)."""
        return {"name": self.name, "spec": self.spec, "params": dict(self.params),
                "description": self.description, "states": self.dfa.n_states,
                "alphabet": [str(a) for a in self.dfa.alphabet],
                "expected": dict(self.expected)}

    def __repr__(self) -> str:
        return f"Task({self.spec!r}, {self.dfa.n_states} states)"

    def __hash__(self) -> int:
        return hash((self.spec, self.dfa))


@dataclass(frozen=True)
class TaskInfo:
    """A catalogue entry: how to build and describe a task from its parameter values.

    ``memory``, when given, estimates the peak bytes of ``build`` from the converted values;
    :func:`get` checks it against :func:`build_memory_cap` before building.
    """

    name: str
    summary: str
    parameters: tuple[Parameter, ...]
    build: Callable[[dict[str, Any]], DFA] = field(repr=False)
    expect: Callable[[dict[str, Any]], dict[str, Any]] = field(repr=False)
    describe: Callable[[dict[str, Any]], str] = field(repr=False)
    check: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False)
    memory: Callable[[dict[str, Any]], int] | None = field(default=None, repr=False)

    @property
    def defaults(self) -> dict[str, Any]:
        """Default parameter values."""
        return {p.name: p.default for p in self.parameters}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description with the expectations at the default parameters."""
        return {"name": self.name, "description": self.summary,
                "parameters": [p.to_dict() for p in self.parameters],
                "default_spec": format_spec(self.name, self.defaults),
                "expected": _expected(self.expect(self.defaults))}


# ================================================================================ helpers
def _expected(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: None for key in EXPECTED_KEYS}
    out.update(values)
    return out


def numbered(n: int) -> list[str]:
    """The state or symbol names ``'0', ..., 'n-1'`` of the catalogue automata.

    Examples
    --------
    >>> numbered(3)
    ['0', '1', '2']
    """
    return [str(i) for i in range(n)]


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.2f} GiB"


def build_memory_cap() -> int:
    """The cap on the estimated memory of one catalogue build, in bytes.

    :data:`BUILD_MEMORY_CAP` unless the environment variable :data:`BUILD_MEMORY_ENV` gives
    another value in GiB.

    Examples
    --------
    >>> build_memory_cap() == BUILD_MEMORY_CAP or BUILD_MEMORY_ENV in os.environ
    True
    """
    raw = os.environ.get(BUILD_MEMORY_ENV)
    if raw is None or not raw.strip():
        return BUILD_MEMORY_CAP
    try:
        gib = float(raw)
    except ValueError:
        gib = math.nan
    if not math.isfinite(gib) or gib <= 0:
        raise InvalidArgumentError(
            f"environment variable {BUILD_MEMORY_ENV}={raw!r} must be a positive number of GiB"
        )
    return int(gib * 2**30)


def check_build_memory(what: str, estimate: int, detail: str = "") -> None:
    """Refuse a build whose estimated peak memory ``estimate`` (bytes) exceeds the cap.

    Raises
    ------
    AutomatonTooLargeError
        Naming ``what``, the estimate, the cap and how to raise it.

    Examples
    --------
    >>> check_build_memory("random_fsm:states=10", 1000)
    >>> check_build_memory("random_fsm:states=100000,symbols=1000", 1_600_000_000,
    ...                    "100,000 x 1,000 transitions")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.AutomatonTooLargeError: random_fsm:states=100000,symbols=1000 would need
    1.49 GiB to build (100,000 x 1,000 transitions); the cap is 0.25 GiB: raise it with the
    environment variable BILINEAR_BUILD_MEMORY_GIB=2
    """
    cap = build_memory_cap()
    if estimate <= cap:
        return
    suggestion = max(1, math.ceil(estimate / 2**30))
    raise AutomatonTooLargeError(
        f"{what} would need {_gib(estimate)} to build" + (f" ({detail})" if detail else "")
        + f"; the cap is {_gib(cap)}: raise it with the environment variable "
        f"{BUILD_MEMORY_ENV}={suggestion}"
    )


def _with_name(dfa: DFA, name: str) -> DFA:
    labels = None if dfa.labels is None else [dfa.labels[q] for q in dfa.states]
    return DFA._from_trusted(dfa.states, dfa.alphabet, dfa.table, dfa.start_index, labels, name)


# ================================================================================ the registry
_CATALOGUE: dict[str, TaskInfo] = {}

#: Resolver of ``SUITE/TASK`` addresses (set by :mod:`bilinear.automata.tasks`).
_SUITE_RESOLVER: list[tuple[Callable[[str], Task], Callable[[], list[str]]]] = []


def register_suite_resolver(resolver: Callable[[str], Task],
                            suite_names: Callable[[], list[str]]) -> None:
    """Let :func:`resolve` accept ``SUITE/TASK`` addresses (:mod:`bilinear.automata.suites`)."""
    _SUITE_RESOLVER[:] = [(resolver, suite_names)]


def register(entry: TaskInfo) -> None:
    """Add a catalogue entry (called by :mod:`bilinear.automata.tasks`, in catalogue order)."""
    _CATALOGUE[entry.name] = entry


# ================================================================================ public API
def names() -> list[str]:
    """Names of the catalogue tasks, in catalogue order.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> tasks.names()[:3]
    ['parity', 'modular_addition', 'modular_arithmetic']
    """
    return list(_CATALOGUE)


def info(name: str) -> TaskInfo:
    """The catalogue entry of a task name; :class:`UnknownTaskError` lists the names.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> entry = tasks.info("random_fsm")
    >>> [p.name for p in entry.parameters], entry.defaults["seed"]
    (['states', 'symbols', 'seed', 'kind'], 1)
    """
    if not isinstance(name, str) or name not in _CATALOGUE:
        raise UnknownTaskError(f"unknown task {name!r}; the tasks are {', '.join(_CATALOGUE)}")
    return _CATALOGUE[name]


def _convert(entry: TaskInfo, params: Mapping[str, Any]) -> dict[str, Any]:
    declared = {p.name: p for p in entry.parameters}
    for key in params:
        if key not in declared:
            raise TaskParameterError(
                f"unknown parameter {key!r} of task {entry.name!r}; "
                + (f"its parameters are {list(declared)!r}" if declared
                   else "it takes no parameters")
            )
    values = {}
    for p in entry.parameters:
        values[p.name] = p.convert(params[p.name], entry.name) if p.name in params else p.default
    if entry.check is not None:
        entry.check(values)
    return values


def get(name: str, **params: Any) -> Task:
    """Build a catalogue task with the given parameters (the rest take their defaults).

    Parameters
    ----------
    name : str
        A name from :func:`names`.
    **params
        Parameter values (Python values or strings, converted by the declared type).

    Returns
    -------
    Task

    Raises
    ------
    UnknownTaskError
        ``name`` is not in the catalogue (the message lists the names).
    TaskParameterError
        An unknown parameter, or a value of the wrong type or out of range (named).
    AutomatonTooLargeError
        The build's estimated memory (:attr:`TaskInfo.memory`) passes :func:`build_memory_cap`;
        refused before anything is allocated.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> t = tasks.get("modular_arithmetic", m=5)
    >>> t.dfa.run(["+3", "*2", "-4"])
    '2'
    >>> tasks.get("symmetric", n=4, action="points").dfa.n_states
    4
    >>> tasks.get("parityy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownTaskError: unknown task 'parityy'; the tasks are parity, ...
    """
    entry = info(name)
    values = _convert(entry, params)
    spec = format_spec(entry.name, values)
    if entry.memory is not None:
        check_build_memory(spec, entry.memory(values))
    dfa = entry.build(values)
    if dfa.name != spec:
        dfa = _with_name(dfa, spec)
    return Task(name=entry.name, params=values, description=entry.describe(values),
                dfa=dfa, expected=_expected(entry.expect(values)))


def format_spec(name: str, params: Mapping[str, Any]) -> str:
    """The spec string ``NAME:key=value,...`` (``NAME`` alone without parameters).

    For a catalogue task, a parameter declared ``added_later`` is left out at its default value
    (:class:`Parameter`), so specs written before it existed stay canonical.

    Examples
    --------
    >>> format_spec("random_fsm", {"states": 5, "symbols": 3, "seed": 1})
    'random_fsm:states=5,symbols=3,seed=1'
    """
    entry = _CATALOGUE.get(name)
    if entry is not None:
        later = {p.name: p.default for p in entry.parameters if p.added_later}
        params = {k: v for k, v in params.items() if k not in later or v != later[k]}
    if not params:
        return name
    return name + ":" + ",".join(f"{k}={v}" for k, v in params.items())


def _is_key_segment(segment: str) -> bool:
    key, eq, _ = segment.partition("=")
    return bool(eq) and key.strip().isidentifier()


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``NAME:key=value,key=value`` into the name and the (string) parameter values.

    A comma that is not followed by ``key=`` belongs to the value before it, so a regular
    expression may contain commas (``regex:pattern=[a,b]*``).

    Examples
    --------
    >>> parse_spec("random_fsm:states=10,symbols=3")
    ('random_fsm', {'states': '10', 'symbols': '3'})
    >>> parse_spec("regex:pattern=(a|b,c)*,alphabet=abc,")
    ('regex', {'pattern': '(a|b,c)*', 'alphabet': 'abc,'})
    """
    if not isinstance(spec, str):
        raise InvalidArgumentError(f"a task spec must be a string, got {spec!r}")
    name, _, body = spec.strip().partition(":")
    name = name.strip()
    if not name:
        raise UnknownTaskError(f"empty task name in spec {spec!r}; the tasks are "
                               f"{', '.join(_CATALOGUE)}")
    params: dict[str, str] = {}
    if not body:
        return name, params
    segments = body.split(",")
    if not _is_key_segment(segments[0]):
        raise TaskParameterError(
            f"bad parameter {segments[0]!r} in task spec {spec!r}; expected key=value"
        )
    last = ""
    for segment in segments:
        if _is_key_segment(segment):
            key, _, value = segment.partition("=")
            key = key.strip()
            if key in params:
                raise TaskParameterError(f"parameter {key!r} given twice in task spec {spec!r}")
            params[key] = value
            last = key
        else:
            params[last] += "," + segment
    return name, params


def _looks_like_path(spec: str) -> bool:
    """A spec is a file when it exists, ends in ``.json``, or its name part is no identifier."""
    if os.path.isfile(spec) or spec.endswith(".json"):
        return True
    name = spec.partition(":")[0].strip()
    return bool(name) and not name.isidentifier()


def resolve(spec: str) -> Task:
    """A task from a spec ``NAME`` / ``NAME:key=value,...`` or a path to automaton JSON.

    A JSON file gives a task named after the file (its stem), with no parameters and no
    expectations.

    Raises
    ------
    UnknownTaskError, TaskParameterError
        As :func:`get`.
    AutomatonFormatError
        The file cannot be read or is not valid automaton JSON.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> tasks.resolve("cyclic:n=3,action=points").dfa.states
    ('0', '1', '2')
    >>> tasks.resolve("cyclic:n=x")
    Traceback (most recent call last):
    ...
    bilinear.errors.TaskParameterError: parameter 'n' of task 'cyclic' must be an integer, got 'x'
    """
    if not isinstance(spec, str):
        raise InvalidArgumentError(f"a task spec must be a string, got {spec!r}")
    spec = spec.strip()
    head = spec.partition(":")[0]
    address = (bool(_SUITE_RESOLVER) and head.count("/") == 1 and "." not in head
               and not os.path.isfile(spec))
    if address and head.partition("/")[0].strip() in _SUITE_RESOLVER[0][1]():
        return _SUITE_RESOLVER[0][0](spec)
    if _looks_like_path(spec):
        try:
            dfa = load_dfa(spec)
        except AutomatonFormatError as exc:
            if not address:
                raise
            raise AutomatonFormatError(
                f"{exc}; nor is {head.partition('/')[0].strip()!r} a suite (the suites are "
                f"{', '.join(_SUITE_RESOLVER[0][1]())})") from None
        return Task(name=Path(spec).stem or "automaton", params={},
                    description=f"automaton read from {spec}", dfa=dfa,
                    expected={"states": None, "source": spec}, path=spec)
    name, params = parse_spec(spec)
    return get(name, **params)


def describe() -> list[dict[str, Any]]:
    """The catalogue as JSON-ready dictionaries (name, description, parameters, expectations).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> entry = tasks.describe()[1]
    >>> entry["name"], entry["parameters"][0]["name"], entry["expected"]["minimal_level"]
    ('modular_addition', 'm', 'complex_diagonal')
    """
    return [entry.to_dict() for entry in _CATALOGUE.values()]
