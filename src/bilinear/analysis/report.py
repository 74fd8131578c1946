"""The hierarchy report (``bilinear report``): theory beside trained models, and the paper.

For each task of a :class:`~bilinear.analysis.suite.Suite`: the algebra of its automaton, the
verdict of every level of the hierarchy with its proof (a verified construction) or witness, and
the length-generalization accuracy of trained models of every level and of the baselines beside
them, with an *agreement* judgement per (task, level).  Then the source paper's experiments.

Outputs (in ``out``): ``report.md``, a self-contained ``report.html`` (inline CSS, plots embedded as
base64 PNG), the PNG plots, and ``results.json`` = ``{"rows": [...]}`` with one row per (task,
model) (the schema is :data:`ROW_KEYS`; see :func:`make_row`).  Training goes through the
experiments' results store (``results.sqlite`` in ``out`` unless ``store`` is given), so a second
run reuses every finished run.

Examples
--------
>>> from bilinear.analysis.report import agreement, succeeded
>>> trained = {"test_lengths": [10, 200, 500], "normalized_accuracy": [1.0, 0.99, 0.97]}
>>> succeeded(trained)
True
>>> agreement("no", "no", trained)
'bug'
>>> agreement("yes", "yes", {"test_lengths": [500], "normalized_accuracy": [0.1]})
'gap'
"""

from __future__ import annotations

import json
import platform
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bilinear.analysis import _backend as backend
from bilinear.analysis import report_plots, report_render
from bilinear.analysis.judge import AGREEMENT_TEXT, LONG_LENGTH, PASS_THRESHOLD
from bilinear.analysis.paper import (
    MODULAR_ADDITION,
    RANDOM_FSM,
    SOURCE_NOTE,
    PaperTable,
    frozen_diagonal_parity,
)
from bilinear.analysis.runs import (
    TrainJob,
    TrainOutcome,
    execute,
    training_available,
    validate_jobs,
)
from bilinear.analysis.suite import LEVELS, ModelSpec, Suite
from bilinear.errors import InvalidArgumentError

__all__ = [
    "ROW_KEYS",
    "TRAINED_KEYS",
    "AGREEMENT_TEXT",
    "PASS_THRESHOLD",
    "LONG_LENGTH",
    "ReportConfig",
    "Report",
    "prepare_output",
    "plan_jobs",
    "succeeded",
    "long_accuracy",
    "agreement",
    "make_row",
    "run_report",
]

#: Keys every row of ``results.json`` has.
ROW_KEYS = ("task", "model", "theory", "dim", "construction_verified", "trained")
#: Keys of a row's ``trained`` object (when not null).
TRAINED_KEYS = ("hidden", "params", "steps", "seeds", "train_lengths", "test_lengths", "accuracy",
                "normalized_accuracy")

# ================================================================================ config
@dataclass(frozen=True)
class ReportConfig:
    """What to run and where to write it.

    Parameters
    ----------
    suite : Suite
        Tasks, models and budget (:data:`~bilinear.analysis.suite.QUICK`, ``FULL``, or a
        :func:`~bilinear.analysis.suite.select` of one).
    out : path
        Output directory (created; must be writable).
    store : path, optional
        Results store; default ``out / "results.sqlite"``.
    train : bool
        Train models (``False``: theory and constructions only).
    paper : bool
        Add the paper's experiments.
    plots, html : bool
        Write PNG plots / ``report.html``.
    progress : bool
        Show a progress bar on stderr.
    device : str, optional
        Torch device for training (``"cpu"``, ``"cuda"``, ``None`` for auto).
    workers : int
        Training processes (1: in this process).
    threads : int, optional
        Torch CPU threads per training process.
    backend : str, optional
        Sweep backend: ``"sequential"``, ``"process"`` (the default when ``workers`` > 1) or
        ``"ray"``.
    ray_address : str, optional
        Address of a running Ray cluster (``backend="ray"``); a local instance otherwise.
    theory_timeout : float, optional
        Seconds allowed for each classify / compile-and-verify call (run in a worker process);
        ``None`` runs them in this process without a limit.

    Examples
    --------
    >>> from bilinear.analysis.suite import QUICK
    >>> cfg = ReportConfig(QUICK, "reports/quick")
    >>> cfg.store_path.as_posix()
    'reports/quick/results.sqlite'
    >>> ReportConfig(QUICK, "r", workers=0)
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: workers must be a positive integer, got 0
    """

    suite: Suite
    out: Path
    store: Path | None = None
    train: bool = True
    paper: bool = True
    plots: bool = True
    html: bool = True
    progress: bool = True
    device: str | None = "cpu"
    workers: int = 1
    threads: int | None = 1
    backend: str | None = None
    ray_address: str | None = None
    theory_timeout: float | None = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.suite, Suite):
            raise InvalidArgumentError(f"suite must be a Suite, got {type(self.suite).__name__}")
        object.__setattr__(self, "out", Path(self.out))
        if self.store is not None:
            object.__setattr__(self, "store", Path(self.store))
        if self.backend not in (None, "sequential", "process", "ray"):
            raise InvalidArgumentError(
                f"backend must be 'sequential', 'process' or 'ray', got {self.backend!r}"
            )
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise InvalidArgumentError(f"workers must be a positive integer, got {self.workers!r}")
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise InvalidArgumentError(f"threads must be a positive integer, got {self.threads!r}")

    @property
    def store_path(self) -> Path:
        """The results store actually used."""
        return self.store if self.store is not None else self.out / "results.sqlite"


