"""The place of every task of a benchmark suite in the hierarchy (``bilinear classify --suite``).

:func:`classify_suite` classifies each task of a suite of :mod:`bilinear.automata.suites` (at the
source's default parameters) with :func:`bilinear.theory.classify`, and records per task the
lowest level of the chain that realizes it, the witness of every "no" on the chain, and a short
note on what the published model families need for it (docs/explanation/levels.md).

Examples
--------
>>> c = classify_suite("chomsky-regular")
>>> [(t.task, t.lowest_level) for t in c.tasks]  # doctest: +NORMALIZE_WHITESPACE
[('even_pairs', 'full'), ('parity_check', 'real_diagonal'),
 ('cycle_navigation', 'complex_diagonal'), ('modular_arithmetic', 'full')]
>>> witness_text(c.task("parity_check").witnesses["positive_diagonal"])
'period: 1 has period 2 (allowed: 1)'
>>> SuiteClassification.from_dict(c.to_dict()) == c
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bilinear.automata import suites as _suites
from bilinear.automata import tasks as _tasks
from bilinear.errors import InvalidArgumentError, UnknownTaskError
from bilinear.theory.classification import Classification, classify
from bilinear.theory.witnesses import Witness
from bilinear.vocabulary import CHAIN

__all__ = [
    "SuiteTaskClassification",
    "SuiteClassification",
    "classify_suite",
    "witness_text",
    "LEVEL_NEEDS",
    "FAMILY_NOTES",
]

#: What a task whose lowest level is this one needs from a model family (one bilinear layer).
#: (``"above_block"``: lowest level ``full`` with a proved "no" at ``block``.)
LEVEL_NEEDS: dict[str | None, str] = {
    "positive_diagonal": "positive real diagonal transitions suffice (gates in (0, 1], as in "
    "Mamba)",
    "real_diagonal": "needs a negative eigenvalue: real diagonal transitions with eigenvalues in "
    "[-1, 1]; positive-eigenvalue models (Mamba) cannot",
    "complex_diagonal": "needs rotations: complex (unit-modulus) diagonal transitions; real "
    "diagonal models cannot",
    "block": "needs non-commuting transitions: block-diagonal models; no diagonal model",
    "full": "above the diagonals: needs non-commuting, non-diagonal (dense or structured "
    "sparse) transitions",
    "above_block": "above the diagonals and the 2x2 blocks: needs dense or structured sparse "
    "transitions of dimension >= 3 (e.g. PD-SSM)",
    None: "no level of the chain was found to realize it",
}

#: Notes on the published results of the Chomsky regular tasks (the table of Walker, Yang,
#: Muca Cirone, Salvi, Lyons (2025), "Structured Linear CDEs: Maximally Expressive and
#: Parallel-in-Time Sequence Models", as reproduced by Terzic et al. (2025), PD-SSM).
FAMILY_NOTES: dict[str, str] = {
    "chomsky-regular/parity_check": (
        "Z_2: needs a negative eigenvalue, so real_diagonal; the published positive-eigenvalue "
        "models (Mamba) stay near chance, eigenvalues in [-1, 1] (DeltaNet[-1,1]) solve it"
    ),
    "chomsky-regular/cycle_navigation": (
        "Z_5: needs rotations, so complex_diagonal; published real-diagonal models fall short "
        "of the complex-diagonal and block-diagonal ones"
    ),
    "chomsky-regular/even_pairs": (
        "star-free (first symbol != last symbol, aperiodic monoid) but its transition monoid "
        "is not commutative, so for ONE bilinear layer it sits above the diagonals; the "
        "published Mamba result (solved) uses an additive input term and several layers (a "
        "cascade of diagonal affine layers covers a star-free language)"
    ),
    "chomsky-regular/modular_arithmetic": (
        "transition monoid not commutative (with a zero: the sink of malformed input) and not "
        "a group: above the diagonals; published diagonal models stay well below the dense "
        "and PD-SSM ones"
    ),
}


def _word(word: Any) -> str:
    symbols = [str(a) for a in word]
    return (
        " ".join(symbols) if any(len(a) != 1 for a in symbols) else "".join(symbols)
    ) or "(empty word)"


def witness_text(witness: Mapping[str, Any] | None) -> str:
    """A one-line form of a witness: its kind and its words (``kind: w1 | w2``).

    Examples
    --------
    >>> witness_text(Witness.commutation(["0", "1"], ["1", "0"], []))
    'commutation: 01 | 10'
    >>> witness_text(None)
    ''
    """
    if witness is None:
        return ""
    words = " | ".join(_word(w) for w in witness.get("words") or [])
    kind = witness["kind"]
    if kind == "period":
        allowed = ", ".join(str(p) for p in witness["allowed_periods"])
        return f"period: {words} has period {witness['period']} (allowed: {allowed})"
    if kind == "index":
        return f"index: {words} has index {witness['index']} (at most {witness['max_index']})"
    return f"{kind}: {words}"


@dataclass(frozen=True)
class SuiteTaskClassification:
    """One task of a suite: its classification, lowest level, witnesses and the family note.

    Attributes
    ----------
    task : str
        The suite task's name; ``spec`` is the address it was classified under.
    classification : Classification
        The full result of :func:`bilinear.theory.classify`.
    note : str
        What the published model families need for it.
    """

    task: str
    spec: str
    classification: Classification
    note: str

    @property
    def lowest_level(self) -> str | None:
        """The lowest level of the chain with a "yes" (the classification's minimal level)."""
        return self.classification.minimal_level

    @property
    def witnesses(self) -> dict[str, Witness]:
        """The witness of every "no" on the chain, by level."""
        return {
            n: self.classification.levels[n].witness
            for n in CHAIN
            if self.classification.levels[n].verdict == "no"
        }

    @property
    def verdicts(self) -> dict[str, str]:
        """The verdict of every level of the chain."""
        return {n: self.classification.levels[n].verdict for n in CHAIN}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record (the classification in full under ``classification``)."""
        return {
            "task": self.task,
            "spec": self.spec,
            "lowest_level": self.lowest_level,
            "lowest_level_exact": self.classification.extra.get("minimal_level_exact"),
            "verdicts": self.verdicts,
            "witnesses": {n: w.to_dict() for n, w in self.witnesses.items()},
            "note": self.note,
            "classification": self.classification.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SuiteTaskClassification:
        """The inverse of :meth:`to_dict` (the derived keys are recomputed)."""
        if not isinstance(d, Mapping) or "classification" not in d:
            raise InvalidArgumentError(
                f"a suite task classification must be a dict with a classification, got {d!r}"
            )
        return cls(
            str(d["task"]),
            str(d["spec"]),
            Classification.from_dict(d["classification"]),
            str(d.get("note", "")),
        )


@dataclass(frozen=True)
class SuiteClassification:
    """The result of :func:`classify_suite`: every task of a suite, in the suite's order."""

    suite: str
    notion: str
    source: str
    tasks: tuple[SuiteTaskClassification, ...]

    def task(self, name: str) -> SuiteTaskClassification:
        """The entry of a task; ``UnknownTaskError`` lists the tasks."""
        for t in self.tasks:
            if t.task == name:
                return t
        raise UnknownTaskError(
            f"unknown task {name!r} of suite {self.suite!r}; its tasks are "
            + ", ".join(t.task for t in self.tasks)
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bilinear classify --suite NAME --json``."""
        return {
            "suite": self.suite,
            "notion": self.notion,
            "source": self.source,
            "chain": list(CHAIN),
            "tasks": [t.to_dict() for t in self.tasks],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SuiteClassification:
        """The inverse of :meth:`to_dict`."""
        if not isinstance(d, Mapping) or "suite" not in d or "tasks" not in d:
            raise InvalidArgumentError(
                f"a suite classification must be a dict with 'suite' and 'tasks', got {d!r}"
            )
        return cls(
            str(d["suite"]),
            str(d.get("notion", "fin")),
            str(d.get("source", "")),
            tuple(SuiteTaskClassification.from_dict(t) for t in d["tasks"]),
        )


def classify_suite(
    name: str, notion: str = "fin", *, block_size: int | None = 2
) -> SuiteClassification:
    """Classify every task of suite ``name`` (at its default parameters).

    Parameters
    ----------
    name : str
        A suite of :func:`bilinear.automata.suites.suites`.
    notion : {"fin", "rob", "fp"}
        Simulation notion, as for :func:`bilinear.theory.classify`.
    block_size : int or None
        ``b`` of the block level, as for :func:`bilinear.theory.classify`.

    Raises
    ------
    UnknownTaskError
        An unknown suite (the message lists the suites).

    Examples
    --------
    >>> c = classify_suite("tomita")
    >>> c.task("5").lowest_level, list(c.task("5").witnesses)
    ('real_diagonal', ['positive_diagonal'])
    """
    found = _suites.suite(name)
    entries = []
    for t in found.tasks:
        task = _tasks.resolve(t.address)
        c = classify(task.dfa, notion, block_size=block_size, task=task.spec)
        key = c.minimal_level
        if key == "full" and c.levels["block"].verdict == "no":
            key = "above_block"
        note = FAMILY_NOTES.get(t.address, LEVEL_NEEDS[key])
        entries.append(SuiteTaskClassification(t.name, task.spec, c, note))
    return SuiteClassification(found.name, notion, found.source, tuple(entries))
