"""Gap diagnosis: drift, wrong automaton, not learned; spectra; the report's blocks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bilinear.analysis.diagnosis import (
    DIAGNOSIS_KINDS,
    GapDiagnosis,
    LetterSpectrum,
    _differing_word,
    diagnose,
    diagnose_run,
    diagnosis_blocks,
    spectrum,
)
from bilinear.analysis.report_blocks import Details, Table, to_markdown
from bilinear.automata import DFA, tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.errors import InvalidArgumentError
from bilinear.models import make
from bilinear.models.construction import from_construction

RUN = 12  # the run of ones after which the "parity unless a long run" task turns to its sink


def _parity_unless_run() -> DFA:
    """Parity of the ones, until a run of RUN ones: then label 1 for ever (a sink).

    It equals parity on every word shorter than RUN; the shortest word where it does not is
    RUN ones (parity 0, sink 1)."""
    states = [(p, r) for p in (0, 1) for r in range(RUN)] + ["sink"]
    trans: dict = {("sink", a): "sink" for a in "01"}
    for p, r in states[:-1]:  # type: ignore[misc]
        trans[((p, r), "0")] = (p, 0)
        trans[((p, r), "1")] = "sink" if r + 1 == RUN else (1 - p, r + 1)
    labels = {q: (1 if q == "sink" else q[0]) for q in states}
    return DFA(states, "01", trans, (0, 0), labels, name="parity_unless_run")


def _drifting_z3() -> BilinearRNN:
    """Z_3's rotation construction, every letter turned by a further 0.004 rad."""
    rnn = compile_automaton(tasks.get("modular_addition", m=3).dfa, level="complex_diagonal")
    e = 0.004
    turn = np.kron(
        np.eye(rnn.H // 2), np.array([[math.cos(e), -math.sin(e)], [math.sin(e), math.cos(e)]])
    )
    return BilinearRNN(
        W=np.einsum("ij,jkd->ikd", turn, rnn.W),
        h0=rnn.h0,
        readout=rnn.readout,
        alphabet=rnn.alphabet,
        labels=rnn.labels,
        level="complex_diagonal",
    )


def test_drift_is_the_right_automaton_decaying_with_length() -> None:
    d = tasks.get("modular_addition", m=3).dfa
    g = diagnose(
        from_construction(_drifting_z3()),
        d,
        task="modular_addition:m=3",
        lengths=(50, 500),
        words=32,
    )
    assert g.kind == "drift"
    assert g.extracted_states == g.task_states == 3 and g.word is None
    acc = dict(g.accuracy)
    assert acc[10] == 1.0 and acc[500] < 0.5
    drift = dict(g.drift)
    assert drift[10] < 0.05 < 0.5 < drift[500]
    # learned angles: 1/3 turn plus the error; the construction's: exactly 1/3 (letter 1)
    learned = next(s for s in g.learned if s.symbol == "1")
    built = next(s for s in g.construction or () if s.symbol == "1")
    assert "1/3" in built.turns() and min(abs(a - 2 * math.pi / 3) for a in built.angles) < 1e-9
    assert min(abs(a - 2 * math.pi / 3 - 0.004) for a in learned.angles) < 1e-6


def test_wrong_automaton_gives_the_shortest_distinguishing_word() -> None:
    parity = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")
    task = _parity_unless_run()
    g = diagnose(from_construction(parity), task, lengths=(50,), words=32)
    assert g.kind == "wrong automaton"
    assert dict(g.accuracy)[10] == 1.0
    assert g.word == ("1",) * RUN and (g.model_label, g.task_label) == (0, 1)
    assert g.extracted_states == 2 and g.task == "parity_unless_run"


def test_untrained_model_is_not_learned() -> None:
    model = make("real_diagonal", vocab=2, labels=2, hidden=2, seed=0)
    g = diagnose(model, tasks.get("parity").dfa, task="parity", lengths=(50,), words=32)
    assert g.kind == "not learned" and dict(g.accuracy)[10] < 0.99


def test_exact_model_has_no_gap_and_round_trips() -> None:
    d = tasks.get("parity").dfa
    g = diagnose(
        from_construction(compile_automaton(d, level="real_diagonal")),
        d,
        lengths=(50, 200),
        words=16,
    )
    assert g.kind == "no gap" and g.construction is not None
    assert GapDiagnosis.from_dict(g.to_dict()) == g


def test_differing_word_ignores_the_start_label_and_finds_ties() -> None:
    parity = tasks.get("parity").dfa
    assert _differing_word(parity, parity) is None
    flipped_start = DFA(
        [0, 1, 2],
        "01",
        {(0, "0"): 1, (0, "1"): 2, (1, "0"): 1, (1, "1"): 2, (2, "0"): 2, (2, "1"): 1},
        0,
        {0: 1, 1: 0, 2: 1},
    )
    assert _differing_word(flipped_start, parity) is None  # h0's own label is never reported
    tie = DFA(
        [0, 1], "01", {(0, "0"): 0, (0, "1"): 1, (1, "0"): 1, (1, "1"): 0}, 0, {0: 0, 1: "<tie>"}
    )
    assert _differing_word(tie, parity) == ["1"]


def test_spectrum_angles_mod_two_pi() -> None:
    th = 2 * math.pi / 5
    rot = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])
    (s,) = spectrum(2.0 * rot[:, :, None], ("a",))
    assert s.moduli == pytest.approx((2.0, 2.0))
    assert sorted(s.turns()) == ["1/5", "4/5"]
    assert all(0 <= a < 2 * math.pi for a in s.angles)
    with pytest.raises(InvalidArgumentError, match="shape"):
        spectrum(np.zeros((2, 3, 1)), ("a",))
    with pytest.raises(InvalidArgumentError, match="angles"):
        LetterSpectrum("a", (1.0,), ())


