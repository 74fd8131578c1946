"""``bilinear sweep``: tasks x models x seeds x lrs into a results store; resumable."""

from __future__ import annotations

import argparse
from typing import Any

from bilinear._optional import require, require_extra
from bilinear._progress import PROGRESS_ENV
from bilinear.cli._common import (
    CommandError,
    add_max_states_argument,
    load_task_argument,
    print_json,
)
from bilinear.cli.train import _options, add_run_arguments, common_config

__all__ = ["register", "run"]


def _split(values: list[str], conv: Any, name: str) -> list[Any]:
    out = []
    for v in values:
        for item in filter(None, v.split(",")):
            try:
                out.append(conv(item))
            except ValueError:
                raise CommandError(f"--{name}: {item!r} is not a valid value") from None
    return out


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sweep`` subcommand."""
    p = subparsers.add_parser(
        "sweep",
        help="train a grid of runs into a results store (resumable)",
        description="Run every combination of --tasks, --models, --seeds and --lrs that the "
        "store does not already hold as finished. Killing a sweep loses only the runs under "
        "way; running it again completes the grid without duplicates.",
    )
    p.add_argument(
        "--tasks",
        nargs="+",
        required=True,
        metavar="TASK",
        help="task specs (space separated; NAME:key=value,... allowed)",
    )
    p.add_argument(
        "--models",
        nargs="+",
        required=True,
        metavar="MODEL",
        help="model specs, e.g. full block:block_size=2 cp:rank=8",
    )
    p.add_argument(
        "--seeds",
        nargs="+",
        default=["0"],
        metavar="S",
        help="seeds (space or comma separated; default 0)",
    )
    p.add_argument(
        "--lrs",
        nargs="+",
        default=["1e-3"],
        metavar="LR",
        help="Adam learning rates (space or comma separated; default 1e-3)",
    )
    add_run_arguments(p)
    p.add_argument(
        "--backend",
        choices=("sequential", "process", "ray"),
        default="sequential",
        help="where the runs execute: sequential (this process, the default), "
        "process (--workers local processes) or ray (Ray tasks, see --ray-address)",
    )
    p.add_argument("--workers", type=int, default=None, help="processes (backend process)")
    p.add_argument(
        "--ray-address",
        default=None,
        metavar="HOST:PORT",
        help="address of a running Ray cluster (backend ray; default: start a local "
        "instance for the sweep)",
    )
    p.add_argument(
        "--on-error",
        choices=("raise", "continue"),
        default="raise",
        help="raise: stop at the first failed run (the default; finished runs stay "
        "stored); continue: record the failure in the store and go on",
    )
    p.add_argument("--export-json", default=None, metavar="FILE", help="write results as JSON")
    p.add_argument("--export-csv", default=None, metavar="FILE", help="write results as CSV")
    progress = p.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        action="store_true",
        help="report the runs done on stderr even when it is not a terminal "
        f"(default: only on a terminal; env {PROGRESS_ENV}=1 does the same)",
    )
    progress.add_argument("--no-progress", action="store_true", help="never report progress")
    add_max_states_argument(p)
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(store=None)
    return p


def run(args: argparse.Namespace) -> int:
    """Expand the grid, run what is missing, export on request."""
    if not args.store:
        raise CommandError("sweep needs --store FILE (the results store that makes it resumable)")
    # every task checked against --max-states first: a catalogue task declaring too many
    # states is refused before its automaton is built (and before torch is imported)
    task_specs = [load_task_argument(spec, args.max_states).spec for spec in args.tasks]
    require_extra("train", feature="`bilinear sweep`")
    torch = require("torch", "train")
    from bilinear.experiments import ResultsStore, grid, run_sweep
    from bilinear.models import resolve_device

    resolve_device(args.device)  # once, before any run: --device cuda without CUDA fails here
    if args.threads:
        torch.set_num_threads(args.threads)
    opts = _options(args)
    models = []
    for spec in args.models:
        sep = "," if ":" in spec else ":"
        extra = ",".join(f"{k}={v}" for k, v in opts.items())
        models.append(spec + (sep + extra if extra else ""))
    configs = grid(
        task_specs,
        models,
        seeds=_split(args.seeds, int, "seeds"),
        lrs=_split(args.lrs, float, "lrs"),
        **common_config(args),
    )
    store = ResultsStore(args.store)
    report = run_sweep(
        configs,
        store,
        backend=args.backend,
        workers=args.workers,
        device=args.device,
        threads=args.threads or 1,
        progress=True if args.progress else (False if args.no_progress else None),
        on_error=args.on_error,
        ray_address=args.ray_address,
    )
    if args.export_json:
        store.export_json(args.export_json)
    if args.export_csv:
        store.export_csv(args.export_csv)
    summary = {
        "store": str(store.path),
        "total": report.total,
        "skipped": report.skipped,
        "finished": report.finished,
        "failed": report.failed,
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"sweep: {report.total} runs, {report.skipped} already finished, "
            f"{report.finished} finished now, {report.failed} failed; store {store.path}"
        )
    return 0 if report.failed == 0 else 1
