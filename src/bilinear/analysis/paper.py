"""The source paper's experiments: its reported numbers and the experiments that need no training.

The paper is Ebrahimi & Memisevic, "Revisiting Bi-Linear State Transitions in Recurrent Neural
Networks" (NeurIPS 2025, arXiv 2505.21749).  Its tables could not be read from the paper itself;
the numbers below come from a secondary, AI-written summary (papernotes) and are marked
**unconfirmed** wherever the report shows them (see docs/how-to/reproduce-the-paper.md).

:func:`frozen_diagonal_parity` runs the paper's frozen random real-diagonal experiment in numpy:
random diagonal letter matrices, a readout (no bias) trained by logistic regression on a few short
words, success measured at length 500, against the claimed ``1 - 2**-H``.
:func:`frozen_parity_readings` computes, exactly, the two readings of that claim side by side
(:data:`READINGS`): the paper's number holds for the label of the whole word at even lengths with
+-1 weights, not for the label after every prefix that the report trains on.

Examples
--------
>>> from bilinear.analysis.paper import MODULAR_ADDITION, paper_claim
>>> MODULAR_ADDITION.reported["full"][3]
1.0
>>> paper_claim(2)
0.75
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from itertools import combinations, product
from typing import Any

import numpy as np
import sympy

from bilinear.errors import InvalidArgumentError

__all__ = [
    "SOURCE_NOTE",
    "PaperTable",
    "MODULAR_ADDITION",
    "RANDOM_FSM",
    "paper_claim",
    "derived_claim",
    "frozen_diagonal_parity",
    "READINGS",
    "READING_NAMES",
    "decodable_probability",
    "frozen_parity_readings",
]

#: How the report labels the paper's numbers.
SOURCE_NOTE = (
    "reported in a secondary source (the AI-written papernotes summary of the paper); "
    "unconfirmed against the PDF"
)


@dataclass(frozen=True)
class PaperTable:
    """One of the paper's result tables, in its layout.

    Attributes
    ----------
    title : str
    column_name : str
        What the columns index (``m`` for moduli, ``states`` for random FSMs).
    columns : tuple of int
    rows : tuple of (str, str, str)
        ``(row label, our model name, model options)``: the paper's row and the model of ours
        that stands for it.
    reported : dict
        ``{model: {column: value}}``, the paper's numbers (chance-normalized accuracy at
        length 500, probably; see docs/how-to/reproduce-the-paper.md#the-reported-numbers-as-data).
    task : str
        Catalogue name of the task; its parameter is ``column_name``.
    """

    title: str
    column_name: str
    columns: tuple[int, ...]
    rows: tuple[tuple[str, str], ...]
    reported: dict[str, dict[int, float]]
    task: str
    note: str = ""


MODULAR_ADDITION = PaperTable(
    title="Modular addition, accuracy at length 500",
    column_name="m",
    columns=(2, 3, 5, 10, 25, 50),
    rows=(
        ("Bilinear (full)", "full"),
        ("Block-diag, size 1 (= real diagonal)", "real_diagonal"),
        ("Block-diag, size 2", "block"),
        ("R2 block-diag (= complex diagonal)", "complex_diagonal"),
        ("LSTM", "lstm"),
        ("Mamba (1/2/4 layers; ours: mamba_like)", "mamba_like"),
        ("Transformer (1/2/4 layers)", "transformer"),
    ),
    reported={
        "full": {2: 1.00, 3: 1.00, 5: 1.00, 10: 1.00, 25: 1.00, 50: 1.00},
        "real_diagonal": {2: 1.00, 3: 0.00, 5: 0.00, 10: 0.10, 25: 0.00, 50: 0.02},
        "block": {2: 1.00, 3: 1.00, 5: 1.00, 10: 1.00, 25: 1.00, 50: 1.00},
        "complex_diagonal": {2: 1.00, 3: 0.00, 5: 1.00, 10: 0.66, 25: 0.37, 50: 0.00},
        "lstm": {2: 1.00, 3: 1.00, 5: 0.98, 10: 1.00, 25: 0.00, 50: 0.02},
        "mamba_like": {2: 0.00, 3: 0.01, 5: 0.01, 10: 0.00, 25: 0.00, 50: 0.00},
        "transformer": {2: 0.03, 3: 0.01, 5: 0.00, 10: 0.00, 25: 0.00, 50: 0.00},
    },
    task="modular_addition",
    note="m = 2 is parity. The paper's R2 row (0.00 at m = 3, 1.00 at m = 5) is odd: theory says "
    "R2 represents every Z_m, so it would be an optimisation finding.",
)

RANDOM_FSM = PaperTable(
    title="Random FSMs, accuracy at length 500",
    column_name="states",
    columns=(2, 5, 10, 25),
    rows=(
        ("Bilinear (full)", "full"),
        ("Factorized bilinear (CP)", "cp"),
        ("Block-diag, size 2", "block"),
        ("LSTM", "lstm"),
        ("Mamba (4 layers; ours: mamba_like)", "mamba_like"),
    ),
    reported={
        "full": {2: 1.00, 5: 1.00, 10: 1.00, 25: 1.00},
        "cp": {2: 1.00, 5: 1.00, 10: 1.00, 25: 0.50},
        "block": {2: 1.00, 5: 0.00, 10: 0.00, 25: 0.00},
        "lstm": {2: 1.00, 5: 1.00, 10: 0.00, 25: 0.00},
        "mamba_like": {2: 0.00, 5: 0.00, 10: 0.00, 25: 0.00},
    },
    task="random_fsm",
    note="The alphabet size and generator of the paper's random FSMs, and its CP rank, are not "
    "known; ours come from the task catalogue.",
)


def paper_claim(hidden: int) -> float:
    """The paper's success probability ``1 - 2**-H`` for frozen random real-diagonal parity.

    Examples
    --------
    >>> [paper_claim(h) for h in (1, 2, 4, 8)]
    [0.5, 0.75, 0.9375, 0.99609375]
    """
    return 1.0 - 2.0 ** (-hidden)


def derived_claim(hidden: int) -> float:
    """``1 - (3/4)**H``: the chance that some unit has ``a_0 > 0 > a_1`` (symmetric signs).

    Such a unit's sign is the parity of the number of 1s (times the sign of h0).  With a linear
    readout without bias it is the only kind of unit that decodes parity at every length: a unit
    with ``a_0 < 0 < a_1`` flips with every 0, so its sign also depends on the length's parity.

    Examples
    --------
    >>> derived_claim(1)
    0.25
    """
    return 1.0 - 0.75**hidden


def _features(a: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Normalized hidden states of frozen diagonal RNNs, computed in log space.

    ``a`` is (trials, 2, H); ``words`` (trials, n, T) in {0, 1}; h0 is all ones.  Returns
    (trials, n, T, H) unit-norm states (the direction is all a readout without bias sees).
    """
    trials = np.arange(a.shape[0])[:, None, None]
    letters = a[trials, words]  # (trials, n, T, H)
    sign = np.cumprod(np.sign(letters), axis=2)
    logmag = np.cumsum(np.log(np.abs(letters) + 1e-300), axis=2)
    logmag -= logmag.max(axis=3, keepdims=True)
    h = sign * np.exp(logmag)
    return h / np.linalg.norm(h, axis=3, keepdims=True)


