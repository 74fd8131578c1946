"""Float and cell checks of the kernel.

* ``float``: the points are floats; every successor is recomputed by the kernel's own
  implementation of the stated format (round to nearest, ties to even; products and sums
  rounded one at a time, in unit order ``j = 0..H-1``, no fused multiply-add) and must be
  bit-identical; decoding is decided exactly (float64 readout: the exact value of ``R h``).
* ``cells`` (exact rational intervals): one box per state; ``h0`` lies in the start box, the
  image of every box under every letter lies in the successor's box, and the readout is
  constant and correct on every box.

Examples
--------
>>> _round_bf16(np.array([1.0 + 2.0**-9], dtype=np.float32)).tolist()
[1.0]
>>> _mul(Fraction(-2), math.inf)
-inf
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from bilinear.verification.kernel._exact import _check_points, _exact_weights
from bilinear.verification.kernel._records import (
    _EXACT_FORMATS,
    FLOAT_FORMATS,
    Automaton,
    Evidence,
    KernelVerdict,
    Model,
    _bound,
    _label_text,
    _need,
    _Refused,
)


def _round_bf16(x: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 (round to nearest, ties to even), as float32."""
    x32 = np.ascontiguousarray(x, dtype=np.float32)
    b = x32.view(np.uint32).astype(np.uint64)
    keep = (b + np.uint64(0x7FFF) + ((b >> np.uint64(16)) & np.uint64(1))) & np.uint64(0xFFFF0000)
    out = keep.astype(np.uint32).view(np.float32)
    return np.where(np.isfinite(x32), out, x32)


