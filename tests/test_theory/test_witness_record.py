"""The Witness record: a frozen, validated, read-only mapping; classification JSON round trips."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilinear.automata import DFA, tasks
from bilinear.errors import InvalidArgumentError
from bilinear.theory import NOTIONS, WITNESS_KINDS, Classification, LevelVerdict, classify
from bilinear.theory.letters import commutation_witness, minimal_automaton
from bilinear.theory.witnesses import GROUP_KINDS, Witness, check_witness_basic
from bilinear.verification.strategies import catalogue_tasks, dfas

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: The keys (in order) of each kind's dict as theory built it before the Witness record.
LEGACY_KEYS = {
    "commutation": ("kind", "words", "suffix", "letters"),
    "period": ("kind", "words", "period", "allowed_periods", "cycles"),
    "index": ("kind", "words", "index", "max_index"),
    **{k: ("kind", "words", "image_word", "generator_words", "group_order") for k in GROUP_KINDS},
}

SPECS = ["parity", "cyclic:n=7", "dihedral:n=6", "symmetric:n=4,action=points",
         "alternating:n=5", "quaternion", "flip_flop:n=3", "gridworld:n=4", "threshold:k=3",
         "regex:pattern=(a|b)*abb", "random_fsm:states=8,symbols=3,seed=4"]


def _witnesses(spec: str) -> list[tuple[DFA, Witness]]:
    dfa = tasks.resolve(spec).dfa
    out = []
    for notion in NOTIONS:
        for v in classify(dfa, notion).levels.values():
            if v.witness is not None:
                out.append((dfa, v.witness))
    return out


@pytest.mark.parametrize("spec", SPECS)
def test_theory_witnesses_are_records_with_the_legacy_keys(spec: str) -> None:
    found = _witnesses(spec)
    for dfa, w in found:
        assert type(w) is Witness and isinstance(w, Mapping)
        assert tuple(w) == LEGACY_KEYS[w.kind] == tuple(w.to_dict())
        d = w.to_dict()
        assert type(d) is dict and dict(w) == d and len(w) == len(d)
        assert json.loads(json.dumps(d)) == d  # JSON-ready as it is
        assert Witness.from_dict(d) == w and Witness.from_dict(json.loads(json.dumps(d))) == w
        assert hash(Witness.from_dict(d)) == hash(w)
        assert check_witness_basic(dfa, w) and check_witness_basic(dfa, d)
        assert w["kind"] == w.kind and "words" in w and "nothing" not in w
        assert w.get("nothing") is None


def test_some_catalogue_witness_of_every_common_kind() -> None:
    kinds = {w.kind for spec in SPECS for _, w in _witnesses(spec)}
    assert {"commutation", "period", "index", "nonabelian_group", "g2_nonabelian"} <= kinds


def test_mapping_view_is_read_only_and_values_are_copies() -> None:
    w = Witness.commutation(["1", "2"], ["2", "1"], [], letters=["1", "2"])
    words = w["words"]
    words.append(["x"])
    assert w["words"] == [["1", "2"], ["2", "1"]]
    with pytest.raises(TypeError):
        w["kind"] = "period"  # type: ignore[index]
    with pytest.raises(AttributeError):
        w.kind = "period"  # type: ignore[misc]
    with pytest.raises(KeyError):
        w["period"]
    assert w == w.to_dict() and w != {"kind": "commutation"}


def test_commutation_witness_is_a_record() -> None:
    w = commutation_witness(minimal_automaton(tasks.get("flip_flop").dfa))
    assert isinstance(w, Witness) and w.kind == "commutation" and w.letters is not None
    assert commutation_witness(minimal_automaton(tasks.get("parity").dfa)) is None


@pytest.mark.parametrize("bad, match", [
    ({"kind": "teleport", "words": []}, "teleport"),
    ({"words": [["1"]]}, "kind"),
    ({"kind": "period", "words": [["1"]], "period": 2}, "allowed_periods"),
    ({"kind": "index", "words": [["1"]], "index": 2}, "max_index"),
    ({"kind": "commutation", "words": [["1", "2"], ["2", "1"]]}, "suffix"),
    ({"kind": "nonsolvable", "words": [[]]}, "image_word"),
    ({"kind": "period", "words": [["1"]], "period": 2, "allowed_periods": [1], "zap": 1}, "zap"),
    ({"kind": "index", "words": [["1"]], "index": 2, "max_index": 1, "suffix": []}, "suffix"),
    ({"kind": "period", "words": [["1"], ["2"]], "period": 2, "allowed_periods": [1]}, "word"),
    ({"kind": "period", "words": [["1"]], "period": 0, "allowed_periods": [1]}, "period"),
    ({"kind": "period", "words": [["1"]], "period": "2", "allowed_periods": [1]}, "period"),
    ({"kind": "index", "words": "ab", "index": 2, "max_index": 1}, "words"),
    ({"kind": "nonabelian_group", "words": [["a"]], "image_word": [],
      "generator_words": [["b"]]}, "words"),
])
def test_invalid_witnesses_name_the_problem(bad: dict, match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        Witness.from_dict(bad)


def test_unknown_kind_in_the_constructor() -> None:
    with pytest.raises(InvalidArgumentError, match="bogus"):
        Witness("bogus", ((),))
    with pytest.raises(InvalidArgumentError, match="period"):
        Witness.group("period", [], [])
    assert set(WITNESS_KINDS) == {"commutation", "period", "index", *GROUP_KINDS}


def test_level_verdict_json_has_plain_witness_dicts() -> None:
    c = classify(tasks.get("symmetric", n=4).dfa, "fin")
    d = c.to_dict()
    json.dumps(d)  # no default= needed
    nos = [v for v in d["levels"].values() if v["verdict"] == "no"]
    assert nos and all(type(v["witness"]) is dict for v in nos)


def test_a_dict_witness_given_to_a_verdict_becomes_a_record() -> None:
    v = LevelVerdict("no", reason="r", witness={"kind": "index", "words": [["a"]], "index": 2,
                                                "max_index": 1})
    assert isinstance(v.witness, Witness) and v.witness.index == 2
    with pytest.raises(InvalidArgumentError, match="max_index"):
        LevelVerdict("no", reason="r", witness={"kind": "index", "words": [["a"]], "index": 2})


# ---------------------------------------------------------------------- round trips
def _assert_round_trip(c: Classification) -> None:
    d = c.to_dict()
    back = Classification.from_dict(d)
    assert back == c and back.to_dict() == d
    text = json.loads(json.dumps(d))
    again = Classification.from_dict(text)
    assert again.to_dict() == text
    for name, v in again.levels.items():
        assert type(v) is LevelVerdict
        assert v.verdict == c.levels[name].verdict and v.extra == c.levels[name].extra
        assert (v.witness is None) == (c.levels[name].witness is None)
        assert v.witness is None or type(v.witness) is Witness


@SETTINGS
@given(catalogue_tasks(), st.sampled_from(NOTIONS))
def test_catalogue_classification_round_trips(task: object, notion: str) -> None:
    _assert_round_trip(classify(task.dfa, notion))  # type: ignore[attr-defined]


@SETTINGS
@given(dfas(max_states=5, max_symbols=3), st.sampled_from(NOTIONS))
def test_random_dfa_classification_round_trips(dfa: DFA, notion: str) -> None:
    _assert_round_trip(classify(dfa, notion))


def test_from_dict_rejects_bad_documents() -> None:
    d = classify(tasks.get("parity").dfa).to_dict()
    del d["levels"]
    with pytest.raises(InvalidArgumentError, match="levels"):
        Classification.from_dict(d)
    with pytest.raises(InvalidArgumentError, match="verdict"):
        LevelVerdict.from_dict({"dim_upper": 1})


def test_records_pickle_and_copy() -> None:
    c = classify(tasks.get("symmetric", n=4).dfa, "fin")
    assert pickle.loads(pickle.dumps(c)) == c
    w = next(v.witness for v in c.levels.values() if v.witness is not None)
    assert copy.deepcopy(w) == w and pickle.loads(pickle.dumps(w)) == w
