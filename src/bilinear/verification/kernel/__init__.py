"""The trusted kernel: re-check the evidence of a certificate from the weights alone.

A :class:`~bilinear.verification.Certificate` that holds carries an :class:`Evidence` record:
the number format its claim assumes, the finite set of reached points, the successor of every
point under every letter, the automaton state of every point and the readout margins.
:func:`recheck` checks that data against the model's arrays (read as exact values) and the
automaton's transition table and labels (plain integer arrays), and nothing else.  The kernel
imports only numpy, :mod:`fractions`, the standard library and :mod:`bilinear.errors`: none of
the search code that found the evidence (the de Bruijn criterion: a small checker that a
reader can audit).  Its modules: ``_records`` (the records), ``_exact`` (rational orbits and
monomial codes), ``_float`` (float runs and cells), ``_field`` (real number fields) and
``_cyclotomic`` (cyclotomic fields, with the integer helpers of ``_integers``); they import
one another one way only (``_records`` first, ``__init__`` last).

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
* ``orbit`` in a number field: ``"algebraic"`` (``QQ(theta)``, ``theta`` a real root of a
  rational polynomial) or ``"cyclotomic"`` (``Q(zeta_N)``: integer coefficient vectors modulo
  the cyclotomic polynomial ``Phi_N``, which the kernel computes itself); equalities exact,
  signs decided by exact rational (integer fixed-point) interval arithmetic.

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

import numpy as np

from bilinear.errors import InvalidArgumentError
from bilinear.verification.kernel._cyclotomic import _check_cyclotomic_orbit
from bilinear.verification.kernel._exact import _check_monomial, _check_orbit
from bilinear.verification.kernel._field import _check_algebraic_orbit
from bilinear.verification.kernel._float import _check_cells, _check_float
from bilinear.verification.kernel._records import (
    FLOAT_FORMATS,
    KINDS,
    Automaton,
    Evidence,
    KernelVerdict,
    Model,
    _need,
    _Refused,
)

__all__ = ["Evidence", "Model", "Automaton", "KernelVerdict", "recheck", "KINDS",
           "FLOAT_FORMATS", "align_text"]


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
        if evidence.kind == "orbit":
            check = _ORBIT_CHECKERS.get(evidence.number_format, check)
        return check(evidence, model, automaton, table, columns, row_label)
    except _Refused as err:
        return KernelVerdict("refuses", str(err))
    except (InvalidArgumentError, ValueError, TypeError, IndexError, KeyError,
            OverflowError, ZeroDivisionError) as err:
        return KernelVerdict("refuses", f"malformed evidence: {err}")


_CHECKERS = {"orbit": _check_orbit, "monomial": _check_monomial, "float": _check_float,
             "cells": _check_cells}
#: Orbits in a number field, by the evidence's number format.
_ORBIT_CHECKERS = {"algebraic": _check_algebraic_orbit, "cyclotomic": _check_cyclotomic_orbit}
