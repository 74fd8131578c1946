"""The report's figures (matplotlib, Agg backend, PNG).

* :func:`hierarchy_diagram`: the chain of levels as bands, every task placed at its minimal level;
* :func:`accuracy_plot`: normalized accuracy against test length, one panel per task;
* :func:`params_plot`: parameters against normalized accuracy at the longest length;
* :func:`frozen_plot`, :func:`cp_sweep_plot`: the paper's frozen-diagonal and CP-rank experiments.

Each takes plain data and a path and returns the path.

Examples
--------
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "h.png")
>>> hierarchy_diagram({"parity": "real_diagonal", "cyclic:n=5": "complex_diagonal"}, path)
... # doctest: +ELLIPSIS
'...h.png'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bilinear._optional import require
from bilinear.analysis import plots
from bilinear.analysis.judge import primary_accuracy
from bilinear.automata import tasks as catalogue
from bilinear.vocabulary import BASELINES, CHAIN

__all__ = [
    "hierarchy_diagram",
    "accuracy_plot",
    "accuracy_figure",
    "params_plot",
    "frozen_plot",
    "cp_sweep_plot",
    "make_plots",
]

_CHAIN = CHAIN
_COLORS = {
    "full": "#1f77b4",
    "cp": "#17becf",
    "monomial": "#9467bd",
    "block": "#2ca02c",
    "complex_diagonal": "#bcbd22",
    "real_diagonal": "#ff7f0e",
    "positive_diagonal": "#d62728",
    "lstm": "#7f7f7f",
    "elman": "#8c564b",
    "transformer": "#e377c2",
    "mamba_like": "#000000",
}


def _pyplot() -> Any:
    require("matplotlib", "plots", feature="the report's plots")
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str | Path) -> str:
    plt = _pyplot()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    if plt.fignum_exists(getattr(fig, "number", -1)):
        plt.close(fig)
    return str(path)


def hierarchy_diagram(
    placement: Mapping[str, str | None],
    path: str | Path,
    *,
    title: str = "Tasks at their minimal level (fin notion)",
) -> str:
    """Bands for the chain positive_diagonal < ... < full; each task written in its band.

    ``placement`` maps a task label to its minimal level (``None``: not classified; such tasks
    are listed in an extra band).
    """
    plt = _pyplot()
    bands = list(_CHAIN) + (
        ["not classified"] if any(v not in _CHAIN for v in placement.values()) else []
    )
    groups: dict[str, list[str]] = {b: [] for b in bands}
    for task, level in placement.items():
        groups[level if level in _CHAIN else "not classified"].append(task)
    width = max([len(", ".join(g)) for g in groups.values()] + [40])
    fig_width = min(4 + width * 0.075, 16)
    fig, ax = plt.subplots(figsize=(fig_width, 0.75 * len(bands) + 1))
    text_x = min(0.27, 2.4 / fig_width)
    for i, band in enumerate(bands):
        color = _COLORS.get(band, "#cccccc")
        ax.add_patch(plt.Rectangle((0, i), 1, 0.9, color=color, alpha=0.18))
        ax.text(0.01, i + 0.45, band, va="center", ha="left", fontsize=10, weight="bold")
        names = groups[band]
        lines = []
        line = ""
        for name in names:
            piece = (", " if line else "") + name
            if len(line) + len(piece) > 90:
                lines.append(line)
                line = name
            else:
                line += piece
        if line:
            lines.append(line)
        ax.text(
            text_x,
            i + 0.45,
            "\n".join(lines) or "(none)",
            va="center",
            ha="left",
            fontsize=9,
            color="#222" if names else "#999",
        )
        if i < len(_CHAIN) - 1 and band in _CHAIN:
            ax.annotate(
                "",
                xy=(text_x / 2, i + 1.02),
                xytext=(text_x / 2, i + 0.88),
                arrowprops={"arrowstyle": "->", "color": "#555"},
            )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.1, len(bands))
    ax.axis("off")
    ax.set_title(title + " (each level also simulates everything below it)", fontsize=10)
    return _save(fig, path)


#: Markers cycled over the models of a panel, so lines that coincide stay distinguishable.
_MARKERS = "osD^v<>pP*Xh"
#: Horizontal offset between the models of a panel, as a fraction of a decade (log x axis).
_X_OFFSET = 0.03


def accuracy_figure(
    series: Mapping[str, Mapping[str, tuple[Sequence[int], Sequence[float]]]],
    ruled_out: Mapping[str, Sequence[str]] | None = None,
) -> Any:
    """The figure of :func:`accuracy_plot` (not saved).

    Each model gets its own marker and a small horizontal offset (lines that sit on top of each
    other at 1.0 stay visible side by side); levels that theory rules out for a task
    (``ruled_out[task]``) are dashed, baselines dotted, the others solid. The x ticks are the
    test lengths themselves and the y range always shows negative normalized accuracy.

    Examples
    --------
    >>> fig = accuracy_figure({"parity": {"full": ([10, 50], [1.0, 1.0]),
    ...                                   "positive_diagonal": ([10, 50], [0.1, -0.2])}},
    ...                       ruled_out={"parity": ["positive_diagonal"]})
    >>> ax = fig.axes[0]
    >>> [int(t) for t in ax.get_xticks()], bool(ax.get_ylim()[0] < -0.2)
    ([10, 50], True)
    >>> [line.get_linestyle() for line in ax.get_lines()[:2]]
    ['-', '--']
    """
    plt = _pyplot()
    tasks = list(series) or ["(no trained models)"]
    cols = min(3, len(tasks))
    nrows = math.ceil(len(tasks) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.6 * cols, 3.3 * nrows), squeeze=False)
    handles: dict[str, Any] = {}
    styles = {"level": "-", "ruled out": "--", "baseline": ":"}
    for idx, task in enumerate(tasks):
        ax = axes[idx // cols][idx % cols]
        models = series.get(task) or {}
        out_levels = set((ruled_out or {}).get(task, ()))
        lows = [0.0]
        ticks: set[int] = set()
        for k, (model, (lengths, accs)) in enumerate(models.items()):
            name = model.split(":")[0]
            kind = (
                "baseline"
                if name in BASELINES
                else ("ruled out" if model in out_levels or name in out_levels else "level")
            )
            shift = 10 ** (_X_OFFSET * (k - (len(models) - 1) / 2))
            xs = [float(n) * shift for n in lengths]
            values = [float(a) for a in accs]
            lows += [v for v in values if math.isfinite(v)]
            ticks.update(int(n) for n in lengths)
            (line,) = ax.plot(
                xs,
                values,
                marker=_MARKERS[k % len(_MARKERS)],
                ms=4,
                mfc="none",
                label=model,
                color=_COLORS.get(name),
                lw=1.0 if kind == "baseline" else 1.5,
                ls=styles[kind],
                zorder=3 if name == "full" else 2,
            )
            handles.setdefault(
                model + (" (ruled out by theory)" if kind == "ruled out" else ""), line
            )
        ax.set_title(task, fontsize=9)
        ax.set_xscale("log")
        if ticks:
            ax.set_xticks(sorted(ticks), [str(t) for t in sorted(ticks)])
            ax.minorticks_off()
        ax.set_ylim(min(lows) - 0.08, 1.08)
        ax.axhline(0.95, color="#999", lw=0.7, ls="--")
        ax.axhline(0.0, color="#bbb", lw=0.6, ls="-")
        ax.set_xlabel("test length", fontsize=8)
        ax.set_ylabel("normalized accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
    for idx in range(len(tasks), nrows * cols):
        axes[idx // cols][idx % cols].axis("off")
    if handles:
        fig.legend(
            list(handles.values()),
            list(handles),
            loc="lower center",
            ncol=min(4, len(handles)),
            fontsize=8,
            bbox_to_anchor=(0.5, -0.02),
        )
    rows_of_legend = math.ceil(len(handles) / 4) if handles else 0
    fig.tight_layout(rect=(0, min(0.3, 0.05 * rows_of_legend / nrows + 0.02), 1, 1))
    return fig


def accuracy_plot(
    series: Mapping[str, Mapping[str, tuple[Sequence[int], Sequence[float]]]],
    path: str | Path,
    *,
    ruled_out: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """``series[task][model] = (test_lengths, primary accuracy)``: one panel per task.

    ``ruled_out[task]`` names the models (levels) that theory says cannot simulate the task;
    they are drawn dashed (see :func:`accuracy_figure`).
    """
    return _save(accuracy_figure(series, ruled_out), path)


def params_plot(points: Sequence[tuple[str, str, float, float]], path: str | Path) -> str:
    """``points = [(task, model, params, accuracy), ...]``: a scatter, colour = model."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    seen: set[str] = set()
    markers = "osD^v<>pP*Xh"
    task_marker: dict[str, str] = {}
    for task, model, params, acc in points:
        marker = task_marker.setdefault(task, markers[len(task_marker) % len(markers)])
        name = model.split(":")[0]
        ax.scatter(
            [params],
            [acc],
            color=_COLORS.get(name, "#333"),
            marker=marker,
            s=28,
            alpha=0.8,
            label=model if model not in seen else None,
        )
        seen.add(model)
    for task, marker in task_marker.items():
        ax.scatter([], [], color="#666", marker=marker, label=f"task {task}")
    ax.set_xscale("log")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("trainable parameters")
    ax.set_ylabel("normalized accuracy (longest test length)")
    ax.axhline(0.95, color="#999", lw=0.7, ls="--")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return _save(fig, path)


