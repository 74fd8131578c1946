"""Drift tools and the public test helpers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from matplotlib.figure import Figure

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import InvalidArgumentError, VerificationError
from bilinear.verification.assertions import assert_simulates, simulation_error
from bilinear.verification.drift import drift, first_failure, plot_drift, simulate


def test_simulate_formats_round_the_state(vh) -> None:
    rnn = vh.zn_rotation(5)
    h64 = simulate(rnn, "++", dtype="float64")
    h16 = simulate(rnn, "++", dtype="bfloat16")
    assert h64.shape == h16.shape == (2, 2)
    assert np.allclose(h64, h16, atol=1e-2) and not np.array_equal(h64, h16)
    # bfloat16 values have at most 8 significant bits
    m, _ = np.frexp(h16)
    assert np.array_equal(m * 2**8, np.round(m * 2**8))


def test_first_failure_with_and_without_normalization(vh) -> None:
    d = vh.zn_pm_dfa(60)
    rnn = vh.zn_rotation(60)
    word = ["+"] * 600
    step = first_failure(rnn, d, word, dtype="bfloat16")
    assert step is not None and 10 < step < 600
    assert first_failure(rnn, d, word, dtype="float32") is None
    assert first_failure(rnn, d, word, dtype="float64", normalize=True) is None


def test_drift_and_plot(tmp_path, vh) -> None:
    d = vh.zn_pm_dfa(12)
    results = drift(vh.zn_rotation(12), d, length=300, seed=1)
    assert len(results) == 8
    by = {(r.dtype, r.normalize): r for r in results}
    assert by[("float64", True)].first_failure is None
    assert by[("float64", False)].error.max() < 1e-12
    assert by[("bfloat16", False)].error.max() > by[("float32", False)].error.max()
    assert by[("float32", True)].to_dict()["length"] == 300
    path = tmp_path / "drift.png"
    fig = plot_drift(results, path=path, title="Z12")
    assert isinstance(fig, Figure) and path.stat().st_size > 1000


def test_drift_validates(vh) -> None:
    with pytest.raises(InvalidArgumentError):
        drift(vh.zn_rotation(5), vh.zn_pm_dfa(5), dtypes=("float8",))
    with pytest.raises(InvalidArgumentError):
        drift(vh.zn_rotation(5), vh.zn_pm_dfa(5), length=0)


def test_assert_simulates_passes_and_fails() -> None:
    d = tasks.get("dihedral", n=4).dfa
    rnn = compile_automaton(d, level="block")
    assert assert_simulates(rnn, d).holds
    bad = dataclasses.replace(rnn, h0=-np.array(rnn.h0))
    with pytest.raises(VerificationError) as info:
        assert_simulates(bad, d)
    assert isinstance(info.value, AssertionError)
    assert info.value.counterexample is not None
    assert "fails" in str(info.value)


def test_simulation_error_report(vh) -> None:
    d = tasks.get("cyclic", n=5).dfa
    good = simulation_error(compile_automaton(d, level="complex_diagonal"), d, max_length=5)
    assert good.ok and good.exhaustive and good.words == 5 and good.error_rate == 0.0
    d2 = vh.zn_pm_dfa(5)
    bad = vh.zn_rotation(5, delta=0.2)        # 0.2 rad of error per '+': wrong after 4
    rep = simulation_error(bad, d2, max_length=8)
    assert not rep.ok and rep.exhaustive
    assert rep.worst_word == ("+", "+", "+", "+")
    assert d2.output(list(rep.worst_word))[-1] == rep.expected != rep.decoded
    assert rep.per_length[0] == (1, 2, 0) and rep.per_length[3] == (4, 16, 1)
    sampled = simulation_error(bad, d2, max_length=12, budget=64)
    assert not sampled.exhaustive and sampled.words < 2**13
