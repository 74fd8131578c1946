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

from bilinear.analysis import plots
from bilinear.automata import tasks as catalogue
from bilinear.vocabulary import BASELINES, CHAIN

__all__ = [
    "hierarchy_diagram",
    "accuracy_plot",
    "params_plot",
    "frozen_plot",
    "cp_sweep_plot",
    "make_plots",
]

_CHAIN = CHAIN
_COLORS = {
    "full": "#1f77b4", "cp": "#17becf", "monomial": "#9467bd", "block": "#2ca02c",
    "complex_diagonal": "#bcbd22", "real_diagonal": "#ff7f0e", "positive_diagonal": "#d62728",
    "lstm": "#7f7f7f", "elman": "#8c564b", "transformer": "#e377c2", "mamba_like": "#000000",
}


def _pyplot() -> Any:
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


def hierarchy_diagram(placement: Mapping[str, str | None], path: str | Path,
                      *, title: str = "Tasks at their minimal level (fin notion)") -> str:
    """Bands for the chain positive_diagonal < ... < full; each task written in its band.

    ``placement`` maps a task label to its minimal level (``None``: not classified; such tasks
    are listed in an extra band).
    """
    plt = _pyplot()
    bands = list(_CHAIN) + (["not classified"] if any(v not in _CHAIN
                                                      for v in placement.values()) else [])
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
        ax.text(text_x, i + 0.45, "\n".join(lines) or "(none)", va="center", ha="left",
                fontsize=9, color="#222" if names else "#999")
        if i < len(_CHAIN) - 1 and band in _CHAIN:
            ax.annotate("", xy=(text_x / 2, i + 1.02), xytext=(text_x / 2, i + 0.88),
                        arrowprops={"arrowstyle": "->", "color": "#555"})
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.1, len(bands))
    ax.axis("off")
    ax.set_title(title + " (each level also simulates everything below it)", fontsize=10)
    return _save(fig, path)


def accuracy_plot(series: Mapping[str, Mapping[str, tuple[Sequence[int], Sequence[float]]]],
                  path: str | Path) -> str:
    """``series[task][model] = (test_lengths, normalized_accuracy)``: one panel per task."""
    plt = _pyplot()
    tasks = list(series)
    if not tasks:
        tasks = ["(no trained models)"]
    cols = min(3, len(tasks))
    nrows = math.ceil(len(tasks) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.6 * cols, 3.3 * nrows), squeeze=False)
    handles: dict[str, Any] = {}
    for idx, task in enumerate(tasks):
        ax = axes[idx // cols][idx % cols]
        for model, (lengths, accs) in (series.get(task) or {}).items():
            name = model.split(":")[0]
            baseline = name in BASELINES
            (line,) = ax.plot(lengths, accs, marker="s" if baseline else "o", ms=3,
                              label=model, color=_COLORS.get(name),
                              lw=1.0 if baseline else 1.6, ls="--" if baseline else "-",
                              zorder=3 if name == "full" else 2)
            handles.setdefault(model, line)
        ax.set_title(task, fontsize=9)
        ax.set_xscale("log")
        ax.set_ylim(-0.05, 1.05)
        ax.axhline(0.95, color="#999", lw=0.7, ls="--")
        ax.set_xlabel("test length", fontsize=8)
        ax.set_ylabel("normalized accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
    for idx in range(len(tasks), nrows * cols):
        axes[idx // cols][idx % cols].axis("off")
    if handles:
        fig.legend(list(handles.values()), list(handles), loc="lower center",
                   ncol=min(6, len(handles)), fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return _save(fig, path)


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
        ax.scatter([params], [acc], color=_COLORS.get(name, "#333"), marker=marker, s=28,
                   alpha=0.8, label=model if model not in seen else None)
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
        ax.plot([r["hidden"] for r in sel], [r["success_rate"] for r in sel], marker="o",
                label=f"measured ({weights} weights)")
    ax.plot(hs, [1 - 2.0 ** -h for h in hs], "k--", label="paper: 1 - 2^-H")
    ax.plot(hs, [1 - 0.75**h for h in hs], ":", color="#555", label="1 - (3/4)^H")
    ax.set_xscale("log", base=2)
    ax.set_xticks(hs, [str(h) for h in hs])
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("H (hidden units)")
    ax.set_ylabel("success rate")
    ax.legend(fontsize=8)
    return _save(fig, path)


def cp_sweep_plot(ranks: Sequence[int], accs: Sequence[float | None],
                  full: float | None, path: str | Path, *, task: str = "") -> str:
    """Normalized accuracy at the longest length against CP rank, with the full model's level."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    pts = [(r, a) for r, a in zip(ranks, accs, strict=False) if a is not None]
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=_COLORS["cp"],
                label="cp")
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
    points = []
    for row in report.rows:
        trained = row.get("trained")
        if not trained:
            continue
        label = _label(row["model"], row.get("options") or {})
        series.setdefault(row["task"], {})[label] = (trained["test_lengths"],
                                                     trained["normalized_accuracy"])
        if trained.get("params"):
            points.append((row["task"], label, trained["params"],
                           trained["normalized_accuracy"][-1]))
    if series:
        accuracy_plot(series, out / "accuracy.png")
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
            ({**s, "rank": s["rank"] if isinstance(s["rank"], int) else s["trained"]["hidden"]}
             for s in sweep if isinstance(s["rank"], int) or s.get("trained")),
            key=lambda s: s["rank"])
        cp_sweep_plot([s["rank"] for s in sweep],
                      [s["trained"]["normalized_accuracy"][-1] if s.get("trained") else None
                       for s in sweep],
                      ref["normalized_accuracy"][-1] if ref else None,
                      out / "cp_sweep.png", task=paper.get("cp_task", ""))
        files["cp_sweep"] = "cp_sweep.png"
    files.update(_automaton_figures(report, out))
    return files


def _automaton_figures(report: Any, out: Path) -> dict[str, str]:
    """Per task: the automaton diagram and the letter matrices of the construction at its
    minimal level, drawn by :mod:`bilinear.analysis.plots` (the documentation's helpers)."""
    files: dict[str, str] = {}
    for i, task in enumerate(report.tasks):
        if task["states"] <= 12 and hasattr(plots, "automaton_diagram"):
            try:
                fig = plots.automaton_diagram(catalogue.resolve(task["spec"]).dfa,
                                              title=task["spec"])
                _save(fig, out / f"automaton_{i}.png")
                files[f"automaton:{task['spec']}"] = f"automaton_{i}.png"
            except Exception:
                pass
        fin = task.get("classification") or {}
        level = fin.get("minimal_level")
        cons = (task.get("constructions") or {}).get(level or "") or {}
        if cons.get("verified") and cons.get("weights") and hasattr(plots, "letter_heatmaps"):
            try:
                fig = plots.letter_heatmaps(np.asarray(cons["weights"]),
                                            alphabet=task["alphabet"],
                                            title=f"{task['spec']}: letter matrices at {level}")
                _save(fig, out / f"letters_{i}.png")
                files[f"letters:{task['spec']}"] = f"letters_{i}.png"
            except Exception:
                pass
    return files
