"""Shared helpers of the command line: task arguments, JSON output, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bilinear.automata import tasks

__all__ = ["CommandError", "fail", "print_json", "load_task_argument", "write_text"]


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


def load_task_argument(spec: str) -> tasks.Task:
    """Resolve a TASK argument: ``NAME``, ``NAME:key=value,...`` or a path to automaton JSON."""
    return tasks.resolve(spec)


def write_text(path: str | Path, text: str) -> None:
    """Write a text file, turning OS errors into one-line command errors."""
    p = Path(path)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as err:
        raise CommandError(f"cannot write {str(p)!r}: {err.strerror}") from None
