"""Rendering of the hierarchy report: one document model, written as Markdown and as HTML.

:func:`build_document` turns a :class:`~bilinear.analysis.report.Report` into a list of blocks
(headings, paragraphs, tables, images, preformatted text, foldable details); :func:`to_markdown`
and :func:`to_html` write the same blocks, so the two files never disagree.  The HTML is
self-contained: inline CSS, images embedded as base64 PNG.

Examples
--------
>>> doc = [("h", 1, "Title"), ("p", "Some `code` and **bold**."),
...        ("table", ["a", "b"], [[1, None]])]
>>> print(to_markdown(doc))
# Title
<BLANKLINE>
Some `code` and **bold**.
<BLANKLINE>
| a | b |
|---|---|
| 1 | — |
<BLANKLINE>
>>> "<code>code</code>" in to_html(doc)
True
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

from bilinear.analysis.judge import AGREEMENT_TEXT, LONG_LENGTH, PASS_THRESHOLD
from bilinear.analysis.suite import LEVELS
from bilinear.theory import LEVELS as HIERARCHY

__all__ = ["build_document", "to_markdown", "to_html", "fmt"]

Block = tuple


# ================================================================================ formatting
def fmt(value: Any, digits: int = 2) -> str:
    """A table cell: numbers rounded, ``None`` as an em dash, booleans as yes/no.

    Examples
    --------
    >>> fmt(0.98765), fmt(None), fmt(True), fmt(3)
    ('0.99', '—', 'yes', '3')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


_VERDICT = {"yes": "✓ yes", "no": "✗ no", "unknown": "? unknown", None: "—"}
_AGREE = {
    "agree": "agrees",
    "agree_fp": "agrees (fp)",
    "bug": "**BUG: beats a proved no**",
    "gap": "*learnability gap*",
    "open": "theory open",
    None: "—",
}


def _witness_text(witness: Any) -> str:
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


def _algebra_text(alg: dict[str, Any] | None) -> str:
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


def _long_cell(row: dict[str, Any] | None) -> str:
    if not row or row.get("long_accuracy") is None:
        return "—"
    return fmt(row["long_accuracy"])


