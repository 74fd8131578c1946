"""``bilinear compile TASK --level LEVEL [...] --out FILE.npz``: exact weights for a task.

Writes the NPZ of docs/reference/formats.md#weights-npz (``--sparse``: the sparse one-hot extension
for automata whose dense ``W`` would not fit), optionally the exact weights as JSON (``--exact``)
and the tensor as LaTeX (``--latex``).  A level that cannot simulate the task exits with status 2
and theory's reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bilinear.cli._common import (
    CommandError,
    add_max_states_argument,
    load_task_argument,
    write_text,
)
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.constructions.registry import REGISTRY
from bilinear.errors import BilinearError
from bilinear.vocabulary import LEVELS, NOTIONS

__all__ = ["register", "run"]

def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``compile`` subcommand."""
    p = subparsers.add_parser(
        "compile",
        help="compile a task into exact bilinear RNN weights",
        description="Compile TASK (NAME, NAME:key=value,... or an automaton JSON file) into a "
        "bilinear RNN of LEVEL that simulates it exactly, and write the weights (NPZ, "
        "docs/reference/formats.md#weights-npz).",
    )
    p.add_argument("task", metavar="TASK", help="task spec or path to an automaton JSON file")
    p.add_argument("--level", required=True, choices=LEVELS, help="hierarchy level")
    p.add_argument("--block-size", type=int, default=None, metavar="B",
                   help="block size b for --level block (default: the smallest b <= 8 that "
                   "works; `classify` reports it as `yes at b = ...` / smallest_block_size)")
    p.add_argument("--rank", type=int, default=None, metavar="R",
                   help="largest CP rank accepted for --level cp")
    p.add_argument("--notion", choices=NOTIONS, default="fin",
                   help=
                   "simulation notion of docs/explanation/simulation-notions.md (default: fin)")
    p.add_argument("--construction", default=None, metavar="NAME", choices=list(REGISTRY),
                   help="force a construction (default: the one theory names; one of "
                   + ", ".join(REGISTRY) + ")")
    p.add_argument("--out", required=True, metavar="FILE.npz", help="weights file to write")
    p.add_argument("--sparse", action="store_true",
                   help="write the sparse one-hot NPZ extension (targets, scales, readout_rows)")
    p.add_argument("--exact", metavar="FILE.json", help="also write the exact weights as JSON")
    p.add_argument("--latex", metavar="FILE.tex", help="also write the tensor as LaTeX")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    add_max_states_argument(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Compile the task and write the requested files."""
    task = load_task_argument(args.task, args.max_states)
    rnn = compile_automaton(task.dfa, level=args.level, construction=args.construction,
                            notion=args.notion, block_size=args.block_size, rank=args.rank,
                            sparse=True if args.sparse else None,
                            source=getattr(task, "spec", None) or task.dfa.name)
    try:
        rnn.save(args.out, sparse=args.sparse)
    except OSError as err:
        raise CommandError(f"cannot write {str(args.out)!r}: {err.strerror or err}") from None
    if args.exact:
        write_text(args.exact, rnn.to_exact_json() + "\n")
    if args.latex:
        write_text(args.latex, rnn.to_latex())
    summary = {"task": rnn.source, "level": rnn.level, "H": rnn.H, "D": rnn.D, "S": rnn.S,
               "construction": rnn.info.get("construction"),
               "field": rnn.exact.field if rnn.exact is not None else None,
               "parameters": _params(rnn), "out": str(args.out),
               "block_size": rnn.info.get("block_size") if rnn.level == "block" else None,
               "fallback": dict(rnn.info.fallback) if rnn.info.fallback else None}
    if args.json:
        json.dump(summary, sys.stdout)
        sys.stdout.write("\n")
    else:
        level = rnn.level + (f" (b = {summary['block_size']})" if summary["block_size"] else "")
        print(f"{summary['task']}: level {level}, H = {rnn.H} ({summary['construction']}, "
              f"{summary['field']}) -> {args.out}")
        if rnn.info.fallback:
            print(f"note: {rnn.info.fallback['from']} was refused "
                  f"({rnn.info.fallback['reason']}); the one-hot model stands in for it")
    return 0


def _params(rnn: BilinearRNN) -> int | None:
    """The model's parameter count (``None`` where its level has no count, e.g. cp without a
    rank)."""
    try:
        return rnn.parameter_count()
    except BilinearError:
        return None
