"""The report's section on the source paper's experiments, as typed blocks.

Ebrahimi & Memisevic, *Revisiting Bi-Linear State Transitions in Recurrent Neural Networks*
(NeurIPS 2025, arXiv 2505.21749): their tables beside our numbers, the additive-term ablation,
the frozen random real-diagonal experiment and the CP rank sweep (the data is assembled by
:mod:`bilinear.analysis.report`; see :mod:`bilinear.analysis.paper`).

Examples
--------
>>> tab = {"title": "T", "column_name": "m", "columns": [3], "rows": [["full", "full"]],
...        "reported": {"full": {"3": 1.0}}, "ours": {"full": {"3": None}},
...        "tasks": {"3": "modular_addition:m=3"}, "note": ""}
>>> [type(b).__name__ for b in _paper_table_blocks(tab)]
['Heading', 'Table', 'Paragraph']
>>> _paper_table_blocks(tab)[1].rows
(('full', '1.00 / —'),)
"""

from __future__ import annotations

from typing import Any

from bilinear.analysis.paper import READING_NAMES, frozen_parity_readings
from bilinear.analysis.report_blocks import Block, Heading, Image, Paragraph, Table, fmt
from bilinear.analysis.report_text import acc_list

__all__ = ["paper_section"]


def _paper_table_blocks(tab: dict[str, Any]) -> list[Block]:
    header = ["model"] + [f"{tab['column_name']} = {c}" for c in tab["columns"]]
    rows = []
    for label, model in tab["rows"]:
        cells = [label]
        for c in tab["columns"]:
            rep = tab["reported"].get(model, {}).get(str(c))
            ours = tab["ours"].get(model, {}).get(str(c))
            cells.append(f"{fmt(rep)} / {fmt(ours)}")
        rows.append(cells)
    used = ", ".join(f"{c}: `{s}`" for c, s in tab["tasks"].items()) or "none"
    return [Heading(3, tab["title"]), Table(header, rows),
            Paragraph(f"Our tasks per column: {used}. {tab.get('note', '')}")]


def _ablation_blocks(ablation: list[dict[str, Any]]) -> list[Block]:
    rows = [[a["model"], acc_list(a["pure"]), acc_list(a["affine"]), fmt(a["pure_long"]),
             fmt(a["affine_long"])] for a in ablation]
    return [
        Heading(3, "Additive-term ablation on parity"),
        Paragraph(
            "The same level trained with and without the additive term `B x_t + b` "
            "(`affine=True`). The paper reports that the additive term lowers parity accuracy "
            "at length 500 significantly (no number; secondary source)."
        ),
        Table(["level", "pure bilinear (per test length)",
               "with additive term (per test length)", "pure, long", "additive, long"], rows),
    ]


def _readings_blocks(frozen: list[dict[str, Any]],
                     readings: list[dict[str, Any]] | None) -> list[Block]:
    """The two readings of the ``1 - 2^-H`` claim side by side, each named (exact), beside the
    sampled experiment's success rate at the same H.

    Examples
    --------
    >>> rows = [{"hidden": 2, "weights": "signs", "success_rate": 0.4}]
    >>> table = _readings_blocks(rows, None)[1]
    >>> table.rows[0][:4]
    (2, '0.750', '3/4 = 0.750', '7/16 = 0.438')
    """
    hidden = sorted({int(r["hidden"]) for r in frozen})
    readings = readings or frozen_parity_readings(tuple(hidden))
    sampled: dict[int, list[str]] = {}
    for r in frozen:
        sampled.setdefault(int(r["hidden"]), []).append(
            f"{fmt(r['success_rate'])} ({r['weights']})")
    rows = [[r["hidden"], fmt(r["paper_claim"], 3),
             f"{r['fractions']['whole_word']} = {fmt(r['whole_word'], 3)}",
             f"{r['fractions']['per_position']} = {fmt(r['per_position'], 3)}",
             "; ".join(sampled.get(int(r["hidden"]), [])) or "—"] for r in readings]
    return [
        Paragraph(
            "Two readings of the claim, computed exactly (every sign pattern of H units with "
            "+-1 weights, decodability by a readout without bias decided exactly): "
            f"**{READING_NAMES['whole_word']}** reproduces `1 - 2^-H` exactly (a unit decodes "
            "when `a_0 != a_1`: at even lengths its sign is the parity); "
            f"**{READING_NAMES['per_position']}** gives `1 - (3/4)^H` (only `a_0 > 0 > a_1` "
            "decodes at every length). The sampled column is the experiment above "
            "(trained readout, its weights)."),
        Table(["H", "paper 1 - 2^-H", f"{READING_NAMES['whole_word']} (exact)",
               f"{READING_NAMES['per_position']} (exact)", "sampled, every prefix"], rows),
    ]


