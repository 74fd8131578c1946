"""Run the benchmarks of ``bilinear`` and print ratios against named baselines.

Every ``benchmarks/bench_*.py`` module defines ``rows(quick: bool) -> list[dict]``; each row is
``{"benchmark", "value", "unit", "baseline", "ratio"}`` where ``ratio`` compares the measured
value with the named baseline measured *in the same run*.  The last line printed is the JSON list
of all rows.

Usage::

    python benchmarks/run.py [--quick] [--json] [--only NAME] [--smoke]

``--smoke`` (used by ``make test``) runs the quick variants and checks the row format only;
speed goals are reported, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ("benchmark", "value", "unit", "baseline", "ratio")


def _modules(only: str | None):
    for path in sorted(HERE.glob("bench_*.py")):
        if only and only not in path.stem:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield path.stem, module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds per row")
    parser.add_argument("--json", action="store_true", help="print only the JSON list")
    parser.add_argument("--smoke", action="store_true", help="quick run, check the row format")
    parser.add_argument("--only", default=None, help="run only modules whose name contains this")
    args = parser.parse_args(argv)
    quick = args.quick or args.smoke
    rows: list[dict] = []
    for name, module in _modules(args.only):
        for row in module.rows(quick):
            missing = [k for k in KEYS if k not in row]
            if missing:
                print(f"{name}: row {row!r} lacks {missing}", file=sys.stderr)
                return 1
            rows.append(row)
            if not args.json:
                print(f"{row['benchmark']:<40} {row['value']:>14.4g} {row['unit']:<12} "
                      f"x{row['ratio']:.3g} vs {row['baseline']}", flush=True)
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
