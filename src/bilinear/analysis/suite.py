"""The standard suite of the hierarchy report, as data.

A :class:`Suite` names the tasks (catalogue specs such as ``"modular_addition:m=5"``), the models
(hierarchy levels and baselines, with options) and the training :class:`Budget`.  Two suites are
predefined: :data:`QUICK` (a subset with small budgets; minutes on 2 CPU cores) and :data:`FULL`
(the source paper's protocol: train lengths 2-10, test up to 500, several seeds and learning rates,
hidden 256; meant for a GPU or the Ray backend).  :func:`select` narrows a suite to the tasks and
models a user asks for and validates every name *before* any work starts.

:func:`from_benchmark` makes a report suite of one of the field's benchmark suites
(:mod:`bilinear.automata.suites`, tasks addressed ``SUITE/TASK``): its tasks, its train / test
length protocol, and per task how the suite scores it (:class:`TaskScoring`: final label only or
every position, chance level); :func:`report_suite` finds a suite by name among both kinds.

Examples
--------
>>> from bilinear.analysis.suite import QUICK, get_suite
>>> get_suite("quick") is QUICK
True
>>> "parity" in QUICK.task_specs
True
>>> QUICK.budget.train_lengths
(2, 10)
>>> [m.name for m in QUICK.models][:3]
['full', 'cp', 'monomial']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bilinear._validation import check_choice, check_positive_int
from bilinear.automata import suites as benchmarks
from bilinear.automata import tasks as catalogue
from bilinear.errors import InvalidArgumentError, UnknownLevelError, UnknownTaskError
from bilinear.vocabulary import BASELINES, CHAIN, Level
from bilinear.vocabulary import LEVELS as ALL_LEVELS

__all__ = [
    "LEVELS",
    "CHAIN",
    "BASELINES",
    "MODEL_NAMES",
    "Budget",
    "ModelSpec",
    "PaperBudget",
    "Suite",
    "TaskScoring",
    "QUICK",
    "FULL",
    "TINY",
    "SUITES",
    "get_suite",
    "from_benchmark",
    "report_suite",
    "parse_model_spec",
    "select",
]

#: The hierarchy levels, most expressive first (the report's display order): the top of the
#: chain, then ``cp`` and ``monomial``, then the rest of :data:`~bilinear.vocabulary.CHAIN`.
LEVELS: tuple[str, ...] = (CHAIN[-1], Level.CP.value, Level.MONOMIAL.value, *reversed(CHAIN[:-1]))
assert set(LEVELS) == set(ALL_LEVELS), "the report's level order must name every level"
#: Every model name the report accepts.
MODEL_NAMES: tuple[str, ...] = LEVELS + BASELINES


def _check_positive_int(name: str, value: Any) -> None:
    check_positive_int(value, name)


@dataclass(frozen=True)
class Budget:
    """Training budget of one suite (every trained model of the suite uses it).

    Parameters
    ----------
    hidden : int
        Hidden size of every model.
    steps : int
        Optimiser steps per run.
    batch : int
        Batch size.
    lrs : tuple of float
        Learning rates; the report keeps the best (paper: best of 3).
    seeds : tuple of int
        Seeds per learning rate; accuracies are averaged over seeds.
    train_lengths : (int, int)
        Inclusive range of training lengths.
    test_lengths : tuple of int
        Evaluation lengths (each >= the upper training length).
    test_words : int
        Words evaluated per test length.
    val_lengths : tuple of int
        Validation lengths, disjoint from the test lengths: learning rates and seeds are
        selected on them, never on test lengths (empty: selection falls back to the training
        loss's validation at the longest train length).
    discretize : bool
        Offer each trained bilinear model its discretized copy, kept only when validation
        accuracy does not drop (:class:`bilinear.experiments.RunConfig`).
    early_stop : float or None
        Stop a run once its accuracy at the longest train length reaches this value
        ``patience`` times in a row.
    patience : int
    curriculum : (int, int) or None
        Length curriculum of every run (:class:`bilinear.experiments.RunConfig` ``curriculum``):
        the upper train length grows from the first value to the second over the first half of
        the steps.  A protocol deviation: the report says so in its header.  Validation lengths
        must then lie above the curriculum's end (selection reads lengths no run trained on).
    curves : bool
        Record every run's training curve at the test lengths (``RunConfig.curve_lengths``;
        reported beside the gap diagnoses, never read by selection).

    Examples
    --------
    >>> Budget(hidden=8, steps=10).test_lengths
    (10, 50, 200, 500)
    >>> Budget(hidden=8, steps=10, test_lengths=(5,))
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: test length 5 is below the training range (2, 10)
    >>> Budget(hidden=8, steps=10, curriculum=(10, 50), val_lengths=(20, 40))
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: validation length 20 lies inside the training lengths \
of the curriculum (up to 50): selection must read lengths no run trained on; give validation \
lengths above 50
    """

    hidden: int
    steps: int
    batch: int = 64
    lrs: tuple[float, ...] = (3e-3,)
    seeds: tuple[int, ...] = (0,)
    train_lengths: tuple[int, int] = (2, 10)
    test_lengths: tuple[int, ...] = (10, 50, 200, 500)
    test_words: int = 256
    val_lengths: tuple[int, ...] = ()
    discretize: bool = False
    early_stop: float | None = None
    patience: int = 3
    curriculum: tuple[int, int] | None = None
    curves: bool = False

    def __post_init__(self) -> None:
        if self.curriculum is not None:
            object.__setattr__(self, "curriculum", tuple(int(x) for x in self.curriculum))
        for name in ("hidden", "steps", "batch", "test_words"):
            _check_positive_int(name, getattr(self, name))
        object.__setattr__(self, "lrs", tuple(float(x) for x in self.lrs))
        object.__setattr__(self, "seeds", tuple(int(s) for s in self.seeds))
        object.__setattr__(self, "train_lengths", tuple(int(x) for x in self.train_lengths))
        object.__setattr__(
            self, "test_lengths", tuple(sorted({int(x) for x in self.test_lengths}))
        )
        object.__setattr__(
            self, "val_lengths", tuple(sorted({int(x) for x in self.val_lengths}))
        )
        _check_positive_int("patience", self.patience)
        if self.curriculum is not None:
            inside = [n for n in self.val_lengths if n <= self.curriculum[1]]
            if inside:
                raise InvalidArgumentError(
                    f"validation length {inside[0]} lies inside the training lengths of the "
                    f"curriculum (up to {self.curriculum[1]}): selection must read lengths no "
                    f"run trained on; give validation lengths above {self.curriculum[1]}")
        shared = sorted(set(self.val_lengths) & set(self.test_lengths))
        if shared:
            raise InvalidArgumentError(
                f"validation lengths must be disjoint from the test lengths; both have {shared}")
        if not self.lrs or any(not (math.isfinite(x) and x > 0) for x in self.lrs):
            raise InvalidArgumentError(f"lrs must be positive numbers, got {self.lrs!r}")
        if not self.seeds:
            raise InvalidArgumentError("seeds must not be empty")
        lo, hi = self.train_lengths if len(self.train_lengths) == 2 else (0, -1)
        if len(self.train_lengths) != 2 or lo < 1 or hi < lo:
            raise InvalidArgumentError(
                f"train_lengths must be (lo, hi) with 1 <= lo <= hi, got {self.train_lengths!r}"
            )
        if not self.test_lengths:
            raise InvalidArgumentError("test_lengths must not be empty")
        for n in self.test_lengths:
            if n < hi:
                raise InvalidArgumentError(
                    f"test length {n} is below the training range {self.train_lengths!r}"
                )


@dataclass(frozen=True)
class ModelSpec:
    """A model of the suite: a level or baseline name plus constructor options.

    Examples
    --------
    >>> ModelSpec("block", (("block_size", 2),)).label
    'block:block_size=2'
    >>> ModelSpec("lstm").is_level
    False
    >>> ModelSpec("nope")
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownLevelError: unknown model 'nope'; the models are ['full', 'cp', \
'monomial', 'block', 'complex_diagonal', 'real_diagonal', 'positive_diagonal', 'lstm', 'elman', \
'transformer', 'mamba_like']
    """

    name: str
    options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.name not in MODEL_NAMES:
            raise UnknownLevelError(
                f"unknown model {self.name!r}; the models are {list(MODEL_NAMES)!r}"
            )
        opts = self.options.items() if isinstance(self.options, Mapping) else self.options
        object.__setattr__(self, "options", tuple(sorted((str(k), v) for k, v in opts)))

    @property
    def is_level(self) -> bool:
        """Whether this is a hierarchy level (theory applies) rather than a baseline."""
        return self.name in LEVELS

    @property
    def label(self) -> str:
        """``name`` or ``name:key=value,...`` (the options spelled out)."""
        if not self.options:
            return self.name
        return self.name + ":" + ",".join(f"{k}={v}" for k, v in self.options)

    def option_dict(self) -> dict[str, Any]:
        """The options as a dict."""
        return dict(self.options)


def _coerce(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def parse_model_spec(spec: str | ModelSpec) -> ModelSpec:
    """Parse ``NAME`` or ``NAME:key=value,...`` into a :class:`ModelSpec`.

    Examples
    --------
    >>> parse_model_spec("cp:rank=8")
    ModelSpec(name='cp', options=(('rank', 8),))
    >>> parse_model_spec("lstm").name
    'lstm'
    """
    if isinstance(spec, ModelSpec):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidArgumentError(f"a model must be a non-empty name, got {spec!r}")
    name, _, rest = spec.strip().partition(":")
    options: list[tuple[str, Any]] = []
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise InvalidArgumentError(f"bad model option {item!r} in {spec!r}; use key=value")
        options.append((key.strip(), _coerce(value.strip())))
    return ModelSpec(name.strip(), tuple(options))


@dataclass(frozen=True)
class PaperBudget:
    """Sizes of the paper's extra experiments (report sections beyond the main table).

    Parameters
    ----------
    ablation_models : tuple of str
        Levels trained with and without the additive term on parity.
    frozen_hidden : tuple of int
        Hidden sizes H of the frozen random real-diagonal experiment.
    frozen_trials : int
        Random networks per H.
    frozen_train_words : int
        Training words for the readout (the paper claims 2 suffice).
    cp_task : str
        Random FSM of the CP rank sweep.
    cp_ranks : tuple of int
        Ranks of the sweep.

    Examples
    --------
    >>> PaperBudget().frozen_hidden
    (1, 2, 4, 8)
    >>> PaperBudget(ablation_models=("lstm",))
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownLevelError: ablation model 'lstm' is not a level
    """

    ablation_models: tuple[str, ...] = ("full", "real_diagonal")
    frozen_hidden: tuple[int, ...] = (1, 2, 4, 8)
    frozen_trials: int = 200
    frozen_train_words: int = 2
    frozen_test_length: int = 500
    cp_task: str = "random_fsm:states=5"
    cp_ranks: tuple[int, ...] = (1, 2, 4, 8, 16)

    def __post_init__(self) -> None:
        for name in ("frozen_trials", "frozen_train_words", "frozen_test_length"):
            _check_positive_int(name, getattr(self, name))
        for h in self.frozen_hidden:
            _check_positive_int("frozen_hidden", h)
        for r in self.cp_ranks:
            _check_positive_int("cp_ranks", r)
        for m in self.ablation_models:
            if m not in LEVELS:
                raise UnknownLevelError(f"ablation model {m!r} is not a level")


def _optional_range(value: Any, name: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise InvalidArgumentError(f"{name} must be (lo, hi) or None, got {value!r}")
    lo, hi = (check_positive_int(v, name) for v in value)
    if hi < lo:
        raise InvalidArgumentError(f"{name} must be (lo, hi) with lo <= hi, got {value!r}")
    return lo, hi


@dataclass(frozen=True)
class TaskScoring:
    """How a benchmark suite scores one of its tasks (carried by the report :class:`Suite`).

    Parameters
    ----------
    task : str
        The task spec as the report suite lists it (``SUITE/TASK``).
    label_kind : {"final", "per_position"}
        ``"final"``: the suite scores the label after the whole word only; ``"per_position"``:
        after every token.
    chance : float or None
        The suite's chance accuracy (``None`` where it states none).
    train_lengths, test_lengths : (int, int) or None
        The suite's own length protocol (inclusive ranges), before any scaling.

    Examples
    --------
    >>> s = TaskScoring("chomsky-regular/parity_check", "final", 0.5, (1, 40), (41, 500))
    >>> s.final_only, TaskScoring.from_dict(s.to_dict()) == s
    (True, True)
    >>> TaskScoring("x", "last", None)
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: unknown label kind 'last'; use one of final, \
per_position
    """

    task: str
    label_kind: str
    chance: float | None
    train_lengths: tuple[int, int] | None = None
    test_lengths: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.task, str) or not self.task:
            raise InvalidArgumentError(f"scoring task must be a task spec, got {self.task!r}")
        check_choice(self.label_kind, benchmarks.LABEL_KINDS, "label kind")
        if self.chance is not None:
            if isinstance(self.chance, bool) or not isinstance(self.chance, (int, float)) \
                    or not 0.0 <= float(self.chance) < 1.0:
                raise InvalidArgumentError(f"chance must be a number in [0, 1), got "
                                           f"{self.chance!r}")
            object.__setattr__(self, "chance", float(self.chance))
        object.__setattr__(self, "train_lengths",
                           _optional_range(self.train_lengths, "train_lengths"))
        object.__setattr__(self, "test_lengths",
                           _optional_range(self.test_lengths, "test_lengths"))

    @property
    def final_only(self) -> bool:
        """Whether only the label after the whole word is scored."""
        return self.label_kind == "final"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record."""
        return {"task": self.task, "label_kind": self.label_kind, "chance": self.chance,
                "train_lengths": None if self.train_lengths is None else list(self.train_lengths),
                "test_lengths": None if self.test_lengths is None else list(self.test_lengths)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TaskScoring:
        """The record of a :meth:`to_dict` mapping."""
        if not isinstance(d, Mapping) or "task" not in d or "label_kind" not in d:
            raise InvalidArgumentError(
                f"a task scoring must be a mapping with 'task' and 'label_kind', got {d!r}")
        return cls(d["task"], d["label_kind"], d.get("chance"), d.get("train_lengths"),
                   d.get("test_lengths"))


@dataclass(frozen=True)
class Suite:
    """A named suite: tasks x models trained under one budget, plus the paper's experiments.

    A suite made from a benchmark suite (:func:`from_benchmark`) also names it
    (``benchmark``), states its length protocol and any scaling of it (``protocol``), and
    carries how the benchmark scores each task (``scoring``, see :meth:`scoring_for`).

    Examples
    --------
    >>> s = Suite("mine", ("parity",), (ModelSpec("full"),), Budget(hidden=8, steps=5))
    >>> s.task_specs, s.model_labels
    (('parity',), ('full',))
    """

    name: str
    tasks: tuple[str, ...]
    models: tuple[ModelSpec, ...]
    budget: Budget
    paper: PaperBudget | None = field(default_factory=PaperBudget)
    description: str = ""
    benchmark: str | None = None
    protocol: str = ""
    scoring: tuple[TaskScoring, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tasks", tuple(str(t) for t in self.tasks))
        object.__setattr__(self, "models", tuple(parse_model_spec(m) for m in self.models))
        if not self.tasks:
            raise InvalidArgumentError("a suite needs at least one task")
        if not self.models:
            raise InvalidArgumentError("a suite needs at least one model")
        object.__setattr__(self, "scoring", tuple(self.scoring))
        for entry in self.scoring:
            if not isinstance(entry, TaskScoring):
                raise InvalidArgumentError(f"scoring entries must be TaskScoring, got {entry!r}")
        if self.benchmark is not None:
            benchmarks.suite(self.benchmark)  # UnknownTaskError names the known suites

    def scoring_for(self, task: str) -> TaskScoring | None:
        """How the benchmark scores ``task`` (``None``: not a task of the benchmark suite).

        Examples
        --------
        >>> s = from_benchmark("chomsky-regular")
        >>> s.scoring_for("chomsky-regular/cycle_navigation").chance
        0.2
        >>> s.scoring_for("parity") is None
        True
        """
        return next((e for e in self.scoring if e.task == task), None)

    @property
    def task_specs(self) -> tuple[str, ...]:
        """The task specs, in order."""
        return self.tasks

    @property
    def model_labels(self) -> tuple[str, ...]:
        """The model labels (name plus options), in order."""
        return tuple(m.label for m in self.models)

    @property
    def n_runs(self) -> int:
        """Training runs of the main table (tasks x models x seeds x lrs)."""
        b = self.budget
        return len(self.tasks) * len(self.models) * len(b.seeds) * len(b.lrs)


def _models(names: Iterable[str | ModelSpec]) -> tuple[ModelSpec, ...]:
    return tuple(parse_model_spec(m) for m in names)


_LEVEL_MODELS = (
    "full",
    "cp",
    "monomial",
    "block:block_size=2",
    "complex_diagonal",
    "real_diagonal",
    "positive_diagonal",
)

#: The quick suite: a subset with small budgets, minutes on 2 CPU cores (``make demo``).  It
#: departs from the paper's train lengths 2-10 by a length curriculum that grows them to 2-50
#: over the first half of the steps (the report's header says so): trained at 2-10, most
#: non-commutative levels learn the task's automaton but their states drift at lengths >= 200.
#: Three seeds per cell; selection reads validation lengths 100 and 150, above every train
#: length and disjoint from the test lengths.
QUICK = Suite(
    name="quick",
    tasks=(
        "parity",
        "modular_addition:m=3",
        "modular_addition:m=5",
        "modular_addition:m=10",
        "modular_arithmetic:m=5",
        "random_fsm:states=2",
        "random_fsm:states=5",
        "symmetric:n=3",
        "quaternion",
        "flip_flop",
        "threshold:k=2",
    ),
    models=_models(_LEVEL_MODELS + ("lstm", "mamba_like")),
    budget=Budget(
        hidden=32,
        steps=800,
        batch=64,
        lrs=(1e-2,),
        seeds=(0, 1, 2),
        train_lengths=(2, 10),
        test_lengths=(10, 50, 200, 500),
        test_words=128,
        val_lengths=(100, 150),
        discretize=True,
        early_stop=1.0,
        patience=3,
        curriculum=(10, 50),
        curves=True,
    ),
    paper=PaperBudget(
        ablation_models=("full", "real_diagonal"),
        frozen_hidden=(1, 2, 4, 8),
        frozen_trials=100,
        cp_task="random_fsm:states=5",
        cp_ranks=(2, 4, 8, 16),
    ),
    description="a subset with small budgets (minutes on 2 CPU cores)",
)

#: The full suite: the paper's protocol (meant for a GPU or the Ray backend).
FULL = Suite(
    name="full",
    tasks=(
        "parity",
        "modular_addition:m=2",
        "modular_addition:m=3",
        "modular_addition:m=5",
        "modular_addition:m=10",
        "modular_addition:m=25",
        "modular_addition:m=50",
        "random_fsm:states=2",
        "random_fsm:states=5",
        "random_fsm:states=10",
        "random_fsm:states=25",
        "modular_arithmetic:m=5",
        "cyclic:n=6",
        "abelian:orders=2x4",
        "dihedral:n=4",
        "symmetric:n=3",
        "symmetric:n=4",
        "symmetric:n=5",
        "alternating:n=4",
        "alternating:n=5",
        "quaternion",
        "flip_flop",
        "threshold:k=2",
        "first_symbol",
    ),
    models=_models(_LEVEL_MODELS + BASELINES),
    budget=Budget(
        hidden=256,
        steps=100_000,
        batch=64,
        lrs=(1e-3, 1e-4, 1e-5),
        seeds=(10, 20, 30),
        train_lengths=(2, 10),
        test_lengths=(10, 50, 100, 200, 500),
        test_words=512,
        val_lengths=(20, 40),
        curves=True,
    ),
    paper=PaperBudget(
        ablation_models=("full", "real_diagonal", "complex_diagonal"),
        frozen_hidden=(1, 2, 4, 8),
        frozen_trials=1000,
        cp_task="random_fsm:states=25",
        cp_ranks=(4, 16, 64, 256, 1024),
    ),
    description="the paper's protocol (train 2-10, test up to 500, 3 seeds x 3 lrs, hidden 256)",
)

#: A tiny suite for tests: seconds, not meaningful numbers.
TINY = Suite(
    name="tiny",
    tasks=("parity",),
    models=_models(("full", "real_diagonal")),
    budget=Budget(
        hidden=4, steps=5, batch=8, train_lengths=(2, 4), test_lengths=(8, 20), test_words=16
    ),
    paper=PaperBudget(
        ablation_models=("full",),
        frozen_hidden=(1, 2),
        frozen_trials=4,
        cp_task="random_fsm:states=2",
        cp_ranks=(1, 2),
    ),
    description="seconds; for tests",
)

SUITES: dict[str, Suite] = {s.name: s for s in (QUICK, FULL, TINY)}


def get_suite(name: str) -> Suite:
    """The predefined suite called ``name`` (``quick``, ``full`` or ``tiny``).

    Examples
    --------
    >>> get_suite("full").budget.hidden
    256
    """
    try:
        return SUITES[name]
    except KeyError:
        raise InvalidArgumentError(
            f"unknown suite {name!r}; the suites are {sorted(SUITES)!r}"
        ) from None


#: Test lengths used inside a benchmark's test range besides its two ends (full / quick).
_FULL_POINTS = (50, 100, 200, 300, 400, 1000)
_QUICK_POINTS = (100, 200)


_Protocol = tuple[tuple[int, int], tuple[int, int]]


def _protocol(tasks: Sequence[benchmarks.SuiteTask]) -> _Protocol | None:
    """The length protocol most of the tasks share (``None``: the source fixes none)."""
    pairs = [(t.train_lengths, t.test_lengths) for t in tasks
             if t.train_lengths is not None and t.test_lengths is not None]
    if not pairs:
        return None
    best = max(set(pairs), key=lambda p: (pairs.count(p), p))
    return best[0], best[1]


def _fmt_range(r: tuple[int, int]) -> str:
    return f"{r[0]}-{r[1]}"


def from_benchmark(name: str, *, quick: bool = True) -> Suite:
    """A report suite of the benchmark suite ``name``, with the benchmark's protocol.

    Its tasks are the benchmark's (``SUITE/TASK``, at the source's default parameters); each
    carries its :class:`TaskScoring` (final label only or every position, chance level).  The
    models and the training sizes (hidden size, steps, batch, learning rates, seeds) are those
    of :data:`QUICK` (``quick=True``) or :data:`FULL`; the lengths are the benchmark's:

    * train lengths: the benchmark's range; in the quick variant the range is scaled so that its
      upper end is the quick budget's upper train length (``1-40`` becomes ``1-10``, ``40-40``
      becomes ``10-10``: a training step then costs what a step of the quick suite costs), and
      the scaling is stated in ``protocol``;
    * test lengths: both ends of the benchmark's test range and a few round lengths inside it
      (the benchmark's score is the mean over every length of the range; ours over these);
    * validation lengths (model selection): lengths of the benchmark's train range, disjoint
      from the test lengths;
    * no length curriculum: the benchmark's train lengths are its protocol.

    A benchmark whose source fixes no length protocol (``tomita``) keeps the budget's lengths.
    The paper's extra experiments are left out (``paper=None``).

    Raises
    ------
    UnknownTaskError
        An unknown benchmark suite (the message names the known ones).

    Examples
    --------
    >>> s = from_benchmark("chomsky-regular")
    >>> s.name, s.tasks[1], s.budget.train_lengths, s.budget.test_lengths
    ('chomsky-regular-quick', 'chomsky-regular/parity_check', (1, 10), (41, 100, 200, 500))
    >>> full = from_benchmark("chomsky-regular", quick=False)
    >>> full.budget.train_lengths, full.budget.test_lengths, full.budget.val_lengths
    ((1, 40), (41, 50, 100, 200, 300, 400, 500), (20, 40))
    >>> [e.label_kind for e in s.scoring] == ["final"] * 4
    True
    """
    bench = benchmarks.suite(name)
    base = QUICK if quick else FULL
    b = base.budget
    protocol = _protocol(bench.tasks)
    variant = "quick" if quick else "full"
    sizes = (f"hidden {b.hidden}, {b.steps} steps, batch {b.batch}, "
             f"{len(b.seeds)} seed(s) x {len(b.lrs)} learning rate(s), as the {base.name} suite")
    if protocol is None:
        budget = replace(b, curriculum=None)
        note = (f"the source fixes no length protocol: the {base.name} suite's lengths (train "
                f"{_fmt_range(b.train_lengths)}, test {', '.join(map(str, b.test_lengths))}); "
                + sizes)
    else:
        (train_lo, train_hi), (test_lo, test_hi) = protocol
        scaled_lo, scaled_hi = train_lo, train_hi
        if quick and train_hi > b.train_lengths[1]:
            factor = b.train_lengths[1] / train_hi
            scaled_lo = max(1, round(train_lo * factor))
            scaled_hi = max(scaled_lo, b.train_lengths[1])
        points = _QUICK_POINTS if quick else _FULL_POINTS
        test = tuple(dict.fromkeys(
            (test_lo, *(x for x in points if test_lo < x < test_hi), test_hi)))
        val = tuple(x for x in base.budget.val_lengths or (train_hi,)
                    if x <= train_hi and x not in test) or (train_hi,)
        budget = replace(b, train_lengths=(scaled_lo, scaled_hi), test_lengths=test,
                         val_lengths=val, curriculum=None)
        scaled = ""
        if scaled_hi != train_hi:
            scaled = (f" scaled to {_fmt_range((scaled_lo, scaled_hi))} (x {scaled_hi}/"
                      f"{train_hi}: the upper end becomes the quick budget's upper train length, "
                      "so a training step costs what a quick-suite step costs)")
        note = (f"the benchmark's protocol: train lengths {_fmt_range((train_lo, train_hi))}"
                f"{scaled}; test lengths {', '.join(map(str, test))} from its test range "
                f"{_fmt_range((test_lo, test_hi))} (not scaled; the benchmark averages every "
                f"length of the range, we average these); validation (model selection) at "
                f"{', '.join(map(str, val))}; " + sizes)
    scoring = tuple(TaskScoring(t.address, t.label_kind, t.chance, t.train_lengths,
                                t.test_lengths) for t in bench.tasks)
    return Suite(
        name=f"{bench.name}-quick" if quick else bench.name,
        tasks=tuple(t.address for t in bench.tasks),
        models=base.models,
        budget=budget,
        paper=None,
        description=f"{bench.description} ({bench.source}), {variant} variant",
        benchmark=bench.name,
        protocol=note,
        scoring=scoring,
    )


def report_suite(name: str, *, quick: bool = True) -> Suite:
    """The report suite called ``name``: one of :data:`SUITES` (``quick`` ignored), or a
    benchmark suite (:func:`from_benchmark`).

    Raises
    ------
    UnknownTaskError
        In one line naming the benchmark suites and the report's own.

    Examples
    --------
    >>> report_suite("tiny") is TINY, report_suite("tomita").benchmark
    (True, 'tomita')
    >>> report_suite("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownTaskError: unknown suite 'nope'; the benchmark suites are \
chomsky-regular, ...; the report's own suites are quick, full, tiny
    """
    if name in SUITES:
        return SUITES[name]
    if not isinstance(name, str) or name not in benchmarks.suites():
        raise UnknownTaskError(
            f"unknown suite {name!r}; the benchmark suites are {', '.join(benchmarks.suites())}"
            f"; the report's own suites are {', '.join(SUITES)}")
    return from_benchmark(name, quick=quick)


def _validate_task(spec: str) -> None:
    """Resolve ``spec`` through the catalogue (raises UnknownTaskError / TaskParameterError)."""
    catalogue.resolve(spec)


def select(
    suite: Suite,
    tasks: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    *,
    budget: Mapping[str, Any] | None = None,
    check_tasks: bool = True,
) -> Suite:
    """Narrow ``suite`` to the given tasks and models, validating every name first.

    Tasks may be any catalogue spec (``NAME:key=value,...``) or automaton JSON path, not only the
    suite's own; models are level or baseline names, optionally with options (``cp:rank=4``).
    A model given by bare name keeps the suite's options for it (``block`` stays
    ``block:block_size=2``).

    Parameters
    ----------
    suite : Suite
    tasks, models : sequence of str, optional
        ``None`` keeps the suite's.
    budget : mapping, optional
        Overrides of :class:`Budget` fields (e.g. ``{"steps": 10}``).
    check_tasks : bool
        Resolve each task through the catalogue now (raising on unknown names).

    Raises
    ------
    UnknownTaskError, TaskParameterError, UnknownLevelError, InvalidArgumentError

    Examples
    --------
    >>> s = select(QUICK, models=["block", "lstm"], check_tasks=False)
    >>> s.model_labels
    ('block:block_size=2', 'lstm')
    >>> select(QUICK, models=["gru"])
    Traceback (most recent call last):
    ...
    bilinear.errors.UnknownLevelError: unknown model 'gru'; the models are ['full', 'cp', \
'monomial', 'block', 'complex_diagonal', 'real_diagonal', 'positive_diagonal', 'lstm', 'elman', \
'transformer', 'mamba_like']
    """
    new_tasks = suite.tasks if tasks is None else tuple(tasks)
    if tasks is not None and not new_tasks:
        raise InvalidArgumentError("--tasks selects no task")
    if check_tasks:
        for spec in new_tasks:
            _validate_task(spec)
    if models is None:
        new_models = suite.models
    else:
        by_name = {m.name: m for m in suite.models}
        chosen = []
        for spec in models:
            m = parse_model_spec(spec)
            if not m.options and m.name in by_name:
                m = by_name[m.name]
            chosen.append(m)
        if not chosen:
            raise InvalidArgumentError("--models selects no model")
        new_models = tuple(dict.fromkeys(chosen))
    new_budget = suite.budget
    if budget:
        unknown = set(budget) - set(Budget.__dataclass_fields__)
        if unknown:
            raise InvalidArgumentError(f"unknown budget field(s) {sorted(unknown)!r}")
        new_budget = replace(suite.budget, **dict(budget))
    return replace(suite, tasks=tuple(dict.fromkeys(new_tasks)), models=new_models,
                   budget=new_budget)
