"""``bilinear tasks [--json]``: the task catalogue with parameters, defaults and expectations."""

from __future__ import annotations

import argparse
from typing import Any

from bilinear.automata import suites, tasks
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
    p.add_argument("--json", action="store_true", help="print the catalogue as one JSON document")
    p.add_argument(
        "--suite",
        metavar="NAME",
        default=None,
        help="list the tasks of a benchmark suite with their conventions "
        f"(suites: {', '.join(suites.suites())}); address one as SUITE/TASK",
    )
    return p


def _run_suite(name: str, as_json: bool) -> int:
    suite = suites.suite(name)
    if as_json:
        print_json({"suite": suite.to_dict()})
        return 0
    print(f"{suite.name}: {suite.description}")
    print(f"  source: {suite.source}")
    for t in suite.tasks:
        lengths = (
            "train/test lengths not fixed by the source"
            if t.train_lengths is None
            else f"train lengths {t.train_lengths[0]}-{t.train_lengths[1]}, test lengths "
            f"{t.test_lengths[0]}-{t.test_lengths[1]}"
            if t.test_lengths
            else ""
        )
        pairs = [f"{a}={m}" for a, m in zip(t.alphabet, t.token_meaning, strict=True)]
        tokens = (
            ", ".join(pairs)
            if len(pairs) <= 8
            else ", ".join(pairs[:3]) + f", ... ({len(pairs)} tokens)"
        )
        chance = "?" if t.chance is None else f"{100 * t.chance:.3g}%"
        params = ", ".join(_param_text(p.to_dict()) for p in t.parameters)
        print(f"{t.address}  {t.description}")
        print(
            f"    tokens: {tokens}; labels: {t.label_kind}; {lengths}; chance {chance}; "
            f"sampling: {t.length_sampling}"
        )
        if params:
            print(f"    parameters: {params}; address with them as {t.address}:key=value,...")
    return 0


def _param_text(param: dict[str, Any]) -> str:
    kind = param["type"]
    if "choices" in param:
        kind = "|".join(param["choices"])
    return f"{param['name']}={param['default']!s} ({kind})"


def run(args: argparse.Namespace) -> int:
    """Print the catalogue (text table, or JSON with ``--json``)."""
    if getattr(args, "suite", None) is not None:
        return _run_suite(args.suite, args.json)
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