def prepare_output(out: str | Path) -> Path:
    """Create ``out`` and check that files can be written there, before any work starts.

    Raises
    ------
    InvalidArgumentError
        When the directory cannot be created or written.

    Examples
    --------
    >>> import tempfile, os
    >>> d = prepare_output(os.path.join(tempfile.mkdtemp(), "r"))
    >>> d.is_dir()
    True
    """
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-probe"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InvalidArgumentError(
            f"cannot write the report to {str(path)!r}: {reason}"
        ) from None
    return path


# ================================================================================ jobs
def _job(task: str, model: ModelSpec, suite: Suite, seed: int, lr: float) -> TrainJob:
    b = suite.budget
    return TrainJob(
        task=task,
        model=model.name,
        options=model.options,
        hidden=b.hidden,
        steps=b.steps,
        batch=b.batch,
        lr=lr,
        seed=seed,
        train_lengths=b.train_lengths,
        test_lengths=b.test_lengths,
        test_words=b.test_words,
    )


def _grid(task: str, model: ModelSpec, suite: Suite) -> list[TrainJob]:
    return [_job(task, model, suite, s, lr) for lr in suite.budget.lrs for s in suite.budget.seeds]


def _with(model: ModelSpec, **options: Any) -> ModelSpec:
    merged = dict(model.options)
    merged.update(options)
    return ModelSpec(model.name, tuple(merged.items()))


def plan_jobs(suite: Suite, paper: bool = True) -> dict[str, list[TrainJob]]:
    """Every training run of a report, by section (``main``, ``ablation``, ``cp_sweep``).

    Jobs shared between sections (plain parity models in the ablation) are the same object
    and trained once.

    Examples
    --------
    >>> from bilinear.analysis.suite import TINY
    >>> jobs = plan_jobs(TINY)
    >>> len(jobs["main"]), len(jobs["ablation"]), len(jobs["cp_sweep"])
    (2, 2, 3)
    """
    main = [j for t in suite.tasks for m in suite.models for j in _grid(t, m, suite)]
    ablation: list[TrainJob] = []
    cp_sweep: list[TrainJob] = []
    if paper and suite.paper is not None:
        by_name = {m.name: m for m in suite.models}
        for name in suite.paper.ablation_models:
            base = by_name.get(name, ModelSpec(name))
            ablation += _grid("parity", base, suite)
            ablation += _grid("parity", _with(base, affine=True), suite)
        for rank in suite.paper.cp_ranks:
            cp_sweep += _grid(suite.paper.cp_task, ModelSpec("cp", (("rank", rank),)), suite)
        cp_sweep += _grid(suite.paper.cp_task, by_name.get("full", ModelSpec("full")), suite)
    return {"main": main, "ablation": ablation, "cp_sweep": cp_sweep}


