"""Exact arithmetic in a cyclotomic field ``Q(zeta_N)`` for rotation constructions.

Rotations by ``2 pi k / n`` have entries ``cos(2 pi k / n)`` and ``sin(2 pi k / n)``; for large
``n`` sympy's generic number fields (one generator per distinct cosine) are far too slow.  Every
such entry is an element of ``Q(zeta_N)`` with ``N = lcm(4, n, ...)``:
``cos(2 pi j / N) = (zeta^j + zeta^-j) / 2`` and ``sin(2 pi j / N) = -i (zeta^j - zeta^-j) / 2``
with ``i = zeta^(N/4)``.  Elements are stored as integer coefficient vectors modulo the
cyclotomic polynomial ``Phi_N`` (the minimal polynomial of ``zeta_N``, so the representation is
canonical and equality is exact) over a positive common denominator.

Each sympy entry is translated *structurally*: it must be a polynomial (sums and products) in
rationals, ``cos`` and ``sin`` of rational multiples of ``pi`` and square roots of rationals,
and every node is replaced by its identity in ``Q(zeta_N)`` (square roots by quadratic Gauss
sums), so the translation is exact.  Products are FLINT's (``flint.fmpz_poly``, reduced
modulo ``Phi_N``).  The sign of a nonzero real element ``sum_j c_j cos(2 pi j / N) / d`` is
decided by a float evaluation with a proven rounding bound, else by :mod:`mpmath` interval
arithmetic (``mpmath.iv``) at increasing precision; it terminates because the element is
nonzero.
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
from flint import fmpz_poly

from bilinear.automata.dfa import DFA
from bilinear.verification.certificates import Check
from bilinear.verification.exact import ExactSystem, PairSearch
from bilinear.verification.kernel import Evidence

__all__ = ["CyclotomicField", "Cyc", "CyclotomicSystem", "cyclotomic_system", "element_text"]

#: Largest conductor ``N`` tried.
MAX_CONDUCTOR = 2000


class Cyc:
    """An element ``sum_j c[j] zeta^j / d`` of ``Q(zeta_N)`` in canonical form.

    The numerator is a FLINT integer polynomial (``flint.fmpz_poly``) of degree below
    ``deg Phi_N``, primitive together with the positive denominator ``d``; :attr:`c` is its
    coefficient tuple (length ``deg Phi_N``)."""

    __slots__ = ("F", "p", "d", "_c", "_hash")

    def __init__(self, F: CyclotomicField, c: Any, d: int = 1) -> None:
        p = F.reduce(c if isinstance(c, fmpz_poly) else fmpz_poly([int(x) for x in c]))
        d = int(d)
        if p.is_zero():
            d = 1
        else:
            g = math.gcd(int(p.content()), d)
            if d < 0:
                g = -g
            if g != 1:
                p = fmpz_poly([x // g for x in p.coeffs()])
                d //= g
        self.F, self.p, self.d = F, p, d
        self._c: tuple[int, ...] | None = None
        self._hash: int | None = None

    @property
    def c(self) -> tuple[int, ...]:
        """The coefficients of ``zeta^0 .. zeta^(deg - 1)``."""
        if self._c is None:
            cs = [int(x) for x in self.p.coeffs()]
            self._c = tuple(cs + [0] * (self.F.degree - len(cs)))
        return self._c

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((tuple(self.p.coeffs()), self.d))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Cyc):
            return self.d == other.d and self.p == other.p
        if isinstance(other, int) and other == 0:
            return not self
        return NotImplemented

    def __bool__(self) -> bool:
        return not self.p.is_zero()

    def __add__(self, o: Cyc) -> Cyc:
        if o.d == self.d:
            return Cyc(self.F, self.p + o.p, self.d)
        return Cyc(self.F, self.p * o.d + o.p * self.d, self.d * o.d)

    def __neg__(self) -> Cyc:
        return Cyc(self.F, -self.p, self.d)

    def __sub__(self, o: Cyc) -> Cyc:
        if o.d == self.d:
            return Cyc(self.F, self.p - o.p, self.d)
        return Cyc(self.F, self.p * o.d - o.p * self.d, self.d * o.d)

    def __mul__(self, o: Cyc) -> Cyc:
        return Cyc(self.F, self.F.reduce(self.p * o.p), self.d * o.d)

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
        self._phi = fmpz_poly.cyclotomic(N)
        self.phi = [int(x) for x in self._phi.coeffs()]
        self.degree = len(self.phi) - 1
        self.zero = Cyc(self, fmpz_poly())
        self.one = self.rational(1)
        # float cosines correctly rounded from 40-digit values: error <= 2^-53 each
        with mpmath.workdps(40):
            self._cos = [float(mpmath.cos(2 * mpmath.pi * j / N)) for j in range(self.degree)]
        self._iv_cache: dict[int, list] = {}

    @property
    def name(self) -> str:
        return f"Q(zeta_{self.N})"

    # ------------------------------------------------------------------ construction
    def reduce(self, p: fmpz_poly) -> fmpz_poly:
        """``p`` modulo ``Phi_N`` (FLINT's exact division by the monic ``Phi_N``)."""
        if p.degree() < self.degree:
            return p
        return divmod(p, self._phi)[1]

    def poly_mul(self, a: tuple, b: tuple) -> tuple:
        """Product of two coefficient vectors modulo ``Phi_N``."""
        cs = [int(x) for x in self.reduce(fmpz_poly(list(a)) * fmpz_poly(list(b))).coeffs()]
        return tuple(cs + [0] * (self.degree - len(cs)))

    def rational(self, q: Any) -> Cyc:
        """The rational number ``q``."""
        q = Fraction(q)
        return Cyc(self, fmpz_poly([q.numerator]), q.denominator)

    def power(self, e: int) -> Cyc:
        """``zeta^e``."""
        e %= self.N
        return Cyc(self, self.reduce(fmpz_poly([0] * e + [1])))

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


def _angle(e: Any) -> Fraction | None:
    """``t`` with ``e = cos(2 pi t)`` or ``sin(2 pi t)`` when the argument is a rational multiple
    of ``pi``."""
    r = e.args[0] / sp.pi
    if not r.is_Rational:
        return None
    return Fraction(int(r.p), int(r.q)) / 2


def _conductor(e: Any, dens: set[int], guesses: dict | None = None) -> bool:
    """Add to ``dens`` what ``Q(zeta_N)`` must contain for ``e``; ``False`` when ``e`` is not a
    polynomial in rationals, ``cos``/``sin`` of rational multiples of ``pi``, square roots of
    rationals and square roots of such numbers that are ``s cos(2 pi t)`` (radicals sympy
    writes for ``cos(pi/8)`` and the like; ``guesses[e] = (s, t)``, proven in
    :func:`_translate`)."""
    if e.is_Rational:
        return True
    if isinstance(e, (sp.cos, sp.sin)):
        t = _angle(e)
        if t is None:
            return False
        dens.add(t.denominator)
        return True
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(_conductor(a, dens, guesses) for a in e.args)
    if isinstance(e, sp.Pow):
        if e.exp.is_Integer and e.exp > 0:
            return _conductor(e.base, dens, guesses)
        if e.exp == sp.S.Half and e.base.is_Rational and e.base > 0:
            m = int(e.base.p) * int(e.base.q)
            for p, k in sp.factorint(m).items():
                if k % 2:
                    dens.add(8 if p == 2 else p)
            return True
        if e.exp == sp.S.Half and guesses is not None and _conductor(e.base, dens, guesses):
            guess = _cosine_guess(float(e.evalf(30)))
            if guess is None:
                return False
            guesses[e] = guess
            dens.add(guess[1].denominator)
            return True
    return False


def _cosine_guess(v: float) -> tuple[int, Fraction] | None:
    """``(s, t)`` with ``v`` close to ``s cos(2 pi t)`` (``s`` a small integer, ``t`` of
    denominator at most :data:`MAX_CONDUCTOR`): a candidate only, checked exactly later."""
    for scale in (1, 2, 3, 4):
        if abs(v) > scale:
            continue
        t = math.acos(v / scale) / (2 * math.pi)
        f = Fraction(t).limit_denominator(MAX_CONDUCTOR)
        if abs(float(f) - t) < 1e-12:
            return scale, f
    return None


def _sqrt_prime(p: int, F: CyclotomicField) -> Cyc:
    """``sqrt(p)`` for a prime ``p`` (``8 | N`` for 2, ``p | N`` and ``4 | N`` otherwise):
    ``zeta_8 + zeta_8^-1`` for 2; for odd ``p`` the quadratic Gauss sum
    ``g = sum_a (a/p) zeta_p^a``, which is ``sqrt(p)`` for ``p = 1 (mod 4)`` and ``i sqrt(p)``
    for ``p = 3 (mod 4)`` (Gauss)."""
    if p == 2:
        return F.power(F.N // 8) + F.power(-(F.N // 8))
    step = F.N // p
    squares = {a * a % p for a in range(1, p)}
    g = F.zero
    for a in range(1, p):
        g = g + F.power(a * step) if a in squares else g - F.power(a * step)
    if p % 4 == 1:
        return g
    return g * F.power(-(F.N // 4))                   # -i * (i sqrt(p))


class _NotInField(Exception):
    """A guessed square root is not the square root (:func:`_translate`)."""


def _translate(e: Any, F: CyclotomicField, memo: dict, guesses: dict | None = None) -> Cyc:
    """``e`` in ``F``, term by term: sums and products as in ``F``, ``cos(2 pi t)`` and
    ``sin(2 pi t)`` by ``(z^j + z^-j)/2`` and ``-i (z^j - z^-j)/2`` (``j = t N``), square roots of
    rationals by Gauss sums, and the square root of a translated ``b`` by the guessed
    ``y = s cos(2 pi t)`` once ``y * y == b`` holds exactly and ``y > 0`` (exact sign): every
    step is an identity, so the translation is exact (:class:`_NotInField` when a guess fails).
    """
    hit = memo.get(e)
    if hit is not None:
        return hit
    guess = None if guesses is None else guesses.get(e)
    if guess is not None:
        b = _translate(e.base, F, memo, guesses)
        y = F.rational(guess[0]) * F.cos(guess[1].numerator, guess[1].denominator)
        if not (y * y == b and F.sign(y) > 0):
            raise _NotInField(str(e))
        memo[e] = y
        return y
    if e.is_Rational:
        out = F.rational(Fraction(int(e.p), int(e.q)))
    elif isinstance(e, (sp.cos, sp.sin)):
        t = _angle(e)
        assert t is not None
        out = (F.cos if isinstance(e, sp.cos) else F.sin)(t.numerator, t.denominator)
    elif isinstance(e, sp.Add):
        out = F.zero
        for a in e.args:
            out = out + _translate(a, F, memo, guesses)
    elif isinstance(e, sp.Mul):
        out = F.one
        for a in e.args:
            out = out * _translate(a, F, memo, guesses)
    elif e.exp.is_Integer:
        base, out = _translate(e.base, F, memo, guesses), F.one
        for _ in range(int(e.exp)):
            out = out * base
    else:                                             # sqrt of a positive rational
        num, den = int(e.base.p), int(e.base.q)
        out = F.rational(Fraction(1, den))
        for p, k in sp.factorint(num * den).items():
            out = out * F.rational(p ** (k // 2))
            if k % 2:
                out = out * _sqrt_prime(p, F)
    memo[e] = out
    return out


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
    guesses: dict[Any, tuple[int, Fraction]] = {}
    if not all(_conductor(v, dens, guesses) for v in distinct):
        return None
    N = reduce(lambda a, b: a * b // math.gcd(a, b), dens)
    if N > MAX_CONDUCTOR or all(v.is_Rational for v in distinct):
        return None
    F = CyclotomicField(N)
    memo: dict[Any, Cyc] = {}
    value: dict[Any, Cyc] = {}
    for v in distinct:
        try:
            x = _translate(v, F, memo, guesses)
        except _NotInField:
            return None
        # a guard against a wrong identity (never the proof): the value must match sympy's
        if abs(F.approx(x) - float(v.evalf(30))) > 1e-9 * (1 + abs(F.approx(x))):
            return None  # pragma: no cover - the identities above are exact
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
              f"sum of products of rationals, cos(2 pi j/{N}), sin(2 pi j/{N}) and square "
              f"roots, translated term by term into "
              f"Q(zeta_{N}), z = zeta_{N} = exp(2 pi i/{N}) (cos = (z^j + z^-j)/2, "
              f"sin = -i (z^j - z^-j)/2, i = z^{N // 4}, square roots of rationals by quadratic "
              f"Gauss sums, other square roots as s cos(2 pi j/{N}) checked by squaring and "
              f"an exact sign); "
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
