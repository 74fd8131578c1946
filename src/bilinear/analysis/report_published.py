"""The report's "published results" section: a benchmark's published numbers beside ours.

For a report that runs a benchmark suite (:func:`bilinear.analysis.suite.from_benchmark`),
:func:`published_rows` pairs each published number of that suite
(:data:`bilinear.analysis.published.PUBLISHED`) on a task the report ran with our measured value
of the matching model (:attr:`~bilinear.analysis.published.PublishedResult.ours`), and
:func:`published_section` renders them as one table.  The published values are marked as such:
they are copied from the papers, not measured here.

Our value is the accuracy of the run the report selected for the cell (the best learning rate
x seed on the validation lengths, never on the test lengths), averaged over our test lengths
inside the published test range (all our test lengths when none lies inside), in percent: the
label after the whole word (``final_accuracy``) where the benchmark scores the final label, the
accuracy over every position otherwise; with several runs, the median over them of the same
figure is given beside it.

Examples
--------
>>> from types import SimpleNamespace
>>> from bilinear.analysis.suite import TINY
>>> report = SimpleNamespace(config=SimpleNamespace(suite=TINY), tasks=[], rows=[])
>>> published_rows(report), published_section(report)
([], [])
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bilinear.analysis.published import PublishedResult, published_for
from bilinear.analysis.report_blocks import Block, BulletList, Heading, Paragraph, Table, fmt
from bilinear.automata.suites import suite as benchmark_suite
from bilinear.automata.tasks import parse_spec, resolve

__all__ = ["HEADING", "MARK", "OURS_RULE", "published_rows", "published_section", "with_section"]

#: The section's heading.
HEADING = "Published results beside ours"

#: How every published value is marked in the report.
MARK = "published, not measured here"

#: How our value beside a published one is computed (stated in the report).
OURS_RULE = (
    "ours = accuracy of the run the report selected for the cell (best learning rate x "
    "seed on validation lengths, never on test lengths), mean over our test lengths "
    "inside the published test range, in %: the label after the whole word where the "
    "benchmark scores final labels, every position otherwise; 'median' = the median of "
    "the same figure over every run of the cell (learning rates x seeds)"
)


def _matches(record: PublishedResult, task: dict[str, Any]) -> bool:
    """Whether a report task entry is the record's task (name and the record's parameters)."""
    name, raw = parse_spec(record.address)
    if task.get("name") != name:
        return False
    params = task.get("params") or {}
    return all(k in params and str(params[k]) == str(v) for k, v in raw.items())


def _window(lengths: Sequence[int], record: PublishedResult) -> list[int]:
    lo, hi = record.test_lengths
    inside = [n for n in lengths if lo <= n <= hi]
    return inside or list(lengths)


def _mean_at(
    values: Sequence[float | None] | None, lengths: Sequence[int], window: Sequence[int]
) -> float | None:
    if values is None:
        return None
    picked = [v for n, v in zip(lengths, values, strict=False) if n in window]
    if not picked or any(v is None for v in picked):
        return None
    return 100.0 * sum(float(v) for v in picked if v is not None) / len(picked)


def _ours(trained: dict[str, Any] | None, record: PublishedResult) -> dict[str, Any]:
    """Our value for a record from a cell's ``trained`` object (``None`` values: not trained)."""
    empty: dict[str, Any] = {
        "value": None,
        "median": None,
        "runs": 0,
        "metric": None,
        "lengths": [],
    }
    if not trained:
        return empty
    lengths = [int(n) for n in trained.get("test_lengths") or []]
    window = _window(lengths, record)
    final = (trained.get("scoring") or {}).get("label_kind") == "final"
    key = "final_accuracy" if final and trained.get("final_accuracy") is not None else "accuracy"
    value = _mean_at(trained.get(key), lengths, window)
    per_run = [_mean_at(r.get(key), lengths, window) for r in trained.get("per_run") or []]
    medians = [v for v in per_run if v is not None]
    return {
        "value": value,
        "median": statistics.median(medians) if medians else None,
        "runs": len(medians),
        "metric": "final label" if key == "final_accuracy" else "every position",
        "lengths": window,
    }


def published_rows(report: Any) -> list[dict[str, Any]]:
    """One entry per published number on a task of the report, with our value beside it.

    Each entry: ``task`` (the report's spec), ``published`` (the record's
    :meth:`~bilinear.analysis.published.PublishedResult.to_dict`), ``mark`` (:data:`MARK`),
    ``ours_model`` (the matching model, or None), ``ours`` (``value``, ``median``, ``runs``,
    ``metric``, ``lengths``; see :data:`OURS_RULE`) and ``theory`` (the hierarchy's verdict for
    the matching level, for one bilinear layer).  Empty when the report runs no benchmark suite.
    """
    suite = report.config.suite
    if getattr(suite, "benchmark", None) is None:
        return []
    records = published_for(suite.benchmark)
    rows_by_cell = {(r["task"], r["model"]): r for r in report.rows}
    out: list[dict[str, Any]] = []
    for task in report.tasks:
        for record in records:
            if not _matches(record, task):
                continue
            row = rows_by_cell.get((task["spec"], record.ours)) if record.ours else None
            out.append(
                {
                    "task": task["spec"],
                    "published": record.to_dict(),
                    "mark": MARK,
                    "ours_model": record.ours,
                    "ours": _ours(row["trained"] if row else None, record),
                    "theory": row.get("theory") if row else None,
                }
            )
    return out


