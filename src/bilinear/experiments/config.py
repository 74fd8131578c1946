"""Frozen, validated configuration of one training run, and its run key.

A :class:`RunConfig` names everything that determines a result (task, model, sizes, optimizer,
lengths, seed); its :meth:`~RunConfig.key` is a hash of that content, so a results store can tell
a finished run from a new one.  The device is *not* part of the key (the same run on a GPU or a
CPU is the same experiment).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from bilinear._validation import (
    check_choice,
    check_float,
    check_nonnegative_int,
    check_positive_int,
)
from bilinear.errors import InvalidArgumentError
from bilinear.models.factory import _class_for, model_options

__all__ = ["RunConfig", "curriculum_text", "curriculum_upper", "parse_lengths",
           "parse_length_range"]

_KEY_VERSION = 1
#: The floating dtypes a run may train in.
DTYPES: tuple[str, ...] = ("float32", "float64")


def parse_length_range(text: Any) -> tuple[int, int]:
    """Parse a train length range: ``"2-10"``, ``"5"`` or a pair ``(2, 10)``.

    Examples
    --------
    >>> parse_length_range("2-10")
    (2, 10)
    >>> parse_length_range("10-2")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: train length range 10-2 is empty (low > high)
    """
    try:
        if isinstance(text, str):
            parts = text.replace(" ", "").split("-")
            if len(parts) not in (1, 2):
                raise ValueError
            lo, hi = int(parts[0]), int(parts[-1])
        else:
            lo, hi = (int(x) for x in text)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"train lengths must look like '2-10' (low-high), got {text!r}"
        ) from None
    if lo < 1:
        raise InvalidArgumentError(f"train lengths must be >= 1, got {lo}")
    if lo > hi:
        raise InvalidArgumentError(f"train length range {lo}-{hi} is empty (low > high)")
    return lo, hi


def parse_lengths(text: Any) -> tuple[int, ...]:
    """Parse test lengths: ``"50,200"`` or a sequence of positive integers (sorted, unique).

    Examples
    --------
    >>> parse_lengths("200, 50")
    (50, 200)
    """
    try:
        items = text.replace(" ", "").split(",") if isinstance(text, str) else list(text)
        values = sorted({int(x) for x in items if x != ""})
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"test lengths must be comma-separated integers like '50,200', got {text!r}"
        ) from None
    if not values or values[0] < 1:
        raise InvalidArgumentError(f"test lengths must be positive integers, got {text!r}")
    return tuple(values)


def curriculum_text(train_lengths: tuple[int, int], curriculum: tuple[int, int]) -> str:
    """How a length curriculum departs from the train lengths a run names (one sentence).

    Examples
    --------
    >>> curriculum_text((2, 10), (2, 50))
    "length curriculum: train lengths 2-2 growing to 2-50 over the first half of the steps, \
instead of the protocol's 2-10"
    """
    lo, hi = train_lengths
    start, end = curriculum
    return (f"length curriculum: train lengths {lo}-{start} growing to {lo}-{end} over the "
            f"first half of the steps, instead of the protocol's {lo}-{hi}")


def curriculum_upper(step: int, steps: int, start: int, end: int) -> int:
    """Upper train length of a length curriculum at optimizer step ``step`` (1-based) of
    ``steps``: it grows linearly from ``start`` at step 1 to ``end`` at step ``steps // 2``
    (rounded down), then stays at ``end`` for the second half of the run (a run of fewer than
    four steps trains at ``end`` throughout).

    Examples
    --------
    >>> [curriculum_upper(s, 10, 2, 50) for s in (1, 2, 3, 4, 5, 6, 10)]
    [2, 14, 26, 38, 50, 50, 50]
    >>> curriculum_upper(1, 1, 2, 50)
    50
    """
    steps = check_positive_int(steps, "steps")
    ramp = max(1, steps // 2)
    if ramp <= 1:
        return end
    done = min(max(step, 1), ramp) - 1
    return start + (end - start) * done // (ramp - 1)


def _freeze_options(options: Any) -> tuple[tuple[str, Any], ...]:
    if options is None:
        return ()
    items: Iterable[tuple[Any, ...]]
    if isinstance(options, Mapping):
        items = options.items()
    else:
        try:
            items = [tuple(p) for p in options]
        except TypeError:
            raise InvalidArgumentError(f"options must be a mapping, got {options!r}") from None
    out = []
    for k, v in items:
        if not isinstance(k, str):
            raise InvalidArgumentError(f"option names must be strings, got {k!r}")
        if not isinstance(v, (str, int, float, bool)) and v is not None:
            raise InvalidArgumentError(f"option {k}={v!r} must be a str, number, bool or None")
        out.append((k, v))
    return tuple(sorted(out))


@dataclass(frozen=True)
class RunConfig:
    """Everything that determines one training run and its evaluation.

    Parameters
    ----------
    task : str
        A task spec (``"parity"``, ``"modular_addition:m=3"``) or a path to automaton JSON.
    model : str
        A name of :data:`bilinear.models.MODEL_NAMES`.
    hidden : int
        Hidden units.
    options : mapping
        Model options (``block_size``, ``rank``, ``affine``, ...); stored sorted.
    steps, batch_size : int
        Optimizer steps and words per batch.
    lr : float
        Adam learning rate.
    seed : int
        Seeds the weights, the training words and the test words.
    train_lengths : (int, int)
        Every batch draws one length uniformly from this closed range.
    test_lengths : tuple of int
        Evaluation lengths; none may lie below the train range.
    val_lengths : tuple of int
        Validation lengths for model selection (seeds, learning rates), disjoint from the test
        lengths and not below the train range; evaluated on their own words.  Empty (the
        default) leaves the run key as it was before the field existed.
    test_words : int
        Random words per test length.
    clip : float or None
        Gradient-norm clipping (None: off).
    weight_decay : float
        Adam weight decay (0: off).
    early_stop : float or None
        Stop once validation accuracy (at the longest validation length, or the longest train
        length when there are none; checked every ``eval_every`` steps) reaches this value
        ``patience`` times in a row.
    eval_every, patience : int
    dtype : str
        ``"float32"`` or ``"float64"``.
    chance : float or None
        Chance accuracy for normalization; None means ``1 / labels``.
    discretize : bool
        After training, offer the model's discretized copy (its letters snapped to exact values:
        roots of unity for ``complex_diagonal``, ``{-1, 0, 1}`` for ``real_diagonal``; see
        :meth:`bilinear.models.BilinearModel.discretized`), refit its readout and ``h0`` with the
        letters frozen, and keep it only if its accuracy on validation words (never test words)
        is at least the trained model's.  Uses nothing of the task but its training and
        validation words.  ``False`` (the default) leaves the run key as it was.
    curriculum : (int, int) or None
        A length curriculum ``(start, end)`` (or ``"2-50"``): the upper train length grows
        linearly from ``start`` to ``end`` over the first half of the steps and stays at ``end``
        afterwards (:func:`curriculum_upper`); the lower end stays ``train_lengths[0]``.  This
        *replaces* the upper end of ``train_lengths`` during training, so a run with it departs
        from the protocol ``train_lengths`` names: :attr:`protocol_deviation` says how, and
        :func:`bilinear.experiments.run` writes that into the run's record.  Validation and test
        lengths are unchanged (still disjoint from each other).  ``None`` (the default) leaves
        the run key as it was.
    curve_lengths : sequence of int
        Lengths at which the training curve is recorded: at every validation checkpoint, the
        accuracy at each of these lengths on fixed words of their own (``CURVE_WORDS`` per
        length, drawn apart from the test words) goes into the run's ``history``.  Reported
        only: early stopping and selection never read it.  Empty (the default) leaves the run
        key as it was.

    Examples
    --------
    >>> c = RunConfig(task="parity", model="full", hidden=8, steps=10, train_lengths="2-10",
    ...               test_lengths="50,200")
    >>> c.train_lengths, c.test_lengths, len(c.key())
    ((2, 10), (50, 200), 16)
    >>> RunConfig(task="parity", model="full", train_lengths=(5, 10), test_lengths=(3,))
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: test length 3 is below the train range 5-10
    """

    task: str
    model: str
    hidden: int = 64
    options: Any = ()
    steps: int = 2000
    batch_size: int = 64
    lr: float = 1e-3
    seed: int = 0
    train_lengths: Any = (2, 10)
    test_lengths: Any = (10, 50, 100, 500)
    val_lengths: Any = ()
    test_words: int = 256
    clip: float | None = 1.0
    weight_decay: float = 0.0
    early_stop: float | None = None
    eval_every: int = 100
    patience: int = 1
    dtype: str = "float32"
    chance: float | None = None
    discretize: bool = False
    curriculum: Any = None
    curve_lengths: Any = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if not isinstance(self.task, str) or not self.task.strip():
            raise InvalidArgumentError(f"task must be a non-empty string, got {self.task!r}")
        self._check_model()
        set_(self, "hidden", check_positive_int(self.hidden, "hidden"))
        set_(self, "steps", check_nonnegative_int(self.steps, "steps"))
        set_(self, "batch_size", check_positive_int(self.batch_size, "batch_size"))
        set_(self, "lr", check_float(self.lr, "lr", min_value=0.0, exclude_min=True))
        set_(self, "seed", check_nonnegative_int(self.seed, "seed"))
        set_(self, "train_lengths", parse_length_range(self.train_lengths))
        set_(self, "test_lengths", parse_lengths(self.test_lengths))
        set_(self, "val_lengths", () if not self.val_lengths else parse_lengths(self.val_lengths))
        set_(self, "curve_lengths",
             () if not self.curve_lengths else parse_lengths(self.curve_lengths))
        set_(self, "test_words", check_positive_int(self.test_words, "test_words"))
        if self.clip is not None:
            set_(self, "clip", check_float(self.clip, "clip", min_value=0.0, exclude_min=True))
        set_(self, "weight_decay", check_float(self.weight_decay, "weight_decay", min_value=0.0))
        if self.early_stop is not None:
            set_(self, "early_stop", check_float(self.early_stop, "early_stop", min_value=0.0,
                                                 max_value=1.0, exclude_min=True))
        set_(self, "eval_every", check_positive_int(self.eval_every, "eval_every"))
        set_(self, "patience", check_positive_int(self.patience, "patience"))
        set_(self, "dtype", check_choice(self.dtype, DTYPES, "dtype"))
        if not isinstance(self.discretize, bool):
            raise InvalidArgumentError(f"discretize must be True or False, got {self.discretize!r}")
        if self.chance is not None:
            chance = check_float(self.chance, "chance", min_value=0.0, exclude_min=True)
            if chance >= 1:
                raise InvalidArgumentError(f"chance must lie in (0, 1), got {self.chance!r}")
            set_(self, "chance", chance)
        low = self.train_lengths[0]
        if self.curriculum is not None:
            start, end = parse_length_range(self.curriculum)
            if start < low:
                raise InvalidArgumentError(
                    f"curriculum start {start} is below the train range "
                    f"{self.train_lengths[0]}-{self.train_lengths[1]}")
            set_(self, "curriculum", (start, end))
        for what, lengths in (("test", self.test_lengths), ("validation", self.val_lengths)):
            for n in lengths:
                if n < low:
                    raise InvalidArgumentError(
                        f"{what} length {n} is below the train range "
                        f"{self.train_lengths[0]}-{self.train_lengths[1]}"
                    )
        shared = sorted(set(self.val_lengths) & set(self.test_lengths))
        if shared:
            raise InvalidArgumentError(
                f"validation lengths must be disjoint from the test lengths; both have {shared}")

    def _check_model(self) -> None:
        _class_for(self.model)
        opts = _freeze_options(self.options)
        allowed = model_options(self.model)
        unknown = [k for k, _ in opts if k not in allowed]
        if unknown:
            raise InvalidArgumentError(
                f"unknown option(s) {', '.join(unknown)} for model {self.model!r}; "
                f"it accepts {', '.join(allowed) or 'none'}"
            )
        object.__setattr__(self, "options", opts)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (options as a mapping, lengths as lists)."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        d["options"] = dict(self.options)
        d["train_lengths"] = list(self.train_lengths)
        d["test_lengths"] = list(self.test_lengths)
        if self.val_lengths:
            d["val_lengths"] = list(self.val_lengths)
        else:  # keeps the run keys of configurations from before the field existed
            del d["val_lengths"]
        if not self.discretize:  # likewise
            del d["discretize"]
        if self.curriculum is None:  # likewise
            del d["curriculum"]
        else:
            d["curriculum"] = list(self.curriculum)
        if self.curve_lengths:
            d["curve_lengths"] = list(self.curve_lengths)
        else:  # likewise
            del d["curve_lengths"]
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunConfig:
        """Inverse of :meth:`to_dict`; unknown keys are errors."""
        names = {f.name for f in fields(cls) if f.init}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InvalidArgumentError(f"unknown run config key(s): {', '.join(unknown)}")
        return cls(**dict(data))

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with some fields changed (validated again)."""
        d = self.to_dict()
        d.update(changes)
        return RunConfig.from_dict(d)

    def key(self) -> str:
        """16 hex digits of the SHA-256 of the canonical JSON of :meth:`to_dict`."""
        text = json.dumps({"v": _KEY_VERSION, **self.to_dict()}, sort_keys=True,
                          separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def train_range(self, step: int) -> tuple[int, int]:
        """The closed range of train lengths a batch at optimizer step ``step`` draws from:
        ``train_lengths``, or ``(train_lengths[0], curriculum_upper(...))`` under a curriculum.

        Examples
        --------
        >>> c = RunConfig(task="parity", model="full", steps=10, curriculum="2-50",
        ...               test_lengths="200")
        >>> [c.train_range(s) for s in (1, 3, 10)]
        [(2, 2), (2, 26), (2, 50)]
        >>> c.replace(curriculum=None).train_range(3)
        (2, 10)
        """
        if self.curriculum is None:
            return self.train_lengths
        start, end = self.curriculum
        return self.train_lengths[0], curriculum_upper(step, self.steps, start, end)

    @property
    def protocol_deviation(self) -> str | None:
        """How this run departs from the train lengths it names (``None``: it does not).

        Examples
        --------
        >>> c = RunConfig(task="parity", model="full", curriculum=(2, 50),
        ...               val_lengths="20,40", test_lengths="50,200")
        >>> print(c.protocol_deviation)  # doctest: +NORMALIZE_WHITESPACE
        length curriculum: train lengths 2-2 growing to 2-50 over the first half of the steps,
        instead of the protocol's 2-10; inside the trained range: validation 20, 40; test 50
        """
        if self.curriculum is None:
            return None
        end = self.curriculum[1]
        text = curriculum_text(self.train_lengths, self.curriculum)
        inside = [(what, [n for n in lengths if n <= end])
                  for what, lengths in (("validation", self.val_lengths),
                                        ("test", self.test_lengths))]
        named = [f"{what} {', '.join(map(str, ns))}" for what, ns in inside if ns]
        if named:
            text += "; inside the trained range: " + "; ".join(named)
        return text

    def describe(self) -> str:
        """A short one-line description for progress bars and logs."""
        opts = ",".join(f"{k}={v}" for k, v in self.options)
        text = (f"{self.task} {self.model}{'(' + opts + ')' if opts else ''} h={self.hidden} "
                f"lr={self.lr:g} seed={self.seed}")
        if self.curriculum is not None:
            text += f" curriculum={self.curriculum[0]}-{self.curriculum[1]}"
        return text
