"""The automaton JSON codec and graph exports, on plain data (internal).

:mod:`bilinear.automata.dfa` builds on this module (``DFA.to_dict``, ``DFA.from_json``,
``DFA.to_dot``, ...) and :mod:`bilinear.automata.io` re-exports it; it imports neither, so the
dependency is one-way: ``io -> dfa -> _codec``.  The functions read an automaton through the
attributes of :class:`Automaton` only; parsing returns the keyword arguments of ``DFA(...)``.
See :mod:`bilinear.automata.io` for the format.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any, Protocol

import networkx as nx
import numpy as np

from bilinear.errors import AutomatonFormatError, DuplicateNameError

__all__ = ["Automaton", "dfa_to_dict", "dfa_to_json", "dfa_fields", "parse_json",
           "to_networkx", "to_dot"]


class Automaton(Protocol):
    """What the codec reads of a :class:`~bilinear.automata.DFA`."""

    @property
    def name(self) -> str: ...
    @property
    def states(self) -> tuple[Hashable, ...]: ...
    @property
    def alphabet(self) -> tuple[Hashable, ...]: ...
    @property
    def start(self) -> Hashable: ...
    @property
    def start_index(self) -> int: ...
    @property
    def table(self) -> np.ndarray: ...
    @property
    def labels(self) -> Any: ...
    @property
    def label_values(self) -> tuple[Any, ...]: ...
    @property
    def label_index(self) -> np.ndarray: ...
    @property
    def n_states(self) -> int: ...


_REQUIRED = ("alphabet", "states", "start", "transitions")
_OPTIONAL = ("labels", "name")


def _name(x: Hashable) -> str:
    """The JSON string for a state or symbol name."""
    return x if isinstance(x, str) else str(x)


def _string_names(names: tuple[Hashable, ...], kind: str) -> list[str]:
    out = [_name(x) for x in names]
    if len(set(out)) != len(out):
        seen: set[str] = set()
        for raw, s in zip(names, out, strict=True):
            if s in seen:
                raise DuplicateNameError(
                    f"two {kind}s print as {s!r} (one is {raw!r}); rename them before export"
                )
            seen.add(s)
    return out


def dfa_to_dict(dfa: Automaton) -> dict[str, Any]:
    """The JSON-ready dictionary of an automaton (names become strings)."""
    states = _string_names(dfa.states, "state")
    alphabet = _string_names(dfa.alphabet, "symbol")
    table = dfa.table.tolist()
    data: dict[str, Any] = {}
    if dfa.name:
        data["name"] = dfa.name
    data["alphabet"] = alphabet
    data["states"] = states
    data["start"] = states[dfa.start_index]
    data["transitions"] = {
        q: {a: states[row[k]] for k, a in enumerate(alphabet)}
        for q, row in zip(states, table, strict=True)
    }
    if dfa.labels is not None:
        for value in dfa.label_values:
            if not isinstance(value, (str, int, bool)):
                raise AutomatonFormatError(
                    f"label {value!r} cannot be written to automaton JSON (labels are strings, "
                    "integers or booleans); map the labels with relabel(..., labels=...) first"
                )
        data["labels"] = {
            q: dfa.label_values[i] for q, i in zip(states, dfa.label_index.tolist(), strict=True)
        }
    return data


def dfa_to_json(dfa: Automaton, indent: int | None = None) -> str:
    """Serialise an automaton to the JSON format."""
    return json.dumps(dfa_to_dict(dfa), indent=indent)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateNameError(f"duplicate key {key!r} in automaton JSON")
        out[key] = value
    return out


def _check_string_list(data: Mapping[str, Any], key: str) -> list[str]:
    value = data[key]
    if not isinstance(value, list) or not value:
        raise AutomatonFormatError(f"'{key}' must be a non-empty list of strings, got {value!r}")
    for item in value:
        if not isinstance(item, str):
            raise AutomatonFormatError(f"'{key}' entries must be strings, got {item!r}")
    return value


def _check_transitions(data: Mapping[str, Any]) -> dict[str, Any]:
    trans = data["transitions"]
    if not isinstance(trans, dict):
        raise AutomatonFormatError(
            "'transitions' must be an object {state: {symbol: state}}, got "
            f"{type(trans).__name__}"
        )
    for state, row in trans.items():
        if not isinstance(row, dict):
            raise AutomatonFormatError(
                f"transitions of state {state!r} must be an object {{symbol: state}}, got {row!r}"
            )
        for symbol, target in row.items():
            if not isinstance(target, str):
                raise AutomatonFormatError(
                    f"transition from state {state!r} on symbol {symbol!r} must name a state "
                    f"(a string), got {target!r}"
                )
    return trans


def dfa_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``DFA(...)`` from the dict form of the JSON format, validated."""
    if not isinstance(data, Mapping):
        raise AutomatonFormatError(
            f"automaton JSON must be an object, got {type(data).__name__}"
        )
    allowed = sorted(_REQUIRED + _OPTIONAL)
    for key in data:
        if key not in allowed:
            raise AutomatonFormatError(
                f"unknown key {key!r} in automaton JSON; allowed keys are {allowed}"
            )
    for key in _REQUIRED:
        if key not in data:
            raise AutomatonFormatError(f"automaton JSON lacks the required key {key!r}")
    states = _check_string_list(data, "states")
    alphabet = _check_string_list(data, "alphabet")
    start = data["start"]
    if not isinstance(start, str):
        raise AutomatonFormatError(f"'start' must be a state name (a string), got {start!r}")
    trans = _check_transitions(data)
    labels = data.get("labels")
    if labels is not None and not isinstance(labels, dict):
        raise AutomatonFormatError(f"'labels' must be an object {{state: label}}, got {labels!r}")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise AutomatonFormatError(f"'name' must be a string, got {name!r}")
    return {"states": states, "alphabet": alphabet, "transitions": trans, "start": start,
            "labels": labels, "name": name}


