"""The ``bilinear`` command line (also ``python -m bilinear``).

Each subcommand lives in its own module ``bilinear.cli.<name>`` exposing
``register(subparsers) -> argparse.ArgumentParser`` and ``run(args) -> int``.  Errors from
:mod:`bilinear.errors` print one line on stderr and exit with status 2, never a traceback;
``--json`` output is a single JSON document on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bilinear.cli._common import CommandError, fail

__all__ = ["main", "build_parser", "COMMANDS"]

#: Subcommands in the order ``bilinear --help`` lists them; a module that is not present in this
#: installation is skipped.
COMMANDS = ("tasks", "export", "classify", "compile", "verify", "train", "sweep", "report",
            "demo")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (used by ``main`` and by the generated CLI reference)."""
    from bilinear import __version__

    parser = argparse.ArgumentParser(
        prog="bilinear",
        description="State tracking in bilinear RNNs: tasks, theory, constructions, proofs.",
    )
    parser.add_argument("--version", action="version", version=f"bilinear {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"bilinear.cli.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"bilinear.cli.{name}":
                continue
            raise
        p = module.register(sub)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse ``argv`` and run the subcommand; return the exit status."""
    from bilinear.errors import BilinearError

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
