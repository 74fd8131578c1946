"""Published results: records round-trip, are validated, and each names its source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilinear.analysis.published import PUBLISHED, PublishedResult, published_for
from bilinear.automata import suites
from bilinear.errors import BilinearError, InvalidArgumentError, UnknownTaskError


@given(st.sampled_from(PUBLISHED))
def test_every_record_round_trips(record):
    again = PublishedResult.from_dict(record.to_dict())
    assert again == record and again.to_dict() == record.to_dict()


def test_every_record_names_a_paper_and_a_table_and_a_real_task():
    for r in PUBLISHED:
        assert "(20" in r.source and r.table, r  # authors (year), title ...
        name = r.task.partition(":")[0]
        assert suites.suite(r.suite).task(name).name == name
        assert 0.0 <= r.value <= 100.0
        assert r.test_lengths[0] <= r.test_lengths[1]


def test_the_regular_table_covers_the_four_chomsky_tasks():
    rows = published_for("chomsky-regular")
    assert {r.task for r in rows} == {
        "even_pairs",
        "parity_check",
        "cycle_navigation",
        "modular_arithmetic",
    }
    by = {(r.task, r.model): r for r in rows}
    assert by[("parity_check", "Mamba")].value == 54.5
    assert by[("parity_check", "Mamba")].ours == "mamba_like"
    assert by[("modular_arithmetic", "PD-SSM")].std == 3.4
    assert by[("cycle_navigation", "BD4-LNCDE (block diagonal)")].ours == "block"
    assert all(r.train_lengths == (1, 40) and r.test_lengths == (40, 256) for r in rows)


def test_published_for_one_task_ignores_parameters():
    a5 = published_for("sdssm-groups", "A5_k:k=6")
    assert a5 and all(r.task.startswith("A5_k:") for r in a5)
    assert published_for("sdssm-groups", "A5_k") == a5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": 101.0}, "at most 100"),
        ({"value": float("nan")}, "finite"),
        ({"std": -1.0}, "std"),
        ({"source": ""}, "source"),
        ({"ours": "gru"}, "gru"),
        ({"test_lengths": [256, 40]}, "test_lengths"),
        ({"suite": "nope"}, "chomsky-regular"),
        ({"task": "parity"}, "parity_check"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_records_are_refused_naming_the_field(change, message):
    d = {**PUBLISHED[0].to_dict(), **change}
    with pytest.raises(BilinearError) as err:
        PublishedResult.from_dict(d)
    assert message in str(err.value)


def test_from_dict_refuses_a_non_mapping_and_missing_keys():
    with pytest.raises(InvalidArgumentError, match="mapping"):
        PublishedResult.from_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="missing"):
        PublishedResult.from_dict({"suite": "tomita", "task": "1"})


def test_unknown_suite_names_the_known_ones():
    with pytest.raises(UnknownTaskError) as err:
        published_for("chomsky")
    assert "chomsky-regular" in str(err.value) and "tomita" in str(err.value)