# ================================================================================ judging
def long_accuracy(trained: dict[str, Any] | None) -> float | None:
    """The worst normalized accuracy at test lengths >= :data:`LONG_LENGTH` (or the longest).

    Examples
    --------
    >>> long_accuracy({"test_lengths": [10, 200, 500], "normalized_accuracy": [1, 0.9, 0.8]})
    0.8
    >>> long_accuracy({"test_lengths": [10, 50], "normalized_accuracy": [1.0, 0.5]})
    0.5
    >>> long_accuracy(None) is None
    True
    """
    if not trained:
        return None
    pairs = list(zip(trained["test_lengths"], trained["normalized_accuracy"], strict=False))
    if not pairs:
        return None
    long = [a for n, a in pairs if n >= LONG_LENGTH] or [max(pairs)[1]]
    return float(min(long))


def succeeded(trained: dict[str, Any] | None) -> bool | None:
    """Whether a trained model reaches :data:`PASS_THRESHOLD` at every long test length.

    Examples
    --------
    >>> succeeded({"test_lengths": [200, 500], "normalized_accuracy": [1.0, 0.96]})
    True
    >>> succeeded(None) is None
    True
    """
    acc = long_accuracy(trained)
    return None if acc is None else acc >= PASS_THRESHOLD


def agreement(
    theory: str | None, theory_fp: str | None, trained: dict[str, Any] | None
) -> str | None:
    """Judge a trained level against theory.

    Returns ``None`` (not trained, or no theory), ``"agree"``, ``"agree_fp"`` (learned where the
    exact ``fin`` notion says no but floating point allows it), ``"bug"`` (learned a proved "no":
    investigate), ``"gap"`` (theory says yes, training failed: a learnability gap) or ``"open"``
    (theory unknown).  A "no" counts as proved for trained (floating-point) models when the
    ``fp`` verdict is "no", or when only the ``fin`` verdict is known and it is "no".

    Examples
    --------
    >>> ok = {"test_lengths": [500], "normalized_accuracy": [1.0]}
    >>> agreement("no", "yes", ok), agreement("no", None, ok), agreement(None, None, ok)
    ('agree_fp', 'bug', None)
    """
    ok = succeeded(trained)
    if ok is None or (theory is None and theory_fp is None):
        return None
    proved_no = theory_fp == "no" or (theory_fp is None and theory == "no")
    if ok:
        if proved_no:
            return "bug"
        if theory == "no":
            return "agree_fp"
        return "agree" if theory == "yes" else "open"
    if theory == "yes":
        return "gap"
    if theory == "no" or theory_fp == "no":
        return "agree"
    return "open"


# ================================================================================ theory
def _theory_for_task(runner: backend.TheoryRunner, spec: str,
                     levels: Iterable[str]) -> dict[str, Any]:
    fin, fin_err = runner.classify(spec, "fin")
    fp, _ = runner.classify(spec, "fp") if fin is not None else (None, None)
    constructions: dict[str, Any] = {}
    for level in levels:
        verdict = _verdict(fin, level)
        if verdict == "no":
            constructions[level] = {"built": False, "verified": None, "dim": None,
                                    "method": None, "error": "theory says no", "options": {}}
            continue
        options: dict[str, Any] = {}
        if level == "block":
            options["block_size"] = _block_size(fin)
        c = runner.construct(spec, level, **options)
        constructions[level] = {
            "built": c.built,
            "verified": c.verified,
            "dim": c.dim,
            "method": c.method,
            "error": c.error,
            "options": c.options,
            "certificate_markdown": c.certificate_markdown,
            "weights": c.weights,
        }
    return {"classification": fin, "classification_fp": fp, "theory_error": fin_err,
            "constructions": constructions}


def _level_entry(classification: dict[str, Any] | None, level: str) -> dict[str, Any]:
    if not classification:
        return {}
    return dict((classification.get("levels") or {}).get(level) or {})


def _verdict(classification: dict[str, Any] | None, level: str) -> str | None:
    v = _level_entry(classification, level).get("verdict")
    return v if v in ("yes", "no", "unknown") else None


def _block_size(classification: dict[str, Any] | None) -> int | None:
    if not classification:
        return None
    entry = _level_entry(classification, "block")
    b = entry.get("block_size", classification.get("block_size"))
    return b if isinstance(b, int) else None


