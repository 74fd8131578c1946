"""Exact certificates (C-exact and C-orbit of docs/explanation/certificates.md) by breadth-first
search.

The search walks the pairs ``(h_w, q0 . w)`` from ``(h0, q0)`` in exact arithmetic (Python
integers, rationals, or elements of a sympy number field such as ``QQ<sqrt(5)>``).  When it
closes and every pair decodes to its state's label, the model simulates the automaton for every
word.  When each reachable state meets exactly one vector, that vector is ``enc(q)`` and the
proof is the C-exact induction; otherwise the orbit map is checked (C-orbit).  The first pair
that decodes wrongly gives a shortest counterexample word (breadth-first order).

Examples
--------
>>> import numpy as np
>>> from bilinear.automata import tasks
>>> sysm = system_from_arrays(np.array([[[1.0, -1.0]]]), np.ones(1), np.array([[1.0], [-1.0]]))
>>> sysm.field, sysm.apply(1, sysm.h0)
('ZZ', (-1,))
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.polys.constructor import construct_domain

from bilinear.automata.dfa import DFA
from bilinear.verification.certificates import Certificate, Check
from bilinear.verification.common import Alignment, unpack_word
from bilinear.verification.kernel import Evidence

__all__ = ["ExactSystem", "system_from_arrays", "system_from_exact", "recognise_exact",
           "PairSearch", "search_pairs", "exact_certificate", "as_fraction", "orbit_evidence"]

#: Default cap on the number of (vector, state) pairs of an exact search.
MAX_PAIRS = 200_000
#: States listed in the encoding table of a certificate.
TABLE_ROWS = 64


@dataclass(eq=False)
class ExactSystem:
    """A model in exact arithmetic: column-sparse letters, ``h0`` and readout rows.

    ``columns[k][j]`` lists ``(i, value)`` with ``A(k)[i, j] = value != 0``; vectors are tuples.
    """

    field: str
    columns: list
    h0: tuple
    readout: list
    zero: Any = 0
    domain: Any = None
    source: str = ""
    #: Extra proof lines about the arithmetic (e.g. the cyclotomic field), put first.
    extra_checks: tuple = ()
    #: The model's h0 is this positive multiple of :attr:`h0` (decoding is scale-invariant).
    h0_scale: Fraction = Fraction(1)
    _approx_cache: dict = dataclasses.field(default_factory=dict)

    @property
    def H(self) -> int:
        return len(self.h0)

    def apply(self, k: int, h: tuple) -> tuple:
        """``A(k) h`` (uses only the columns where ``h`` is nonzero)."""
        out = [self.zero] * len(h)
        cols = self.columns[k]
        for j, x in enumerate(h):
            if x:
                for i, v in cols[j]:
                    out[i] = out[i] + v * x
        return tuple(out)

    def scores(self, h: tuple) -> list:
        """``R h``."""
        out = []
        for row in self.readout:
            s = self.zero
            for j, v in row:
                if h[j]:
                    s = s + v * h[j]
            out.append(s)
        return out

    # ------------------------------------------------------------------ numbers
    def approx(self, x: Any) -> float:
        """A float approximation (exact for integers; 50 digits for algebraic numbers)."""
        if self.domain is None or self.field in ("ZZ", "QQ"):
            return float(x)
        key = x
        hit = self._approx_cache.get(key)
        if hit is None:
            hit = float(self.domain.to_sympy(x).evalf(50))
            self._approx_cache[key] = hit
        return hit

    def sign(self, x: Any) -> int:
        """The exact sign of ``x``."""
        if not x:
            return 0
        if self.domain is None or self.field in ("ZZ", "QQ"):
            return 1 if x > 0 else -1
        v = self.domain.to_sympy(x).evalf(60)
        return 1 if v > 0 else -1

    def text(self, x: Any) -> str:
        """Exact text of a number."""
        if self.domain is not None and self.field not in ("ZZ", "QQ"):
            return str(self.domain.to_sympy(x))
        return str(x)

    def _argmax(self, s: list, approx: list, idx: list[int]) -> tuple[int, bool]:
        """Exact argmax of ``s`` over ``idx`` and whether it is tied."""
        top = max(approx[i] for i in idx)
        group = [i for i in idx if top - approx[i] <= 1e-9 * (1 + abs(top))]
        best, tie = group[0], False
        for i in group[1:]:
            sg = self.sign(s[i] - s[best])
            if sg > 0:
                best, tie = i, False
            elif sg == 0:
                tie = True
        return best, tie

    def decode(self, h: tuple) -> tuple[int, Any]:
        """Unique argmax row of ``R h`` and the exact margin to the runner-up (row -1: a tie)."""
        s = self.scores(h)
        if len(s) == 1:
            return 0, None
        approx = [self.approx(v) for v in s]
        best, tie = self._argmax(s, approx, list(range(len(s))))
        if tie:
            return -1, self.zero
        runner, _ = self._argmax(s, approx, [i for i in range(len(s)) if i != best])
        return best, s[best] - s[runner]

    def matrix_text(self, k: int) -> list[str]:
        """Rows of ``A(k)`` as text."""
        H = self.H
        rows = [[self.text(self.zero)] * H for _ in range(H)]
        for j, col in enumerate(self.columns[k]):
            for i, v in col:
                rows[i][j] = self.text(v)
        return ["[" + ", ".join(r) + "]" for r in rows]

    def vector_text(self, h: tuple, limit: int = 8) -> str:
        """Short text of a vector."""
        parts = [self.text(x) for x in h[:limit]]
        return "(" + ", ".join(parts) + (", ..." if len(h) > limit else "") + ")"


def as_fraction(x: Any) -> Fraction:
    """An exact rational (int, Fraction, sympy's PythonMPQ or gmpy's mpq) as a Fraction.

    Examples
    --------
    >>> as_fraction(3), as_fraction(Fraction(1, 2))
    (Fraction(3, 1), Fraction(1, 2))
    """
    if isinstance(x, (int, Fraction)):
        return Fraction(x)
    return Fraction(int(x.numerator), int(x.denominator))


def _columns_from_dense(mats: list[np.ndarray], convert: Any) -> list:
    out = []
    for m in mats:
        H = m.shape[1]
        cols: list[list] = [[] for _ in range(H)]
        rows, cs = np.nonzero(m)
        for i, j in zip(rows.tolist(), cs.tolist(), strict=True):
            cols[j].append((i, convert(m[i, j])))
        out.append(cols)
    return out


def recognise_exact(W: np.ndarray, h0: np.ndarray, R: np.ndarray, max_denominator: int = 1024,
                    max_numerator: int = 2**40) -> str | None:
    """``"ZZ"`` or ``"QQ"`` when every float entry is a small integer or a dyadic rational with a
    small denominator (``1/2``, ``3/4``, ...): such weights are *recognisably exact*.

    Examples
    --------
    >>> recognise_exact(np.array([[[0.5]]]), np.ones(1), np.ones((1, 1)))
    'QQ'
    >>> recognise_exact(np.array([[[0.1]]]), np.ones(1), np.ones((1, 1))) is None
    True
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in (W, h0, R)]
    if not all(np.all(np.isfinite(a)) for a in arrays):
        return None
    if all(np.array_equal(a, np.round(a)) and np.all(np.abs(a) < max_numerator) for a in arrays):
        return "ZZ"
    for a in arrays:
        scaled = a * max_denominator
        if not (np.array_equal(scaled, np.round(scaled))
                and np.all(np.abs(scaled) < max_numerator * max_denominator)):
            return None
    return "QQ"


