"""Published results on the field's benchmark suites, to set beside ours (never measured here).

Each :class:`PublishedResult` is one number of one paper's table: the suite task
(``SUITE/TASK`` of :mod:`bilinear.automata.suites`), the model family as the paper names it, the
metric and value, the paper's train / test lengths, and the source (authors, year, title, and
the table or figure).  ``ours`` names the model of this package's report that matches the
family, where one does (``None`` otherwise), so the report can put our measured value beside it
(:mod:`bilinear.analysis.report_published`).

Records so far (:data:`PUBLISHED`):

* the regular-language length-generalization table of Terzic, Menet, Hersche, Hofmann, Rahimi
  (2025), "Structured Sparse Transition Matrices to Enable State Tracking in State-Space Models"
  (NeurIPS; PD-SSM), train lengths up to 40, test 40-256, two layers, state dimension 128,
  accuracy % (mean +- std over seeds) on the four ``chomsky-regular`` tasks; its baseline rows
  are those of Walker, Yang, Cirone, Salvi, Lyons (2025), "Structured Linear CDEs: Maximally
  Expressive and Parallel-in-Time Sequence Models";
* the non-solvable group table of the same PD-SSM paper: ``(A5, k)`` and ``(S5, k)`` Cayley
  automata (``sdssm-groups/A5_k``, ``sdssm-groups/S5_k``), validation lengths 40-256.

Examples
--------
>>> rows = published_for("chomsky-regular", "parity_check")
>>> [(r.model, r.value) for r in rows if r.ours == "mamba_like"]
[('Mamba', 54.5)]
>>> PublishedResult.from_dict(rows[0].to_dict()) == rows[0]
True
>>> published_for("tomita")
()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bilinear._validation import check_choice, check_float, check_int
from bilinear.automata import suites as benchmark_suites
from bilinear.errors import InvalidArgumentError
from bilinear.vocabulary import BASELINES, LEVELS

__all__ = ["PublishedResult", "PUBLISHED", "PDSSM", "SLICE", "published_for"]

#: The PD-SSM paper (the tables below).
PDSSM = (
    "Terzic, Menet, Hersche, Hofmann, Rahimi (2025), Structured Sparse Transition Matrices "
    "to Enable State Tracking in State-Space Models, NeurIPS"
)
#: The paper whose baseline rows the PD-SSM regular-language table reproduces.
SLICE = (
    "Walker, Yang, Cirone, Salvi, Lyons (2025), Structured Linear CDEs: Maximally "
    "Expressive and Parallel-in-Time Sequence Models"
)

_REGULAR_TABLE = (
    "regular-language length-generalization table (also in the code's README, "
    "github.com/IBM/expressive-sparse-state-space-model, assets/fsa_table.png)"
)
_GROUP_TABLE = (
    "non-solvable group figure (also in the code's README, "
    "github.com/IBM/expressive-sparse-state-space-model, assets/A5.png)"
)

#: Model names of the report a published family may be matched with.
_OURS = tuple(LEVELS) + tuple(BASELINES)

_KEYS = (
    "suite",
    "task",
    "model",
    "metric",
    "value",
    "std",
    "train_lengths",
    "test_lengths",
    "source",
    "table",
    "note",
    "ours",
    "verified",
)


def _range(value: Any, name: str) -> tuple[int, int]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise InvalidArgumentError(f"{name} must be (lo, hi), got {value!r}")
    lo = check_int(value[0], f"{name}[0]", min_value=0)
    hi = check_int(value[1], f"{name}[1]", min_value=lo)
    return lo, hi


@dataclass(frozen=True)
class PublishedResult:
    """One published number: a model family's score on one suite task, with its source.

    Attributes
    ----------
    suite, task : str
        The suite and its task (``task`` may carry parameters: ``A5_k:k=6``).
    model : str
        The model family as the paper names it.
    metric : str
        What the value measures (e.g. ``"accuracy %, mean over seeds"``).
    value : float
        The published value, in percent (0-100).
    std : float or None
        The published spread (standard deviation over seeds), where given.
    train_lengths, test_lengths : (int, int)
        The paper's inclusive length ranges.
    source : str
        Authors, year, title (and venue) of the paper that reports the value.
    table : str
        Which table or figure of it.
    note : str
        Depth, state size or anything else the comparison should know.
    ours : str or None
        The model of this package's report that matches the family (a level or a baseline).
    verified : bool
        Whether the number was checked against the source (``False``: recalled, unverified).

    Examples
    --------
    >>> PublishedResult("chomsky-regular", "parity_check", "X", "accuracy %", 101.0, None,
    ...                 (1, 40), (40, 256), "someone", "Table 1")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: published value must be at most 100.0, got 101.0
    """

    suite: str
    task: str
    model: str
    metric: str
    value: float
    std: float | None
    train_lengths: tuple[int, int]
    test_lengths: tuple[int, int]
    source: str
    table: str
    note: str = ""
    ours: str | None = None
    verified: bool = True

    def __post_init__(self) -> None:
        known = benchmark_suites.suite(self.suite)  # UnknownTaskError names the known suites
        known.task(self.task.partition(":")[0].strip())
        for name in ("model", "metric", "source", "table"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidArgumentError(
                    f"published {name} must be a non-empty string, got {value!r}"
                )
        if not isinstance(self.note, str):
            raise InvalidArgumentError(f"published note must be a string, got {self.note!r}")
        object.__setattr__(
            self,
            "value",
            check_float(self.value, "published value", min_value=0.0, max_value=100.0),
        )
        if self.std is not None:
            object.__setattr__(self, "std", check_float(self.std, "published std", min_value=0.0))
        object.__setattr__(self, "train_lengths", _range(self.train_lengths, "train_lengths"))
        object.__setattr__(self, "test_lengths", _range(self.test_lengths, "test_lengths"))
        if self.ours is not None:
            check_choice(self.ours, _OURS, "matching model")
        if not isinstance(self.verified, bool):
            raise InvalidArgumentError(f"verified must be True or False, got {self.verified!r}")

    @property
    def address(self) -> str:
        """``SUITE/TASK`` (with the task's parameters, if any)."""
        return f"{self.suite}/{self.task}"

    @property
    def cite(self) -> str:
        """The source and its table in one line."""
        return f"{self.source}, {self.table}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record."""
        return {
            "suite": self.suite,
            "task": self.task,
            "model": self.model,
            "metric": self.metric,
            "value": self.value,
            "std": self.std,
            "train_lengths": list(self.train_lengths),
            "test_lengths": list(self.test_lengths),
            "source": self.source,
            "table": self.table,
            "note": self.note,
            "ours": self.ours,
            "verified": self.verified,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PublishedResult:
        """The record of a :meth:`to_dict` mapping (validated as the constructor validates).

        Examples
        --------
        >>> PublishedResult.from_dict({"suite": "tomita"})
        Traceback (most recent call last):
        ...
        bilinear.errors.InvalidArgumentError: a published result needs the keys ['task', \
'model', 'metric', 'value', 'train_lengths', 'test_lengths', 'source', 'table']; missing \
['task', 'model', 'metric', 'value', 'train_lengths', 'test_lengths', 'source', 'table']
        """
        if not isinstance(d, Mapping):
            raise InvalidArgumentError(f"a published result must be a mapping, got {d!r}")
        required = [k for k in _KEYS if k not in ("std", "note", "ours", "verified", "suite")]
        missing = [k for k in required if k not in d]
        if missing or "suite" not in d:
            raise InvalidArgumentError(
                f"a published result needs the keys {required!r}; missing {missing!r}"
            )
        unknown = sorted(set(d) - set(_KEYS))
        if unknown:
            raise InvalidArgumentError(f"a published result has unknown keys {unknown!r}")
        return cls(
            suite=d["suite"],
            task=d["task"],
            model=d["model"],
            metric=d["metric"],
            value=d["value"],
            std=d.get("std"),
            train_lengths=_range(d["train_lengths"], "train_lengths"),
            test_lengths=_range(d["test_lengths"], "test_lengths"),
            source=d["source"],
            table=d["table"],
            note=d.get("note", ""),
            ours=d.get("ours"),
            verified=d.get("verified", True),
        )


# ================================================================================ the records
_REGULAR_TASKS = ("cycle_navigation", "even_pairs", "modular_arithmetic", "parity_check")

#: (family, matching model of ours, note, [(mean, std) per task of _REGULAR_TASKS]).
_REGULAR_ROWS: tuple[tuple[str, str | None, str, tuple[tuple[float, float], ...]], ...] = (
    ("LSTM", "lstm", "", ((100.0, 0.0), (100.0, 0.0), (99.9, 0.1), (100.0, 0.0))),
    ("sLSTM", None, "", ((39.2, 4.3), (100.0, 0.0), (34.8, 1.5), (100.0, 0.0))),
    ("xLSTM[1:1]", None, "", ((56.6, 3.6), (100.0, 0.0), (34.4, 1.4), (100.0, 0.0))),
    ("Transformer", "transformer", "", ((24.4, 0.5), (90.4, 10.4), (23.6, 0.7), (52.2, 0.4))),
    (
        "Mamba",
        "mamba_like",
        "positive real diagonal transitions with an additive input term",
        ((50.7, 7.8), (100.0, 0.0), (38.1, 6.0), (54.5, 1.5)),
    ),
    (
        "D-LNCDE (real diagonal)",
        "real_diagonal",
        "",
        ((73.5, 4.7), (100.0, 0.0), (20.8, 0.3), (91.9, 14.5)),
    ),
    (
        "complex diagonal",
        "complex_diagonal",
        "",
        ((90.4, 4.3), (82.4, 4.8), (59.9, 27.0), (61.8, 6.8)),
    ),
    ("DeltaNet", None, "", ((49.0, 5.4), (100.0, 0.0), (44.2, 8.0), (58.4, 1.1))),
    ("Gated DeltaNet", None, "", ((55.9, 7.8), (100.0, 0.0), (49.9, 7.5), (56.6, 0.7))),
    ("DeltaNet[-1,1]", None, "", ((47.3, 6.0), (100.0, 0.0), (63.9, 7.2), (97.2, 1.7))),
    ("RWKV-7", None, "", ((37.8, 5.0), (88.1, 14.2), (41.6, 13.8), (51.0, 0.3))),
    ("DPLR4-LNCDE", None, "", ((83.9, 20.1), (97.7, 5.2), (26.0, 0.7), (79.6, 20.3))),
    ("Gated DeltaProduct[-1,1]", None, "", ((61.4, 12.0), (99.6, 0.6), (58.0, 20.0), (98.8, 1.5))),
    ("WH-LNCDE", None, "", ((66.7, 7.9), (87.5, 17.2), (23.9, 1.3), (62.1, 2.2))),
    (
        "BD4-LNCDE (block diagonal)",
        "block",
        "",
        ((100.0, 0.0), (91.3, 12.2), (45.6, 7.8), (88.4, 13.9)),
    ),
    ("D-DE16-LNCDE (dense)", "full", "", ((77.3, 21.3), (81.4, 9.9), (94.5, 5.2), (81.0, 18.1))),
    (
        "PD-SSM",
        "monomial",
        "transitions P D: column one-hot times complex diagonal",
        ((99.5, 0.7), (99.7, 0.3), (96.2, 3.4), (99.9, 0.1)),
    ),
)


def _regular() -> tuple[PublishedResult, ...]:
    out = []
    for family, ours, note, values in _REGULAR_ROWS:
        source = PDSSM if family == "PD-SSM" else f"{PDSSM} (baseline row from {SLICE})"
        for task, (mean, std) in zip(_REGULAR_TASKS, values, strict=True):
            extra = "; ".join(x for x in ("two layers, state dimension 128", note) if x)
            out.append(
                PublishedResult(
                    "chomsky-regular",
                    task,
                    family,
                    "accuracy %, mean over seeds",
                    mean,
                    std,
                    (1, 40),
                    (40, 256),
                    source,
                    _REGULAR_TABLE,
                    extra,
                    ours,
                )
            )
    return tuple(out)


#: (family, depth, {task spec: value}) of the non-solvable group figure (dashes left out).
_GROUP_ROWS: tuple[tuple[str, str | None, int, tuple[tuple[str, str, float], ...]], ...] = (
    ("complex diagonal", "complex_diagonal", 2, (("A5_k", "k=2", 15.5),)),
    (
        "Gated DeltaProduct[-1,1]",
        None,
        1,
        (
            ("A5_k", "k=2", 97.9),
            ("A5_k", "k=6", 92.5),
            ("A5_k", "k=8", 91.8),
            ("A5_k", "k=12", 60.5),
            ("S5_k", "k=4", 88.7),
            ("S5_k", "k=8", 57.4),
            ("S5_k", "k=32", 1.23),
        ),
    ),
    (
        "Gated DeltaProduct[-1,1]",
        None,
        2,
        (("A5_k", "k=12", 68.4), ("S5_k", "k=4", 84.7), ("S5_k", "k=8", 62.2)),
    ),
    (
        "PD-SSM",
        "monomial",
        1,
        (
            ("A5_k", "k=2", 100.0),
            ("A5_k", "k=6", 100.0),
            ("A5_k", "k=8", 100.0),
            ("A5_k", "k=12", 100.0),
            ("S5_k", "k=4", 100.0),
            ("S5_k", "k=8", 100.0),
            ("S5_k", "k=32", 1.07),
        ),
    ),
)


def _groups() -> tuple[PublishedResult, ...]:
    out = []
    for family, ours, depth, cells in _GROUP_ROWS:
        for task, params, value in cells:
            out.append(
                PublishedResult(
                    "sdssm-groups",
                    f"{task}:{params}",
                    family,
                    "validation accuracy %",
                    value,
                    None,
                    (1, 40),
                    (40, 256),
                    PDSSM,
                    _GROUP_TABLE,
                    f"depth {depth} ({'layer' if depth == 1 else 'layers'}); extra random "
                    "transitions preserve the group structure",
                    ours,
                )
            )
    return tuple(out)


#: Every published record, in table order.
PUBLISHED: tuple[PublishedResult, ...] = _regular() + _groups()


def published_for(suite: str, task: str | None = None) -> tuple[PublishedResult, ...]:
    """The published records of a suite (of one of its tasks: its name, parameters ignored).

    Raises :class:`~bilinear.errors.UnknownTaskError` naming the known suites / tasks.

    Examples
    --------
    >>> len(published_for("chomsky-regular")), len(published_for("sdssm-groups", "A5_k"))
    (68, 10)
    >>> published_for("nope")
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownTaskError: unknown suite 'nope'; the suites are chomsky-regular, ...
    """
    known = benchmark_suites.suite(suite)
    name = None if task is None else known.task(task.partition(":")[0].strip()).name
    return tuple(
        r
        for r in PUBLISHED
        if r.suite == suite and (name is None or r.task.partition(":")[0] == name)
    )
