"""Automaton I/O: the JSON format of design.md section 5, networkx and Graphviz DOT.

The JSON format::

    {"name": "parity", "alphabet": ["0", "1"], "states": ["even", "odd"], "start": "even",
     "transitions": {"even": {"0": "even", "1": "odd"}, "odd": {"0": "odd", "1": "even"}},
     "labels": {"even": 0, "odd": 1}}

Symbols and states are JSON strings; labels are strings, integers or booleans; ``labels`` may be
omitted (the label of a state is then the state).  Unknown keys, duplicate names (also duplicate
keys inside a JSON object), missing transitions and unknown states are errors naming the culprit.

Examples
--------
>>> from bilinear.automata import DFA, tasks
>>> d = tasks.get("parity").dfa
>>> DFA.from_json(d.to_json()) == d
True
>>> DFA.from_json('{"alphabet": ["a"], "states": ["s"], "start": "s", "colour": 1,'
...               ' "transitions": {"s": {"a": "s"}}}')
Traceback (most recent call last):
...
bilinear.errors.AutomatonFormatError: unknown key 'colour' in automaton JSON; allowed keys are [...]
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from bilinear.errors import AutomatonFormatError, DuplicateNameError

if TYPE_CHECKING:
    import networkx

    from bilinear.automata.dfa import DFA

__all__ = ["dfa_to_dict", "dfa_to_json", "dfa_from_dict", "dfa_from_json", "to_networkx",
           "to_dot", "load_dfa"]

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


def dfa_to_dict(dfa: DFA) -> dict[str, Any]:
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


def dfa_to_json(dfa: DFA, indent: int | None = None) -> str:
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


def dfa_from_dict(data: Mapping[str, Any]) -> DFA:
    """Build an automaton from the dictionary form of the JSON format, validating every field."""
    from bilinear.automata.dfa import DFA

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
    return DFA(
        states=states, alphabet=alphabet, transitions=trans, start=start, labels=labels, name=name
    )


def dfa_from_json(text: str | bytes) -> DFA:
    """Parse the automaton JSON format; every error names the offending key, state or symbol."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise AutomatonFormatError(
            f"malformed automaton JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    return dfa_from_dict(data)


def load_dfa(path: str) -> DFA:
    """Read an automaton JSON file; the error names the file when it cannot be read."""
    from pathlib import Path

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as err:
        raise AutomatonFormatError(
            f"cannot read automaton file {str(p)!r}: {err.strerror}"
        ) from None
    except UnicodeDecodeError:
        raise AutomatonFormatError(f"automaton file {str(p)!r} is not UTF-8 text") from None
    try:
        dfa = dfa_from_json(text)
    except AutomatonFormatError as err:
        raise AutomatonFormatError(f"{p}: {err}") from None
    return dfa


def to_networkx(dfa: DFA) -> networkx.MultiDiGraph:
    """A ``networkx.MultiDiGraph``: nodes are states (``label``, ``start`` attributes), one edge
    per transition with a ``symbol`` attribute.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> g = tasks.get("parity").dfa.to_networkx()
    >>> g.number_of_nodes(), g.number_of_edges()
    (2, 4)
    """
    import networkx as nx

    g = nx.MultiDiGraph(name=dfa.name)
    for i, q in enumerate(dfa.states):
        g.add_node(q, label=dfa.label_values[dfa.label_index[i]], start=(i == dfa.start_index))
    for i, q in enumerate(dfa.states):
        for k, a in enumerate(dfa.alphabet):
            g.add_edge(q, dfa.states[dfa.table[i, k]], symbol=a)
    return g


def _dot_id(x: Any) -> str:
    return '"' + str(x).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(dfa: DFA) -> str:
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
        text = str(q) if dfa.labels is None else f"{q}\\n[{label}]"
        lines.append(f"  {_dot_id(q)} [shape={shape}, label={_dot_id(text)}];")
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
