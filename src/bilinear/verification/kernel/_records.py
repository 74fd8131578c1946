"""The kernel's records: :class:`Evidence`, :class:`Model`, :class:`Automaton`,
:class:`KernelVerdict`, and the small parsing helpers every check shares.

Examples
--------
>>> KernelVerdict("agrees", checked=3).agrees
True
>>> Evidence.from_dict({"kind": "none", "number_format": "QQ", "reason": "r"}).reason
'r'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from bilinear.errors import InvalidArgumentError

__all__ = ["Evidence", "Model", "Automaton", "KernelVerdict", "KINDS", "FLOAT_FORMATS"]

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


def _field_dict(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """JSON form of ``field_data``: ``minpoly``/``interval``/``generator`` (``algebraic``) or
    ``conductor``/``generator`` (``cyclotomic``)."""
    if data is None:
        return None
    if "conductor" in data and "minpoly" not in data:
        return {"conductor": data["conductor"], "generator": str(data.get("generator", ""))}
    return {"minpoly": list(data["minpoly"]), "interval": list(data["interval"]),
            "generator": str(data.get("generator", ""))}


@dataclass(frozen=True, eq=False)
class Evidence:
    """The data a certificate's claim rests on (JSON-ready through :meth:`to_dict`).

    Attributes
    ----------
    kind : str
        ``"orbit"``, ``"monomial"``, ``"float"``, ``"cells"`` or ``"none"`` (:data:`KINDS`).
    number_format : str
        ``"ZZ"``/``"QQ"`` (exact rationals), a float format of :data:`FLOAT_FORMATS`,
        ``"algebraic"`` or ``"cyclotomic"`` (a number field, see ``field_data``), or the name of
        a field the kernel has no arithmetic for.
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
        ``number_format == "cyclotomic"``: the field ``Q(zeta_N)``: ``conductor`` (the integer
        ``N``) and ``generator`` (in words); each exact entry is ``"j:c;...;j:c/d"``, the sum of
        ``c zeta_N^j`` over its terms divided by the positive integer ``d`` (default 1).
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
            "field_data": _field_dict(self.field_data),
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



def _need(ok: Any, reason: str) -> None:
    if not ok:
        raise _Refused(reason)


def _label_text(au: Automaton, i: int) -> str:
    return str(au.labels[i]) if 0 <= i < len(au.labels) else "no automaton label"
