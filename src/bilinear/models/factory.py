"""``make``: one factory for every trained model (levels and baselines)."""

from __future__ import annotations

import inspect
from typing import Any

import torch

from bilinear._validation import check_int, check_positive_int
from bilinear.errors import InvalidArgumentError, UnknownLevelError
from bilinear.models._base import SequenceModel, resolve_device, resolve_dtype
from bilinear.models.baselines import BASELINE_CLASSES
from bilinear.models.bilinear import LEVEL_CLASSES
from bilinear.vocabulary import BASELINES, LEVELS

__all__ = ["make", "MODEL_NAMES", "LEVELS", "BASELINES", "model_options"]

#: Every name :func:`make` accepts: the levels (:data:`bilinear.vocabulary.LEVELS`), then the
#: baselines that are not bilinear (:data:`bilinear.vocabulary.BASELINES`).
MODEL_NAMES: tuple[str, ...] = LEVELS + BASELINES

_CLASSES: dict[str, type[SequenceModel]] = {**LEVEL_CLASSES, **BASELINE_CLASSES}
if set(_CLASSES) != set(MODEL_NAMES):  # pragma: no cover - a module class was added or lost
    raise ImportError(f"model classes {sorted(_CLASSES)} do not match the vocabulary "
                      f"{sorted(MODEL_NAMES)}")

_COMMON = ("affine", "normalize", "init_scale")


def _class_for(name: Any) -> type[SequenceModel]:
    if not isinstance(name, str) or name not in MODEL_NAMES:
        raise UnknownLevelError(
            f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}"
        )
    return _CLASSES[name]


def model_options(name: str) -> tuple[str, ...]:
    """The keyword options model ``name`` accepts (besides ``device``, ``dtype``, ``seed``).

    Examples
    --------
    >>> model_options("block")
    ('affine', 'block_size', 'init_scale', 'normalize')
    """
    cls = _class_for(name)
    opts: set[str] = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass in (SequenceModel, torch.nn.Module, object):
            continue
        for p in inspect.signature(vars(klass)["__init__"]).parameters.values():
            if p.kind is p.KEYWORD_ONLY and p.name != "options":
                opts.add(p.name)
    return tuple(sorted(opts))


def make(
    name: str,
    vocab: int,
    labels: int,
    hidden: int,
    *,
    device: Any = "auto",
    dtype: Any = "float32",
    seed: int | None = None,
    **options: Any,
) -> SequenceModel:
    """Build a model by name: a level of the hierarchy or a baseline.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`: ``full``, ``cp``, ``monomial``, ``block``,
        ``complex_diagonal``, ``real_diagonal``, ``positive_diagonal``, ``lstm``, ``elman``,
        ``transformer``, ``mamba_like``.
    vocab, labels, hidden : int
        Number of input symbols, of output labels, of hidden units.
    device : str or torch.device
        ``"auto"`` (the default: CUDA when available, else CPU), ``"cpu"``, ``"cuda"`` or
        ``"cuda:N"``; see :func:`bilinear.models.resolve_device`.
    dtype : str or torch.dtype
        ``"float32"`` (default) or ``"float64"``.
    seed : int, optional
        Seed for the initial weights (the global torch generator is left untouched).
    **options
        Per-model options (:func:`model_options`): bilinear levels take ``affine``,
        ``normalize``, ``init_scale``; ``cp`` takes ``rank``; ``block`` takes ``block_size``;
        ``monomial`` takes ``selection`` and ``temperature``; baselines take ``layers``, and the
        transformer ``heads``, ``positions``, ``max_length``, ``dropout``.

    Returns
    -------
    SequenceModel
        ``model(tokens)`` maps a LongTensor (B, T) to logits (B, T, labels).

    Raises
    ------
    UnknownLevelError
        For an unknown name.
    InvalidArgumentError
        For a bad size or option, e.g. a hidden size that ``block_size`` does not divide.

    Examples
    --------
    >>> import torch
    >>> m = make("full", vocab=2, labels=2, hidden=4, seed=0)
    >>> m(torch.tensor([[0, 1, 1, 0]])).shape
    torch.Size([1, 4, 2])
    >>> make("block", vocab=2, labels=2, hidden=5, block_size=2)
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: hidden=5 is not a multiple of block_size=2
    """
    cls = _class_for(name)
    vocab = check_positive_int(vocab, "vocab")
    labels = check_positive_int(labels, "labels")
    hidden = check_positive_int(hidden, "hidden")
    allowed = model_options(name)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise InvalidArgumentError(
            f"unknown option(s) {', '.join(unknown)} for model {name!r}; "
            f"it accepts {', '.join(allowed) or 'none'}"
        )
    dev = resolve_device(device)
    dt = resolve_dtype(dtype)
    if seed is not None:
        seed = check_int(seed, "seed")
    with torch.random.fork_rng(devices=[]):
        if seed is not None:
            torch.manual_seed(seed)
        model = cls(vocab, labels, hidden, **options)
    return model.to(device=dev, dtype=dt)