# ================================================================================ document
def build_document(report: Any) -> list[Block]:
    """The report as blocks (see the module docstring)."""
    cfg = report.config
    suite = cfg.suite
    b = suite.budget
    doc: list[Block] = []
    doc.append(("h", 1, f"The bilinear hierarchy report ({suite.name} suite)"))
    avail = report.availability
    pieces = ", ".join(f"{k} {'yes' if avail.get(k) else 'NOT AVAILABLE'}"
                       for k in ("theory", "constructions", "verification", "training"))
    doc.append(("p", (
        f"Generated {report.created}. Suite `{suite.name}`: {suite.description}. "
        f"{len(suite.tasks)} tasks x {len(suite.models)} models; hidden {b.hidden}, "
        f"{b.steps} steps, batch {b.batch}, learning rates {', '.join(f'{x:g}' for x in b.lrs)} "
        f"(best kept), seeds {', '.join(map(str, b.seeds))} (averaged); train lengths "
        f"{b.train_lengths[0]}-{b.train_lengths[1]}, test lengths "
        f"{', '.join(map(str, b.test_lengths))}. Pieces: {pieces}."
    )))
    t = report.timing
    doc.append(("p", (
        f"Time: {fmt(t.get('total_s'), 1)} s in all (theory {fmt(t.get('theory_s'), 1)} s, "
        f"training {fmt(t.get('training_s'), 1)} s for {t.get('runs', 0)} runs of which "
        f"{t.get('runs_reused', 0)} were reused from the store `{cfg.store_path.name}`, paper "
        f"{fmt(t.get('paper_s'), 1)} s)."
    )))
    doc.append(("p", (
        f"Accuracies are chance-normalized, `(acc - c) / (1 - c)` with `c = 1/labels` (0 = "
        f"chance, 1 = perfect), over every position of random test words. A trained model "
        f"*succeeds* when it reaches {PASS_THRESHOLD} at every test length >= {LONG_LENGTH}. "
        f"Theory verdicts are for the exact `fin` notion unless marked `fp` (floating point)."
    )))

    doc.append(("toc",))
    doc.append(("h", 2, "Acceptance checks"))
    doc.append(("table", ["check", "holds", "value"],
                [[c["check"], _holds(c["holds"]), _value(c["value"])]
                 for c in report.acceptance]))

    counts: dict[str, int] = {}
    for r in report.rows:
        if r.get("agreement"):
            counts[r["agreement"]] = counts.get(r["agreement"], 0) + 1
    if counts:
        order = ("agree", "agree_fp", "gap", "bug", "open")
        doc.append(("p", "Trained levels against theory: " + ", ".join(
            f"{counts[k]} {_AGREE[k].strip('*')}" for k in order if k in counts) + "."))

    # ------------------------------------------------------------------ overview
    doc.append(("h", 2, "Where each task sits in the hierarchy"))
    levels_table = _levels_table()
    if levels_table:
        doc.append(("table", ["level", "structure of each A(a)", "parameters", "on the chain",
                              "fin test (theory.md)"], levels_table))
    if "hierarchy" in report.files:
        doc.append(("img", report.files["hierarchy"],
                    "The chain of levels, with every task at its minimal level (fin notion)."))
    rows = []
    for task in report.tasks:
        fin = task.get("classification") or {}
        minimal = fin.get("minimal_level")
        if minimal == "block" and fin.get("block_size"):
            minimal = f"block (b = {fin['block_size']})"
        exp = task.get("expected") or {}
        expected = exp.get("minimal_level")
        if expected and fin.get("minimal_level") and expected != fin["minimal_level"]:
            expected = f"{expected} (**differs**)"
        rows.append([f"`{task['spec']}`", task["states"], len(task["alphabet"]),
                     _algebra_text(fin.get("algebra")), minimal or "—", expected or "—"])
    doc.append(("table", ["task", "states", "symbols", "algebra", "minimal level",
                          "literature expects"], rows))

    # ------------------------------------------------------------------ matrix
    doc.append(("h", 2, "Theory beside training"))
    doc.append(("p", (
        "Each cell: the level's verdict, its smallest verified dimension, and the trained "
        f"model's worst normalized accuracy at length >= {LONG_LENGTH}. Agreement flags: "
        + "; ".join(f"{_AGREE[k]}: {v}" for k, v in AGREEMENT_TEXT.items()) + "."
    )))
    model_labels = [m.label for m in suite.models]
    by = {(r["task"], r["model"], json.dumps(r.get("options", {}), sort_keys=True, default=str)):
          r for r in report.rows}
    matrix = []
    for task in report.tasks:
        cells = [f"`{task['spec']}`"]
        for m in suite.models:
            r = by.get((task["spec"], m.name, json.dumps(m.option_dict(), sort_keys=True,
                                                           default=str)))
            cells.append(_matrix_cell(r))
        matrix.append(cells)
    doc.append(("table", ["task"] + model_labels, matrix))

    doc.append(("h", 2, "All results"))
    header = ["task", "model", "theory", "fp", "dim", "construction", "params"]
    header += [f"L={n}" for n in b.test_lengths] + ["agreement"]
    table = []
    for r in report.rows:
        trained = r.get("trained") or {}
        accs = dict(zip(trained.get("test_lengths", []),
                        trained.get("normalized_accuracy", []), strict=False))
        cons = r.get("construction_verified")
        cons_text = "—" if cons is None else (
            f"verified ({r.get('construction_method')})" if cons else "FAILED")
        table.append([f"`{r['task']}`", _model_label(r), _VERDICT.get(r.get("theory"), "—"),
                      _VERDICT.get(r.get("theory_fp"), "—"), fmt(r.get("dim")), cons_text,
                      fmt(trained.get("params"))]
                     + [fmt(accs.get(n)) for n in b.test_lengths]
                     + [_AGREE.get(r.get("agreement"), "—")])
    doc.append(("table", header, table))
    for key, caption in (("accuracy", "Normalized accuracy against test length, per task."),
                         ("params", "Parameters against normalized accuracy at the longest "
                                    "test length.")):
        if key in report.files:
            doc.append(("img", report.files[key], caption))

    # ------------------------------------------------------------------ per task
    doc.append(("h", 2, "Tasks one by one"))
    rows_by_task: dict[str, list[dict[str, Any]]] = {}
    for r in report.rows:
        rows_by_task.setdefault(r["task"], []).append(r)
    for task in report.tasks:
        doc += _task_section(task, rows_by_task.get(task["spec"], []), LEVELS, report)

    # ------------------------------------------------------------------ paper
    if report.paper:
        doc += _paper_section(report)

    doc.append(("h", 2, "Notes"))
    notes = [
        "Every `no` carries a witness that anyone can re-run on the automaton "
        "(`bilinear classify TASK --json`).",
        "Constructions are compiled by `bilinear compile` and proved by `bilinear verify`; "
        "`dim` is the smallest real dimension theory or a verified construction reaches.",
        "Trained rows of a level and of the baselines come from the results store; rerunning "
        "the report reuses finished runs.",
    ]
    if len(b.seeds) * len(b.lrs) == 1:
        notes.append(
            f"This suite trains one run per (task, model) ({b.steps} steps, one seed, one "
            "learning rate): a learnability gap here is a lead to follow, not a finding. The "
            "full suite trains 3 seeds x 3 learning rates for 100,000 steps."
        )
    notes.append(
        f"Reproduce: `bilinear report --{'full' if suite.name == 'full' else 'quick'} --out DIR` "
        "(`--tasks` / `--models` select; `--full --device cuda` or `--backend ray` for the "
        "paper's protocol). Raw runs: the SQLite store "
        f"`{cfg.store_path.name}` (`bilinear.experiments.ResultsStore`)."
    )
    if not avail.get("training"):
        notes.append(f"Training: {avail.get('training_reason') or 'not available'}.")
    doc.append(("list", notes))
    if report.errors:
        doc.append(("h", 3, "Problems met while building this report"))
        doc.append(("list", [f"`{e}`" if len(e) < 200 else e for e in report.errors[:50]]))
    return doc