def _model_verdict(
    classification: dict[str, Any] | None, model: ModelSpec
) -> str | None:
    """The verdict for a level *with the trained model's options* (block size, rank)."""
    verdict = _verdict(classification, model.name)
    if model.name == "block" and verdict == "yes":
        b_model = model.option_dict().get("block_size")
        b_needed = _block_size(classification)
        if isinstance(b_model, int) and isinstance(b_needed, int) and b_needed > b_model:
            return "unknown"
    return verdict


# ================================================================================ rows
def _aggregate(outcomes: Sequence[TrainOutcome]) -> dict[str, Any] | None:
    """Best learning rate (by mean normalized accuracy at the longest length), mean over seeds."""
    if not outcomes:
        return None
    by_lr: dict[float, list[TrainOutcome]] = defaultdict(list)
    for o in outcomes:
        by_lr[o.job.lr].append(o)

    def score(lr: float) -> float:
        runs = by_lr[lr]
        return sum(r.normalized_accuracy[-1] for r in runs) / len(runs)

    best = max(sorted(by_lr), key=score)
    runs = sorted(by_lr[best], key=lambda r: r.job.seed)
    lengths = list(runs[0].test_lengths)
    n = len(runs)

    def mean(values: list[tuple[float, ...]]) -> list[float]:
        return [round(sum(v[i] for v in values) / n, 6) for i in range(len(lengths))]

    job = runs[0].job
    return {
        "hidden": job.hidden,
        "params": runs[0].params,
        "steps": runs[0].steps,
        "seeds": [r.job.seed for r in runs],
        "train_lengths": list(job.train_lengths),
        "test_lengths": lengths,
        "accuracy": mean([r.accuracy for r in runs]),
        "normalized_accuracy": mean([r.normalized_accuracy for r in runs]),
        "lr": best,
        "lrs": sorted(by_lr),
        "per_seed_normalized_accuracy": [list(r.normalized_accuracy) for r in runs],
        "reused": all(r.reused for r in outcomes),
    }


def make_row(
    task: str,
    model: ModelSpec,
    theory: dict[str, Any] | None,
    trained: dict[str, Any] | None,
) -> dict[str, Any]:
    """One row of ``results.json``: the keys of :data:`ROW_KEYS` plus extras.

    Extras: ``options`` (model options), ``theory_fp`` (the ``fp`` verdict), ``dim_lower``,
    ``construction_method``, ``agreement`` (see :func:`agreement`), ``long_accuracy``.

    Examples
    --------
    >>> from bilinear.analysis.suite import ModelSpec
    >>> row = make_row("parity", ModelSpec("lstm"), None, None)
    >>> [row[k] for k in ("task", "model", "theory", "dim", "construction_verified", "trained")]
    ['parity', 'lstm', None, None, None, None]
    """
    theory = theory or {}
    fin = theory.get("classification")
    fp = theory.get("classification_fp")
    row: dict[str, Any] = {
        "task": task,
        "model": model.name,
        "theory": None,
        "dim": None,
        "construction_verified": None,
        "trained": trained,
        "options": model.option_dict(),
    }
    if model.is_level:
        entry = _level_entry(fin, model.name)
        row["theory"] = _model_verdict(fin, model)
        row["theory_fp"] = _model_verdict(fp, model) if fp else None
        cons = (theory.get("constructions") or {}).get(model.name) or {}
        dim = entry.get("dim_upper")
        if not isinstance(dim, int) and cons.get("verified"):
            dim = cons.get("dim")
        row["dim"] = dim if isinstance(dim, int) else None
        lower = entry.get("dim_lower")
        row["dim_lower"] = lower if isinstance(lower, int) else None
        row["construction_verified"] = cons.get("verified") if cons.get("built") else None
        row["construction_method"] = cons.get("method") if cons.get("built") else None
        row["agreement"] = agreement(row["theory"], row["theory_fp"], trained)
    else:
        row["theory_fp"] = None
        row["agreement"] = None
    row["long_accuracy"] = long_accuracy(trained)
    return row


