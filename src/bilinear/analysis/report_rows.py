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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from bilinear.analysis import _backend as backend
from bilinear.analysis.judge import LONG_LENGTH, PASS_THRESHOLD, agreement, long_accuracy
from bilinear.analysis.paper import SOURCE_NOTE, PaperTable
from bilinear.analysis.runs import TrainOutcome
from bilinear.analysis.suite import LEVELS, ModelSpec, Suite

__all__ = [
    "ROW_KEYS",
    "TRAINED_KEYS",
    "acceptance",
    "aggregate",
    "make_row",
    "paper_table",
    "task_entry",
    "task_summary",
    "theory_for_task",
]

#: Keys every row of ``results.json`` has.
ROW_KEYS = ("task", "model", "theory", "dim", "construction_verified", "trained")
#: Keys of a row's ``trained`` object (when not null).
TRAINED_KEYS = ("hidden", "params", "steps", "seeds", "train_lengths", "test_lengths", "accuracy",
                "normalized_accuracy")


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


def aggregate(outcomes: Sequence[TrainOutcome]) -> dict[str, Any] | None:
    """The ``trained`` object of one cell: the best learning rate (by mean normalized accuracy
    at the longest length), averaged over seeds; ``None`` when nothing was trained."""
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
    """The paper tables' number: normalized accuracy at the longest test length."""
    if not trained:
        return None
    return float(trained["normalized_accuracy"][-1])


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
