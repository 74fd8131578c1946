"""Training runs of the report, and the adapter to :mod:`bilinear.experiments`.

A :class:`TrainJob` is one training run (task, model, options, budget, seed, learning rate).
:func:`execute` runs a list of jobs through the experiments' results store: finished runs are read
back, the others trained and stored, so a second report reuses every finished run.  When the
experiments piece is not installed, every job reports ``None`` with the reason.

Examples
--------
>>> from bilinear.analysis.runs import TrainJob
>>> job = TrainJob("parity", "full", (), hidden=8, steps=10, batch=8, lr=0.01, seed=0,
...                train_lengths=(2, 10), test_lengths=(10, 50), test_words=16)
>>> job.model_label
'full'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TrainJob", "TrainOutcome", "execute", "training_available", "validate_jobs"]


@dataclass(frozen=True)
class TrainJob:
    """One training run; equal jobs are the same run (the report trains each once)."""

    task: str
    model: str
    options: tuple[tuple[str, Any], ...]
    hidden: int
    steps: int
    batch: int
    lr: float
    seed: int
    train_lengths: tuple[int, int]
    test_lengths: tuple[int, ...]
    test_words: int

    @property
    def model_label(self) -> str:
        """``model`` or ``model:key=value,...``."""
        if not self.options:
            return self.model
        return self.model + ":" + ",".join(f"{k}={v}" for k, v in self.options)

    def describe(self) -> str:
        """A short line for the progress bar."""
        return f"{self.task} / {self.model_label} (seed {self.seed}, lr {self.lr:g})"


@dataclass(frozen=True)
class TrainOutcome:
    """What one run gave: per-test-length accuracy and chance-normalized accuracy."""

    job: TrainJob
    params: int | None
    steps: int | None
    test_lengths: tuple[int, ...]
    accuracy: tuple[float, ...]
    normalized_accuracy: tuple[float, ...]
    reused: bool = False
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def training_available() -> tuple[bool, str]:
    """Whether :mod:`bilinear.experiments` can train, and if not why.

    Examples
    --------
    >>> ok, why = training_available()
    >>> isinstance(ok, bool) and isinstance(why, str)
    True
    """
    try:
        _api()
    except AttributeError as err:
        return False, f"training not available ({err})"
    return True, ""


def _api() -> dict[str, Any]:
    """The experiments entry points the report uses."""
    from bilinear import experiments as ex  # local: it loads torch, which analysis must not

    needed = ("RunConfig", "ResultsStore", "run_sweep")
    missing = [n for n in needed if not hasattr(ex, n)]
    if missing:
        raise AttributeError(f"bilinear.experiments lacks {', '.join(missing)}")
    return {n: getattr(ex, n) for n in needed}


def run_config(job: TrainJob) -> Any:
    """The experiments' ``RunConfig`` of a job (its ``key()`` names the run in the store).

    Examples
    --------
    >>> job = TrainJob("parity", "cp", (("rank", 4),), hidden=8, steps=10, batch=8, lr=0.01,
    ...                seed=0, train_lengths=(2, 10), test_lengths=(10, 50), test_words=16)
    >>> cfg = run_config(job)
    >>> cfg.options, cfg.batch_size, len(cfg.key())
    ((('rank', 4),), 8, 16)
    """
    from bilinear.experiments import RunConfig

    return RunConfig(
        task=job.task,
        model=job.model,
        hidden=job.hidden,
        options=dict(job.options),
        steps=job.steps,
        batch_size=job.batch,
        lr=job.lr,
        seed=job.seed,
        train_lengths=tuple(job.train_lengths),
        test_lengths=tuple(job.test_lengths),
        test_words=job.test_words,
    )


def _outcome(job: TrainJob, metrics: Any, info: Any, reused: bool) -> TrainOutcome:
    lengths = tuple(sorted(int(n) for n in metrics))
    info = dict(info or {})
    return TrainOutcome(
        job=job,
        params=info.get("parameters"),
        steps=info.get("steps", job.steps),
        test_lengths=lengths,
        accuracy=tuple(float(metrics[str(n)]["accuracy"]) for n in lengths),
        normalized_accuracy=tuple(float(metrics[str(n)]["normalized_accuracy"])
                                  for n in lengths),
        reused=reused,
        seconds=float(info.get("train_seconds") or 0.0) + float(info.get("eval_seconds") or 0.0),
        extra={k: info[k] for k in ("stopped_early", "train_seconds", "final_loss") if k in info},
    )


def validate_jobs(jobs: Sequence[TrainJob], store: str | None = None) -> None:
    """Check every job before any work: its run config, that its model can be built (option
    names and values, block size dividing the hidden size), and that the store opens.

    Raises the toolkit's errors (``InvalidArgumentError``, ``UnknownLevelError``,
    ``ResultsStoreError``); does nothing when training is not available.

    Examples
    --------
    >>> bad = TrainJob("parity", "block", (("block_size", 3),), hidden=8, steps=1, batch=8,
    ...                lr=0.01, seed=0, train_lengths=(2, 4), test_lengths=(8,), test_words=8)
    >>> validate_jobs([bad])
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: hidden=8 is not a multiple of block_size=3
    """
    ok, _ = training_available()
    if not ok or not jobs:
        return
    from bilinear.automata import tasks
    from bilinear.models import make

    shapes: dict[str, tuple[int, int]] = {}
    built: set[tuple[Any, ...]] = set()
    for job in jobs:
        run_config(job)
        if job.task not in shapes:
            dfa = tasks.resolve(job.task).dfa
            shapes[job.task] = (len(dfa.alphabet), len(dfa.label_values))
        key = (job.model, job.options, job.hidden, shapes[job.task])
        if key not in built:
            vocab, labels = shapes[job.task]
            make(job.model, vocab, labels, job.hidden, device="cpu", **dict(job.options))
            built.add(key)
    if store is not None:
        _api()["ResultsStore"](store)


def execute(
    jobs: Sequence[TrainJob],
    store: str,
    *,
    device: str | None = "cpu",
    workers: int = 1,
    threads: int | None = 1,
    progress: bool = True,
    backend: str | None = None,
    ray_address: str | None = None,
) -> tuple[dict[TrainJob, TrainOutcome | None], list[str]]:
    """Run ``jobs`` as one sweep through the results store at ``store``.

    Runs the store already has as finished are reused, the others trained (``workers`` > 1:
    that many local processes, each with ``threads`` torch threads) and stored as they finish;
    the sweep's progress bar shows what is left.  ``backend="ray"`` runs the sweep on a Ray
    cluster (``ray_address``) or a local Ray instance instead.  Returns the outcome per job
    (``None`` for a job that failed or could not run) and the error messages.
    """
    results: dict[TrainJob, TrainOutcome | None] = {job: None for job in jobs}
    ok, why = training_available()
    if not ok:
        return results, [why]
    api = _api()
    db = api["ResultsStore"](store)
    configs = {job: run_config(job) for job in jobs}
    before = db.finished_keys()
    errors: list[str] = []
    todo = list(dict.fromkeys(configs.values()))
    try:
        if backend is None:
            backend = "process" if workers > 1 else "sequential"
        api["run_sweep"](
            todo, db, backend=backend, workers=workers if workers > 1 else None,
            device=device or "cpu", threads=threads, progress=progress, on_error="continue",
            ray_address=ray_address,
        )
    except Exception as exc:
        errors.append("training sweep stopped: " + (" ".join(str(exc).split())
                                                   or type(exc).__name__))
    rows = {r["key"]: r for r in db.results(status=None)}
    for job, cfg in configs.items():
        row = rows.get(cfg.key())
        if row is None:
            continue
        if row["status"] == "finished" and row.get("metrics"):
            results[job] = _outcome(job, row["metrics"], row.get("info"), cfg.key() in before)
        elif row.get("error"):
            errors.append(f"{job.describe()}: {' '.join(str(row['error']).split())[:300]}")
    return results, errors