def _levels_table() -> list[list[Any]]:
    """The hierarchy as data (``bilinear.theory.hierarchy``): one row per level."""
    rows = []
    for name, lvl in HIERARCHY.items():
        tests = [t for t in lvl.tests if t.notion == "fin"]
        test = "; ".join(f"{t.statement} ({t.kind}, {t.status}, {t.source})" for t in tests[:2])
        rows.append([f"`{name}`", lvl.structure, lvl.params, "yes" if lvl.on_chain else "no",
                     test or "—"])
    return rows


def _holds(value: Any) -> str:
    return {True: "✓ yes", False: "✗ **NO**", None: "not checked (not in this run)"}[value]


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return fmt(value)


def _model_label(row: dict[str, Any]) -> str:
    opts = row.get("options") or {}
    if not opts:
        return row["model"]
    return row["model"] + ":" + ",".join(f"{k}={v}" for k, v in sorted(opts.items()))


def _matrix_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "—"
    parts = []
    if row.get("theory") is not None:
        mark = {"yes": "✓", "no": "✗", "unknown": "?"}[row["theory"]]
        parts.append(mark + (f" {row['dim']}" if row.get("dim") is not None else ""))
    parts.append(_long_cell(row))
    flag = row.get("agreement")
    if flag == "bug":
        parts.append("**BUG**")
    elif flag == "gap":
        parts.append("*gap*")
    elif flag == "agree_fp":
        parts.append("(fp yes)")
    return " · ".join(parts)


