"""A verdict's construction always compiles: wherever ``classify`` says "yes" at a level, the
compiler builds that very construction at theory's ``dim_upper`` (no fallback), and at the
levels every automaton reaches a refused representation falls back to one-hot instead of
failing."""

from __future__ import annotations

import pytest

from bilinear.automata import DFA, tasks
from bilinear.constructions import compile_automaton
from bilinear.constructions import registry as registry_module
from bilinear.constructions.registry import REGISTRY, BuildRequest, ConstructionRecord
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory import classify
from bilinear.vocabulary import CONSTRUCTION_PRIORITY, LEVELS, NOTIONS, Level, Verdict

SPECS = ["parity", "modular_addition:m=5", "cyclic:n=6", "abelian:orders=2x4", "dihedral:n=4",
         "dihedral:n=5", "symmetric:n=4", "alternating:n=5", "quaternion", "flip_flop:n=2",
         "threshold:k=3", "gridworld:n=4", "random_fsm:states=10,symbols=3,seed=1",
         "first_symbol", "modular_arithmetic:m=3", "regex", "symmetric:n=7,action=points"]


def _h_matches(rnn, dim_upper: int) -> bool:
    """``H`` is theory's bound; the cells constructions add their bias unit."""
    return rnn.H == dim_upper or (bool(rnn.info.get("bias_unit")) and rnn.H == dim_upper + 1)


@pytest.mark.parametrize("notion", NOTIONS)
@pytest.mark.parametrize("spec", SPECS)
def test_every_yes_compiles_to_its_construction(spec: str, notion: str) -> None:
    dfa = tasks.resolve(spec).dfa
    verdicts = classify(dfa, notion=notion).levels
    for level in LEVELS:
        v = verdicts[level]
        if v.verdict != Verdict.YES:
            continue
        block = {"block_size": 2} if level == Level.BLOCK else {}  # classify's default b
        rnn = compile_automaton(dfa, level=level, notion=notion, **block)
        assert rnn.info.construction == v.construction, (spec, notion, level)
        assert "fallback" not in rnn.info, (spec, notion, level, rnn.info.get("fallback"))
        assert _h_matches(rnn, v.dim_upper), (spec, notion, level, rnn.H, v.dim_upper)
        assert rnn.output("") is not None


def test_registry_is_the_vocabulary_in_priority_order() -> None:
    assert tuple(REGISTRY) == CONSTRUCTION_PRIORITY
    assert all(isinstance(r, ConstructionRecord) and r.name == n for n, r in REGISTRY.items())


def _refusing(dfa: DFA, request: BuildRequest):
    raise UnsupportedConstructionError("refused on purpose")


@pytest.mark.parametrize("level", ["full", "monomial"])
def test_a_refused_representation_falls_back_to_one_hot(monkeypatch, level: str) -> None:
    dfa = tasks.get("symmetric", n=4).dfa
    planned = compile_automaton(dfa, level=level).info.construction
    assert planned != "one_hot"
    records = dict(REGISTRY)
    records[planned] = ConstructionRecord(planned, REGISTRY[planned].family, _refusing, "x")
    monkeypatch.setattr(registry_module.REGISTRY, "_records", records)
    rnn = compile_automaton(dfa, level=level)
    assert rnn.info.construction == "one_hot"
    assert rnn.info.fallback == {"from": planned, "reason": "refused on purpose"}
    assert rnn.H == dfa.n_states
    assert rnn.output("0120") == dfa.output("0120")


def test_a_forced_construction_is_never_replaced(monkeypatch) -> None:
    dfa = tasks.get("symmetric", n=4).dfa
    records = dict(REGISTRY)
    records["sn_standard"] = ConstructionRecord("sn_standard", "group", _refusing, "x")
    monkeypatch.setattr(registry_module.REGISTRY, "_records", records)
    with pytest.raises(UnsupportedConstructionError, match="refused on purpose"):
        compile_automaton(dfa, level="full", construction="sn_standard")
