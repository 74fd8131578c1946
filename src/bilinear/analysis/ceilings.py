"""The accuracy ceiling of commutative models: what a model that sees only letter counts can reach.

A diagonal bilinear model (``positive_diagonal``, ``real_diagonal``, ``complex_diagonal``) has
commuting letters, so its state after a prefix depends only on how often each letter occurs in it
(docs/explanation/levels.md).  On uniform random words every rearrangement of a prefix is equally
likely, so the best any such model can do at position ``t`` is the Bayes accuracy
``E_c[max_l P(label_t = l | counts c)]``, and ``P(. | c)`` is the label distribution of a random
shuffle of the prefix.  :func:`count_ceiling` estimates the average of that over the positions of
words of one length by shuffling sampled prefixes; a trained commutative model above it (by more
than the sampling error) is a bug, whatever its training says.

The estimate is conservative for that use: with finitely many shuffles the plug-in maximum
over-estimates each Bayes term, so the ceiling is, if anything, too high.

Examples
--------
>>> from bilinear.automata import tasks
>>> c = count_ceiling(tasks.get("parity").dfa, 50, seed=0)
>>> c.accuracy                       # parity is a function of the counts: no ceiling below 1
1.0
>>> s3 = count_ceiling(tasks.resolve("symmetric:n=3").dfa, 200, seed=0)
>>> 0.2 < s3.accuracy < 0.7          # only the sign of the permutation is in the counts
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from bilinear._validation import check_nonnegative_int, check_positive_int
from bilinear.errors import InvalidArgumentError

__all__ = ["CountCeiling", "count_ceiling", "MARGIN_SIGMAS"]

#: A trained model is flagged when its accuracy exceeds the ceiling by this many standard errors
#: (plus one percentage point for the test words' own sampling).
MARGIN_SIGMAS = 4.0


@dataclass(frozen=True)
class CountCeiling:
    """An estimate of the best accuracy a counts-only model reaches on words of one length.

    Attributes
    ----------
    length : int
        Word length; the accuracy averages over its positions, as the report's does.
    accuracy : float
        Estimated Bayes accuracy given the letter counts (averaged over sampled positions).
    stderr : float
        Standard error of the estimate over the sampled words and positions.
    words, shuffles, positions : int
        Sample sizes: prefixes per position, shuffles per prefix, positions sampled.
    """

    length: int
    accuracy: float
    stderr: float
    words: int
    shuffles: int
    positions: int

    def exceeded_by(self, accuracy: float) -> bool:
        """Whether a measured accuracy lies above the ceiling beyond the sampling error."""
        return accuracy > self.accuracy + MARGIN_SIGMAS * self.stderr + 0.01

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CountCeiling:
        """Inverse of :meth:`to_dict`."""
        names = {"length", "accuracy", "stderr", "words", "shuffles", "positions"}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InvalidArgumentError(f"unknown count-ceiling key(s): {', '.join(unknown)}")
        return cls(**{k: data[k] for k in names})


def _positions(length: int, positions: int) -> np.ndarray:
    """Evenly spread positions 1..length (all of them when there are few)."""
    if length <= positions:
        return np.arange(1, length + 1)
    return np.unique(np.linspace(1, length, positions).round().astype(np.int64))


def count_ceiling(dfa: Any, length: int, *, words: int = 64, shuffles: int = 32,
                  positions: int = 16, seed: int = 0) -> CountCeiling:
    """Estimate the Bayes accuracy given letter counts on uniform random words of ``length``.

    Parameters
    ----------
    dfa : bilinear.automata.DFA
        The task (labels after every prefix).
    length : int
        Word length; positions ``1..length`` are averaged, as the report's accuracy does.
    words, shuffles, positions : int
        Prefixes sampled per position, random shuffles of each, positions sampled.
    seed : int
        Seed of the sampler (the words are drawn here, not taken from any test set).

    Returns
    -------
    CountCeiling
    """
    length = check_positive_int(length, "length")
    words = check_positive_int(words, "words")
    shuffles = check_positive_int(shuffles, "shuffles")
    positions = check_positive_int(positions, "positions")
    seed = check_nonnegative_int(seed, "seed")
    if words * shuffles * length > 2**26:
        raise InvalidArgumentError(
            f"count_ceiling would shuffle {words * shuffles * length} symbols per position "
            f"(cap {2**26}); lower words or shuffles")
    vocab = int(dfa.table.shape[1])
    rng = np.random.default_rng([seed, 104729, length])
    terms = []
    for t in _positions(length, positions):
        prefix = rng.integers(0, vocab, size=(words, int(t)), dtype=np.int64)
        order = rng.random((words, shuffles, int(t))).argsort(axis=-1)
        shuffled = np.take_along_axis(np.repeat(prefix[:, None, :], shuffles, axis=1), order,
                                      axis=-1).reshape(words * shuffles, int(t))
        final = dfa.output_batch(shuffled)[:, -1].reshape(words, shuffles)
        best = np.array([np.bincount(row).max() for row in final]) / shuffles
        terms.append(best)
    values = np.concatenate(terms)
    return CountCeiling(length=length, accuracy=float(values.mean()),
                        stderr=float(values.std(ddof=1) / np.sqrt(values.size))
                        if values.size > 1 else 0.0,
                        words=words, shuffles=shuffles, positions=len(terms))
