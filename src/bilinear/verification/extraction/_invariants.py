"""All-length proofs for an extracted automaton: invariant boxes, else a certified horizon.

The model is judged in exact real arithmetic on its float64 weights (every float is a dyadic
rational; all checks below run on Python integers scaled by a power of two, so they are exact).
Decoding is invariant under positive scaling and the recurrence is linear, so any positive
factor may be applied after a step: with factors ``s(c, a) > 0`` fixed per cell and letter,
the rescaled trajectory ``g_t = s A(a_t) g_{t-1}`` is a positive multiple of ``h_t`` and decodes
alike.  The cells are the sample graph (when the normalized float orbit is finite) or the states
of the extracted automaton; then ``h0`` gets a cell of its own with the start state's
successors and no label to decode (the model never reports the label of ``h0``, and a trained
``h0`` often lies far from the states that non-empty words reach).

*Boxes* (``certified``): a box ``B_c`` per cell with ``g_0 = sigma h0`` in ``B_start``,
``s(c, a) A(a) B_c`` inside ``B_{c.a}`` (exact interval arithmetic), and one readout row beating
every other row on each box reachable by a non-empty word.  Induction on the length then gives
every word.  The boxes start as the hull of each cell's samples and grow by the hulls of their
images (with a little overshoot) a bounded number of times.

*Balls* (``certified_up_to``): with centres ``m_c``, ``Lambda >= s ||A(a)||_2`` (Gershgorin on
the exact Gram matrix), ``Delta >= ||s A(a) m_c - m_{c.a}||_2`` and ``r_0 >= ||g_0 - m_start||``,
every word of length ``t`` leaves ``g_t`` within ``r_t = Lambda^t r_0 + Delta (1 + Lambda + ...
+ Lambda^{t-1})`` of its cell's centre, and ``g_t`` decodes like the centre while ``r_t`` is
below the decoding radius ``mu`` (the least distance from a centre to a decision boundary of
its row).  The certified horizon ``N`` is the largest ``t`` with ``r_t < mu``; when
``Lambda < 1`` and the fixed point ``Delta / (1 - Lambda)`` (and ``r_0``) stay below ``mu``,
the balls are invariant and the proof covers every length.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> from bilinear.verification.extraction import extract_automaton
>>> rnn = compile_automaton(tasks.get("parity").dfa, level="real_diagonal")
>>> res = prove_invariant(rnn, extract_automaton(rnn))
>>> res.closed, res.method, res.margin
(True, 'boxes', 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from bilinear.verification.extraction._sample import Extraction, power_of_two_scale

__all__ = ["InvariantResult", "prove_invariant", "MAX_HORIZON"]

#: Horizons are reported up to this length (a longer one is reported as this bound).
MAX_HORIZON = 10**18


@dataclass(frozen=True)
class InvariantResult:
    """Outcome of :func:`prove_invariant`.

    ``closed``: an invariant family (boxes or balls) was found, so every length is proved;
    otherwise ``horizon`` is the certified length (``0``: nothing beyond the samples).
    ``margin``: least score margin on the boxes (``method == "boxes"``) or the decoding radius
    of the balls (a float rounded down; only its sign is part of the proof).
    """

    closed: bool
    method: str
    horizon: int | None
    margin: float
    cells: int
    note: str = ""


# ------------------------------------------------------------------ exact dyadic arrays
def _dyadic(x: Any) -> tuple[np.ndarray, int]:
    """``(M, E)`` with ``x == M / 2**E`` exactly (``M`` an object array of Python ints)."""
    x = np.asarray(x, dtype=np.float64)
    m, e = np.frexp(x)
    mi = (m * 2.0**53).astype(np.int64).ravel().tolist()
    ks = (e.astype(np.int64) - 53).ravel().tolist()
    nz = [k for v, k in zip(mi, ks, strict=True) if v]
    E = max(0, -min(nz)) if nz else 0
    out = np.empty(len(mi), dtype=object)
    out[:] = [v << (k + E) if v else 0 for v, k in zip(mi, ks, strict=True)]
    return out.reshape(x.shape), E


def _shift(M: np.ndarray, by: int) -> np.ndarray:
    """``M * 2**by`` for ``by >= 0`` (an object array of ints)."""
    return M * (1 << by)


def _sqrt_up(q: Fraction) -> float:
    """A float ``>= sqrt(q)``."""
    x = math.sqrt(float(q))
    while Fraction(x) ** 2 < q:
        x = float(np.nextafter(x, np.inf))
    return x


def _up(q: Fraction) -> float:
    x = float(q)
    return float(np.nextafter(x, np.inf)) if Fraction(x) < q else x


def _down(q: Fraction) -> float:
    x = float(q)
    return float(np.nextafter(x, -np.inf)) if Fraction(x) > q else x


# ------------------------------------------------------------------ cells
@dataclass(frozen=True)
class _Cells:
    members: list[list[int]]     # sample indices of each cell
    table: np.ndarray            # (C, K) cell transitions
    start: int
    label_rows: list[list[int]]  # readout rows carrying each cell's label
    needs: np.ndarray            # (C,) bool: reached by a non-empty word


def _cells(rnn: Any, ex: Extraction, kind: str) -> _Cells | None:
    labels = list(rnn.labels)

    def rows_of(value: Any) -> list[int]:
        return [r for r, v in enumerate(labels) if type(v) is type(value) and v == value]

    if kind == "nodes":
        if not ex.finite_orbit:
            return None
        members = [[i] for i in range(ex.explored)]
        table, start = ex.succ, 0
        label_rows = [rows_of(labels[r]) if r >= 0 else [] for r in ex.rows.tolist()]
    else:
        if ex.dfa is None:
            return None
        d = ex.dfa
        members = [[] for _ in range(d.n_states)]
        for i, q in enumerate(ex.node_class.tolist()):
            if q >= 0:
                members[q].append(i)
        table, start = d.table, d.start_index
        label_rows = [rows_of(d.label_values[d.label_index[q]]) for q in range(d.n_states)]
        if len(members[start]) > 1 and members[start][0] == 0:
            # h0 is never read out, so training leaves it anywhere: it gets a cell of its own
            # (same successors, no label to decode), and the start class keeps the states
            # that non-empty words reach
            members[start] = members[start][1:]
            members.append([0])
            table = np.vstack([table, table[start][None, :]])
            label_rows.append(label_rows[start])
            start = len(members) - 1
    C = len(members)
    needs = np.zeros(C, dtype=bool)
    frontier = list({int(t) for t in table[start]})
    needs[frontier] = True
    while frontier:
        nxt = [int(t) for c in frontier for t in table[c] if not needs[t]]
        nxt = list(dict.fromkeys(nxt))
        needs[nxt] = True
        frontier = nxt
    return _Cells(members, np.asarray(table, dtype=np.int64), start, label_rows, needs)


# ------------------------------------------------------------------ boxes
def _exact_boxes(A: np.ndarray, R: np.ndarray, g0: np.ndarray, sigma: float, cells: _Cells,
                 scale: np.ndarray, lo: np.ndarray, hi: np.ndarray
                 ) -> tuple[bool, float, str]:
    """Check the box induction exactly; ``(holds, least margin, reason)``."""
    K = A.shape[0]
    if not (np.isfinite(scale).all() and (scale > 0).all() and sigma > 0):
        return False, 0.0, "a rescaling factor is not positive"   # only positive ones are sound
    B_lo, Eb = _dyadic(lo)
    B_hi, Eb2 = _dyadic(hi)
    Eb_all = max(Eb, Eb2)
    B_lo, B_hi = _shift(B_lo, Eb_all - Eb), _shift(B_hi, Eb_all - Eb2)
    # start: sigma * h0 inside the start box
    h_int, Eh = _dyadic(g0)
    s_int, Es = _dyadic(np.array(sigma))
    g = h_int * int(s_int)
    Eg = Eh + Es
    st = cells.start
    common = max(Eg, Eb_all)
    gl = _shift(g, common - Eg)
    if not (all(_shift(B_lo[st], common - Eb_all) <= gl)
            and all(gl <= _shift(B_hi[st], common - Eb_all))):
        return False, 0.0, "h0 is not in its box"
    A_int, Ea = _dyadic(A)
    zero = np.zeros_like(A_int)
    Ap = np.where(A_int > 0, A_int, zero)
    An = np.where(A_int < 0, A_int, zero)
    for k in range(K):
        img_lo = B_lo @ Ap[k].T + B_hi @ An[k].T            # (C, H), exponent Eb + Ea
        img_hi = B_hi @ Ap[k].T + B_lo @ An[k].T
        for c in range(len(cells.members)):
            s, Esc = _dyadic(np.array(scale[c, k]))
            t = int(cells.table[c, k])
            e_img = Eb_all + Ea + Esc
            lo_t = _shift(B_lo[t], e_img - Eb_all)
            hi_t = _shift(B_hi[t], e_img - Eb_all)
            if not (all(lo_t <= img_lo[c] * int(s)) and all(img_hi[c] * int(s) <= hi_t)):
                return False, 0.0, "a box image leaves its box"
    R_int, Er = _dyadic(R)
    least: Fraction | None = None
    for c in np.nonzero(cells.needs)[0].tolist():
        best: Fraction | None = None
        for r in cells.label_rows[c]:
            D = R_int[r][None, :] - np.delete(R_int, r, axis=0)   # (S-1, H)
            if D.shape[0] == 0:
                best = Fraction(10**9)
                break
            zero_d = np.zeros_like(D)
            m = (np.where(D > 0, D, zero_d) @ B_lo[c] + np.where(D < 0, D, zero_d) @ B_hi[c])
            worst = Fraction(int(min(m)), 1 << (Er + Eb_all))
            if worst > 0 and (best is None or worst > best):
                best = worst
        if best is None:
            return False, 0.0, "a box does not decode to its label with a positive margin"
        least = best if least is None or best < least else least
    return True, _down(least) if least is not None else 0.0, ""


def _float_boxes(A: np.ndarray, cells: _Cells, scale: np.ndarray, lo: np.ndarray,
                 hi: np.ndarray, g0: np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Grow the boxes by the hulls of their images until they stop moving (float64)."""
    absA = np.abs(A)
    lo, hi = lo.copy(), hi.copy()
    st = cells.start
    lo[st] = np.minimum(lo[st], np.nextafter(g0, -np.inf))
    hi[st] = np.maximum(hi[st], np.nextafter(g0, np.inf))
    for _ in range(max_iter):
        new_lo, new_hi = lo.copy(), hi.copy()
        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        for k in range(A.shape[0]):
            c_img = scale[:, k, None] * (mid @ A[k].T)
            r_img = scale[:, k, None] * (rad @ absA[k].T)
            slack = 4e-16 * (np.abs(c_img) + r_img) + 1e-300
            np.minimum.at(new_lo, cells.table[:, k], c_img - r_img - slack)
            np.maximum.at(new_hi, cells.table[:, k], c_img + r_img + slack)
        if (new_lo >= lo).all() and (new_hi <= hi).all():
            break
        lo = new_lo - 0.25 * (lo - new_lo)
        hi = new_hi + 0.25 * (new_hi - hi)
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            break
    return lo, hi


