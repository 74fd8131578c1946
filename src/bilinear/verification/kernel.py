"""The trusted kernel: re-check the evidence of a certificate from the weights alone.

A :class:`~bilinear.verification.Certificate` that holds carries an :class:`Evidence` record:
the number format its claim assumes, the finite set of reached points, the successor of every
point under every letter, the automaton state of every point and the readout margins.
:func:`recheck` checks that data against the model's arrays (read as exact values) and the
automaton's transition table and labels (plain integer arrays), and nothing else.  The kernel
imports only numpy, :mod:`fractions`, the standard library and :mod:`bilinear.errors`: none of
the search code that found the evidence (the de Bruijn criterion: a small checker that a
reader can audit).

The checks (the induction of docs/explanation/certificates.md, method by method):

* ``orbit`` (exact rationals): ``h0 = c * point 0`` with ``c > 0`` and point 0 in the start
  state; ``A(a) v_p = s * v_{succ(p, a)}`` exactly, ``s > 0``, and the state of
  ``succ(p, a)`` is ``table[state(p), a]``; ``R v_p`` has a unique maximum, in a row labelled
  ``label(state(p))``, with the recorded margin.  Decoding is an argmax, invariant under
  positive scaling, so every reached ``h_w`` is a positive multiple of a point in the right
  state and decodes correctly: by induction on ``|w|``, for every word.
* ``monomial`` (integers, sparse): the same with signed unit vectors ``+-c e_u``, one per
  automaton state, checked with integer arrays.
* ``float``: the points are floats; every successor is recomputed by the kernel's own
  implementation of the stated format (round to nearest, ties to even; products and sums
  rounded one at a time, in unit order ``j = 0..H-1``, no fused multiply-add) and must be
  bit-identical; decoding is decided exactly (float64 readout: the exact value of ``R h``).
* ``cells`` (exact rational intervals): one box per state; ``h0`` lies in the start box, the
  image of every box under every letter lies in the successor's box, and the readout is
  constant and correct on every box.

Examples
--------
>>> import numpy as np
>>> W = np.zeros((1, 1, 2)); W[0, 0] = [1.0, -1.0]
>>> model = Model(W=W, h0=np.ones(1), readout=np.array([[1.0], [-1.0]]),
...               alphabet=("0", "1"), labels=("0", "1"))
>>> parity = Automaton(table=np.array([[0, 1], [1, 0]]), start=0,
...                    state_label=np.array([0, 1]), alphabet=("0", "1"), labels=("0", "1"))
>>> ev = Evidence(kind="orbit", number_format="ZZ", arithmetic="exact integers",
...               hypothesis="h_w = c v_p with q0 . w = state(p)",
...               vectors=(((0, "1"),), ((0, "-1"),)), point_vector=(0, 1),
...               point_state=(0, 1), successors=((0, 1), (1, 0)), margins=("2", "2"))
>>> recheck(ev, model, parity).status
'agrees'
>>> recheck(Evidence.from_dict(ev.to_dict()), model, parity).status
'agrees'
>>> bad = Model(W=W, h0=np.ones(1), readout=np.array([[-1.0], [1.0]]),
...             alphabet=("0", "1"), labels=("0", "1"))
>>> v = recheck(ev, bad, parity)
>>> v.status, v.reason
('refuses', 'point 0 (state 0) decodes to readout row 1, labelled 1, not label 0')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np

from bilinear.errors import InvalidArgumentError

__all__ = ["Evidence", "Model", "Automaton", "KernelVerdict", "recheck", "KINDS",
           "FLOAT_FORMATS", "align_text"]

#: Kinds of evidence the kernel knows (``"none"``: nothing it can recheck).
KINDS = ("orbit", "monomial", "float", "cells", "none")
#: Float formats of ``float`` evidence.
FLOAT_FORMATS = ("float16", "bfloat16", "float32", "float64")
_EXACT_FORMATS = ("ZZ", "QQ")
_STATUSES = ("agrees", "refuses", "not rechecked")


# ================================================================================ records
def _fraction(text: Any, what: str) -> Fraction:
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise InvalidArgumentError(f"evidence {what}: expected an exact rational as a string, "
                                   f"got {text!r}")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InvalidArgumentError(f"evidence {what}: {text!r} is not an exact rational") from None


def _bound(text: Any, what: str) -> Fraction | float:
    if text in ("inf", "-inf"):
        return float(text)
    return _fraction(text, what)


def _ints(x: Any, what: str) -> tuple[int, ...]:
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if not isinstance(x, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in x):
        raise InvalidArgumentError(f"evidence {what}: expected a list of integers")
    return tuple(x)


@dataclass(frozen=True, eq=False)
class Evidence:
    """The data a certificate's claim rests on (JSON-ready through :meth:`to_dict`).

    Attributes
    ----------
    kind : str
        ``"orbit"``, ``"monomial"``, ``"float"``, ``"cells"`` or ``"none"`` (:data:`KINDS`).
    number_format : str
        ``"ZZ"``/``"QQ"`` (exact rationals), a float format of :data:`FLOAT_FORMATS`, or the
        name of a field the kernel has no arithmetic for.
    arithmetic : str
        The number format and rounding the claim assumes, in words.
    hypothesis : str
        The induction hypothesis, in words.
    vectors : tuple
        Exact kinds: sparse vectors ``((unit, "p/q"), ...)``; ``float``: an array (N, H) of the
        stored floats (written as hex strings by :meth:`to_dict`).
    point_vector, point_state : tuple of int
        The vector and the automaton state of each point (point 0: the start).
    successors : tuple of tuple of int
        ``successors[p][a]``: the point reached from ``p`` by automaton letter ``a``.
    scales : tuple of tuple of str, optional
        ``A(a) v_p = scales[p][a] * v_{successors[p][a]}`` (positive; default all 1).
    margins : tuple of str
        Exact margin (best row minus runner-up) of each point; ``float`` and ``monomial``:
        the least margin only.
    h0_scale : str
        ``h0 = h0_scale * v_{point_vector[0]}`` (positive).
    exact_weights : mapping, optional
        Exact letter images when the floats only round them: ``{"letters": [[(i, j, "p/q"),
        ...] per model input], "h0": [(i, "p/q")], "readout": [(i, j, "p/q")]}``.
    implementation : mapping, optional
        ``float``: ``dtype``, ``accumulate``, ``normalize``, ``readout`` (``"float64"``: exact
        decoding of the stored state, or ``"same"``).
    code_of : array, optional
        ``monomial``: code ``2 * unit + (sign < 0)`` of each automaton state (``-1``: the zero
        vector, ``-2``: not reached).
    boxes : tuple, optional
        ``cells``: ``(state, lows, highs)`` per state, bounds as exact rational strings or
        ``"inf"``/``"-inf"``.
    reason : str
        ``none``: why there is nothing to recheck.
    field_data : mapping, optional
        ``number_format == "algebraic"``: the number field ``QQ(theta)``: ``minpoly`` (the
        rational coefficients of a polynomial with root ``theta``, leading first), ``interval``
        (rational ``[lo, hi]`` with a sign change of the polynomial: ``theta`` is the root that
        bisection of it finds) and ``generator`` (``theta`` in words).  Each exact entry is then
        ``"c_k;...;c_0"``: the polynomial ``sum c_i theta^i``, leading coefficient first.
    """

    kind: str
    number_format: str
    arithmetic: str = ""
    hypothesis: str = ""
    vectors: Any = ()
    point_vector: tuple[int, ...] = ()
    point_state: tuple[int, ...] = ()
    successors: Any = ()
    scales: tuple[tuple[str, ...], ...] | None = None
    margins: tuple[str, ...] = ()
    h0_scale: str = "1"
    exact_weights: Mapping[str, Any] | None = None
    implementation: Mapping[str, Any] | None = None
    code_of: Any = None
    boxes: tuple[Any, ...] = ()
    reason: str = ""
    field_data: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidArgumentError(f"unknown evidence kind {self.kind!r}; use one of {KINDS}")
        if not isinstance(self.number_format, str) or not self.number_format:
            raise InvalidArgumentError("evidence needs a number_format")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (floats as exact hex strings, rationals as ``"p/q"`` strings)."""
        vectors: Any
        if self.kind == "float":
            vectors = [[float(x).hex() for x in row] for row in np.asarray(self.vectors).tolist()]
        else:
            vectors = [[[int(i), str(v)] for i, v in vec] for vec in self.vectors]
        succ = self.successors
        return {
            "kind": self.kind, "number_format": self.number_format,
            "arithmetic": self.arithmetic, "hypothesis": self.hypothesis,
            "vectors": vectors, "point_vector": list(self.point_vector),
            "point_state": list(self.point_state),
            "successors": np.asarray(succ).tolist() if isinstance(succ, np.ndarray)
            else [list(s) for s in succ],
            "scales": None if self.scales is None else [list(s) for s in self.scales],
            "margins": list(self.margins), "h0_scale": self.h0_scale,
            "exact_weights": None if self.exact_weights is None else {
                "letters": [[list(t) for t in m] for m in self.exact_weights["letters"]],
                "h0": [list(t) for t in self.exact_weights["h0"]],
                "readout": [list(t) for t in self.exact_weights["readout"]]},
            "implementation": None if self.implementation is None else dict(self.implementation),
            "code_of": None if self.code_of is None else np.asarray(self.code_of).tolist(),
            "boxes": [[int(q), list(lo), list(hi)] for q, lo, hi in self.boxes],
            "reason": self.reason,
            "field_data": None if self.field_data is None else {
                "minpoly": list(self.field_data["minpoly"]),
                "interval": list(self.field_data["interval"]),
                "generator": str(self.field_data.get("generator", ""))},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Evidence:
        """Read :meth:`to_dict`'s form back (one-line :class:`InvalidArgumentError` on bad
        data)."""
        if not isinstance(d, Mapping):
            raise InvalidArgumentError(f"evidence must be a JSON object, got {type(d).__name__}")
        kind = d.get("kind")
        if kind not in KINDS:
            raise InvalidArgumentError(f"unknown evidence kind {kind!r}; use one of {KINDS}")
        raw = d.get("vectors") or []
        if not isinstance(raw, list):
            raise InvalidArgumentError("evidence vectors: expected a list")
        vectors: Any
        try:
            if kind == "float":
                vectors = np.array([[float.fromhex(x) for x in row] for row in raw],
                                   dtype=np.float64)
            else:
                vectors = tuple(tuple((int(i), str(v)) for i, v in vec) for vec in raw)
        except (TypeError, ValueError):
            raise InvalidArgumentError("evidence vectors: malformed entries") from None
        scales = d.get("scales")
        code_of = d.get("code_of")
        try:
            return cls(
                kind=str(kind), number_format=str(d.get("number_format", "")),
                arithmetic=str(d.get("arithmetic", "")), hypothesis=str(d.get("hypothesis", "")),
                vectors=vectors, point_vector=_ints(d.get("point_vector", []), "point_vector"),
                point_state=_ints(d.get("point_state", []), "point_state"),
                successors=tuple(_ints(s, "successors") for s in d.get("successors", [])),
                scales=None if scales is None else tuple(tuple(map(str, s)) for s in scales),
                margins=tuple(map(str, d.get("margins", []))),
                h0_scale=str(d.get("h0_scale", "1")),
                exact_weights=d.get("exact_weights"),
                implementation=d.get("implementation"),
                code_of=None if code_of is None else np.array(_ints(code_of, "code_of"),
                                                              dtype=np.int64),
                boxes=tuple((int(q), tuple(lo), tuple(hi)) for q, lo, hi in d.get("boxes", [])),
                reason=str(d.get("reason", "")), field_data=d.get("field_data"))
        except (TypeError, ValueError) as err:
            if isinstance(err, InvalidArgumentError):
                raise
            raise InvalidArgumentError(f"malformed evidence: {err}") from None


@dataclass(frozen=True, eq=False)
class Model:
    """The weights as plain arrays: dense ``W`` (H, H, D), ``h0``, ``readout`` (S, H), or the
    sparse monomial form ``targets`` (D, H), ``scales`` (D, H) or None, ``readout_rows`` (H,)
    with ``n_rows`` rows; the model's input symbols and row labels (compared as text)."""

    h0: np.ndarray
    alphabet: tuple[Any, ...]
    labels: tuple[Any, ...]
    W: np.ndarray | None = None
    readout: np.ndarray | None = None
    targets: np.ndarray | None = None
    scales: np.ndarray | None = None
    readout_rows: np.ndarray | None = None
    n_rows: int = 0
    #: The simulation notion the model claims (``"fp"``: correct in floating point, so only
    #: float evidence can show it).
    notion: str = "fin"


@dataclass(frozen=True, eq=False)
class Automaton:
    """The automaton as plain data: ``table`` (n, K), ``start``, label index of each state,
    its symbols and label values (compared as text)."""

    table: np.ndarray
    start: int
    state_label: np.ndarray
    alphabet: tuple[Any, ...]
    labels: tuple[Any, ...]


@dataclass(frozen=True)
class KernelVerdict:
    """What the kernel concluded: ``status`` ``"agrees"``, ``"refuses"`` or
    ``"not rechecked"``, why, and how many facts it checked."""

    status: str
    reason: str = ""
    checked: int = 0
    least_margin: str = ""
    facts: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise InvalidArgumentError(f"unknown kernel status {self.status!r}")

    @property
    def agrees(self) -> bool:
        return self.status == "agrees"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"status": self.status, "reason": self.reason, "checked": self.checked,
                "least_margin": self.least_margin, "facts": list(self.facts)}