def system_from_arrays(W: np.ndarray, h0: np.ndarray, R: np.ndarray,
                       source: str = "the float64 weights") -> ExactSystem:
    """The exact system of float arrays read as exact numbers (integers, else dyadic rationals).

    Every float is a dyadic rational, so this is exact; it is meant for recognisably exact
    weights (:func:`recognise_exact`).
    """
    field_ = recognise_exact(W, h0, R) or "QQ"
    convert = (lambda x: int(x)) if field_ == "ZZ" else (lambda x: Fraction(float(x)))
    zero = 0 if field_ == "ZZ" else Fraction(0)
    mats = [np.asarray(W[:, :, k]) for k in range(W.shape[2])]
    columns = _columns_from_dense(mats, convert)
    h = tuple(convert(x) if x else zero for x in np.asarray(h0).tolist())
    readout = []
    for row in np.asarray(R):
        readout.append([(j, convert(v)) for j, v in enumerate(row.tolist()) if v])
    return ExactSystem(field=field_, columns=columns, h0=h, readout=readout, zero=zero,
                       source=source)


def system_from_exact(exact: Any) -> ExactSystem | None:
    """The exact system of dense :class:`~bilinear.constructions.ExactWeights` (``None`` when
    sympy recognises no number field for the entries)."""
    if exact.is_sparse:
        return None
    entries: list[Any] = []
    where: list[tuple[Any, ...]] = []
    for k, m in enumerate(exact.letters):
        for (i, j), v in m.todok().items():
            if v != 0:
                entries.append(v)
                where.append(("W", k, i, j))
    for (i, _), v in exact.h0.todok().items():
        if v != 0:
            entries.append(v)
            where.append(("h0", i))
    for (i, j), v in exact.readout.todok().items():
        if v != 0:
            entries.append(v)
            where.append(("R", i, j))
    if not entries:
        entries, where = [0], [("h0", 0)]
    try:
        K, elements = construct_domain(entries, extension=True)
    except Exception:
        return None
    name = str(K)
    if not (K.is_ZZ or K.is_QQ or getattr(K, "is_Algebraic", False)):
        return None
    H, D, S = exact.H, exact.D, exact.S
    columns: list[list[list[tuple[int, Any]]]] = [[[] for _ in range(H)] for _ in range(D)]
    h0 = [K.zero] * H
    readout: list[list] = [[] for _ in range(S)]
    for w, e in zip(where, elements, strict=False):
        if w[0] == "W":
            columns[w[1]][w[3]].append((w[2], e))
        elif w[0] == "h0":
            h0[w[1]] = e
        else:
            readout[w[1]].append((w[2], e))
    field_ = "ZZ" if K.is_ZZ else "QQ" if K.is_QQ else name
    return ExactSystem(field=field_, columns=columns, h0=tuple(h0), readout=readout,
                       zero=K.zero, domain=K, source="the exact weights")