def _boxes(A: np.ndarray, R: np.ndarray, h0: np.ndarray, X: np.ndarray, cells: _Cells,
           scale: np.ndarray, max_iter: int, fit_start: bool) -> tuple[bool, float, str]:
    lo = np.stack([X[m].min(axis=0) for m in cells.members])
    hi = np.stack([X[m].max(axis=0) for m in cells.members])
    sigma, g0 = _start(h0)
    if fit_start:   # the factor that brings h0 closest to its cell's first sample
        mid, hh = X[cells.members[cells.start][0]], float(h0 @ h0)
        fit = float(h0 @ mid) / hh if hh > 0 else 0.0
        if fit > 0:
            sigma, g0 = fit, h0 * fit
    # first the hull of the samples alone (exact finite orbits close with radius 0)
    ok, margin, why = _exact_boxes(A, R, h0, sigma, cells, scale, lo, hi)
    if ok:
        return ok, margin, why
    for _ in range(3):
        lo, hi = _float_boxes(A, cells, scale, lo, hi, g0, max_iter)
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            return False, 0.0, "the boxes diverge"
        ok, margin, why = _exact_boxes(A, R, h0, sigma, cells, scale, lo, hi)
        if ok:
            return ok, margin, why
        pad = 1e-12 * (np.abs(lo) + np.abs(hi)) + 1e-300
        lo, hi = lo - pad, hi + pad
    return False, 0.0, why


