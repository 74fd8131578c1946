"""Plot helpers for teaching and reports: automata, letter matrices, hidden-state trajectories.

Every function draws on a bare :class:`matplotlib.figure.Figure` (no pyplot, so no window ever
opens whatever the backend) and returns it; pass ``ax=`` to draw into an existing axes
instead.  Inputs are plain numpy arrays or ``bilinear`` objects; torch tensors and modules are
accepted too and converted, but this module never imports torch itself.

* :func:`automaton_diagram`: a :class:`~bilinear.automata.DFA` as a graph (Graphviz ``dot``
  layout when the ``dot`` program is installed, else a networkx layout), states coloured by
  label, the start state marked, parallel edges merged into one arrow labelled with all its
  symbols;
* :func:`transition_table`: the transition table as a coloured grid (state x symbol, each cell
  the target state in its label's colour), readable where a graph is a hairball;
* :func:`automaton_figure`: the diagram for small automata, the table above a size limit;
* :func:`letter_heatmaps`: the letter matrices ``A(a) = W[:, :, k]``, one heatmap per symbol on
  a shared, zero-centred colour scale, from a construction, a torch model or an array;
* :func:`state_trajectory`: hidden states after each prefix in the plane (the two units when
  ``H = 2``, else the first two principal components), coloured by the automaton's label,
  with the unit circle for rotation constructions;
* :func:`hidden_states`: the states of a construction or a torch model on a word, as a numpy
  array, ready for :func:`state_trajectory`.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.analysis.plots import automaton_diagram, letter_heatmaps
>>> fig = automaton_diagram(tasks.get("parity").dfa)
>>> fig.axes[0].get_title()
'parity'
>>> import numpy as np
>>> fig = letter_heatmaps(np.stack([np.eye(2), np.array([[0.0, 1], [1, 0]])], axis=-1))
>>> len(fig.axes)          # two symbols and a colour bar
3
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from bilinear._optional import require
from bilinear.errors import InvalidArgumentError

__all__ = [
    "automaton_diagram",
    "automaton_figure",
    "transition_table",
    "letter_heatmaps",
    "state_trajectory",
    "hidden_states",
    "letter_matrices",
]

#: Colours for labels, in the order of ``dfa.label_values`` (cycled beyond ten labels).
PALETTE = (
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
)


# ----------------------------------------------------------------------------- helpers
def _need_matplotlib(feature: str) -> None:
    """Fail in one line naming ``bilinear[plots]`` when matplotlib is not installed."""
    require("matplotlib", "plots", feature=feature)


def _figure_and_axes(ax: Any, figsize: tuple[float, float]) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    _need_matplotlib("bilinear.analysis.plots")
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _as_numpy(x: Any, name: str) -> np.ndarray:
    """A numpy float64 array from an array-like or a torch tensor (detached, on the CPU)."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor; torch is not imported here
        x = x.detach().cpu()
        if hasattr(x, "is_complex") and x.is_complex():
            raise InvalidArgumentError(f"{name} is complex; pass its real 2 x 2 form")
        x = x.double().numpy()
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidArgumentError(f"{name} is not a numeric array: {err}") from None
    return a


def _label_colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