def _fit_readout(x: np.ndarray, y: np.ndarray, steps: int = 300, lr: float = 1.0) -> np.ndarray:
    """Logistic regression without bias, batched over trials: x (trials, N, H), y (trials, N)."""
    s = 2.0 * y - 1.0
    r = np.zeros((x.shape[0], x.shape[2]))
    for _ in range(steps):
        margin = s * np.einsum("tnh,th->tn", x, r)
        weight = -s / (1.0 + np.exp(np.clip(margin, -50, 50)))
        grad = np.einsum("tn,tnh->th", weight, x) / x.shape[1] + 1e-4 * r
        r -= lr * grad
    return r


def _frozen_trials(rng: np.random.Generator, trials: int, H: int, train_words: int,
                   train_lengths: tuple[int, int], test_length: int, test_words: int,
                   weights: str, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Success and oracle flags of ``trials`` independent frozen networks with H units."""
    lo, hi = train_lengths
    a = rng.standard_normal((trials, 2, H))
    if weights == "signs":
        a = np.sign(a)
    # training words: drawn at length hi; only the first `length` positions count
    lengths = rng.integers(lo, hi + 1, size=(trials, train_words))
    words = rng.integers(0, 2, size=(trials, train_words, hi))
    feats = _features(a, words)
    labels = np.cumsum(words, axis=2) % 2
    mask = np.arange(hi)[None, None, :] < lengths[:, :, None]
    x = np.where(mask[..., None], feats, 0.0).reshape(trials, -1, H)
    y = np.where(mask, labels, 0).reshape(trials, -1)
    # masked positions have x = 0: they add nothing to the gradient
    r = _fit_readout(x, y)
    test = rng.integers(0, 2, size=(trials, test_words, test_length))
    score = np.einsum("tnlh,th->tnl", _features(a, test), r)
    truth = np.cumsum(test, axis=2) % 2
    correct = np.where(truth == 1, score > 0, score < 0)
    success = np.asarray(correct.mean(axis=(1, 2)) >= threshold)
    oracle = np.asarray(((a[:, 0, :] > 0) & (a[:, 1, :] < 0)).any(axis=1))
    return success, oracle


def frozen_diagonal_parity(
    hidden: tuple[int, ...] = (1, 2, 4, 8),
    *,
    trials: int = 100,
    train_words: int = 2,
    train_lengths: tuple[int, int] = (2, 10),
    test_length: int = 500,
    test_words: int = 16,
    weights: str = "gaussian",
    threshold: float = 0.99,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Frozen random real-diagonal letter matrices with a trained readout, on parity.

    For each trial: sample ``a_0, a_1`` in R^H (``weights="gaussian"``: N(0, 1) entries;
    ``"signs"``: independent +-1), start at ``h0 = 1``, normalize ``h`` every step (free by scale
    invariance), fit the readout (two labels, no bias) by logistic regression on every prefix of
    ``train_words`` random words with lengths in ``train_lengths``, and call the trial a success
    when the accuracy over every position of ``test_words`` random words of length
    ``test_length`` is at least ``threshold`` (a tie counts as an error).

    Returns
    -------
    list of dict
        One row per H: ``{"hidden", "weights", "trials", "successes", "success_rate",
        "paper_claim", "derived_claim", "oracle_rate"}``; ``oracle_rate`` is the share of trials
        with a unit whose ``a_0 > 0 > a_1`` (a perfect readout exists).

    Examples
    --------
    >>> rows = frozen_diagonal_parity((1, 8), trials=20, test_length=50, weights="signs")
    >>> [r["hidden"] for r in rows]
    [1, 8]
    >>> 0.0 <= rows[0]["success_rate"] <= rows[0]["oracle_rate"] + 1e-12
    True
    """
    if weights not in ("gaussian", "signs"):
        raise InvalidArgumentError(f"weights must be 'gaussian' or 'signs', got {weights!r}")
    rng = np.random.default_rng(seed)
    rows = []
    for H in hidden:
        success_parts, oracle_parts = [], []
        # chunks bound the memory: one chunk holds chunk x test_words x test_length x H floats
        chunk = max(1, min(trials, 4_000_000 // max(1, test_words * test_length * H)))
        for start in range(0, trials, chunk):
            n = min(chunk, trials - start)
            s, o = _frozen_trials(rng, n, H, train_words, train_lengths, test_length,
                                  test_words, weights, threshold)
            success_parts.append(s)
            oracle_parts.append(o)
        success = np.concatenate(success_parts)
        oracle = np.concatenate(oracle_parts)
        rows.append(
            {
                "hidden": int(H),
                "weights": weights,
                "trials": int(trials),
                "successes": int(success.sum()),
                "success_rate": float(success.mean()),
                "paper_claim": paper_claim(H),
                "derived_claim": derived_claim(H),
                "oracle_rate": float(oracle.mean()),
                "train_words": int(train_words),
                "test_length": int(test_length),
            }
        )
    return rows


# ====================================================== the two readings of the frozen claim
#: The two readings of the claim, by key: the one under which the paper's ``1 - 2**-H`` holds
#: exactly, and the one of the report's experiment (:func:`frozen_diagonal_parity`).
READING_NAMES: dict[str, str] = {
    "whole_word": "label of the whole word, even lengths, +-1 weights",
    "per_position": "label after every prefix, every length, +-1 weights (the report's reading)",
}
#: ``{key: (n mod 2, c mod 2) classes labelled}``: which (length parity, ones parity) classes
#: of prefixes are read (``n >= 1`` reaches all four; whole words of even length two).
READINGS: dict[str, tuple[tuple[int, int], ...]] = {
    "whole_word": ((0, 0), (0, 1)),
    "per_position": ((0, 0), (0, 1), (1, 0), (1, 1)),
}
#: The four kinds of frozen +-1 unit: ``(sign of a_0, sign of a_1)``.
UNIT_KINDS: tuple[tuple[int, int], ...] = ((1, 1), (1, -1), (-1, 1), (-1, -1))


def _zero_in_hull(points: list[tuple[int, ...]]) -> bool:
    """Whether 0 is a convex combination of ``points`` (exact, by Caratheodory: some affinely
    independent subset has a unique barycentric solution with every weight positive)."""
    for k in range(1, len(points) + 1):
        for subset in combinations(points, k):
            A = sympy.Matrix([list(col) for col in zip(*subset, strict=True)] + [[1] * k])
            b = sympy.Matrix([0] * len(subset[0]) + [1])
            if A.rank() != k or A.row_join(b).rank() != k:  # not unique, or no solution
                continue
            sol, _ = A.gauss_jordan_solve(b)
            if all(x > 0 for x in sol):
                return True
    return False


@cache
def _decodable(kinds: tuple[tuple[int, int], ...], classes: tuple[tuple[int, int], ...]) -> bool:
    """Whether a readout without bias decodes parity from frozen units of these kinds.

    A unit with signs ``(s_0, s_1)``, started at 1 and normalized, reads ``s_0^(n-c) s_1^c``
    after a prefix of length ``n`` with ``c`` ones (magnitudes are 1): a function of the class
    ``(n mod 2, c mod 2)`` only, so every prefix of a class has the same state.  Parity is
    decodable iff the states labelled 0 and minus those labelled 1 lie in an open half space,
    which by Gordan's theorem fails exactly when 0 is in their convex hull.
    """
    points = []
    for p, q in classes:
        state = tuple(s0 ** ((p + q) % 2) * s1**q for s0, s1 in kinds)
        points.append(state if q == 0 else tuple(-x for x in state))
    return not _zero_in_hull(points)


def decodable_probability(hidden: int, reading: str) -> Fraction:
    """The exact chance that H frozen units with independent uniform +-1 weights decode
    parity with a readout without bias, under one of :data:`READINGS` (by key).

    Sums, over every set ``T`` of the four unit kinds, the chance that the kinds present are
    exactly ``T`` (inclusion-exclusion over ``(|S| / 4)**H``) times whether ``T`` decodes
    (:func:`_decodable`, exact).  No sampling.

    Examples
    --------
    >>> decodable_probability(2, "whole_word"), decodable_probability(2, "per_position")
    (Fraction(3, 4), Fraction(7, 16))
    """
    if reading not in READINGS:
        raise InvalidArgumentError(f"reading must be one of {list(READINGS)}, got {reading!r}")
    if not isinstance(hidden, int) or hidden < 1:
        raise InvalidArgumentError(f"hidden must be a positive integer, got {hidden!r}")
    total = Fraction(0)
    for mask in product((0, 1), repeat=len(UNIT_KINDS)):
        present = tuple(k for k, m in zip(UNIT_KINDS, mask, strict=True) if m)
        if not present or not _decodable(present, READINGS[reading]):
            continue
        exactly = sum(((-1) ** (len(present) - r)) * len(list(combinations(present, r)))
                      * Fraction(r, 4) ** hidden for r in range(len(present) + 1))
        total += exactly
    return total


def frozen_parity_readings(hidden: tuple[int, ...] = (1, 2, 4, 8)) -> list[dict[str, Any]]:
    """Both readings of the frozen real-diagonal parity claim (:data:`READING_NAMES`), exactly,
    per H.

    Returns
    -------
    list of dict
        ``{"hidden", "paper_claim", "whole_word", "per_position", "fractions", "exact"}``:
        the success probability of each reading as a float, and as ``"k/m"`` in
        ``fractions``; ``per_position`` equals :func:`derived_claim`.

    Examples
    --------
    >>> row = frozen_parity_readings((3,))[0]
    >>> row["whole_word"] == row["paper_claim"] == 1 - 2**-3, row["fractions"]["per_position"]
    (True, '37/64')
    """
    rows = []
    for H in hidden:
        exact = {key: decodable_probability(int(H), key) for key in READINGS}
        rows.append({"hidden": int(H), "paper_claim": paper_claim(int(H)),
                     **{key: float(p) for key, p in exact.items()},
                     "fractions": {key: str(p) for key, p in exact.items()}, "exact": True})
    return rows
