"""The text of the report's cells: verdicts, agreement flags, witnesses, algebra, accuracies.

Each function turns one piece of a report row or task entry (plain data, see
:mod:`bilinear.analysis.report_rows`) into the inline text a table cell or a sentence shows.

Examples
--------
>>> VERDICT["no"], AGREE["gap"]
('✗ no', '*learnability gap*')
>>> witness_text({"kind": "period", "words": [["a", "b"]], "period": 2})
'witness (period): words `ab`; period 2'
>>> model_label({"model": "cp", "options": {"rank": 4}})
'cp:rank=4'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bilinear.analysis.judge import primary_accuracy
from bilinear.analysis.report_blocks import fmt
from bilinear.verification.common import unpack_word

__all__ = [
    "AGREE",
    "CERTIFICATE_NOTE",
    "VERDICT",
    "WORD_SHOWN",
    "acc_list",
    "algebra_text",
    "certificate_cell",
    "certificate_text",
    "holds_text",
    "long_cell",
    "matrix_cell",
    "model_label",
    "value_text",
    "witness_text",
]

#: A theory verdict as a cell.
VERDICT = {"yes": "✓ yes", "no": "✗ no", "unknown": "? unknown", None: "—"}
#: An agreement class (:func:`bilinear.analysis.judge.agreement`) as a cell.
AGREE = {
    "agree": "agrees",
    "agree_fp": "agrees (fp)",
    "bug": "**BUG: beats a proved no**",
    "gap": "*learnability gap*",
    "open": "theory open",
    None: "—",
}


def witness_text(witness: Any) -> str:
    """A witness of a "no" in one line: its kind, up to three words, suffix, period, ..."""
    if not witness:
        return ""
    if isinstance(witness, dict):
        kind = witness.get("kind", "witness")
        parts = []
        words = witness.get("words")
        if words:
            shown = ["".join(map(str, w)) if all(len(str(s)) == 1 for s in w) else " ".join(
                map(str, w)) for w in words[:3]]
            parts.append("words " + ", ".join(f"`{w or 'ε'}`" for w in shown))
        if "suffix" in witness:
            suffix = witness.get("suffix") or []
            parts.append(f"suffix `{''.join(map(str, suffix)) or 'ε'}`")
        for key in ("period", "allowed_periods", "index", "block_size"):
            if key in witness and witness[key] is not None:
                parts.append(f"{key.replace('_', ' ')} {witness[key]}")
        return f"witness ({kind}): " + "; ".join(parts)
    return "witness: " + json.dumps(witness, default=str)[:200]


def algebra_text(alg: dict[str, Any] | None) -> str:
    """The algebra of an automaton in words (monoid size, commutative, aperiodic, group)."""
    if not alg:
        return "not available"
    bits = []
    if alg.get("monoid_size") is not None:
        bits.append(f"monoid of size {alg['monoid_size']}")
    for key, yes, no in (("commutative", "commutative", "non-commutative"),
                         ("aperiodic", "aperiodic", "not aperiodic")):
        if alg.get(key) is not None:
            bits.append(yes if alg[key] else no)
    if alg.get("group"):
        g = f"a group of order {alg.get('group_order', '?')}"
        if alg.get("abelian") is not None:
            g += ", abelian" if alg["abelian"] else ", non-abelian"
        if alg.get("abelian_invariants"):
            g += " " + " x ".join(f"Z{n}" for n in alg["abelian_invariants"])
        if alg.get("solvable") is not None:
            g += ", solvable" if alg["solvable"] else ", not solvable"
        bits.append(g)
    return "; ".join(bits) or "not available"


def long_cell(row: dict[str, Any] | None) -> str:
    """A row's worst normalized accuracy at long lengths, or an em dash."""
    if not row or row.get("long_accuracy") is None:
        return "—"
    return fmt(row["long_accuracy"])


def holds_text(value: bool | None) -> str:
    """Whether an acceptance check holds, as a cell."""
    return {True: "✓ yes", False: "✗ **NO**", None: "not checked (not in this run)"}[value]


def value_text(value: Any) -> str:
    """An acceptance check's value: a list joined by commas, anything else through fmt."""
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return fmt(value)


def model_label(row: dict[str, Any]) -> str:
    """``model`` or ``model:key=value,...`` of a row."""
    opts = row.get("options") or {}
    if not opts:
        return str(row["model"])
    return row["model"] + ":" + ",".join(f"{k}={v}" for k, v in sorted(opts.items()))