def _start(h0: np.ndarray) -> tuple[float, np.ndarray]:
    sigma = float(power_of_two_scale(np.array(np.linalg.norm(h0))))
    return sigma, h0 * sigma


# ------------------------------------------------------------------ balls
def _norm_up(v: np.ndarray, E: int) -> Fraction:
    """An upper bound of ``||v / 2**E||_2`` as a Fraction (via a float rounded up)."""
    sq = sum(int(x) * int(x) for x in v.tolist())
    return Fraction(_sqrt_up(Fraction(sq, 1 << (2 * E))))


def _fitted_scales(A: np.ndarray, centres: np.ndarray, table: np.ndarray, scale: np.ndarray
                   ) -> np.ndarray:
    """Least-squares factors ``s`` bringing ``s A(a) m_c`` closest to ``m_{c.a}`` (any positive
    factor is sound; the given one where the fit is not positive)."""
    out = scale.copy()
    for k in range(A.shape[0]):
        img = centres @ A[k].T
        num = np.einsum("ch,ch->c", img, centres[table[:, k]])
        den = np.einsum("ch,ch->c", img, img)
        ok = (num > 0) & (den > 0)
        out[ok, k] = num[ok] / den[ok]
    return out


def _unit(X: np.ndarray, order: float = 2) -> np.ndarray:
    n = np.linalg.norm(X, ord=order, axis=-1, keepdims=True)
    return np.where(n > 0, X / np.where(n > 0, n, 1.0), X)


