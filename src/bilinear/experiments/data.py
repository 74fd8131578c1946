"""Training and test data from any automaton: random words with a label after every prefix.

Examples
--------
>>> import numpy as np
>>> from bilinear.automata import tasks
>>> data = AutomatonData(tasks.get("parity").dfa)
>>> words, labels = data.sample(np.random.default_rng(0), batch=2, length=5)
>>> words.shape, labels.shape, data.vocab, data.labels
((2, 5), (2, 5), 2, 2)
>>> bool((labels == data.dfa.output_batch(words)).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bilinear._validation import check_positive_int
from bilinear.errors import InvalidArgumentError

__all__ = ["AutomatonData", "eval_rng"]


def eval_rng(seed: int, length: int) -> np.random.Generator:
    """The generator of the test words of one length (independent of the training stream)."""
    return np.random.default_rng([int(seed), 7919, int(length)])


@dataclass(frozen=True)
class AutomatonData:
    """Random words over the automaton's alphabet, labelled by the automaton after each prefix.

    Parameters
    ----------
    dfa : bilinear.automata.DFA
        The task automaton; labels are indices into ``dfa.label_values``.
    sampler : callable, optional
        A benchmark suite's own word sampler (``Task.sampler``): ``sampler(rng, batch, length)``
        gives token ids of shape ``(batch, L)`` with ``1 <= L <= length`` (e.g. well-formed
        expressions of odd length).  None (the default): uniform words of the asked length.

    Attributes
    ----------
    vocab : int
        Alphabet size (token ids are symbol indices).
    labels : int
        Number of distinct labels.
    """

    dfa: Any
    sampler: Any = None
    vocab: int = field(init=False)
    labels: int = field(init=False)

    def __post_init__(self) -> None:
        if not hasattr(self.dfa, "output_batch"):
            raise InvalidArgumentError(
                f"expected a bilinear.automata.DFA, got {type(self.dfa).__name__}"
            )
        object.__setattr__(self, "vocab", int(self.dfa.table.shape[1]))
        object.__setattr__(self, "labels", len(self.dfa.label_values))

    def sample(
        self, rng: np.random.Generator, batch: int, length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """``batch`` random words of ``length`` symbols and their label indices.

        Uniform over the alphabet, or drawn by :attr:`sampler` (which may shorten the length,
        e.g. to the largest odd one).
        """
        batch = check_positive_int(batch, "batch")
        length = check_positive_int(length, "length")
        if self.sampler is None:
            words = rng.integers(0, self.vocab, size=(batch, length), dtype=np.int64)
        else:
            words = self._sampled(rng, batch, length)
        return words, self.dfa.output_batch(words)

    def _sampled(self, rng: np.random.Generator, batch: int, length: int) -> np.ndarray:
        words = np.asarray(self.sampler(rng, batch, length), dtype=np.int64)
        if (words.ndim != 2 or words.shape[0] != batch or not 1 <= words.shape[1] <= length
                or (words.size and (words.min() < 0 or words.max() >= self.vocab))):
            raise InvalidArgumentError(
                f"the task's word sampler gave an array of shape {words.shape} with token ids "
                f"outside 0..{self.vocab - 1} or a length outside 1..{length}")
        return words

    def sample_train(
        self, rng: np.random.Generator, batch: int, lengths: tuple[int, int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """A training batch: one length drawn uniformly from the closed range ``lengths``."""
        length = int(rng.integers(lengths[0], lengths[1] + 1))
        return self.sample(rng, batch, length)