# ------------------------------------------------------------------------ automata
def automaton_diagram(
    dfa: Any,
    *,
    ax: Any = None,
    layout: str = "auto",
    max_states: int = 60,
    show_labels: bool = True,
    title: str | None = None,
    seed: int = 0,
) -> Any:
    """Draw an automaton as a graph: states coloured by label, edges labelled by symbols.

    Parallel edges (several symbols from ``q`` to ``q'``) are merged into one arrow labelled
    ``"a,b"``; self-loops are drawn as loops; the start state has a thick outline.

    Parameters
    ----------
    dfa : DFA
        The automaton (:class:`bilinear.automata.DFA`).
    ax : matplotlib.axes.Axes, optional
        Draw into this axes; by default a new figure is made.
    layout : {"auto", "graphviz", "circular", "spring", "kamada_kawai", "shell"}
        ``"graphviz"`` places the states with Graphviz ``dot`` (the program must be on the
        ``PATH``); the others are networkx layouts.  ``"auto"`` is ``"graphviz"`` when ``dot``
        is installed, else circular up to 12 states and Kamada-Kawai beyond.
    max_states : int
        Refuse larger automata (a diagram of hundreds of states is unreadable).
    show_labels : bool
        Write each state's output label under its name when it differs from the name.
    title : str, optional
        Axes title (default: the automaton's name).
    seed : int
        Seed of the spring layout.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidArgumentError
        An unknown layout, or more than ``max_states`` states.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> fig = automaton_diagram(tasks.get("modular_addition", m=3).dfa, layout="circular")
    >>> ax = fig.axes[0]
    >>> len(ax.collections) >= 1, len(ax.texts) >= 3          # nodes, node and edge labels
    (True, True)
    """
    layouts = ("auto", "graphviz", "circular", "spring", "kamada_kawai", "shell")
    if layout not in layouts:
        raise InvalidArgumentError(f"unknown layout {layout!r}; use one of {layouts}")
    n = dfa.n_states
    if n > max_states:
        raise InvalidArgumentError(
            f"the automaton has {n} states, more than max_states={max_states}; minimize it "
            "or raise max_states"
        )
    fig, ax = _figure_and_axes(ax, (max(3.0, min(10.0, 1.2 * n + 2)),) * 2)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    symbols: dict[tuple[int, int], list[str]] = {}
    for q in range(n):
        for k, a in enumerate(dfa.alphabet):
            symbols.setdefault((q, int(dfa.table[q, k])), []).append(str(a))
    graph.add_edges_from(symbols)
    if layout == "auto":
        layout = "graphviz" if shutil.which("dot") else ("circular" if n <= 12 else "kamada_kawai")
    if layout == "graphviz" and n > 2:
        pos = graphviz_positions(graph)
    elif layout == "spring":
        pos = nx.spring_layout(graph, seed=seed)
    elif layout == "kamada_kawai" and n > 1:
        pos = nx.kamada_kawai_layout(graph)
    elif layout == "shell":
        pos = nx.shell_layout(graph)
    else:
        pos = nx.circular_layout(graph)
    if n <= 2:  # networkx sizes self-loops by the layout's height: keep it nonzero
        pos = {0: np.array([-1.0, -0.6]), 1: np.array([1.0, 0.6])} if n == 2 else {0: np.zeros(2)}
    # limits first: networkx sizes self-loops from the current view
    xy = np.array([pos[q] for q in range(n)], dtype=float).reshape(n, 2)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = 0.3 * max(float((hi - lo).max()), 1.0) if n > 1 else 1.0
    ax.set_xlim(lo[0] - pad, hi[0] + pad)
    ax.set_ylim(lo[1] - pad, hi[1] + pad)
    colours = [_label_colour(int(dfa.label_index[q])) for q in range(n)]
    widths = [3.0 if q == dfa.start_index else 1.0 for q in range(n)]
    nx.draw_networkx_nodes(
        graph,
        pos,
        ax=ax,
        node_color=colours,
        node_size=900,
        edgecolors="black",
        linewidths=widths,
        alpha=0.9,
    )
    names = {}
    for q in range(n):
        name = str(dfa.states[q])
        label = dfa.label_values[int(dfa.label_index[q])]
        if show_labels and str(label) != name:
            name = f"{name}\n[{label}]"
        names[q] = name
    nx.draw_networkx_labels(graph, pos, labels=names, ax=ax, font_size=8)
    loops = [e for e in symbols if e[0] == e[1]]
    straight = [e for e in symbols if e[0] != e[1] and (e[1], e[0]) not in symbols]
    curved = [e for e in symbols if e[0] != e[1] and (e[1], e[0]) in symbols]
    common = {"ax": ax, "arrows": True, "arrowstyle": "-|>", "arrowsize": 14, "node_size": 900}
    if straight or loops:
        nx.draw_networkx_edges(graph, pos, edgelist=straight + loops, **common)
    if curved:
        nx.draw_networkx_edges(
            graph, pos, edgelist=curved, connectionstyle="arc3,rad=0.18", **common
        )
    text = {e: ",".join(s) for e, s in symbols.items()}
    if straight:
        nx.draw_networkx_edge_labels(graph, pos, {e: text[e] for e in straight}, ax=ax, font_size=7)
    if curved:
        nx.draw_networkx_edge_labels(
            graph,
            pos,
            {e: text[e] for e in curved},
            ax=ax,
            font_size=7,
            connectionstyle="arc3,rad=0.18",
        )
    for e in loops:  # networkx does not label self-loops: write the symbols above the node
        x, y = pos[e[0]]
        ax.text(x, y + 0.16, text[e], ha="center", va="bottom", fontsize=7)
    ax.set_title(dfa.name if title is None else title)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig


def graphviz_positions(graph: Any) -> dict[int, np.ndarray]:
    """Node positions of ``graph`` (integer nodes) from Graphviz ``dot`` (``-Tplain`` output).

    Raises
    ------
    InvalidArgumentError
        When the ``dot`` program is not installed or fails.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise InvalidArgumentError(
            "layout 'graphviz' needs the Graphviz program `dot` on the PATH (e.g. apt-get "
            "install graphviz); use layout='auto' to fall back to networkx"
        )
    lines = ["digraph G {", "  rankdir=LR; nodesep=0.5; ranksep=0.8;"]
    lines += [f"  n{q};" for q in graph.nodes]
    lines += [f"  n{u} -> n{v};" for u, v in graph.edges if u != v]
    lines.append("}")
    try:
        done = subprocess.run(
            [dot, "-Tplain"],
            input="\n".join(lines),
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as err:
        raise InvalidArgumentError(f"Graphviz `dot` failed: {err}") from None
    pos: dict[int, np.ndarray] = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] == "node" and parts[1].startswith("n"):
            pos[int(parts[1][1:])] = np.array([float(parts[2]), float(parts[3])])
    missing = [q for q in graph.nodes if q not in pos]
    if missing:
        raise InvalidArgumentError(f"Graphviz `dot` placed no position for states {missing}")
    return pos


def transition_table(
    dfa: Any, *, ax: Any = None, title: str | None = None, max_states: int = 400
) -> Any:
    """The transition table as a grid: row ``q``, column ``a``, cell ``q . a``.

    Each cell is coloured by the label of its target state and, when the grid is small enough
    to read, names it; the row headers carry each state's label and the start state is marked
    with ``>``.  Readable where the graph of :func:`automaton_diagram` is a hairball (dense
    tables such as ``modular_addition:m=10``, 10 states x 10 symbols).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> fig = transition_table(tasks.get("modular_addition", m=10).dfa)
    >>> ax = fig.axes[0]
    >>> len(ax.get_xticks()), len(ax.get_yticks()), len(ax.texts)   # 10 x 10 cells named
    (10, 10, 100)
    """
    n, m = dfa.n_states, len(dfa.alphabet)
    if n > max_states:
        raise InvalidArgumentError(
            f"the automaton has {n} states, more than max_states={max_states}; minimize it "
            "or raise max_states"
        )
    _need_matplotlib("bilinear.analysis.plots.transition_table")
    from matplotlib.colors import to_rgb

    fig, ax = _figure_and_axes(ax, (min(16.0, 2.0 + 0.5 * m), min(16.0, 1.5 + 0.4 * n)))
    table = np.asarray(dfa.table, dtype=int)
    image = np.array(
        [[to_rgb(_label_colour(int(dfa.label_index[t]))) for t in row] for row in table]
    ).reshape(n, m, 3)
    ax.imshow(0.35 + 0.65 * image, aspect="auto", interpolation="nearest")
    if n * m <= 900:
        size = 8 if n * m <= 150 else 6
        for q in range(n):
            for k in range(m):
                ax.text(
                    k, q, str(dfa.states[int(table[q, k])]), ha="center", va="center", fontsize=size
                )
    rows = []
    for q in range(n):
        label = dfa.label_values[int(dfa.label_index[q])]
        rows.append(("> " if q == dfa.start_index else "") + f"{dfa.states[q]} [{label}]")
    ax.set_xticks(range(m), [str(a) for a in dfa.alphabet], fontsize=8)
    ax.set_yticks(range(n), rows, fontsize=8)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("symbol a", fontsize=8)
    ax.set_ylabel("state q [label]  (cell: q . a)", fontsize=8)
    ax.set_title((dfa.name if title is None else title) + ": transition table", fontsize=9, pad=8)
    return fig


def automaton_figure(
    dfa: Any, *, title: str | None = None, max_states: int = 8, max_symbols: int = 6
) -> Any:
    """:func:`automaton_diagram` up to ``max_states`` states and ``max_symbols`` symbols,
    :func:`transition_table` beyond (a graph of more is unreadable).

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> automaton_figure(tasks.get("parity").dfa).axes[0].get_title()
    'parity'
    >>> automaton_figure(tasks.get("modular_addition", m=10).dfa).axes[0].get_title()
    'modular_addition:m=10: transition table'
    """
    if dfa.n_states > max_states or len(dfa.alphabet) > max_symbols:
        return transition_table(dfa, title=title)
    return automaton_diagram(dfa, title=title)


# ------------------------------------------------------------------- letter matrices
def letter_matrices(weights: Any) -> tuple[np.ndarray, tuple[Hashable, ...] | None]:
    """The tensor ``W`` of shape (H, H, D) and the alphabet, from any kind of weights.

    Parameters
    ----------
    weights : BilinearRNN, torch module, array or tensor
        A construction (its ``W`` and ``alphabet``), a model of :mod:`bilinear.models` (its
        ``transition_tensor()``), or an array of shape (H, H, D).

    Returns
    -------
    (numpy.ndarray, tuple or None)
        ``W`` as float64, and the alphabet when the weights know it.

    Examples
    --------
    >>> W, alphabet = letter_matrices(np.zeros((3, 3, 2)))
    >>> W.shape, alphabet
    ((3, 3, 2), None)
    """
    alphabet = getattr(weights, "alphabet", None)
    if hasattr(weights, "transition_tensor"):
        W = _as_numpy(weights.transition_tensor(), "transition_tensor()")
    elif hasattr(weights, "W"):
        W = _as_numpy(weights.W, "W")
    else:
        W = _as_numpy(weights, "weights")
    if W.ndim != 3 or W.shape[0] != W.shape[1]:
        raise InvalidArgumentError(f"letter matrices need shape (H, H, D), got {W.shape}")
    return W, (tuple(alphabet) if alphabet is not None else None)


def letter_heatmaps(
    weights: Any,
    *,
    alphabet: Sequence[Hashable] | None = None,
    symbols: Sequence[Hashable] | None = None,
    cmap: str = "RdBu_r",
    annotate: bool | None = None,
    title: str | None = None,
    max_symbols: int = 12,
) -> Any:
    """One heatmap per symbol of the letter matrices ``A(a) = W[:, :, k]``.

    All panels share one colour scale centred at zero (blue negative, red positive), so signs
    and magnitudes compare across symbols.  Entries are written in the cells for small
    matrices.

    Parameters
    ----------
    weights : BilinearRNN, torch module, array or tensor
        See :func:`letter_matrices`.
    alphabet : sequence, optional
        Symbol names for the panel titles (default: the weights' alphabet, else ``0..D-1``).
    symbols : sequence, optional
        Only these symbols (names from the alphabet).
    cmap : str
        A diverging matplotlib colour map.
    annotate : bool, optional
        Write the entries in the cells (default: when ``H <= 6``).
    title : str, optional
        Figure title.
    max_symbols : int
        Refuse to draw more panels than this (pass ``symbols`` to choose).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per symbol, then the colour bar's axes.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> rnn = compile_automaton(tasks.get("cyclic", n=5).dfa, level="complex_diagonal")
    >>> fig = letter_heatmaps(rnn)
    >>> [ax.get_title() for ax in fig.axes[:-1]]
    ['A(1)']
    >>> fig.axes[0].images[0].get_array().shape
    (2, 2)
    """
    _need_matplotlib("bilinear.analysis.plots.letter_heatmaps")
    from matplotlib.figure import Figure

    W, known = letter_matrices(weights)
    H, _, D = W.shape
    names = tuple(alphabet) if alphabet is not None else known
    if names is None:
        names = tuple(range(D))
    if len(names) != D:
        raise InvalidArgumentError(f"{len(names)} symbol names for {D} letter matrices")
    keep = list(range(D))
    if symbols is not None:
        index = {str(a): k for k, a in enumerate(names)}
        missing = [s for s in symbols if str(s) not in index]
        if missing:
            raise InvalidArgumentError(f"unknown symbols {missing}; the alphabet is {list(names)}")
        keep = [index[str(s)] for s in symbols]
    if not keep:
        raise InvalidArgumentError("symbols= selects no letter matrix to draw")
    if len(keep) > max_symbols:
        raise InvalidArgumentError(
            f"{len(keep)} symbols exceed max_symbols={max_symbols}; choose some with symbols="
        )
    if annotate is None:
        annotate = H <= 6
    vmax = float(np.abs(W[:, :, keep]).max()) or 1.0
    cols = min(len(keep), 4)
    rows = -(-len(keep) // cols)
    fig = Figure(figsize=(2.6 * cols + 1.0, 2.6 * rows + 0.4), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    image = None
    for i, k in enumerate(keep):
        ax = axes[i // cols][i % cols]
        image = ax.imshow(W[:, :, k], cmap=cmap, vmin=-vmax, vmax=vmax)
        ax.set_title(f"A({names[k]})")
        ax.set_xticks(range(H))
        ax.set_yticks(range(H))
        ax.set_xlabel("input unit j")
        ax.set_ylabel("output unit i")
        if annotate:
            for r in range(H):
                for c in range(H):
                    value = W[r, c, k]
                    ax.text(
                        c,
                        r,
                        f"{value:.2g}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if abs(value) > 0.6 * vmax else "black",
                    )
    for j in range(len(keep), rows * cols):
        fig.delaxes(axes[j // cols][j % cols])
    assert image is not None  # ``keep`` is not empty (checked above)
    fig.colorbar(image, ax=[a for row in axes for a in row if a.figure is fig], shrink=0.8)
    if title:
        fig.suptitle(title)
    return fig


# --------------------------------------------------------------------- trajectories
def hidden_states(
    model: Any, word: Sequence[Hashable] | np.ndarray, *, alphabet: Sequence[Hashable] | None = None
) -> np.ndarray:
    """Hidden states after each prefix of ``word``, shape (T, H), as float64.

    Parameters
    ----------
    model : BilinearRNN or torch module
        A construction (``model.states(word)``) or a model of :mod:`bilinear.models` (its
        ``states(tokens)``; symbols are mapped to ids through ``alphabet``).
    word : sequence of symbols, or of token ids
    alphabet : sequence, optional
        The symbols of a torch model's token ids (needed when ``word`` holds symbols).

    Returns
    -------
    numpy.ndarray of shape (T, H)

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> rnn = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")
    >>> hidden_states(rnn, "0110").ravel().tolist()
    [1.0, -1.0, 1.0, 1.0]
    """
    if not hasattr(model, "transition_tensor") and hasattr(model, "states"):
        return _as_numpy(model.states(list(word)), "states")
    if not hasattr(model, "states"):
        raise InvalidArgumentError(f"cannot take hidden states of {type(model).__name__}")
    ids = list(word)
    if ids and not all(isinstance(t, (int, np.integer)) for t in ids):
        if alphabet is None:
            raise InvalidArgumentError("pass alphabet= to map the word's symbols to token ids")
        index = {a: k for k, a in enumerate(alphabet)}
        try:
            ids = [index[a] for a in ids]
        except KeyError as err:
            raise InvalidArgumentError(f"symbol {err.args[0]!r} is not in the alphabet") from None
    import torch  # only reached with a torch model in hand

    param = next(iter(model.parameters()), None)
    device = param.device if param is not None else "cpu"
    tokens = torch.as_tensor(np.asarray(ids, dtype=np.int64), device=device).unsqueeze(0)
    with torch.no_grad():
        states = model.states(tokens)
    return _as_numpy(states, "states")[0]


def _project(points: np.ndarray, method: str) -> tuple[np.ndarray, str, str]:
    """Points (N, H) in the plane: the two units when H <= 2, else the top principal axes."""
    H = points.shape[1]
    if method == "auto":
        method = "units" if H <= 2 else "pca"
    if method == "units":
        if H == 1:
            return np.column_stack([points[:, 0], np.zeros(len(points))]), "unit 0", ""
        return points[:, :2], "unit 0", "unit 1"
    if method != "pca":
        raise InvalidArgumentError(f"unknown projection {method!r}; use 'auto', 'units' or 'pca'")
    centred = points - points.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    var = s**2 / max(float((s**2).sum()), 1e-300)
    axes = vt[:2].T if vt.shape[0] >= 2 else np.column_stack([vt[0], np.zeros(H)])
    proj = centred @ axes
    second = f"PC 2 ({var[1]:.0%})" if len(var) > 1 else "PC 2"
    return proj, f"PC 1 ({var[0]:.0%})", second


def state_trajectory(
    states: Any,
    labels: Sequence[Any] | None = None,
    *,
    ax: Any = None,
    method: str = "auto",
    circle: bool | None = None,
    connect: bool = True,
    title: str | None = None,
    h0: Any = None,
) -> Any:
    """Hidden states in the plane, coloured by label: rotations on the circle, PCA otherwise.

    Parameters
    ----------
    states : array of shape (T, H) or (B, T, H), or a tensor
        Hidden states after each prefix (e.g. from :func:`hidden_states`).
    labels : sequence, optional
        The automaton's label after each prefix (same leading shape as ``states``, flattened);
        points with the same label share a colour.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes.
    method : {"auto", "units", "pca"}
        ``"units"`` plots the first two units; ``"pca"`` the first two principal components
        of all the states; ``"auto"``: units when ``H <= 2``.
    circle : bool, optional
        Draw the circle of the states' mean radius (default: when the points lie on one).
    connect : bool
        Join consecutive states of each sequence with a thin line.
    title : str, optional
    h0 : array, optional
        The initial state, drawn as a star.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> dfa = tasks.get("cyclic", n=5).dfa
    >>> rnn = compile_automaton(dfa, level="complex_diagonal")
    >>> word = ["1"] * 7
    >>> fig = state_trajectory(hidden_states(rnn, word), dfa.output(word), h0=rnn.h0)
    >>> ax = fig.axes[0]
    >>> len(ax.patches), ax.get_aspect()                       # the circle; equal axes
    (1, 1.0)
    >>> len(ax.get_legend().get_texts())                       # five labels
    5
    """
    S = _as_numpy(states, "states")
    if S.ndim == 2:
        S = S[None]
    if S.ndim != 3 or S.shape[1] == 0:
        raise InvalidArgumentError(f"states must have shape (T, H) or (B, T, H), got {S.shape}")
    B, T, H = S.shape
    flat = S.reshape(B * T, H)
    extra = None if h0 is None else _as_numpy(h0, "h0").reshape(1, H)
    points, xlabel, ylabel = _project(flat if extra is None else np.vstack([flat, extra]), method)
    start = None
    if extra is not None:
        points, start = points[:-1], points[-1]
    fig, ax = _figure_and_axes(ax, (5.0, 5.0))
    xy = points.reshape(B, T, 2)
    if connect:
        for b in range(B):
            path = xy[b] if start is None else np.vstack([start, xy[b]])
            ax.plot(path[:, 0], path[:, 1], color="0.75", linewidth=0.8, zorder=1)
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=25, color=PALETTE[0], zorder=2)
    else:
        lab = list(np.asarray(labels, dtype=object).ravel())
        if len(lab) != B * T:
            raise InvalidArgumentError(f"{len(lab)} labels for {B * T} states")
        order = list(dict.fromkeys(lab))
        for i, value in enumerate(order):
            mask = np.array([x == value for x in lab])
            ax.scatter(
                points[mask, 0],
                points[mask, 1],
                s=30,
                color=_label_colour(i),
                label=str(value),
                zorder=2,
                edgecolors="black",
                linewidths=0.3,
            )
        ax.legend(title="label", fontsize=7, title_fontsize=8, loc="best")
    if start is not None:
        ax.scatter([start[0]], [start[1]], marker="*", s=160, color="black", zorder=3)
    radius = np.linalg.norm(
        points - (0.0 if method != "pca" and H <= 2 else points.mean(0)), axis=1
    )
    if circle is None:
        circle = (
            H <= 2
            and method != "pca"
            and radius.mean() > 0
            and (radius.std() <= 1e-6 * max(1.0, radius.mean()))
        )
    if circle:
        from matplotlib.patches import Circle

        centre = (0.0, 0.0) if (H <= 2 and method != "pca") else tuple(points.mean(0))
        ax.add_patch(
            Circle(centre, float(radius.mean()), fill=False, linestyle="--", color="0.5", zorder=0)
        )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig
