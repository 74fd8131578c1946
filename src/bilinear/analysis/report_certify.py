"""Certificates of trained models for the report, and trained runs read back from a store.

The report's results table has a *certificate* column for every trained bilinear model: the
selected run of a cell (:func:`~bilinear.analysis.report_rows.select_run`) is exported to a
:class:`~bilinear.constructions.BilinearRNN` from the weights its store row keeps
(``info["weights"]``, :func:`bilinear.models.construction.weights_record`) and certified with
:func:`~bilinear.verification.extraction.certify_trained` under a small budget
(:data:`REPORT_BUDGET` sampled states), so the quick report stays fast.  The record is the typed
:class:`~bilinear.verification.extraction.TrainedCertificate` (``to_dict`` in ``results.json``);
a run without stored weights (a store written before weights were kept, a baseline) has none.

:func:`load_store_run` reads one run of a results store back as a model:
``bilinear certify results.sqlite:KEY TASK`` uses it.

Examples
--------
>>> import torch
>>> from bilinear.automata import tasks
>>> from bilinear.experiments import RunConfig
>>> from bilinear.analysis.runs import TrainOutcome
>>> from bilinear.models import from_construction
>>> from bilinear.models.construction import weights_record
>>> from bilinear.constructions import compile_automaton
>>> d = tasks.get("parity").dfa
>>> module = from_construction(compile_automaton(d, level="real_diagonal"))
>>> job = RunConfig(task="parity", model="real_diagonal", hidden=module.hidden)
>>> run = TrainOutcome(job, 2, 1, (10,), (1.0,), (1.0,),
...                    extra={"weights": weights_record(module)})
>>> cert = certify_outcome(run)
>>> cert.outcome
'certified'
>>> certificate_text(cert.to_dict())
'certified'
>>> certify_outcome(TrainOutcome(job, 2, 1, (10,), (1.0,), (1.0,))) is None   # no weights
True
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bilinear.analysis.report_text import certificate_text
from bilinear.analysis.runs import TrainOutcome
from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN
from bilinear.errors import BilinearError, InvalidArgumentError, ResultsStoreError
from bilinear.experiments import ResultsStore
from bilinear.models.construction import rnn_from_record
from bilinear.verification.extraction import TrainedCertificate, certify_trained

__all__ = [
    "REPORT_BUDGET",
    "certify_outcome",
    "certificate_text",
    "load_store_run",
    "split_store_spec",
]

#: Distinct hidden states sampled per certificate in the report (the CLI's default is 4096).
REPORT_BUDGET = 2048

#: Hidden sizes above which the report does not attempt a certificate (the exact proof costs
#: about 30-45 s per model at H = 256 on one CPU core); ``bilinear certify STORE:KEY TASK``
#: still does it for one run.
REPORT_MAX_HIDDEN = 64

_CACHE: dict[tuple[str, int], TrainedCertificate | None] = {}


def certify_outcome(
    outcome: TrainOutcome, budget: int = REPORT_BUDGET
) -> TrainedCertificate | None:
    """The certificate of one trained run, or ``None`` when its weights were not stored.

    Weights that do not load, or a model the task cannot judge, give an ``inconclusive``
    certificate whose note says why (the report shows it; it does not stop).  Results are
    cached per (run key, budget): the report asks for a cell more than once.  Models wider
    than :data:`REPORT_MAX_HIDDEN` are not tried (an ``inconclusive`` record that says so).
    """
    weights = outcome.extra.get("weights")
    if not isinstance(weights, Mapping):
        return None
    if outcome.job.hidden > REPORT_MAX_HIDDEN:
        return TrainedCertificate(
            "inconclusive", task=outcome.job.task, model=outcome.job.model,
            notes=(f"not tried: hidden {outcome.job.hidden} > {REPORT_MAX_HIDDEN}",))
    key = (outcome.job.key(), int(budget))
    if key not in _CACHE:
        _CACHE[key] = _certify(outcome.job.task, weights, budget, outcome.job.model)
    return _CACHE[key]


def _certify(task: str, weights: Mapping[str, Any], budget: int, model: str) -> TrainedCertificate:
    dfa = tasks.resolve(task).dfa
    try:
        rnn = rnn_from_record(weights, dfa.alphabet, dfa.label_values)
        return certify_trained(rnn, dfa, budget=budget)
    except BilinearError as err:
        return TrainedCertificate(
            "inconclusive", task=task, model=model, notes=(" ".join(str(err).split())[:300],)
        )


# ------------------------------------------------------------------ runs of a store
def split_store_spec(spec: str) -> tuple[Path, str] | None:
    """``PATH:KEY`` naming a run of a results store, or ``None`` when ``spec`` is not one (a
    weights file).  ``PATH`` must be an existing file that is not an NPZ.

    Examples
    --------
    >>> split_store_spec("model.npz") is None
    True
    """
    path, sep, key = str(spec).rpartition(":")
    if not sep or not path or not key or path.endswith(".npz"):
        return None
    if not Path(path).is_file():
        return None
    return Path(path), key


def load_store_run(spec: str) -> BilinearRNN:
    """The model of run ``KEY`` (or a unique prefix of its key) in the results store ``PATH``
    (``spec`` = ``PATH:KEY``), from the weights the store keeps.

    Its symbols and labels are those of the task the run was trained on (token ``k`` is that
    task's ``alphabet[k]``), so certifying it against another task refuses by name any symbol
    or label that does not match (:func:`~bilinear.verification.extraction.check_compatible`).

    Raises
    ------
    ResultsStoreError
        Not a store, no such finished run, an ambiguous prefix, or a run without weights.
    WeightsFormatError
        Stored weights that do not load.
    """
    parts = split_store_spec(spec)
    if parts is None:
        raise InvalidArgumentError(f"{spec!r} is not STORE:KEY with an existing store file")
    path, key = parts
    rows = [r for r in ResultsStore(path).results() if str(r["key"]).startswith(key)]
    if not rows:
        raise ResultsStoreError(f"results store {str(path)!r} has no finished run {key!r}")
    if len(rows) > 1:
        raise ResultsStoreError(
            f"run {key!r} is ambiguous in {str(path)!r}: "
            f"{', '.join(r['key'] for r in rows[:5])}{', ...' if len(rows) > 5 else ''}"
        )
    row = rows[0]
    weights = (row.get("info") or {}).get("weights")
    if not isinstance(weights, Mapping):
        raise ResultsStoreError(
            f"run {row['key']} ({row['task']} / {row['model']}) in {str(path)!r} has no stored "
            "weights (a baseline, an affine model, or trained before weights were kept)"
        )
    dfa = tasks.resolve(str(row["task"])).dfa
    return rnn_from_record(weights, dfa.alphabet, dfa.label_values)
