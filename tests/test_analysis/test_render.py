"""The report's HTML renders certificates' Markdown: no raw markers reach the page."""

from __future__ import annotations

import re

import pytest

from bilinear import compile_automaton, verify
from bilinear.analysis import report_render
from bilinear.analysis.report_blocks import Details, Heading, Preformatted, Table, to_html
from bilinear.analysis.report_render import MAX_TABLE_ROWS, markdown_blocks
from bilinear.automata import tasks

pytest.importorskip("markdown_it")


def _certificate(spec: str, level: str) -> str:
    task = tasks.resolve(spec)
    rnn = compile_automaton(task.dfa, level=level)
    return verify(rnn, task.dfa).to_markdown()


def _visible_text(page: str) -> str:
    """The page without the contents of <pre> blocks (code is shown as is, on purpose)."""
    return re.sub(r"<pre>.*?</pre>", "", page, flags=re.S)


@pytest.mark.parametrize(
    ("spec", "level"), [("parity", "monomial"), ("modular_addition:m=5", "complex_diagonal")]
)
def test_a_certificate_renders_without_markdown_markers(spec, level):
    md = _certificate(spec, level)
    assert "**Verdict:**" in md and "|---|" in md  # the input does carry the markers
    page = _visible_text(to_html([Details("certificate", markdown_blocks(md))]))
    for marker in ("**", "|---|", "```", "\n# ", "[x]"):
        assert marker not in page, marker
    assert "<strong>Verdict:</strong>" in page
    assert "<table>" in page and "<h4>" in page


def test_the_certificate_section_uses_rendered_blocks():
    md = _certificate("parity", "monomial")
    blocks = report_render._certificate(
        "monomial", {"verdict": "yes"}, {"built": True, "certificate_markdown": md}
    )
    (details,) = blocks
    assert isinstance(details, Details)
    assert not any(isinstance(b, Preformatted) and "**Verdict" in b.text for b in details.blocks)
    # no certificate heading reaches the table of contents (level-2 headings)
    assert all(b.level > 2 for b in details.blocks if isinstance(b, Heading))


def test_long_tables_are_cut_with_a_count():
    rows = "".join(f"| s{i} | {i} |\n" for i in range(MAX_TABLE_ROWS + 5))
    (table,) = markdown_blocks("| state | n |\n|---|---|\n" + rows)
    assert isinstance(table, Table)
    assert len(table.rows) == MAX_TABLE_ROWS + 1
    assert table.rows[-1][0] == "... (5 more rows)"


def test_without_markdown_it_the_text_stays_preformatted(monkeypatch):
    monkeypatch.setattr(report_render, "MarkdownIt", None)
    assert markdown_blocks("**x**") == [Preformatted("**x**")]


# ------------------------------------------------------------------------------ the figures
def test_accuracy_plot_shows_negatives_ticks_overlaps_and_verdicts(tmp_path):
    pytest.importorskip("matplotlib")
    from bilinear.analysis.report_plots import accuracy_figure, accuracy_plot

    lengths = [10, 50, 200, 500]
    series = {
        "parity": {
            "full": (lengths, [1, 1, 1, 1]),
            "cp": (lengths, [1, 1, 1, 1]),
            "positive_diagonal": (lengths, [0.2, 0.0, -0.19, -0.1]),
            "lstm": (lengths, [1, 0.8, 0.5, 0.3]),
        }
    }
    fig = accuracy_figure(series, ruled_out={"parity": ["positive_diagonal"]})
    ax = fig.axes[0]
    assert ax.get_ylim()[0] < -0.19
    assert [int(t) for t in ax.get_xticks()] == lengths
    lines = {
        line.get_label(): line for line in ax.get_lines() if line.get_label() in series["parity"]
    }
    full, cp = lines["full"], lines["cp"]
    assert list(full.get_ydata()) == list(cp.get_ydata())  # the same values ...
    assert list(full.get_xdata()) != list(cp.get_xdata())  # ... drawn side by side
    assert full.get_marker() != cp.get_marker()
    assert lines["positive_diagonal"].get_linestyle() == "--"  # theory rules it out
    assert lines["full"].get_linestyle() == "-" and lines["lstm"].get_linestyle() == ":"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "positive_diagonal (ruled out by theory)" in legend
    assert accuracy_plot(series, tmp_path / "a.png").endswith("a.png")


def test_large_automata_are_drawn_as_a_transition_table():
    pytest.importorskip("matplotlib")
    from bilinear.analysis import plots

    big = tasks.get("modular_addition", m=10).dfa
    ax = plots.automaton_figure(big).axes[0]
    assert ax.get_title().endswith("transition table")
    assert len(ax.texts) == 100 and len(ax.collections) == 0  # cells, not a graph
    small = plots.automaton_figure(tasks.get("parity").dfa).axes[0]
    assert not small.get_title().endswith("transition table")


def test_graphviz_layout_is_used_when_dot_is_installed(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import stat

    from bilinear.analysis import plots
    from bilinear.errors import InvalidArgumentError

    dfa = tasks.get("modular_addition", m=3).dfa
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InvalidArgumentError, match="dot"):
        plots.automaton_diagram(dfa, layout="graphviz")
    fake = tmp_path / "dot"  # a stand-in that answers like `dot -Tplain`
    fake.write_text(
        "#!/bin/sh\ncat > /dev/null\necho 'graph 1 5 2'\n"
        "echo 'node n0 0.5 1 0.75 0.5 n0 solid ellipse black lightgrey'\n"
        "echo 'node n1 2.5 1 0.75 0.5 n1 solid ellipse black lightgrey'\n"
        "echo 'node n2 4.5 1 0.75 0.5 n2 solid ellipse black lightgrey'\n"
        "echo stop\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    import networkx as nx

    pos = plots.graphviz_positions(nx.DiGraph([(0, 1), (1, 2)]))
    assert [tuple(pos[q]) for q in range(3)] == [(0.5, 1.0), (2.5, 1.0), (4.5, 1.0)]
    ax = plots.automaton_diagram(dfa).axes[0]  # "auto" picks graphviz now
    xs = sorted(float(p[0]) for p in ax.collections[0].get_offsets())
    assert xs == [0.5, 2.5, 4.5]