def frozen_plot(rows: Sequence[Mapping[str, Any]], path: str | Path) -> str:
    """Success rate against H per weight distribution, with ``1 - 2^-H`` and ``1 - (3/4)^H``."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    hs = sorted({r["hidden"] for r in rows})
    for weights in sorted({r["weights"] for r in rows}):
        sel = sorted((r for r in rows if r["weights"] == weights), key=lambda r: r["hidden"])
        ax.plot(
            [r["hidden"] for r in sel],
            [r["success_rate"] for r in sel],
            marker="o",
            label=f"measured ({weights} weights)",
        )
    ax.plot(hs, [1 - 2.0**-h for h in hs], "k--", label="paper: 1 - 2^-H")
    ax.plot(hs, [1 - 0.75**h for h in hs], ":", color="#555", label="1 - (3/4)^H")
    ax.set_xscale("log", base=2)
    ax.set_xticks(hs, [str(h) for h in hs])
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("H (hidden units)")
    ax.set_ylabel("success rate")
    ax.legend(fontsize=8)
    return _save(fig, path)


def cp_sweep_plot(
    ranks: Sequence[int],
    accs: Sequence[float | None],
    full: float | None,
    path: str | Path,
    *,
    task: str = "",
) -> str:
    """Normalized accuracy at the longest length against CP rank, with the full model's level."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    pts = [(r, a) for r, a in zip(ranks, accs, strict=False) if a is not None]
    if pts:
        ax.plot(
            [p[0] for p in pts], [p[1] for p in pts], marker="o", color=_COLORS["cp"], label="cp"
        )
    if full is not None:
        ax.axhline(full, color=_COLORS["full"], ls="--", label="full")
    ax.set_xscale("log", base=2)
    if pts:
        ax.set_xticks([p[0] for p in pts], [str(p[0]) for p in pts])
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("CP rank R")
    ax.set_ylabel("normalized accuracy (longest)")
    ax.set_title(task, fontsize=9)
    ax.legend(fontsize=8)
    return _save(fig, path)


def _label(model: str, options: Mapping[str, Any]) -> str:
    if not options:
        return model
    return model + ":" + ",".join(f"{k}={v}" for k, v in sorted(options.items()))


def make_plots(report: Any, out: Path) -> dict[str, str]:
    """Write every figure of ``report`` into ``out``; returns ``{key: file name}``."""
    files: dict[str, str] = {}
    placement = {}
    for task in report.tasks:
        fin = task.get("classification") or {}
        level = fin.get("minimal_level")
        label = task["spec"]
        if level == "block" and fin.get("block_size"):
            label += f" (b={fin['block_size']})"
        if level is None and (task.get("expected") or {}).get("minimal_level"):
            level = task["expected"]["minimal_level"]
            label += " [literature]"
        placement[label] = level
    hierarchy_diagram(placement, out / "hierarchy.png")
    files["hierarchy"] = "hierarchy.png"

    series: dict[str, dict[str, tuple[list[int], list[float]]]] = {}
    ruled_out: dict[str, list[str]] = {}
    points = []
    for row in report.rows:
        trained = row.get("trained")
        if not trained:
            continue
        label = _label(row["model"], row.get("options") or {})
        series.setdefault(row["task"], {})[label] = (
            trained["test_lengths"],
            primary_accuracy(trained),
        )
        if row.get("theory") == "no":  # the level's fin verdict for this task
            ruled_out.setdefault(row["task"], []).append(label)
        if trained.get("params"):
            points.append((row["task"], label, trained["params"], primary_accuracy(trained)[-1]))
    if series:
        accuracy_plot(series, out / "accuracy.png", ruled_out=ruled_out)
        files["accuracy"] = "accuracy.png"
    if points:
        params_plot(points, out / "params.png")
        files["params"] = "params.png"
    paper = report.paper or {}
    if paper.get("frozen_diagonal"):
        frozen_plot(paper["frozen_diagonal"], out / "frozen_diagonal.png")
        files["frozen"] = "frozen_diagonal.png"
    sweep = paper.get("cp_sweep") or []
    if any(s.get("long") is not None for s in sweep):
        ref = (paper.get("cp_full_reference") or {}).get("trained")
        sweep = sorted(
            (
                {**s, "rank": s["rank"] if isinstance(s["rank"], int) else s["trained"]["hidden"]}
                for s in sweep
                if isinstance(s["rank"], int) or s.get("trained")
            ),
            key=lambda s: s["rank"],
        )
        cp_sweep_plot(
            [s["rank"] for s in sweep],
            [primary_accuracy(s["trained"])[-1] if s.get("trained") else None for s in sweep],
            primary_accuracy(ref)[-1] if ref else None,
            out / "cp_sweep.png",
            task=paper.get("cp_task", ""),
        )
        files["cp_sweep"] = "cp_sweep.png"
    files.update(_automaton_figures(report, out))
    return files


def _automaton_figures(report: Any, out: Path) -> dict[str, str]:
    """Per task: the automaton diagram and the letter matrices of the construction at its
    minimal level, drawn by :mod:`bilinear.analysis.plots` (the documentation's helpers)."""
    files: dict[str, str] = {}
    for i, task in enumerate(report.tasks):
        if task["states"] <= 400:
            try:
                fig = plots.automaton_figure(
                    catalogue.resolve(task["spec"]).dfa, title=task["spec"]
                )
                _save(fig, out / f"automaton_{i}.png")
                files[f"automaton:{task['spec']}"] = f"automaton_{i}.png"
            except Exception:
                pass
        fin = task.get("classification") or {}
        level = fin.get("minimal_level")
        cons = (task.get("constructions") or {}).get(level or "") or {}
        if cons.get("verified") and cons.get("weights") and hasattr(plots, "letter_heatmaps"):
            try:
                fig = plots.letter_heatmaps(
                    np.asarray(cons["weights"]),
                    alphabet=task["alphabet"],
                    title=f"{task['spec']}: letter matrices at {level}",
                )
                _save(fig, out / f"letters_{i}.png")
                files[f"letters:{task['spec']}"] = f"letters_{i}.png"
            except Exception:
                pass
    return files
