"""The ``bilinear`` command line (also ``python -m bilinear``).

Each subcommand lives in its own module ``bilinear.cli.<name>`` exposing
``register(subparsers) -> argparse.ArgumentParser`` and ``run(args) -> int``.  Errors from
:mod:`bilinear.errors` print one line on stderr and exit with status 2, never a traceback;
``--json`` output is a single JSON document on stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from bilinear import __version__
from bilinear.cli import (
    certify,
    classify,
    compile,
    demo,
    export,
    report,
    sweep,
    tasks,
    train,
    verify,
)
from bilinear.cli._common import CommandError, fail
from bilinear.errors import BilinearError

__all__ = ["main", "build_parser", "COMMANDS"]

#: Subcommands in the order ``bilinear --help`` lists them.
COMMANDS = ("tasks", "export", "classify", "compile", "verify", "certify", "train", "sweep",
            "report", "demo")

_MODULES: dict[str, ModuleType] = {
    "tasks": tasks, "export": export, "classify": classify, "compile": compile,
    "verify": verify, "certify": certify, "train": train, "sweep": sweep, "report": report,
    "demo": demo,
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit status 2); the
    subcommand parsers inherit it (``add_subparsers`` uses the parent's class)."""

    def error(self, message: str) -> NoReturn:
        text = " ".join(message.split())
        self.exit(2, f"bilinear: error: {text} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (used by ``main`` and by the generated CLI reference)."""
    parser = _Parser(
        prog="bilinear",
        description="State tracking in bilinear RNNs: tasks, theory, constructions, proofs.",
    )
    parser.add_argument("--version", action="version", version=f"bilinear {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = _MODULES[name]
        p = module.register(sub)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse ``argv`` and run the subcommand; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except (BilinearError, CommandError) as err:
        return fail(err)
    except KeyboardInterrupt:
        print("bilinear: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. `bilinear tasks | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
