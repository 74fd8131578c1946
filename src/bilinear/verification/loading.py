"""Judging float-only weights (loaded from an NPZ): exact as stored, or a known construction.

Weights read from a file are float64.  They are certified exactly when their entries are
*recognisably exact* (small integers, dyadic rationals such as 1/2), or, when they agree to a
few ulps with the exact construction :func:`~bilinear.constructions.compile_automaton` builds
for the same automaton and level (an irrational rotation, say), by certifying that exact
construction -- the certificate says so.  Anything else (a perturbed tensor) is judged by the
floating-point search.

Examples
--------
>>> import numpy as np
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> d = tasks.get("cyclic", n=5).dfa
>>> rnn = compile_automaton(d, level="complex_diagonal")
>>> floats = floats_only(rnn)
>>> match_compiled(floats, d)[0].exact is not None
True
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from bilinear.automata.dfa import DFA
from bilinear.constructions import compile_automaton
from bilinear.errors import BilinearError

__all__ = ["floats_only", "match_compiled", "ulp_distance", "h0_rescale", "ULPS"]

#: Agreement (in units in the last place, plus the same multiple of eps * max|entry| for entries
#: near zero) under which float weights are taken for an exact construction.
ULPS = 8


def floats_only(rnn: Any) -> Any:
    """A copy of ``rnn`` without its exact form (as if loaded from an NPZ file)."""
    return dataclasses.replace(rnn, exact=None)


def ulp_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Largest ``|a - b|`` in units of ``eps * max(|b|, max|b| * 2^-20)`` (entrywise)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    eps = np.finfo(np.float64).eps
    floor = max(float(np.abs(b).max()), 1e-300) * 2.0**-20
    scale = np.maximum(np.abs(b), floor) * eps
    return float((np.abs(a - b) / scale).max())


def h0_rescale(h0: np.ndarray, ref: np.ndarray, ulps: float = ULPS) -> float | None:
    """The positive ``c`` with ``h0 = c * ref`` to within ``ulps`` (``1.0`` when they agree),
    else ``None``.  Decoding (an argmax) is invariant under positive rescaling, and the
    recurrence is linear, so such an ``h0`` simulates exactly what ``ref`` does.

    Examples
    --------
    >>> h0_rescale(np.array([2.0, 0.0]), np.array([1.0, 0.0]))
    2.0
    >>> h0_rescale(np.array([-1.0, 0.0]), np.array([1.0, 0.0])) is None
    True
    """
    a = np.asarray(h0, dtype=np.float64)
    b = np.asarray(ref, dtype=np.float64)
    if a.shape != b.shape:
        return None
    if ulp_distance(a, b) <= ulps:
        return 1.0
    nb = float(b @ b)
    if not nb > 0 or not np.all(np.isfinite(a)):
        return None
    c = float(a @ b) / nb
    if not (c > 0 and np.isfinite(c)) or ulp_distance(a, c * b) > ulps:
        return None
    return c


def _candidates(rnn: Any) -> list[dict]:
    info = dict(getattr(rnn, "info", {}) or {})
    opts: dict[str, Any] = {}
    if info.get("notion") in ("fin", "rob", "fp"):
        opts["notion"] = info["notion"]
    if rnn.level == "block" and info.get("block_size"):
        opts["block_size"] = int(info["block_size"])
    out = []
    if info.get("construction"):
        out.append({**opts, "construction": str(info["construction"])})
    out.append(opts)
    if opts:
        out.append({})
    return out


def match_compiled(rnn: Any, dfa: DFA, ulps: float = ULPS) -> tuple[Any, str] | None:
    """The exact construction that ``rnn``'s floats round, with an explanation, or ``None``.

    Compiles ``dfa`` at ``rnn.level`` (with the construction and options recorded in
    ``rnn.info`` when present) and compares ``W``, ``h0`` and the readout entrywise.
    """
    for opts in _candidates(rnn):
        try:
            ref = compile_automaton(dfa, level=rnn.level, **opts)
        except (BilinearError, TypeError):
            continue
        if ref.exact is None or (ref.H, ref.D, ref.S) != (rnn.H, rnn.D, rnn.S):
            continue
        if tuple(map(str, ref.alphabet)) != tuple(map(str, rnn.alphabet)):
            continue
        if tuple(map(str, ref.labels)) != tuple(map(str, rnn.labels)):
            continue
        try:
            dist = max(ulp_distance(rnn.W, ref.W), ulp_distance(rnn.readout, ref.readout))
            scale = h0_rescale(rnn.h0, ref.h0, ulps)
        except BilinearError:
            continue
        if dist <= ulps and scale is not None:
            name = ref.info.get("construction", "")
            args = ", ".join(f"{k}={v!r}" for k, v in opts.items())
            note = (f"the float weights agree to within {dist:.2g} ulps (limit {ulps:g}) with "
                    f"the exact construction {name!r} of compile_automaton(dfa, "
                    f"level={rnn.level!r}{', ' + args if args else ''}) over "
                    f"{ref.exact.field}; this certificate is for that exact construction, of "
                    "which the file is the float64 rounding")
            if scale != 1.0:
                note += (f"; its h0 is {scale:g} times the construction's h0, a positive "
                         "rescale that changes no decoded label (the recurrence is linear and "
                         "the readout an argmax)")
            return ref, note
    return None
