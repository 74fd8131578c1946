"""Resource guards (issue 15 section 1): caps that say which cap and how to raise it."""

from __future__ import annotations

import pytest

from bilinear.automata import tasks
from bilinear.automata.regex import from_regex
from bilinear.errors import AutomatonTooLargeError, InvalidArgumentError
from bilinear.theory import classify


def test_regex_subset_construction_is_capped() -> None:
    pattern = "(a|b)*a" + "(a|b)" * 8  # 2^9 subset states
    with pytest.raises(AutomatonTooLargeError, match=r"max_states=100 .*max_states=N"):
        from_regex(pattern, max_states=100)
    assert from_regex(pattern, max_states=1000).n_states == 2**9


def test_regex_max_states_is_validated() -> None:
    with pytest.raises(InvalidArgumentError, match="max_states"):
        from_regex("a*", max_states=0)


def test_budgeted_index_search_reports_where_it_stopped() -> None:
    dfa = tasks.get("random_fsm", states=400, symbols=3, seed=1).dfa
    c = classify(dfa, cap=50, search_budget=20)
    full = c.levels["full"]
    assert full.verdict == "yes"
    assert "search stopped at" in full.theorem
    assert "lower bound >=" in full.theorem
    assert full.dim_lower is not None and full.dim_lower >= 1
