"""The report's document model: typed blocks, written as Markdown and as self-contained HTML.

A document is a list of blocks (:class:`Heading`, :class:`Paragraph`, :class:`BulletList`,
:class:`Table`, :class:`Image`, :class:`Preformatted`, :class:`Details`, :class:`Contents`);
:func:`to_markdown` and :func:`to_html` write the same blocks, so the two files never disagree.
The HTML is self-contained: inline CSS, images embedded as base64 PNG.  Inline text may use
Markdown's ``code``, ``**bold**`` and ``*emphasis*``.

Examples
--------
>>> doc = [Heading(1, "Title"), Paragraph("Some `code` and **bold**."),
...        Table(["a", "b"], [[1, None]])]
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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Block",
    "BulletList",
    "Contents",
    "Details",
    "Heading",
    "Image",
    "Paragraph",
    "Preformatted",
    "Table",
    "fmt",
    "to_html",
    "to_markdown",
]


# ================================================================================ blocks
@dataclass(frozen=True)
class Heading:
    """A heading of ``level`` 1-6; level-2 headings are the table of contents' entries."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline text."""

    text: str


@dataclass(frozen=True)
class BulletList:
    """A bulleted list of inline texts."""

    items: tuple[str, ...]

    def __init__(self, items: Sequence[str]) -> None:
        object.__setattr__(self, "items", tuple(items))


@dataclass(frozen=True)
class Table:
    """A table; every cell (header or body) is written through :func:`fmt`."""

    headers: tuple[Any, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __init__(self, headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
        object.__setattr__(self, "headers", tuple(headers))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in rows))


@dataclass(frozen=True)
class Image:
    """A PNG by path relative to the report (inlined in the HTML), with its caption."""

    path: str
    caption: str


@dataclass(frozen=True)
class Preformatted:
    """Text shown as is (a fenced block in Markdown, ``<pre>`` in HTML)."""

    text: str


@dataclass(frozen=True)
class Details:
    """A foldable section: a one-line summary over blocks shown on demand."""

    summary: str
    blocks: tuple[Block, ...]

    def __init__(self, summary: str, blocks: Sequence[Block]) -> None:
        object.__setattr__(self, "summary", summary)
        object.__setattr__(self, "blocks", tuple(blocks))


@dataclass(frozen=True)
class Contents:
    """The table of contents: a link to every level-2 heading of the document."""


Block = Heading | Paragraph | BulletList | Table | Image | Preformatted | Details | Contents


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


def _slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^a-z0-9 _-]", "", text.lower()).strip().replace(" ", "-")


def _toc(doc: Sequence[Block]) -> list[tuple[str, str]]:
    return [(b.text, _slug(b.text)) for b in doc if isinstance(b, Heading) and b.level == 2]


# ================================================================================ Markdown
def _md_cell(value: Any) -> str:
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def _md_table(table: Table) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in table.headers) + " |",
             "|" + "|".join("---" for _ in table.headers) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def _md_block(block: Block, doc: Sequence[Block]) -> str:
    match block:
        case Contents():
            return "Contents: " + " · ".join(f"[{t}](#{a})" for t, a in _toc(doc))
        case Heading(level, text):
            return "#" * level + " " + text
        case Paragraph(text):
            return text
        case BulletList(items):
            return "\n".join(f"- {item}" for item in items)
        case Table():
            return _md_table(block)
        case Image(path, caption):
            return f"![{caption}]({path})\n\n*{caption}*"
        case Preformatted(text):
            longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
            fence = "`" * max(3, 1 + longest)
            return fence + "\n" + text.rstrip() + "\n" + fence
        case Details(summary, blocks):
            inner = to_markdown(blocks).rstrip()
            return (f"<details><summary>{html.escape(summary)}</summary>\n\n{inner}\n\n"
                    "</details>")
    raise TypeError(f"not a report block: {block!r}")


def to_markdown(doc: Sequence[Block]) -> str:
    """Render blocks as GitHub-flavoured Markdown (images by relative path)."""
    out: list[str] = []
    for block in doc:
        out.append(_md_block(block, doc))
        out.append("")
    return "\n".join(out)


# ================================================================================ HTML
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


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{_inline(fmt(h))}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{_inline(fmt(c))}</td>" for c in row) + "</tr>"
                   for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_block(block: Block, doc: Sequence[Block], base: Path | None) -> str:
    match block:
        case Contents():
            links = " · ".join(f'<a href="#{a}">{_inline(t)}</a>' for t, a in _toc(doc))
            return f"<nav><p>Contents: {links}</p></nav>"
        case Heading(level, text):
            anchor = f' id="{_slug(text)}"' if level == 2 else ""
            return f"<h{level}{anchor}>{_inline(text)}</h{level}>"
        case Paragraph(text):
            return f"<p>{_inline(text)}</p>"
        case BulletList(items):
            return "<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>"
        case Table():
            return _html_table(block)
        case Image(path, caption):
            return (f'<figure><img alt="{html.escape(caption)}" src="{_img_src(path, base)}">'
                    f"<figcaption>{_inline(caption)}</figcaption></figure>")
        case Preformatted(text):
            return f"<pre>{html.escape(text)}</pre>"
        case Details(summary, blocks):
            inner = "\n".join(_html_block(b, blocks, base) for b in blocks)
            return f"<details><summary>{_inline(summary)}</summary>{inner}</details>"
    raise TypeError(f"not a report block: {block!r}")


def to_html(doc: Sequence[Block], base: str | Path | None = None) -> str:
    """Render blocks as one self-contained HTML page (images from ``base`` inlined as base64)."""
    title = next((b.text for b in doc if isinstance(b, Heading)), "bilinear report")
    root = Path(base) if base is not None else None
    body = "\n".join(_html_block(block, doc, root) for block in doc)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )
