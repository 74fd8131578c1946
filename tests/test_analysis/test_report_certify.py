"""The report's certificate column, and ``bilinear certify STORE:KEY TASK`` for a store run."""

from __future__ import annotations

import json

import pytest
from tests.test_cli.test_certify import run_certify

from bilinear.analysis import report_certify
from bilinear.analysis.report_certify import certify_outcome, load_store_run
from bilinear.analysis.report_render import _result_row
from bilinear.analysis.report_rows import aggregate, make_row
from bilinear.analysis.report_text import CERTIFICATE_NOTE, certificate_cell
from bilinear.analysis.runs import TrainOutcome
from bilinear.analysis.suite import ModelSpec
from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import ResultsStoreError
from bilinear.experiments import ResultsStore, RunConfig
from bilinear.models import from_construction
from bilinear.models.construction import weights_record


def _job(task: str, model: str, hidden: int, seed: int = 0) -> RunConfig:
    return RunConfig(
        task=task,
        model=model,
        hidden=hidden,
        steps=1,
        seed=seed,
        test_lengths=(10,),
        val_lengths=(20,),
    )


def _outcome(job: RunConfig, weights: dict | None) -> TrainOutcome:
    extra = {} if weights is None else {"weights": weights}
    return TrainOutcome(
        job,
        2,
        1,
        (10,),
        (1.0,),
        (1.0,),
        extra=extra,
        validation={20: 1.0},
        majority_normalized_accuracy=(1.0,),
    )


@pytest.fixture()
def parity_run() -> tuple[RunConfig, dict]:
    module = from_construction(compile_automaton(tasks.get("parity").dfa, level="real_diagonal"))
    job = _job("parity", "real_diagonal", module.hidden)
    record = weights_record(module)
    assert record is not None
    return job, record


def test_a_cell_with_weights_gets_its_certificate(parity_run) -> None:
    job, record = parity_run
    trained = aggregate([_outcome(job, record)])
    assert trained is not None and trained["certificate"]["outcome"] == "certified"
    row = make_row("parity", ModelSpec("real_diagonal"), None, trained)
    assert row["certificate"] == trained["certificate"]
    cells = _result_row(row, (10,))
    assert cells[-1] == "certified"
    json.dumps(row)  # the record is plain data in results.json


def test_no_weights_and_baselines_show_a_dash(parity_run) -> None:
    job, _ = parity_run
    trained = aggregate([_outcome(job, None)])
    assert trained is not None and trained["certificate"] is None
    assert certificate_cell(make_row("parity", ModelSpec("real_diagonal"), None, trained)) == "—"
    lstm = make_row("parity", ModelSpec("lstm"), None, trained)
    assert lstm["certificate"] is None and _result_row(lstm, (10,))[-1] == "—"
    assert "refuted" in CERTIFICATE_NOTE and "—" in CERTIFICATE_NOTE


def test_a_refuted_cell_shows_the_word_and_labels() -> None:
    dfa = tasks.get("parity").dfa
    module = from_construction(compile_automaton(dfa, level="real_diagonal"))
    with __import__("torch").no_grad():
        module.diagonal[1].neg_()  # letter 1 no longer flips the sign: wrong on "1"
    job = _job("parity", "real_diagonal", module.hidden, seed=7)
    cert = certify_outcome(_outcome(job, weights_record(module)))
    assert cert is not None and cert.outcome == "refuted"
    text = certificate_cell({"certificate": cert.to_dict()})
    word = "".join(map(str, cert.counterexample or ()))
    assert text == (
        f"refuted by `{word}` (length {len(word)}; model {cert.model_label}, "
        f"task {cert.task_label})"
    )


def test_weights_that_do_not_load_give_an_inconclusive_note(parity_run) -> None:
    job, record = parity_run
    broken = {**record, "hidden": record["hidden"] + 3}
    cert = certify_outcome(_outcome(_job("parity", "real_diagonal", 9, seed=3), broken))
    assert cert is not None and cert.outcome == "inconclusive"
    assert "do not load" in cert.notes[0]


def test_certificates_are_cached_per_run(parity_run, monkeypatch) -> None:
    job, record = parity_run
    job = _job("parity", "real_diagonal", job.hidden, seed=11)
    calls = []
    real = report_certify._certify
    monkeypatch.setattr(report_certify, "_certify", lambda *a: calls.append(a) or real(*a))
    first = certify_outcome(_outcome(job, record))
    assert certify_outcome(_outcome(job, record)) is first and len(calls) == 1


# ------------------------------------------------------------------ store runs, and the CLI
@pytest.fixture()
def store(tmp_path, parity_run) -> tuple[str, RunConfig]:
    job, record = parity_run
    path = str(tmp_path / "results.sqlite")
    db = ResultsStore(path)
    db.record(job, {"10": {"accuracy": 1.0, "normalized_accuracy": 1.0}}, {"weights": record})
    lstm = _job("parity", "lstm", 4)
    db.record(lstm, {"10": {"accuracy": 1.0, "normalized_accuracy": 1.0}}, {})
    return path, job


def test_certify_a_store_run(store, capsys) -> None:
    path, job = store
    assert run_certify([f"{path}:{job.key()[:6]}", "parity"]) == 0
    assert capsys.readouterr().out.startswith("certified for every length")
    rnn = load_store_run(f"{path}:{job.key()}")
    assert rnn.alphabet == tuple(tasks.get("parity").dfa.alphabet)


def test_store_run_errors_are_one_line(store, capsys) -> None:
    path, job = store
    lstm = _job("parity", "lstm", 4).key()
    cases = [
        (f"{path}:ffffffff", "parity", "has no finished run 'ffffffff'"),
        (f"{path}:{lstm}", "parity", "has no stored weights"),
        (f"{path}:{job.key()}", "modular_addition:m=3", "'2'"),  # a task symbol it lacks
        # same symbols, a label no readout row carries
        (f"{path}:{job.key()}", "random_fsm:states=3,symbols=2", "no readout row for the task "
         "label '2'"),
        (f"{tmp_store_dir(path)}/none.sqlite:{job.key()}", "parity", "none.sqlite"),
    ]
    for model, task, message in cases:
        assert run_certify([model, task]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err


def tmp_store_dir(path: str) -> str:
    return path.rsplit("/", 1)[0]


def test_ambiguous_prefix_is_refused(store) -> None:
    path, _ = store
    db = ResultsStore(path)
    for seed in range(17):  # 17 + 2 hex keys: two share a first digit (pigeonhole)
        db.record(
            _job("parity", "lstm", 4, seed=100 + seed),
            {"10": {"accuracy": 1.0, "normalized_accuracy": 1.0}},
            {},
        )
    firsts = [r["key"][0] for r in db.results()]
    shared = next(c for c in firsts if firsts.count(c) > 1)
    with pytest.raises(ResultsStoreError, match="ambiguous"):
        load_store_run(f"{path}:{shared}")


def test_wide_models_are_not_tried_in_the_report(parity_run, monkeypatch) -> None:
    job, record = parity_run
    monkeypatch.setattr(report_certify, "REPORT_MAX_HIDDEN", job.hidden - 1)
    monkeypatch.setattr(report_certify, "_certify", lambda *a: pytest.fail("certified anyway"))
    cert = certify_outcome(_outcome(job, record))
    assert cert is not None and cert.outcome == "inconclusive"
    assert "not tried: hidden" in certificate_cell({"certificate": cert.to_dict()})