class _Refused(Exception):
    """A failed kernel check (the message is the reason)."""


# ================================================================================ alignment
def align_text(model: Model, automaton: Automaton) -> tuple[np.ndarray, np.ndarray]:
    """Model input of each automaton letter and automaton label index of each readout row
    (``-1``: none), matched by text (row ``i`` carries label ``i`` when the two label lists
    are equal).

    Examples
    --------
    >>> m = Model(h0=np.ones(1), alphabet=("b", "a"), labels=(1, 0))
    >>> au = Automaton(np.zeros((1, 2), int), 0, np.zeros(1, int), ("a", "b"), ("0", "1"))
    >>> [v.tolist() for v in align_text(m, au)]
    [[1, 0], [1, 0]]
    """
    sym: dict[str, int] = {}
    for k, a in enumerate(model.alphabet):
        sym.setdefault(str(a), k)
    columns = []
    for a in automaton.alphabet:
        if str(a) not in sym:
            raise _Refused(f"automaton symbol {a!r} has no model input")
        columns.append(sym[str(a)])
    if tuple(model.labels) == tuple(automaton.labels):       # row i carries label i
        return np.array(columns, dtype=np.int64), np.arange(len(model.labels), dtype=np.int64)
    lab: dict[str, int] = {}
    for i, v in enumerate(automaton.labels):
        lab.setdefault(str(v), i)
    rows = np.fromiter((lab.get(str(v), -1) for v in model.labels), dtype=np.int64,
                       count=len(model.labels))
    return np.array(columns, dtype=np.int64), rows


