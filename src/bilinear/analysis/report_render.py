"""The hierarchy report as a document: sections of typed blocks, written as Markdown and HTML.

:func:`build_document` turns a :class:`~bilinear.analysis.report.Report` into a list of blocks
(see :mod:`bilinear.analysis.report_blocks`): the header, acceptance checks, where each task sits
in the hierarchy, theory beside training, every result, one section per task, the paper's
experiments and notes.  :func:`to_markdown` and :func:`to_html` write the same blocks, so the two
files never disagree (examples: :mod:`bilinear.analysis.report_blocks`).
"""

from __future__ import annotations

import json
import re
from typing import Any

try:  # the plots extra: certificates are rendered, else shown as preformatted text
    from markdown_it import MarkdownIt
except ImportError:  # pragma: no cover - exercised by monkeypatching MarkdownIt to None
    MarkdownIt = None  # type: ignore[assignment,misc]

from bilinear.analysis.diagnosis import diagnosis_blocks
from bilinear.analysis.judge import (
    AGREEMENT_TEXT,
    LONG_LENGTH,
    PASS_THRESHOLD,
    agreement_counts,
    primary_accuracy,
)
from bilinear.analysis.report_blocks import (
    Block,
    BulletList,
    Contents,
    Details,
    Heading,
    Image,
    Paragraph,
    Preformatted,
    Table,
    fmt,
    to_html,
    to_markdown,
)
from bilinear.analysis.report_published import published_section
from bilinear.analysis.report_render_paper import paper_section
from bilinear.analysis.report_text import (
    AGREE,
    CERTIFICATE_NOTE,
    VERDICT,
    algebra_text,
    certificate_cell,
    holds_text,
    long_cell,
    matrix_cell,
    model_label,
    value_text,
    witness_text,
)
from bilinear.analysis.suite import LEVELS
from bilinear.experiments.config import curriculum_text
from bilinear.theory import LEVELS as HIERARCHY

__all__ = ["build_document", "markdown_blocks", "to_markdown", "to_html", "fmt"]

Row = dict[str, Any]


def build_document(report: Any) -> list[Block]:
    """The report as blocks (see the module docstring)."""
    doc = _header(report)
    doc.append(Contents())
    doc += _acceptance_section(report)
    doc += _hierarchy_section(report)
    doc += _matrix_section(report)
    doc += _results_section(report)
    diagnoses = getattr(report, "diagnoses", [])
    doc += diagnosis_blocks([{k: v for k, v in d.items() if k != "curve"} for d in diagnoses])
    doc += _curves(diagnoses)
    doc.append(Heading(2, "Tasks one by one"))
    rows_by_task: dict[str, list[Row]] = {}
    for r in report.rows:
        rows_by_task.setdefault(r["task"], []).append(r)
    for task in report.tasks:
        doc += _task_section(task, rows_by_task.get(task["spec"], []), LEVELS, report)
    doc += published_section(report)
    if report.paper:
        doc += paper_section(report)
    doc += _notes_section(report)
    return doc


def _curves(diagnoses: list[dict[str, Any]]) -> list[Block]:
    """The training curves of the gap cells at the test lengths (folded; one table each)."""
    with_curves = [d for d in diagnoses if d.get("curve")]
    if not with_curves:
        return []
    tables: list[Block] = []
    for d in with_curves:
        lengths = [k for k in d["curve"][0] if k != "step"]
        tables.append(Paragraph(f"`{d.get('task')}` / {d.get('model')}"))
        tables.append(Table(["step"] + [f"L={n}" for n in lengths],
                            [[c["step"]] + [fmt(c.get(n)) for n in lengths] for c in d["curve"]]))
    return [Details(
        "Training curves of the gap cells: accuracy at each test length at every validation "
        "checkpoint (fixed words of their own, not the test words; never read by selection)",
        tables)]