# ================================================================================ the report
@dataclass
class Report:
    """The assembled report: plain data, ready for JSON and rendering."""

    config: ReportConfig
    tasks: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    paper: dict[str, Any] = field(default_factory=dict)
    acceptance: list[dict[str, Any]] = field(default_factory=list)
    availability: dict[str, Any] = field(default_factory=dict)
    timing: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    created: str = ""

    def results_json(self) -> dict[str, Any]:
        """The document written to ``results.json``: ``{"rows": [...]}`` plus context."""
        suite = self.config.suite
        return {
            "rows": self.rows,
            "suite": {
                "name": suite.name,
                "tasks": list(suite.tasks),
                "models": [m.label for m in suite.models],
                "budget": asdict(suite.budget),
            },
            "tasks": [_task_summary(t) for t in self.tasks],
            "paper": self.paper,
            "acceptance": self.acceptance,
            "availability": self.availability,
            "timing": self.timing,
            "created": self.created,
        }


def _task_summary(task: dict[str, Any]) -> dict[str, Any]:
    fin = task.get("classification") or {}
    return {
        "task": task["spec"],
        "canonical": task.get("canonical"),
        "states": task.get("states"),
        "alphabet": task.get("alphabet"),
        "minimal_level": fin.get("minimal_level"),
        "block_size": fin.get("block_size"),
        "algebra": fin.get("algebra"),
        "levels": {
            lvl: {k: v for k, v in (entry or {}).items() if k in
                  ("verdict", "dim_upper", "dim_lower", "reason", "witness")}
            for lvl, entry in (fin.get("levels") or {}).items()
        },
        "expected": task.get("expected"),
        "theory_error": task.get("theory_error"),
    }


