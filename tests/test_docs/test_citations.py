"""Every page the project cites exists: no citation of a Markdown file or docs page that the
repository does not have, and none of private material outside it (``../shared/``).

Scanned: ``src/`` (Python and text files), ``docs/`` (pages and the Sphinx configuration and
extension; not build output), ``README.md`` and ``benchmarks/``.  A citation is

* a path ending in ``.md``, optionally with an anchor: ``docs/explanation/levels.md#block``,
  ``formats.md#automaton-json``, ``../reference/formats.md``.  It resolves against the citing
  file's folder, the repository root, ``docs/`` and the folders of ``docs/`` (so a page may be
  named by its file name alone); the anchor must be a MyST label ``(anchor)=`` of that page or
  the slug of one of its headings;
* a Sphinx ``{doc}`` / ``:doc:`` role in a docs page, resolved like Sphinx does;
* anything under ``shared/``, which is never part of the repository.

The root is the repository, or ``$BILINEAR_CITATIONS_ROOT`` (to check a copy of the tree).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("BILINEAR_CITATIONS_ROOT", Path(__file__).resolve().parents[2]))

#: Folders (relative to the root) whose files are scanned, and the suffixes scanned there.
SCANNED = {"src": (".py", ".md", ".txt", ".toml", ".json", ".cfg"),
           "docs": (".md", ".py", ".rst", ".txt"),
           "benchmarks": (".py", ".md", ".txt")}
#: Parts of paths never scanned: build output, generated pages, packaging metadata.
SKIPPED_PARTS = ("_build", "_generated", ".egg-info", "__pycache__", ".ipynb_checkpoints")
#: Markdown files the package *writes* (names of outputs, not citations).
OUTPUT_FILES = ("report.md",)

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+")
_MD = re.compile(r"(?<![\w/.\-~])(?P<path>(?:\.{1,2}/)*[\w.\-/]*\w\.md)"
                 r"(?:#(?P<anchor>[\w\-]+))?(?!\w)")
_DOC_ROLE = re.compile(r"(?:\{doc\}|:doc:)`(?:[^`<]*<)?(?P<target>[^`<>]+?)>?`")
_SHARED = re.compile(r"(?<![\w\-])(?:\.\./)*shared/(?:[\w\-/]|\.(?=\w))*")
_LABEL = re.compile(r"^\((?P<label>[\w\-]+)\)=\s*$", re.M)
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$", re.M)


@dataclass(frozen=True)
class Citation:
    """One citation: where it is, what it names, and why it is broken (``""`` if it is not)."""

    file: str
    line: int
    text: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text!r}: {self.problem}"


def slug(title: str) -> str:
    """The anchor MyST gives a heading (``myst_heading_anchors``): lower case, punctuation
    dropped, spaces to hyphens.

    >>> slug("C-exact: state-determined constructions")
    'c-exact-state-determined-constructions'
    >>> slug("`results.json` (the report)")
    'resultsjson-the-report'
    """
    text = title.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The MyST labels and heading slugs of a Markdown page."""
    text = page.read_text(encoding="utf-8", errors="replace")
    text_no_code = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.M | re.S)
    found = {m.group("label") for m in _LABEL.finditer(text_no_code)}
    found |= {slug(m.group("title")) for m in _HEADING.finditer(text_no_code)}
    return found


def scanned_files(root: Path) -> list[Path]:
    files = []
    for folder, suffixes in SCANNED.items():
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and path.suffix in suffixes and \
                    not any(part in rel for part in SKIPPED_PARTS):
                files.append(path)
    if (root / "README.md").is_file():
        files.append(root / "README.md")
    return files


def _generated_names(root: Path) -> set[str]:
    """Pages that ``docs/_ext`` writes into ``docs/_generated/`` at build time."""
    ext = root / "docs" / "_ext"
    names: set[str] = set()
    if ext.is_dir():
        for path in ext.glob("*.py"):
            names |= set(re.findall(r"_generated/([\w\-]+\.md)",
                                    path.read_text(encoding="utf-8")))
    return names


def _resolve_md(root: Path, citing: Path, target: str) -> Path | None:
    docs = root / "docs"
    bases = [citing.parent, root, docs]
    if docs.is_dir():
        bases += sorted(p for p in docs.iterdir() if p.is_dir())
    for base in bases:
        cand = (base / target).resolve()
        if cand.is_file():
            return cand
    return None


def _resolve_doc(root: Path, citing: Path, target: str) -> Path | None:
    docs = root / "docs"
    base = docs if target.startswith("/") else citing.parent
    stem = (base / target.lstrip("/")).resolve()
    for suffix in (".md", ".rst", ".ipynb"):
        if stem.with_name(stem.name + suffix).is_file():
            return stem.with_name(stem.name + suffix)
    return None