def parse_json(text: str | bytes) -> Any:
    """Parse JSON text, refusing duplicate keys; errors are :class:`AutomatonFormatError`."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise AutomatonFormatError(
            f"malformed automaton JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None


def to_networkx(dfa: Automaton) -> nx.MultiDiGraph:
    """A ``networkx.MultiDiGraph``: nodes are states (``label``, ``start`` attributes), one edge
    per transition with a ``symbol`` attribute.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> g = tasks.get("parity").dfa.to_networkx()
    >>> g.number_of_nodes(), g.number_of_edges()
    (2, 4)
    """
    g = nx.MultiDiGraph(name=dfa.name)
    for i, q in enumerate(dfa.states):
        g.add_node(q, label=dfa.label_values[dfa.label_index[i]], start=(i == dfa.start_index))
    for i, q in enumerate(dfa.states):
        for k, a in enumerate(dfa.alphabet):
            g.add_edge(q, dfa.states[dfa.table[i, k]], symbol=a)
    return g


def _dot_escape(x: Any) -> str:
    return str(x).replace("\\", "\\\\").replace('"', '\\"')


def _dot_id(x: Any) -> str:
    return '"' + _dot_escape(x) + '"'


def to_dot(dfa: Automaton) -> str:
    """Graphviz DOT source: parallel edges merged with their symbols joined by commas.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> print(tasks.get("parity").dfa.to_dot().splitlines()[0])
    digraph "parity" {
    """
    lines = [f"digraph {_dot_id(dfa.name or 'dfa')} {{", "  rankdir=LR;",
             '  __start [shape=point, label=""];']
    for i, q in enumerate(dfa.states):
        label = dfa.label_values[dfa.label_index[i]]
        shape = "doublecircle" if label is True else "circle"
        # state name and label are escaped separately; the line break between them is DOT's
        # own ``\\n`` escape, written once (not escaped again)
        text = _dot_escape(q)
        if dfa.labels is not None:
            text += f"\\n[{_dot_escape(label)}]"
        lines.append(f'  {_dot_id(q)} [shape={shape}, label="{text}"];')
    lines.append(f"  __start -> {_dot_id(dfa.start)};")
    edges: dict[tuple[int, int], list[str]] = {}
    for i in range(dfa.n_states):
        for k, a in enumerate(dfa.alphabet):
            edges.setdefault((i, int(dfa.table[i, k])), []).append(str(a))
    for (i, j), symbols in edges.items():
        lines.append(
            f"  {_dot_id(dfa.states[i])} -> {_dot_id(dfa.states[j])} "
            f"[label={_dot_id(','.join(symbols))}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
