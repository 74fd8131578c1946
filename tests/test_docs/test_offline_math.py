"""The docs' math renders with no network: MathML at build time, titles as plain text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("latex2mathml")
pytest.importorskip("mdit_py_plugins")

from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXT = DOCS / "_ext" / "offline_math.py"
EXCLUDED = ("_build", "_generated")
# unrendered TeX delimiters, MathJax's loader, or any script fetched over the network
LEFTOVERS = re.compile(r"\\\(|\\\[|\$\$|\\begin\{|\\mathbb|\\frac")
REMOTE_SCRIPT = re.compile(r"<script[^>]+src=\"(https?:)?//", re.I)


@pytest.fixture(scope="module")
def ext(load_docs_extension):
    return load_docs_extension("offline_math")


def _math_of_pages() -> list[tuple[str, str, bool, bool]]:
    """``(page, latex, display, in_title)`` for every formula of the Markdown pages."""
    md = MarkdownIt("commonmark").use(dollarmath_plugin, double_inline=True).use(amsmath_plugin)
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        rel = str(path.relative_to(DOCS))
        if rel.startswith(EXCLUDED):
            continue
        tokens = md.parse(path.read_text(encoding="utf-8"))
        for i, tok in enumerate(tokens):
            in_title = i > 0 and tokens[i - 1].type == "heading_open"
            for t in [tok] + list(tok.children or []):
                if t.type in ("math_inline", "math_inline_double"):
                    found.append((rel, t.content, False, in_title))
                elif t.type in ("math_block", "math_block_label", "amsmath"):
                    found.append((rel, t.content, True, False))
    return found


MATH = _math_of_pages()


def test_the_pages_have_math():
    assert len(MATH) > 100
    assert any(in_title for *_, in_title in MATH)


def test_every_formula_of_the_pages_becomes_mathml(ext):
    failures = []
    for page, latex, display, _ in MATH:
        try:
            out = ext.to_mathml(latex, display=display)
        except Exception as err:
            failures.append(f"{page}: {latex!r}: {err}")
            continue
        if not out.startswith("<math"):
            failures.append(f"{page}: {latex!r}: {out[:40]!r}")
    assert failures == []


def test_every_title_formula_has_a_plain_text_form(ext):
    titles = {(page, latex) for page, latex, _, in_title in MATH if in_title}
    assert titles
    bad = [
        (page, latex, ext.to_unicode(latex))
        for page, latex in titles
        if re.search(r"[\\{}]", ext.to_unicode(latex))
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\mathbb{Z}_5", "ℤ₅"),
        (r"\mathbb{Z}_2", "ℤ₂"),
        (r"\mathbb{Z}_n", "ℤₙ"),
        (r"b \times b", "b × b"),
        (r"G^2", "G²"),
        (r"\mathbf{V}_b", "𝐕_b"),
        (r"d_\mathrm{enc}", "d_enc"),
        ("|Q|", "|Q|"),
        (r"\mathrm{rank}-R", "rank-R"),
        (r"\frac{1}{2}", r"\frac{1}{2}"),  # no plain form: left as TeX, and the build warns
    ],
)
def test_to_unicode(ext, latex, text):
    assert ext.to_unicode(latex) == text


PAGE = r"""# Parity and $\mathbb{Z}_5$

Inline $A(x) = \sum_k x_k W_k$ and display:

$$
h_t = A(x_t)\, h_{t-1}
$$

\begin{align}
a &= b \\
c &= d
\end{align}
"""


def _build(tmp_path: Path, page: str) -> tuple[int, str, Path]:
    from sphinx.cmd.build import build_main

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(EXT.parent)!r})\n"
        "extensions = ['myst_parser', 'offline_math']\n"
        "myst_enable_extensions = ['dollarmath', 'amsmath']\n"
        "html_math_renderer = 'mathml'\n"
        "html_theme = 'alabaster'\n"
    )
    (src / "index.md").write_text(page, encoding="utf-8")
    out = tmp_path / "html"
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-q", "-E", "-b", "html", "-w", str(warnings), str(src), str(out)])
    sys.modules.pop("offline_math", None)
    return status, warnings.read_text(), out


def test_a_page_builds_to_mathml_with_no_tex_and_no_cdn(tmp_path):
    status, warnings, out = _build(tmp_path, PAGE)
    assert status == 0 and "WARNING" not in warnings, warnings
    page = (out / "index.html").read_text(encoding="utf-8")
    body = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", page, flags=re.S)
    assert LEFTOVERS.search(body) is None
    assert REMOTE_SCRIPT.search(page) is None and "mathjax" not in page.lower().replace(
        "mathjax_ignore", ""
    )
    assert page.count("<math") == 3  # inline, display, align; the title's is text
    assert "<title>Parity and ℤ₅" in page


def test_title_math_without_a_plain_form_is_a_warning(tmp_path):
    _, warnings, _ = _build(tmp_path, "# Half is $\\frac{1}{2}$\n\ntext\n")
    assert "has no plain-text form" in warnings


def test_unknown_tex_is_a_warning_not_raw_tex(tmp_path):
    _, warnings, out = _build(tmp_path, "# T\n\n$\\nosuchcommand x$\n")
    assert "cannot render math" in warnings and "nosuchcommand" in warnings
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<mi>\\nosuchcommand" not in page


@pytest.mark.slow
def test_the_built_site_has_no_unrendered_math_and_no_cdn(tmp_path):
    from sphinx.cmd.build import build_main

    out = tmp_path / "html"
    assert build_main(["-q", "-b", "html", str(DOCS), str(out)]) == 0
    problems = []
    for path in sorted(out.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        body = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", page, flags=re.S)
        if LEFTOVERS.search(body) or REMOTE_SCRIPT.search(page):
            problems.append(str(path.relative_to(out)))
    assert problems == []
