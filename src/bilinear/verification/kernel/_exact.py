"""Exact-rational orbit checks and the integer monomial check of the kernel.

* ``orbit`` (exact rationals): ``h0 = c * point 0`` with ``c > 0`` and point 0 in the start
  state; ``A(a) v_p = s * v_{succ(p, a)}`` exactly, ``s > 0``, and the state of
  ``succ(p, a)`` is ``table[state(p), a]``; ``R v_p`` has a unique maximum, in a row labelled
  ``label(state(p))``, with the recorded margin.
* ``monomial`` (integers, sparse): the same with signed unit vectors ``+-c e_u``, one per
  automaton state, checked with integer arrays.

Examples
--------
>>> _decode_exact([[Fraction(1)], [Fraction(-1)]], {0: Fraction(2)})
(0, Fraction(4, 1))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TypeVar

import numpy as np

from bilinear.verification.kernel._records import (
    _EXACT_FORMATS,
    Automaton,
    Evidence,
    KernelVerdict,
    Model,
    _fraction,
    _label_text,
    _need,
    _Refused,
)


def _exact_weights(ev: Evidence, model: Model) -> tuple[list[dict[int, list[tuple[int, Fraction]]]],
                                                        list[Fraction], list[list[Fraction]], str]:
    """Exact letters (column-sparse), h0 and dense readout, and a fact about their source."""
    _need(model.W is not None and model.readout is not None,
          "this evidence needs the dense weights W, h0 and readout")
    W = np.asarray(model.W, dtype=np.float64)
    h0 = np.asarray(model.h0, dtype=np.float64)
    R = np.asarray(model.readout, dtype=np.float64)
    _need(W.ndim == 3 and W.shape[0] == W.shape[1] == h0.shape[0] == R.shape[1],
          "W, h0 and readout have inconsistent shapes")
    H, _, D = W.shape
    _need(all(np.all(np.isfinite(a)) for a in (W, h0, R)), "a weight is not finite")
    if ev.exact_weights is None:
        letters: list[dict[int, list[tuple[int, Fraction]]]] = []
        for k in range(D):
            cols: dict[int, list[tuple[int, Fraction]]] = {}
            ii, jj = np.nonzero(W[:, :, k])
            for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
                cols.setdefault(j, []).append((i, Fraction(float(W[i, j, k]))))
            letters.append(cols)
        return (letters, [Fraction(float(x)) for x in h0],
                [[Fraction(float(x)) for x in row] for row in R],
                "the float64 weights read as exact dyadic rationals")
    ew = ev.exact_weights
    _need(len(ew["letters"]) == D, "the exact weights have the wrong number of letters")
    rounded = np.zeros_like(W)
    letters = []
    for k, entries in enumerate(ew["letters"]):
        cols = {}
        for i, j, v in entries:
            x = _fraction(v, "exact weight")
            cols.setdefault(int(j), []).append((int(i), x))
            rounded[int(i), int(j), k] = float(x)
        letters.append(cols)
    h0x = [Fraction(0)] * H
    for i, v in ew["h0"]:
        h0x[int(i)] = _fraction(v, "exact h0")
    Rx = [[Fraction(0)] * H for _ in range(R.shape[0])]
    for i, j, v in ew["readout"]:
        Rx[int(i)][int(j)] = _fraction(v, "exact readout")
    # the stored floats must be the roundings (to nearest) of the exact images
    _need(np.array_equal(rounded, W), "the float W is not the float64 rounding of the exact "
          "letter images the evidence carries")
    scale = _fraction(ev.h0_scale, "h0_scale")
    _need(np.array_equal(np.array([float(scale * x) for x in h0x]), h0),
          "the float h0 is not the float64 rounding of h0_scale times the exact h0")
    _need(np.array_equal(np.array([[float(x) for x in r] for r in Rx]).reshape(R.shape), R),
          "the float readout is not the float64 rounding of the exact readout")
    return (letters, [scale * x for x in h0x], Rx,
            "exact letter images carried by the evidence; the float weights are their "
            "float64 roundings (checked entrywise)")


Columns = dict[int, list[tuple[int, Fraction]]]
#: An element of the exact arithmetic of an orbit check (a Fraction, or a number-field Poly).
_E = TypeVar("_E")


def _apply(cols: Columns, v: dict[int, Fraction]) -> dict[int, Fraction]:
    out: dict[int, Fraction] = {}
    for j, x in v.items():
        for i, a in cols.get(j, ()):
            out[i] = out.get(i, Fraction(0)) + a * x
    return {i: x for i, x in out.items() if x}


def _decode_exact(R: list[list[Fraction]], v: dict[int, Fraction]) -> tuple[int, Fraction]:
    """Unique argmax row of ``R v`` and its margin (row -1: a tie)."""
    scores = [sum((row[j] * x for j, x in v.items()), Fraction(0)) for row in R]
    if len(scores) == 1:
        return 0, Fraction(0)
    order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
    top, second = scores[order[0]], scores[order[1]]
    return (order[0] if top > second else -1), top - second


def _check_points(ev: Evidence, n_states: int, K: int) -> int:
    n = len(ev.point_state)
    _need(n >= 1 and len(ev.point_vector) == n, "the evidence lists no points")
    _need(len(ev.successors) == n and all(len(s) == K for s in ev.successors),
          "the successor table does not list every point and letter")
    _need(all(0 <= q < n_states for q in ev.point_state), "a point has an unknown state")
    return n


def _check_successors(ev: Evidence, table: np.ndarray, vecs: Sequence[dict[int, _E]],
                      apply: Callable[[int, dict[int, _E]], dict[int, _E]],
                      scale: Callable[[Fraction, _E], _E]) -> int:
    """The induction step of an exact orbit, in any exact arithmetic; returns the cases.

    For every point ``p`` and letter ``a``: the successor is a point, its automaton state is
    ``table[state(p), a]``, and ``A(a) v_p`` equals the stated positive scale times its
    vector.  ``apply(a, v)`` is ``A(a) v`` without zero entries, ``scale(c, x)`` is ``c x``.
    """
    n, checked = len(ev.point_state), 0
    for p in range(n):
        q = ev.point_state[p]
        v = vecs[ev.point_vector[p]]
        for a in range(table.shape[1]):
            p2 = ev.successors[p][a]
            _need(0 <= p2 < n, f"point {p}: successor {p2} under letter {a} is not a point")
            _need(ev.point_state[p2] == table[q, a],
                  f"point {p}: letter {a} leads to state {table[q, a]}, the evidence says "
                  f"{ev.point_state[p2]}")
            s = Fraction(1) if ev.scales is None else _fraction(ev.scales[p][a], "scale")
            _need(s > 0, f"point {p}: scale under letter {a} is not positive")
            want = {i: scale(s, x) for i, x in vecs[ev.point_vector[p2]].items()}
            _need(apply(a, v) == want, f"point {p}: A({a}) v_{p} is not {s} times point {p2}")
            checked += 1
    return checked


def _check_orbit(ev: Evidence, model: Model, au: Automaton, table: np.ndarray,
                 columns: np.ndarray, row_label: np.ndarray) -> KernelVerdict:
    _need(ev.number_format in _EXACT_FORMATS,
          f"orbit evidence in {ev.number_format!r}: the kernel checks exact rationals only")
    letters, h0, R, source = _exact_weights(ev, model)
    K = table.shape[1]
    n = _check_points(ev, table.shape[0], K)
    vecs = [{int(i): _fraction(x, "vector") for i, x in vec} for vec in ev.vectors]
    vecs = [{i: x for i, x in v.items() if x} for v in vecs]
    _need(all(0 <= c < len(vecs) for c in ev.point_vector), "a point has an unknown vector")
    c0 = _fraction(ev.h0_scale, "h0_scale")
    _need(c0 > 0, "h0_scale must be positive")
    h0v = {i: x for i, x in enumerate(h0) if x}
    _need(h0v == {i: c0 * x for i, x in vecs[ev.point_vector[0]].items()},
          "h0 is not h0_scale times point 0")
    _need(ev.point_state[0] == au.start, "point 0 is not in the start state")
    checked = 2 + _check_successors(
        ev, table, vecs, lambda a, v: _apply(letters[int(columns[a])], v),
        lambda c, x: c * x)
    least: Fraction | None = None
    for p in sorted({p2 for succ in ev.successors for p2 in succ}):
        q = ev.point_state[p]
        row, margin = _decode_exact(R, vecs[ev.point_vector[p]])
        lab = int(au.state_label[q])
        _need(row >= 0, f"point {p} (state {q}) is a tie between readout rows")
        _need(row_label[row] == lab,
              f"point {p} (state {q}) decodes to readout row {row}, labelled "
              f"{_label_text(au, int(row_label[row]))}, not label {_label_text(au, lab)}")
        if ev.margins:
            _need(_fraction(ev.margins[p], "margin") == margin,
                  f"point {p}: the recorded margin {ev.margins[p]} is not {margin}")
        least = margin if least is None else min(least, margin)
        checked += 1
    return KernelVerdict("agrees", "", checked, str(least * c0 if least is not None else ""),
                         (source, f"{n} points, {n * K} successors, exact rational arithmetic"))



# ================================================================================ monomial
def _within(a: np.ndarray, bound: int) -> bool:
    """Every entry of the integer array ``a`` lies in ``[0, bound)``."""
    return a.size == 0 or (int(a.min()) >= 0 and int(a.max()) < bound)


def _monomial_weights(model: Model) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Targets (D, H), integer scales (D, H; ``None``: all ones) and a dense readout column per
    unit."""
    if model.targets is not None:
        T = np.asarray(model.targets, dtype=np.int64)
        if model.scales is None:
            rows = np.asarray(model.readout_rows, dtype=np.int64)
            _need(T.ndim == 2 and rows.shape == (T.shape[1],) and _within(T, T.shape[1])
                  and _within(rows, max(int(model.n_rows), 1)),
                  "the sparse monomial arrays are inconsistent")
            return T, None, rows
        else:
            S = np.asarray(model.scales, dtype=np.float64)
            _need(np.all(np.isin(S, (-1, 0, 1))), "monomial scales must be -1, 0 or 1")
        rows = np.asarray(model.readout_rows, dtype=np.int64)
        _need(T.ndim == 2 and S.shape == T.shape and rows.shape == (T.shape[1],)
              and np.all((T >= 0) & (T < T.shape[1]))
              and np.all((rows >= 0) & (rows < max(int(model.n_rows), 1))),
              "the sparse monomial arrays are inconsistent")
        return T, S.astype(np.int64), rows
    _need(model.W is not None, "monomial evidence needs W or its sparse form")
    W = np.asarray(model.W, dtype=np.float64)
    _need(np.all(np.isin(W, (-1.0, 0.0, 1.0))), "a letter entry is not -1, 0 or 1")
    _need(np.all((W != 0).sum(axis=0) <= 1), "a letter column has two nonzeros: not monomial")
    T = np.abs(W).argmax(axis=0).T.astype(np.int64)
    S = W.sum(axis=0).T.astype(np.int64)
    return T, S, np.zeros(0, dtype=np.int64)