# ================================================================================ the search
@dataclass
class PairSearch:
    """Result of :func:`search_pairs`."""

    status: str                      # "closed", "failure" or "cap"
    codes: list                      # distinct vectors, in discovery order
    pair_code: list
    pair_state: list
    pair_parent: list
    pair_letter: list
    edges: int = 0
    failure_pair: int = -1
    failure_word: list | None = None
    expected: int = -1
    decoded_row: int = -1
    margin: Any = None
    margin_pair: int = -1
    code_decode: dict = field(default_factory=dict)
    #: ``successor[p * K + a]``: the pair reached from pair ``p`` by automaton letter ``a``.
    successor: list = field(default_factory=list)

    def word_indices(self, p: int) -> list[int]:
        """Symbol indices (automaton) of the word that reached pair ``p``."""
        out = []
        while self.pair_parent[p] >= 0:
            out.append(self.pair_letter[p])
            p = self.pair_parent[p]
        return out[::-1]

    def codes_per_state(self) -> dict[int, set]:
        out: dict[int, set] = {}
        for c, q in zip(self.pair_code, self.pair_state, strict=False):
            out.setdefault(q, set()).add(c)
        return out

    def states_per_code(self) -> dict[int, set]:
        out: dict[int, set] = {}
        for c, q in zip(self.pair_code, self.pair_state, strict=False):
            out.setdefault(c, set()).add(q)
        return out


