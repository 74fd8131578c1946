"""``bilinear export TASK [--format json|dot] [--out FILE]``: a task's automaton."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilinear.cli._common import add_max_states_argument, load_task_argument, write_text

__all__ = ["register", "run"]


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` subcommand."""
    p = subparsers.add_parser(
        "export",
        help="write a task's automaton as JSON or DOT",
        description="Write the automaton of TASK (NAME, NAME:key=value,... or an automaton "
        "JSON file) in the automaton JSON format (docs/reference/formats.md#automaton-json) or as "
        "Graphviz DOT.",
    )
    p.add_argument("task", metavar="TASK", help="task spec or path to an automaton JSON file")
    p.add_argument("--format", choices=("json", "dot"), default="json",
                   help="output format (default: json)")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    add_max_states_argument(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Export the automaton."""
    task = load_task_argument(args.task, args.max_states)
    dfa = task.dfa
    text = dfa.to_json(indent=2) if args.format == "json" else dfa.to_dot()
    if not text.endswith("\n"):
        text += "\n"
    if args.out:
        write_text(args.out, text)
    else:
        sys.stdout.write(text)
    return 0
