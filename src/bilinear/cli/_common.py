"""Shared helpers of the command line: task arguments, JSON output, one-line errors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bilinear._validation import check_positive_int
from bilinear.automata import tasks
from bilinear.automata._taskspec import _convert, _looks_like_path
from bilinear.errors import AutomatonTooLargeError, BilinearError

__all__ = ["CommandError", "fail", "print_json", "load_task_argument", "write_text",
           "add_max_states_argument", "DEFAULT_MAX_STATES"]

#: Default of ``--max-states``: catalogue tasks whose automaton would have more states are
#: refused before they are built.
DEFAULT_MAX_STATES = 20_000


class CommandError(Exception):
    """A command-line usage problem (bad file, bad combination of options)."""


def fail(err: BaseException) -> int:
    """Print ``err`` on one line of stderr and return exit status 2."""
    message = " ".join(str(err).split()) or type(err).__name__
    print(f"bilinear: error: {message}", file=sys.stderr)
    return 2


def print_json(data: Any) -> None:
    """Write one JSON document to stdout."""
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def add_max_states_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-states N`` (read by :func:`load_task_argument` via ``args.max_states``)."""
    parser.add_argument("--max-states", type=int, default=DEFAULT_MAX_STATES, metavar="N",
                        help="refuse automata with more than N states, before building them "
                        f"(default: {DEFAULT_MAX_STATES})")


def _expected_states(spec: str) -> int | None:
    """The number of states a catalogue spec declares, without building it (None: unknown)."""
    spec = spec.strip()
    if _looks_like_path(spec) or "/" in spec.partition(":")[0]:
        return None  # files and SUITE/TASK addresses: checked after loading
    try:
        name, params = tasks.parse_spec(spec)
        entry = tasks.info(name)
        states = entry.expect(_convert(entry, params)).get("states")
    except BilinearError:
        return None  # tasks.resolve reports the problem
    return states if isinstance(states, int) else None


def load_task_argument(spec: str, max_states: int | None = None) -> tasks.Task:
    """Resolve a TASK argument: ``NAME``, ``NAME:key=value,...`` or a path to automaton JSON.

    With ``max_states``, a catalogue task declaring more states is refused before it is built,
    and any automaton with more states is refused after loading.
    """
    if max_states is not None:
        max_states = check_positive_int(max_states, "--max-states")
        expected = _expected_states(spec)
        if expected is not None and expected > max_states:
            raise AutomatonTooLargeError(
                f"task {spec!r} has {expected} states > --max-states {max_states}; "
                "raise the cap with --max-states N")
    task = tasks.resolve(spec)
    if max_states is not None and task.dfa.n_states > max_states:
        raise AutomatonTooLargeError(
            f"task {spec!r} has {task.dfa.n_states} states > --max-states {max_states}; "
            "raise the cap with --max-states N")
    return task


def write_text(path: str | Path, text: str) -> None:
    """Write a text file, turning OS errors into one-line command errors."""
    p = Path(path)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as err:
        raise CommandError(f"cannot write {str(p)!r}: {err.strerror}") from None