def citations(root: Path = ROOT) -> list[Citation]:
    """Every citation of the scanned files, each with its problem (``""`` when it resolves)."""
    generated = _generated_names(root)
    out: list[Citation] = []
    for path in scanned_files(root):
        rel = path.relative_to(root).as_posix()
        in_docs = rel.startswith("docs/")
        text = path.read_text(encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            line = _URL.sub(" ", line)
            for m in _SHARED.finditer(line):
                out.append(Citation(rel, lineno, m.group(0),
                                    "cites private material outside the repository"))
            for m in _MD.finditer(line):
                target, anchor = m.group("path"), m.group("anchor")
                name = target.rsplit("/", 1)[-1]
                if name in OUTPUT_FILES or "shared/" in target:
                    continue
                if "_generated/" in target:
                    problem = "" if name in generated else "not a generated page"
                    out.append(Citation(rel, lineno, m.group(0), problem))
                    continue
                page = _resolve_md(root, path, target)
                if page is None:
                    problem = "no such file in the repository"
                elif anchor and anchor not in anchors(page):
                    problem = f"no anchor {anchor!r} in {page.relative_to(root).as_posix()}"
                else:
                    problem = ""
                out.append(Citation(rel, lineno, m.group(0), problem))
            if in_docs and path.suffix in (".md", ".rst"):
                for m in _DOC_ROLE.finditer(line):
                    target = m.group("target").strip()
                    page = _resolve_doc(root, path, target)
                    out.append(Citation(rel, lineno, m.group(0),
                                        "" if page else "no such docs page"))
    return out


def broken(root: Path = ROOT) -> list[Citation]:
    """The citations of :func:`citations` that do not resolve."""
    return [c for c in citations(root) if c.problem]


# ----------------------------------------------------------------------------------- tests
def test_every_cited_page_exists() -> None:
    bad = broken(ROOT)
    assert not bad, "broken citations:\n" + "\n".join(map(str, bad))


def test_the_project_cites_its_own_pages() -> None:
    # the scan is not vacuous: the package cites its explanation pages and they resolve
    good = [c for c in citations(ROOT) if not c.problem and "explanation/" in c.text]
    assert len(good) >= 5


def _tree(tmp_path: Path) -> Path:
    exp = tmp_path / "docs" / "explanation"
    exp.mkdir(parents=True)
    (exp / "levels.md").write_text("# Levels\n\n(block)=\n## Blocks of size $b$\n\ntext\n")
    (exp / "index.md").write_text("# Explanation\n\n{doc}`levels` and {doc}`missing`\n")
    (tmp_path / "docs" / "reference").mkdir()
    (tmp_path / "docs" / "reference" / "formats.md").write_text("(automaton-json)=\n## JSON\n")
    pkg = tmp_path / "src" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "ok.py").write_text(
        '"""Good: docs/explanation/levels.md#block, levels.md#blocks-of-size-b,\n'
        'formats.md#automaton-json, ../reference/formats.md and report.md (an output)."""\n')
    (pkg / "bad.py").write_text(
        '"""Bad: theory.md 3.4, see design.md section 5,\n'
        'docs/explanation/levels.md#nope and ../shared/notes.txt."""\n'
        'X = "docs/explanation/bounds.md#index"\n')
    (tmp_path / "README.md").write_text("See [the docs](docs/explanation/levels.md#block).\n")
    return tmp_path


def test_detector_flags_missing_pages_anchors_and_shared(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    bad = {(c.file, c.text) for c in broken(root)}
    assert bad == {
        ("src/pkg/bad.py", "theory.md"),
        ("src/pkg/bad.py", "design.md"),
        ("src/pkg/bad.py", "docs/explanation/levels.md#nope"),
        ("src/pkg/bad.py", "../shared/notes.txt"),
        ("src/pkg/bad.py", "docs/explanation/bounds.md#index"),
        ("docs/explanation/index.md", "{doc}`missing`"),
    }
    good = {c.text for c in citations(root) if not c.problem}
    assert {"docs/explanation/levels.md#block", "levels.md#blocks-of-size-b",
            "formats.md#automaton-json", "../reference/formats.md", "{doc}`levels`"} <= good


@pytest.mark.parametrize("title, expected", [
    ("C-fp: a fixed floating-point implementation", "c-fp-a-fixed-floating-point-implementation"),
    ("`positive_diagonal`", "positive_diagonal"),
    ("Weights NPZ", "weights-npz"),
])
def test_slug_matches_myst(title: str, expected: str) -> None:
    assert slug(title) == expected
