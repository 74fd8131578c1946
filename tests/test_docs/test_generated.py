"""The pages generated at build time (docs/_ext/bilinear_docs.py) come from the code."""

from __future__ import annotations

import argparse

import pytest


@pytest.fixture(scope="module")
def ext(load_docs_extension):
    return load_docs_extension("bilinear_docs")


def test_cli_page_has_every_subcommand_help(ext) -> None:
    from bilinear.cli import build_parser

    text = ext.render_cli()
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, subparser in sub.choices.items():
        assert f"## `bilinear {name}`" in text
        first_option = next(a.option_strings[0] for a in subparser._actions if a.option_strings)
        assert first_option in text


def test_hierarchy_page_is_the_theory_data(ext) -> None:
    from bilinear.theory.hierarchy import LEVELS

    text = ext.render_hierarchy()
    for name, level in LEVELS.items():
        assert f"### `{name}`" in text
        assert level.params in text
        for test in level.tests:
            assert f"**{test.status}**" in text
            assert test.source.replace("|", "\\|") in text


def test_tasks_page_lists_the_catalogue(ext) -> None:
    from bilinear.automata import tasks

    text = ext.render_tasks()
    for name in tasks.names():
        assert f"| `{name}` |" in text


def test_api_pages_document_public_modules_once(ext) -> None:
    text = ext.render_api("bilinear.automata")
    assert ".. automodule:: bilinear.automata.dfa" in text
    assert ".. automodule:: bilinear.automata.tasks" in text
    assert "_" + "validation" not in text  # private modules stay out
    page = ext.render_api("bilinear.models")
    head = page.split("## ")[0]  # the package's own section
    # ``make`` is documented with bilinear.models.factory, not a second time with the package
    assert ".. automodule:: bilinear.models.factory" in page
    assert not any(line.strip().startswith(":members:") and " make" in line
                   for line in head.splitlines())


def test_docstring_hygiene(ext) -> None:
    assert ext.escape_bars("H = |Q| units") == "H = \\|Q\\| units"
    assert ext.escape_bars("``|Q|`` and :math:`|x|`") == "``|Q|`` and :math:`|x|`"
    assert ext.rst_problems(["Summary.", "", "See :func:`f`."]) == []
    lines = ["Summary.", "", "name    meaning", "    more", "next"]
    ext._process_docstring(None, "module", "m", None, None, lines)
    assert lines[2] == "::"  # shown verbatim instead of failing the build
