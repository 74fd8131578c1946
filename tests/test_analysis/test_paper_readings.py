"""The two readings of the frozen random real-diagonal parity claim, exactly."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from bilinear.analysis.paper import (
    READING_NAMES,
    READINGS,
    UNIT_KINDS,
    _decodable,
    decodable_probability,
    derived_claim,
    frozen_parity_readings,
    paper_claim,
)
from bilinear.analysis.report_blocks import Table, to_markdown
from bilinear.analysis.report_render_paper import _frozen_blocks
from bilinear.errors import InvalidArgumentError


@pytest.mark.parametrize("H", range(1, 7))
def test_whole_word_reading_is_exactly_the_papers_claim(H: int) -> None:
    assert decodable_probability(H, "whole_word") == 1 - Fraction(1, 2**H)
    assert float(decodable_probability(H, "whole_word")) == paper_claim(H)


@pytest.mark.parametrize("H", range(1, 7))
def test_per_position_reading_is_one_minus_three_quarters_to_the_h(H: int) -> None:
    assert decodable_probability(H, "per_position") == 1 - Fraction(3, 4) ** H
    assert float(decodable_probability(H, "per_position")) == pytest.approx(derived_claim(H))


def test_decodable_kinds_match_a_brute_force_readout_search() -> None:
    """Every set of unit kinds: exact decodability agrees with a search over small integer
    readouts on every prefix of every word up to length 6 (all classes are reached)."""
    words = [np.array(w) for n in range(1, 7) for w in np.ndindex(*(2,) * n)]
    grid = [np.array(u) for u in np.ndindex(5, 5, 5, 5)]
    for mask in np.ndindex(2, 2, 2, 2):
        kinds = tuple(k for k, m in zip(UNIT_KINDS, mask, strict=True) if m)
        if not kinds:
            continue
        for key, classes in READINGS.items():
            prefixes = [
                (len(w), int(w.sum())) for w in words if (len(w) % 2, int(w.sum()) % 2) in classes
            ]
            X = np.array([[s0 ** (n - c) * s1**c for s0, s1 in kinds] for n, c in prefixes])
            y = np.array([c % 2 for _, c in prefixes])
            found = any(
                bool(
                    ((X @ (u[: len(kinds)] - 2) > 0) == (y == 0)).all()
                    and (X @ (u[: len(kinds)] - 2) != 0).all()
                )
                for u in grid
            )
            assert found == _decodable(kinds, classes), (kinds, key)


def test_rows_name_both_readings_and_bad_input_is_refused() -> None:
    rows = frozen_parity_readings((1, 4))
    assert [r["hidden"] for r in rows] == [1, 4]
    assert rows[1]["fractions"] == {"whole_word": "15/16", "per_position": "175/256"}
    assert set(READING_NAMES) == set(READINGS)
    with pytest.raises(InvalidArgumentError, match="reading"):
        decodable_probability(2, "nope")
    with pytest.raises(InvalidArgumentError, match="hidden"):
        decodable_probability(0, "whole_word")


def test_report_shows_the_readings_side_by_side() -> None:
    frozen = [
        {
            "hidden": h,
            "weights": "gaussian",
            "trials": 10,
            "success_rate": 0.5,
            "paper_claim": paper_claim(h),
            "derived_claim": derived_claim(h),
            "oracle_rate": 0.5,
            "train_words": 2,
            "test_length": 500,
        }
        for h in (1, 2)
    ]
    doc = _frozen_blocks(frozen, {})
    table = [b for b in doc if isinstance(b, Table)][-1]
    assert READING_NAMES["whole_word"] + " (exact)" in table.headers
    assert READING_NAMES["per_position"] + " (exact)" in table.headers
    assert table.rows[1][2] == "3/4 = 0.750"
    assert "0.50 (gaussian)" in to_markdown(doc)
