"""Floating-point implementations and the C-fp certificate (docs/explanation/certificates.md,
docs/explanation/numerical-stability.md#horizon, #experiments).

:class:`FloatImplementation` fixes *one* deployed implementation completely: the storage format
(``float16``, ``bfloat16``, ``float32``, ``float64``), the accumulation format, the operation
order (each output unit is accumulated over input units ``j = 0, 1, ..., H-1`` left to right,
one rounding per product and per sum, no fused multiply-add) and optional per-step
normalization ``h <- h / ||h||``.  bfloat16 is emulated in numpy: float32 arithmetic, then
round-to-nearest-even to 8 significand bits; weights are stored in the format.

:func:`float_search` walks every pair (float state, automaton state) reachable under that
implementation, breadth first.  When the set closes under the cap and every pair decodes
correctly, the implementation is correct for every length (sequential evaluation).

Examples
--------
>>> import numpy as np
>>> impl = FloatImplementation("bfloat16")
>>> float(impl.round(np.float32(1.00390625)))      # 1 + 2^-8 is a tie: rounds to even
1.0
>>> horizon_bound(d_min_half=np.sin(np.pi / 5), kappa=1.0, H=2, B=1.0, dtype="float64") > 1e15
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bilinear._progress import Progress
from bilinear.errors import InvalidArgumentError

__all__ = ["FloatImplementation", "FloatInstance", "FORMATS", "UNIT_ROUNDOFF", "round_bfloat16",
           "FloatSearch",
           "float_search", "probe_failure", "drift_probe", "horizon_bound", "decoding_radius",
           "letter_kappa"]

#: Storage formats understood by :class:`FloatImplementation`.
FORMATS = ("float16", "bfloat16", "float32", "float64")

#: Unit roundoff u = 2^-p of each format (p significand bits: 11, 8, 24, 53).
UNIT_ROUNDOFF = {"float16": 2.0**-11, "bfloat16": 2.0**-8, "float32": 2.0**-24,
                 "float64": 2.0**-53}


def round_bfloat16(x: np.ndarray) -> np.ndarray:
    """Round float32 values to bfloat16 (round to nearest, ties to even), returned as float32.

    Examples
    --------
    >>> round_bfloat16(np.array([1.0 + 2**-7, 1.0 + 3 * 2**-9], dtype=np.float32)).tolist()
    [1.0078125, 1.0078125]
    """
    x = np.asarray(x, dtype=np.float32)
    a = np.ascontiguousarray(x).reshape(-1)
    bits = a.view(np.uint32).astype(np.uint64)
    lsb = (bits >> 16) & 1
    rounded = ((bits + 0x7FFF + lsb) & 0xFFFF0000).astype(np.uint32).view(np.float32)
    return np.where(np.isfinite(a), rounded, a).astype(np.float32).reshape(x.shape)


@dataclass(frozen=True)
class FloatImplementation:
    """One fixed floating-point implementation of ``h_t = A(x_t) h_{t-1}`` and its readout.

    Parameters
    ----------
    dtype : str
        Storage format of weights and states: ``"float16"``, ``"bfloat16"``, ``"float32"`` or
        ``"float64"``.
    normalize : bool
        Divide the state by its Euclidean norm after every step
        (docs/explanation/numerical-stability.md#normalization).
    accumulate : str, optional
        Format of products and sums (default: ``float32`` for the 16-bit formats, else
        ``dtype``).
    readout : str
        ``"float64"`` (default): the stored state is decoded exactly enough in float64 against
        the float64 readout (nearest-codeword decoding, as in
        docs/explanation/numerical-stability.md#experiments); ``"same"``: the readout is stored and
        applied in the format like the recurrence.

    Examples
    --------
    >>> impl = FloatImplementation("float32", normalize=True)
    >>> impl.describe()  # doctest: +NORMALIZE_WHITESPACE
    'float32 storage, float32 accumulation in unit order j = 0..H-1, normalized every step,
    float64 readout'
    """

    dtype: str = "float64"
    normalize: bool = False
    accumulate: str | None = None
    readout: str = "float64"

    def __post_init__(self) -> None:
        if self.dtype not in FORMATS:
            raise InvalidArgumentError(f"unknown float format {self.dtype!r}; use one of {FORMATS}")
        acc = self.accumulate
        if acc is None:
            acc = "float32" if self.dtype in ("float16", "bfloat16") else self.dtype
        if acc not in ("float32", "float64") and acc != self.dtype:
            raise InvalidArgumentError(f"accumulation format must be float32 or float64, not {acc}")
        object.__setattr__(self, "accumulate", acc)
        if self.readout not in ("float64", "same"):
            raise InvalidArgumentError(f"readout must be 'float64' or 'same', not {self.readout!r}")
        object.__setattr__(self, "normalize", bool(self.normalize))

    @property
    def acc_dtype(self) -> np.dtype:
        return np.dtype(self.accumulate if self.accumulate != "bfloat16" else "float32")

    @property
    def unit_roundoff(self) -> float:
        return UNIT_ROUNDOFF[self.dtype]

    def describe(self) -> str:
        norm = "normalized every step" if self.normalize else "no normalization"
        dec = "float64 readout" if self.readout == "float64" else f"{self.dtype} readout"
        return (f"{self.dtype} storage, {self.accumulate} accumulation in unit order "
                f"j = 0..H-1, {norm}, {dec}")

    # ------------------------------------------------------------------ arithmetic
    def round(self, x: np.ndarray) -> np.ndarray:
        """Round to the storage format; the result has the accumulation dtype."""
        with np.errstate(all="ignore"):
            if self.dtype == "bfloat16":
                return round_bfloat16(np.asarray(x, dtype=np.float32)).astype(self.acc_dtype)
            return np.asarray(x).astype(self.dtype).astype(self.acc_dtype)

    def store(self, a: np.ndarray) -> np.ndarray:
        """Weights as stored: float64 values rounded to the format (in the accumulation dtype)."""
        return self.round(np.asarray(a, dtype=np.float64))

    def matvec(self, M: np.ndarray, h: np.ndarray) -> np.ndarray:
        """``M h`` for a batch: ``M`` (N, m, H) or (m, H), ``h`` (N, H); sequential sums."""
        acc = self.acc_dtype
        with np.errstate(all="ignore"):
            out = np.zeros((h.shape[0], M.shape[-2]), dtype=acc)
            for j in range(h.shape[1]):
                col = M[..., j]                              # (N, m) or (m,)
                out = (out + (col * h[:, j:j + 1]).astype(acc)).astype(acc)
        return out

    def step(self, A: np.ndarray, h: np.ndarray, letters: np.ndarray) -> np.ndarray:
        """One step for a batch: stored letter matrices ``A`` (D, H, H), states ``h`` (N, H)."""
        out = self.round(self.matvec(A[letters], h))
        if self.normalize:
            out = self.normalized(out)
        return out

    def normalized(self, h: np.ndarray) -> np.ndarray:
        """``h / ||h||`` with the norm accumulated in unit order; zero vectors stay zero."""
        acc = self.acc_dtype
        with np.errstate(all="ignore"):
            sq = np.zeros(h.shape[0], dtype=acc)
            for j in range(h.shape[1]):
                sq = (sq + h[:, j] * h[:, j]).astype(acc)
            norm = np.sqrt(sq).astype(acc)
            safe = np.where(norm > 0, norm, 1).astype(acc)
            return self.round((h / safe[:, None]).astype(acc))

    def stored_readout(self, R: np.ndarray) -> np.ndarray:
        """The readout as this implementation applies it."""
        R = np.asarray(R, dtype=np.float64)
        return R if self.readout == "float64" else self.store(R)

    def decode(self, R: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Readout row of each state (readout ``R`` (S, H) from :meth:`stored_readout`); ``-1``
        for a tie or a non-finite score."""
        with np.errstate(all="ignore"):
            s = (h.astype(np.float64) @ R.T if self.readout == "float64"
                 else self.matvec(R, h))
        top = s.max(axis=1)
        unique = (s == top[:, None]).sum(axis=1) == 1
        ok = unique & np.isfinite(top)
        return np.where(ok, s.argmax(axis=1), -1)


@dataclass(frozen=True, eq=False)
class FloatInstance:
    """What a float search runs on: the float64 weights (``W`` (H, H, D), ``h0``, ``R``), the
    automaton table with its start index and the label index of each state, the model input
    of each automaton symbol (``columns``) and the automaton label of each readout row
    (``row_label``, ``-1``: none).

    Examples
    --------
    >>> inst = FloatInstance(W=np.array([[[1.0, -1.0]]]), h0=np.ones(1),
    ...                      R=np.array([[1.0], [-1.0]]), table=np.array([[0, 1], [1, 0]]),
    ...                      start=0, labels=np.array([0, 1]), columns=np.array([0, 1]),
    ...                      row_label=np.array([0, 1]))
    >>> float_search(FloatImplementation("float16"), inst).status
    'closed'
    """

    W: np.ndarray
    h0: np.ndarray
    R: np.ndarray
    table: np.ndarray
    start: int
    labels: np.ndarray
    columns: np.ndarray
    row_label: np.ndarray

    def stored(self, impl: FloatImplementation) -> tuple[np.ndarray, np.ndarray]:
        """The letter matrices of the automaton's symbols (K, H, H) and the readout, as
        ``impl`` stores them."""
        A = impl.store(np.moveaxis(np.asarray(self.W, dtype=np.float64), 2, 0))[self.columns]
        return A, impl.stored_readout(self.R)

    def start_state(self, impl: FloatImplementation) -> np.ndarray:
        """``h0`` as stored, shape (1, H)."""
        return impl.round(np.asarray(self.h0, dtype=np.float64)[None, :])


@dataclass
class FloatSearch:
    """Result of :func:`float_search`; ``status`` is ``"closed"``, ``"failure"`` or ``"cap"``."""

    status: str
    pairs: int
    distinct_states: int
    depth: int
    edges: int = 0
    failure_word: list | None = None
    failure_row: int = -1
    failure_state: int = -1
    #: When closed: the float state (P, H) and automaton state of every pair, and the pair
    #: reached from each pair by each automaton letter (P, K).
    points: np.ndarray | None = None
    point_states: np.ndarray | None = None
    successors: np.ndarray | None = None


def float_search(impl: FloatImplementation, inst: FloatInstance,
                 max_pairs: int = 200_000) -> FloatSearch:
    """Breadth-first search of the (float state, automaton state) pairs of ``impl`` on the
    instance ``inst``.  Pairs are decoded when first reached, so a failure comes with a
    shortest word.  Reports progress per depth (:class:`bilinear._progress.Progress`: on a
    terminal or with ``BILINEAR_PROGRESS=1``).
    """
    with Progress(max_pairs, "float search", unit="pair") as bar:
        return _float_search(impl, inst, max_pairs, bar)


def _float_search(impl: FloatImplementation, inst: FloatInstance, max_pairs: int,
                  bar: Progress) -> FloatSearch:
    A, Rs = inst.stored(impl)                                         # (K, H, H)
    table, start, labels, row_label = inst.table, inst.start, inst.labels, inst.row_label
    K = A.shape[0]
    h = inst.start_state(impl)
    keys: dict[bytes, int] = {h.tobytes() + np.array([start], dtype="<i8").tobytes(): 0}
    parents: list[int] = [-1]
    letters_: list[int] = [-1]
    frontier_h, frontier_q = h, np.array([start], dtype=np.int64)
    frontier_id = np.array([0], dtype=np.int64)
    distinct = {h[0].tobytes()}
    depth, edges = 0, 0
    start_checked = False
    succ: list[list[int]] = [[-1] * K]
    chunks_h, chunks_q = [h], [np.array([start], dtype=np.int64)]

    def word_of(p: int) -> list[int]:
        out = []
        while parents[p] >= 0:
            out.append(letters_[p])
            p = parents[p]
        return out[::-1]

    while frontier_q.size:
        depth += 1
        F = frontier_q.size
        hh = np.repeat(frontier_h, K, axis=0)
        let = np.tile(np.arange(K), F)
        nh = impl.step(A, hh, let)
        nq = table[np.repeat(frontier_q, K), let]
        src = np.repeat(frontier_id, K)
        edges += nh.shape[0]
        rows = impl.decode(Rs, nh)
        ok = (rows >= 0) & (row_label[np.maximum(rows, 0)] == labels[nq])
        M = nh.shape[0]
        hb = np.ascontiguousarray(nh).view(np.uint8).reshape(M, -1)
        kb = np.ascontiguousarray(np.concatenate(
            [hb, nq.astype("<i8")[:, None].view(np.uint8)], axis=1))
        key_list: list[bytes] = kb.view(np.dtype((np.void, kb.shape[1]))).ravel().tolist()  # type: ignore[assignment]
        h_list = np.ascontiguousarray(hb).view(np.dtype((np.void, hb.shape[1]))).ravel().tolist()
        ok_list, src_list, let_list = ok.tolist(), src.tolist(), let.tolist()
        new_idx = []
        for i, key in enumerate(key_list):
            pid = keys.get(key)
            if pid is not None:
                succ[src_list[i]][let_list[i]] = pid
                if pid == 0 and not start_checked:
                    start_checked = True
                    if not ok_list[i]:
                        return FloatSearch("failure", len(parents), len(distinct), depth, edges,
                                           word_of(src_list[i]) + [let_list[i]], int(rows[i]),
                                           int(nq[i]))
                continue
            pid = len(parents)
            keys[key] = pid
            parents.append(src_list[i])
            letters_.append(let_list[i])
            succ[src_list[i]][let_list[i]] = pid
            succ.append([-1] * K)
            if not ok_list[i]:
                return FloatSearch("failure", len(parents), len(distinct), depth, edges,
                                   word_of(pid), int(rows[i]), int(nq[i]))
            distinct.add(h_list[i])
            new_idx.append(i)
            if len(parents) > max_pairs:
                return FloatSearch("cap", len(parents), len(distinct), depth, edges)
        bar.update(len(new_idx), note=f"depth {depth}")
        idx = np.array(new_idx, dtype=np.int64)
        frontier_h, frontier_q = nh[idx], nq[idx]
        chunks_h.append(frontier_h)
        chunks_q.append(frontier_q)
        frontier_id = np.arange(len(parents) - idx.size, len(parents), dtype=np.int64)
    return FloatSearch("closed", len(parents), len(distinct), depth, edges,
                       points=np.concatenate(chunks_h).astype(np.float64),
                       point_states=np.concatenate(chunks_q),
                       successors=np.array(succ, dtype=np.int64).reshape(-1, K))


def probe_failure(impl: FloatImplementation, inst: FloatInstance, length: int = 2_000,
                  random_words: int = 8, seed: int = 0) -> tuple[list[int], int, int] | None:
    """Look for a failing word beyond the reach of the exhaustive search.

    Runs, under ``impl``, the constant words ``a a a ...``, seeded random words, and two greedy
    adversaries that pick at every step the letter that makes ``||h||`` largest (smallest),
    driving radial drift towards overflow (underflow), up to ``length`` steps.  Returns
    ``(word, decoded row, automaton state)`` for the earliest failing prefix, else ``None``.
    """
    A, Rs = inst.stored(impl)
    table, labels, row_label = inst.table, inst.labels, inst.row_label
    K = A.shape[0]
    rng = np.random.default_rng(seed)
    words = np.concatenate([np.repeat(np.arange(K)[:, None], length, axis=1),
                            rng.integers(0, K, size=(random_words, length))])
    B = words.shape[0] + 2
    h = np.repeat(inst.start_state(impl), B, axis=0)
    q = np.full(B, inst.start, dtype=np.int64)
    chosen = np.zeros((2, length), dtype=np.int64)
    all_letters = np.arange(K)
    for t in range(length):
        # greedy adversaries: the last two rows
        cand = impl.step(A, np.repeat(h[-2:], K, axis=0), np.tile(all_letters, 2))
        with np.errstate(all="ignore"):
            norms = np.linalg.norm(cand.astype(np.float64), axis=1).reshape(2, K)
        norms = np.where(np.isfinite(norms), norms, np.inf)
        pick = np.array([int(np.argmax(norms[0])), int(np.argmin(norms[1]))])
        chosen[:, t] = pick
        letters = np.concatenate([words[:, t], pick])
        h = np.concatenate([impl.step(A, h[:-2], words[:, t]), cand[[pick[0], K + pick[1]]]])
        q = table[q, letters]
        rows = impl.decode(Rs, h)
        bad = (rows < 0) | (row_label[np.maximum(rows, 0)] != labels[q])
        if np.any(bad):
            b = int(np.nonzero(bad)[0][0])
            word = words[b, :t + 1] if b < words.shape[0] else chosen[b - words.shape[0], :t + 1]
            return word.tolist(), int(rows[b]), int(q[b])
    return None


_MAX_EXP = {"float16": 15, "bfloat16": 127, "float32": 127, "float64": 1023}
_MIN_EXP = {"float16": -14, "bfloat16": -126, "float32": -126, "float64": -1022}


def drift_probe(impl: FloatImplementation, inst: FloatInstance, max_period_search: int = 2_000,
                ) -> tuple[list[int], int, int, str] | None:
    """Find radial-drift failures of constant words by scale-periodicity
    (docs/explanation/numerical-stability.md#normalization).

    Follow ``a a a ...`` until a pair (state up to a power of two, automaton state) repeats:
    ``h_{t1} = 2^e h_{t0}`` exactly.  Rounding commutes with scaling by powers of two in the
    normal range, so the run from ``t1`` is ``2^e`` times the run from ``t0``: with ``e != 0``
    the state overflows (``e > 0``) or underflows (``e < 0``).  Jump ahead by whole periods to
    just before the range ends, then simulate to the failing step.  Returns ``(word, decoded
    row, automaton state, explanation)`` or ``None``.
    """
    A, Rs = inst.stored(impl)
    table, labels, row_label = inst.table, inst.labels, inst.row_label
    h_start = inst.start_state(impl)
    for a in range(A.shape[0]):
        h, q = h_start, inst.start
        seen: dict[bytes, tuple[int, int]] = {}
        letter = np.array([a])
        for t in range(1, max_period_search + 1):
            h = impl.step(A, h, letter)
            q = int(table[q, a])
            if not np.all(np.isfinite(h)) or not np.any(h):
                break
            e = int(np.frexp(np.abs(h).max())[1])
            key = np.ldexp(h.astype(np.float64), -e).tobytes() + q.to_bytes(8, "little")
            if key in seen:
                t0, e0 = seen[key]
                period, de = t - t0, e - e0
                if de == 0:
                    break
                limit = (_MAX_EXP[impl.dtype] - 4) if de > 0 else (_MIN_EXP[impl.dtype] + 4)
                jumps = max(0, (limit - e) // de)
                with np.errstate(all="ignore"):
                    h = np.ldexp(h.astype(np.float64), int(jumps * de)).astype(impl.acc_dtype)
                t += jumps * period
                for _ in range(4 * period + 64):
                    h = impl.step(A, h, letter)
                    q = int(table[q, a])
                    t += 1
                    row = int(impl.decode(Rs, h)[0])
                    if row < 0 or row_label[row] != labels[q]:
                        why = (f"the constant word of letter {a} is periodic up to scaling "
                               f"(h_{{t+{period}}} = 2^{de} h_t from t = {t0}), so it "
                               f"{'overflows' if de > 0 else 'underflows'}; the run was "
                               "extrapolated by whole periods (exact: rounding commutes with "
                               "scaling by powers of two) and finished step by step")
                        return [a] * t, row, q, why
                break
            seen[key] = (t, e)
    return None


# ================================================================================ horizon
def horizon_bound(d_min_half: float, kappa: float, H: int, B: float, dtype: str) -> float:
    """``T_safe ~ (d_min / 2) / (kappa (c_A + c_H) u B)`` of
    docs/explanation/numerical-stability.md#horizon, with ``c_A + c_H = H + 2`` (4 for the 2 x 2
    rotation of the worked example).

    Examples
    --------
    >>> round(horizon_bound(np.sin(np.pi / 5), 1.0, 2, 1.0, "bfloat16"))
    38
    """
    if dtype not in UNIT_ROUNDOFF:
        raise InvalidArgumentError(f"unknown float format {dtype!r}")
    return float(d_min_half / (kappa * (H + 2) * UNIT_ROUNDOFF[dtype] * B))


def decoding_radius(R: np.ndarray, codes: np.ndarray, correct_rows: Sequence[np.ndarray]) -> float:
    """Largest ``r`` such that every point within ``r`` of a code decodes like the code:
    ``min_q min_j (R_c - R_j) . h_q / ||R_c - R_j||`` over wrong rows ``j`` (``c``: the winning
    row).  This is ``d_min / 2`` for nearest-codeword readouts with codes of equal norm."""
    best = np.inf
    for h, rows in zip(codes, correct_rows, strict=False):
        s = R @ h
        c = int(np.argmax(s))
        if c not in set(np.asarray(rows).tolist()):
            return 0.0
        wrong = np.setdiff1d(np.arange(R.shape[0]), rows)
        if wrong.size == 0:
            continue
        diff = R[c][None, :] - R[wrong]
        dist = (s[c] - s[wrong]) / np.linalg.norm(diff, axis=1)
        best = min(best, float(dist.min()))
    return float(best)


def letter_kappa(mats: Sequence[np.ndarray], cap: int = 2000) -> float | None:
    """Condition number ``kappa(S)`` of an invariant inner product of the matrix group the
    letters generate (1 for orthogonal letters); ``None`` when the closure exceeds ``cap``."""
    mats = [np.asarray(m, dtype=np.float64) for m in mats]
    H = mats[0].shape[0]
    if all(np.allclose(m.T @ m, np.eye(H), atol=1e-10) for m in mats):
        return 1.0
    seen = {np.round(np.eye(H), 8).tobytes(): np.eye(H)}
    frontier = [np.eye(H)]
    while frontier:
        nxt = []
        for g in frontier:
            for m in mats:
                x = m @ g
                if not np.all(np.isfinite(x)) or np.abs(x).max() > 1e8:
                    return None
                key = np.round(x, 8).tobytes()
                if key not in seen:
                    seen[key] = x
                    nxt.append(x)
                    if len(seen) > cap:
                        return None
        frontier = nxt
    P = sum(g.T @ g for g in seen.values())
    ev = np.linalg.eigvalsh(P)
    if ev.min() <= 0:
        return None
    return float(np.sqrt(ev.max() / ev.min()))


