"""C-cell certificates: one closed box per state, checked with exact intervals.

The method is described in docs/explanation/certificates.md (section C-cell).

For contractive constructions (thresholds with ``lambda = 1/2``) the orbit of ``h`` is
infinite, but the states still fall into cells: ``{1}, {1/2}, ..., [0, 2^-k]``.  The cells are
found by joining the exact points met by a breadth-first search, propagating boxes through the
letters until nothing changes, and *widening* a bound that keeps moving to ``0`` (when it moves
towards zero without crossing it) or to infinity.  The certificate then checks, in exact
rational interval arithmetic: ``h0`` lies in the cell of ``q0``; ``A(a) C_q`` lies in
``C_{q.a}``; the readout is constant and correct on every cell.

Examples
--------
>>> import numpy as np
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> from bilinear.verification.common import align
>>> from bilinear.verification.exact import system_from_arrays
>>> d = tasks.get("threshold", k=2).dfa
>>> rnn = compile_automaton(d, level="positive_diagonal", notion="rob")
>>> sysm = system_from_arrays(rnn.W, rnn.h0, rnn.readout)
>>> cert = cells_certificate(sysm, rnn, d, align(rnn, d), task="threshold", model="m")
>>> cert.holds, cert.method
(True, 'cells')
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bilinear.automata.dfa import DFA
from bilinear.verification.certificates import Certificate, Check
from bilinear.verification.common import Alignment, bfs_tree
from bilinear.verification.exact import (
    ExactSystem,
    as_fraction,
    exact_images,
    failure_certificate,
    search_pairs,
)
from bilinear.verification.kernel import Evidence

__all__ = ["cells_certificate", "Box"]

INF = float("inf")
Box = tuple[tuple[Any, ...], tuple[Any, ...]]


_frac = as_fraction


def _rational_columns(system: ExactSystem) -> list:
    return [[[(i, _frac(v)) for i, v in col] for col in letter] for letter in system.columns]


def _image(columns: list, k: int, box: Box) -> Box:
    lo, hi = box
    H = len(lo)
    out_lo = [Fraction(0)] * H
    out_hi = [Fraction(0)] * H
    for j, col in enumerate(columns[k]):
        for i, v in col:
            a, b = v * lo[j], v * hi[j]
            if a > b:
                a, b = b, a
            out_lo[i] += a
            out_hi[i] += b
    return tuple(out_lo), tuple(out_hi)


def _join(a: Box | None, b: Box) -> Box:
    if a is None:
        return b
    return (tuple(min(x, y) for x, y in zip(a[0], b[0], strict=False)),
            tuple(max(x, y) for x, y in zip(a[1], b[1], strict=False)))


def _widen(old: Box, new: Box) -> Box:
    lo, hi = [], []
    for o, n in zip(old[0], new[0], strict=False):
        lo.append(n if n >= o else (0 if o > 0 and n >= 0 else -INF))
    for o, n in zip(old[1], new[1], strict=False):
        hi.append(n if n <= o else (0 if o < 0 and n <= 0 else INF))
    return tuple(lo), tuple(hi)


def _inside(inner: Box, outer: Box) -> bool:
    return all(a >= b for a, b in zip(inner[0], outer[0], strict=False)) and all(
        a <= b for a, b in zip(inner[1], outer[1], strict=False))


def _min_linear(d: list, box: Box) -> Any:
    total: Any = Fraction(0)
    for di, lo, hi in zip(d, box[0], box[1], strict=False):
        if di:
            total += min(di * lo, di * hi)
    return total


def _dense_readout(system: ExactSystem) -> list[list]:
    rows = []
    for row in system.readout:
        r = [Fraction(0)] * system.H
        for j, v in row:
            r[j] = _frac(v)
        rows.append(r)
    return rows


def _decodes(R: list[list], rows_ok: list[int], box: Box) -> Any:
    """Least margin over the box of the best correct row (``None``: not constant and correct)."""
    best = None
    for c in rows_ok:
        worst = None
        for j in range(len(R)):
            if j == c:
                continue
            m = _min_linear([x - y for x, y in zip(R[c], R[j], strict=False)], box)
            worst = m if worst is None else min(worst, m)
        if worst is None:
            return INF
        if worst > 0 and (best is None or worst > best):
            best = worst
    return best


def _text(box: Box) -> str:
    def one(lo: Any, hi: Any) -> str:
        return str(lo) if lo == hi else f"[{lo}, {hi}]"
    return " x ".join(one(a, b) for a, b in zip(*box, strict=False))


def cells_certificate(system: ExactSystem, rnn: Any, dfa: DFA, alignment: Alignment, *,
                      task: str, model: str, max_pairs: int = 256, max_rounds: int = 200,
                      join_rounds: int = 3) -> Certificate:
    """Find cells and check them (docs/explanation/certificates.md, C-cell); rational weights
    only."""
    if system.field not in ("ZZ", "QQ"):
        return Certificate(holds=False, method="cells", task=task, model=model,
                           details={"reason": f"interval cells need rational weights, not "
                                              f"{system.field}"})
    table, K = dfa.table, dfa.n_symbols
    search = search_pairs(system, dfa, alignment, max_pairs=max_pairs)
    details: dict[str, Any] = {"field": system.field, "weights": system.source,
                               "units": system.H, "seed_pairs": len(search.pair_code),
                               "notes": list(alignment.notes)}
    if search.status == "failure":
        checks = [Check("breadth-first search of the exact pairs (h_w, q0 . w)",
                        len(search.pair_code), False, "a pair decodes wrongly")]
        return failure_certificate(search, dfa, rnn, alignment, "cells", task, model, details,
                                   checks)
    cols = [int(c) for c in alignment.columns]
    rcols = _rational_columns(system)
    cells: dict[int, Box] = {}
    for c, q in zip(search.pair_code, search.pair_state, strict=False):
        v = tuple(_frac(x) for x in search.codes[c])
        cells[q] = _join(cells.get(q), (v, v))
    rounds = 0
    changed = True
    while changed and rounds < max_rounds:
        changed = False
        rounds += 1
        for q in list(cells):
            for a in range(K):
                q2 = int(table[q, a])
                img = _image(rcols, cols[a], cells[q])
                old = cells.get(q2)
                new = _join(old, img)
                if old is None or new != old:
                    if old is not None and rounds > join_rounds:
                        new = _widen(old, new)
                    cells[q2] = new
                    changed = True
    details["rounds"] = rounds
    reach = bfs_tree(dfa).order.tolist()
    R = _dense_readout(system)
    h0 = tuple(_frac(x) for x in system.h0)
    ok0 = dfa.start_index in cells and _inside((h0, h0), cells[dfa.start_index])
    n_incl, bad_incl = 0, []
    for q in reach:
        for a in range(K):
            n_incl += 1
            q2 = int(table[q, a])
            if q not in cells or q2 not in cells or not _inside(
                    _image(rcols, cols[a], cells[q]), cells[q2]):
                bad_incl.append((q, a))
    margins, bad_dec = [], []
    for q in reach:
        rows_ok = alignment.correct_rows(int(dfa.label_index[q])).tolist()
        m = _decodes(R, rows_ok, cells[q]) if q in cells else None
        if m is None:
            bad_dec.append(q)
        else:
            margins.append(m)
    n = len(reach)
    checks = [
        Check("h0 lies in the cell C_{q0}", 1, ok0),
        Check("A(a) C_q is contained in C_{q . a} for every reachable state q and letter a "
              "(exact rational interval arithmetic)", n_incl, not bad_incl,
              "" if not bad_incl else f"{len(bad_incl)} inclusions fail"),
        Check("the readout is constant on every cell C_q and equals label(q): the best row "
              "beats every other row at every point of the cell", n, not bad_dec,
              f"least margin {min(margins)}" if margins and not bad_dec else ""),
    ]
    if len(cells) <= 64:
        details["table"] = [{"state": dfa.states[q], "word": "", "code": _text(cells[q]),
                             "label": dfa.label_values[dfa.label_index[q]], "margin": ""}
                            for q in reach if q in cells]
    holds = all(c.holds for c in checks)
    evidence = None
    if not holds:
        details["reason"] = ("no cells were found that close under the letters and decode "
                             "correctly (the search found no counterexample either)")
    else:
        evidence = Evidence(
            kind="cells", number_format=system.field,
            arithmetic="exact rational interval arithmetic (bounds may be infinite)",
            hypothesis="for every word w, h_w lies in the cell of q0 . w (true for the empty "
                       "word: h0 is in the start cell; kept by every letter: A(a) C_q lies in "
                       "C_{q . a}); the readout is constant and correct on every cell",
            boxes=tuple((int(q), tuple(map(str, box[0])), tuple(map(str, box[1])))
                        for q, box in cells.items()),
            exact_weights=exact_images(system))
    return Certificate(holds=holds, method="cells", checked=tuple(checks), task=task,
                       model=model, details=details, evidence=evidence)
