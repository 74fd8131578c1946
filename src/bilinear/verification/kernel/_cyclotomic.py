"""The kernel's cyclotomic fields ``Q(zeta_N)``: orbits of evidence in ``"cyclotomic"`` form.

Rotation constructions have entries ``cos(2 pi k / n)`` and ``sin(2 pi k / n)``; all of them lie
in ``Q(zeta_N)``, ``zeta_N = exp(2 pi i / N)``.  An element is written ``"j:c;j:c/d"``: the sum
of ``c zeta^j`` over the terms, divided by the positive integer ``d`` (no ``/d``: ``d = 1``;
no terms: zero).  The kernel computes the cyclotomic polynomial ``Phi_N`` itself (the product
of ``(x^d - 1)^mu(N/d)`` over the divisors ``d`` of ``N``, in integers) and keeps every
element as an integer coefficient vector modulo ``Phi_N`` over a positive denominator, reduced
by their gcd: the form is canonical, so equality is exact.  Every weight must be real
(invariant under ``zeta -> zeta^-1``); the value of a real element ``sum_j c_j zeta^j / d`` is
``sum_j c_j cos(2 pi j / N) / d``, enclosed in exact rational intervals: ``pi`` by Machin's
formula and each cosine by its Taylor series, both in integer fixed point with every rounding
directed outward.  Signs are decided by enclosures that exclude zero (a nonzero element has a
nonzero value), at increasing precision; no float enters a verdict.

Examples
--------
>>> F = _Cyclotomic({"conductor": 12})
>>> F.d, _phi(12)
(4, (1, 0, -1, 0, 1))
>>> c, s = F.parse("1:1;11:1/2"), F.parse("10:1;8:-1/2")    # cos(pi/6), sin(pi/6)
>>> F.add(F.mul(c, c), F.mul(s, s)) == F.parse("0:1"), s == F.parse("0:1/2")
(True, True)
>>> F.sign(F.add(c, F.parse("0:-866/1000"))), F.conj(c) == c
(1, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from bilinear.verification.kernel._exact import _check_points, _check_successors
from bilinear.verification.kernel._integers import _cos_point, _phi, _pi
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

#: Largest conductor ``N`` the kernel accepts.
MAX_CONDUCTOR = 10_000
#: Largest working precision (bits) of a sign or closeness decision.
MAX_BITS = 8192

#: An element: integer coefficients of ``zeta^0 .. zeta^(deg-1)`` and a positive denominator.
Elt = tuple[tuple[int, ...], int]


# ================================================================================ the field
class _Cyclotomic:
    """``Q(zeta_N)`` from ``field_data = {"conductor": N}``: canonical elements, exact
    arithmetic, conjugation, and exact signs of real elements."""

    def __init__(self, data: Mapping[str, Any] | None) -> None:
        _need(data is not None, "cyclotomic evidence needs its field_data")
        assert data is not None
        N = data.get("conductor")
        _need(isinstance(N, int) and not isinstance(N, bool) and 1 <= N <= MAX_CONDUCTOR,
              f"the conductor must be an integer in [1, {MAX_CONDUCTOR}], got {N!r}")
        assert isinstance(N, int)
        self.N = N
        self.phi = _phi(N)
        self.d = len(self.phi) - 1
        self._tail = [(e, c) for e, c in enumerate(self.phi[:-1]) if c]
        self.zero: Elt = ((0,) * self.d, 1)
        self._powers: list[tuple[int, ...]] = [
            tuple(int(i == j) for i in range(self.d)) for j in range(self.d)]
        self._cos: dict[int, list[tuple[int, int]]] = {}

    # ------------------------------------------------------------------ exact arithmetic
    def _reduce(self, out: list[int]) -> tuple[int, ...]:
        """A coefficient list of any length, reduced modulo ``Phi_N`` (monic)."""
        n = self.d
        for k in range(len(out) - 1, n - 1, -1):
            t = out[k]
            if t:
                for e, c in self._tail:
                    out[k - n + e] -= t * c
        return tuple((out + [0] * n)[:n])

    def _norm(self, c: tuple[int, ...], den: int) -> Elt:
        g = math.gcd(den, *c)
        if den < 0:
            g = -g
        if not any(c):
            return self.zero
        return (tuple(x // g for x in c), den // g) if g != 1 else (c, den)

    def power(self, j: int) -> tuple[int, ...]:
        """``zeta^j`` (``0 <= j < N``) as a reduced coefficient vector."""
        _need(0 <= j < self.N, f"an exponent {j} is not in [0, {self.N})")
        while len(self._powers) <= j:
            self._powers.append(self._reduce([0, *self._powers[-1]]))
        return self._powers[j]

    def parse(self, text: Any) -> Elt:
        """An element from its text ``"j:c;j:c/d"``."""
        if not isinstance(text, str):
            raise _Refused(f"a field element must be a string, got {text!r}")
        terms, _, den_text = text.partition("/")
        den = int(den_text) if den_text else 1
        _need(den > 0, f"a field element has a non-positive denominator: {text!r}")
        acc = [0] * self.d
        for term in filter(None, terms.split(";")):
            j_text, sep, c_text = term.partition(":")
            _need(sep == ":", f"a field element term is not 'exponent:coefficient': {text!r}")
            c = int(c_text)
            for i, x in enumerate(self.power(int(j_text))):
                if x:
                    acc[i] += c * x
        return self._norm(tuple(acc), den)

    def add(self, a: Elt, b: Elt) -> Elt:
        (ca, da), (cb, db) = a, b
        if da == db:
            return self._norm(tuple(x + y for x, y in zip(ca, cb, strict=True)), da)
        return self._norm(tuple(x * db + y * da for x, y in zip(ca, cb, strict=True)), da * db)

    def mul(self, a: Elt, b: Elt) -> Elt:
        (ca, da), (cb, db) = a, b
        out = [0] * (2 * self.d)
        nz = [(j, y) for j, y in enumerate(cb) if y]
        for i, x in enumerate(ca):
            if x:
                for j, y in nz:
                    out[i + j] += x * y
        return self._norm(self._reduce(out), da * db)

    def scale(self, q: Fraction, a: Elt) -> Elt:
        return self._norm(tuple(q.numerator * x for x in a[0]), q.denominator * a[1])

    def conj(self, a: Elt) -> Elt:
        """The complex conjugate (``zeta^j -> zeta^(N - j)``)."""
        acc = [0] * self.d
        for j, c in enumerate(a[0]):
            if c:
                for i, x in enumerate(self.power((self.N - j) % self.N)):
                    if x:
                        acc[i] += c * x
        return self._norm(tuple(acc), a[1])

    # ------------------------------------------------------------------ real values
    def _cosines(self, p: int) -> list[tuple[int, int]]:
        """``cos(2 pi j / N)`` in ``[lo, hi] / 2^p`` for ``j = 0 .. deg - 1``."""
        hit = self._cos.get(p)
        if hit is None:
            w = p + 16
            pl, ph = _pi(w)
            hit = []
            for j in range(self.d):
                jj = min(j % self.N, self.N - j % self.N)              # angle in [0, pi]
                xl = 2 * jj * pl // self.N
                xh = -((-2 * jj * ph) // self.N)
                lo, hi = _cos_point(xl, w)
                lo, hi = lo - (xh - xl), hi + (xh - xl)                 # |cos'| <= 1
                hit.append((lo >> 16, -((-hi) >> 16)))
            self._cos[p] = hit
        return hit

    def _bounds(self, a: Elt, p: int) -> tuple[int, int]:
        """Integers ``lo <= Re(a) * d * 2^p <= hi`` (``d = a[1]``) from the cosine enclosures."""
        lo = hi = 0
        for c, (cl, ch) in zip(a[0], self._cosines(p), strict=True):
            if c > 0:
                lo, hi = lo + c * cl, hi + c * ch
            elif c < 0:
                lo, hi = lo + c * ch, hi + c * cl
        return lo, hi

    def enclose(self, a: Elt, p: int) -> tuple[Fraction, Fraction]:
        """Exact rational bounds ``lo <= Re(a) <= hi`` at precision ``p`` bits."""
        lo, hi = self._bounds(a, p)
        den = a[1] << p
        return Fraction(lo, den), Fraction(hi, den)

    def enclose_fixed(self, a: Elt, p: int) -> tuple[int, int]:
        """Integers ``lo <= Re(a) 2^p <= hi`` (the bounds of :meth:`enclose`, rounded outward
        to integers: the cheap form of the screening in :func:`_decode`)."""
        lo, hi = self._bounds(a, p)
        return lo // a[1], -((-hi) // a[1])

    def sign(self, a: Elt) -> int:
        """The exact sign of the real element ``a``."""
        if not any(a[0]):
            return 0
        p = 64
        while p <= MAX_BITS:
            lo, hi = self.enclose(a, p)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
            p *= 2
        raise _Refused(f"a sign in Q(zeta_{self.N}) is not decided at {MAX_BITS} bits")

    def close_to(self, a: Elt, w: float) -> bool:
        """Whether the float ``w`` is within one ulp of the real element ``a``."""
        if not any(a[0]):
            return w == 0.0
        if w == 0.0 or not math.isfinite(w):
            return False
        u, x = Fraction(math.ulp(w)), Fraction(w)
        p = 64
        while True:
            lo, hi = self.enclose(a, p)
            if hi - lo <= u / 4 or p >= MAX_BITS:
                return x - u <= lo and hi <= x + u
            p *= 2


# ================================================================================ the check
Vec = dict[int, Elt]


def _weights(F: _Cyclotomic, ev: Evidence, model: Model
             ) -> tuple[list[dict[int, list[tuple[int, Elt]]]], list[Elt], list[Vec]]:
    """The exact letters (column-sparse), h0 and readout rows, checked real and rounded (to
    within one ulp) by the float weights."""
    _need(ev.exact_weights is not None, "cyclotomic evidence needs the exact letter images")
    assert ev.exact_weights is not None
    _need(model.W is not None and model.readout is not None,
          "this evidence needs the dense weights W, h0 and readout")
    W = np.asarray(model.W, dtype=np.float64)
    h0f = np.asarray(model.h0, dtype=np.float64)
    Rf = np.asarray(model.readout, dtype=np.float64)
    _need(W.ndim == 3 and W.shape[0] == W.shape[1] == h0f.shape[0] == Rf.shape[1],
          "W, h0 and readout have inconsistent shapes")
    H, _, D = W.shape
    ew = ev.exact_weights
    _need(len(ew["letters"]) == D, "the exact weights have the wrong number of letters")
    letters: list[dict[int, list[tuple[int, Elt]]]] = []
    exact_W: dict[tuple[int, int, int], Elt] = {}
    for k, entries in enumerate(ew["letters"]):
        cols: dict[int, list[tuple[int, Elt]]] = {}
        for i, j, v in entries:
            x = F.parse(v)
            if any(x[0]):
                cols.setdefault(int(j), []).append((int(i), x))
                exact_W[(int(i), int(j), k)] = x
        letters.append(cols)
    h0x = [F.zero] * H
    for i, v in ew["h0"]:
        h0x[int(i)] = F.parse(v)
    Rx: list[Vec] = [{} for _ in range(Rf.shape[0])]
    for i, j, v in ew["readout"]:
        x = F.parse(v)
        if any(x[0]):
            Rx[int(i)][int(j)] = x
    everything = [*exact_W.values(), *h0x, *(x for row in Rx for x in row.values())]
    _need(all(F.conj(x) == x for x in set(everything)), "an exact weight is not real")
    ii, jj, kk = np.nonzero(W)
    nonzero = set(zip(ii.tolist(), jj.tolist(), kk.tolist(), strict=True))
    _need(nonzero <= set(exact_W), "W has a nonzero entry where the exact letters have none")
    for (i, j, k), x in exact_W.items():
        _need(F.close_to(x, float(W[i, j, k])),
              f"W[{i}, {j}, {k}] is not within one ulp of its exact image")
    c0 = _fraction(ev.h0_scale, "h0_scale")
    _need(c0 > 0, "h0_scale must be positive")
    _need(all(F.close_to(F.scale(c0, h0x[i]), float(h0f[i])) for i in range(H)),
          "the float h0 is not within one ulp of h0_scale times the exact h0")
    _need(all(F.close_to(Rx[i].get(j, F.zero), float(Rf[i, j])) for i in range(Rf.shape[0])
              for j in range(H)), "the float readout is not within one ulp of the exact one")
    return letters, h0x, Rx


Box = dict[int, tuple[int, int]]


def _decode(F: _Cyclotomic, Rx: list[Vec], Rbox: list[Box], v: Vec) -> int:
    """The unique argmax row of ``R v`` (exact), screened by integer enclosures at 64 bits
    (:meth:`_Cyclotomic.enclose_fixed`; ``Rbox``: those of the readout): the bounds of
    ``(R v)_r 2^128`` are exact integer sums of interval products, rounded outward."""
    S = len(Rx)
    if S == 1:
        return 0
    box = {j: F.enclose_fixed(x, 64) for j, x in v.items()}
    lo, hi = [], []
    for row in Rbox:
        a = b = 0
        for j, (rl, rh) in row.items():
            bx = box.get(j)
            if bx is not None:
                ps = (rl * bx[0], rl * bx[1], rh * bx[0], rh * bx[1])
                a, b = a + min(ps), b + max(ps)
        lo.append(a)
        hi.append(b)
    scores: dict[int, Elt] = {}

    def score(r: int) -> Elt:
        if r not in scores:
            acc = F.zero
            for j, x in v.items():
                if j in Rx[r]:
                    acc = F.add(acc, F.mul(Rx[r][j], x))
            scores[r] = acc
        return scores[r]

    best = max(range(S), key=lambda r: lo[r])
    for r in [r for r in range(S) if r != best and hi[r] >= lo[best]]:    # close calls, exactly
        sg = F.sign(F.add(score(r), F.scale(Fraction(-1), score(best))))
        _need(sg != 0, "a tie between readout rows")
        if sg > 0:
            best = r
    for r in range(S):
        if r != best and hi[r] >= lo[best]:
            _need(F.sign(F.add(score(best), F.scale(Fraction(-1), score(r)))) > 0,
                  "a tie between readout rows")
    return best


def _check_cyclotomic_orbit(ev: Evidence, model: Model, au: Automaton, table: np.ndarray,
                            columns: np.ndarray, row_label: np.ndarray) -> KernelVerdict:
    F = _Cyclotomic(ev.field_data)
    letters, h0x, Rx = _weights(F, ev, model)
    H, K = len(h0x), table.shape[1]
    n = _check_points(ev, table.shape[0], K)
    vecs = [{int(i): F.parse(x) for i, x in vec} for vec in ev.vectors]
    vecs = [{i: x for i, x in v.items() if any(x[0])} for v in vecs]
    _need(all(0 <= c < len(vecs) for c in ev.point_vector), "a point has an unknown vector")
    v0 = vecs[ev.point_vector[0]]
    _need(all(h0x[i] == v0.get(i, F.zero) for i in range(H)), "h0 is not h0_scale times point 0")
    _need(ev.point_state[0] == au.start, "point 0 is not in the start state")

    def apply(a: int, v: Vec) -> Vec:
        img: Vec = {}
        for j, x in v.items():
            for i, e in letters[int(columns[a])].get(j, ()):
                img[i] = F.add(img.get(i, F.zero), F.mul(e, x))
        return {i: x for i, x in img.items() if any(x[0])}

    checked = 2 + _check_successors(ev, table, vecs, apply, F.scale)
    Rbox = [{j: F.enclose_fixed(x, 64) for j, x in row.items()} for row in Rx]
    for p in sorted({p2 for succ in ev.successors for p2 in succ}):
        q = ev.point_state[p]
        try:
            best = _decode(F, Rx, Rbox, vecs[ev.point_vector[p]])
        except _Refused as err:
            raise _Refused(f"point {p} (state {q}): {err}") from None
        lab = int(au.state_label[q])
        _need(row_label[best] == lab,
              f"point {p} (state {q}) decodes to readout row {best}, labelled "
              f"{_label_text(au, int(row_label[best]))}, not label {_label_text(au, lab)}")
        checked += 1
    return KernelVerdict("agrees", "", checked, "",
                         (f"exact arithmetic in Q(zeta_{F.N}): integer coefficient vectors "
                          f"modulo Phi_{F.N} (degree {F.d}, computed by the kernel), signs by "
                          "exact rational interval enclosures; the float weights are within "
                          "one ulp of the exact images, which are real",
                          f"{n} points, {n * K} successors"))
