"""Training runs of the report: planning them, and running them through the results store.

A training run is an experiments :class:`~bilinear.experiments.RunConfig` (task, model, options,
budget, seed, learning rate); its ``key()`` names it in the results store.  :func:`plan_jobs`
lists every run of a report, :func:`execute` runs a list of them through the store: finished runs
are read back, the others trained and stored, so a second report reuses every finished run.

Examples
--------
>>> from bilinear.experiments import RunConfig
>>> job = RunConfig(task="parity", model="cp", options={"rank": 4}, hidden=8, steps=10,
...                 batch_size=8, lr=0.01, seed=0, train_lengths=(2, 10),
...                 test_lengths=(10, 50), test_words=16)
>>> job.options, len(job.key()), describe(job)
((('rank', 4),), 16, 'parity / cp:rank=4 (seed 0, lr 0.01)')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bilinear.analysis.suite import ModelSpec, Suite
from bilinear.automata import tasks
from bilinear.experiments import ResultsStore, RunConfig, run_sweep
from bilinear.models import make

__all__ = ["TrainOutcome", "describe", "execute", "grid", "plan_jobs", "validate_jobs",
           "with_options"]


@dataclass(frozen=True)
class TrainOutcome:
    """What one run gave: per-test-length accuracy and chance-normalized accuracy."""

    job: RunConfig
    params: int | None
    steps: int | None
    test_lengths: tuple[int, ...]
    accuracy: tuple[float, ...]
    normalized_accuracy: tuple[float, ...]
    reused: bool = False
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    #: Accuracy normalized by the per-position majority predictor, per test length.
    majority_normalized_accuracy: tuple[float, ...] = ()
    #: ``{length: majority-normalized accuracy}`` at the validation lengths (model selection).
    validation: dict[int, float] = field(default_factory=dict)
    #: ``{length: accuracy of the label after the whole word}`` (benchmarks scored that way).
    final_accuracy: dict[int, float] = field(default_factory=dict)

    @property
    def primary_accuracy(self) -> tuple[float, ...]:
        """The figure the report judges by, per test length: the majority-normalized accuracy,
        or the 1/labels-normalized one for outcomes that lack it."""
        return self.majority_normalized_accuracy or self.normalized_accuracy


def describe(job: RunConfig) -> str:
    """A short line naming a run in the report's problem list: task, model, seed, lr."""
    label = job.model
    if job.options:
        label += ":" + ",".join(f"{k}={v}" for k, v in job.options)
    return f"{job.task} / {label} (seed {job.seed}, lr {job.lr:g})"


# ================================================================================ planning
def _job(task: str, model: ModelSpec, suite: Suite, seed: int, lr: float) -> RunConfig:
    b = suite.budget
    return RunConfig(
        task=task,
        model=model.name,
        options=model.options,
        hidden=b.hidden,
        steps=b.steps,
        batch_size=b.batch,
        lr=lr,
        seed=seed,
        train_lengths=b.train_lengths,
        test_lengths=b.test_lengths,
        val_lengths=b.val_lengths,
        test_words=b.test_words,
        discretize=b.discretize,
        curriculum=b.curriculum,
        curve_lengths=b.test_lengths if b.curves else (),
        early_stop=b.early_stop,
        patience=b.patience if b.early_stop is not None else 1,
    )


def grid(task: str, model: ModelSpec, suite: Suite) -> list[RunConfig]:
    """The runs of one (task, model) cell: every learning rate x every seed of the budget."""
    return [_job(task, model, suite, s, lr) for lr in suite.budget.lrs for s in suite.budget.seeds]


def with_options(model: ModelSpec, **options: Any) -> ModelSpec:
    """``model`` with some options added or replaced."""
    merged = dict(model.options)
    merged.update(options)
    return ModelSpec(model.name, tuple(merged.items()))


def plan_jobs(suite: Suite, paper: bool = True) -> dict[str, list[RunConfig]]:
    """Every training run of a report, by section (``main``, ``ablation``, ``cp_sweep``).

    Runs shared between sections (plain parity models in the ablation) are equal configs and
    trained once.

    Examples
    --------
    >>> from bilinear.analysis.suite import TINY
    >>> jobs = plan_jobs(TINY)
    >>> len(jobs["main"]), len(jobs["ablation"]), len(jobs["cp_sweep"])
    (2, 2, 3)
    """
    main = [j for t in suite.tasks for m in suite.models for j in grid(t, m, suite)]
    ablation: list[RunConfig] = []
    cp_sweep: list[RunConfig] = []
    if paper and suite.paper is not None:
        by_name = {m.name: m for m in suite.models}
        for name in suite.paper.ablation_models:
            base = by_name.get(name, ModelSpec(name))
            ablation += grid("parity", base, suite)
            ablation += grid("parity", with_options(base, affine=True), suite)
        for rank in suite.paper.cp_ranks:
            cp_sweep += grid(suite.paper.cp_task, ModelSpec("cp", (("rank", rank),)), suite)
        cp_sweep += grid(suite.paper.cp_task, by_name.get("full", ModelSpec("full")), suite)
    return {"main": main, "ablation": ablation, "cp_sweep": cp_sweep}