def _task_section(task: dict[str, Any], rows: list[dict[str, Any]], levels: tuple[str, ...],
                  report: Any) -> list[Block]:
    doc: list[Block] = [("h", 3, f"`{task['spec']}`")]
    fin = task.get("classification") or {}
    desc = task.get("description") or ""
    doc.append(("p", (
        f"{desc} {task['states']} states, alphabet "
        f"{{{', '.join(task['alphabet'][:12])}{', ...' if len(task['alphabet']) > 12 else ''}}}"
        f", {task['labels']} labels. Algebra: {_algebra_text(fin.get('algebra'))}. Minimal "
        f"level: **{fin.get('minimal_level') or 'not available'}**"
        + (f" (block size {fin['block_size']})" if fin.get("block_size") else "") + "."
    )))
    if task.get("theory_error"):
        doc.append(("p", f"Theory: {task['theory_error']}."))
    fig = report.files.get(f"automaton:{task['spec']}")
    if fig:
        doc.append(("img", fig, f"The automaton of `{task['spec']}`."))
    fig = report.files.get(f"letters:{task['spec']}")
    if fig:
        doc.append(("img", fig, f"The letter matrices A(a) of the verified construction at "
                                f"the minimal level ({fin.get('minimal_level')})."))
    by_model: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_model.setdefault(r["model"], []).append(r)
    table = []
    certificates = []
    for level in levels:
        entry = (fin.get("levels") or {}).get(level) or {}
        cons = (task.get("constructions") or {}).get(level) or {}
        verdict = entry.get("verdict")
        dims = f"{fmt(entry.get('dim_upper'))} / {fmt(entry.get('dim_lower'))}" if entry else "—"
        if verdict == "no":
            evidence = _witness_text(entry.get("witness")) or "no witness given"
        elif cons.get("built"):
            name = entry.get("construction") or ""
            if cons.get("verified"):
                evidence = (f"construction {name} of dim {fmt(cons.get('dim'))} verified "
                            f"({cons['method']})")
            elif cons.get("verified") is False:
                evidence = f"construction of dim {fmt(cons.get('dim'))} **FAILED** verification"
            else:
                evidence = f"construction of dim {fmt(cons.get('dim'))} built, not verified" + (
                    f" ({cons['error']})" if cons.get("error") else "")
            if cons.get("certificate_markdown"):
                certificates.append((level, cons["certificate_markdown"]))
        else:
            evidence = f"no construction ({cons.get('error') or 'not available'})"
        reason = (entry.get("reason") or "").strip()
        trained = by_model.get(level, [])
        acc = "; ".join(f"{_model_label(r)} {_long_cell(r)}" for r in trained) or "not trained"
        flags = "; ".join(_AGREE.get(r.get("agreement"), "—") for r in trained) or "—"
        table.append([level, _VERDICT.get(verdict, "—"), dims, reason[:300] or "—", evidence,
                      acc, flags])
    doc.append(("table", ["level", "verdict", "dim (upper / lower)", "reason", "evidence",
                          "trained (long)", "agreement"], table))
    baselines = [r for r in rows if r.get("theory") is None and r["model"] not in levels]
    if baselines:
        doc.append(("p", "Baselines (no theory): " + "; ".join(
            f"{_model_label(r)} {_long_cell(r)}" for r in baselines) + "."))
    minimal = fin.get("minimal_level")
    for level, md in certificates:
        if level != minimal:  # one proof per task: the construction at the minimal level
            continue
        text = md if len(md) <= 6000 else md[:6000] + "\n... (truncated)"
        doc.append(("details", f"Certificate of the {level} construction (click to open)",
                    [("pre", text)]))
    return doc


