"""``bilinear train TASK --model MODEL [...]``: train one model, evaluate it, store the result."""

from __future__ import annotations

import argparse
from typing import Any

from bilinear._optional import require, require_extra
from bilinear.cli._common import (
    CommandError,
    add_max_states_argument,
    load_task_argument,
    print_json,
)
from bilinear.vocabulary import BASELINES, LEVELS

__all__ = ["register", "run", "add_run_arguments", "common_config"]


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by ``train`` and ``sweep`` (RunConfig fields but task, model, seed, lr)."""
    p.add_argument("--hidden", type=int, default=64, help="hidden units (default 64)")
    p.add_argument("--steps", type=int, default=2000, help="optimizer steps (default 2000)")
    p.add_argument(
        "--batch-size",
        "--batch",
        dest="batch_size",
        type=int,
        default=64,
        help="words per batch (default 64; --batch is the same option)",
    )
    p.add_argument(
        "--train-lengths",
        default="2-10",
        metavar="LO-HI",
        help="train length range, e.g. 2-10 (default)",
    )
    p.add_argument(
        "--test-lengths",
        nargs="+",
        default=["10,50,100,500"],
        metavar="N",
        help="test lengths, space or comma separated (default 10 50 100 500)",
    )
    p.add_argument(
        "--val-lengths",
        nargs="+",
        default=None,
        metavar="N",
        help="validation lengths (early stopping, model selection), disjoint from the test "
        "lengths; space or comma separated (default: none, early stopping reads the longest "
        "train length)",
    )
    p.add_argument("--test-words", type=int, default=256, help="words per test length")
    p.add_argument("--clip", type=float, default=1.0, help="gradient-norm clip (0: off)")
    p.add_argument(
        "--early-stop",
        type=float,
        default=None,
        metavar="ACC",
        help="stop once validation accuracy reaches ACC",
    )
    p.add_argument("--eval-every", type=int, default=100, help="validation interval (steps)")
    p.add_argument(
        "--curriculum",
        default=None,
        metavar="LO-HI",
        help="length curriculum: the upper train length grows from LO to HI over the first half "
        "of the steps (a protocol deviation, recorded in the run)",
    )
    p.add_argument(
        "--patience",
        type=int,
        default=1,
        help="validation checks at --early-stop in a row before stopping",
    )
    p.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default="float32",
        help="floating dtype of the weights and states (default float32)",
    )
    p.add_argument("--block-size", type=int, default=None, help="block size (model block)")
    p.add_argument("--rank", type=int, default=None, help="CP rank (model cp)")
    p.add_argument("--affine", action="store_true", help="add B x_t + b (bilinear levels)")
    p.add_argument(
        "--no-normalize",
        action="store_true",
        help="do not normalize h after every step (bilinear levels)",
    )
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other model option (repeatable), e.g. --option layers=2",
    )
    p.add_argument(
        "--store",
        default=None,
        metavar="FILE",
        help="SQLite results store (finished runs are skipped)",
    )
    p.add_argument(
        "--device",
        default="auto",
        help="auto (default: CUDA when present, else CPU), cpu, cuda or cuda:N",
    )
    p.add_argument("--threads", type=int, default=None, help="torch threads")


def _options(args: argparse.Namespace) -> dict[str, Any]:
    from bilinear.experiments import parse_option_value

    opts: dict[str, Any] = {}
    for item in args.option:
        k, eq, v = item.partition("=")
        if not eq or not k:
            raise CommandError(f"--option takes KEY=VALUE, got {item!r}")
        opts[k.strip()] = parse_option_value(v.strip())
    if args.block_size is not None:
        opts["block_size"] = args.block_size
    if args.rank is not None:
        opts["rank"] = args.rank
    if args.affine:
        opts["affine"] = True
    if args.no_normalize:
        opts["normalize"] = False
    return opts


def common_config(args: argparse.Namespace) -> dict[str, Any]:
    """RunConfig fields from the shared options."""
    return {
        "hidden": args.hidden,
        "steps": args.steps,
        "batch_size": args.batch_size,
        "train_lengths": args.train_lengths,
        "test_lengths": ",".join(args.test_lengths),  # "10 50" and "10,50" alike
        "val_lengths": ",".join(args.val_lengths) if args.val_lengths else (),
        "test_words": args.test_words,
        "clip": args.clip or None,
        "early_stop": args.early_stop,
        "eval_every": args.eval_every,
        "patience": args.patience,
        "dtype": args.dtype,
        "curriculum": args.curriculum,
    }


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``train`` subcommand."""
    p = subparsers.add_parser(
        "train",
        help="train one model on a task and evaluate length generalization",
        description="Train a model (a level of the hierarchy or a baseline) on random words "
        "of TASK with a label after every prefix, then report per test length the accuracy, "
        "the accuracy normalized by the best constant (per-position majority) predictor of the "
        "same test words (the report's primary figure) and, as a secondary figure, "
        "(acc - c)/(1 - c) with c = 1/labels.",
    )
    p.add_argument("task", metavar="TASK", help="NAME, NAME:key=value,... or automaton JSON")
    p.add_argument(
        "--model",
        required=True,
        help="a level of the hierarchy or a baseline: " + ", ".join(LEVELS + BASELINES),
    )
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (default 1e-3)")
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds the initial weights, the training words and the test words (default 0)",
    )
    add_run_arguments(p)
    p.add_argument("--force", action="store_true", help="rerun even if the store has it")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.add_argument("--json", action="store_true", help="print the result as one JSON document")
    add_max_states_argument(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Train, evaluate, print (and store) one run."""
    task = load_task_argument(args.task, args.max_states)
    require_extra("train", feature="`bilinear train`")
    torch = require("torch", "train")

    from bilinear.experiments import ResultsStore, RunConfig, by_length
    from bilinear.experiments import run as run_config
    from bilinear.models import resolve_device

    device = resolve_device(args.device)  # once, before anything runs: cuda without CUDA fails
    if args.threads:
        torch.set_num_threads(args.threads)
    config = RunConfig(
        task=task.spec,
        model=args.model,
        options=_options(args),
        seed=args.seed,
        lr=args.lr,
        **common_config(args),
    )
    store = ResultsStore(args.store) if args.store else None
    if store is not None and not args.force and store.is_finished(config.key()):
        row = store.results(task=config.task, model=config.model, seed=config.seed)
        stored = next(r for r in row if r["key"] == config.key())
        payload = {
            "key": config.key(),
            "config": stored["config"],
            "metrics": stored["metrics"],
            "info": stored["info"],
            "cached": True,
        }
    else:
        if store is not None:
            store.mark_started(config)
        result = run_config(config, device=device, progress=args.progress)
        if store is not None:
            store.record(config, result.metrics, result.info)
        payload = {**result.to_dict(), "cached": False}
    payload["metrics"] = by_length(payload["metrics"])  # "50" before "100"
    # the stored weights (base64) are for `bilinear certify STORE:KEY`, not for reading
    payload["info"] = {k: v for k, v in payload["info"].items() if k != "weights"}
    if args.json:
        print_json(payload)
        return 0
    info = payload["info"]
    print(
        f"{config.describe()}: {info.get('steps')} steps, {info.get('parameters')} parameters"
        + (" (from the store)" if payload["cached"] else "")
    )
    for length, m in payload["metrics"].items():
        print(
            f"  length {int(length):>6}: accuracy {m['accuracy']:.4f}  "
            + (f"vs majority {m['majority_normalized_accuracy']:.4f}  "
               if "majority_normalized_accuracy" in m else "")
            + f"vs 1/labels {m['normalized_accuracy']:.4f}  final {m['final_accuracy']:.4f}"
        )
    return 0