def test_bad_kind_and_unknown_keys_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="kind"):
        GapDiagnosis("t", "full", "bad", 0.99, 10, (), 2)
    with pytest.raises(InvalidArgumentError, match="unknown"):
        GapDiagnosis.from_dict({"nope": 1})
    with pytest.raises(InvalidArgumentError, match="bilinear"):
        diagnose(make("lstm", 2, 2, 4, seed=0), tasks.get("parity").dfa)  # type: ignore[arg-type]


def test_blocks_list_every_cell_sorted_by_kind() -> None:
    base = {"threshold": 0.99, "train_length": 10, "task_states": 2}
    cells = [
        GapDiagnosis("parity", "full", "drift", accuracy=((10, 1.0),), **base),
        GapDiagnosis(
            "parity",
            "cp",
            "wrong automaton",
            accuracy=((10, 1.0),),
            word=("1", "1"),
            model_label=0,
            task_label=1,
            **base,
        ).to_dict(),
    ]
    doc = diagnosis_blocks(cells)
    table = next(b for b in doc if isinstance(b, Table))
    assert [row[2] for row in table.rows] == ["**wrong automaton**", "**drift**"]
    assert sum(isinstance(b, Details) for b in doc) == 2
    assert "`1 1`" in to_markdown(doc) and set(DIAGNOSIS_KINDS) >= {"drift"}


def test_diagnose_run_trains_the_config_again() -> None:
    from bilinear.experiments import RunConfig

    c = RunConfig(
        task="parity",
        model="real_diagonal",
        hidden=2,
        steps=3,
        batch_size=4,
        curriculum=(2, 12),
        test_lengths=(20,),
        test_words=8,
    )
    g = diagnose_run(c, words=8)
    assert g.task == "parity" and g.model == "real_diagonal"
    assert g.train_length == 12 and [n for n, _ in g.accuracy] == [12, 20]


@pytest.mark.slow
def test_trained_full_on_a_random_fsm_drifts_and_the_curriculum_removes_it() -> None:
    """Full, 16 units, ``random_fsm:states=10``, train lengths 2-10: the extracted automaton is
    the task's and accuracy decays by length 500 (drift); grown to 2-50, no gap is left."""
    import torch

    from bilinear.experiments import RunConfig

    torch.set_num_threads(1)
    c = RunConfig(
        task="random_fsm:states=10",
        model="full",
        hidden=16,
        steps=600,
        lr=1e-2,
        seed=0,
        test_lengths=(200, 500),
        val_lengths=(20, 40),
        test_words=64,
    )
    g = diagnose_run(c, words=64)
    assert g.kind == "drift" and g.extracted_states == g.task_states == 10
    assert dict(g.drift)[500] > 2 * dict(g.drift)[10]
    assert diagnose_run(c.replace(curriculum=(2, 50)), words=64).kind == "no gap"
