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

This module runs the pipeline; its pieces live beside it: what to run
(:mod:`~bilinear.analysis.report_config`), the training runs (:mod:`~bilinear.analysis.runs`),
the judgement of a trained model (:mod:`~bilinear.analysis.judge`), the rows and tables
(:mod:`~bilinear.analysis.report_rows`), the plots (:mod:`~bilinear.analysis.report_plots`) and
the document (:mod:`~bilinear.analysis.report_render`).

A suite made from a benchmark suite (:func:`bilinear.analysis.suite.from_benchmark`) is scored
as the benchmark scores it: every trained cell of such a task also carries ``final_accuracy``
(the label after the whole word, per test length), ``final_normalized_accuracy`` (normalized by
the benchmark's chance level) and ``scoring`` (the task's :class:`~bilinear.analysis.suite.
TaskScoring`); the published numbers of the benchmark are set beside ours
(:mod:`~bilinear.analysis.report_published`, ``results.json["published"]``).

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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from bilinear._progress import process_seconds
from bilinear.analysis import _backend as backend
from bilinear.analysis import report_plots, report_published, report_render
from bilinear.analysis.diagnosis import diagnose
from bilinear.analysis.judge import (
    AGREEMENT_TEXT,
    LONG_LENGTH,
    PASS_THRESHOLD,
    agreement,
    agreement_counts,
    long_accuracy,
    succeeded,
)
from bilinear.analysis.paper import (
    MODULAR_ADDITION,
    RANDOM_FSM,
    SOURCE_NOTE,
    frozen_diagonal_parity,
)
from bilinear.analysis.report_config import ReportConfig, prepare_output
from bilinear.analysis.report_rows import (
    ROW_KEYS,
    TRAINED_KEYS,
    acceptance,
    aggregate,
    count_ceilings,
    make_row,
    needs_count_ceiling,
    paper_table,
    task_entry,
    task_summary,
    theory_for_task,
)
from bilinear.analysis.runs import (
    TrainOutcome,
    execute,
    grid,
    plan_jobs,
    validate_jobs,
    with_options,
)
from bilinear.analysis.suite import LEVELS, ModelSpec, TaskScoring
from bilinear.automata import tasks
from bilinear.errors import BilinearError
from bilinear.experiments import RunConfig
from bilinear.models.construction import model_from_record
from bilinear.vocabulary import DIAGONAL_LEVELS

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

#: The trained object of a (task, model) cell, looked up among the finished runs.
TrainedFor = Callable[[str, ModelSpec], dict[str, Any] | None]


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
    published: list[dict[str, Any]] = field(default_factory=list)
    diagnoses: list[dict[str, Any]] = field(default_factory=list)

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
                "benchmark": suite.benchmark,
                "protocol": suite.protocol or None,
                "scoring": [e.to_dict() for e in suite.scoring],
            },
            "published": self.published,
            "diagnoses": self.diagnoses,
            "tasks": [task_summary(t) for t in self.tasks],
            "paper": self.paper,
            "acceptance": self.acceptance,
            "availability": self.availability,
            "timing": self.timing,
            "agreement_counts": agreement_counts(self.rows),
            "created": self.created,
        }


class _Progress:
    """A tqdm bar when asked for, a no-op otherwise."""

    def __init__(self, total: int, enabled: bool, desc: str = "report") -> None:
        self.bar = None
        if enabled:
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