def _check_monomial(ev: Evidence, model: Model, au: Automaton, table: np.ndarray,
                    columns: np.ndarray, row_label: np.ndarray) -> KernelVerdict:
    _need(ev.code_of is not None, "monomial evidence needs code_of")
    T, S, rows_1hot = _monomial_weights(model)
    n, K = table.shape
    H = T.shape[1]
    code = np.asarray(ev.code_of, dtype=np.int64)
    _need(code.shape == (n,), "code_of must give one code per automaton state")
    # the one-hot codes 2 q of every state with unit scales: A(a) maps the code 2 q to
    # 2 T[a, q], the code of table[q, a] is 2 table[q, a], so the check below is T[a] == table
    identity = (S is None and H == n
                and np.array_equal(code, np.arange(0, 2 * n, 2, dtype=np.int64)))
    if not identity:                                   # (the one-hot codes are in range)
        _need(np.all((code >= -2) & (code < 2 * H)), "a code names no unit")
    h0 = np.asarray(model.h0, dtype=np.float64)
    nz = np.flatnonzero(h0)
    c0 = _fraction(ev.h0_scale, "h0_scale")
    _need(c0 > 0 and nz.size == 1, "h0 must be a positive multiple of a signed unit vector")
    u0 = int(nz[0])
    _need(int(code[au.start]) == 2 * u0 + int(h0[u0] < 0) and Fraction(abs(float(h0[u0]))) == c0,
          "h0 is not h0_scale times the code of the start state")
    if identity:
        for a in range(K):
            k = int(columns[a])
            if np.array_equal(T[k], table[:, a]):
                continue
            q = int(np.flatnonzero(T[k] != table[:, a])[0])
            raise _Refused(f"state {q}: letter {a} maps its code {2 * q} to "
                           f"{2 * int(T[k, q])}, the evidence gives state "
                           f"{int(table[q, a])} the code {2 * int(table[q, a])}")
        if model.readout is None:
            verdict = _identity_decoding(model, au, rows_1hot, row_label, c0, K)
            if verdict is not None:
                return verdict
    everything = identity or bool(np.all(code != -2))
    reached = np.arange(n) if everything else np.flatnonzero(code != -2)
    c = code[reached]
    unit, neg = np.maximum(c, 0) >> 1, c & 1
    zero_code = c < 0
    for a in range(K if not identity else 0):           # (identity: checked above)
        k = int(columns[a])
        if S is None:                                   # every scale is 1: no sign, no zero
            img = 2 * T[k, unit] + neg
            if np.any(zero_code):
                img[zero_code] = -1
        else:
            sc = S[k, unit]
            img = np.where(zero_code | (sc == 0), -1, 2 * T[k, unit] + (neg ^ (sc < 0)))
        nxt = code[table[:, a] if everything else table[reached, a]]
        bad = np.flatnonzero(img != nxt)
        if bad.size:
            q = int(reached[bad[0]])
            raise _Refused(f"state {q}: letter {a} maps its code {int(code[q])} to "
                           f"{int(img[bad[0]])}, the evidence gives state "
                           f"{int(table[q, a])} the code {int(nxt[bad[0]])}")
    # decoding: R (+-c0 e_u) = +-c0 R[:, u] with c0 > 0: compare the float entries of the
    # signed column (exact), margins are c0 times differences of two floats (exact rationals)
    hit = np.zeros(n, dtype=bool)
    hit[table.ravel() if everything else table[reached].ravel()] = True
    reached = np.flatnonzero(hit)
    c = code[reached]
    unit, neg = np.maximum(c, 0) >> 1, c & 1
    want = np.asarray(au.state_label, dtype=np.int64)[reached]
    _need(np.all(c >= 0), "a reached state has the zero vector, which ties every readout row")
    sign = np.where(neg == 1, -1.0, 1.0)
    if model.readout is None:
        # one-hot readout columns: R (+-e_u) is +-1 in row readout_rows[u], 0 elsewhere
        n_rows = int(model.n_rows)
        r = rows_1hot[unit]
        _need(n_rows <= 2 or np.all(neg == 0), "a negative unit ties the other readout rows")
        row = np.zeros_like(r) if n_rows == 1 else np.where(neg == 0, r, 1 - r)
        top, second = np.ones(r.size), np.zeros(r.size) if n_rows > 1 else np.ones(r.size)
        R_rows = max(n_rows, 1)
    else:
        R = np.asarray(model.readout, dtype=np.float64)
        _need(R.ndim == 2 and R.shape[1] == H and np.all(np.isfinite(R)),
              "the readout is not a finite (S, H) array")
        R_rows = R.shape[0]
        if R_rows == 1:
            row, top, second = np.zeros(unit.size, dtype=np.int64), sign, sign
        else:
            col = R[:, unit] * sign                              # (S, N), exact (sign flip)
            srt = np.sort(col, axis=0)
            top, second = srt[-1], srt[-2]
            _need(np.all(top > second), "a reached code ties two readout rows")
            row = col.argmax(axis=0)
    lab = row_label[row]
    bad = np.flatnonzero(lab != want)
    if bad.size:
        q = int(reached[bad[0]])
        raise _Refused(f"state {q} decodes to readout row {int(row[bad[0]])}, labelled "
                       f"{_label_text(au, int(lab[bad[0]]))}, not label "
                       f"{_label_text(au, int(want[bad[0]]))}")
    least = ""
    if R_rows > 1 and unit.size:
        # the strict check above is exact; the least margin is reported (exactly) at the
        # state whose float margin is least
        top = np.asarray(top, dtype=np.float64)
        second = np.asarray(second, dtype=np.float64)
        i = int(np.argmin(top - second))
        least = str(c0 * (Fraction(float(top[i])) - Fraction(float(second[i]))))
    return KernelVerdict("agrees", "", int(reached.size) * (K + 1) + 1, least,
                         (f"{reached.size} reached states, each a signed unit vector times "
                          f"{c0}; integer unit/sign arrays, exact",))


def _identity_decoding(model: Model, au: Automaton, rows_1hot: np.ndarray,
                       row_label: np.ndarray, c0: Fraction, K: int) -> KernelVerdict | None:
    """The decoding of the one-hot codes ``2 q`` of *every* state (a superset of the reached
    ones) with one-hot readout columns: ``R (c0 e_q)`` is ``c0`` in row ``readout_rows[q]``
    and 0 elsewhere, so state ``q`` decodes to that row, by the margin ``c0`` (one row: no
    margin). ``None`` when some state decodes wrongly: the check of the reached states alone
    decides, as for any code."""
    n_rows = int(model.n_rows)
    row = rows_1hot if n_rows > 1 else np.zeros_like(rows_1hot)
    if not np.array_equal(row_label[row], np.asarray(au.state_label, dtype=np.int64)):
        return None
    n = row.size
    return KernelVerdict("agrees", "", n * (K + 1) + 1, str(c0) if n_rows > 1 and n else "",
                         (f"{n} states (every state), each the unit vector of its one-hot "
                          f"code times {c0}; integer unit arrays, exact",))
