"""Shared fixtures of the documentation tests."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

DOCS_EXT = Path(__file__).resolve().parents[2] / "docs" / "_ext"


def _load_extension(name: str) -> ModuleType:
    """Import ``docs/_ext/NAME.py`` (the Sphinx extensions are not a package)."""
    spec = importlib.util.spec_from_file_location(name, DOCS_EXT / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def load_docs_extension() -> Callable[[str], ModuleType]:
    """A loader of the project's Sphinx extensions by module name."""
    return _load_extension
