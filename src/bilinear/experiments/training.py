"""Training (Adam, clipping, early stop) and length-generalization evaluation.

Examples
--------
>>> from bilinear.experiments import RunConfig, run
>>> cfg = RunConfig(task="parity", model="real_diagonal", hidden=4, steps=5,
...                 train_lengths="2-4", test_lengths="8", test_words=8)
>>> result = run(cfg)
>>> sorted(result.metrics["8"])  # doctest: +NORMALIZE_WHITESPACE
['accuracy', 'final_accuracy', 'majority_accuracy', 'majority_normalized_accuracy',
 'normalized_accuracy', 'words']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from bilinear._validation import check_float
from bilinear.automata import tasks
from bilinear.errors import InvalidArgumentError
from bilinear.experiments.config import RunConfig
from bilinear.experiments.data import AutomatonData, eval_rng
from bilinear.models import (
    BilinearModel,
    SequenceModel,
    make,
    resolve_device,
    sequence_cross_entropy,
)
from bilinear.models.construction import weights_record

__all__ = [
    "TrainOutcome",
    "RunResult",
    "train",
    "evaluate",
    "run",
    "normalized_accuracy",
    "majority_accuracy",
    "majority_normalized_accuracy",
    "resolve_task",
]


#: Offset of the validation words' seed: they never coincide with the test words.
_VALIDATION_SEED = 20_000
#: Offset of the seed of the words that decide whether a discretized model is kept.
_DISCRETIZE_SEED = 30_000
#: Optimizer steps that refit a discretized model's readout and ``h0``.
REFIT_STEPS = 200
#: Offset of the seed of the training curve's words (``RunConfig.curve_lengths``).
_CURVE_SEED = 40_000
#: Words per length of the training curve.
CURVE_WORDS = 32


def normalized_accuracy(accuracy: float, chance: float) -> float:
    """Chance-normalized accuracy ``(acc - c) / (1 - c)``: 1 is perfect, 0 is chance.

    Examples
    --------
    >>> normalized_accuracy(0.75, 0.5)
    0.5
    """
    chance = check_float(chance, "chance", min_value=0.0)
    if chance >= 1:
        raise InvalidArgumentError(f"chance must lie in [0, 1), got {chance}")
    return (accuracy - chance) / (1.0 - chance)


def majority_accuracy(labels: np.ndarray) -> float:
    """Accuracy of the best constant predictor per position on these words: at each position
    the most frequent label among the words, ``labels`` of shape ``(words, length)``.

    No model that ignores its input does better on the same words, so this (not ``1 /
    labels``) is the base rate a trained model must beat when labels are skewed.

    Examples
    --------
    >>> majority_accuracy(np.array([[0, 1], [0, 0], [1, 0]]))  # positions: 2/3 and 2/3
    0.6666666666666666
    """
    labels = np.asarray(labels)
    if labels.ndim != 2 or labels.size == 0:
        raise InvalidArgumentError(f"labels must have shape (words, length), got {labels.shape}")
    best = sum(int(np.bincount(col).max()) for col in labels.T)
    return best / labels.size


def majority_normalized_accuracy(accuracy: float, majority: float, n: int) -> float:
    """``(acc - m) / (1 - m)`` against the per-position majority accuracy ``m`` of the same
    ``n`` predictions: 1 is perfect, 0 is no better than a constant, negative is worse.

    When ``m = 1`` (every word has the same labels) a perfect model scores 1 and every error
    counts ``-1`` per prediction in ``n`` (the denominator is floored at ``1 / n``).

    Examples
    --------
    >>> majority_normalized_accuracy(0.99, 0.98, 1000)
    0.5
    >>> majority_normalized_accuracy(1.0, 1.0, 1000)
    1.0
    """
    if accuracy >= 1.0:
        return 1.0
    return (accuracy - majority) / max(1.0 - majority, 1.0 / n)


def resolve_task(spec: str) -> Any:
    """The task (``.dfa``) named by a spec or a path to automaton JSON."""
    return tasks.resolve(spec)


@dataclass
class TrainOutcome:
    """What :func:`train` returns: the model and a short history."""

    model: SequenceModel
    steps: int
    stopped_early: bool
    seconds: float
    final_loss: float
    history: list[dict[str, Any]] = field(default_factory=list)
    discretized: dict[str, Any] | None = None


@dataclass(frozen=True)
class RunResult:
    """One finished run: its config, per-length metrics (keys are lengths as strings), info."""

    config: RunConfig
    metrics: Mapping[str, Mapping[str, float]]
    info: Mapping[str, Any]

    @property
    def validation(self) -> Mapping[str, Mapping[str, float]]:
        """Metrics at the validation lengths (``{}`` when the config has none)."""
        return self.info.get("validation", {})

    @property
    def protocol_deviation(self) -> str | None:
        """How the run departed from its named train lengths (a length curriculum), or
        ``None`` (:attr:`RunConfig.protocol_deviation`, kept in the record's ``info``)."""
        return self.info.get("protocol_deviation")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (as stored in the results store)."""
        return {"key": self.config.key(), "config": self.config.to_dict(),
                "metrics": {k: dict(v) for k, v in self.metrics.items()}, "info": dict(self.info)}


def _tensors(batch: tuple[np.ndarray, np.ndarray],
             dev: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.from_numpy(batch[0]).to(dev), torch.from_numpy(batch[1]).to(dev)


def _val_accuracy(model: SequenceModel, words: torch.Tensor, labels: torch.Tensor) -> float:
    pred = model.predict(words)
    return float((pred == labels).double().mean())


def train(
    config: RunConfig,
    *,
    dfa: Any = None,
    device: Any = "auto",
    progress: bool = False,
    callback: Callable[[int, float], None] | None = None,
) -> TrainOutcome:
    """Train a model on random words of the task (one length per batch, drawn from the range).

    Parameters
    ----------
    config : RunConfig
    dfa : DFA, optional
        The task automaton (resolved from ``config.task`` when omitted).
    device : str or torch.device
        ``"auto"`` (CUDA when present, the default), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``
        (:func:`bilinear.models.resolve_device`).
    progress : bool
        Show a tqdm bar over steps.
    callback : callable, optional
        ``callback(step, loss)`` after every step (raise inside it to abort a run).
    """
    if dfa is None:
        task = resolve_task(config.task)
        data = AutomatonData(task.dfa, task.sampler)
    else:
        data = AutomatonData(dfa)
    return _train(config, data, resolve_device(device), progress, callback)


def _train(config: RunConfig, data: AutomatonData, dev: torch.device, progress: bool,
           callback: Callable[[int, float], None] | None) -> TrainOutcome:
    """:func:`train` on a resolved device, from the task's data."""
    rng = np.random.default_rng([config.seed, 1])
    model = make(config.model, data.vocab, data.labels, config.hidden, device=dev,
                 dtype=config.dtype, seed=config.seed, **dict(config.options))
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    # early stopping reads the longest validation length (never a test length), else the
    # longest train length
    stop_length = max(config.val_lengths) if config.val_lengths else config.train_lengths[1]
    val_w, val_y = data.sample(eval_rng(config.seed + 10_000, 0), 256, stop_length)
    val_words = torch.from_numpy(val_w).to(dev)
    val_labels = torch.from_numpy(val_y).to(dev)
    curves = [(n, *_tensors(data.sample(eval_rng(config.seed + _CURVE_SEED, n), CURVE_WORDS, n),
                             dev)) for n in config.curve_lengths]
    history: list[dict[str, Any]] = []
    hits, stopped, loss_value = 0, False, float("nan")
    start = time.perf_counter()
    bar = None
    if progress:
        bar = tqdm(total=config.steps, desc=config.describe(), leave=False)
    step = 0
    model.train()
    for step in range(1, config.steps + 1):
        loss_value = _optimizer_step(model, opt, data, rng, config.batch_size,
                                     config.train_range(step), dev, config.clip)
        if callback is not None:
            callback(step, loss_value)
        if bar is not None:
            bar.update(1)
            if step % 50 == 0:
                bar.set_postfix(loss=f"{loss_value:.3g}")
        if step % config.eval_every == 0 or step == config.steps:
            acc = _val_accuracy(model, val_words, val_labels)
            entry: dict[str, Any] = {"step": step, "loss": loss_value, "val_accuracy": acc}
            if curves:  # reported only: never read by early stopping or selection
                entry["curve"] = {str(n): _val_accuracy(model, w, y) for n, w, y in curves}
            history.append(entry)
            if config.early_stop is not None:
                hits = hits + 1 if acc >= config.early_stop else 0
                if hits >= config.patience:
                    stopped = step < config.steps
                    break
    if bar is not None:
        bar.close()
    snapped = None
    if config.discretize and isinstance(model, BilinearModel):
        model, snapped = _discretize(model, config, data, dev)
    model.eval()
    return TrainOutcome(model=model, steps=step, stopped_early=stopped,
                        seconds=time.perf_counter() - start, final_loss=loss_value,
                        history=history, discretized=snapped)


def _optimizer_step(model: SequenceModel, opt: torch.optim.Optimizer, data: AutomatonData,
                    rng: np.random.Generator, batch: int, lengths: tuple[int, int],
                    dev: torch.device, clip: float | None) -> float:
    """One step on a fresh training batch of ``batch`` words, one length drawn from the closed
    range ``lengths`` (cross-entropy at every position); returns the loss."""
    w, y = data.sample_train(rng, batch, lengths)
    logits = model(torch.from_numpy(w).to(dev))
    loss = sequence_cross_entropy(logits, torch.from_numpy(y).to(dev))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return float(loss.detach())


def _selection_accuracy(model: SequenceModel, words: list[tuple[torch.Tensor, torch.Tensor]]
                        ) -> float:
    """Mean accuracy over the (words, labels) batches of the discretization check."""
    with torch.no_grad():
        return sum(_val_accuracy(model, w, y) for w, y in words) / len(words)


def _discretize(model: BilinearModel, config: RunConfig, data: AutomatonData,
                dev: torch.device) -> tuple[SequenceModel, dict[str, Any]]:
    """Offer ``model.discretized()`` (readout and ``h0`` refitted on training words, letters
    frozen); keep it when its accuracy on validation words is at least the model's."""
    candidate = model.discretized()
    if candidate is None:
        return model, {"offered": False}
    lengths = config.val_lengths or (config.train_lengths[1],)
    words = []
    for n in lengths:
        w, y = data.sample(eval_rng(config.seed + _DISCRETIZE_SEED, n), 128, n)
        words.append((torch.from_numpy(w).to(dev), torch.from_numpy(y).to(dev)))
    before = _selection_accuracy(model, words)
    _refit_readout(candidate, config, data, dev)
    after = _selection_accuracy(candidate, words)
    kept = after >= before
    return (candidate if kept else model), {
        "offered": True, "kept": kept, "validation_lengths": list(lengths),
        "accuracy_before": before, "accuracy_after": after}


def _refit_readout(model: BilinearModel, config: RunConfig, data: AutomatonData,
                   dev: torch.device) -> None:
    """A few Adam steps on the readout and ``h0`` only, on fresh training words (of the last
    step's train range, so a curriculum's final range)."""
    for p in model.letter_parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam([model.readout, model.h0], lr=config.lr)
    rng = np.random.default_rng([config.seed, 2])
    model.train()
    lengths = config.train_range(config.steps)
    for _ in range(REFIT_STEPS):
        _optimizer_step(model, opt, data, rng, config.batch_size, lengths, dev, None)
    for p in model.letter_parameters():
        p.requires_grad_(True)


def evaluate(
    model: SequenceModel,
    dfa: Any,
    lengths: Sequence[int],
    *,
    words: int = 256,
    seed: int = 0,
    chance: float | None = None,
    batch: int = 256,
    chunk: int = 1024,
    sampler: Any = None,
) -> dict[str, dict[str, float]]:
    """Accuracy per test length on fresh random words.

    ``accuracy`` averages over every position of every word (a label after each prefix);
    ``final_accuracy`` looks only at the last position; ``majority_accuracy`` is the best
    constant predictor per position on the same words (:func:`majority_accuracy`) and
    ``majority_normalized_accuracy`` the accuracy normalized by it (the figure to read when
    labels are skewed); ``normalized_accuracy`` is the older ``(accuracy - c) / (1 - c)`` with
    ``c = chance`` (default ``1 / labels``).  Tied logits count as wrong.  Long words are
    evaluated in time chunks of ``chunk`` steps.  ``sampler`` is the task's own word sampler
    (``Task.sampler``; None: uniform words), which may shorten a length (e.g. to the largest odd
    one); the figures are then over the words it gave.

    Returns
    -------
    dict
        ``{str(length): {"accuracy", "normalized_accuracy", "majority_accuracy",
        "majority_normalized_accuracy", "final_accuracy", "words"}}``.
    """
    data = AutomatonData(dfa, sampler)
    c = 1.0 / data.labels if chance is None else float(chance)
    out: dict[str, dict[str, float]] = {}
    dev = model.device
    for length in lengths:
        w, y = data.sample(eval_rng(seed, length), words, int(length))
        correct = final = 0
        step = batch
        if not model.time_chunkable:  # attention: keep batch * length^2 scores bounded
            step = max(1, min(batch, 2**26 // max(1, int(length) ** 2)))
        for s in range(0, words, step):
            pred = model.predict(torch.from_numpy(w[s : s + step]).to(dev), chunk=chunk).cpu()
            ok = pred.numpy() == y[s : s + step]
            correct += int(ok.sum())
            final += int(ok[:, -1].sum())
        n = int(w.shape[1])  # the sampler may shorten the length
        acc = correct / (words * n)
        majority = majority_accuracy(y)
        out[str(int(length))] = {
            "accuracy": acc,
            "normalized_accuracy": normalized_accuracy(acc, c),
            "majority_accuracy": majority,
            "majority_normalized_accuracy": majority_normalized_accuracy(
                acc, majority, words * n),
            "final_accuracy": final / words,
            "words": words,
        }
    return out


def run(config: RunConfig, *, device: Any = "auto", progress: bool = False,
        callback: Callable[[int, float], None] | None = None) -> RunResult:
    """Train and evaluate one configuration; returns a :class:`RunResult`."""
    task = resolve_task(config.task)
    dev = resolve_device(device)
    torch_threads = torch.get_num_threads()
    sampler = task.sampler
    outcome = _train(config, AutomatonData(task.dfa, sampler), dev, progress, callback)
    start = time.perf_counter()
    metrics = evaluate(outcome.model, task.dfa, config.test_lengths, words=config.test_words,
                       seed=config.seed, chance=config.chance, sampler=sampler)
    validation = evaluate(outcome.model, task.dfa, config.val_lengths,
                          words=config.test_words, seed=config.seed + _VALIDATION_SEED,
                          chance=config.chance, sampler=sampler) if config.val_lengths else {}
    info = {
        "steps": outcome.steps,
        "stopped_early": outcome.stopped_early,
        "train_seconds": outcome.seconds,
        "eval_seconds": time.perf_counter() - start,
        "final_loss": outcome.final_loss,
        "parameters": outcome.model.n_parameters(),
        "labels": outcome.model.labels,
        "device": str(dev),
        "threads": torch_threads,
        "history": outcome.history[-20:],
    }
    weights = weights_record(outcome.model)  # None for baselines: certify reads these
    if weights is not None:
        info["weights"] = weights
    if outcome.discretized is not None:
        info["discretized"] = outcome.discretized
    if config.protocol_deviation is not None:
        info["protocol_deviation"] = config.protocol_deviation
    if validation:
        info["validation"] = validation
    return RunResult(config=config, metrics=metrics, info=info)
