"""Run the code of the documentation pages, so that the docs fail when the API changes.

Every Markdown page under ``docs/`` (except build output and generated pages) is one test.  Its
fenced code blocks run in order in one namespace:

* ```` ```python ```` blocks are executed;
* ```` ```pycon ```` blocks are doctests (``>>>`` prompts and expected output), checked with
  ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``;
* a block right after the MyST comment line ``% docs-test: skip`` is not run (shell sessions,
  long trainings); other languages (``bash``, ``json``, ``text``) are never run.

The page runs in a temporary directory, so files it writes go there.
"""

from __future__ import annotations

import doctest
import os
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXCLUDED = ("_build", "_generated", os.path.join("reference", "api"))
SKIP = "% docs-test: skip"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")


def pages() -> list[Path]:
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        rel = str(path.relative_to(DOCS))
        if not rel.startswith(EXCLUDED):
            found.append(path)
    return found


def code_blocks(text: str) -> list[tuple[str, int, str, bool]]:
    """``(language, first line number, code, skipped)`` for every fenced block of ``text``."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m["fence"], m["info"].strip()
        lang = info.split()[0] if info else ""
        prev = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        body = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            body.append(lines[j])
            j += 1
        blocks.append((lang, i + 2, "\n".join(body) + "\n", prev == SKIP))
        i = j + 1
    return blocks


def run_page(path: Path) -> int:
    """Run the page's blocks; return the number of blocks run."""
    namespace: dict = {"__name__": f"docs_page_{path.stem.replace('-', '_')}"}
    parser = doctest.DocTestParser()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    ran = 0
    for lang, lineno, code, skipped in code_blocks(path.read_text(encoding="utf-8")):
        if skipped or lang not in ("python", "pycon"):
            continue
        name = f"{path.relative_to(DOCS)}:{lineno}"
        if lang == "python":
            exec(compile(code, name, "exec"), namespace)
        else:
            test = parser.get_doctest(code, namespace, name, str(path), lineno - 1)
            runner = doctest.DocTestRunner(optionflags=flags)
            out: list[str] = []
            runner.run(test, out=out.append, clear_globs=False)
            namespace.update(test.globs)  # DocTest works on a copy of the namespace
            if runner.failures:
                pytest.fail(f"doctest failed in {name}:\n" + "".join(out), pytrace=False)
        ran += 1
    return ran


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_page_code_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    run_page(path)


def test_block_parser_sees_skip_marker_and_languages() -> None:
    text = "\n".join([
        "intro", "```python", "x = 1", "```", "% docs-test: skip", "", "```python", "boom()",
        "```", "````pycon", ">>> x", "1", "````", "```bash", "ls", "```",
    ])
    blocks = code_blocks(text)
    assert [(b[0], b[3]) for b in blocks] == [
        ("python", False), ("python", True), ("pycon", False), ("bash", False)]
    assert blocks[0][2] == "x = 1\n"


def test_tutorial_and_howtos_have_tested_code() -> None:
    for sub in ("tutorial", "how-to"):
        for path in (DOCS / sub).glob("*.md"):
            if path.name in ("index.md", "notebooks.md"):  # listings, no code
                continue
            runnable = [b for b in code_blocks(path.read_text(encoding="utf-8"))
                        if b[0] in ("python", "pycon") and not b[3]]
            assert runnable, f"{path.relative_to(DOCS)} has no tested code block"


def shell_commands(text: str) -> list[tuple[int, list[str]]]:
    """``bilinear ...`` command lines of the page's ``bash`` blocks, as argument lists."""
    import shlex

    found = []
    for lang, lineno, code, _ in code_blocks(text):
        if lang not in ("bash", "shell", "console"):
            continue
        joined = code.replace("\\\n", " ")
        for offset, line in enumerate(joined.splitlines()):
            line = line.split(" #", 1)[0].strip().removeprefix("$ ")
            if line.startswith("bilinear "):
                found.append((lineno + offset, shlex.split(line)[1:]))
    return found


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_shell_examples_parse(path: Path) -> None:
    """Every ``bilinear`` command shown in the docs is accepted by the real argument parser."""
    import argparse
    import contextlib
    import io

    from bilinear.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for lineno, argv in shell_commands(path.read_text(encoding="utf-8")):
        if argv and not argv[0].startswith("-") and argv[0] not in sub.choices:
            pytest.fail(f"{path.relative_to(DOCS)}:{lineno}: `bilinear {argv[0]}` is not a "
                        f"subcommand (choices: {', '.join(sub.choices)})", pytrace=False)
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err):
                parser.parse_args(argv)
        except SystemExit as exc:
            if exc.code:
                pytest.fail(f"{path.relative_to(DOCS)}:{lineno}: `bilinear {' '.join(argv)}` "
                            f"is rejected by the parser:\n{err.getvalue()}", pytrace=False)
