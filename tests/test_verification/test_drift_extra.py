"""plot_drift without matplotlib: one MissingExtraError naming the extra, not an ImportError."""

import pytest
from tests.test_cli.test_options import _hide_module

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import MissingExtraError
from bilinear.verification.drift import drift, plot_drift


def test_plot_drift_names_the_plots_extra(monkeypatch) -> None:
    dfa = tasks.get("parity").dfa
    traces = drift(compile_automaton(dfa, level="real_diagonal"), dfa, length=8)
    _hide_module(monkeypatch, "matplotlib")
    with pytest.raises(MissingExtraError, match=r"bilinear\[plots\]"):
        plot_drift(traces)
