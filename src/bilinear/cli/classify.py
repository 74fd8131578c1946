"""``bilinear classify TASK [--notion fin|rob|fp] [--json]``: the place of a task in the hierarchy.

With ``--json`` the output is ``Classification.to_dict()``
(docs/reference/formats.md#classification-json); without it, a readable table: the algebra, then one
row per level (verdict, dimensions, construction, and the witness kind of every "no").
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilinear.cli._common import add_max_states_argument, load_task_argument, print_json
from bilinear.theory import classify

__all__ = ["register", "run", "format_table"]


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``classify`` subcommand."""
    p = subparsers.add_parser(
        "classify",
        help="the algebra of a task and its verdict at every level of the hierarchy",
        description="Classify TASK (NAME, NAME:key=value,... or an automaton JSON file) in the "
        "hierarchy of bilinear RNN levels: per level a verdict (yes / no / unknown), the "
        "smallest dimension found, a proved lower bound, and a checkable witness for every no.",
    )
    p.add_argument("task", metavar="TASK", help="task spec or path to an automaton JSON file")
    p.add_argument("--notion", choices=("fin", "rob", "fp"), default="fin",
                   help="simulation notion (docs/explanation/simulation-notions.md; default: fin)")
    p.add_argument("--block-size", type=int, default=2, metavar="B",
                   help="block size b of the block level (default: 2)")
    p.add_argument("--json", action="store_true", help="print the classification as JSON")
    add_max_states_argument(p)
    return p


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def format_table(data: dict) -> str:
    """A readable rendering of ``Classification.to_dict()``.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.theory import classify
    >>> text = format_table(classify(tasks.get("parity").dfa, task="parity").to_dict())
    >>> "minimal level: real_diagonal" in text
    True
    """
    alg = data["algebra"]
    lines = [
        f"task: {data['task']}   notion: {data['notion']}   states (minimal): {data['states']}"
        f"   alphabet: {', '.join(map(str, data['alphabet']))}",
        "algebra: " + ", ".join(
            f"{k}={_cell(alg.get(k))}" for k in ("monoid_size", "commutative", "aperiodic",
                                                  "group", "group_order", "abelian", "solvable",
                                                  "abelian_invariants")),
        "",
        f"{'level':<18} {'verdict':<8} {'dim':>5} {'lower':>5}  {'construction':<16} note",
    ]
    for name, v in data["levels"].items():
        note = v.get("witness", {}).get("kind", "") if v["verdict"] == "no" else ""
        if v["verdict"] == "unknown":
            note = v.get("reason", "")
        if name == "block":
            name = f"block (b={v.get('block_size')})"
        lines.append(f"{name:<18} {v['verdict']:<8} {_cell(v['dim_upper']):>5} "
                     f"{_cell(v['dim_lower']):>5}  {_cell(v.get('construction')):<16} {note}")
    minimal = data["minimal_level"]
    if minimal == "block":
        minimal += f" (b={data['block_size']})"
    lines += ["", f"minimal level: {minimal}"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Classify the task and print the result."""
    task = load_task_argument(args.task, args.max_states)
    # "task" echoes the spec as given (docs/reference/formats.md#classification-json); "task_spec"
    # is its canonical form
    canonical = getattr(task, "spec", None) or getattr(task, "name", None) or args.task
    result = classify(task.dfa, args.notion, block_size=args.block_size, task=args.task)
    data = result.to_dict()
    data["task_spec"] = str(canonical)
    if args.json:
        print_json(data)
    else:
        sys.stdout.write(format_table(data))
    return 0
