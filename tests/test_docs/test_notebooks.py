"""The teaching notebooks are valid, executed, and match their generator script.

The notebooks themselves are executed by ``pytest --nbmake notebooks/`` (a separate CI step).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  NOTEBOOKS / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_match_their_generator(tmp_path: Path) -> None:
    builder = _builder()
    built = builder.build(tmp_path)
    assert {p.name for p in built} == {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    for path in built:
        fresh = nbformat.read(path, as_version=4)
        stored = nbformat.read(NOTEBOOKS / path.name, as_version=4)
        nbformat.validate(stored)
        assert [c.source for c in stored.cells] == [c.source for c in fresh.cells], (
            f"{path.name} differs from notebooks/build_notebooks.py; run "
            "`python notebooks/build_notebooks.py`")


