"""The kernel's real number fields ``QQ(theta)``: orbits of evidence in ``"algebraic"`` form.

``theta`` is a real root of a rational polynomial, located by bisection of a rational interval
with a sign change; elements are rational coefficient vectors modulo the polynomial (exact
equality), signs and values by exact rational interval evaluation at ``theta``.

Examples
--------
>>> F = _Field({"minpoly": ["1", "0", "-2"], "interval": ["1", "2"]})     # sqrt(2)
>>> r2 = F.parse("1;0")
>>> F.mul(r2, r2) == F.parse("2"), F.sign(F.add(r2, F.parse("-1.5")))
(True, -1)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from bilinear.verification.kernel._exact import _check_points, _check_successors
from bilinear.verification.kernel._records import (
    Automaton,
    Evidence,
    KernelVerdict,
    Model,
    _fraction,
    _label_text,
    _need,
    _Refused,
)

Poly = tuple[Fraction, ...]          # coefficients, constant term first, length = degree


def _down(x: Fraction) -> float:
    f = float(x)
    return f if Fraction(f) <= x else math.nextafter(f, -math.inf)


def _up(x: Fraction) -> float:
    f = float(x)
    return f if Fraction(f) >= x else math.nextafter(f, math.inf)


def _imul(al: np.ndarray, ah: np.ndarray, bl: np.ndarray,
          bh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outward-rounded interval product (broadcasting)."""
    ps = np.stack(np.broadcast_arrays(al * bl, al * bh, ah * bl, ah * bh))
    return np.nextafter(ps.min(axis=0), -np.inf), np.nextafter(ps.max(axis=0), np.inf)