# ================================================================================ entry point
def recheck(evidence: Evidence, model: Model, automaton: Automaton) -> KernelVerdict:
    """Re-check ``evidence`` against the weights of ``model`` and the automaton.

    Returns a :class:`KernelVerdict`: ``agrees`` when every check passes, ``refuses`` (with
    the first failed check) otherwise, ``not rechecked`` for evidence of kind ``none``.
    """
    if evidence.kind == "none":
        return KernelVerdict("not rechecked", evidence.reason or "no evidence")
    try:
        for name in ("W", "h0", "readout", "targets", "scales", "readout_rows"):
            a = getattr(model, name)
            _need(a is None or np.asarray(a).dtype.kind in "fiu",
                  f"{name} has dtype {np.asarray(a).dtype}; weights must be real numbers")
        _need(model.notion != "fp" or evidence.kind == "float",
              f"the model's notion is fp (correct in floating point), and {evidence.kind} "
              f"evidence in {evidence.number_format} says nothing about a float run")
        table = np.asarray(automaton.table, dtype=np.int64)
        if table.ndim != 2 or table.shape[1] != len(automaton.alphabet):
            raise _Refused("the transition table does not match the automaton's alphabet")
        columns, row_label = align_text(model, automaton)
        check = _CHECKERS[evidence.kind]
        if evidence.kind == "orbit" and evidence.number_format == "algebraic":
            check = _check_algebraic_orbit
        return check(evidence, model, automaton, table, columns, row_label)
    except _Refused as err:
        return KernelVerdict("refuses", str(err))
    except (InvalidArgumentError, ValueError, TypeError, IndexError, KeyError,
            OverflowError, ZeroDivisionError) as err:
        return KernelVerdict("refuses", f"malformed evidence: {err}")