# ================================================================================ overview
def _header(report: Any) -> list[Block]:
    cfg = report.config
    suite = cfg.suite
    b = suite.budget
    avail = report.availability
    pieces = ", ".join(
        f"{k} {'yes' if avail.get(k) else 'NOT AVAILABLE'}"
        for k in ("theory", "constructions", "verification", "training")
    )
    t = report.timing
    return [
        Heading(1, f"The bilinear hierarchy report ({suite.name} suite)"),
        Paragraph(
            f"Generated {report.created}. Suite `{suite.name}`: {suite.description}. "
            f"{len(suite.tasks)} tasks x {len(suite.models)} models; hidden {b.hidden}, "
            f"{b.steps} steps, batch {b.batch}, learning rates "
            f"{', '.join(f'{x:g}' for x in b.lrs)} "
            f"(best kept), seeds {', '.join(map(str, b.seeds))} (averaged); train lengths "
            f"{b.train_lengths[0]}-{b.train_lengths[1]}, test lengths "
            f"{', '.join(map(str, b.test_lengths))}. Pieces: {pieces}."
        ),
        Paragraph(
            f"Time: {fmt(t.get('total_s'), 1)} s in all (theory {fmt(t.get('theory_s'), 1)} s, "
            f"training {fmt(t.get('training_s'), 1)} s for {t.get('runs', 0)} runs of which "
            f"{t.get('runs_reused', 0)} were reused from the store `{cfg.store_path.name}`, "
            f"paper {fmt(t.get('paper_s'), 1)} s)"
            + ("." if t.get("process_s") is None else
               f"; {fmt(t.get('process_s'), 1)} s since the command started (imports included).")
        ),
        Paragraph(
            "Accuracies are normalized by the best constant predictor at each position of the "
            "same test words (`majority_normalized_accuracy`: 0 = no better than a constant, 1 = "
            "perfect), over every position of random test words; benchmark tasks that score the "
            "final label are judged by it alone, normalized by the suite's chance level. A "
            f"trained model *succeeds* when it reaches {PASS_THRESHOLD} at every test length >= "
            f"{LONG_LENGTH}. Theory verdicts are for the exact `fin` notion unless marked `fp` "
            "(floating point)."
        ),
        *_protocol_paragraphs(suite),
    ]


def _protocol_paragraphs(suite: Any) -> list[Block]:
    """The benchmark's protocol and any deviation from it (a length curriculum)."""
    out: list[Block] = []
    if getattr(suite, "protocol", None):
        out.append(Paragraph(f"Benchmark `{suite.benchmark}`: {suite.protocol}."))
    b = suite.budget
    if getattr(b, "curriculum", None) is not None:
        out.append(Paragraph(f"**Protocol deviation** of every run: "
                             f"{curriculum_text(b.train_lengths, b.curriculum)}."))
    return out


def _acceptance_section(report: Any) -> list[Block]:
    doc: list[Block] = [
        Heading(2, "Acceptance checks"),
        Table(
            ["check", "holds", "value"],
            [
                [c["check"], holds_text(c["holds"]), value_text(c["value"])]
                for c in report.acceptance
            ],
        ),
    ]
    counts = agreement_counts(report.rows)
    if counts:
        doc.append(
            Paragraph(
                "Trained levels against theory: "
                + ", ".join(f"{n} {AGREE[k].strip('*')}" for k, n in counts.items())
                + "."
            )
        )
    return doc


def _levels_table() -> list[list[Any]]:
    """The hierarchy as data (``bilinear.theory.hierarchy``): one row per level."""
    rows = []
    for name, lvl in HIERARCHY.items():
        tests = [t for t in lvl.tests if t.notion == "fin"]
        test = "; ".join(f"{t.statement} ({t.kind}, {t.status}, {t.source})" for t in tests[:2])
        rows.append(
            [f"`{name}`", lvl.structure, lvl.params, "yes" if lvl.on_chain else "no", test or "—"]
        )
    return rows


def _placement_row(task: dict[str, Any]) -> list[Any]:
    fin = task.get("classification") or {}
    minimal = fin.get("minimal_level")
    if minimal == "block" and fin.get("block_size"):
        minimal = f"block (b = {fin['block_size']})"
    expected = (task.get("expected") or {}).get("minimal_level")
    if expected and fin.get("minimal_level") and expected != fin["minimal_level"]:
        expected = f"{expected} (**differs**)"
    return [
        f"`{task['spec']}`",
        task["states"],
        len(task["alphabet"]),
        algebra_text(fin.get("algebra")),
        minimal or "—",
        expected or "—",
    ]


