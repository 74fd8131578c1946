"""Sphinx configuration of the ``bilinear`` documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (``make docs``).
Pages are Markdown (MyST); the API reference comes from numpydoc docstrings through autodoc and
napoleon; the CLI reference and the hierarchy tables are generated at build time from the code
(``docs/_ext/bilinear_docs.py``), never retyped.  No intersphinx: the build needs no network.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# The package is installed (editable) in the virtualenv; fall back to the source tree.
sys.path.append(str(HERE.parent / "src"))
os.environ.setdefault("MPLBACKEND", "Agg")

project = "bilinear"
author = "The bilinear developers"
copyright = "2026, The bilinear developers"
try:
    from bilinear import __version__ as release
except Exception:  # pragma: no cover - the docs still build without the package
    release = "0.0.0"
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "bilinear_docs",
    "offline_math",
]

# Math is MathML written at build time (docs/_ext/offline_math.py): no MathJax, no CDN, no
# network; math in titles becomes Unicode text.
html_math_renderer = "mathml"

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_generated/*", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
templates_path: list[str] = []

# MyST: $...$ math, ::: fences, definition lists, heading anchors for cross-page links.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

# autodoc + napoleon (numpydoc docstrings).  Members follow each module's ``__all__``.
autodoc_default_options = {
    "members": True,
    "undoc-members": False,
    "show-inheritance": True,
    "member-order": "bysource",
}
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autodoc_mock_imports: list[str] = []
autosummary_generate = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = False
napoleon_use_param = True
napoleon_use_ivar = True

# Cross-references to types we do not document (numpy, torch, sympy ...) stay plain text.
nitpicky = False
# Duplicate descriptions arise when a dataclass attribute is documented both in the class
# docstring (Attributes) and by autodoc; they are harmless.
suppress_warnings = ["ref.python"]

# Docstring examples run under ``pytest --doctest-modules src/bilinear`` (each in its module's
# namespace, which the Sphinx doctest builder cannot give them), and the Markdown pages under
# ``pytest tests/test_docs``.  The doctest builder is kept for explicit ``{doctest}`` blocks only.
doctest_test_doctest_blocks = ""
doctest_global_setup = "import numpy as np"

html_theme = "alabaster"
html_title = f"bilinear {release}"
html_static_path: list[str] = []
html_theme_options = {
    "description": "State tracking in bilinear RNNs",
    "fixed_sidebar": True,
}
