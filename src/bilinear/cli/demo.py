"""``bilinear demo`` (what ``make demo`` runs): the quick hierarchy report.

Runs ``bilinear report --quick --out reports/quick`` (the ``report`` command's own parser and
runner, so its errors exit as ``bilinear report``'s do) and prints where the report is.
"""

from __future__ import annotations

import argparse
from typing import Any

from bilinear.cli import report

__all__ = ["register", "run"]


def register(sub: Any) -> argparse.ArgumentParser:
    """Add the ``demo`` subcommand."""
    p = sub.add_parser(
        "demo",
        help="run the quick hierarchy report (bilinear report --quick --out reports/quick)",
        description="Run `bilinear report --quick --out reports/quick`: theory beside trained "
        "models on a small suite, a few minutes on 2 CPU cores.",
    )
    p.add_argument("--out", metavar="DIR", default="reports/quick",
                   help="output directory (default reports/quick)")
    return p


def run(args: argparse.Namespace) -> int:
    """Run the quick report and say where it is."""
    parser = argparse.ArgumentParser(prog="bilinear")
    report.register(parser.add_subparsers())
    status = report.run(parser.parse_args(["report", "--quick", "--out", args.out]))
    if status == 0:
        print(f"\nThe quick report is in {args.out}/: open {args.out}/report.html in a browser, "
              f"or read {args.out}/report.md.")
    return status