class _Progress:
    """A tqdm bar when asked for, a no-op otherwise."""

    def __init__(self, total: int, enabled: bool, desc: str = "report") -> None:
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="step", dynamic_ncols=True)

    def step(self, note: str = "", n: int = 1) -> None:
        if self.bar is not None:
            if note:
                self.bar.set_postfix_str(note[:60], refresh=False)
            self.bar.update(n)

    def note(self, note: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(note[:60])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _table_value(trained: dict[str, Any] | None) -> float | None:
    """The paper tables' number: normalized accuracy at the longest test length."""
    if not trained:
        return None
    return float(trained["normalized_accuracy"][-1])


def _paper_table(table: PaperTable, rows: list[dict[str, Any]],
                 infos: dict[str, backend.TaskInfo]) -> dict[str, Any]:
    column_task: dict[int, str] = {}
    for spec, info in infos.items():
        if table.task == "modular_addition" and info.name == "parity":
            column_task.setdefault(2, spec)
        if info.name == table.task and table.column_name in info.params:
            column_task[int(info.params[table.column_name])] = spec
    ours: dict[str, dict[int, Any]] = {}
    lookup = {(r["task"], r["model"]): r for r in rows}
    for _, model in table.rows:
        ours[model] = {}
        for col in table.columns:
            col_spec = column_task.get(col)
            row = lookup.get((col_spec, model)) if col_spec else None
            ours[model][col] = _table_value(row["trained"]) if row else None
    return {
        "title": table.title,
        "column_name": table.column_name,
        "columns": list(table.columns),
        "rows": [[label, model] for label, model in table.rows],
        "reported": {m: {str(c): v for c, v in d.items()} for m, d in table.reported.items()},
        "ours": {m: {str(c): v for c, v in d.items()} for m, d in ours.items()},
        "tasks": {str(c): s for c, s in sorted(column_task.items())},
        "source": SOURCE_NOTE,
        "note": table.note,
    }


def _acceptance(rows: list[dict[str, Any]], infos: dict[str, backend.TaskInfo],
                suite: Suite) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    targets = [("parity", "parity", None), ("modular addition m = 3", "modular_addition", 3),
               ("modular addition m = 5", "modular_addition", 5)]
    for label, name, m in targets:
        spec = next((s for s, i in infos.items() if i.name == name
                     and (m is None or i.params.get("m") == m)), None)
        row = next((r for r in rows if r["task"] == spec and r["model"] == "full"), None)
        acc = long_accuracy(row["trained"]) if row else None
        checks.append({
            "check": f"full reaches normalized accuracy >= {PASS_THRESHOLD} at length >= "
                     f"{LONG_LENGTH} on {label}",
            "holds": None if acc is None else acc >= PASS_THRESHOLD,
            "value": acc,
        })
    models = {m.name for m in suite.models}
    want = set(LEVELS) | {"lstm"}
    have = {r["model"] for r in rows}
    missing = sorted(want - have)
    checks.append({
        "check": "every level and lstm have rows",
        "holds": not missing if want <= models or not missing else None,
        "value": missing or None,
    })
    bugs = [f"{r['task']} / {r['model']}" for r in rows if r.get("agreement") == "bug"]
    trained_levels = [r for r in rows if r["model"] in LEVELS and r["trained"]]
    checks.append({
        "check": f"no trained model beats a proved 'no' at length >= {LONG_LENGTH}",
        "holds": (not bugs) if trained_levels else None,
        "value": bugs or None,
    })
    return checks


def _availability() -> dict[str, Any]:
    ok, why = training_available()
    return {
        "theory": True,
        "constructions": True,
        "verification": True,
        "training": ok,
        "training_reason": why or None,
        "plots_module": True,
    }


def run_report(
    config: ReportConfig,
    *,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Run the whole report and write its files; returns the :class:`Report`.

    The output directory is checked first; then theory and constructions per task, the training
    runs (through the store: finished runs are reused), the paper's experiments, and the files.

    Examples
    --------
    >>> import tempfile
    >>> from bilinear.analysis.suite import TINY
    >>> cfg = ReportConfig(TINY, tempfile.mkdtemp(), train=False, paper=False, plots=False,
    ...                    progress=False)
    >>> report = run_report(cfg)
    >>> sorted(report.files)
    ['html', 'markdown', 'results']
    >>> [r["model"] for r in report.rows]
    ['full', 'real_diagonal']
    """
    t_start = time.perf_counter()
    out = prepare_output(config.out)
    suite = config.suite
    report = Report(config=config,
                    created=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    report.availability = _availability()

    # resolve every task before any work (user errors surface here, not mid-run)
    infos = {spec: backend.resolve_task(spec) for spec in suite.tasks}
    jobs_by_section = plan_jobs(suite, paper=config.paper) if config.train else {}
    extra_tasks = {j.task for js in jobs_by_section.values() for j in js} - set(infos)
    for spec in sorted(extra_tasks):
        backend.resolve_task(spec)
    all_jobs = list(dict.fromkeys(j for js in jobs_by_section.values() for j in js))
    validate_jobs(all_jobs, str(config.store_path))  # bad options or store: fail before work
    frozen_steps = 2 if (config.paper and suite.paper is not None) else 0
    progress = _Progress(len(infos), config.progress, "theory")
    try:
        # 1. theory, constructions, verification
        t0 = time.perf_counter()
        with backend.TheoryRunner(config.theory_timeout) as runner:
            for spec, info in infos.items():
                progress.note(f"theory: {spec}")
                theory = _theory_for_task(runner, spec, LEVELS)
                for level, c in theory["constructions"].items():
                    if c.get("error") and "timed out" in c["error"]:
                        report.errors.append(f"{spec} / {level}: {c['error']}")
                if theory["theory_error"]:
                    report.errors.append(f"{spec}: {theory['theory_error']}")
                report.tasks.append({
                    "spec": spec,
                    "canonical": info.canonical,
                    "name": info.name,
                    "params": dict(info.params),
                    "description": info.description,
                    "states": info.n_states,
                    "alphabet": [str(a) for a in info.alphabet],
                    "labels": info.n_labels,
                    "expected": info.expected,
                    **theory,
                })
                progress.step(f"theory: {spec}")
        report.timing["theory_s"] = round(time.perf_counter() - t0, 2)

        # 2. training: one resumable sweep through the results store
        progress.close()
        t0 = time.perf_counter()
        outcomes: dict[TrainJob, TrainOutcome | None] = {}
        if all_jobs:
            outcomes, errors = execute(all_jobs, str(config.store_path), device=config.device,
                                       workers=config.workers, threads=config.threads,
                                       progress=config.progress, backend=config.backend,
                                       ray_address=config.ray_address)
            report.errors += errors
        report.timing["training_s"] = round(time.perf_counter() - t0, 2)
        report.timing["runs"] = len(all_jobs)
        report.timing["runs_reused"] = sum(1 for o in outcomes.values() if o and o.reused)
        progress = _Progress(frozen_steps + 1, config.progress)

        def trained_for(task: str, model: ModelSpec) -> dict[str, Any] | None:
            runs = [outcomes.get(j) for j in _grid(task, model, suite)]
            return _aggregate([o for o in runs if o is not None])

        # 3. rows
        theory_by_task = {t["spec"]: t for t in report.tasks}
        for spec in suite.tasks:
            for model in suite.models:
                trained = trained_for(spec, model) if config.train else None
                report.rows.append(make_row(spec, model, theory_by_task.get(spec), trained))

        # 4. the paper's experiments
        if config.paper and suite.paper is not None:
            t0 = time.perf_counter()
            report.paper = _paper_sections(report, infos, trained_for, progress)
            report.timing["paper_s"] = round(time.perf_counter() - t0, 2)
        report.acceptance = _acceptance(report.rows, infos, suite)

        # 5. files
        progress.note("writing the report")
        report.timing["total_s"] = round(time.perf_counter() - t_start, 2)
        _write(report, out)
        progress.step("done")
    finally:
        progress.close()
    if log:
        log(f"report written to {out / 'report.md'}")
    return report


def _paper_sections(report: Report, infos: dict[str, backend.TaskInfo],
                    trained_for: Callable[[str, ModelSpec], dict[str, Any] | None],
                    progress: _Progress) -> dict[str, Any]:
    suite = report.config.suite
    pb = suite.paper
    assert pb is not None  # checked by the caller
    paper: dict[str, Any] = {"source_note": SOURCE_NOTE}
    paper["modular_addition"] = _paper_table(MODULAR_ADDITION, report.rows, infos)
    paper["random_fsm"] = _paper_table(RANDOM_FSM, report.rows, infos)

    by_name = {m.name: m for m in suite.models}
    ablation = []
    if report.config.train:
        for name in pb.ablation_models:
            base = by_name.get(name, ModelSpec(name))
            plain = trained_for("parity", base)
            affine = trained_for("parity", _with(base, affine=True))
            ablation.append({"model": name, "pure": plain, "affine": affine,
                             "pure_long": long_accuracy(plain),
                             "affine_long": long_accuracy(affine)})
    paper["ablation"] = ablation

    frozen = []
    for weights in ("gaussian", "signs"):
        progress.note(f"frozen diagonal parity ({weights})")
        frozen += frozen_diagonal_parity(
            pb.frozen_hidden, trials=pb.frozen_trials, train_words=pb.frozen_train_words,
            test_length=pb.frozen_test_length, weights=weights,
        )
        progress.step(f"frozen diagonal parity ({weights})")
    paper["frozen_diagonal"] = frozen

    sweep = []
    if report.config.train:
        for rank in pb.cp_ranks:
            model = ModelSpec("cp", (("rank", rank),))
            t = trained_for(pb.cp_task, model)
            sweep.append({"rank": rank, "trained": t, "long": long_accuracy(t),
                          "params": t["params"] if t else None})
        if "cp" in by_name and pb.cp_task in suite.tasks:
            default = trained_for(pb.cp_task, by_name["cp"])
            if default is not None:
                sweep.append({"rank": f"{default['hidden']} (= hidden, the default)",
                              "trained": default, "long": long_accuracy(default),
                              "params": default["params"]})
        full = trained_for(pb.cp_task, by_name.get("full", ModelSpec("full")))
        paper["cp_full_reference"] = {"trained": full, "long": long_accuracy(full),
                                      "params": full["params"] if full else None}
    paper["cp_sweep"] = sweep
    paper["cp_task"] = pb.cp_task
    return paper


def _write(report: Report, out: Path) -> None:
    if report.config.plots:
        try:
            report.files.update(report_plots.make_plots(report, out))
        except Exception as err:
            report.errors.append(f"plots failed: {' '.join(str(err).split())}")
    doc = report_render.build_document(report)
    (out / "report.md").write_text(report_render.to_markdown(doc), encoding="utf-8")
    report.files["markdown"] = "report.md"
    if report.config.html:
        (out / "report.html").write_text(report_render.to_html(doc, out), encoding="utf-8")
        report.files["html"] = "report.html"
    report.files["results"] = "results.json"
    (out / "results.json").write_text(
        json.dumps(report.results_json(), indent=1, default=_json_default), encoding="utf-8"
    )


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def environment() -> dict[str, str]:  # pragma: no cover - informational
    """Python and platform, for the report's footer."""
    return {"python": platform.python_version(), "platform": platform.platform()}

