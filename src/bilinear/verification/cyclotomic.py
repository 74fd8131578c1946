"""Exact arithmetic in a cyclotomic field ``Q(zeta_N)`` for rotation constructions.

Rotations by ``2 pi k / n`` have entries ``cos(2 pi k / n)`` and ``sin(2 pi k / n)``; for large
``n`` sympy's generic number fields (one generator per distinct cosine) are far too slow.  Every
such entry is an element of ``Q(zeta_N)`` with ``N = lcm(4, n, ...)``:
``cos(2 pi j / N) = (zeta^j + zeta^-j) / 2`` and ``sin(2 pi j / N) = -i (zeta^j - zeta^-j) / 2``
with ``i = zeta^(N/4)``.  Elements are stored as integer coefficient vectors modulo the
cyclotomic polynomial ``Phi_N`` (the minimal polynomial of ``zeta_N``, so the representation is
canonical and equality is exact) over a positive common denominator.

Each sympy entry is recognised *structurally*: it must be the very expression that sympy gives
for ``cos(2 pi j / N)``, ``sin(2 pi j / N)`` (or a rational), so the translation is exact.  The
sign of a nonzero real element ``sum_j c_j cos(2 pi j / N) / d`` is decided by a float
evaluation with a proven rounding bound, else by :mod:`mpmath` interval arithmetic
(``mpmath.iv``) at increasing precision; it terminates because the element is nonzero.
A closed search is written as kernel evidence in ``"cyclotomic"`` form
(:meth:`CyclotomicSystem.orbit_evidence`, elements as :func:`element_text`), which the trusted
kernel re-checks with its own integer arithmetic modulo ``Phi_N``.

Examples
--------
>>> F = CyclotomicField(12)
>>> c, s = F.cos(1, 12), F.sin(1, 12)          # cos(pi/6), sin(pi/6)
>>> c * c + s * s == F.one, s + s == F.one
(True, True)
>>> F.sign(c - F.rational(0.8660254)), F.text(s)
(1, '1/2')
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import reduce
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from sympy import Symbol, cyclotomic_poly

from bilinear.automata.dfa import DFA
from bilinear.verification.certificates import Check
from bilinear.verification.exact import ExactSystem, PairSearch
from bilinear.verification.kernel import Evidence

__all__ = ["CyclotomicField", "Cyc", "CyclotomicSystem", "cyclotomic_system", "element_text"]

#: Largest conductor ``N`` tried.
MAX_CONDUCTOR = 2000


def _cyclotomic_coeffs(N: int) -> list[int]:
    """Coefficients of ``Phi_N`` from the constant term up (monic)."""
    x = Symbol("x")
    return [int(c) for c in reversed(cyclotomic_poly(N, x, polys=True).all_coeffs())]


class Cyc:
    """An element ``sum_j c[j] zeta^j / d`` of ``Q(zeta_N)`` in canonical form."""

    __slots__ = ("F", "c", "d", "_hash")

    def __init__(self, F: CyclotomicField, c: tuple, d: int = 1) -> None:
        g = reduce(math.gcd, c, d)
        if d < 0:
            g = -g
        if g not in (0, 1):
            c = tuple(x // g for x in c)
            d //= g
        if not any(c):
            d = 1
        self.F, self.c, self.d = F, c, d
        self._hash = hash((c, d))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Cyc):
            return self.d == other.d and self.c == other.c
        if isinstance(other, int) and other == 0:
            return not self
        return NotImplemented

    def __bool__(self) -> bool:
        return any(self.c)

    def __add__(self, o: Cyc) -> Cyc:
        if not o.d == self.d:
            c = tuple(a * o.d + b * self.d for a, b in zip(self.c, o.c, strict=True))
            return Cyc(self.F, c, self.d * o.d)
        return Cyc(self.F, tuple(a + b for a, b in zip(self.c, o.c, strict=True)), self.d)

    def __neg__(self) -> Cyc:
        return Cyc(self.F, tuple(-a for a in self.c), self.d)

    def __sub__(self, o: Cyc) -> Cyc:
        return self + (-o)

    def __mul__(self, o: Cyc) -> Cyc:
        return Cyc(self.F, self.F.poly_mul(self.c, o.c), self.d * o.d)

    def __repr__(self) -> str:
        return f"Cyc({self.F.text(self)})"


class CyclotomicField:
    """``Q(zeta_N)``, ``zeta_N = exp(2 pi i / N)``, with real evaluation and exact signs.

    Examples
    --------
    >>> F = CyclotomicField(100)
    >>> F.degree, F.cos(3, 25) * F.cos(3, 25) - F.sin(3, 25) * F.sin(3, 25) == F.cos(6, 25)
    (40, True)
    """

    def __init__(self, N: int) -> None:
        self.N = N
        self.phi = _cyclotomic_coeffs(N)
        self.degree = len(self.phi) - 1
        self._tail = [(e, p) for e, p in enumerate(self.phi[:-1]) if p]
        self._powers: list[tuple[int, ...]] = [
            tuple(int(i == j) for i in range(self.degree)) for j in range(self.degree)]
        self.zero = Cyc(self, (0,) * self.degree)
        self.one = self.rational(1)
        # float cosines correctly rounded from 40-digit values: error <= 2^-53 each
        with mpmath.workdps(40):
            self._cos = [float(mpmath.cos(2 * mpmath.pi * j / N)) for j in range(self.degree)]
        self._iv_cache: dict[int, list] = {}

    @property
    def name(self) -> str:
        return f"Q(zeta_{self.N})"

    # ------------------------------------------------------------------ construction
    def poly_mul(self, a: tuple, b: tuple) -> tuple:
        """Product of two coefficient vectors modulo ``Phi_N``."""
        n = self.degree
        out = [0] * (2 * n - 1)
        bb = [(j, y) for j, y in enumerate(b) if y]
        for i, x in enumerate(a):
            if x:
                for j, y in bb:
                    out[i + j] += x * y
        for k in range(2 * n - 2, n - 1, -1):
            t = out[k]
            if t:
                base = k - n
                for e, p in self._tail:
                    out[base + e] -= t * p
        return tuple(out[:n])

    def rational(self, q: Any) -> Cyc:
        """The rational number ``q``."""
        q = Fraction(q)
        return Cyc(self, (q.numerator,) + (0,) * (self.degree - 1), q.denominator)

    def power(self, e: int) -> Cyc:
        """``zeta^e``."""
        e %= self.N
        powers = self._powers
        while len(powers) <= e:                 # zeta * previous power: shift, reduce once
            out = [0, *powers[-1]]
            t = out.pop()
            if t:
                for k, p in self._tail:
                    out[k] -= t * p
            powers.append(tuple(out))
        return Cyc(self, powers[e])

    def cos(self, k: int, n: int) -> Cyc:
        """``cos(2 pi k / n)`` (``n`` divides ``N``)."""
        j = k * (self.N // n)
        return (self.power(j) + self.power(-j)) * self.rational(Fraction(1, 2))

    def sin(self, k: int, n: int) -> Cyc:
        """``sin(2 pi k / n)`` (``n`` divides ``N``; needs ``4 | N``)."""
        j = k * (self.N // n)
        minus_i_half = self.power(-(self.N // 4)) * self.rational(Fraction(1, 2))
        return (self.power(j) - self.power(-j)) * minus_i_half

    # ------------------------------------------------------------------ real values
    def enclose(self, x: Cyc) -> tuple[float, float]:
        """``(mid, rad)`` with the real part of ``x`` in ``[mid - rad, mid + rad]`` (proven:
        each cosine is within 2^-53 relative, each product and the sum add rounding)."""
        terms = [(c, self._cos[j]) for j, c in enumerate(x.c) if c]
        if not terms:
            return 0.0, 0.0
        if any(abs(c) >= 2**52 for c, _ in terms) or x.d >= 2**52:
            return self._mp_enclose(x, 160)
        mid = math.fsum(c * v for c, v in terms) / x.d
        scale = sum(abs(c) for c, _ in terms) / x.d
        rad = scale * 2.0**-50 * (len(terms) + 2) + abs(mid) * 2.0**-50
        return mid, rad

    def _cos_iv(self, prec: int) -> list:
        hit = self._iv_cache.get(prec)
        if hit is None:
            iv = mpmath.iv
            old = iv.prec
            try:
                iv.prec = prec
                hit = [iv.cos(2 * iv.pi * j / self.N) for j in range(self.degree)]
            finally:
                iv.prec = old
            self._iv_cache[prec] = hit
        return hit

    def _mp_enclose(self, x: Cyc, prec: int) -> tuple[float, float]:
        lo, hi = self.interval(x, prec)
        mid = (lo + hi) / 2
        return mid, 2 * ((hi - lo) / 2 + abs(mid) * 2.0**-52) + 1e-300

    def interval(self, x: Cyc, prec: int) -> tuple[float, float]:
        """Float bounds ``lo <= Re(x) <= hi`` from an ``mpmath.iv`` enclosure at ``prec`` bits
        (rounded outward to floats)."""
        iv = mpmath.iv
        cos = self._cos_iv(prec)
        old = iv.prec
        try:
            iv.prec = prec
            s = iv.mpf(0)
            for j, c in enumerate(x.c):
                if c:
                    s += cos[j] * c
            s = s / x.d
            lo = float(mpmath.mpf(s.a.a))
            hi = float(mpmath.mpf(s.b.b))
        finally:
            iv.prec = old
        lo = lo if lo <= s.a.a else math.nextafter(lo, -math.inf)
        hi = hi if hi >= s.b.b else math.nextafter(hi, math.inf)
        return lo, hi

    def approx(self, x: Cyc) -> float:
        """A float value of the real part of ``x`` (error far below 1e-10 for these weights)."""
        mid, rad = self.enclose(x)
        if rad > 1e-12 * (1 + abs(mid)):
            lo, hi = self.interval(x, 200)
            return (lo + hi) / 2
        return mid

    def sign(self, x: Cyc) -> int:
        """The exact sign of the *real* element ``x`` (all elements met in a search are real:
        the weights are real): 0 iff its coefficient vector is zero; otherwise decided by a
        proven enclosure that excludes 0 (the loop ends because a real nonzero element has a
        nonzero value)."""
        if not x:
            return 0
        mid, rad = self.enclose(x)
        if abs(mid) > rad:
            return 1 if mid > 0 else -1
        prec = 120
        while True:
            lo, hi = self.interval(x, prec)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
            prec *= 2

    def text(self, x: Cyc) -> str:
        """``x`` as a polynomial in ``z = zeta_N`` (a rational when it is one)."""
        terms = []
        for j, c in enumerate(x.c):
            if not c:
                continue
            q = Fraction(c, x.d)
            mon = "" if j == 0 else ("z" if j == 1 else f"z^{j}")
            if not mon:
                terms.append(str(q))
            elif q == 1:
                terms.append(mon)
            elif q == -1:
                terms.append("-" + mon)
            else:
                terms.append(f"{q}*{mon}" if q.denominator == 1 else f"({q})*{mon}")
        if not terms:
            return "0"
        return " + ".join(terms).replace("+ -", "- ")


def element_text(x: Cyc) -> str:
    """``x`` in the kernel's form ``"j:c;...;j:c/d"`` (``sum c zeta^j / d``; zero: ``""``).

    Examples
    --------
    >>> F = CyclotomicField(12)
    >>> element_text(F.cos(1, 12)), element_text(F.rational(3))
    ('1:2;3:-1/2', '0:3')
    """
    terms = ";".join(f"{j}:{c}" for j, c in enumerate(x.c) if c)
    return terms if x.d == 1 else f"{terms}/{x.d}"


class CyclotomicSystem(ExactSystem):
    """An :class:`ExactSystem` over ``Q(zeta_N)`` (real elements; exact signs via enclosures)."""

    def orbit_evidence(self, s: PairSearch, dfa: DFA, hypothesis: str) -> Evidence:
        """The kernel's evidence of a closed search: the pairs, their successors, and the exact
        weights, every element an integer vector modulo ``Phi_N`` (``number_format``
        ``"cyclotomic"``)."""
        F = self.domain
        K = dfa.n_symbols
        succ = s.successor
        images = {
            "letters": [[(i, j, element_text(v)) for j, col in enumerate(cols) for i, v in col]
                        for cols in self.columns],
            "h0": [(i, element_text(x)) for i, x in enumerate(self.h0) if x],
            "readout": [(i, j, element_text(v)) for i, row in enumerate(self.readout)
                        for j, v in row],
        }
        return Evidence(
            kind="orbit", number_format="cyclotomic",
            arithmetic=f"exact arithmetic in {self.field}: integer coefficient vectors in "
                       f"z = zeta_{F.N} = exp(2 pi i/{F.N}) modulo the cyclotomic polynomial "
                       f"Phi_{F.N}, signs of real elements by exact rational enclosures of "
                       f"sum_j c_j cos(2 pi j/{F.N})",
            hypothesis=hypothesis,
            vectors=tuple(tuple((i, element_text(x)) for i, x in enumerate(v) if x)
                          for v in s.codes),
            point_vector=tuple(s.pair_code), point_state=tuple(int(q) for q in s.pair_state),
            successors=tuple(tuple(succ[p * K:(p + 1) * K]) for p in range(len(s.pair_code))),
            h0_scale=str(self.h0_scale), exact_weights=images,
            field_data={"conductor": F.N, "generator": f"zeta_{F.N} = exp(2 pi i/{F.N})"})

    def approx(self, x: Any) -> float:
        return self.domain.approx(x)

    def sign(self, x: Any) -> int:
        return self.domain.sign(x)

    def text(self, x: Any) -> str:
        return self.domain.text(x)

    def _float_readout(self) -> tuple:
        hit = self._approx_cache.get("readout")
        if hit is None:
            R = np.zeros((len(self.readout), self.H))
            Rr = np.zeros_like(R)
            for i, row in enumerate(self.readout):
                for j, v in row:
                    R[i, j], Rr[i, j] = self.domain.enclose(v)
            hit = (R, Rr)
            self._approx_cache["readout"] = hit
        return hit

    def decode(self, h: tuple) -> tuple[int, Any]:
        """As :meth:`ExactSystem.decode`, screening rows with proven float enclosures of ``R h``
        and computing exact scores only for the rows that may be the maximum or runner-up."""
        S = len(self.readout)
        if S == 1:
            return 0, None
        R, Rr = self._float_readout()
        hv = np.array([self.domain.enclose(x) for x in h]).reshape(-1, 2)
        hm, hr = hv[:, 0], hv[:, 1]
        mid = R @ hm
        rad = (np.abs(R) @ hr + Rr @ (np.abs(hm) + hr)
               + (np.abs(R) @ np.abs(hm)) * 2.0**-50 * (self.H + 2) + 1e-300)
        lo, hi = mid - rad, mid + rad
        exact: dict[int, Any] = {}

        def score(i: int) -> Any:
            if i not in exact:
                acc = self.zero
                for j, v in self.readout[i]:
                    if h[j]:
                        acc = acc + v * h[j]
                exact[i] = acc
            return exact[i]

        def argmax(idx: np.ndarray) -> tuple[int, bool]:
            group = idx[hi[idx] >= lo[idx].max()]
            best, tie = int(group[0]), False
            for i in group[1:]:
                sg = self.sign(score(int(i)) - score(best))
                if sg > 0:
                    best, tie = int(i), False
                elif sg == 0:
                    tie = True
            return best, tie

        best, tie = argmax(np.arange(S))
        if tie:
            return -1, self.zero
        runner, _ = argmax(np.array([i for i in range(S) if i != best]))
        return best, score(best) - score(runner)


def _candidate_denominator(v: float) -> int | None:
    t = math.acos(max(-1.0, min(1.0, v))) / (2 * math.pi)
    f = Fraction(t).limit_denominator(MAX_CONDUCTOR)
    if abs(float(f) - t) > 1e-9:
        return None
    return f.denominator


def _recognise(e: Any, F: CyclotomicField) -> Cyc | None:
    """``e`` as an element of ``F`` when it *is* sympy's ``cos(2 pi j / N)`` or
    ``sin(2 pi j / N)`` (structural equality), or a rational."""
    if e.is_Rational:
        return F.rational(Fraction(int(e.p), int(e.q)))
    v = float(e.evalf(30))
    N = F.N
    t = math.acos(max(-1.0, min(1.0, v))) / (2 * math.pi)
    for j in {round(t * N) % N, (-round(t * N)) % N}:
        if sp.cos(2 * sp.pi * sp.Rational(j, N)) == e:
            return F.cos(j, N)
    t = math.asin(max(-1.0, min(1.0, v))) / (2 * math.pi)
    for j in {round(t * N) % N, round((0.5 - t) * N) % N}:
        if sp.sin(2 * sp.pi * sp.Rational(j, N)) == e:
            return F.sin(j, N)
    return None


def cyclotomic_system(exact: Any) -> CyclotomicSystem | None:
    """The exact system of dense exact weights whose entries are rationals, cosines and sines
    of rational multiples of ``2 pi`` (rotation constructions), over ``Q(zeta_N)``; ``None``
    when some entry is not of that form.

    Examples
    --------
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import compile_automaton
    >>> rnn = compile_automaton(tasks.get("modular_addition", m=25).dfa, level="complex_diagonal")
    >>> cyclotomic_system(rnn.exact).field
    'Q(zeta_100)'
    """
    if exact.is_sparse:
        return None
    entries: list[tuple[tuple, Any]] = []
    for k, m in enumerate(exact.letters):
        for (i, j), v in m.todok().items():
            if v != 0:
                entries.append((("W", k, i, j), v))
    for (i, _), v in exact.h0.todok().items():
        if v != 0:
            entries.append((("h0", i), v))
    for (i, j), v in exact.readout.todok().items():
        if v != 0:
            entries.append((("R", i, j), v))
    distinct = {v for _, v in entries}
    dens = {4}
    for v in distinct:
        if v.is_Rational:
            continue
        if not v.is_real or not v.is_number:
            return None
        d = _candidate_denominator(float(v.evalf(30)))
        if d is None:
            return None
        dens.add(d)
    N = reduce(lambda a, b: a * b // math.gcd(a, b), dens)
    if N > MAX_CONDUCTOR or all(v.is_Rational for v in distinct):
        return None
    F = CyclotomicField(N)
    value: dict[Any, Cyc] = {}
    for v in distinct:
        x = _recognise(v, F)
        if x is None:
            return None
        value[v] = x
    H, D, S = exact.H, exact.D, exact.S
    columns: list = [[[] for _ in range(H)] for _ in range(D)]
    h0 = [F.zero] * H
    readout: list[list] = [[] for _ in range(S)]
    for w, v in entries:
        x = value[v]
        if w[0] == "W":
            columns[w[1]][w[3]].append((w[2], x))
        elif w[0] == "h0":
            h0[w[1]] = x
        else:
            readout[w[1]].append((w[2], x))
    system = CyclotomicSystem(field=F.name, columns=columns, h0=tuple(h0), readout=readout,
                              zero=F.zero, domain=F, source="the exact weights")
    system.extra_checks = (
        Check(f"arithmetic (used by every item above): every entry of the weights is a "
              f"rational, cos(2 pi j/{N}) or sin(2 pi j/{N}), "
              f"recognised as the identical sympy expression and written exactly in "
              f"Q(zeta_{N}), z = zeta_{N} = exp(2 pi i/{N}) (cos = (z^j + z^-j)/2, "
              f"sin = -i (z^j - z^-j)/2, i = z^{N // 4}); "
              f"arithmetic on integer coefficient vectors modulo the cyclotomic polynomial "
              f"Phi_{N} (degree {F.degree}), so equal codes are equal numbers",
              len(distinct), True),
        Check("signs (used by the decoding item): every margin and every readout comparison "
              "is a difference of real elements of "
              f"Q(zeta_{N}); a zero difference is a zero coefficient vector (a tie), and the "
              "sign of a nonzero one is decided by a proven enclosure of sum_j c_j "
              f"cos(2 pi j/{N}) (float with an explicit rounding bound, else mpmath interval "
              "arithmetic, mpmath.iv, at increasing precision) that excludes 0", 1, True),
    )
    return system