def _hierarchy_section(report: Any) -> list[Block]:
    doc: list[Block] = [Heading(2, "Where each task sits in the hierarchy")]
    levels_table = _levels_table()
    if levels_table:
        doc.append(
            Table(
                [
                    "level",
                    "structure of each A(a)",
                    "parameters",
                    "on the chain",
                    "fin test (docs/explanation/levels.md)",
                ],
                levels_table,
            )
        )
    if "hierarchy" in report.files:
        doc.append(
            Image(
                report.files["hierarchy"],
                "The chain of levels, with every task at its minimal level (fin notion).",
            )
        )
    doc.append(
        Table(
            ["task", "states", "symbols", "algebra", "minimal level", "literature expects"],
            [_placement_row(t) for t in report.tasks],
        )
    )
    return doc


def _options_key(options: Any) -> str:
    return json.dumps(options, sort_keys=True, default=str)


def _matrix_section(report: Any) -> list[Block]:
    suite = report.config.suite
    by = {(r["task"], r["model"], _options_key(r.get("options", {}))): r for r in report.rows}
    matrix = []
    for task in report.tasks:
        cells = [f"`{task['spec']}`"]
        for m in suite.models:
            cells.append(matrix_cell(by.get((task["spec"], m.name, _options_key(m.option_dict())))))
        matrix.append(cells)
    return [
        Heading(2, "Theory beside training"),
        Paragraph(
            "Each cell: the level's verdict, its smallest verified dimension, and the trained "
            f"model's worst normalized accuracy at length >= {LONG_LENGTH}. Agreement flags: "
            + "; ".join(f"{AGREE[k]}: {v}" for k, v in AGREEMENT_TEXT.items())
            + "."
        ),
        Table(["task"] + [m.label for m in suite.models], matrix),
    ]


def _result_row(r: Row, lengths: tuple[int, ...]) -> list[Any]:
    trained = r.get("trained") or {}
    accs = dict(
        zip(
            trained.get("test_lengths", []),
            primary_accuracy(trained) if trained else [],
            strict=False,
        )
    )
    cons = r.get("construction_verified")
    cons_text = (
        "—"
        if cons is None
        else (f"verified ({r.get('construction_method')})" if cons else "FAILED")
    )
    return (
        [
            f"`{r['task']}`",
            model_label(r),
            VERDICT.get(r.get("theory"), "—"),
            VERDICT.get(r.get("theory_fp"), "—"),
            fmt(r.get("dim")),
            cons_text,
            fmt(trained.get("params")),
        ]
        + [fmt(accs.get(n)) for n in lengths]
        + [AGREE.get(r.get("agreement"), "—"), certificate_cell(r)]
    )


def _results_section(report: Any) -> list[Block]:
    lengths = tuple(report.config.suite.budget.test_lengths)
    header = ["task", "model", "theory", "fp", "dim", "construction", "params"]
    header += [f"L={n}" for n in lengths] + ["agreement", "certificate"]
    doc: list[Block] = [
        Heading(2, "All results"),
        Table(header, [_result_row(r, lengths) for r in report.rows]),
        Paragraph(CERTIFICATE_NOTE),
    ]
    for key, caption in (
        ("accuracy", "Normalized accuracy against test length, per task."),
        ("params", "Parameters against normalized accuracy at the longest test length."),
    ):
        if key in report.files:
            doc.append(Image(report.files[key], caption))
    return doc


