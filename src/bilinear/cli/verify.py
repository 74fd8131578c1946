"""``bilinear verify FILE.npz TASK``: prove a weights file correct for a task, or refute it.

Exit status: 0 when the certificate holds, 1 when it does not (refuted, or not certified),
2 on bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
from typing import Any

from bilinear.cli._common import load_task_argument, print_json, write_text

__all__ = ["register", "run"]


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``verify`` subcommand."""
    p = subparsers.add_parser(
        "verify",
        help="prove a weights file simulates a task (exit 0 iff the certificate holds)",
        description="Certify that the bilinear RNN in FILE.npz simulates TASK for every input "
        "length: exact arithmetic when the weights are exact or round a known exact "
        "construction, interval cells for contractive constructions, or an exhaustive search "
        "of one floating-point implementation. A failure prints the shortest counterexample "
        "word found. Exit status 0 iff the certificate holds, 1 if it does not, 2 on bad "
        "input.",
    )
    p.add_argument("file", metavar="FILE.npz", help="weights written by `bilinear compile`")
    p.add_argument("task", metavar="TASK",
                   help="NAME, NAME:key=value,... or a path to an automaton JSON file")
    p.add_argument("--method", default="auto",
                   choices=("auto", "exact", "orbit", "cells", "float"),
                   help="certificate kind (default: the strongest that applies)")
    p.add_argument("--dtype", default="float64",
                   choices=("float16", "bfloat16", "float32", "float64"),
                   help="float format judged by --method float (default float64)")
    p.add_argument("--normalize", action="store_true",
                   help="with --method float: normalize h every step")
    p.add_argument("--max-states", type=int, default=200_000,
                   help="cap on the states of a search (default 200000)")
    p.add_argument("--json", action="store_true", help="print the certificate as JSON")
    p.add_argument("--markdown", metavar="FILE", default=None,
                   help="also write the certificate as a Markdown proof to FILE")
    return p


def run(args: argparse.Namespace) -> int:
    """Verify and print the certificate; return 0 iff it holds."""
    from bilinear.constructions import BilinearRNN
    from bilinear.errors import InvalidArgumentError
    from bilinear.verification.verifier import verify

    if args.max_states < 1:
        raise InvalidArgumentError(f"--max-states must be positive, got {args.max_states}")
    task = load_task_argument(args.task)
    rnn = BilinearRNN.load(args.file)
    cert = verify(rnn, task, method=args.method, dtype=args.dtype, normalize=args.normalize,
                  max_states=args.max_states)
    if args.markdown:
        write_text(args.markdown, cert.to_markdown())
    if args.json:
        print_json(cert.to_dict())
    else:
        print(cert.summary())
        for c in cert.checked:
            print("  " + c.render())
        kind = cert.details.get("counterexample_kind")
        if kind:
            print(f"  counterexample: {kind}")
        for note in cert.details.get("notes", ()):
            print(f"  note: {note}")
    return 0 if cert.holds else 1
