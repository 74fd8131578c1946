"""Test helpers for users' own suites (like e3nn's ``assert_equivariant``).

:func:`simulation_error` runs a model on every word up to a length (random words past a budget)
and returns a :class:`SimulationReport`; :func:`assert_simulates` proves the model correct with
:func:`~bilinear.verification.verify` and raises :class:`~bilinear.errors.VerificationError`
with the counterexample word when it is not (``__tracebackhide__`` keeps pytest output short).

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> d = tasks.get("parity").dfa
>>> rnn = compile_automaton(d, level="real_diagonal")
>>> assert_simulates(rnn, d).method
'exact'
>>> simulation_error(rnn, d, max_length=6).failures
0
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bilinear.errors import InvalidArgumentError, VerificationError
from bilinear.verification.certificates import Certificate
from bilinear.verification.common import align, resolve_automaton
from bilinear.verification.floats import FORMATS, FloatImplementation
from bilinear.verification.verifier import verify

__all__ = ["SimulationReport", "simulation_error", "assert_simulates"]


@dataclass(frozen=True)
class SimulationReport:
    """What :func:`simulation_error` found.

    Attributes
    ----------
    dtype, normalize : str, bool
        The float implementation run.
    max_length : int
    exhaustive : bool
        True when every word up to ``max_length`` was run (else random words past the budget).
    words : int
        Words run (each counted once; its prefixes are shorter words).
    failures : int
        Words whose final decoded label is wrong.
    per_length : tuple of (length, words, failures)
    worst_word : tuple or None
        A shortest failing word.
    expected, decoded : labels at the end of ``worst_word`` (``decoded`` None for a tie).
    """

    dtype: str
    normalize: bool
    max_length: int
    exhaustive: bool
    words: int
    failures: int
    per_length: tuple[tuple[int, int, int], ...]
    worst_word: tuple[Hashable, ...] | None = None
    expected: Any = None
    decoded: Any = None

    @property
    def ok(self) -> bool:
        """No failing word was found."""
        return self.failures == 0

    @property
    def error_rate(self) -> float:
        return self.failures / self.words if self.words else 0.0


def simulation_error(rnn: Any, dfa: Any, max_length: int = 8, *, dtype: str = "float64",
                     normalize: bool = False, budget: int = 200_000,
                     seed: int = 0) -> SimulationReport:
    """Run ``rnn`` on every word of length ``1..max_length`` (random words once a length has
    more than ``budget`` words) in ``dtype`` and count wrong decodings.

    Examples
    --------
    >>> import numpy as np
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import BilinearRNN
    >>> rnn = BilinearRNN(W=np.ones((1, 1, 2)), h0=np.ones(1), readout=np.array([[1.0], [-1.0]]),
    ...                   alphabet=("0", "1"), labels=(0, 1), level="real_diagonal")
    >>> rep = simulation_error(rnn, tasks.get("parity").dfa, max_length=3)
    >>> rep.worst_word, rep.expected, rep.decoded, rep.per_length[0]
    (('1',), 1, 0, (1, 2, 1))
    """
    dfa, _ = resolve_automaton(dfa)
    if not isinstance(max_length, int) or max_length < 1:
        raise InvalidArgumentError(f"max_length must be a positive int, got {max_length!r}")
    if dtype not in FORMATS:
        raise InvalidArgumentError(f"unknown float format {dtype!r}; use one of {FORMATS}")
    al = align(rnn, dfa)
    impl = FloatImplementation(dtype, normalize=normalize)
    A = impl.store(np.moveaxis(np.asarray(rnn.W, dtype=np.float64), 2, 0))[al.columns]
    R = impl.stored_readout(rnn.readout)
    K = dfa.n_symbols
    rng = np.random.default_rng(seed)
    h = impl.round(np.asarray(rnn.h0, dtype=np.float64)[None, :])
    q = np.array([dfa.start_index], dtype=np.int64)
    words = np.zeros((1, 0), dtype=np.int64)
    exhaustive, per_length = True, []
    total = fails = 0
    worst = None
    for L in range(1, max_length + 1):
        if words.shape[0] * K <= budget:
            words = np.concatenate([np.repeat(words, K, axis=0),
                                    np.tile(np.arange(K), words.shape[0])[:, None]], axis=1)
            h = np.repeat(h, K, axis=0)
            q = np.repeat(q, K)
            last = words[:, -1]
        else:
            exhaustive = False
            if words.shape[0] > budget:
                keep = rng.choice(words.shape[0], size=budget, replace=False)
                words, h, q = words[keep], h[keep], q[keep]
            last = rng.integers(0, K, size=words.shape[0])
            words = np.concatenate([words, last[:, None]], axis=1)
        h = impl.step(A, h, last)
        q = dfa.table[q, last]
        rows = impl.decode(R, h)
        bad = (rows < 0) | (al.row_label[np.maximum(rows, 0)] != dfa.label_index[q])
        n_bad = int(bad.sum())
        per_length.append((L, int(words.shape[0]), n_bad))
        total += words.shape[0]
        fails += n_bad
        if n_bad and worst is None:
            i = int(np.nonzero(bad)[0][0])
            worst = (tuple(dfa.alphabet[a] for a in words[i]),
                     dfa.label_values[dfa.label_index[q[i]]],
                     rnn.labels[rows[i]] if rows[i] >= 0 else None)
    return SimulationReport(dtype=dtype, normalize=bool(normalize), max_length=max_length,
                            exhaustive=exhaustive, words=total, failures=fails,
                            per_length=tuple(per_length),
                            worst_word=None if worst is None else worst[0],
                            expected=None if worst is None else worst[1],
                            decoded=None if worst is None else worst[2])


def assert_simulates(rnn: Any, dfa: Any, method: str = "auto", **options: Any) -> Certificate:
    """Assert that ``rnn`` simulates ``dfa`` for every word; return the certificate.

    Raises
    ------
    VerificationError
        (an ``AssertionError``) with the certificate's summary and ``.counterexample``, the
        shortest failing word found (``None`` when no proof was found but no word fails).

    Examples
    --------
    >>> import numpy as np
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import BilinearRNN
    >>> rnn = BilinearRNN(W=np.ones((1, 1, 2)), h0=np.ones(1), readout=np.array([[1.0], [-1.0]]),
    ...                   alphabet=("0", "1"), labels=(0, 1), level="real_diagonal")
    >>> try:
    ...     assert_simulates(rnn, tasks.get("parity"))
    ... except AssertionError as err:
    ...     print(err.counterexample)
    ('1',)
    """
    __tracebackhide__ = True
    cert = verify(rnn, dfa, method=method, **options)
    if not cert.holds:
        raise VerificationError(cert.summary(), counterexample=cert.counterexample)
    return cert
