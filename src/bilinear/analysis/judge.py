"""How the report judges a trained model against the theory's verdict.

The thresholds, the wording of the agreement between training and theory, and the judgement
itself (:func:`long_accuracy`, :func:`succeeded`, :func:`agreement`) live here, so that the
report's rows (:mod:`bilinear.analysis.report_rows`) and its renderer
(:mod:`bilinear.analysis.report_render`) both read them.

Examples
--------
>>> from bilinear.analysis.judge import AGREEMENT_TEXT, LONG_LENGTH, PASS_THRESHOLD
>>> PASS_THRESHOLD, LONG_LENGTH
(0.95, 200)
>>> sorted(AGREEMENT_TEXT)
['agree', 'agree_fp', 'bug', 'gap', 'open']
>>> trained = {"test_lengths": [10, 200, 500], "normalized_accuracy": [1.0, 0.99, 0.97]}
>>> succeeded(trained), agreement("no", "no", trained)
(True, 'bug')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["AGREEMENT_TEXT", "AGREEMENT_ORDER", "LONG_LENGTH", "PASS_THRESHOLD", "PRIMARY_METRIC",
           "SECONDARY_METRIC", "agreement", "agreement_counts", "long_accuracy", "primary_accuracy",
           "succeeded"]

#: The figure the report judges by: accuracy normalized by the best constant (per-position
#: majority) predictor of the same test words, so skewed labels do not pass as learning.
PRIMARY_METRIC = "majority_normalized_accuracy"
#: The older figure, shown as a labelled secondary column: ``(acc - 1/labels) / (1 - 1/labels)``.
SECONDARY_METRIC = "normalized_accuracy"

#: A trained model *succeeds* when its chance-normalized accuracy is at least this ...
PASS_THRESHOLD = 0.95
#: ... at every test length of at least this (or at its longest length when all are shorter).
LONG_LENGTH = 200

#: One sentence per agreement class between training and theory.
AGREEMENT_TEXT = {
    "agree": "training agrees with theory",
    "agree_fp": "learned although the fin notion says no; allowed in floating point (fp notion)",
    "bug": "BUG TO INVESTIGATE: a trained model beats a proved 'no'",
    "gap": "learnability gap: theory says yes, training did not get there",
    "open": "theory unknown",
}


def long_accuracy(trained: dict[str, Any] | None) -> float | None:
    """The worst :func:`primary_accuracy` at test lengths >= :data:`LONG_LENGTH` (or the
    longest).

    Examples
    --------
    >>> long_accuracy({"test_lengths": [10, 200, 500], "normalized_accuracy": [1, 0.9, 0.8]})
    0.8
    >>> long_accuracy({"test_lengths": [10, 50], "normalized_accuracy": [1.0, 0.5]})
    0.5
    >>> long_accuracy(None) is None
    True
    """
    if not trained:
        return None
    pairs = list(zip(trained["test_lengths"], primary_accuracy(trained), strict=False))
    if not pairs:
        return None
    long = [a for n, a in pairs if n >= LONG_LENGTH] or [max(pairs)[1]]
    return float(min(long))


def primary_accuracy(trained: dict[str, Any]) -> list[float]:
    """The per-length figure the report judges by: :data:`PRIMARY_METRIC` when the runs
    recorded it, else (results of older versions) :data:`SECONDARY_METRIC`.

    A benchmark task that scores the final label only (``scoring.label_kind == "final"``) is
    judged by ``final_normalized_accuracy``: the final label's accuracy normalized by the
    suite's chance level.

    Examples
    --------
    >>> primary_accuracy({"normalized_accuracy": [0.9], "majority_normalized_accuracy": [0.2]})
    [0.2]
    >>> primary_accuracy({"majority_normalized_accuracy": [0.2], "final_normalized_accuracy": [0.5],
    ...                   "scoring": {"label_kind": "final"}})
    [0.5]
    """
    final = trained.get("final_normalized_accuracy")
    if (trained.get("scoring") or {}).get("label_kind") == "final" and final is not None:
        return list(final)
    values = trained.get(PRIMARY_METRIC)
    return list(values if values is not None else trained[SECONDARY_METRIC])


def succeeded(trained: dict[str, Any] | None) -> bool | None:
    """Whether a trained model reaches :data:`PASS_THRESHOLD` at every long test length.

    Examples
    --------
    >>> succeeded({"test_lengths": [200, 500], "normalized_accuracy": [1.0, 0.96]})
    True
    >>> succeeded(None) is None
    True
    """
    acc = long_accuracy(trained)
    return None if acc is None else acc >= PASS_THRESHOLD


def agreement(
    theory: str | None, theory_fp: str | None, trained: dict[str, Any] | None
) -> str | None:
    """Judge a trained level against theory.

    Returns ``None`` (not trained, or no theory), ``"agree"``, ``"agree_fp"`` (learned where the
    exact ``fin`` notion says no but floating point allows it), ``"bug"`` (learned a proved "no":
    investigate), ``"gap"`` (theory says yes, training failed: a learnability gap) or ``"open"``
    (theory unknown).  A "no" counts as proved for trained (floating-point) models when the
    ``fp`` verdict is "no", or when only the ``fin`` verdict is known and it is "no".

    Examples
    --------
    >>> ok = {"test_lengths": [500], "normalized_accuracy": [1.0]}
    >>> agreement("no", "yes", ok), agreement("no", None, ok), agreement(None, None, ok)
    ('agree_fp', 'bug', None)
    """
    ok = succeeded(trained)
    if ok is None or (theory is None and theory_fp is None):
        return None
    proved_no = theory_fp == "no" or (theory_fp is None and theory == "no")
    if ok:
        if proved_no:
            return "bug"
        if theory == "no":
            return "agree_fp"
        return "agree" if theory == "yes" else "open"
    if theory == "yes":
        return "gap"
    if theory == "no" or theory_fp == "no":
        return "agree"
    return "open"


#: The order in which the report counts agreement kinds.
AGREEMENT_ORDER = ("agree", "agree_fp", "gap", "bug", "open")


def agreement_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many rows of each agreement kind (rows without one, e.g. baselines, are left out),
    in :data:`AGREEMENT_ORDER`.

    Examples
    --------
    >>> agreement_counts([{"agreement": "gap"}, {"agreement": "agree"}, {"agreement": None},
    ...                   {"agreement": "gap"}])
    {'agree': 1, 'gap': 2}
    """
    found = [r.get("agreement") for r in rows if r.get("agreement")]
    return {k: found.count(k) for k in AGREEMENT_ORDER if k in found}
