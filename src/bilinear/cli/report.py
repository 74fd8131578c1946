"""``bilinear report``: the hierarchy report (see :mod:`bilinear.analysis.report`).

Every name in ``--suite`` / ``--tasks`` / ``--models``, the ``--max-states`` cap and the ``--out``
directory are checked before any training starts; errors print one line and exit 2.
``--suite NAME`` runs one of the field's benchmark suites (``chomsky-regular``, ...) with its
own protocol (:func:`bilinear.analysis.suite.from_benchmark`): ``--quick`` (the default) keeps the
quick budget's sizes with the benchmark's lengths scaled as the report states, ``--full`` the
full budget with the benchmark's lengths.  :mod:`bilinear.analysis` loads torch (it
trains through :mod:`bilinear.experiments`), so this command imports it inside
:func:`build_config` and :func:`run`: ``bilinear classify`` and the other commands that do not
train never pay for ``import torch``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilinear._optional import require, require_extra
from bilinear._progress import process_seconds
from bilinear.automata.suites import suites as benchmark_suites
from bilinear.cli._common import (
    CommandError,
    add_max_states_argument,
    load_task_argument,
    print_json,
)

if TYPE_CHECKING:
    from bilinear.analysis.report import ReportConfig

__all__ = ["register", "run", "build_config"]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers like 0 1 2, got {text!r}") from None


def _float_list(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers like 1e-3 1e-4, got {text!r}") from None


def _joined(parts: list[tuple[Any, ...]] | None) -> tuple[Any, ...] | None:
    """``--seeds 0 1`` and ``--seeds 0,1`` (and mixes) as one tuple; ``None`` when not given."""
    if parts is None:
        return None
    return tuple(x for part in parts for x in part)


def _length_range(text: str) -> tuple[int, int]:
    lo, sep, hi = text.partition("-")
    try:
        return (int(lo), int(hi)) if sep else (int(lo), int(lo))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a range like 2-10, got {text!r}") from None


def register(sub: Any) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand."""
    p = sub.add_parser(
        "report",
        help="the hierarchy report: theory beside trained models, and the paper's experiments",
        description="Place each task of a suite in the hierarchy (algebra, every level's verdict "
        "with proof or witness, verified constructions) beside trained models of every level, "
        "plus the source paper's experiments. Writes report.md, report.html, PNG plots and "
        "results.json into --out; training goes through a results store, so a second run "
        "reuses finished runs.",
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument(
        "--quick",
        dest="suite",
        action="store_const",
        const="quick",
        help="a subset with small budgets; minutes on 2 CPU cores (default); with --suite, the "
        "benchmark's tasks at the quick budget's sizes",
    )
    size.add_argument(
        "--full",
        dest="suite",
        action="store_const",
        const="full",
        help="the paper's protocol (hidden 256, 100k steps, 3 seeds x 3 lrs); meant for a GPU; "
        "with --suite, the benchmark's tasks at these sizes",
    )
    p.add_argument(
        "--suite",
        dest="benchmark",
        metavar="NAME",
        help="run a benchmark suite with its protocol (train / test lengths, final-label "
        "scoring where it scores final labels, chance level) and its published numbers beside "
        f"ours: {', '.join(benchmark_suites())}",
    )
    p.add_argument("--out", metavar="DIR", help="output directory (default reports/SUITE)")
    p.add_argument(
        "--tasks",
        nargs="+",
        metavar="TASK",
        help="tasks to run instead of the suite's (NAME, NAME:key=value,... or a JSON path)",
    )
    p.add_argument(
        "--models",
        nargs="+",
        metavar="MODEL",
        help="models to run instead of the suite's: levels (full, cp, monomial, "
        "block, complex_diagonal, real_diagonal, positive_diagonal) and baselines "
        "(lstm, elman, transformer, mamba_like); options as cp:rank=8",
    )
    p.add_argument("--store", metavar="FILE", help="results store (default OUT/results.sqlite)")
    p.add_argument("--hidden", type=_positive_int, help="override the suite's hidden size")
    p.add_argument("--steps", type=_positive_int, help="override the training steps")
    p.add_argument(
        "--batch-size",
        "--batch",
        dest="batch",
        type=_positive_int,
        help="override the batch size (words per batch, as in train; --batch is the same option)",
    )
    p.add_argument(
        "--seeds",
        type=_int_list,
        nargs="+",
        metavar="S",
        help="override the seeds (space or comma separated, as in sweep)",
    )
    p.add_argument(
        "--lrs",
        type=_float_list,
        nargs="+",
        metavar="LR",
        help="override learning rates (space or comma separated, as in sweep)",
    )
    p.add_argument(
        "--train-lengths",
        type=_length_range,
        metavar="LO-HI",
        help="override the train length range, e.g. 2-10",
    )
    p.add_argument(
        "--curriculum",
        type=_length_range,
        metavar="LO-HI",
        help="length curriculum of every run: the upper train length grows from LO to HI over "
        "the first half of the steps (a protocol deviation; the report's header says so)",
    )
    p.add_argument(
        "--test-lengths",
        type=_int_list,
        nargs="+",
        metavar="N",
        help="override the test lengths (space or comma separated)",
    )
    p.add_argument(
        "--val-lengths",
        type=_int_list,
        nargs="+",
        metavar="N",
        help="override the validation lengths (model selection, early stopping): disjoint "
        "from the test lengths and, with a curriculum, above its end",
    )
    p.add_argument("--no-train", action="store_true", help="theory and constructions only")
    p.add_argument("--no-paper", action="store_true", help="skip the paper's experiments")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--device", default="cpu", help="torch device for training (cpu, cuda)")
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=2,
        help="training processes (default 2; 1 trains in this process)",
    )
    p.add_argument(
        "--backend",
        choices=("sequential", "process", "ray"),
        help="training backend (default: process when --workers > 1)",
    )
    p.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="a running Ray cluster for --backend ray (default: a local instance)",
    )
    p.add_argument(
        "--threads",
        type=_positive_int,
        default=1,
        help="torch CPU threads per training process (default 1)",
    )
    p.add_argument(
        "--theory-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time allowed for each classify / compile-and-verify call (default 30)",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit 1 when an acceptance check of the report fails"
    )
    add_max_states_argument(p)
    p.add_argument(
        "--json", action="store_true", help="print the acceptance checks and file paths as JSON"
    )
    return p