def search_pairs(system: ExactSystem, dfa: DFA, alignment: Alignment,
                 max_pairs: int = MAX_PAIRS, max_per_state: int | None = None) -> PairSearch:
    """Breadth-first search of the pairs ``(h_w, q0 . w)``; stops at the first wrong decoding.

    Each newly reached pair is decoded when discovered, so the first failure is reached by a
    shortest word.  The start pair (empty word) is decoded only if a non-empty word reaches it.
    With ``max_per_state``, the search also stops (status ``"cap"``) once one automaton state
    has met that many distinct vectors (an orbit that is evidently infinite).
    """
    per_state: dict[int, int] = {}
    table, K = dfa.table, dfa.n_symbols
    labels = dfa.label_index
    code_id = {system.h0: 0}
    res = PairSearch("closed", [system.h0], [0], [dfa.start_index], [-1], [-1])
    pair_id = {(0, dfa.start_index): 0}
    nxt: dict[tuple[int, int], int] = {}
    start_checked = False
    best_margin = None
    queue = deque([0])

    def check(p: int, c: int, q: int, parent: int, letter: int) -> bool:
        nonlocal best_margin
        dec = res.code_decode.get(c)
        if dec is None:
            dec = system.decode(res.codes[c])
            res.code_decode[c] = dec
        row, margin = dec
        ok = row >= 0 and alignment.row_label[row] == labels[q]
        if not ok:
            res.status, res.failure_pair = "failure", p
            res.failure_word = res.word_indices(parent) + [letter]
            res.expected, res.decoded_row = int(labels[q]), row
            return False
        if margin is not None and (best_margin is None or system.sign(margin - best_margin) < 0):
            best_margin, res.margin_pair = margin, p
        return True

    while queue:
        p = queue.popleft()
        c, q = res.pair_code[p], res.pair_state[p]
        for a in range(K):
            col = int(alignment.columns[a])
            c2 = nxt.get((c, col))
            if c2 is None:
                v = system.apply(col, res.codes[c])
                c2 = code_id.get(v)
                if c2 is None:
                    c2 = len(res.codes)
                    code_id[v] = c2
                    res.codes.append(v)
                nxt[(c, col)] = c2
            q2 = int(table[q, a])
            res.edges += 1
            key = (c2, q2)
            p2 = pair_id.get(key)
            if p2 is not None:
                res.successor.append(p2)
                if p2 == 0 and not start_checked:
                    start_checked = True
                    if not check(0, c2, q2, p, a):
                        res.margin = best_margin
                        return res
                continue
            p2 = len(res.pair_code)
            pair_id[key] = p2
            res.successor.append(p2)
            res.pair_code.append(c2)
            res.pair_state.append(q2)
            res.pair_parent.append(p)
            res.pair_letter.append(a)
            if not check(p2, c2, q2, p, a):
                res.margin = best_margin
                return res
            per_state[q2] = per_state.get(q2, 0) + 1
            if len(res.pair_code) > max_pairs or (
                    max_per_state is not None and per_state[q2] > max_per_state):
                res.status = "cap"
                res.margin = best_margin
                return res
            queue.append(p2)
    res.margin = best_margin
    return res


# ================================================================================ certificates
def _label(dfa: DFA, i: int) -> Any:
    return dfa.label_values[i] if i >= 0 else None


def failure_certificate(search: PairSearch, dfa: DFA, rnn: Any, alignment: Alignment,
                        method: str, task: str, model: str, details: dict,
                        checks: list[Check]) -> Certificate:
    """The refutation by the shortest failing word of a search."""
    assert search.failure_word is not None
    word = tuple(dfa.alphabet[a] for a in search.failure_word)
    row = search.decoded_row
    decoded = rnn.labels[row] if row >= 0 else None
    return Certificate(
        holds=False, method=method, checked=tuple(checks), counterexample=word, task=task,
        model=model, details=details,
        failure={"step": len(word), "expected": _label(dfa, search.expected),
                 "decoded": decoded, "readout_row": row})