def _isum(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outward-rounded sums over the last axis."""
    sl = np.zeros(lo.shape[:-1])
    sh = np.zeros(hi.shape[:-1])
    for i in range(lo.shape[-1]):
        sl = np.nextafter(sl + lo[..., i], -np.inf)
        sh = np.nextafter(sh + hi[..., i], np.inf)
    return sl, sh


class _Field:
    """``QQ(theta)`` for a real root ``theta`` of a rational polynomial, located by bisection
    of a rational interval with a sign change; exact arithmetic on coefficient vectors modulo
    the polynomial, signs and values by exact rational interval evaluation."""

    MAX_BITS = 4096

    def __init__(self, data: Mapping[str, Any] | None) -> None:
        _need(data is not None, "algebraic evidence needs its field_data")
        assert data is not None
        coeffs = [_fraction(c, "minpoly") for c in data["minpoly"]]
        _need(len(coeffs) >= 2 and coeffs[0] != 0, "the field polynomial must have degree >= 1")
        lead = coeffs[0]
        self.mod = [c / lead for c in reversed(coeffs)]          # monic, constant first
        self.d = len(self.mod) - 1
        lo, hi = (_fraction(x, "interval") for x in data["interval"])
        _need(lo < hi, "the root interval is empty")
        flo, fhi = self._f(lo), self._f(hi)
        _need(flo == 0 or fhi == 0 or (flo < 0) != (fhi < 0),
              "the field polynomial has no sign change on the root interval")
        self.lo, self.hi = (lo, lo) if flo == 0 else (hi, hi) if fhi == 0 else (lo, hi)
        self.bits = 0
        self._powers: tuple[int, np.ndarray, np.ndarray] | None = None
        self._refine(64)

    def _f(self, x: Fraction) -> Fraction:
        acc = Fraction(0)
        for c in reversed(self.mod):
            acc = acc * x + c
        return acc

    def _refine(self, bits: int) -> None:
        width = Fraction(1, 2**bits)
        flo = self._f(self.lo)
        while self.hi - self.lo > width:
            mid = (self.lo + self.hi) / 2
            fm = self._f(mid)
            if fm == 0:
                self.lo = self.hi = mid
                break
            if (fm < 0) == (flo < 0):
                self.lo, flo = mid, fm
            else:
                self.hi = mid
        self.bits = max(self.bits, bits)

    def parse(self, text: Any) -> Poly:
        if not isinstance(text, str):
            raise _Refused(f"a field element must be a string, got {text!r}")
        cs = [_fraction(c, "field element") for c in text.split(";")]
        return self.reduce(list(reversed(cs)))

    def reduce(self, c: list[Fraction]) -> Poly:
        c = list(c)
        for k in range(len(c) - 1, self.d - 1, -1):
            t = c[k]
            if t:
                for i in range(self.d + 1):
                    c[k - self.d + i] -= t * self.mod[i]
        c = (c + [Fraction(0)] * self.d)[:self.d]
        return tuple(c)

    def add(self, a: Poly, b: Poly) -> Poly:
        return tuple(x + y for x, y in zip(a, b, strict=True))

    def mul(self, a: Poly, b: Poly) -> Poly:
        out = [Fraction(0)] * (2 * self.d)
        for i, x in enumerate(a):
            if x:
                for j, y in enumerate(b):
                    if y:
                        out[i + j] += x * y
        return self.reduce(out)

    def scale(self, q: Fraction, a: Poly) -> Poly:
        return tuple(q * x for x in a)

    def interval(self, a: Poly) -> tuple[Fraction, Fraction]:
        lo_t, hi_t = self.lo, self.hi
        acc_lo = acc_hi = Fraction(0)
        for c in reversed(a):
            ps = (acc_lo * lo_t, acc_lo * hi_t, acc_hi * lo_t, acc_hi * hi_t)
            acc_lo, acc_hi = min(ps) + c, max(ps) + c
        return acc_lo, acc_hi

    def boxes(self, elems: Sequence[Poly]) -> tuple[np.ndarray, np.ndarray]:
        """Float enclosures ``lo <= value <= hi`` of many elements at once (every float
        operation widened outward by one ulp, so the bounds are proven)."""
        if self._powers is None or self._powers[0] != self.bits:
            pl, ph = [], []
            p_lo = p_hi = Fraction(1)
            for _ in range(self.d):
                pl.append(_down(p_lo))
                ph.append(_up(p_hi))
                ps = (p_lo * self.lo, p_lo * self.hi, p_hi * self.lo, p_hi * self.hi)
                p_lo, p_hi = min(ps), max(ps)
            self._powers = (self.bits, np.array(pl), np.array(ph))
        _, Pl, Ph = self._powers
        C = np.array([[float(c) for c in e] for e in elems], dtype=np.float64).reshape(-1, self.d)
        Cl, Ch = np.nextafter(C, -np.inf), np.nextafter(C, np.inf)
        lo, hi = _imul(Cl, Ch, Pl[None, :], Ph[None, :])
        return _isum(lo, hi)

    def sign(self, a: Poly) -> int:
        if not any(a):
            return 0
        while True:
            lo, hi = self.interval(a)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
            if self.bits >= self.MAX_BITS or self.lo == self.hi:
                raise _Refused("a sign in the number field is not decided at "
                               f"{self.MAX_BITS} bits")
            self._refine(2 * self.bits)

    def close_to(self, a: Poly, w: float) -> bool:
        """Whether the float ``w`` is within one ulp of the value of ``a``."""
        if not any(a):
            return w == 0.0
        if w == 0.0 or not math.isfinite(w):
            return False
        u = Fraction(math.ulp(w))
        while True:
            lo, hi = self.interval(a)
            if hi - lo <= u / 4 or self.bits >= self.MAX_BITS or self.lo == self.hi:
                return Fraction(w) - u <= lo and hi <= Fraction(w) + u
            self._refine(2 * self.bits)


def _check_algebraic_orbit(ev: Evidence, model: Model, au: Automaton, table: np.ndarray,
                           columns: np.ndarray, row_label: np.ndarray) -> KernelVerdict:
    F = _Field(ev.field_data)
    _need(ev.exact_weights is not None, "algebraic evidence needs the exact letter images")
    assert ev.exact_weights is not None
    _need(model.W is not None and model.readout is not None,
          "this evidence needs the dense weights W, h0 and readout")
    W = np.asarray(model.W, dtype=np.float64)
    h0f = np.asarray(model.h0, dtype=np.float64)
    Rf = np.asarray(model.readout, dtype=np.float64)
    H, _, D = W.shape
    ew = ev.exact_weights
    _need(len(ew["letters"]) == D, "the exact weights have the wrong number of letters")
    zero: Poly = (Fraction(0),) * F.d
    letters: list[dict[int, list[tuple[int, Poly]]]] = []
    exact_W: dict[tuple[int, int, int], Poly] = {}
    for k, entries in enumerate(ew["letters"]):
        cols: dict[int, list[tuple[int, Poly]]] = {}
        for i, j, v in entries:
            x = F.parse(v)
            cols.setdefault(int(j), []).append((int(i), x))
            exact_W[(int(i), int(j), k)] = x
        letters.append(cols)
    h0x = [zero] * H
    for i, v in ew["h0"]:
        h0x[int(i)] = F.parse(v)
    Rx = [[zero] * H for _ in range(Rf.shape[0])]
    for i, j, v in ew["readout"]:
        Rx[int(i)][int(j)] = F.parse(v)
    c0 = _fraction(ev.h0_scale, "h0_scale")
    _need(c0 > 0, "h0_scale must be positive")
    # the floats round the exact images (to within one ulp, at the root theta)
    ii, jj, kk = np.nonzero(W)
    nonzero = set(zip(ii.tolist(), jj.tolist(), kk.tolist(), strict=True))
    _need(nonzero <= set(exact_W), "W has a nonzero entry where the exact letters have none")
    for (i, j, k), x in exact_W.items():
        _need(F.close_to(x, float(W[i, j, k])),
              f"W[{i}, {j}, {k}] is not within one ulp of its exact image")
    _need(all(F.close_to(F.scale(c0, h0x[i]), float(h0f[i])) for i in range(H)),
          "the float h0 is not within one ulp of h0_scale times the exact h0")
    _need(all(F.close_to(Rx[i][j], float(Rf[i, j])) for i in range(Rf.shape[0])
              for j in range(H)), "the float readout is not within one ulp of the exact one")
    K = table.shape[1]
    n = _check_points(ev, table.shape[0], K)
    vecs = [{int(i): F.parse(x) for i, x in vec} for vec in ev.vectors]
    vecs = [{i: x for i, x in v.items() if any(x)} for v in vecs]
    _need(all(0 <= c < len(vecs) for c in ev.point_vector), "a point has an unknown vector")
    v0 = vecs[ev.point_vector[0]]
    _need(all(h0x[i] == v0.get(i, zero) for i in range(H)), "h0 is not h0_scale times point 0")
    _need(ev.point_state[0] == au.start, "point 0 is not in the start state")
    def apply(a: int, v: dict[int, Poly]) -> dict[int, Poly]:
        img: dict[int, Poly] = {}
        for j, x in v.items():
            for i, e in letters[int(columns[a])].get(j, ()):
                img[i] = F.add(img.get(i, zero), F.mul(e, x))
        return {i: x for i, x in img.items() if any(x)}

    checked = 2 + _check_successors(ev, table, vecs, apply, F.scale)
    S = len(Rx)
    Rl, Rh = F.boxes([x for row in Rx for x in row])
    Rl, Rh = Rl.reshape(S, H), Rh.reshape(S, H)
    for p in sorted({p2 for succ in ev.successors for p2 in succ}):
        q = ev.point_state[p]
        v = vecs[ev.point_vector[p]]
        vl, vh = F.boxes([v.get(j, zero) for j in range(H)])
        lo, hi = _isum(*_imul(Rl, Rh, vl[None, :], vh[None, :]))      # proven bounds of R v
        best = int(np.argmax(lo))
        close = [r for r in range(S) if r != best and hi[r] >= lo[best]]
        scores: dict[int, Poly] = {}

        def score(r: int, v: dict[int, Poly] = v, cache: dict[int, Poly] = scores) -> Poly:
            if r not in cache:
                acc = zero
                for j, x in v.items():
                    if any(Rx[r][j]):
                        acc = F.add(acc, F.mul(Rx[r][j], x))
                cache[r] = acc
            return cache[r]

        for r in close:                                 # the close calls, exactly
            sg = F.sign(F.add(score(r), F.scale(Fraction(-1), score(best))))
            _need(sg != 0, f"point {p} (state {q}) is a tie between readout rows")
            if sg > 0:
                best = r
        for r in close + [r for r in range(S) if hi[r] >= lo[best] and r not in close]:
            if r != best:
                _need(F.sign(F.add(score(best), F.scale(Fraction(-1), score(r)))) > 0,
                      f"point {p} (state {q}) is a tie between readout rows")
        lab = int(au.state_label[q])
        _need(row_label[best] == lab,
              f"point {p} (state {q}) decodes to readout row {best}, labelled "
              f"{_label_text(au, int(row_label[best]))}, not label {_label_text(au, lab)}")
        checked += 1
    return KernelVerdict("agrees", "", checked, "",
                         (f"exact arithmetic in QQ(theta), theta a root of a degree-{F.d} "
                          f"polynomial (bisected to {F.bits} bits); the float weights are "
                          "within one ulp of the exact images", f"{n} points, {n * K} successors"))
