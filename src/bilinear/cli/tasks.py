"""``bilinear tasks [--json]``: the task catalogue with parameters, defaults and expectations."""

from __future__ import annotations

import argparse
from typing import Any

from bilinear.automata import tasks
from bilinear.cli._common import print_json

__all__ = ["register", "run"]


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``tasks`` subcommand."""
    p = subparsers.add_parser(
        "tasks",
        help="list the task catalogue",
        description="The task catalogue: names, parameters with defaults and types, one-line "
        "descriptions and the level the literature expects (docs/explanation/levels.md#examples). "
        "A task is "
        "named NAME or NAME:key=value,key=value anywhere a TASK is taken.",
    )
    p.add_argument("--json", action="store_true",
                   help="print the catalogue as one JSON document")
    return p


def _param_text(param: dict[str, Any]) -> str:
    kind = param["type"]
    if "choices" in param:
        kind = "|".join(param["choices"])
    return f"{param['name']}={param['default']!s} ({kind})"


def run(args: argparse.Namespace) -> int:
    """Print the catalogue (text table, or JSON with ``--json``)."""
    entries = tasks.describe()
    if args.json:
        print_json({"tasks": entries})
        return 0
    width = max(len(e["name"]) for e in entries)
    for e in entries:
        params = ", ".join(_param_text(p) for p in e["parameters"]) or "-"
        level = e["expected"]["minimal_level"] or "?"
        if level == "block" and e["expected"]["block_size"]:
            level += f"({e['expected']['block_size']})"
        print(f"{e['name']:<{width}}  {e['description']}")
        print(f"{'':<{width}}    parameters: {params}; expected level at defaults: {level}")
    return 0