# ================================================================================ per task
def _task_intro(task: dict[str, Any], report: Any) -> list[Block]:
    fin = task.get("classification") or {}
    alphabet = task["alphabet"]
    doc: list[Block] = [
        Heading(3, f"`{task['spec']}`"),
        Paragraph(
            f"{task.get('description') or ''} {task['states']} states, alphabet "
            f"{{{', '.join(alphabet[:12])}{', ...' if len(alphabet) > 12 else ''}}}"
            f", {task['labels']} labels. Algebra: {algebra_text(fin.get('algebra'))}. Minimal "
            f"level: **{fin.get('minimal_level') or 'not available'}**"
            + (f" (block size {fin['block_size']})" if fin.get("block_size") else "")
            + "."
        ),
    ]
    if task.get("theory_error"):
        doc.append(Paragraph(f"Theory: {task['theory_error']}."))
    fig = report.files.get(f"automaton:{task['spec']}")
    if fig:
        doc.append(Image(fig, f"The automaton of `{task['spec']}`."))
    fig = report.files.get(f"letters:{task['spec']}")
    if fig:
        doc.append(
            Image(
                fig,
                f"The letter matrices A(a) of the verified construction at "
                f"the minimal level ({fin.get('minimal_level')}).",
            )
        )
    return doc


def _evidence(entry: dict[str, Any], cons: dict[str, Any]) -> str:
    """Why a level's verdict holds: the witness of a "no", else the construction's status."""
    if entry.get("verdict") == "no":
        return witness_text(entry.get("witness")) or "no witness given"
    if not cons.get("built"):
        return f"no construction ({cons.get('error') or 'not available'})"
    dim = fmt(cons.get("dim"))
    if cons.get("verified"):
        name = entry.get("construction") or ""
        return f"construction {name} of dim {dim} verified ({cons['method']})"
    if cons.get("verified") is False:
        return f"construction of dim {dim} **FAILED** verification"
    return f"construction of dim {dim} built, not verified" + (
        f" ({cons['error']})" if cons.get("error") else ""
    )


def _level_row(
    level: str, entry: dict[str, Any], cons: dict[str, Any], trained: list[Row]
) -> list[Any]:
    dims = f"{fmt(entry.get('dim_upper'))} / {fmt(entry.get('dim_lower'))}" if entry else "—"
    reason = (entry.get("reason") or "").strip()
    acc = "; ".join(f"{model_label(r)} {long_cell(r)}" for r in trained) or "not trained"
    flags = "; ".join(AGREE.get(r.get("agreement"), "—") for r in trained) or "—"
    return [
        level,
        VERDICT.get(entry.get("verdict"), "—"),
        dims,
        reason[:300] or "—",
        _evidence(entry, cons),
        acc,
        flags,
    ]


def _task_section(
    task: dict[str, Any], rows: list[Row], levels: tuple[str, ...], report: Any
) -> list[Block]:
    doc = _task_intro(task, report)
    fin = task.get("classification") or {}
    by_model: dict[str, list[Row]] = {}
    for r in rows:
        by_model.setdefault(r["model"], []).append(r)
    table = []
    for level in levels:
        entry = (fin.get("levels") or {}).get(level) or {}
        cons = (task.get("constructions") or {}).get(level) or {}
        table.append(_level_row(level, entry, cons, by_model.get(level, [])))
    doc.append(
        Table(
            [
                "level",
                "verdict",
                "dim (upper / lower)",
                "reason",
                "evidence",
                "trained (long)",
                "agreement",
            ],
            table,
        )
    )
    baselines = [r for r in rows if r.get("theory") is None and r["model"] not in levels]
    if baselines:
        doc.append(
            Paragraph(
                "Baselines (no theory): "
                + "; ".join(f"{model_label(r)} {long_cell(r)}" for r in baselines)
                + "."
            )
        )
    minimal = fin.get("minimal_level")
    if minimal in levels:  # one proof per task: the construction at the minimal level
        doc += _certificate(
            minimal,
            (fin.get("levels") or {}).get(minimal) or {},
            (task.get("constructions") or {}).get(minimal) or {},
        )
    return doc


def _certificate(level: str, entry: dict[str, Any], cons: dict[str, Any]) -> list[Block]:
    """The certificate of a level's built construction, folded; none for a "no"."""
    md = cons.get("certificate_markdown")
    if entry.get("verdict") == "no" or not cons.get("built") or not md:
        return []
    return [
        Details(f"Certificate of the {level} construction (click to open)", markdown_blocks(md))
    ]


