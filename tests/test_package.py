"""Package-level contracts: layering (no torch below models), entry points, error hierarchy."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import bilinear
import bilinear.errors as errors


@pytest.mark.parametrize(
    "module",
    ["bilinear", "bilinear.automata", "bilinear.theory", "bilinear.constructions",
     "bilinear.verification", "bilinear.cli"],
)
def test_lower_layers_do_not_import_torch(module: str) -> None:
    code = f"import sys, {module}; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_top_level_entry_points_resolve() -> None:
    for name in ("classify", "compile_automaton", "compile_representation", "verify"):
        assert callable(getattr(bilinear, name))
    with pytest.raises(AttributeError):
        bilinear.no_such_thing  # noqa: B018


def test_every_error_is_a_bilinear_error_and_a_builtin() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass)
               if issubclass(c, Exception) and c.__module__ == errors.__name__]
    assert errors.BilinearError in classes
    for cls in classes:
        if cls is errors.BilinearError:
            continue
        assert issubclass(cls, errors.BilinearError), cls
        builtin = [b for b in cls.__mro__ if b.__module__ == "builtins" and b is not object
                   and b not in (Exception, BaseException)]
        assert builtin, f"{cls.__name__} inherits no specific builtin exception"
        assert cls.__doc__, f"{cls.__name__} has no docstring"
        assert cls.__name__ in errors.__all__, f"{cls.__name__} missing from __all__"
