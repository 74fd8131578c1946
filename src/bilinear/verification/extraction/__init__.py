"""Certificates for trained models: extract an automaton, compare it, prove it for all lengths.

* :func:`extract_automaton` samples a model's hidden states breadth-first and refines them into
  the minimal automaton of its behaviour (:class:`Extraction`);
* :func:`certify_trained` compares that automaton with a task (a difference is confirmed on the
  model and returned as a counterexample word) and, where they agree, tries an all-length
  proof by interval boxes, else a certified horizon (:class:`TrainedCertificate`).

The method is described in the how-to page ``docs/how-to/certify-a-trained-model.md``.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> d = tasks.get("parity").dfa
>>> certify_trained(compile_automaton(d, level="real_diagonal"), d).outcome
'certified'
"""

from bilinear.verification.extraction._certify import (
    OUTCOMES,
    TrainedCertificate,
    certify_trained,
    check_compatible,
)
from bilinear.verification.extraction._invariants import InvariantResult, prove_invariant
from bilinear.verification.extraction._sample import (
    TIE,
    Extraction,
    extract_automaton,
    normalize_rows,
)

__all__ = [
    "extract_automaton",
    "Extraction",
    "certify_trained",
    "TrainedCertificate",
    "OUTCOMES",
    "check_compatible",
    "prove_invariant",
    "InvariantResult",
    "TIE",
    "normalize_rows",
]
