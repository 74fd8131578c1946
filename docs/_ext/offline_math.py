"""Sphinx extension: math rendered at build time, so the pages need no network and no script.

* Every ``$...$`` / ``$$...$$`` (MyST ``dollarmath`` and ``amsmath``) becomes MathML through
  ``latex2mathml`` when the page is written (``html_math_renderer = "mathml"``); browsers draw
  MathML natively, so nothing is fetched from a CDN and no JavaScript runs.
* Math inside a section title becomes plain Unicode text (``$\\mathbb{Z}_5$`` -> ``ℤ₅``), so the
  sidebar, the page's ``<title>`` and the search index never show TeX; a title whose math has no
  Unicode form is a build warning (``-W`` makes it an error): rewrite that title.

A formula that ``latex2mathml`` cannot read is a build warning too, never raw TeX on a page.
The converters are plain functions (:func:`to_mathml`, :func:`to_unicode`) so tests can call them
without building the site.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from latex2mathml.converter import convert

try:  # Sphinx is there when building; tests may import the converters without it
    from sphinx.util import logging as _sphinx_logging

    _LOG = _sphinx_logging.getLogger(__name__)
except ImportError:  # pragma: no cover
    import logging

    _LOG = logging.getLogger(__name__)  # type: ignore[assignment]


# operator names latex2mathml does not know, written as \operatorname{...}
_OPERATORS = re.compile(r"\\(arg|argmax|argmin|rank|diag|span|tr|lcm|sgn)(?![A-Za-z])")


def to_mathml(latex: str, *, display: bool = False) -> str:
    """MathML for one formula.

    Raises ``ValueError`` for a command that ``latex2mathml`` does not know (it would otherwise
    write the command's name, backslash and all, into the formula) and passes on its own
    exceptions for malformed TeX.
    """
    tex = _OPERATORS.sub(lambda m: rf"\operatorname{{{m[1]}}}", latex.strip())
    out = convert(tex, display="block" if display else "inline")
    unknown = re.findall(r">(\\[A-Za-z]+)<", out)
    if unknown:
        raise ValueError(f"unknown TeX command {unknown[0]}")
    return out


# ------------------------------------------------------------------------ titles as Unicode
_BLACKBOARD = {"N": "ℕ", "Z": "ℤ", "Q": "ℚ", "R": "ℝ", "C": "ℂ", "F": "𝔽"}
_BOLD = {c: chr(0x1D400 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_SUP = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=True))
_SYMBOLS = {
    r"\times": "×",
    r"\cdot": "·",
    r"\le": "≤",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\geq": "≥",
    r"\ne": "≠",
    r"\neq": "≠",
    r"\to": "→",
    r"\in": "∈",
    r"\otimes": "⊗",
    r"\oplus": "⊕",
    r"\ldots": "…",
    r"\dots": "…",
    r"\infty": "∞",
    r"\sigma": "σ",
    r"\pi": "π",
    r"\lambda": "λ",
    r"\mu": "μ",
    r"\Sigma": "Σ",
    r"\ell": "ℓ",
    r"\lvert": "|",
    r"\rvert": "|",
    r"\{": "{",
    r"\}": "}",
    r"\,": " ",
    r"\;": " ",
    r"\ ": " ",
}


def _script(text: str, table: dict[str, str], mark: str) -> str:
    if all(c in table for c in text):
        return "".join(table[c] for c in text)
    return mark + text


def to_unicode(latex: str) -> str:
    r"""Plain text for the math of a title; TeX it cannot translate is left with its backslash.

    >>> to_unicode(r"\mathbb{Z}_5"), to_unicode(r"b \times b"), to_unicode(r"G^2")
    ('ℤ₅', 'b × b', 'G²')
    >>> to_unicode(r"\mathbf{V}_b"), to_unicode(r"d_\mathrm{enc}"), to_unicode("|Q|")
    ('𝐕_b', 'd_enc', '|Q|')
    """
    s = latex.strip()
    s = re.sub(r"\\mathbb\{(\w)\}", lambda m: _BLACKBOARD.get(m[1], m[0]), s)
    s = re.sub(r"\\mathbf\{(\w+)\}", lambda m: "".join(_BOLD.get(c, c) for c in m[1]), s)
    s = re.sub(r"([_^])\\(?:mathrm|text|operatorname|mathit)\{([^{}]*)\}", r"\1{\2}", s)
    s = re.sub(r"\\(?:mathrm|text|operatorname|mathit)\{([^{}]*)\}", r"\1", s)
    for tex, char in sorted(_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        s = re.sub(re.escape(tex) + r"(?![A-Za-z])", char, s)
    s = re.sub(r"_\{([^{}]*)\}|_(\w)", lambda m: _script(m[1] or m[2], _SUB, "_"), s)
    s = re.sub(r"\^\{([^{}]*)\}|\^(\w)", lambda m: _script(m[1] or m[2], _SUP, "^"), s)
    return s


def _titles_without_tex(app: Any, doctree: nodes.document) -> None:
    for title in doctree.findall(nodes.title):
        for math in list(title.findall(nodes.math)):
            text = to_unicode(math.astext())
            if "\\" in text or "{" in text:
                _LOG.warning(
                    "title math %r has no plain-text form; rewrite the title",
                    math.astext(),
                    location=title,
                )
            math.parent.replace(math, nodes.Text(text))


# ------------------------------------------------------------------------ the HTML renderer
def _mathml(self: Any, node: nodes.Element, latex: str, display: bool) -> str:
    try:
        return to_mathml(latex, display=display)
    except Exception as err:  # latex2mathml raises plain exceptions on unknown TeX
        _LOG.warning("cannot render math %r: %s", latex, err, location=node)
        return f"<code>{self.encode(latex)}</code>"


def _visit_math(self: Any, node: nodes.Element) -> None:
    self.body.append(f'<span class="math">{_mathml(self, node, node.astext(), False)}</span>')
    raise nodes.SkipNode


def _visit_displaymath(self: Any, node: nodes.Element) -> None:
    parts = [p for p in node.astext().split("\n\n") if p.strip()]
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({node["number"]})</span>')
    for part in parts:
        self.body.append(_mathml(self, node, part, True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_displaymath, None))
    # before the title and toctree collectors (priority 500) read the titles
    app.connect("doctree-read", _titles_without_tex, priority=100)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