def _sparse_text(v: tuple) -> tuple[tuple[int, str], ...]:
    return tuple((i, str(as_fraction(x))) for i, x in enumerate(v) if x)


def exact_images(system: ExactSystem) -> dict[str, Any] | None:
    """The exact letter images, h0 and readout of a rational system as kernel evidence
    (``None`` when the system *is* the float arrays read exactly: the kernel reads those)."""
    if system.field not in ("ZZ", "QQ") or system.source.startswith("the float"):
        return None
    return {
        "letters": [[(i, j, str(as_fraction(v))) for j, col in enumerate(cols) for i, v in col]
                    for cols in system.columns],
        "h0": [(i, str(as_fraction(x))) for i, x in enumerate(system.h0) if x],
        "readout": [(i, j, str(as_fraction(v))) for i, row in enumerate(system.readout)
                    for j, v in row],
    }


def _algebraic_field(system: ExactSystem) -> dict[str, Any] | None:
    """``minpoly``, an isolating ``interval`` and the ``generator`` of sympy's field
    ``QQ<theta>`` of the system (``None`` for any other domain)."""
    K = system.domain
    if K is None or not getattr(K, "is_Algebraic", False) or not hasattr(K, "mod"):
        return None
    coeffs = [as_fraction(c) for c in K.mod.to_list()]
    x = sp.Symbol("x")
    value = sp.Float(K.ext.evalf(60), 60) if hasattr(K.ext, "evalf") else None
    if value is None:
        return None
    poly = sp.Poly([sp.Rational(c.numerator, c.denominator) for c in coeffs], x, domain="QQ")
    for (lo, hi), _ in poly.intervals():
        if lo <= value <= hi:
            return {"minpoly": [str(c) for c in coeffs], "interval": [str(lo), str(hi)],
                    "generator": str(K.ext)}
    return None


def _element_text(e: Any) -> str:
    cs = e.to_list()
    return ";".join(str(as_fraction(c)) for c in cs) if cs else "0"


def _algebraic_evidence(system: ExactSystem, s: PairSearch, dfa: DFA, hypothesis: str,
                        field_data: dict[str, Any]) -> Evidence:
    K = dfa.n_symbols
    succ = s.successor
    images = {
        "letters": [[(i, j, _element_text(v)) for j, col in enumerate(cols) for i, v in col]
                    for cols in system.columns],
        "h0": [(i, _element_text(x)) for i, x in enumerate(system.h0) if x],
        "readout": [(i, j, _element_text(v)) for i, row in enumerate(system.readout)
                    for j, v in row],
    }
    return Evidence(
        kind="orbit", number_format="algebraic",
        arithmetic=f"exact arithmetic in {system.field}: polynomials in theta = "
                   f"{field_data['generator']} modulo its minimal polynomial, signs by exact "
                   "rational interval evaluation at theta",
        hypothesis=hypothesis,
        vectors=tuple(tuple((i, _element_text(x)) for i, x in enumerate(v) if x)
                      for v in s.codes),
        point_vector=tuple(s.pair_code), point_state=tuple(int(q) for q in s.pair_state),
        successors=tuple(tuple(succ[p * K:(p + 1) * K]) for p in range(len(s.pair_code))),
        h0_scale=str(system.h0_scale), exact_weights=images, field_data=field_data)


def orbit_evidence(system: ExactSystem, s: PairSearch, dfa: DFA, hypothesis: str) -> Evidence:
    """The kernel's evidence of a closed exact search: the pairs, their successors, margins.

    A system that writes its own evidence (the cyclotomic one) is asked for it."""
    own = getattr(system, "orbit_evidence", None)
    if own is not None:
        evidence: Evidence = own(s, dfa, hypothesis)
        return evidence
    field_data = _algebraic_field(system) if system.field not in ("ZZ", "QQ") else None
    if field_data is not None:
        return _algebraic_evidence(system, s, dfa, hypothesis, field_data)
    if system.field not in ("ZZ", "QQ"):
        return Evidence(kind="none", number_format=system.field,
                        arithmetic=f"exact arithmetic in {system.field}",
                        hypothesis=hypothesis,
                        reason=f"the kernel checks exact rationals, floats and cells; the "
                               f"entries lie in {system.field}")
    K = dfa.n_symbols
    succ = s.successor
    margins = []
    for c in s.pair_code:
        dec = s.code_decode.get(c)
        margins.append("0" if dec is None or dec[1] is None else str(as_fraction(dec[1])))
    return Evidence(
        kind="orbit", number_format=system.field,
        arithmetic="exact rationals (Python integers and fractions)" if system.field == "QQ"
        else "exact integers", hypothesis=hypothesis,
        vectors=tuple(_sparse_text(v) for v in s.codes), point_vector=tuple(s.pair_code),
        point_state=tuple(int(q) for q in s.pair_state),
        successors=tuple(tuple(succ[p * K:(p + 1) * K]) for p in range(len(s.pair_code))),
        margins=tuple(margins), h0_scale=str(system.h0_scale),
        exact_weights=exact_images(system))


_ORBIT_HYPOTHESIS = ("for every word w, h_w = h0_scale * v_p for a point p of the evidence "
                     "whose automaton state is q0 . w (true for the empty word: point 0; kept "
                     "by every letter: A(a) v_p = v_succ(p, a) in the state table[q, a])")


