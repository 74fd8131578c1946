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

    Attributes
    ----------
    vocab : int
        Alphabet size (token ids are symbol indices).
    labels : int
        Number of distinct labels.
    """

    dfa: Any
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
        """``batch`` uniform random words of ``length`` symbols and their label indices."""
        batch = check_positive_int(batch, "batch")
        length = check_positive_int(length, "length")
        words = rng.integers(0, self.vocab, size=(batch, length), dtype=np.int64)
        return words, self.dfa.output_batch(words)

    def sample_train(
        self, rng: np.random.Generator, batch: int, lengths: tuple[int, int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """A training batch: one length drawn uniformly from the closed range ``lengths``."""
        length = int(rng.integers(lengths[0], lengths[1] + 1))
        return self.sample(rng, batch, length)
