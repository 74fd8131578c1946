"""The paper's reported numbers and the frozen random real-diagonal experiment."""

from __future__ import annotations

import pytest

from bilinear.analysis.paper import (
    MODULAR_ADDITION,
    RANDOM_FSM,
    derived_claim,
    frozen_diagonal_parity,
    paper_claim,
)
from bilinear.errors import InvalidArgumentError


def test_tables_are_complete_in_the_paper_layout():
    for table in (MODULAR_ADDITION, RANDOM_FSM):
        for _, model in table.rows:
            assert set(table.reported[model]) == set(table.columns)
    assert MODULAR_ADDITION.columns == (2, 3, 5, 10, 25, 50)
    assert RANDOM_FSM.columns == (2, 5, 10, 25)
    assert RANDOM_FSM.reported["cp"][25] == 0.5


def test_frozen_signs_succeed_exactly_when_a_parity_unit_exists():
    rows = frozen_diagonal_parity((1, 2, 4, 8), trials=60, test_length=200, weights="signs")
    for r in rows:
        assert r["success_rate"] <= r["oracle_rate"] + 1e-12
        assert r["paper_claim"] == paper_claim(r["hidden"])
        assert r["derived_claim"] == derived_claim(r["hidden"])
    # with +-1 weights a parity unit always decodes, so success tracks the oracle closely
    assert rows[-1]["success_rate"] >= 0.7


def test_frozen_is_reproducible_and_validates_weights():
    a = frozen_diagonal_parity((2,), trials=10, test_length=30)
    b = frozen_diagonal_parity((2,), trials=10, test_length=30)
    assert a == b
    with pytest.raises(InvalidArgumentError):
        frozen_diagonal_parity((2,), weights="uniform")