def build_config(args: argparse.Namespace) -> ReportConfig:
    """Turn parsed arguments into a validated ``ReportConfig`` (no work done yet)."""
    # local: these load torch, which the CLI must not import for the commands that do not train
    require_extra("train", feature="`bilinear report`")
    if not args.no_plots:
        require("matplotlib", "plots", feature="the report's plots (--no-plots skips them)")
    from bilinear.analysis.report import ReportConfig, prepare_output
    from bilinear.analysis.suite import SUITES, report_suite, select
    from bilinear.models import resolve_device

    if not args.no_train:
        # fail fast on an unusable device (e.g. --device cuda without CUDA) before any run
        resolve_device(args.device)
    base = _base_suite(args, SUITES, report_suite)
    overrides = {
        key: value
        for key, value in (
            ("hidden", args.hidden),
            ("steps", args.steps),
            ("batch", args.batch),
            ("seeds", _joined(args.seeds)),
            ("lrs", _joined(args.lrs)),
            ("train_lengths", args.train_lengths),
            ("curriculum", args.curriculum),
            ("test_lengths", _joined(args.test_lengths)),
            ("val_lengths", _joined(args.val_lengths)),
        )
        if value is not None
    }
    suite = select(base, tasks=args.tasks, models=args.models, budget=overrides or None)
    max_states = getattr(args, "max_states", None)
    if max_states is not None:
        for spec in suite.tasks:  # refused in one line before any work
            load_task_argument(spec, max_states)
    out = args.out or f"reports/{suite.name}"
    prepare_output(out)
    if args.store is not None:
        parent = Path(args.store).expanduser().resolve().parent
        if not parent.is_dir():
            raise CommandError(f"the directory of --store {args.store!r} does not exist")
    return ReportConfig(
        suite=suite,
        out=Path(out),
        store=args.store,
        train=not args.no_train,
        paper=not args.no_paper,
        plots=not args.no_plots,
        progress=not args.no_progress,
        device=args.device,
        workers=args.workers,
        threads=args.threads,
        backend=args.backend,
        ray_address=args.ray_address,
        theory_timeout=args.theory_timeout if args.theory_timeout > 0 else None,
    )


def _base_suite(args: argparse.Namespace, own: Any, report_suite: Any) -> Any:
    """The report suite of ``--quick`` / ``--full`` / ``--suite NAME`` (before overrides)."""
    size = args.suite
    name = getattr(args, "benchmark", None)
    if name is None:
        return own[size or "quick"]
    if name in own:
        if size is not None and size != name:
            raise CommandError(f"--suite {name} and --{size} name two different suites")
        return own[name]
    return report_suite(name, quick=size != "full")


def run(args: argparse.Namespace) -> int:
    """Run the report; print where it is."""
    require_extra("train", feature="`bilinear report`")
    from bilinear.analysis.report import run_report  # local: loads torch (see the module)

    config = build_config(args)
    suite = config.suite
    if config.train and suite.budget.steps * suite.n_runs > 5_000_000:
        print(
            f"bilinear: note: the {suite.name} suite trains {suite.n_runs} runs of "
            f"{suite.budget.steps:,} steps (plus the paper's extra runs); it is meant for a "
            "GPU (--device cuda) or a Ray cluster (--backend ray). Finished runs are kept in "
            "the store, so an interrupted report resumes where it stopped.",
            file=sys.stderr,
        )
    report = run_report(config)
    out = config.out
    summary = {
        "out": str(out),
        "files": {k: str(out / v) for k, v in report.files.items()},
        "acceptance": report.acceptance,
        "timing": report.timing,
        "errors": report.errors,
    }
    failed = any(c["holds"] is False for c in report.acceptance)
    status = 1 if (failed and args.strict) else 0
    if args.json:
        print_json(summary)
        return status
    print(f"report: {out / 'report.md'}")
    if "html" in report.files:
        print(f"html:   {out / 'report.html'}")
    print(f"data:   {out / 'results.json'}")
    for check in report.acceptance:
        mark = {True: "ok  ", False: "FAIL", None: "n/a "}[check["holds"]]
        print(f"  [{mark}] {check['check']}")
    since_start = process_seconds()  # now, after writing: the command's true wall time
    print(
        f"time: {report.timing.get('total_s', 0):.0f} s in the report"
        + ("" if since_start is None else f", {since_start:.0f} s since the command started")
        + f" ({report.timing.get('runs', 0)} runs, {report.timing.get('runs_reused', 0)} reused)"
    )
    if report.errors:
        print(f"{len(report.errors)} problem(s) noted in the report", file=sys.stderr)
    return status
