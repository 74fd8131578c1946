"""The teaching notebooks are stored executed, so their results show where people read them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_without_errors(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    counts = [c.execution_count for c in code]
    assert None not in counts, f"{path.name}: run `python notebooks/build_notebooks.py`"
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: cells run out of order"
    outputs = [o for c in code for o in c.outputs]
    assert outputs, f"{path.name} shows no results"
    assert not [o for o in outputs if o.output_type == "error"], path.name
    assert any("image/png" in o.get("data", {}) for o in outputs) or path.name.startswith("s5-"), (
        f"{path.name} shows no figure"
    )


def test_stored_notebooks_stay_small() -> None:
    assert sum(p.stat().st_size for p in NOTEBOOKS) < 2_000_000
