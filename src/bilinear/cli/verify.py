"""``bilinear verify FILE.npz TASK``: prove a weights file correct for a task, or refute it.

Exit status: 0 when the certificate holds, 1 when it does not (refuted, or not certified),
2 on bad input (one line on stderr).  ``--save-cert CERT.json`` writes the certificate with its
evidence; ``bilinear verify --recheck CERT.json FILE.npz TASK`` runs the trusted kernel alone
on a saved certificate (exit 0 iff the kernel agrees).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bilinear.cli._common import CommandError, load_task_argument, print_json, write_text
from bilinear.constructions import BilinearRNN
from bilinear.errors import InvalidArgumentError
from bilinear.verification import kernel
from bilinear.verification.certificates import Certificate
from bilinear.verification.common import resolve_automaton
from bilinear.verification.verifier import kernel_inputs, verify

__all__ = ["register", "run", "recheck_file"]


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``verify`` subcommand."""
    p = subparsers.add_parser(
        "verify",
        help="prove a weights file simulates a task (exit 0 iff the certificate holds)",
        description="Certify that the bilinear RNN in FILE.npz simulates TASK for every input "
        "length: exact arithmetic when the weights are exact or round a known exact "
        "construction, interval cells for contractive constructions, or an exhaustive search "
        "of one floating-point implementation (always for models of the notion fp). A "
        "failure prints the shortest counterexample word found. Every certificate that holds "
        "is re-checked by the trusted kernel from the weights alone. Exit status 0 iff the "
        "certificate holds, 1 if it does not, 2 on bad input.",
    )
    p.add_argument("file", metavar="FILE.npz", help="weights written by `bilinear compile`")
    p.add_argument("task", metavar="TASK",
                   help="NAME, NAME:key=value,... or a path to an automaton JSON file")
    p.add_argument("--method", default="auto",
                   choices=("auto", "exact", "orbit", "cells", "float"),
                   help="certificate kind (default: the strongest that applies)")
    p.add_argument("--dtype", default="float64",
                   choices=("float16", "bfloat16", "float32", "float64"),
                   help="float format judged by --method float and for models of the notion "
                        "fp (default float64)")
    p.add_argument("--normalize", action="store_true",
                   help="with --method float: normalize h every step")
    p.add_argument("--max-states", type=int, default=200_000,
                   help="cap on the states of a search (default 200000)")
    p.add_argument("--json", action="store_true", help="print the certificate as JSON")
    p.add_argument("--markdown", metavar="FILE", default=None,
                   help="also write the certificate as a Markdown proof to FILE")
    p.add_argument("--save-cert", metavar="CERT.json", default=None,
                   help="also write the certificate with its evidence as JSON to CERT.json")
    p.add_argument("--recheck", metavar="CERT.json", default=None,
                   help="do not search: run the trusted kernel alone on the evidence of a "
                        "saved certificate against FILE.npz and TASK (exit 0 iff it agrees)")
    return p


def _read_evidence(path: str) -> kernel.Evidence:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise CommandError(f"cannot read {path!r}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise CommandError(f"{path}: not JSON ({err.msg}, line {err.lineno})") from None
    if not isinstance(doc, dict) or "evidence" not in doc:
        raise CommandError(f"{path}: not a certificate (no 'evidence' key); write one with "
                           "`bilinear verify ... --save-cert` or `--json`")
    try:
        certificate = Certificate.from_dict(doc)
    except InvalidArgumentError as err:
        raise CommandError(f"{path}: {err}") from None
    if certificate.evidence is None:
        raise CommandError(f"{path}: the certificate carries no evidence (it did not hold)")
    return certificate.evidence


def recheck_file(cert_path: str, model_path: str, task_spec: str) -> kernel.KernelVerdict:
    """The kernel's verdict on the evidence saved in ``cert_path`` for the weights in
    ``model_path`` and the automaton of ``task_spec``."""
    evidence = _read_evidence(cert_path)
    dfa, _ = resolve_automaton(load_task_argument(task_spec))
    rnn = BilinearRNN.load(model_path)
    model, automaton = kernel_inputs(rnn, dfa)
    return kernel.recheck(evidence, model, automaton)


def run(args: argparse.Namespace) -> int:
    """Verify and print the certificate; return 0 iff it holds."""
    if args.max_states < 1:
        raise InvalidArgumentError(f"--max-states must be positive, got {args.max_states}")
    if args.recheck:
        verdict = recheck_file(args.recheck, args.file, args.task)
        if args.json:
            print_json(verdict.to_dict())
        else:
            print(f"kernel {verdict.status}" + (f": {verdict.reason}" if verdict.reason else
                                                f" ({verdict.checked:,} facts checked)"))
            for fact in verdict.facts:
                print(f"  {fact}")
            if verdict.least_margin:
                print(f"  least margin {verdict.least_margin}")
        return 0 if verdict.agrees else 1
    task = load_task_argument(args.task)
    rnn = BilinearRNN.load(args.file)
    cert = verify(rnn, task, method=args.method, dtype=args.dtype, normalize=args.normalize,
                  max_states=args.max_states)
    if args.markdown:
        write_text(args.markdown, cert.to_markdown())
    if args.save_cert:
        write_text(args.save_cert, cert.to_json(indent=None))
    if args.json:
        print_json(cert.to_dict())
    else:
        print(cert.summary())
        for c in cert.checked:
            print("  " + c.render())
        kind = cert.details.get("counterexample_kind")
        if kind:
            print(f"  counterexample: {kind}")
        judged = cert.details.get("kernel")
        if judged:
            print(f"  kernel: {judged['status']}"
                  + (f" ({judged['reason']})" if judged.get("reason") else ""))
        for note in cert.details.get("notes", ()):
            print(f"  note: {note}")
    return 0 if cert.holds else 1
