"""The hierarchy report: theory beside trained models, tables, plots (``bilinear report``).

Public API
----------
* :mod:`~bilinear.analysis.suite`: the suites as data (:data:`QUICK`, :data:`FULL`,
  :func:`select`);
* :func:`run_report` with a :class:`ReportConfig`: the main job, writing ``report.md``,
  ``report.html``, PNG plots and ``results.json``;
* :func:`frozen_diagonal_parity`: the paper's frozen random real-diagonal experiment;
* the plot helpers of :mod:`bilinear.analysis.plots` (automaton diagrams, heatmaps,
  trajectories), re-exported here when installed.

Examples
--------
>>> from bilinear.analysis import QUICK, select
>>> select(QUICK, tasks=["parity"], models=["full", "lstm"]).n_runs   # 2 models x 3 seeds
6
"""

import importlib
from typing import Any

from bilinear.analysis import plots as _plots
from bilinear.analysis.paper import frozen_diagonal_parity
from bilinear.analysis.suite import (
    FULL,
    QUICK,
    TINY,
    Budget,
    ModelSpec,
    Suite,
    get_suite,
    select,
)

__all__ = [
    "Budget",
    "FULL",
    "ModelSpec",
    "QUICK",
    "ROW_KEYS",
    "Report",
    "ReportConfig",
    "Suite",
    "TINY",
    "TRAINED_KEYS",
    "agreement",
    "frozen_diagonal_parity",
    "get_suite",
    "run_report",
    "select",
]

#: Names of :mod:`bilinear.analysis.report`, which trains models and so loads torch: they are
#: imported on first use (PEP 562), so that ``bilinear.analysis.suite`` and ``.plots`` stay
#: usable, and fast to import, without torch.
_REPORT_NAMES = ("ROW_KEYS", "TRAINED_KEYS", "Report", "ReportConfig", "agreement", "run_report")


def __getattr__(name: str) -> Any:
    if name in _REPORT_NAMES:
        return getattr(importlib.import_module("bilinear.analysis.report"), name)
    raise AttributeError(f"module 'bilinear.analysis' has no attribute {name!r}")


# the plot helpers (automaton diagrams, heatmaps, trajectories)

for _name in _plots.__all__:
    globals()[_name] = getattr(_plots, _name)
    __all__.append(_name)