# ================================================================================ running
def _outcome(job: RunConfig, metrics: Any, info: Any, reused: bool) -> TrainOutcome:
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
        extra={k: info[k] for k in ("stopped_early", "train_seconds", "final_loss",
                                    "discretized", "protocol_deviation", "weights", "history")
               if k in info},
        majority_normalized_accuracy=tuple(
            float(metrics[str(n)].get("majority_normalized_accuracy",
                                      metrics[str(n)]["normalized_accuracy"]))
            for n in lengths),
        validation={int(n): float(v["majority_normalized_accuracy"])
                    for n, v in (info.get("validation") or {}).items()},
        final_accuracy={n: float(metrics[str(n)]["final_accuracy"]) for n in lengths
                        if metrics[str(n)].get("final_accuracy") is not None},
    )


def validate_jobs(jobs: Sequence[RunConfig], store: str | None = None) -> None:
    """Check every run before any work: that its model can be built (option values, block
    size dividing the hidden size), and that the store opens.

    Raises the toolkit's errors (``InvalidArgumentError``, ``UnknownLevelError``,
    ``ResultsStoreError``).

    Examples
    --------
    >>> bad = RunConfig(task="parity", model="block", options={"block_size": 3}, hidden=8,
    ...                 steps=1, batch_size=8, lr=0.01, train_lengths=(2, 4), test_lengths=(8,))
    >>> validate_jobs([bad])
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: hidden=8 is not a multiple of block_size=3
    """
    if not jobs:
        return
    shapes: dict[str, tuple[int, int]] = {}
    built: set[tuple[Any, ...]] = set()
    for job in jobs:
        if job.task not in shapes:
            dfa = tasks.resolve(job.task).dfa
            shapes[job.task] = (len(dfa.alphabet), len(dfa.label_values))
        key = (job.model, job.options, job.hidden, shapes[job.task])
        if key not in built:
            vocab, labels = shapes[job.task]
            make(job.model, vocab, labels, job.hidden, device="cpu", **dict(job.options))
            built.add(key)
    if store is not None:
        ResultsStore(store)


def execute(
    jobs: Sequence[RunConfig],
    store: str,
    *,
    device: str | None = "cpu",
    workers: int = 1,
    threads: int | None = 1,
    progress: bool = True,
    backend: str | None = None,
    ray_address: str | None = None,
) -> tuple[dict[RunConfig, TrainOutcome | None], list[str]]:
    """Run ``jobs`` as one sweep through the results store at ``store``.

    Runs the store already has as finished are reused, the others trained (``workers`` > 1:
    that many local processes, each with ``threads`` torch threads) and stored as they finish;
    the sweep's progress bar shows what is left.  ``backend="ray"`` runs the sweep on a Ray
    cluster (``ray_address``) or a local Ray instance instead.  Returns the outcome per run
    (``None`` for a run that failed or could not run) and the error messages.
    """
    results: dict[RunConfig, TrainOutcome | None] = {job: None for job in jobs}
    db = ResultsStore(store)
    before = db.finished_keys()
    errors: list[str] = []
    todo = list(dict.fromkeys(jobs))
    try:
        if backend is None:
            backend = "process" if workers > 1 else "sequential"
        run_sweep(
            todo, db, backend=backend, workers=workers if workers > 1 else None,
            device=device or "cpu", threads=threads, progress=progress, on_error="continue",
            ray_address=ray_address,
        )
    except Exception as exc:
        errors.append("training sweep stopped: " + (" ".join(str(exc).split())
                                                   or type(exc).__name__))
    every_status: Any = None  # ResultsStore.results(status=None): the rows of every status
    rows = {r["key"]: r for r in db.results(status=every_status)}
    for job in results:
        row = rows.get(job.key())
        if row is None:
            continue
        if row["status"] == "finished" and row.get("metrics"):
            results[job] = _outcome(job, row["metrics"], row.get("info"), job.key() in before)
        elif row.get("error"):
            errors.append(f"{describe(job)}: {' '.join(str(row['error']).split())[:300]}")
    return results, errors
