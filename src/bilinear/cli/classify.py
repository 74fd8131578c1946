"""``bilinear classify TASK [--notion fin|rob|fp] [--json]``: the place of a task in the hierarchy.

With ``--json`` the output is ``Classification.to_dict()``
(docs/reference/formats.md#classification-json); without it, a readable table: the algebra, then one
row per level (verdict, dimensions, construction, and the witness of every "no": its kind and
words).

``bilinear classify --suite NAME [--json]`` classifies every task of a benchmark suite
(docs/reference/suites.md): one row per task with its lowest level, the verdicts on the chain
and the witness words of every "no", then what the published model families need; with
``--json`` the output is ``SuiteClassification.to_dict()``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilinear.automata import suites
from bilinear.cli._common import (
    CommandError,
    add_max_states_argument,
    load_task_argument,
    print_json,
)
from bilinear.theory import classify
from bilinear.theory.suites import classify_suite, witness_text
from bilinear.vocabulary import CHAIN

__all__ = ["register", "run", "format_table", "format_suite_table"]

#: Column heads of the chain levels in the ``--suite`` table.
_SHORT = {
    "positive_diagonal": "pos",
    "real_diagonal": "real",
    "complex_diagonal": "cplx",
    "block": "block",
    "full": "full",
}
_VERDICT = {"yes": "y", "no": "n", "unknown": "?"}


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``classify`` subcommand."""
    p = subparsers.add_parser(
        "classify",
        help="the algebra of a task and its verdict at every level of the hierarchy",
        description="Classify TASK (NAME, NAME:key=value,... or an automaton JSON file) in the "
        "hierarchy of bilinear RNN levels: per level a verdict (yes / no / unknown), the "
        "smallest dimension found, a proved lower bound, and a checkable witness for every no.",
    )
    p.add_argument(
        "task",
        metavar="TASK",
        nargs="?",
        default=None,
        help="task spec (NAME, NAME:key=value,..., SUITE/TASK) or path to an automaton JSON file",
    )
    p.add_argument(
        "--suite",
        metavar="NAME",
        default=None,
        help="classify every task of a benchmark suite instead of one TASK "
        f"(suites: {', '.join(suites.suites())})",
    )
    p.add_argument(
        "--notion",
        choices=("fin", "rob", "fp"),
        default="fin",
        help="simulation notion (docs/explanation/simulation-notions.md; default: fin)",
    )
    p.add_argument(
        "--block-size",
        type=int,
        default=2,
        metavar="B",
        help="block size b of the block level (default: 2)",
    )
    p.add_argument("--json", action="store_true", help="print the classification as JSON")
    add_max_states_argument(p)
    p.set_defaults(_usage_error=p.error)  # one-line usage errors of TASK / --suite
    return p


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)



def _symbols(alphabet: list[Any], shown: int = 12) -> str:
    """The alphabet for one line: the first ``shown`` symbols and the count of the others.

    Examples
    --------
    >>> _symbols(list(range(3)))
    '0, 1, 2'
    >>> _symbols(list(range(60)), shown=2)
    '0, 1, ... (60 symbols)'
    """
    if len(alphabet) <= shown:
        return ", ".join(map(str, alphabet))
    return ", ".join(map(str, alphabet[:shown])) + f", ... ({len(alphabet)} symbols)"

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
        f"   alphabet: {_symbols(data['alphabet'])}",
        "algebra: "
        + ", ".join(
            f"{k}={_cell(alg.get(k))}"
            for k in (
                "monoid_size",
                "commutative",
                "aperiodic",
                "group",
                "group_order",
                "abelian",
                "solvable",
                "abelian_invariants",
            )
        ),
        "",
        f"{'level':<18} {'verdict':<8} {'dim':>5} {'lower':>5}  {'construction':<16} note",
    ]
    for name, v in data["levels"].items():
        note = witness_text(v.get("witness")) if v["verdict"] == "no" else ""
        if v["verdict"] == "unknown":
            note = v.get("reason", "")
        if name == "block":
            name = f"block (b={v.get('block_size')})"
        lines.append(
            f"{name:<18} {v['verdict']:<8} {_cell(v['dim_upper']):>5} "
            f"{_cell(v['dim_lower']):>5}  {_cell(v.get('construction')):<16} {note}"
        )
    minimal = data["minimal_level"]
    if minimal == "block":
        minimal += f" (b={data['block_size']})"
    lines += ["", f"minimal level: {minimal}"]
    return "\n".join(lines) + "\n"


def _witness_cell(entry: dict) -> str:
    """The witnesses of the "no" levels, consecutive levels with the same witness merged."""
    groups: list[tuple[list[str], str]] = []
    for level, w in entry["witnesses"].items():
        text = witness_text(w)
        if groups and groups[-1][1] == text:
            groups[-1][0].append(_SHORT[level])
        else:
            groups.append(([_SHORT[level]], text))
    return "; ".join(f"{'/'.join(levels)}: {text}" for levels, text in groups) or "-"


def format_suite_table(data: dict) -> str:
    """A readable rendering of ``SuiteClassification.to_dict()``.

    Examples
    --------
    >>> from bilinear.theory.suites import classify_suite
    >>> text = format_suite_table(classify_suite("chomsky-regular").to_dict())
    >>> "parity_check" in text and "pos: period: 1 has period 2" in text
    True
    """
    width = max([len(t["task"]) for t in data["tasks"]] + [4])
    heads = " ".join(f"{_SHORT[n]:<5}" for n in CHAIN)
    lines = [
        f"suite: {data['suite']}   notion: {data['notion']}",
        f"source: {data['source']}",
        "",
        f'{"task":<{width}}  {"lowest level":<17} {heads}  witness of each "no"',
    ]
    for t in data["tasks"]:
        lowest = t["lowest_level"] or "-"
        if lowest == "block":
            lowest += f" (b={t['classification'].get('block_size')})"
        verdicts = " ".join(f"{_VERDICT[t['verdicts'][n]]:<5}" for n in CHAIN)
        lines.append(f"{t['task']:<{width}}  {lowest:<17} {verdicts}  {_witness_cell(t)}")
    lines += ["", "what the published model families need (one bilinear layer):"]
    lines += [f"  {t['task']}: {t['note']}" for t in data["tasks"]]
    return "\n".join(lines) + "\n"


def _run_suite(args: argparse.Namespace) -> int:
    result = classify_suite(args.suite, args.notion, block_size=args.block_size)
    data = result.to_dict()
    if args.json:
        print_json(data)
    else:
        sys.stdout.write(format_suite_table(data))
    return 0


def _usage(args: argparse.Namespace, message: str) -> None:
    """A usage error: one line on stderr and exit status 2, as the parser's own errors."""
    error = getattr(args, "_usage_error", None)
    if error is not None:
        error(message)
    raise CommandError(message)


def run(args: argparse.Namespace) -> int:
    """Classify the task (or every task of ``--suite``) and print the result."""
    if getattr(args, "suite", None) is not None:
        if args.task is not None:
            _usage(
                args,
                f"give either TASK or --suite, not both (got {args.task!r} and "
                f"--suite {args.suite!r})",
            )
        return _run_suite(args)
    if args.task is None:
        _usage(
            args, f"give a TASK to classify, or --suite NAME (suites: {', '.join(suites.suites())})"
        )
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
