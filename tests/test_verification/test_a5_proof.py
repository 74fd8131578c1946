"""A Markdown proof for A5 in 3 dimensions (Q(sqrt 5)) that a reader can follow line by line."""

from __future__ import annotations

import pytest

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.verification.verifier import verify


@pytest.fixture(scope="module")
def a5_cert():
    task = tasks.get("alternating", n=5)
    rnn = compile_automaton(task.dfa, level="full")
    assert rnn.H == 3
    return verify(rnn, task)


def test_a5_is_proved_exactly_over_q_sqrt5(a5_cert) -> None:
    c = a5_cert
    assert c.holds and c.method == "exact"
    assert c.details["field"] == "QQ<sqrt(5)>"
    assert c.details["reachable_states"] == 60 and c.details["distinct_vectors"] == 60
    assert [ch.cases for ch in c.checked] == [1, 60 * 4, 60]


def test_a5_markdown_reads_line_by_line(a5_cert) -> None:
    lines = a5_cert.to_markdown().splitlines()
    assert lines[0].startswith("# Certificate: ") and "alternating:n=5" in lines[0]
    assert "**Verdict:** proved.  " in lines
    assert any(line.startswith("**Method:** C-exact") for line in lines)
    assert "- field: QQ<sqrt(5)>" in lines
    assert "- reachable states: 60" in lines
    # the model, with exact entries in Q(sqrt 5)
    assert any(line.startswith("A('3') = [1/4 + sqrt(5)/4") for line in lines)
    assert "h0 = (1, 2, 3)" in lines
    # the three numbered steps of C-exact, each with its count
    assert lines[lines.index("**Proof.**") + 2].startswith("1. [x] h0 = enc(q0)")
    step2 = lines[lines.index("**Proof.**") + 3]
    assert step2.startswith("2. [x] A(a) enc(q) = enc(q . a)") and "(240 cases)" in step2
    step3 = lines[lines.index("**Proof.**") + 4]
    assert step3.startswith("3. [x] R enc(q) has a unique maximum") and "60 cases" in step3
    assert "least margin 27/2 - 6*sqrt(5)" in step3
    conclusion = next(line for line in lines if line.startswith("**Conclusion.**"))
    assert "By induction on |w|" in conclusion and conclusion.endswith("QED.")
    # the encoding table: one row per state, with its shortest word and exact code
    table = [line for line in lines if line.startswith("| ") and "sqrt" in line]
    assert len([line for line in lines if line.startswith("| (")]) == 60
    assert table and all(line.count("|") == 6 for line in table)


def test_a5_latex(a5_cert) -> None:
    tex = a5_cert.to_latex()
    assert tex.count(r"\item") == 3 and r"\end{proof}" in tex
