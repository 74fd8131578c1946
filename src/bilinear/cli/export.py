"""``bilinear export TASK [--format json|dot] [--out FILE]``: a task's automaton."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilinear.cli._common import add_max_states_argument, load_task_argument, write_text
from bilinear.errors import AutomatonTooLargeError

#: Transitions above which ``export`` refuses (the text costs about 270 bytes per transition).
MAX_EXPORT_TRANSITIONS = 2**21
_BYTES_PER_TRANSITION = 270

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
    p.add_argument("--max-transitions", type=int, default=MAX_EXPORT_TRANSITIONS, metavar="N",
                   help="refuse automata with more than N transitions (states x symbols; "
                   f"default {MAX_EXPORT_TRANSITIONS:,})")
    return p


def check_export_size(spec: str, transitions: int, cap: int) -> None:
    """Refuse an export whose text would pass ``cap`` transitions, with the estimated size.

    Examples
    --------
    >>> check_export_size("parity", 4, 10)
    >>> check_export_size("big", 20, 10)
    Traceback (most recent call last):
    ...
    bilinear.errors.AutomatonTooLargeError: big: 20 transitions would need about 0.0 GiB as text; \
the cap is 10 transitions (raise it with --max-transitions 20)
    """
    if transitions > cap:
        gib = _BYTES_PER_TRANSITION * transitions / 2**30
        raise AutomatonTooLargeError(
            f"{spec}: {transitions:,} transitions would need about {gib:.1f} GiB as text; the cap "
            f"is {cap:,} transitions (raise it with --max-transitions {transitions})")


def run(args: argparse.Namespace) -> int:
    """Export the automaton."""
    task = load_task_argument(args.task, args.max_states)
    dfa = task.dfa
    check_export_size(task.spec, dfa.n_states * len(dfa.alphabet), args.max_transitions)
    text = dfa.to_json(indent=2) if args.format == "json" else dfa.to_dot()
    if not text.endswith("\n"):
        text += "\n"
    if args.out:
        write_text(args.out, text)
    else:
        sys.stdout.write(text)
    return 0
