"""Every construction of the catalogue verifies with the strongest method that applies."""

from __future__ import annotations

import pytest

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory import classify
from bilinear.verification.loading import floats_only
from bilinear.verification.verifier import verify
from bilinear.vocabulary import Verdict

SPECS = ["parity", "modular_addition:m=5", "cyclic:n=5", "cyclic:n=6", "abelian:orders=2x4",
         "dihedral:n=4", "dihedral:n=5", "symmetric:n=3", "symmetric:n=4", "alternating:n=4",
         "alternating:n=5", "quaternion", "flip_flop:n=2", "threshold:k=3", "gridworld:n=4",
         "random_fsm:states=10,symbols=3,seed=1", "first_symbol", "modular_arithmetic:m=3",
         "regex"]
LEVELS = ["positive_diagonal", "real_diagonal", "complex_diagonal", "block", "monomial", "cp",
          "full"]
#: ``rob`` changes the construction only for these (contractive cells instead of finite orbits)
ROB_SPECS = ["threshold:k=3", "first_symbol", "modular_addition:m=5", "flip_flop:n=2"]
CASES = [(s, lv, "fin") for s in SPECS for lv in LEVELS] + [
    (s, lv, "rob") for s in ROB_SPECS for lv in LEVELS]


def _compile(spec: str, level: str, notion: str):
    """The task and its compiled model, or ``None`` when nothing compiles -- which is only
    allowed where the theory does not say "yes" at that level."""
    task = tasks.resolve(spec)
    try:
        return task, compile_automaton(task.dfa, level=level, notion=notion)
    except UnsupportedConstructionError as err:
        verdict = classify(task.dfa, notion=notion).levels[level].verdict
        assert verdict in (Verdict.NO.value, Verdict.UNKNOWN.value), (
            f"classify says {verdict!r} for {spec} at {level} ({notion}), but compiling "
            f"fails: {err}")
        return task, None


@pytest.mark.parametrize(("spec", "level", "notion"), CASES,
                         ids=[f"{s}-{lv}-{n}" for s, lv, n in CASES])
def test_construction_is_certified(spec: str, level: str, notion: str) -> None:
    task, rnn = _compile(spec, level, notion)
    if rnn is None:
        return            # theory says no (or unknown) and no construction exists: checked
    cert = verify(rnn, task)
    assert cert.holds, cert.to_markdown()
    if rnn.info.get("state_determined") is False:
        assert cert.method in ("orbit", "cells")
    if notion == "fin":
        # exact arithmetic always applies to the fin constructions (finite orbits)
        assert cert.method in ("exact", "orbit")
    assert cert.counterexample is None


@pytest.mark.parametrize("spec", ["cyclic:n=5", "dihedral:n=5", "alternating:n=5", "quaternion",
                                  "threshold:k=2"])
def test_float_only_weights_round_the_exact_construction(spec: str) -> None:
    """An NPZ-like copy (floats only) is matched to its exact construction and certified."""
    task = tasks.resolve(spec)
    level = "full" if spec != "quaternion" else "block"
    notion = "rob" if spec.startswith("threshold") else "fin"
    rnn = compile_automaton(task.dfa, level=level, notion=notion)
    cert = verify(floats_only(rnn), task)
    assert cert.holds, cert.to_markdown()
    assert cert.method in ("exact", "orbit", "cells")


def test_q8_cover_is_an_orbit_certificate() -> None:
    task = tasks.get("quaternion")
    rnn = compile_automaton(task.dfa, level="block")
    cert = verify(rnn, task)
    assert cert.holds and cert.method == "orbit"
    assert cert.details["map_orbit_to_state"] == "well defined"
    assert cert.details["distinct_vectors"] == 16 and cert.details["reachable_states"] == 8
    with_exact = verify(rnn, task, method="exact")
    assert not with_exact.holds and "not state-determined" in with_exact.details["reason"]