def matrix_cell(row: dict[str, Any] | None) -> str:
    """A cell of the theory-beside-training matrix: verdict and dim, long accuracy, flag."""
    if row is None:
        return "—"
    parts = []
    if row.get("theory") is not None:
        mark = {"yes": "✓", "no": "✗", "unknown": "?"}[row["theory"]]
        parts.append(mark + (f" {row['dim']}" if row.get("dim") is not None else ""))
    parts.append(long_cell(row))
    ceiling = row.get("count_ceiling") or {}
    if ceiling:
        worst = min(c["accuracy"] for c in ceiling.values())
        parts.append(f"counts ceiling {fmt(worst)}")
    flag = row.get("agreement")
    if flag == "bug":
        parts.append("**BUG**")
    elif flag == "gap":
        parts.append("*gap*")
    elif flag == "agree_fp":
        parts.append("(fp yes)")
    return " · ".join(parts)


def acc_list(trained: dict[str, Any] | None) -> str:
    """``length: accuracy`` per test length of a trained object (the primary, majority-normalized
    figure), the older ``1/labels``-normalized figure after it, or "not trained"."""
    if not trained:
        return "not trained"
    main = ", ".join(f"{n}: {fmt(a)}" for n, a in
                     zip(trained["test_lengths"], primary_accuracy(trained), strict=False))
    if "majority_normalized_accuracy" not in trained:
        return main
    old = ", ".join(fmt(a) for a in trained["normalized_accuracy"])
    return f"{main} (vs 1/labels: {old})"


#: Longest counterexample word shown whole in the report's table (longer ones are shortened).
WORD_SHOWN = 24

#: What the results table's *certificate* column means (printed under it).
CERTIFICATE_NOTE = (
    "Certificate: the selected run of each trained bilinear model, exported to exact float64 "
    "weights and checked for every length (`bilinear certify`, with a small budget of sampled "
    "states): *certified* (proved for every length by invariant boxes or balls), *certified up "
    "to N* (every word of length at most N), *refuted by w* (a word on which the model is "
    "wrong, found by automaton extraction or on random words and confirmed on the model: its "
    "length, the model's and the task's label), *inconclusive* (the extracted automaton "
    "matches but no proof was found: *no proof*; or the samples did not close: *budget*); "
    "— for baselines and runs stored without weights. Sampled accuracy is not a proof: a model "
    "can pass at length 500 and still be refuted.")


def certificate_text(cert: Mapping[str, Any] | None, *, shown: int = WORD_SHOWN) -> str:
    """The report's cell for a certificate (a ``TrainedCertificate.to_dict()``): ``certified``,
    ``certified up to N``, ``refuted by w`` (the word, shortened past ``shown`` symbols, its
    length, the model's and the task's labels) or ``inconclusive (...)``; ``—`` for none.

    Examples
    --------
    >>> certificate_text({"outcome": "certified_up_to", "horizon": 12345})
    'certified up to 12,345'
    >>> certificate_text({"outcome": "refuted", "counterexample": list("0110"),
    ...                   "model_label": 0, "task_label": 1})
    'refuted by `0110` (length 4; model 0, task 1)'
    >>> certificate_text({"outcome": "refuted", "counterexample": ["1"] * 40,
    ...                   "model_label": None, "task_label": 1}, shown=6)
    'refuted by `111…111` (length 40; model tie, task 1)'
    >>> certificate_text({"outcome": "inconclusive", "notes": ["budget of 512 sampled states "
    ...                   "exhausted", "the samples did not close"]})
    'inconclusive (budget)'
    >>> certificate_text({"outcome": "inconclusive", "notes": ["no invariant and no positive "
    ...                   "horizon", "budget of 512 sampled states exhausted"]})
    'inconclusive (no proof)'
    >>> certificate_text(None)
    '—'
    """
    if not cert:
        return "—"
    outcome = cert.get("outcome")
    if outcome == "certified":
        return "certified"
    if outcome == "certified_up_to":
        return f"certified up to {int(cert.get('horizon') or 0):,}"
    if outcome == "refuted":
        word = list(cert.get("counterexample") or ())
        text = unpack_word(word)
        if len(word) > shown:
            half = max(1, shown // 2)
            text = f"{unpack_word(word[:half])}…{unpack_word(word[-half:])}"
        got = cert.get("model_label")
        return (f"refuted by `{text}` (length {len(word)}; model "
                f"{'tie' if got is None else got}, task {cert.get('task_label')})")
    notes = [str(n) for n in cert.get("notes") or ()]
    if any(n.startswith("no invariant") for n in notes):
        why = "no proof"  # the automaton matched; neither boxes nor a horizon were found
    elif any("budget" in n for n in notes):
        why = "budget"
    else:
        why = notes[0][:60] if notes else ""
    return f"inconclusive ({why})" if why else "inconclusive"


def certificate_cell(row: Mapping[str, Any]) -> str:
    """A row's *certificate* cell: :func:`certificate_text` of ``row["certificate"]``.

    Examples
    --------
    >>> certificate_cell({"model": "lstm", "certificate": None})
    '—'
    >>> certificate_cell({"model": "full", "certificate": {"outcome": "certified"}})
    'certified'
    """
    return certificate_text(row.get("certificate"))
