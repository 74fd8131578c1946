"""The report's task adapter reads the automaton's own label set."""

from bilinear.analysis import _backend as backend
from bilinear.automata import tasks


def test_n_labels_is_the_automaton_label_count() -> None:
    info = backend.resolve_task("parity")
    assert info.n_labels == len(tasks.resolve("parity").dfa.label_values) == 2
    assert info.n_states == 2


def test_classify_task_returns_the_classification_dict() -> None:
    info = backend.resolve_task("parity")
    data, reason = backend.classify_task(info.dfa)
    assert reason is None
    assert data is not None and "levels" in data
