"""C-cell certificates and float-only (NPZ) weights."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.verification.loading import floats_only, match_compiled
from bilinear.verification.verifier import verify


@pytest.mark.parametrize("k", [1, 2, 5])
def test_threshold_half_cells(k: int) -> None:
    task = tasks.get("threshold", k=k)
    rnn = compile_automaton(task.dfa, level="positive_diagonal", notion="rob")
    cert = verify(rnn, task)
    assert cert.holds and cert.method == "cells"
    md = cert.to_markdown()
    assert f"[0, 1/{2 ** k}]" in md      # the accumulating cell of the last state
    assert verify(rnn, task, method="cells").holds


def test_cells_refuse_a_wrong_threshold() -> None:
    task = tasks.get("threshold", k=3)
    rnn = compile_automaton(task.dfa, level="positive_diagonal", notion="rob")
    W = np.array(rnn.W)
    W[0, 0, 0] = 0.75          # decays too slowly
    cert = verify(dataclasses.replace(rnn, W=W), task)
    assert not cert.holds and cert.counterexample is not None
    assert set(cert.counterexample) == {"a"}


def test_float_only_integer_weights_are_exact_as_stored(vh) -> None:
    d = tasks.get("symmetric", n=3).dfa
    rnn = floats_only(compile_automaton(d, level="full"))
    cert = verify(rnn, d)
    assert cert.holds and cert.method == "exact"
    assert any("verified exactly as they are" in n for n in cert.details["notes"])


def test_float_only_rotation_matches_the_compiled_construction() -> None:
    d = tasks.get("dihedral", n=5).dfa
    rnn = floats_only(compile_automaton(d, level="block"))
    ref, note = match_compiled(rnn, d)
    assert ref.exact is not None and "ulps" in note
    cert = verify(rnn, d)
    assert cert.holds and cert.method == "exact"
    assert any("this certificate is for that exact construction" in n
               for n in cert.details["notes"])


def test_a_perturbed_tensor_matches_nothing() -> None:
    d = tasks.get("dihedral", n=5).dfa
    rnn = floats_only(compile_automaton(d, level="block"))
    W = np.array(rnn.W)
    W[0, 0, 1] += 1e-9
    bad = dataclasses.replace(rnn, W=W)
    assert match_compiled(bad, d) is None
    cert = verify(bad, d, max_states=2_000, probe=False)
    assert not cert.holds and cert.method == "float"
    assert verify(bad, d, method="exact").details["reason"].startswith("no exact form")


def test_npz_round_trip(tmp_path) -> None:
    d = tasks.get("alternating", n=5).dfa
    rnn = compile_automaton(d, level="full")
    back = BilinearRNN.load(rnn.save(tmp_path / "a5.npz"))
    assert back.exact is None
    cert = verify(back, d)
    assert cert.holds and cert.details["field"] == "QQ<sqrt(5)>"