def _frozen_blocks(frozen: list[dict[str, Any]], files: dict[str, str],
                   readings: list[dict[str, Any]] | None = None) -> list[Block]:
    doc: list[Block] = [Heading(3, "Frozen random real-diagonal weights, trained readout "
                                   "(parity)")]
    if "frozen" in files:
        doc.append(Image(files["frozen"], "Success rate against H, with the paper's 1 - 2^-H."))
    r0 = frozen[0]
    doc.append(Paragraph(
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
    ))
    rows = [[r["hidden"], r["weights"], r["trials"], fmt(r["success_rate"]),
             fmt(r["paper_claim"], 3), fmt(r["derived_claim"], 3), fmt(r["oracle_rate"])]
            for r in frozen]
    doc.append(Table(["H", "weights", "trials", "success rate", "paper 1 - 2^-H",
                      "1 - (3/4)^H", "oracle"], rows))
    return doc + _readings_blocks(frozen, readings)


def _cp_sweep_blocks(paper: dict[str, Any], files: dict[str, str]) -> list[Block]:
    doc: list[Block] = [Heading(3, f"CP rank sweep on `{paper.get('cp_task')}`")]
    if "cp_sweep" in files:
        doc.append(Image(files["cp_sweep"], "Accuracy against CP rank."))
    rows = [[f"cp rank {s['rank']}", fmt(s["params"]), acc_list(s["trained"]), fmt(s["long"])]
            for s in paper["cp_sweep"]]
    ref = paper.get("cp_full_reference") or {}
    rows.append(["full", fmt(ref.get("params")), acc_list(ref.get("trained")),
                 fmt(ref.get("long"))])
    doc.append(Table(["model", "params", "normalized accuracy per test length", "long"], rows))
    doc.append(Paragraph(
        "The paper reports that the factorized model approaches the full one as R grows "
        "and degrades for large state spaces (0.50 at 25 states; rank unknown; secondary "
        "source)."
    ))
    return doc


def paper_section(report: Any) -> list[Block]:
    paper = report.paper
    doc: list[Block] = [Heading(2, "The paper's experiments"), Paragraph(
        "Ebrahimi & Memisevic, *Revisiting Bi-Linear State Transitions in Recurrent Neural "
        "Networks* (NeurIPS 2025, arXiv 2505.21749). Their numbers are "
        f"**{paper.get('source_note', '')}**. Each cell reads `paper / ours`; ours is the "
        "chance-normalized accuracy at our longest test length; `—` means not run in this "
        "suite."
    )]
    for key in ("modular_addition", "random_fsm"):
        if paper.get(key):
            doc += _paper_table_blocks(paper[key])
    if paper.get("ablation"):
        doc += _ablation_blocks(paper["ablation"])
    if paper.get("frozen_diagonal"):
        doc += _frozen_blocks(paper["frozen_diagonal"], report.files,
                              paper.get("frozen_readings"))
    if paper.get("cp_sweep"):
        doc += _cp_sweep_blocks(paper, report.files)
    return doc