def _availability() -> dict[str, Any]:
    return {
        "theory": True,
        "constructions": True,
        "verification": True,
        "training": True,
        "training_reason": None,
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
    infos, jobs = _plan(config)
    frozen_steps = 2 if (config.paper and suite.paper is not None) else 0
    progress = _Progress(len(infos), config.progress, "theory")
    try:
        _theory(report, infos, progress)
        progress.close()
        trained_for, outcomes = _train(report, jobs)
        progress = _Progress(frozen_steps + 1, config.progress)
        _rows(report, trained_for)
        if config.train:
            progress.note("diagnosing the gaps")
            report.diagnoses = _diagnoses(report, outcomes)
        report.published = report_published.published_rows(report)
        if config.paper and suite.paper is not None:
            t0 = time.perf_counter()
            report.paper = _paper_sections(report, infos, trained_for, progress)
            report.timing["paper_s"] = round(time.perf_counter() - t0, 2)
        report.acceptance = acceptance(report.rows, infos, suite)
        progress.note("writing the report")
        report.timing["total_s"] = round(time.perf_counter() - t_start, 2)
        since_start = process_seconds()  # the process's true wall time, imports included
        if since_start is not None:
            report.timing["process_s"] = round(since_start, 2)
        _write(report, out)
        progress.step("done")
    finally:
        progress.close()
    if log:
        log(f"report written to {out / 'report.md'}")
    return report


def _plan(config: ReportConfig) -> tuple[dict[str, backend.TaskInfo], list[RunConfig]]:
    """Resolve every task and check every run before any work (user errors surface here)."""
    infos = {spec: backend.resolve_task(spec) for spec in config.suite.tasks}
    jobs_by_section = plan_jobs(config.suite, paper=config.paper) if config.train else {}
    extra_tasks = {j.task for js in jobs_by_section.values() for j in js} - set(infos)
    for spec in sorted(extra_tasks):
        backend.resolve_task(spec)
    jobs = list(dict.fromkeys(j for js in jobs_by_section.values() for j in js))
    validate_jobs(jobs, str(config.store_path))  # bad options or store: fail before work
    return infos, jobs


def _theory(report: Report, infos: dict[str, backend.TaskInfo], progress: _Progress) -> None:
    """Theory, constructions and verification of every task, into ``report.tasks``."""
    t0 = time.perf_counter()
    with backend.TheoryRunner(report.config.theory_timeout) as runner:
        for spec, info in infos.items():
            progress.note(f"theory: {spec}")
            theory = theory_for_task(runner, spec, LEVELS)
            for level, c in theory["constructions"].items():
                if c.get("error") and "timed out" in c["error"]:
                    report.errors.append(f"{spec} / {level}: {c['error']}")
            if theory["theory_error"]:
                report.errors.append(f"{spec}: {theory['theory_error']}")
            report.tasks.append(task_entry(spec, info, theory))
            progress.step(f"theory: {spec}")
    report.timing["theory_s"] = round(time.perf_counter() - t0, 2)


def _train(report: Report,
           jobs: list[RunConfig]) -> tuple[TrainedFor, dict[str, TrainOutcome]]:
    """One resumable sweep through the results store; returns the lookup of trained cells."""
    config = report.config
    t0 = time.perf_counter()
    outcomes: dict[RunConfig, TrainOutcome | None] = {}
    if jobs:
        outcomes, errors = execute(jobs, str(config.store_path), device=config.device,
                                   workers=config.workers, threads=config.threads,
                                   progress=config.progress, backend=config.backend,
                                   ray_address=config.ray_address)
        report.errors += errors
    report.timing["training_s"] = round(time.perf_counter() - t0, 2)
    report.timing["runs"] = len(jobs)
    report.timing["runs_reused"] = sum(1 for o in outcomes.values() if o and o.reused)
    finals = {o.job.key(): o.final_accuracy for o in outcomes.values() if o is not None}

    def trained_for(task: str, model: ModelSpec) -> dict[str, Any] | None:
        runs = [o for o in (outcomes.get(j) for j in grid(task, model, config.suite))
                if o is not None]
        return with_scoring(aggregate(runs), runs, finals, config.suite.scoring_for(task))

    return trained_for, {j.key(): o for j, o in outcomes.items() if o is not None}


def _diagnoses(report: Report, outcomes: dict[str, TrainOutcome]) -> list[dict[str, Any]]:
    """A :class:`~bilinear.analysis.diagnosis.GapDiagnosis` for every gap cell whose selected
    run (``outcomes`` by run key) kept its weights: the stored module is rebuilt bit for bit,
    no retraining."""
    out = []
    for row in report.rows:
        trained = row.get("trained") or {}
        outcome = outcomes.get(trained.get("key", ""))
        if row.get("agreement") != "gap" or outcome is None or "weights" not in outcome.extra:
            continue
        job = outcome.job
        try:
            model = model_from_record(outcome.extra["weights"])
            found = diagnose(model, tasks.resolve(job.task).dfa, task=job.task,
                             train_length=job.train_range(job.steps)[1],
                             lengths=job.test_lengths, seed=job.seed)
        except BilinearError as exc:
            report.errors.append(f"diagnosis of {row['task']} / {row['model']}: {exc}")
            continue
        curve = [{"step": h["step"], **h["curve"]} for h in outcome.extra.get("history") or ()
                 if "curve" in h]
        out.append({"model": row["model"], **found.to_dict(), "curve": curve})
    return out


def with_scoring(trained: dict[str, Any] | None, runs: list[Any],
                 finals: dict[str, dict[int, float]],
                 scoring: TaskScoring | None) -> dict[str, Any] | None:
    """A cell's ``trained`` object with the benchmark's scoring added (a copy; ``trained``
    itself when the task is not a benchmark task or nothing was trained).

    Adds ``scoring`` (the :class:`TaskScoring` record), ``final_accuracy`` per test length (the
    run the cell reports; also in each ``per_run`` entry) and, where the benchmark states a
    chance level ``c``, ``final_normalized_accuracy`` = ``(final - c) / (1 - c)``.

    Examples
    --------
    >>> trained = {"seed": 0, "lr": 0.01, "test_lengths": [41, 500], "per_run": []}
    >>> with_scoring(trained, [], {}, None) is trained
    True
    """
    if trained is None or scoring is None:
        return trained
    out = dict(trained)
    by_run = {(o.job.lr, o.job.seed): finals.get(o.job.key(), {}) for o in runs}
    lengths = [int(n) for n in trained["test_lengths"]]
    chosen = by_run.get((trained["lr"], trained["seed"]), {})
    final = [chosen.get(n) for n in lengths]
    out["scoring"] = scoring.to_dict()
    out["final_accuracy"] = final if all(f is not None for f in final) else None
    out["per_run"] = [
        {**r, "final_accuracy": [by_run.get((r["lr"], r["seed"]), {}).get(n) for n in lengths]}
        for r in trained.get("per_run") or []]
    c = scoring.chance
    out["final_normalized_accuracy"] = (
        [(f - c) / (1 - c) for f in out["final_accuracy"]]
        if c is not None and out["final_accuracy"] is not None else None)
    return out


def _rows(report: Report, trained_for: TrainedFor) -> None:
    """One row per (task, model) of the suite, into ``report.rows``."""
    config = report.config
    theory_by_task = {t["spec"]: t for t in report.tasks}
    for spec in config.suite.tasks:
        ceilings = None
        fin = (theory_by_task.get(spec) or {}).get("classification")
        if config.train and needs_count_ceiling(fin) and any(
                m.name in DIAGONAL_LEVELS for m in config.suite.models):
            ceilings = count_ceilings(spec, config.suite.budget.test_lengths)
        for model in config.suite.models:
            trained = trained_for(spec, model) if config.train else None
            report.rows.append(make_row(spec, model, theory_by_task.get(spec), trained,
                                        ceilings))


def _paper_sections(report: Report, infos: dict[str, backend.TaskInfo],
                    trained_for: TrainedFor,
                    progress: _Progress) -> dict[str, Any]:
    suite = report.config.suite
    pb = suite.paper
    assert pb is not None  # checked by the caller
    paper: dict[str, Any] = {"source_note": SOURCE_NOTE}
    paper["modular_addition"] = paper_table(MODULAR_ADDITION, report.rows, infos)
    paper["random_fsm"] = paper_table(RANDOM_FSM, report.rows, infos)

    by_name = {m.name: m for m in suite.models}
    ablation = []
    if report.config.train:
        for name in pb.ablation_models:
            base = by_name.get(name, ModelSpec(name))
            plain = trained_for("parity", base)
            affine = trained_for("parity", with_options(base, affine=True))
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
    doc = report_published.with_section(report_render.build_document(report), report)
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
