"""``bilinear certify MODEL TASK``: certify a trained model for every length, or refute it.

MODEL is a weights file (``.npz``, written by ``bilinear compile`` or
:meth:`BilinearRNN.save <bilinear.constructions.BilinearRNN.save>`) or ``STORE:KEY``, a run of a
results store (``results.sqlite:KEY``, a unique prefix of the key will do) whose weights the
store keeps (:func:`bilinear.analysis.report_certify.load_store_run`).

The automaton the model behaves like is extracted from its sampled hidden states and compared
with the task; a difference is confirmed on the model and printed as a counterexample word;
where they agree, invariant boxes prove every length or a certified horizon is printed (see
:func:`bilinear.verification.extraction.certify_trained`).

Exit status: 0 when ``certified`` (every length), 1 otherwise (``certified_up_to``,
``refuted``, ``inconclusive``), 2 on bad input (one line on stderr: a file that is not a
weights file, a store run that is missing or has no weights, a task symbol the model has no
input for, a task label no readout row carries).
"""

from __future__ import annotations

import argparse
from typing import Any

from bilinear.cli._common import add_max_states_argument, load_task_argument, print_json
from bilinear.constructions import BilinearRNN
from bilinear.errors import InvalidArgumentError
from bilinear.verification.extraction import certify_trained

__all__ = ["register", "run"]


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``certify`` subcommand."""
    p = subparsers.add_parser(
        "certify",
        help="certify a trained model for every length by automaton extraction (exit 0 iff "
             "certified)",
        description="Extract the automaton the bilinear RNN in MODEL (a weights file, or "
        "STORE:KEY, a run of a results store) behaves like "
        "(breadth-first over its hidden states, partition refinement), compare it with TASK "
        "and either refute the model with a word on which it is wrong, prove it correct for "
        "every length with invariant boxes, or certify it up to a length. Exit status 0 iff "
        "certified for every length, 1 otherwise, 2 on bad input.",
    )
    p.add_argument("file", metavar="MODEL",
                   help="weights (.npz) written by `bilinear compile` or exported from a trained "
                        "model, or STORE:KEY, a run of a results store (results.sqlite:KEY)")
    p.add_argument("task", metavar="TASK",
                   help="NAME, NAME:key=value,... or a path to an automaton JSON file")
    p.add_argument("--budget", type=int, default=4096,
                   help="distinct hidden states sampled at most (default 4096)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_max_states_argument(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Certify and print one line (or JSON); return 0 iff certified for every length."""
    if args.budget < 1:
        raise InvalidArgumentError(f"--budget must be positive, got {args.budget}")
    task = load_task_argument(args.task, args.max_states)
    rnn = _load_model(args.file)
    cert = certify_trained(rnn, task, budget=args.budget)
    if args.json:
        print_json(cert.to_dict())
    else:
        print(cert.summary())
    return 0 if cert.holds else 1


def _load_model(spec: str) -> BilinearRNN:
    """A weights file, or the run ``STORE:KEY`` of a results store (torch is loaded then)."""
    if spec.endswith(".npz") or ":" not in spec:
        return BilinearRNN.load(spec)
    from bilinear.analysis import report_certify  # torch: only for a store run

    if report_certify.split_store_spec(spec) is None:
        return BilinearRNN.load(spec)
    return report_certify.load_store_run(spec)
