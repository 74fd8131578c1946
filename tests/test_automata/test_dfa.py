"""The DFA core: validation on construction, running, batching, JSON and graph export."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bilinear.automata import DFA
from bilinear.errors import (
    AutomatonFormatError,
    BilinearError,
    DuplicateNameError,
    IncompleteAutomatonError,
    InvalidArgumentError,
    InvalidAutomatonError,
    UnknownStateError,
    UnknownSymbolError,
)

PARITY = dict(
    states=["even", "odd"],
    alphabet=["0", "1"],
    transitions={("even", "0"): "even", ("even", "1"): "odd",
                 ("odd", "0"): "odd", ("odd", "1"): "even"},
    start="even",
    labels={"even": 0, "odd": 1},
    name="parity",
)

PARITY_JSON = {
    "name": "parity", "alphabet": ["0", "1"], "states": ["even", "odd"], "start": "even",
    "transitions": {"even": {"0": "even", "1": "odd"}, "odd": {"0": "odd", "1": "even"}},
    "labels": {"even": 0, "odd": 1},
}


def parity() -> DFA:
    return DFA(**PARITY)


def test_run_trace_output_follow_the_conventions() -> None:
    d = parity()
    assert d.run("") == "even"
    assert d.run("1101") == "odd"
    assert d.trace("110") == ["odd", "even", "even"]
    assert d.output("110") == [1, 0, 0]
    assert d.run(["1"], start="odd") == "even"


def test_nested_transitions_are_accepted() -> None:
    nested = dict(PARITY, transitions=PARITY_JSON["transitions"])
    assert DFA(**nested) == parity()


def test_identity_labelling_and_label_order() -> None:
    d = DFA(states=["b", "a"], alphabet=["x"], transitions={("b", "x"): "a", ("a", "x"): "b"},
            start="b")
    assert d.has_identity_labels and d.output("xx") == ["a", "b"]
    assert d.label_values == ("b", "a")  # first appearance for non-numeric labels
    acc = DFA(states=[0, 1], alphabet=["x"], transitions={(0, "x"): 1, (1, "x"): 0}, start=0,
              labels={0: True, 1: False})
    assert acc.label_values == (False, True)


def test_object_is_frozen_and_table_read_only() -> None:
    d = parity()
    with pytest.raises(AttributeError):
        d.start = "odd"  # type: ignore[misc]
    with pytest.raises(ValueError):
        d.table[0, 0] = 1


def test_run_batch_matches_run() -> None:
    d = parity()
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2, size=(50, 30))
    states = d.run_batch(x)
    for row, word in zip(states, x, strict=True):
        assert [d.states[i] for i in row] == d.trace(d.decode(word))
    labels = d.output_batch(x)
    assert labels.shape == (50, 30)
    assert d.run_batch([["0", "1"], ["1", "1"]]).tolist() == [[0, 1], [1, 0]]


@pytest.mark.parametrize(
    ("change", "error", "culprit"),
    [
        (dict(states=["even", "even"]), DuplicateNameError, "'even'"),
        (dict(alphabet=["0", "0"]), DuplicateNameError, "'0'"),
        (dict(start="nowhere"), UnknownStateError, "'nowhere'"),
        (dict(transitions={("even", "0"): "even", ("even", "1"): "odd", ("odd", "0"): "odd"}),
         IncompleteAutomatonError, "state 'odd' on symbol '1'"),
        (dict(transitions={**PARITY["transitions"], ("odd", "1"): "limbo"}),
         UnknownStateError, "'limbo'"),
        (dict(transitions={**PARITY["transitions"], ("odd", "2"): "even"}),
         UnknownSymbolError, "'2'"),
        (dict(transitions={**PARITY["transitions"], ("ghost", "1"): "even"}),
         UnknownStateError, "'ghost'"),
        (dict(labels={"even": 0}), InvalidAutomatonError, "'odd'"),
        (dict(labels={"even": 0, "odd": 1, "x": 2}), UnknownStateError, "'x'"),
        (dict(labels={"even": 0, "odd": 1.5}), InvalidAutomatonError, "1.5"),
        (dict(states=[]), InvalidAutomatonError, "at least one state"),
        (dict(transitions=[1, 2]), InvalidAutomatonError, "mapping"),
    ],
    ids=["dup-state", "dup-symbol", "bad-start", "partial", "unknown-target", "unknown-symbol",
         "unknown-source", "missing-label", "label-of-unknown", "float-label", "no-states",
         "not-a-mapping"],
)
def test_invalid_automata_name_the_culprit(change: dict, error: type, culprit: str) -> None:
    with pytest.raises(error) as info:
        DFA(**{**PARITY, **change})
    assert culprit in str(info.value)
    assert isinstance(info.value, BilinearError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("word", "error", "culprit"),
    [(["0", "7"], UnknownSymbolError, "'7'"), (np.array([[0, 5]]), UnknownSymbolError, "5")],
)
def test_bad_words_name_the_symbol(word: object, error: type, culprit: str) -> None:
    d = parity()
    with pytest.raises(error, match=culprit):
        if isinstance(word, np.ndarray):
            d.run_batch(word)
        else:
            d.run(word)


def test_string_words_need_single_character_symbols() -> None:
    d = DFA(states=[0], alphabet=["ab", "c"], transitions={(0, "ab"): 0, (0, "c"): 0}, start=0)
    with pytest.raises(InvalidArgumentError, match="list of symbols"):
        d.run("abc")
    assert d.run(["ab", "c"]) == 0


def test_ragged_batch_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="equal length"):
        parity().run_batch([["0"], ["0", "1"]])


def test_json_matches_the_documented_format() -> None:
    assert json.loads(parity().to_json()) == PARITY_JSON
    assert DFA.from_json(json.dumps(PARITY_JSON)) == parity()
    no_labels = {k: v for k, v in PARITY_JSON.items() if k != "labels"}
    assert DFA.from_json(json.dumps(no_labels)).output("1") == ["odd"]


@pytest.mark.parametrize(
    ("text", "error", "culprit"),
    [
        ("{not json", AutomatonFormatError, "malformed"),
        ("[1, 2]", AutomatonFormatError, "object"),
        (json.dumps({**PARITY_JSON, "extra": 1}), AutomatonFormatError, "'extra'"),
        (json.dumps({k: v for k, v in PARITY_JSON.items() if k != "start"}),
         AutomatonFormatError, "'start'"),
        ('{"alphabet": ["0"], "alphabet": ["1"], "states": ["s"], "start": "s", '
         '"transitions": {"s": {"0": "s"}}}', DuplicateNameError, "'alphabet'"),
        (json.dumps({**PARITY_JSON, "states": ["even", "odd", "even"]}), DuplicateNameError,
         "'even'"),
        (json.dumps({**PARITY_JSON, "states": ["even", 3]}), AutomatonFormatError, "3"),
        (json.dumps({**PARITY_JSON, "transitions": {"even": {"0": "even", "1": "odd"},
                                                     "odd": {"0": "odd"}}}),
         IncompleteAutomatonError, "'odd' on symbol '1'"),
        (json.dumps({**PARITY_JSON, "transitions": {"even": {"0": "even", "1": "odd"},
                                                     "odd": {"0": "odd", "1": "heaven"}}}),
         UnknownStateError, "'heaven'"),
        (json.dumps({**PARITY_JSON, "labels": {"even": [1], "odd": 0}}),
         InvalidAutomatonError, "[1]"),
    ],
    ids=["malformed", "not-object", "unknown-key", "missing-key", "duplicate-key",
         "duplicate-state", "non-string-state", "partial", "unknown-state", "bad-label"],
)
def test_bad_json_names_the_culprit(text: str, error: type, culprit: str) -> None:
    with pytest.raises(error) as info:
        DFA.from_json(text)
    assert culprit in str(info.value)


def test_networkx_and_dot_export() -> None:
    d = parity()
    g = d.to_networkx()
    assert g.nodes["even"]["start"] and g.nodes["odd"]["label"] == 1
    assert sorted((u, v, e["symbol"]) for u, v, e in g.edges(data=True)) == sorted(
        (q, t, a) for (q, a), t in d.transitions.items()
    )
    dot = d.to_dot()
    assert dot.startswith('digraph "parity"') and '"even" -> "odd" [label="1"];' in dot
    # the line break between state and label is DOT's own escape, written once
    assert '"even" [shape=circle, label="even\\n[0]"];' in dot
    assert "\\\\n" not in dot


def test_dot_escapes_state_and_label_separately() -> None:
    d = DFA(states=['a"b', "c\\d"], alphabet=["x"],
            transitions={('a"b', "x"): "c\\d", ("c\\d", "x"): 'a"b'},
            start='a"b', labels={'a"b': 'y"', "c\\d": "z"})
    dot = d.to_dot()
    assert 'label="a\\"b\\n[y\\"]"' in dot and 'label="c\\\\d\\n[z]"' in dot


def test_trusted_constructor_agrees_with_validated_one() -> None:
    d = parity()
    t = DFA._from_trusted(d.states, d.alphabet, d.table, d.start_index, [0, 1], "parity")
    assert t == d and t.transitions[("odd", "1")] == "even" and len(t.transitions) == 4


def test_repr_and_jupyter_table_stay_short_for_large_automata() -> None:
    from bilinear.automata import tasks

    d = tasks.get("random_fsm", states=200, symbols=40, seed=1).dfa
    assert len(repr(d)) < 200 and "(40 symbols)" in repr(d)
    md = d._repr_markdown_()
    assert md.count("\n| `") == 30 and "(first 30 states and 12 symbols shown)" in md
    small = parity()._repr_markdown_()
    assert "| `even` (start) | 0 | even | odd |" in small and "shown" not in small
