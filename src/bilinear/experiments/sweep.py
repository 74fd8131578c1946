"""Sweeps over tasks x models x seeds x learning rates: resumable, with a progress line.

A sweep expands its grid into :class:`RunConfig` objects, skips every run the store already has
as finished, and runs the rest on a backend:

* ``"sequential"`` (default): in this process;
* ``"process"``: a pool of ``workers`` local processes (spawned, one torch thread each);
* ``"ray"``: Ray tasks (``pip install bilinear[ray]``), on a running cluster (``address``) or
  a local instance.

Only the coordinating process writes to the store, one transaction per finished run, so a sweep
killed at any point loses only the runs that were under way, and running it again finishes the
grid without duplicates.  Progress (runs done, time left, the last run) goes to stderr through
:class:`bilinear._progress.Progress`: on a terminal, or when asked (``progress=True``).

Examples
--------
>>> import tempfile, os
>>> from bilinear.experiments.sweep import grid, run_sweep
>>> configs = grid(["parity"], ["real_diagonal"], seeds=[0, 1], lrs=[0.01], hidden=2, steps=3,
...                train_lengths="2-4", test_lengths="6", test_words=4)
>>> len(configs)
2
>>> store = os.path.join(tempfile.mkdtemp(), "r.sqlite")
>>> run_sweep(configs, store, progress=False)
SweepReport(total=2, skipped=0, finished=2, failed=0)
>>> run_sweep(configs, store, progress=False)
SweepReport(total=2, skipped=2, finished=0, failed=0)
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from bilinear._progress import Progress
from bilinear._validation import (
    check_bool,
    check_choice,
    check_device,
    check_nonnegative_int,
    check_optional_positive_int,
)
from bilinear.errors import InvalidArgumentError
from bilinear.experiments._ray import run_ray
from bilinear.experiments.config import RunConfig
from bilinear.experiments.store import ResultsStore
from bilinear.experiments.training import resolve_task, run
from bilinear.models import resolve_device

__all__ = ["SweepReport", "grid", "parse_model_spec", "parse_option_value", "run_sweep",
           "BACKENDS", "ON_ERROR"]

#: Where the runs of a sweep execute.
BACKENDS: tuple[str, ...] = ("sequential", "process", "ray")
#: What a sweep does with a failed run: re-raise it, or record it and go on.
ON_ERROR: tuple[str, ...] = ("raise", "continue")

_Finish = Callable[[RunConfig, dict[str, Any] | None, BaseException | None], None]


@dataclass(frozen=True)
class SweepReport:
    """Counts of a sweep: runs in the grid, skipped (already finished), finished now, failed."""

    total: int
    skipped: int
    finished: int
    failed: int


def parse_option_value(text: str) -> Any:
    """An option value from text: ``true``/``false``, an int, a float, else the text itself.

    Examples
    --------
    >>> parse_option_value("2"), parse_option_value("1e-3"), parse_option_value("True")
    (2, 0.001, True)
    """
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def parse_model_spec(spec: str | tuple[str, Mapping[str, Any]]) -> tuple[str, dict[str, Any]]:
    """``"block:block_size=2"`` -> ``("block", {"block_size": 2})``; tuples pass through.

    Examples
    --------
    >>> parse_model_spec("cp:rank=4,affine=true")
    ('cp', {'rank': 4, 'affine': True})
    """
    if isinstance(spec, tuple):
        name, given = spec
        return str(name), dict(given)
    if not isinstance(spec, str) or not spec:
        raise InvalidArgumentError(f"a model spec is a string like 'block:block_size=2': {spec!r}")
    name, _, rest = spec.partition(":")
    opts: dict[str, Any] = {}
    for item in filter(None, rest.split(",")):
        k, eq, v = item.partition("=")
        if not eq or not k:
            raise InvalidArgumentError(f"bad option {item!r} in model spec {spec!r} (key=value)")
        opts[k.strip()] = parse_option_value(v.strip())
    return name.strip(), opts


def grid(
    tasks: Iterable[str],
    models: Iterable[str | tuple[str, Mapping[str, Any]]],
    seeds: Iterable[int] = (0,),
    lrs: Iterable[float] = (1e-3,),
    **common: Any,
) -> list[RunConfig]:
    """Every combination of task, model spec, seed and lr, with ``common`` RunConfig fields.

    Task specs are canonicalized (``"modular_addition:m=3"`` names every parameter), so the
    same run always gets the same key.
    """
    out = []
    for task in [resolve_task(t).spec for t in tasks]:
        for spec in models:
            name, opts = parse_model_spec(spec)
            for seed in seeds:
                for lr in lrs:
                    out.append(RunConfig(task=task, model=name, options=opts, seed=seed, lr=lr,
                                         **common))
    unique: dict[str, RunConfig] = {}
    for c in out:
        unique.setdefault(c.key(), c)
    return list(unique.values())


def _run_worker(config: dict[str, Any], device: str, threads: int | None) -> dict[str, Any]:
    """Run one configuration (in any process); returns plain data for the coordinator."""
    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(int(threads))
    try:
        result = run(RunConfig.from_dict(config), device=device)
    finally:
        torch.set_num_threads(before)
    return {"metrics": result.metrics, "info": dict(result.info)}


def run_sweep(
    configs: Sequence[RunConfig],
    store: ResultsStore | str | Path,
    *,
    backend: str = "sequential",
    workers: int | None = None,
    device: str = "auto",
    threads: int | None = 1,
    progress: bool | None = None,
    on_error: str = "raise",
    ray_address: str | None = None,
) -> SweepReport:
    """Run every configuration not yet finished in ``store``; resumable.

    Parameters
    ----------
    configs : sequence of RunConfig
    store : ResultsStore or path
    backend : {"sequential", "process", "ray"}
    workers : int, optional
        Processes for ``"process"`` (default 2).
    device : str
        Device of every run: ``"auto"`` (CUDA when present, the default), ``"cpu"``,
        ``"cuda"``, ``"cuda:N"``.  The local backends resolve it once, here (CUDA asked for
        where there is none fails before any run starts); Ray workers resolve it on their node.
    threads : int or None
        torch threads per run (1 keeps parallel workers from oversubscribing cores; None leaves
        torch's default).
    progress : bool or None
        Report the runs done on stderr: True always, False never, None (the default) when
        stderr is a terminal (:class:`bilinear._progress.Progress`, rate-limited).
    on_error : {"raise", "continue"}
        Re-raise the first failure (finished runs stay stored), or mark it failed and go on.
    ray_address : str, optional
        Address of a running Ray cluster (backend ``"ray"``); without it a local instance is
        started for the sweep.  An unreachable ``host:port`` fails within a few seconds.

    Returns
    -------
    SweepReport
    """
    backend = check_choice(backend, BACKENDS, "backend")
    on_error = check_choice(on_error, ON_ERROR, "on_error")
    if threads is not None:  # 0, like None, leaves torch's default
        threads = check_nonnegative_int(threads, "threads") or None
    device = check_device(device)
    if backend != "ray":  # a Ray worker resolves "auto" on its own node
        device = str(resolve_device(device))
    if backend == "process":
        workers = check_optional_positive_int(workers, "workers")
    if not isinstance(store, ResultsStore):
        store = ResultsStore(store)
    configs = list(configs)
    for c in configs:
        if not isinstance(c, RunConfig):
            raise InvalidArgumentError(f"a sweep takes RunConfig objects, got {type(c).__name__}")
    done = store.finished_keys()
    todo = [c for c in configs if c.key() not in done]
    skipped = len(configs) - len(todo)
    if progress is not None:
        progress = check_bool(progress, "progress")
    bar = Progress(len(todo), "sweep", unit="run", show=progress if todo else False)
    bar.update(0)  # the first line at once: the first run may take minutes
    counts = {"finished": 0, "failed": 0}

    def finish(cfg: RunConfig, out: dict[str, Any] | None, err: BaseException | None) -> None:
        if err is None and out is not None:
            store.record(cfg, out["metrics"], out["info"])
            counts["finished"] += 1
        else:
            store.record_failure(cfg, "".join(traceback.format_exception_only(type(err), err)))
            counts["failed"] += 1
        bar.update(1, note=cfg.describe()[:60] + (" (failed)" if err is not None else ""))

    try:
        if backend == "sequential":
            _sequential(todo, store, device, threads, finish, on_error)
        elif backend == "process":
            _processes(todo, store, device, threads, finish, on_error, workers or 2)
        else:
            run_ray(todo, store, device, threads, finish, on_error, ray_address, _run_worker)
    finally:
        bar.close()
    return SweepReport(total=len(configs), skipped=skipped, finished=counts["finished"],
                       failed=counts["failed"])


def _sequential(todo: list[RunConfig], store: ResultsStore, device: str, threads: int | None,
                finish: _Finish, on_error: str) -> None:
    for cfg in todo:
        store.mark_started(cfg)
        try:
            out = _run_worker(cfg.to_dict(), device, threads)
        except Exception as err:
            finish(cfg, None, err)
            if on_error == "raise":
                raise
            continue
        finish(cfg, out, None)


def _processes(todo: list[RunConfig], store: ResultsStore, device: str, threads: int | None,
               finish: _Finish, on_error: str, workers: int) -> None:
    ctx = mp.get_context("spawn")  # safe with CUDA and with threads in the parent
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    try:
        pending: dict[Future[dict[str, Any]], RunConfig] = {}
        for cfg in todo:
            store.mark_started(cfg)
            pending[pool.submit(_run_worker, cfg.to_dict(), device, threads)] = cfg
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                cfg = pending.pop(fut)
                err = fut.exception()
                finish(cfg, None if err else fut.result(), err)
                if err is not None and on_error == "raise":
                    raise err
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # queued runs never start
        raise
    pool.shutdown()