def _paper_section(report: Any) -> list[Block]:
    paper = report.paper
    doc: list[Block] = [("h", 2, "The paper's experiments")]
    doc.append(("p", (
        "Ebrahimi & Memisevic, *Revisiting Bi-Linear State Transitions in Recurrent Neural "
        "Networks* (NeurIPS 2025, arXiv 2505.21749). Their numbers are "
        f"**{paper.get('source_note', '')}**. Each cell reads `paper / ours`; ours is the "
        "chance-normalized accuracy at our longest test length; `—` means not run in this "
        "suite."
    )))
    for key in ("modular_addition", "random_fsm"):
        tab = paper.get(key)
        if not tab:
            continue
        doc.append(("h", 3, tab["title"]))
        header = ["model"] + [f"{tab['column_name']} = {c}" for c in tab["columns"]]
        rows = []
        for label, model in tab["rows"]:
            cells = [label]
            for c in tab["columns"]:
                rep = tab["reported"].get(model, {}).get(str(c))
                ours = tab["ours"].get(model, {}).get(str(c))
                cells.append(f"{fmt(rep)} / {fmt(ours)}")
            rows.append(cells)
        doc.append(("table", header, rows))
        used = ", ".join(f"{c}: `{s}`" for c, s in tab["tasks"].items()) or "none"
        doc.append(("p", f"Our tasks per column: {used}. {tab.get('note', '')}"))

    if paper.get("ablation"):
        doc.append(("h", 3, "Additive-term ablation on parity"))
        doc.append(("p", (
            "The same level trained with and without the additive term `B x_t + b` "
            "(`affine=True`). The paper reports that the additive term lowers parity accuracy "
            "at length 500 significantly (no number; secondary source)."
        )))
        rows = []
        for a in paper["ablation"]:
            rows.append([a["model"], _acc_list(a["pure"]), _acc_list(a["affine"]),
                         fmt(a["pure_long"]), fmt(a["affine_long"])])
        doc.append(("table", ["level", "pure bilinear (per test length)",
                              "with additive term (per test length)", "pure, long",
                              "additive, long"], rows))

    if paper.get("frozen_diagonal"):
        doc.append(("h", 3, "Frozen random real-diagonal weights, trained readout (parity)"))
        if "frozen" in report.files:
            doc.append(("img", report.files["frozen"],
                        "Success rate against H, with the paper's 1 - 2^-H."))
        r0 = paper["frozen_diagonal"][0]
        doc.append(("p", (
            f"Letter matrices `diag(a_0)`, `diag(a_1)` drawn at random and frozen, `h0 = 1`, "
            f"`h` normalized every step; a readout without bias fitted by logistic regression "
            f"on {r0['train_words']} words of lengths 2-10; success = accuracy >= 0.99 over "
            f"every position of words of length {r0['test_length']}. The paper claims success "
            "probability `1 - 2^-H` (secondary source). A unit decodes parity at every length "
            "with a linear readout only if `a_0 > 0 > a_1` (a unit with `a_0 < 0 < a_1` also "
            "flips with the length's parity), which happens with probability `1 - (3/4)^H` "
            "(`oracle` = share of trials with such a unit). With Gaussian weights the unit "
            "with the largest growth rate dominates the normalized state at length 500, "
            "whatever its type."
        )))
        rows = [[r["hidden"], r["weights"], r["trials"], fmt(r["success_rate"]),
                 fmt(r["paper_claim"], 3), fmt(r["derived_claim"], 3), fmt(r["oracle_rate"])]
                for r in paper["frozen_diagonal"]]
        doc.append(("table", ["H", "weights", "trials", "success rate", "paper 1 - 2^-H",
                              "1 - (3/4)^H", "oracle"], rows))

    if paper.get("cp_sweep"):
        doc.append(("h", 3, f"CP rank sweep on `{paper.get('cp_task')}`"))
        if "cp_sweep" in report.files:
            doc.append(("img", report.files["cp_sweep"], "Accuracy against CP rank."))
        rows = [[f"cp rank {s['rank']}", fmt(s["params"]), _acc_list(s["trained"]),
                 fmt(s["long"])] for s in paper["cp_sweep"]]
        ref = paper.get("cp_full_reference") or {}
        rows.append(["full", fmt(ref.get("params")), _acc_list(ref.get("trained")),
                     fmt(ref.get("long"))])
        doc.append(("table", ["model", "params", "normalized accuracy per test length",
                              "long"], rows))
        doc.append(("p", (
            "The paper reports that the factorized model approaches the full one as R grows "
            "and degrades for large state spaces (0.50 at 25 states; rank unknown; secondary "
            "source)."
        )))
    return doc


def _acc_list(trained: dict[str, Any] | None) -> str:
    if not trained:
        return "not trained"
    return ", ".join(f"{n}: {fmt(a)}" for n, a in
                     zip(trained["test_lengths"], trained["normalized_accuracy"], strict=False))


# ================================================================================ writers
def _md_cell(value: Any) -> str:
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def _slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^a-z0-9 _-]", "", text.lower()).strip().replace(" ", "-")


def _toc(doc: list[Block]) -> list[tuple[str, str]]:
    return [(b[2], _slug(b[2])) for b in doc if b[0] == "h" and b[1] == 2]