#: Rows of a certificate's table kept in the report (the rest are counted).
MAX_TABLE_ROWS = 40


def markdown_blocks(text: str, *, heading_offset: int = 3) -> list[Block]:
    r"""A Markdown text (a certificate) as report blocks, so the HTML shows it rendered.

    Headings move down by ``heading_offset`` (a certificate's ``#`` becomes a level-4 heading,
    out of the table of contents); ordered lists keep their numbers and ``[x]`` becomes a tick;
    tables longer than :data:`MAX_TABLE_ROWS` are cut with a count of the rows left out.  Without
    ``markdown-it-py`` (the ``plots`` extra) the text is kept as one preformatted block.

    Examples
    --------
    >>> blocks = markdown_blocks("# T\n\n**Verdict:** proved.\n\n1. [x] a\n\n| a | b |\n"
    ...                          "|---|---|\n| 1 | 2 |\n")
    >>> [type(b).__name__ for b in blocks]
    ['Heading', 'Paragraph', 'BulletList', 'Table']
    >>> blocks[2].items, blocks[3].rows
    (('1. ✓ a',), (('1', '2'),))
    >>> "|---|" in to_html(blocks) or "**Verdict:**" in to_html(blocks)
    False
    """
    if MarkdownIt is None:
        return [Preformatted(text)]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[Block] = []
    items: list[str] = []
    numbers: list[int | None] = []  # the next number of each open list (None: bullets)
    table: list[list[str]] = []
    header: list[str] = []
    in_head = False
    for i, tok in enumerate(tokens):
        kind = tok.type
        if kind == "heading_open":
            level = min(6, int(tok.tag[1]) + heading_offset)
            blocks.append(Heading(level, tokens[i + 1].content))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            numbers.append(int(tok.attrGet("start") or 1) if kind == "ordered_list_open" else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            numbers.pop()
            if not numbers and items:
                blocks.append(BulletList(items))
                items = []
        elif kind == "inline" and numbers and tokens[i - 1].type == "paragraph_open":
            content = tok.content.replace("\n", " ")
            if content.startswith("[x] "):
                content = "✓ " + content[4:]
            elif content.startswith("[ ] "):
                content = "✗ " + content[4:]
            depth = "  " * (len(numbers) - 1)
            if numbers[-1] is not None:
                n = numbers[-1]
                numbers[-1] = n + 1
                content = f"{n}. {content}"
            items.append(depth + content)
        elif kind == "inline" and tokens[i - 1].type == "paragraph_open":
            # a hard line break ("  " or "\\" at a line's end) starts a new paragraph
            for line in re.split(r"(?: {2,}|\\)\n", tok.content):
                blocks.append(Paragraph(line.replace("\n", " ").strip()))
        elif kind in ("fence", "code_block"):
            blocks.append(Preformatted(tok.content))
        elif kind == "thead_open":
            in_head, header, table = True, [], []
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open" and not in_head:
            table.append([])
        elif kind == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            (header if in_head else table[-1]).append(tok.content)
        elif kind == "table_close":
            rows: list[list[Any]] = list(table[:MAX_TABLE_ROWS])
            if len(table) > MAX_TABLE_ROWS:
                rows.append(
                    [f"... ({len(table) - MAX_TABLE_ROWS} more rows)"] + [""] * (len(header) - 1)
                )
            blocks.append(Table(header, rows))
        elif kind == "html_block":
            blocks.append(Preformatted(tok.content))
    return blocks


# ================================================================================ notes
def _notes_section(report: Any) -> list[Block]:
    cfg = report.config
    suite = cfg.suite
    b = suite.budget
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
    if not report.availability.get("training"):
        notes.append(f"Training: {report.availability.get('training_reason') or 'not available'}.")
    doc: list[Block] = [Heading(2, "Notes"), BulletList(notes)]
    if report.errors:
        doc.append(Heading(3, "Problems met while building this report"))
        doc.append(BulletList([f"`{e}`" if len(e) < 200 else e for e in report.errors[:50]]))
    return doc
