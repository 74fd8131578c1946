"""The rows of the hierarchy report: theory per task, trained runs per cell, paper tables.

Collects the cells the report shows and ``results.json`` stores: the classification and verified
constructions of each task (:func:`theory_for_task`, through a
:class:`~bilinear.analysis._backend.TheoryRunner`), the trained runs of one (task, model) cell
folded into one ``trained`` object (:func:`aggregate`), one row per (task, model)
(:func:`make_row`, keys :data:`ROW_KEYS`), the paper's tables filled with our numbers
(:func:`paper_table`) and the acceptance checks (:func:`acceptance`).

Examples
--------
>>> from bilinear.analysis.suite import ModelSpec
>>> row = make_row("parity", ModelSpec("lstm"), None, None)
>>> [row[k] for k in ROW_KEYS]
['parity', 'lstm', None, None, None, None]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bilinear.analysis import _backend as backend
from bilinear.analysis.ceilings import CountCeiling, count_ceiling
from bilinear.analysis.judge import (
    LONG_LENGTH,
    PASS_THRESHOLD,
    agreement,
    long_accuracy,
    primary_accuracy,
)
from bilinear.analysis.paper import SOURCE_NOTE, PaperTable
from bilinear.analysis.report_certify import certify_outcome
from bilinear.analysis.runs import TrainOutcome
from bilinear.analysis.suite import LEVELS, ModelSpec, Suite
from bilinear.automata import tasks
from bilinear.errors import InvalidArgumentError
from bilinear.vocabulary import DIAGONAL_LEVELS

__all__ = [
    "ROW_KEYS",
    "SELECTION_RULE",
    "TRAINED_KEYS",
    "acceptance",
    "aggregate",
    "count_ceilings",
    "make_row",
    "needs_count_ceiling",
    "paper_table",
    "select_run",
    "task_entry",
    "task_summary",
    "theory_for_task",
]

#: Keys every row of ``results.json`` has.
ROW_KEYS = ("task", "model", "theory", "dim", "construction_verified", "trained")
#: Keys of a row's ``trained`` object (when not null).
TRAINED_KEYS = ("hidden", "params", "steps", "seeds", "train_lengths", "test_lengths", "accuracy",
                "normalized_accuracy", "majority_normalized_accuracy")


# ================================================================================ theory
def theory_for_task(runner: backend.TheoryRunner, spec: str,
                    levels: Iterable[str]) -> dict[str, Any]:
    """The ``fin`` and ``fp`` classifications of a task and a verified construction per level.

    A level the theory rules out gets no construction attempt.  Returns ``classification``,
    ``classification_fp``, ``theory_error`` and ``constructions`` (per level).
    """
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


#: How :func:`select_run` picks the run a cell reports (stated in the report).
SELECTION_RULE = ("the run (learning rate x seed) with the best mean majority-normalized accuracy "
                  "on validation lengths disjoint from the test lengths (ties: the lower final "
                  "training loss, then the earlier lr and seed); runs without validation "
                  "lengths are ranked by final training loss; test lengths are never read")


def _selection_score(o: TrainOutcome) -> tuple[float, float]:
    """Higher is better: mean validation accuracy, then minus the final training loss."""
    loss = o.extra.get("final_loss")
    loss_term = -float(loss) if isinstance(loss, (int, float)) and loss == loss else -1e300
    if o.validation:
        return sum(o.validation.values()) / len(o.validation), loss_term
    return float("-inf"), loss_term


def select_run(outcomes: Sequence[TrainOutcome]) -> TrainOutcome:
    """The run of one cell that the report shows, chosen by :data:`SELECTION_RULE`.

    Reads each run's validation metrics and training loss only, never its test metrics.

    Examples
    --------
    >>> from bilinear.experiments import RunConfig
    >>> def run(seed, val, test):
    ...     job = RunConfig(task="parity", model="full", seed=seed, hidden=4, steps=1,
    ...                     test_lengths=(500,), val_lengths=(40,))
    ...     return TrainOutcome(job, 1, 1, (500,), (test,), (test,), validation={40: val},
    ...                         majority_normalized_accuracy=(test,))
    >>> select_run([run(0, 0.9, 1.0), run(1, 1.0, 0.2)]).job.seed   # validation decides
    1
    """
    if not outcomes:
        raise InvalidArgumentError("select_run needs at least one run")
    ranked = sorted(outcomes, key=lambda o: (o.job.lr, o.job.seed))
    return max(ranked, key=_selection_score)


def aggregate(outcomes: Sequence[TrainOutcome]) -> dict[str, Any] | None:
    """The ``trained`` object of one cell: the run :func:`select_run` picks, with the spread of
    the primary figure over every run of the cell; ``None`` when nothing was trained.

    ``key`` names the selected run in the results store (``bilinear certify STORE:KEY``);
    ``certificate`` is the selected run's
    :class:`~bilinear.verification.extraction.TrainedCertificate` as a dictionary
    (:func:`~bilinear.analysis.report_certify.certify_outcome`), ``None`` when the store kept
    no weights for it (baselines, runs stored before weights were kept)."""
    if not outcomes:
        return None
    chosen = select_run(outcomes)
    cert = certify_outcome(chosen)
    runs = sorted(outcomes, key=lambda r: (r.job.lr, r.job.seed))
    lengths = list(chosen.test_lengths)
    job = chosen.job
    return {
        "hidden": job.hidden,
        "params": chosen.params,
        "steps": chosen.steps,
        "seeds": sorted({r.job.seed for r in runs}),
        "seed": job.seed,
        "train_lengths": list(job.train_lengths),
        "test_lengths": lengths,
        "val_lengths": list(job.val_lengths),
        "validation": {str(n): v for n, v in sorted(chosen.validation.items())},
        "accuracy": list(chosen.accuracy),
        "normalized_accuracy": list(chosen.normalized_accuracy),
        "majority_normalized_accuracy": list(chosen.primary_accuracy),
        "lr": job.lr,
        "lrs": sorted({r.job.lr for r in runs}),
        "selection": SELECTION_RULE,
        "per_run": [{"lr": r.job.lr, "seed": r.job.seed,
                     "validation": {str(n): v for n, v in sorted(r.validation.items())},
                     "majority_normalized_accuracy": list(r.primary_accuracy)}
                    for r in runs],
        "per_seed_normalized_accuracy": [list(r.normalized_accuracy) for r in runs
                                         if r.job.lr == job.lr],
        "discretized": chosen.extra.get("discretized"),
        "reused": all(r.reused for r in outcomes),
        "key": job.key(),
        "certificate": None if cert is None else cert.to_dict(),
    }


def needs_count_ceiling(classification: dict[str, Any] | None) -> bool:
    """Whether the highest commutative level is ruled out: below it a diagonal model sees only
    letter counts and :func:`count_ceilings` bounds it (when it says yes, counts suffice)."""
    return _verdict(classification, DIAGONAL_LEVELS[-1]) == "no"


def count_ceilings(spec: str, lengths: Iterable[int]) -> dict[int, CountCeiling]:
    """The counts-only accuracy ceiling of a task at every test length >= :data:`LONG_LENGTH`
    (:func:`bilinear.analysis.ceilings.count_ceiling`)."""
    dfa = tasks.resolve(spec).dfa
    return {n: count_ceiling(dfa, n, words=32, shuffles=128)
            for n in lengths if n >= LONG_LENGTH}


def _ceiling_check(row: dict[str, Any], trained: dict[str, Any] | None,
                   ceilings: dict[int, CountCeiling] | None) -> None:
    """Set the row's ``count_ceiling`` and flag a diagonal model above it as a bug."""
    if not ceilings or not trained or row["model"] not in DIAGONAL_LEVELS:
        return
    raw = dict(zip(trained["test_lengths"], trained["accuracy"], strict=False))
    row["count_ceiling"] = {str(n): c.to_dict() for n, c in sorted(ceilings.items())}
    above = [n for n, c in ceilings.items() if n in raw and c.exceeded_by(raw[n])]
    row["count_ceiling_exceeded"] = sorted(above)
    if above:
        row["agreement"] = "bug"