def _max_scales(A: np.ndarray, mids: np.ndarray, table: np.ndarray, scale: np.ndarray
                ) -> np.ndarray:
    """Factors giving ``s A(a) m_c`` the max-norm of ``m_{c.a}``."""
    out = scale.copy()
    for k in range(A.shape[0]):
        num = np.abs(mids[table[:, k]]).max(axis=1)
        den = np.abs(mids @ A[k].T).max(axis=1)
        ok = (num > 0) & (den > 0)
        out[ok, k] = num[ok] / den[ok]
    return out


def _balls(A: np.ndarray, R: np.ndarray, h0: np.ndarray, X: np.ndarray, cells: _Cells,
           scale: np.ndarray) -> tuple[bool, int, float, str]:
    centres = _unit(np.stack([X[m[0]] for m in cells.members]))
    scale = _fitted_scales(A, centres, cells.table, scale)
    if not (np.isfinite(scale).all() and (scale > 0).all()):
        return False, 0, 0.0, "a rescaling factor is not positive"
    M, Em = _dyadic(centres)
    A_int, Ea = _dyadic(A)
    K = A.shape[0]
    lam = Fraction(0)
    for k in range(K):
        G = A_int[k].T @ A_int[k]
        row = max(sum(abs(int(x)) for x in r) for r in G.tolist())
        norm_k = Fraction(_sqrt_up(Fraction(row, 1 << (2 * Ea))))
        used = [c for c in range(len(cells.members)) if cells.needs[c] or c == cells.start]
        lam = max([lam] + [Fraction(scale[c, k]) * norm_k for c in used])
    delta = Fraction(0)
    AM = [M @ A_int[k].T for k in range(K)]                   # exponent Em + Ea
    for c in range(len(cells.members)):
        if not (cells.needs[c] or c == cells.start):
            continue
        for k in range(K):
            s, Es = _dyadic(np.array(scale[c, k]))
            t = int(cells.table[c, k])
            v = AM[k][c] * int(s) - _shift(M[t], Ea + Es)
            delta = max(delta, _norm_up(v, Em + Ea + Es))
    sigma, _ = _start(h0)
    fit = float(h0 @ centres[cells.start]) / float(h0 @ h0) if float(h0 @ h0) > 0 else 0.0
    sigma = fit if fit > 0 else sigma
    h_int, Eh = _dyadic(h0)
    s_int, Es = _dyadic(np.array(sigma))
    E0 = max(Eh + Es, Em)
    v0 = _shift(h_int * int(s_int), E0 - Eh - Es) - _shift(M[cells.start], E0 - Em)
    r0 = _norm_up(v0, E0)
    R_int, Er = _dyadic(R)
    mu: Fraction | None = None
    for c in np.nonzero(cells.needs)[0].tolist():
        best = Fraction(0)
        for r in cells.label_rows[c]:
            D = R_int[r][None, :] - np.delete(R_int, r, axis=0)
            if D.shape[0] == 0:
                best = Fraction(10**9)
                break
            scores = D @ M[c]
            worst: Fraction | None = None
            for d, sc in zip(D, scores.tolist(), strict=True):
                num = Fraction(int(sc), 1 << (Er + Em))
                den = _norm_up(d, Er)
                val = num / den if den > 0 else Fraction(0)
                worst = val if worst is None or val < worst else worst
            if worst is not None and worst > best:
                best = worst
        mu = best if mu is None or best < mu else mu
    if mu is None or mu <= 0:
        return False, 0, 0.0, "a cell centre does not decode to its label"
    if lam < 1:
        rho = max(r0, delta / (1 - lam))
        if lam * rho + delta <= rho and rho < mu:
            return True, MAX_HORIZON, _down(mu), ""
    return False, _horizon(float(lam), _up(delta), _up(r0), _down(mu)), _down(mu), ""


