"""Integer helpers of the kernel's cyclotomic fields: ``Phi_N``, and enclosures of ``pi`` and
of cosines in integer fixed point (every rounding directed outward, so the bounds are proven).

Examples
--------
>>> _phi(12), _mobius(12), _mobius(30)
((1, 0, -1, 0, 1), 0, -1)
>>> lo, hi = _pi(64)
>>> 333 * 2**64 < 106 * lo <= 106 * hi, 113 * hi < 355 * 2**64, hi - lo < 2**10
(True, True, True)
"""

from __future__ import annotations

from bilinear.verification.kernel._records import _need


def _mobius(n: int) -> int:
    """The Moebius function (0 on non-squarefree ``n``)."""
    out, m, f = 1, n, 2
    while f * f <= m:
        if m % f == 0:
            m //= f
            if m % f == 0:
                return 0
            out = -out
        f += 1
    return -out if m > 1 else out


def _phi(N: int) -> tuple[int, ...]:
    """The cyclotomic polynomial ``Phi_N = prod_{d | N} (x^d - 1)^mu(N/d)`` (integer
    coefficients, constant term first): the factors with ``mu = 1`` multiplied, then the exact
    divisions by those with ``mu = -1``, in integer arithmetic."""
    p = [1]
    divisors = [d for d in range(1, N + 1) if N % d == 0]
    for d in divisors:
        if _mobius(N // d) == 1:                               # p * (x^d - 1)
            p = [(p[k - d] if k >= d else 0) - (p[k] if k < len(p) else 0)
                 for k in range(len(p) + d)]
    for d in divisors:
        if _mobius(N // d) == -1:                              # p / (x^d - 1)
            q = [0] * (len(p) - d)
            for k in range(len(q) - 1, -1, -1):
                q[k] = p[k + d] + (q[k + d] if k + d < len(q) else 0)
            _need(all(p[k] == -(q[k] if k < len(q) else 0) for k in range(d)),
                  "internal: a cyclotomic division left a remainder")
            p = q
    return tuple(p)


def _atan_inv(k: int, p: int) -> tuple[int, int]:
    """``atan(1/k)`` in ``[lo, hi] / 2^p`` (alternating series; each floor errs by < 1 unit,
    the tail by less than its first term, which is < 1 unit)."""
    S, total, n, kp = 1 << p, 0, 0, k
    while True:
        t = S // ((2 * n + 1) * kp)
        if t == 0:
            break
        total += t if n % 2 == 0 else -t
        n += 1
        kp *= k * k
    return total - n - 1, total + n + 1


def _pi(p: int) -> tuple[int, int]:
    """``pi = 16 atan(1/5) - 4 atan(1/239)`` in ``[lo, hi] / 2^p``."""
    a_lo, a_hi = _atan_inv(5, p)
    b_lo, b_hi = _atan_inv(239, p)
    return 16 * a_lo - 4 * b_hi, 16 * a_hi - 4 * b_lo


def _cos_point(X: int, p: int) -> tuple[int, int]:
    """``cos(X / 2^p)`` in ``[lo, hi] / 2^p`` (``X >= 0``): Taylor terms bounded below and above
    (all positive, so floor and ceiling bound them), plus the Lagrange remainder."""
    S2, X2 = 1 << (2 * p), X * X
    tl = th = lo = hi = 1 << p
    n = 1
    while True:
        den = (2 * n - 1) * (2 * n) * S2
        tl, th = tl * X2 // den, -((-th * X2) // den)
        if n % 2:
            lo, hi = lo - th, hi - tl
        else:
            lo, hi = lo + tl, hi + th
        rest = -((-th * X2) // ((2 * n + 1) * (2 * n + 2) * S2))   # |remainder| <= next term
        if rest <= 1 and (2 * n + 1) * (2 * n + 2) * S2 > X2:
            return lo - rest, hi + rest
        n += 1