def _need(ok: Any, reason: str) -> None:
    if not ok:
        raise _Refused(reason)


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


def _label_text(au: Automaton, i: int) -> str:
    return str(au.labels[i]) if 0 <= i < len(au.labels) else "no automaton label"


# ================================================================================ monomial
def _monomial_weights(model: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets (D, H), integer scales (D, H) and a dense readout column per unit."""
    if model.targets is not None:
        T = np.asarray(model.targets, dtype=np.int64)
        if model.scales is None:
            S = np.ones_like(T)
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
    _need(np.all((code >= -2) & (code < 2 * H)), "a code names no unit")
    h0 = np.asarray(model.h0, dtype=np.float64)
    nz = np.flatnonzero(h0)
    c0 = _fraction(ev.h0_scale, "h0_scale")
    _need(c0 > 0 and nz.size == 1, "h0 must be a positive multiple of a signed unit vector")
    u0 = int(nz[0])
    _need(int(code[au.start]) == 2 * u0 + int(h0[u0] < 0) and Fraction(abs(float(h0[u0]))) == c0,
          "h0 is not h0_scale times the code of the start state")
    reached = np.flatnonzero(code != -2)
    c = code[reached]
    unit, neg = np.maximum(c, 0) >> 1, c & 1
    for a in range(K):
        k = int(columns[a])
        sc = S[k, unit]
        img = np.where((c < 0) | (sc == 0), -1, 2 * T[k, unit] + (neg ^ (sc < 0)))
        nxt = code[table[reached, a]]
        bad = np.flatnonzero(img != nxt)
        if bad.size:
            q = int(reached[bad[0]])
            raise _Refused(f"state {q}: letter {a} maps its code {int(code[q])} to "
                           f"{int(img[bad[0]])}, the evidence gives state "
                           f"{int(table[q, a])} the code {int(nxt[bad[0]])}")
    # decoding: R (+-c0 e_u) = +-c0 R[:, u] with c0 > 0: compare the float entries of the
    # signed column (exact), margins are c0 times differences of two floats (exact rationals)
    hit = np.zeros(n, dtype=bool)
    hit[table[reached].ravel()] = True
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


# ================================================================================ float
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


# ================================================================================ number fields
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


_CHECKERS = {"orbit": _check_orbit, "monomial": _check_monomial, "float": _check_float,
             "cells": _check_cells}