def _horizon(lam: float, delta: float, r0: float, mu: float) -> int:
    """Largest ``t`` with ``lam^t r0 + delta (lam^t - 1) / (lam - 1) < mu`` (a safety factor
    of ``1 + 1e-9`` covers the rounding of this float evaluation)."""
    lam = float(np.nextafter(lam, np.inf)) if lam > 0 else lam

    def r(t: int) -> float:
        if lam <= 1.0:
            return (r0 + t * delta) * (1 + 1e-9)
        g = math.log1p(lam - 1.0) * t
        if g > 700:
            return math.inf
        return (r0 * math.exp(g) + delta * math.expm1(g) / (lam - 1.0)) * (1 + 1e-9)

    if r(1) >= mu:
        return 0
    lo, hi = 1, 2
    while hi < MAX_HORIZON and r(hi) < mu:
        lo, hi = hi, hi * 2
    if hi >= MAX_HORIZON and r(MAX_HORIZON) < mu:
        return MAX_HORIZON
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if r(mid) < mu else (lo, mid)
    return lo


# ------------------------------------------------------------------ entry point
def prove_invariant(rnn: Any, ex: Extraction, max_iter: int = 60) -> InvariantResult:
    """Try to prove that the model follows ``ex.dfa`` (and decodes its labels) for every length.

    Boxes are tried on the sample graph (finite orbits) and on the extracted automaton's
    states; when no box family closes, the ball recurrence gives a certified horizon (the
    best over both cell families).  The caller checks that ``ex.dfa`` matches the task.
    """
    A = np.ascontiguousarray(np.moveaxis(np.asarray(rnn.W, dtype=np.float64), 2, 0)
                             [list(ex.letters)])
    R = np.asarray(rnn.readout, dtype=np.float64)
    h0 = np.asarray(rnn.h0, dtype=np.float64)
    best: InvariantResult | None = None
    notes = []
    for kind in ("nodes", "classes"):
        cells = _cells(rnn, ex, kind)
        if cells is None or (kind == "nodes" and len(cells.members) > 4096):
            continue
        # nodes: the exact samples (power-of-two scales keep exact orbits exact); classes:
        # samples brought to unit max-norm, then to unit 2-norm, so that one class's hull is
        # not stretched by scale
        variants = ["exact"] if kind == "nodes" else ["max", "unit"]
        why = ""
        for variant in variants:
            X = {"exact": ex.states, "max": _unit(ex.states, np.inf),
                 "unit": _unit(ex.states)}[variant]
            mids = np.stack([X[m[0]] for m in cells.members])
            if variant == "max":
                mids = np.stack([(X[m].min(axis=0) + X[m].max(axis=0)) / 2
                                 for m in cells.members])
            scale = power_of_two_scale(np.stack(
                [np.linalg.norm(mids @ A[k].T, axis=1) for k in range(A.shape[0])], axis=1))
            if variant == "max":
                scale = _max_scales(A, mids, cells.table, scale)
            elif variant == "unit":
                scale = _fitted_scales(A, mids, cells.table, scale)
            ok, margin, why = _boxes(A, R, h0, X, cells, scale, max_iter,
                                     fit_start=variant != "exact")
            if ok:
                return InvariantResult(True, "boxes", None, margin, len(cells.members))
        notes.append(f"{kind}: {why}")
        closed, horizon, mu, why2 = _balls(A, R, h0, X, cells, scale)
        if closed:
            return InvariantResult(True, "balls", None, mu, len(cells.members))
        res = InvariantResult(False, "balls", horizon, mu, len(cells.members),
                              "; ".join(notes + ([why2] if why2 else [])))
        if best is None or (res.horizon or 0) > (best.horizon or 0):
            best = res
    if best is None:
        return InvariantResult(False, "none", 0, 0.0, 0, "no extracted automaton")
    return best
