"""Every certificate that a representative set of compiled catalogue models produces is
re-checked by the trusted kernel, and the kernel agrees: none holds unchecked."""

from __future__ import annotations

import pytest

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import UnsupportedConstructionError
from bilinear.verification.verifier import verify
from bilinear.vocabulary import LEVELS, NOTIONS, Notion

#: A dozen tasks: integer, number-field and cyclotomic rotations, permutation groups, Q8,
#: aperiodic automata, and a random one.
SPECS = ["parity", "modular_addition:m=5", "cyclic:n=7", "abelian:orders=2x4", "dihedral:n=4",
         "symmetric:n=3", "alternating:n=4", "quaternion", "flip_flop:n=2", "threshold:k=3",
         "gridworld:n=4", "random_fsm:states=10,symbols=3,seed=1", "first_symbol", "regex"]
#: Models compiled for the other notions too (contractive cells, float-correct runs).
OTHER_NOTIONS = {Notion.ROB.value: ["threshold:k=3", "first_symbol", "flip_flop:n=2"],
                 Notion.FP.value: ["threshold:k=3", "parity"]}
#: Methods whose certificates are collected besides ``auto`` for the ``fin`` models (those that
#: hold are rechecked).
METHODS = [{"method": "float"}, {"method": "float", "dtype": "float32"}]


def _models() -> list[tuple[str, str, str]]:
    cases = [(s, lv, Notion.FIN.value) for s in SPECS for lv in LEVELS]
    cases += [(s, lv, n) for n, specs in OTHER_NOTIONS.items() for s in specs for lv in LEVELS]
    assert {n for _, _, n in cases} <= set(NOTIONS)
    return cases


def _certificates(spec: str, level: str, notion: str) -> list:
    t = tasks.resolve(spec)
    try:
        rnn = compile_automaton(t.dfa, level=level, notion=notion)
    except UnsupportedConstructionError:
        return []
    certs = [verify(rnn, t)]
    if rnn.H <= 16 and notion == Notion.FIN.value:
        certs += [verify(rnn, t, max_states=5_000, probe=False, **opts) for opts in METHODS]
    return certs


@pytest.mark.parametrize("spec", sorted({s for s, _, _ in _models()}))
def test_the_kernel_agrees_with_every_certificate(spec: str) -> None:
    held = 0
    for s, level, notion in _models():
        if s != spec:
            continue
        for cert in _certificates(s, level, notion):
            if not cert.holds:
                continue
            kernel = cert.details["kernel"]
            where = f"{spec} at {level} ({notion}), {cert.method}: {kernel}"
            assert kernel["status"] == "agrees", where
            assert not any("not rechecked" in n for n in cert.details.get("notes", [])), where
            assert cert.evidence is not None and cert.evidence.kind != "none", where
            held += 1
    assert held >= 2, spec