def to_markdown(doc: list[Block]) -> str:
    """Render blocks as GitHub-flavoured Markdown (images by relative path)."""
    out: list[str] = []
    for block in doc:
        kind = block[0]
        if kind == "toc":
            out.append("Contents: " + " · ".join(f"[{t}](#{a})" for t, a in _toc(doc)))
        elif kind == "h":
            out.append("#" * block[1] + " " + block[2])
        elif kind == "p":
            out.append(block[1])
        elif kind == "list":
            out.append("\n".join(f"- {item}" for item in block[1]))
        elif kind == "table":
            headers, rows = block[1], block[2]
            lines = ["| " + " | ".join(_md_cell(h) for h in headers) + " |",
                     "|" + "|".join("---" for _ in headers) + "|"]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
        elif kind == "img":
            out.append(f"![{block[2]}]({block[1]})\n\n*{block[2]}*")
        elif kind == "pre":
            fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", block[1])),
                                          default=0))
            out.append(fence + "\n" + block[1].rstrip() + "\n" + fence)
        elif kind == "details":
            inner = to_markdown(block[2]).rstrip()
            out.append(f"<details><summary>{html.escape(block[1])}</summary>\n\n{inner}\n\n"
                       "</details>")
        out.append("")
    return "\n".join(out)


_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1200px; padding: 0 1em; color: #1b1b1b; line-height: 1.45; }
h1 { border-bottom: 2px solid #444; padding-bottom: .2em; }
h2 { border-bottom: 1px solid #bbb; padding-bottom: .15em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.88em; display: block;
        overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; position: sticky; top: 0; }
tr:nth-child(even) td { background: #fafafa; }
code { background: #f3f3f3; padding: 0 3px; border-radius: 3px; font-size: 0.92em; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: 0.85em; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-style: italic; color: #555; font-size: 0.9em; }
strong { color: #9b1c1c; } details { margin: .5em 0; }
"""


def _inline(text: str) -> str:
    s = html.escape(str(text))
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"(?<![\w*])\*([^*]+)\*(?![\w*])", r"<em>\1</em>", s)
    return s


def _img_src(path: str, base: Path | None) -> str:
    if base is not None:
        file = base / path
        if file.is_file():
            data = base64.b64encode(file.read_bytes()).decode("ascii")
            return f"data:image/png;base64,{data}"
    return html.escape(path)


def _html_blocks(doc: list[Block], base: Path | None) -> list[str]:
    out: list[str] = []
    for block in doc:
        kind = block[0]
        if kind == "toc":
            links = " · ".join(f'<a href="#{a}">{_inline(t)}</a>' for t, a in _toc(doc))
            out.append(f"<nav><p>Contents: {links}</p></nav>")
        elif kind == "h":
            anchor = f' id="{_slug(block[2])}"' if block[1] == 2 else ""
            out.append(f"<h{block[1]}{anchor}>{_inline(block[2])}</h{block[1]}>")
        elif kind == "p":
            out.append(f"<p>{_inline(block[1])}</p>")
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{_inline(fmt(h))}</th>" for h in block[1])
            body = "".join("<tr>" + "".join(f"<td>{_inline(fmt(c))}</td>" for c in row)
                           + "</tr>" for row in block[2])
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif kind == "img":
            out.append(f'<figure><img alt="{html.escape(block[2])}" '
                       f'src="{_img_src(block[1], base)}"><figcaption>{_inline(block[2])}'
                       "</figcaption></figure>")
        elif kind == "pre":
            out.append(f"<pre>{html.escape(block[1])}</pre>")
        elif kind == "details":
            inner = "\n".join(_html_blocks(block[2], base))
            out.append(f"<details><summary>{_inline(block[1])}</summary>{inner}</details>")
    return out


def to_html(doc: list[Block], base: str | Path | None = None) -> str:
    """Render blocks as one self-contained HTML page (images from ``base`` inlined as base64)."""
    title = next((b[2] for b in doc if b[0] == "h"), "bilinear report")
    body = "\n".join(_html_blocks(doc, Path(base) if base is not None else None))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )
