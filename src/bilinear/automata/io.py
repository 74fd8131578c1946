"""Automaton I/O: the JSON format of docs/reference/formats.md#automaton-json, networkx and Graphviz
DOT.

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

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bilinear.automata._codec import dfa_to_dict, dfa_to_json, to_dot, to_networkx
from bilinear.automata.dfa import DFA
from bilinear.errors import AutomatonFormatError

__all__ = ["dfa_to_dict", "dfa_to_json", "dfa_from_dict", "dfa_from_json", "to_networkx",
           "to_dot", "load_dfa"]


def dfa_from_dict(data: Mapping[str, Any]) -> DFA:
    """Build an automaton from the dictionary form of the JSON format, validating every field."""
    return DFA.from_dict(data)


def dfa_from_json(text: str | bytes) -> DFA:
    """Parse the automaton JSON format; every error names the offending key, state or symbol."""
    return DFA.from_json(text)


def load_dfa(path: str) -> DFA:
    """Read an automaton JSON file; the error names the file when it cannot be read."""
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