def _published_cell(p: dict[str, Any]) -> str:
    value = fmt(float(p["value"]), 1)
    if p.get("std") is not None:
        value += f" ± {fmt(float(p['std']), 1)}"
    return value + ("" if p.get("verified", True) else " (recalled, unverified)")


def _uniform_final_majority(spec: str, length: int, words: int = 256) -> tuple[Any, float]:
    """The most frequent final label of uniform random words of ``length`` and its share."""
    dfa = resolve(spec).dfa
    rng = random.Random(0)
    symbols = list(dfa.alphabet)
    counts = Counter(
        dfa.output([rng.choice(symbols) for _ in range(length)])[-1] for _ in range(words)
    )
    label, n = counts.most_common(1)[0]
    return label, n / words


def _not_comparable(report: Any) -> dict[str, str]:
    """``{task spec: why}`` for the tasks whose benchmark words are not sampled like ours
    (tasks without a ``sampler`` of their own whose suite does not draw uniform words)."""
    suite = report.config.suite
    out = {}
    for t in benchmark_suite(suite.benchmark).tasks:
        if t.address in suite.tasks and t.sampler is None and not t.length_sampling.startswith(
            "uniform length, uniform tokens"
        ):  # a task with its own sampler is trained and tested on the suite's words
            length = suite.budget.test_lengths[0]
            label, share = _uniform_final_majority(t.address, length)
            out[t.address] = (
                f"`{t.address}`: **not comparable** — the benchmark samples its words as "
                f'"{t.length_sampling}"; ours are uniform random words over the alphabet, on '
                f"which the final label is {label!r} for {100 * share:.0f}% of the words of "
                f"length {length}, so a constant predictor scores about that much"
            )
    return out


def _table_row(e: dict[str, Any], refs: dict[str, int], odd: dict[str, str]) -> list[Any]:
    p, ours = e["published"], e["ours"]
    lengths = ", ".join(map(str, ours["lengths"]))
    return [
        f"`{e['task']}`",
        p["model"],
        _published_cell(p),
        f"train {p['train_lengths'][0]}-{p['train_lengths'][1]}, "
        f"test {p['test_lengths'][0]}-{p['test_lengths'][1]}",
        f"[{refs[p['source'] + ', ' + p['table']]}]",
        p["note"] or "—",
        f"`{e['ours_model']}`" if e["ours_model"] else "— (no matching model)",
        fmt(ours["value"], 1),
        fmt(ours["median"], 1) if ours["runs"] > 1 else "—",
        (f"{ours['metric']}, lengths {lengths}" if ours["metric"] else "—")
        + (
            " (not comparable: uniform words, see below)"
            if e["task"] in odd and ours["metric"]
            else ""
        ),
        e["theory"] or "—",
    ]


def published_section(report: Any) -> list[Block]:
    """The report's published-results section: one table (empty list: no benchmark suite).

    Hook for :func:`bilinear.analysis.report_render.build_document`:
    ``doc += published_section(report)``.
    """
    entries = getattr(report, "published", None)
    if entries is None:
        entries = published_rows(report)
    suite = report.config.suite
    if getattr(suite, "benchmark", None) is None:
        return []
    doc: list[Block] = [Heading(2, HEADING)]
    if not entries:
        doc.append(
            Paragraph(
                f"No published numbers of the `{suite.benchmark}` suite are "
                "recorded for the tasks of this report."
            )
        )
        return doc
    refs: dict[str, int] = {}
    for e in entries:
        refs.setdefault(f"{e['published']['source']}, {e['published']['table']}", len(refs) + 1)
    doc.append(
        Paragraph(
            f"Every value in the column *Published* is **{MARK}**: it is copied from the paper "
            "named in the column *Source*, with that paper's training and test lengths (column "
            "*Their lengths*; sources listed under the table). How we ran it: "
            f"{suite.protocol or 'the suite budget'}. {OURS_RULE}. "
            "*Theory* is the hierarchy's verdict for our matching level with one bilinear layer; "
            "a published model may use several layers and extra terms (column *Note*)."
        )
    )
    odd = _not_comparable(report)
    doc.append(
        Table(
            [
                "Task",
                "Model family (published)",
                "Published (%)",
                "Their lengths",
                "Source",
                "Note",
                "Our model",
                "Ours (%)",
                "Ours, median (%)",
                "Our scoring",
                "Theory",
            ],
            [_table_row(e, refs, odd) for e in entries],
        )
    )
    if odd:
        doc.append(BulletList(list(odd.values())))
    doc.append(Paragraph("Sources:"))
    doc.append(BulletList([f"[{n}] {text}" for text, n in refs.items()]))
    return doc


def with_section(doc: list[Block], report: Any) -> list[Block]:
    """``doc`` with the published section appended, unless it already has it (so the document
    builder may place the section itself).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from bilinear.analysis.suite import from_benchmark
    >>> report = SimpleNamespace(config=SimpleNamespace(suite=from_benchmark("tomita")),
    ...                          tasks=[], rows=[], published=[])
    >>> doc = with_section([], report)
    >>> [b.text for b in doc if isinstance(b, Heading)], len(with_section(doc, report))
    (['Published results beside ours'], 2)
    """
    if any(isinstance(b, Heading) and b.text == HEADING for b in doc):
        return doc
    return doc + published_section(report)
