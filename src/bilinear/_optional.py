"""Optional dependencies: import one, or fail in one line naming the extra that provides it.

The exact core (:mod:`bilinear.automata`, :mod:`bilinear.theory`,
:mod:`bilinear.constructions`, :mod:`bilinear.verification`) needs only the packages that
``pip install bilinear`` brings.  The trained side and the pictures need extras:

========== ======================== ===================================================
extra      packages                 needed for
========== ======================== ===================================================
``train``  torch, tqdm              :mod:`bilinear.models`, :mod:`bilinear.experiments`,
                                    ``bilinear train``, ``sweep``, ``report``, ``demo``
``plots``  matplotlib, markdown-it  the PNG plots and the HTML rendering of the report
``all``    both of the above
========== ======================== ===================================================

Examples
--------
>>> from bilinear._optional import require
>>> require("json", "train").__name__
'json'
>>> require("no_such_module_xyz", "train", feature="`bilinear train`")
Traceback (most recent call last):
...
bilinear.errors.MissingExtraError: no_such_module_xyz is needed for ...; install bilinear[train]
"""

from __future__ import annotations

import importlib
from types import ModuleType

from bilinear.errors import MissingExtraError

__all__ = ["EXTRAS", "MissingExtraError", "require", "require_extra", "available"]

#: The extras of the package and what each provides (kept in step with pyproject.toml).
EXTRAS: dict[str, tuple[str, ...]] = {
    "train": ("torch", "tqdm"),
    "plots": ("matplotlib", "markdown_it"),
}


def _distribution(module: str) -> str:
    """The pip name of a top-level module (``markdown_it`` is ``markdown-it-py``)."""
    return {"markdown_it": "markdown-it-py"}.get(module, module)


def available(module: str) -> bool:
    """Whether ``module`` can be imported (it is imported when it can).

    Examples
    --------
    >>> available("json"), available("no_such_module_xyz")
    (True, False)
    """
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def require(module: str, extra: str, *, feature: str | None = None) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtraError` naming ``bilinear[extra]``.

    Parameters
    ----------
    module : str
        The module to import, e.g. ``"torch"``.
    extra : str
        The extra of :mod:`bilinear` that installs it, e.g. ``"train"``.
    feature : str, optional
        What needs it, for the message (default: ``"this feature"``).

    Returns
    -------
    types.ModuleType
        The imported module.

    Raises
    ------
    MissingExtraError
        When the module cannot be imported: ``"torch is needed for `bilinear train`; install
        bilinear[train]"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        top = module.partition(".")[0]
        if err.name is not None and err.name.partition(".")[0] != top:
            raise  # the module is there but one of its own imports is broken: show that
        raise MissingExtraError(
            f"{_distribution(top)} is needed for {feature or 'this feature'}; "
            f"install bilinear[{extra}]"
        ) from None


def require_extra(extra: str, *, feature: str | None = None) -> None:
    """Check that every module of ``extra`` (see :data:`EXTRAS`) imports, else fail in one line.

    Examples
    --------
    >>> require_extra("no_such_extra")
    Traceback (most recent call last):
    ...
    KeyError: 'no_such_extra'
    """
    for module in EXTRAS[extra]:
        require(module, extra, feature=feature)