def exact_certificate(system: ExactSystem, rnn: Any, dfa: DFA, alignment: Alignment, *,
                      task: str, model: str, method: str = "auto", max_pairs: int = MAX_PAIRS,
                      max_per_state: int | None = None,
                      notes: tuple[str, ...] = ()) -> Certificate:
    """Run :func:`search_pairs` and write the C-exact or C-orbit certificate.

    ``method`` is ``"exact"`` (require a state-determined encoding), ``"orbit"`` or ``"auto"``
    (exact when the encoding is state-determined, else orbit).
    """
    s = search_pairs(system, dfa, alignment, max_pairs=max_pairs, max_per_state=max_per_state)
    n_pairs, n_codes = len(s.pair_code), len(s.codes)
    per_state = s.codes_per_state()
    per_code = s.states_per_code()
    n_states = len(per_state)
    K = dfa.n_symbols
    details: dict[str, Any] = {
        "field": system.field, "weights": system.source, "units": system.H,
        "reachable_states": n_states, "distinct_vectors": n_codes, "pairs": n_pairs,
    }
    if s.margin is not None:
        details["min_margin"] = f"{system.text(s.margin)} (~{system.approx(s.margin):.6g})"
    notes_ = list(notes) + list(alignment.notes)
    state_determined = all(len(v) == 1 for v in per_state.values())
    kind = method if method in ("exact", "orbit") else ("exact" if state_determined else "orbit")
    if s.status == "failure":
        checks = [Check("breadth-first search of the pairs (h_w, q0 . w) in exact arithmetic, "
                        "each new pair decoded when first reached", n_pairs, False,
                        "stopped at the first pair that decodes wrongly")]
        details["notes"] = notes_
        return failure_certificate(s, dfa, rnn, alignment, kind, task, model, details, checks)
    if s.status == "cap":
        details["reason"] = (f"the exact orbit search stopped after {n_pairs:,} pairs "
                             f"({n_codes:,} distinct vectors; caps: {max_pairs:,} pairs, "
                             f"{max_per_state or max_pairs:,} vectors per state) without "
                             "closing and without a failure")
        details["notes"] = notes_
        checks = [Check("breadth-first search of the pairs (h_w, q0 . w) in exact arithmetic",
                        n_pairs, False, "the search did not close under the cap")]
        return Certificate(holds=False, method=kind, checked=tuple(checks), task=task,
                           model=model, details=details)
    details["notes"] = notes_
    details["table"] = _table(s, system, dfa, rnn) if n_states <= TABLE_ROWS else []
    if system.H <= 8:
        details["model"] = {f"A({a!r})": system.matrix_text(int(alignment.columns[i]))
                            for i, a in enumerate(dfa.alphabet)}
        details["model"]["h0"] = [system.vector_text(system.h0)]
    margin_note = (f"least margin {system.text(s.margin)}" if s.margin is not None
                   else "a single readout row")
    if kind == "exact":
        if not state_determined:
            q = next(q for q, v in per_state.items() if len(v) > 1)
            details["reason"] = (f"not state-determined: state {dfa.states[q]!r} is reached with "
                                 f"{len(per_state[q])} different vectors; use method='orbit'")
            checks = [Check("h0 = enc(q0)", 1, True),
                      Check("A(a) enc(q) = enc(q . a) for every reachable state q and letter a",
                            n_states * K, False, "some state meets several vectors")]
            return Certificate(holds=False, method="exact", checked=tuple(checks), task=task,
                               model=model, details=details)
        checks = [
            Check("h0 = enc(q0), where enc(q) is the vector reached along a breadth-first tree "
                  "of the automaton", 1, True),
            Check("A(a) enc(q) = enc(q . a) in exact arithmetic for every reachable state q "
                  "and every letter a", n_states * K, True),
            Check("R enc(q) has a unique maximum in a row labelled label(q), for every "
                  "reachable state q", n_states, True, margin_note),
            *system.extra_checks,
        ]
        return Certificate(holds=True, method="exact", checked=tuple(checks), task=task,
                           model=model, details=details,
                           evidence=orbit_evidence(system, s, dfa, _ORBIT_HYPOTHESIS))
    well_defined = all(len(v) == 1 for v in per_code.values())
    details["map_orbit_to_state"] = "well defined" if well_defined else "not a function"
    checks = [
        Check(f"breadth-first search of the pairs (h_w, q0 . w) from (h0, q0) closes with "
              f"{n_pairs:,} pairs ({n_codes:,} distinct vectors, {n_states:,} states); every "
              "pair and letter was followed", s.edges, True),
    ]
    if well_defined:
        checks.append(Check("each vector of the orbit is reached with exactly one automaton "
                            "state: the map orbit -> states is well defined", n_codes, True))
    else:
        notes_.append("some vectors are reached with several states of the same label; the "
                      "proof runs on the pairs, which is enough")
    checks.append(Check("every pair (h, q) decodes: R h has a unique maximum in a row "
                        "labelled label(q)", n_pairs, True, margin_note))
    checks.extend(system.extra_checks)
    return Certificate(holds=True, method="orbit", checked=tuple(checks), task=task,
                       model=model, details=details,
                       evidence=orbit_evidence(system, s, dfa, _ORBIT_HYPOTHESIS))


def _table(s: PairSearch, system: ExactSystem, dfa: DFA, rnn: Any) -> list[dict]:
    seen: dict[int, int] = {}
    for p, q in enumerate(s.pair_state):
        seen.setdefault(q, p)
    rows = []
    for q, p in seen.items():
        text = unpack_word([dfa.alphabet[a] for a in s.word_indices(p)])
        dec = s.code_decode.get(s.pair_code[p])
        margin = "" if dec is None or dec[1] is None else system.text(dec[1])
        rows.append({"state": dfa.states[q], "word": text,
                     "code": system.vector_text(s.codes[s.pair_code[p]]),
                     "label": dfa.label_values[dfa.label_index[q]], "margin": margin})
    return rows