class _Arith:
    """The stated float format: storage rounding and sequential accumulation."""

    def __init__(self, impl: Mapping[str, Any]) -> None:
        self.dtype = str(impl.get("dtype"))
        _need(self.dtype in FLOAT_FORMATS, f"unknown float format {self.dtype!r}")
        self.acc = np.dtype(str(impl.get("accumulate")))
        _need(self.acc in (np.dtype(np.float32), np.dtype(np.float64)) or str(self.acc) ==
              self.dtype, f"unknown accumulation format {self.acc}")
        self.normalize = bool(impl.get("normalize", False))
        self.readout = str(impl.get("readout", "float64"))
        _need(self.readout in ("float64", "same"), f"unknown readout {self.readout!r}")

    def store(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            if self.dtype == "bfloat16":
                return _round_bf16(np.asarray(x, dtype=np.float32)).astype(self.acc)
            return np.asarray(x).astype(self.dtype).astype(self.acc)

    def matvec(self, M: np.ndarray, h: np.ndarray) -> np.ndarray:
        """``M`` (m, H), ``h`` (N, H): each output summed over j = 0..H-1 in order."""
        with np.errstate(all="ignore"):
            out = np.zeros((h.shape[0], M.shape[0]), dtype=self.acc)
            for j in range(h.shape[1]):
                prod = (M[None, :, j] * h[:, j:j + 1]).astype(self.acc)
                out = (out + prod).astype(self.acc)
        return out

    def step(self, A: np.ndarray, h: np.ndarray) -> np.ndarray:
        out = self.store(self.matvec(A, h))
        if self.normalize:
            with np.errstate(all="ignore"):
                sq = np.zeros(out.shape[0], dtype=self.acc)
                for j in range(out.shape[1]):
                    sq = (sq + out[:, j] * out[:, j]).astype(self.acc)
                norm = np.sqrt(sq).astype(self.acc)
                safe = np.where(norm > 0, norm, 1).astype(self.acc)
                out = self.store((out / safe[:, None]).astype(self.acc))
        return out


def _float_decode(ar: _Arith, R: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique argmax row of each state's scores (``-1``: a tie or not finite) and an exact
    margin (as a float lower bound), decided exactly."""
    N = h.shape[0]
    if ar.readout == "same":
        Rs = ar.store(R)
        s = ar.matvec(Rs, h).astype(np.float64)
        if R.shape[0] == 1:
            return np.zeros(N, dtype=np.int64), np.full(N, np.inf)
        srt = np.sort(s, axis=1)
        ok = np.isfinite(srt).all(axis=1) & (srt[:, -1] > srt[:, -2])
        return np.where(ok, s.argmax(axis=1), -1), srt[:, -1] - srt[:, -2]
    hd = h.astype(np.float64)
    if R.shape[0] == 1:
        return np.zeros(N, dtype=np.int64), np.full(N, np.inf)
    with np.errstate(all="ignore"):
        s = hd @ R.T
        # |fl(R h) - R h| <= gamma_(H+1) |R| |h| in any summation order (plus underflow)
        bound = (np.abs(hd) @ np.abs(R).T) * (R.shape[1] + 2) * 2.0**-52 + R.shape[1] * 2.0**-1070
    idx = np.arange(N)
    best = s.argmax(axis=1)
    runner_hi = np.max(np.where(np.arange(R.shape[0])[None, :] == best[:, None], -np.inf,
                                s + bound), axis=1)
    sure = (np.isfinite(s).all(axis=1) & np.isfinite(bound).all(axis=1)
            & (s[idx, best] - bound[idx, best] > runner_hi))
    rows = np.where(sure, best, -1)
    srt = np.sort(s, axis=1)
    margin = srt[:, -1] - srt[:, -2]
    seq = _Arith({"dtype": "float64", "accumulate": "float64"})
    for i in np.flatnonzero(~sure).tolist():
        # a close call: the exact argmax must be unique and equal the float64 argmax of the
        # stated order (products and sums rounded one at a time, j = 0..H-1)
        if not np.all(np.isfinite(hd[i])):
            continue
        ex = [sum((Fraction(float(r)) * Fraction(float(x))
                   for r, x in zip(row, hd[i], strict=True) if x), Fraction(0)) for row in R]
        order = sorted(range(len(ex)), key=lambda k: ex[k], reverse=True)
        fl = seq.matvec(R, hd[i:i + 1])[0]
        unique = int((fl == fl.max()).sum()) == 1
        if ex[order[0]] > ex[order[1]] and unique and int(fl.argmax()) == order[0]:
            rows[i] = order[0]
            margin[i] = float(ex[order[0]] - ex[order[1]])
    return rows, margin


def _check_float(ev: Evidence, model: Model, au: Automaton, table: np.ndarray,
                 columns: np.ndarray, row_label: np.ndarray) -> KernelVerdict:
    impl = ev.implementation
    if impl is None:
        raise _Refused("float evidence needs its implementation")
    ar = _Arith(impl)
    _need(ev.number_format == ar.dtype, "the evidence's number format is not its dtype")
    _need(model.W is not None and model.readout is not None, "float evidence needs W")
    W = np.asarray(model.W, dtype=np.float64)
    R = np.asarray(model.readout, dtype=np.float64)
    A = ar.store(np.moveaxis(W, 2, 0))                       # (D, H, H), as stored
    K = table.shape[1]
    n = _check_points(ev, table.shape[0], K)
    V = np.asarray(ev.vectors, dtype=np.float64)
    _need(V.ndim == 2 and V.shape[1] == W.shape[0], "the points have the wrong length")
    Vs = V.astype(ar.acc)
    _need(np.array_equal(ar.store(Vs), Vs, equal_nan=True),
          f"a point is not a {ar.dtype} number")
    pv = np.asarray(ev.point_vector, dtype=np.int64)
    ps = np.asarray(ev.point_state, dtype=np.int64)
    _need(np.all((pv >= 0) & (pv < V.shape[0])), "a point has an unknown vector")
    h0 = ar.store(np.asarray(model.h0, dtype=np.float64)[None, :])
    _need(np.array_equal(h0[0], Vs[pv[0]]) and ps[0] == au.start,
          "point 0 is not the stored h0 in the start state")
    succ = np.asarray(ev.successors, dtype=np.int64).reshape(n, K)
    _need(np.all((succ >= 0) & (succ < n)), "a successor is not a point")
    X = Vs[pv]
    for a in range(K):
        img = ar.step(A[int(columns[a])], X)
        tgt = Vs[pv[succ[:, a]]]
        same = (img == tgt) | (np.isnan(img) & np.isnan(tgt))
        bad = np.flatnonzero(~same.all(axis=1) | (ps[succ[:, a]] != table[ps, a]))
        if bad.size:
            p = int(bad[0])
            raise _Refused(f"point {p}: under letter {a} the {ar.dtype} step does not give "
                           f"point {int(succ[p, a])} in state {int(table[ps[p], a])}")
    dec = np.unique(succ)                       # the points some letter reaches
    rows, margin = _float_decode(ar, R, X[dec])
    want = np.asarray(au.state_label, dtype=np.int64)[ps[dec]]
    bad = np.flatnonzero((rows < 0) | (row_label[np.maximum(rows, 0)] != want))
    if bad.size:
        i = int(bad[0])
        p, r = int(dec[i]), int(rows[i])
        got = ("a tie" if r < 0 else
               f"readout row {r}, labelled {_label_text(au, int(row_label[r]))}")
        raise _Refused(f"point {p} (state {int(ps[p])}) decodes to {got}, not label "
                       f"{_label_text(au, int(want[i]))}")
    return KernelVerdict("agrees", "", n * K + dec.size + 1,
                         f"{float(margin.min()):.6g}" if margin.size else "",
                         (f"{n} points recomputed bit for bit in {ar.dtype}",))


# ================================================================================ cells
Bound = Fraction | float


def _box(lo: Sequence[Any], hi: Sequence[Any]) -> tuple[list[Bound], list[Bound]]:
    return [_bound(x, "cell bound") for x in lo], [_bound(x, "cell bound") for x in hi]


def _mul(a: Fraction, x: Bound) -> Bound:
    if isinstance(x, float):
        return x if a > 0 else -x
    return a * x


def _image(cols: dict[int, list[tuple[int, Fraction]]], box: tuple[list[Bound], list[Bound]],
           H: int) -> tuple[list[Bound], list[Bound]]:
    lo: list[Bound] = [Fraction(0)] * H
    hi: list[Bound] = [Fraction(0)] * H
    for j, col in cols.items():
        for i, a in col:
            x, y = _mul(a, box[0][j]), _mul(a, box[1][j])
            if x > y:
                x, y = y, x
            lo[i] = lo[i] + x
            hi[i] = hi[i] + y
    return lo, hi


def _check_cells(ev: Evidence, model: Model, au: Automaton, table: np.ndarray,
                 columns: np.ndarray, row_label: np.ndarray) -> KernelVerdict:
    _need(ev.number_format in _EXACT_FORMATS, "cells need exact rational weights")
    letters, h0, R, source = _exact_weights(ev, model)
    H = len(h0)
    boxes = {int(q): _box(lo, hi) for q, lo, hi in ev.boxes}
    _need(all(len(b[0]) == len(b[1]) == H for b in boxes.values()), "a cell has the wrong size")
    _need(all(not (isinstance(x, float) and math.isnan(x)) for b in boxes.values()
              for x in b[0] + b[1]), "a cell bound is not a number")
    start = boxes.get(int(au.start))
    if start is None:
        raise _Refused("the start state has no cell")
    _need(all(lo <= x <= hi for x, lo, hi in zip(h0, *start, strict=True)),
          "h0 is not in the cell of the start state")
    checked = 1
    for q, box in boxes.items():
        for a in range(table.shape[1]):
            q2 = int(table[q, a])
            tgt = boxes.get(q2)
            if tgt is None:
                raise _Refused(f"state {q2}, reached from state {q}, has no cell")
            lo, hi = _image(letters[int(columns[a])], box, H)
            ok = all(x >= y for x, y in zip(lo, tgt[0], strict=True)) and all(
                x <= y for x, y in zip(hi, tgt[1], strict=True))
            _need(ok, f"the image of the cell of state {q} under letter {a} is not inside the "
                      f"cell of state {q2}")
            checked += 1
    least: Bound | None = None
    targets = {int(table[q, a]) for q in boxes for a in range(table.shape[1])}
    for q, box in boxes.items():
        if q not in targets:
            continue                      # the empty word is not decoded
        lab = int(au.state_label[q])
        best: Bound | None = None
        for c in np.flatnonzero(row_label == lab).tolist():
            worst: Bound = math.inf
            for j in range(len(R)):
                if j != c:
                    d = [x - y for x, y in zip(R[c], R[j], strict=True)]
                    m: Bound = Fraction(0)
                    for di, lo_, hi_ in zip(d, box[0], box[1], strict=True):
                        if di:
                            m = m + min(_mul(di, lo_), _mul(di, hi_))
                    worst = min(worst, m)
            if worst > 0 and (best is None or worst > best):
                best = worst
        if best is None:
            raise _Refused(f"the readout is not constant and correct on the cell of state {q}")
        least = best if least is None else min(least, best)
        checked += 1
    return KernelVerdict("agrees", "", checked, str(least),
                         (source, f"{len(boxes)} cells, exact rational interval arithmetic"))