def make_row(
    task: str,
    model: ModelSpec,
    theory: dict[str, Any] | None,
    trained: dict[str, Any] | None,
    ceilings: dict[int, CountCeiling] | None = None,
) -> dict[str, Any]:
    """One row of ``results.json``: the keys of :data:`ROW_KEYS` plus extras.

    Extras: ``options`` (model options), ``theory_fp`` (the ``fp`` verdict), ``dim_lower``,
    ``construction_method``, ``agreement`` (see :func:`agreement`), ``long_accuracy``,
    ``certificate`` (the trained model's certificate, from ``trained``; ``None`` for a baseline
    or when no weights were stored); for a
    diagonal (commutative) level given ``ceilings`` (:func:`count_ceilings`), ``count_ceiling``
    per long length and ``count_ceiling_exceeded`` (the lengths where the trained model's raw
    accuracy lies above what any counts-only model reaches: flagged ``bug``).

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
        _ceiling_check(row, trained, ceilings)
    else:
        row["theory_fp"] = None
        row["agreement"] = None
    row["long_accuracy"] = long_accuracy(trained)
    row["certificate"] = (trained or {}).get("certificate") if model.is_level else None
    return row


def task_entry(spec: str, info: backend.TaskInfo, theory: dict[str, Any]) -> dict[str, Any]:
    """One task of the report: what the catalogue says of it, and its theory."""
    return {
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
    }


def task_summary(task: dict[str, Any]) -> dict[str, Any]:
    """A task entry as ``results.json`` stores it (the classification's main facts)."""
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


# ================================================================================ paper
def _table_value(trained: dict[str, Any] | None) -> float | None:
    """The paper tables' number: the primary accuracy at the longest test length."""
    if not trained:
        return None
    return float(primary_accuracy(trained)[-1])


def paper_table(table: PaperTable, rows: list[dict[str, Any]],
                infos: dict[str, backend.TaskInfo]) -> dict[str, Any]:
    """A table of the paper with our numbers beside the reported ones (per model and column)."""
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


def acceptance(rows: list[dict[str, Any]], infos: dict[str, backend.TaskInfo],
               suite: Suite) -> list[dict[str, Any]]:
    """The report's acceptance checks: ``check`` (text), ``holds`` (bool or None), ``value``."""
    checks: list[dict[str, Any]] = []
    targets = [("parity", "parity", None), ("modular addition m = 3", "modular_addition", 3),
               ("modular addition m = 5", "modular_addition", 5)]
    if getattr(suite, "benchmark", None) is not None:
        targets = []  # a benchmark suite has its own tasks: the quick suite's checks do not apply
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
