"""The plot helpers of :mod:`bilinear.analysis.plots`: figures with the expected artists."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from bilinear.analysis import plots
from bilinear.automata import DFA, tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import InvalidArgumentError


def test_automaton_diagram_draws_every_state_and_edge_label() -> None:
    dfa = tasks.get("modular_addition", m=3).dfa
    fig = plots.automaton_diagram(dfa)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert {"0", "1", "2"} <= texts  # node names
    assert ax.get_title() == dfa.name
    # one collection for the nodes, one arrow per distinct (q, q') pair
    pairs = {(q, int(dfa.table[q, k])) for q in range(3) for k in range(3)}
    assert len(ax.patches) == len(pairs)


def test_automaton_diagram_marks_labels_and_handles_tiny_automata() -> None:
    single = DFA(states=["s"], alphabet=["a"], transitions={("s", "a"): "s"}, start="s",
                 labels={"s": True})
    fig = plots.automaton_diagram(single, title="one state")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "s\n[True]" in texts and "a" in texts
    assert fig.axes[0].get_title() == "one state"
    fig = plots.automaton_diagram(tasks.get("flip_flop").dfa, layout="spring", seed=1)
    assert len(fig.axes) == 1


def test_automaton_diagram_refuses_bad_requests() -> None:
    dfa = tasks.get("parity").dfa
    with pytest.raises(InvalidArgumentError, match="layout"):
        plots.automaton_diagram(dfa, layout="hexagonal")
    with pytest.raises(InvalidArgumentError, match="max_states"):
        plots.automaton_diagram(tasks.get("cyclic", n=7).dfa, max_states=5)


def test_letter_heatmaps_from_construction_array_and_torch() -> None:
    rnn = compile_automaton(tasks.get("symmetric", n=3).dfa, level="block", block_size=2)
    fig = plots.letter_heatmaps(rnn)
    panels = fig.axes[:-1]
    assert [ax.get_title() for ax in panels] == [f"A({a})" for a in rnn.alphabet]
    for k, ax in enumerate(panels):
        np.testing.assert_array_equal(ax.images[0].get_array(), rnn.W[:, :, k])
    assert len(panels[0].texts) == rnn.H * rnn.H  # annotated cells
    # a shared colour scale centred at 0
    limits = {ax.images[0].get_clim() for ax in panels}
    assert len(limits) == 1 and limits.pop() == (-1.0, 1.0)

    W = np.random.default_rng(0).normal(size=(8, 8, 3))
    fig = plots.letter_heatmaps(W, alphabet=["x", "y", "z"], symbols=["z"])
    assert [ax.get_title() for ax in fig.axes[:-1]] == ["A(z)"]
    assert not fig.axes[0].texts  # too big to annotate by default

    torch = pytest.importorskip("torch")
    from bilinear.models import from_construction

    fig = plots.letter_heatmaps(from_construction(rnn), alphabet=rnn.alphabet)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), rnn.W[:, :, 0])
    fig = plots.letter_heatmaps(torch.as_tensor(W))
    assert len(fig.axes) == 4


def test_letter_heatmaps_refuses_bad_input() -> None:
    with pytest.raises(InvalidArgumentError, match="shape"):
        plots.letter_heatmaps(np.zeros((2, 3, 1)))
    with pytest.raises(InvalidArgumentError, match="unknown symbols"):
        plots.letter_heatmaps(np.zeros((2, 2, 2)), alphabet="ab", symbols=["c"])
    with pytest.raises(InvalidArgumentError, match="max_symbols"):
        plots.letter_heatmaps(np.zeros((2, 2, 20)))


def test_state_trajectory_rotation_on_the_circle() -> None:
    dfa = tasks.get("cyclic", n=5).dfa
    rnn = compile_automaton(dfa, level="complex_diagonal")
    word = ["1"] * 10
    states = plots.hidden_states(rnn, word)
    assert states.shape == (10, 2)
    fig = plots.state_trajectory(states, dfa.output(word), h0=rnn.h0, title="Z5")
    ax = fig.axes[0]
    assert ax.get_title() == "Z5" and ax.get_xlabel() == "unit 0"
    assert len(ax.patches) == 1  # the unit circle
    assert len(ax.get_legend().get_texts()) == 5
    offsets = np.vstack([c.get_offsets() for c in ax.collections[:5]])
    np.testing.assert_allclose(np.linalg.norm(offsets, axis=1), 1.0)


def test_state_trajectory_pca_for_larger_models_and_batches() -> None:
    dfa = tasks.get("symmetric", n=4).dfa
    rnn = compile_automaton(dfa, level="full")
    rng = np.random.default_rng(0)
    words = rng.integers(0, dfa.n_symbols, size=(3, 12))
    states = np.stack([rnn.states([dfa.alphabet[i] for i in w]) for w in words])
    labels = [dfa.label_values[i] for i in dfa.output_batch(words).ravel()]
    fig = plots.state_trajectory(states, labels, method="pca")
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("PC 1") and not ax.patches
    assert sum(len(c.get_offsets()) for c in ax.collections) == 36
    with pytest.raises(InvalidArgumentError, match="labels"):
        plots.state_trajectory(states, labels[:3])
    with pytest.raises(InvalidArgumentError, match="projection"):
        plots.state_trajectory(states, method="tsne")


def test_hidden_states_of_a_torch_model_match_the_construction() -> None:
    pytest.importorskip("torch")
    from bilinear.models import from_construction

    dfa = tasks.get("cyclic", n=5).dfa
    rnn = compile_automaton(dfa, level="complex_diagonal")
    model = from_construction(rnn)
    got = plots.hidden_states(model, ["1", "1", "1"], alphabet=dfa.alphabet)
    want = rnn.states(["1", "1", "1"])
    want = want / np.linalg.norm(want, axis=1, keepdims=True)  # the module normalizes
    np.testing.assert_allclose(got, want, atol=1e-6)
    with pytest.raises(InvalidArgumentError, match="alphabet"):
        plots.hidden_states(model, ["1"])


def test_plots_module_does_not_import_torch() -> None:
    code = ("import sys; import bilinear.analysis.plots as p; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
