"""The vocabulary round-trips: every level, notion and construction name means the same thing in
theory, constructions, models, the command line and the report."""

from __future__ import annotations

import argparse
import json

import pytest

from bilinear import models, vocabulary
from bilinear.analysis import suite
from bilinear.automata import tasks
from bilinear.cli import build_parser
from bilinear.constructions import CONSTRUCTIONS, compile_automaton
from bilinear.theory import classify
from bilinear.theory.hierarchy import LEVELS as HIERARCHY_LEVELS
from bilinear.theory.hierarchy import level_names
from bilinear.vocabulary import CHAIN, LEVELS, NOTIONS, Construction, Level, Notion, Verdict


def _choices(command: str, option: str) -> tuple[str, ...]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in sub.choices[command]._actions if option in a.option_strings)
    return tuple(action.choices)


def test_enums_and_tuples_agree() -> None:
    assert LEVELS == tuple(Level) and NOTIONS == tuple(Notion)
    assert vocabulary.VERDICTS == tuple(Verdict)
    assert set(CHAIN) <= set(LEVELS)
    assert vocabulary.CONSTRUCTIONS == {c.value for c in Construction}
    assert json.loads(json.dumps([Level.FULL, Notion.FP, Verdict.NO])) == ["full", "fp", "no"]


def test_theory_uses_the_vocabulary() -> None:
    assert tuple(level_names()) == LEVELS
    assert set(HIERARCHY_LEVELS) == set(LEVELS)
    result = classify(tasks.get("cyclic", n=3).dfa)
    assert tuple(result.levels) == LEVELS or set(result.levels) == set(LEVELS)
    for verdict in result.levels.values():
        assert verdict.verdict in vocabulary.VERDICTS
        assert verdict.construction is None or verdict.construction in vocabulary.CONSTRUCTIONS
    assert result.minimal_level in CHAIN


def test_constructions_registry_is_the_vocabulary() -> None:
    assert set(CONSTRUCTIONS) == vocabulary.CONSTRUCTIONS


@pytest.mark.parametrize("notion", NOTIONS)
def test_every_level_round_trips_through_compile_and_save(notion: str, tmp_path) -> None:
    dfa = tasks.get("parity").dfa
    verdicts = classify(dfa, notion=notion).levels
    for name in LEVELS:
        if verdicts[name].verdict != "yes":
            continue
        rnn = compile_automaton(dfa, level=name, notion=notion)
        assert rnn.level == name
        path = tmp_path / f"{name}.npz"
        rnn.save(path)
        loaded = type(rnn).load(path)
        assert loaded.level == name
        assert loaded.info.get("construction") in vocabulary.CONSTRUCTIONS


def test_cli_offers_exactly_the_vocabulary() -> None:
    assert set(_choices("compile", "--level")) == set(LEVELS)
    assert set(_choices("compile", "--notion")) == set(NOTIONS)
    assert set(_choices("classify", "--notion")) == set(NOTIONS)


def test_models_and_report_use_the_vocabulary() -> None:
    assert set(models.LEVELS) == set(LEVELS)  # in the models' own display order
    assert tuple(models.BASELINES) == vocabulary.BASELINES
    assert set(suite.LEVELS) == set(LEVELS)  # the report's order: most expressive first
    assert tuple(suite.BASELINES) == vocabulary.BASELINES
    assert tuple(suite.CHAIN) == CHAIN
