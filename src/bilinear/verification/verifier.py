"""``verify(rnn, dfa)``: prove that a bilinear RNN simulates an automaton, or show why not.

The strongest applicable method is chosen (``method="auto"``):

1. exact weights (the model's :class:`~bilinear.constructions.ExactWeights`, or float weights
   whose entries are recognisably exact, or float weights that round a known exact
   construction to within a few ulps): breadth-first search in exact arithmetic, giving a
   C-exact certificate when the encoding is state-determined and C-orbit otherwise; monomial
   (one-hot) models are checked with integer arrays, level by level; rotation constructions
   (entries cos and sin of rational multiples of 2 pi) in the cyclotomic field ``Q(zeta_N)``
   (:mod:`~bilinear.verification.cyclotomic`), other irrational entries in sympy's number field;
2. when that search does not close (a contractive construction): C-cell;
3. no exact form: C-fp, the exhaustive search of the float64 implementation.

Every refutation carries a counterexample word, the shortest the breadth-first search found.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.constructions import compile_automaton
>>> d = tasks.get("cyclic", n=5).dfa
>>> cert = verify(compile_automaton(d, level="full"), d)
>>> cert.holds, cert.method, cert.counterexample
(True, 'exact', None)
>>> d60 = tasks.get("cyclic", n=60).dfa
>>> c = verify(compile_automaton(d60, level="complex_diagonal"), d60, method="float",
...            dtype="bfloat16")
>>> c.holds, len(c.counterexample) > 0
(False, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bilinear.automata.dfa import DFA
from bilinear.errors import InvalidArgumentError, WeightsTooLargeError
from bilinear.verification.cells import cells_certificate
from bilinear.verification.certificates import METHODS, Certificate, Check
from bilinear.verification.common import (
    Alignment,
    align,
    bfs_tree,
    describe_model,
    resolve_automaton,
)
from bilinear.verification.cyclotomic import cyclotomic_system
from bilinear.verification.exact import (
    MAX_PAIRS,
    ExactSystem,
    exact_certificate,
    recognise_exact,
    system_from_arrays,
    system_from_exact,
)
from bilinear.verification.floats import (
    FORMATS,
    FloatImplementation,
    decoding_radius,
    drift_probe,
    float_search,
    horizon_bound,
    letter_kappa,
    probe_failure,
)
from bilinear.verification.loading import match_compiled, ulp_distance
from bilinear.verification.monomial import MonomialForm, monomial_certificate, monomial_form

__all__ = ["verify", "float_certificate", "exact_source"]

#: Constructions whose irrational entries are cosines and sines of rational angles.
_ROTATIONS = ("cyclic_rotation", "abelian_snf", "phase_seen", "threshold_phase")
#: Rotations whose entries sympy writes in radicals in a field of at most this degree are kept
#: in sympy's number field (fast and readable there); larger ones use ``Q(zeta_N)``.
_SMALL_CYCLOTOMIC = 8
#: Models with more units than this use the vectorised monomial check when they can.
_MONOMIAL_FIRST = 32
#: In ``auto`` mode, an exact search that meets this many vectors for one state moves on to
#: cells (the orbit is evidently infinite).
_PER_STATE = 256


def _check_model(rnn: Any) -> None:
    for attr in ("h0", "alphabet", "labels", "level", "H", "D", "S"):
        if not hasattr(rnn, attr):
            raise InvalidArgumentError(
                f"expected a BilinearRNN-like model (W, h0, readout, alphabet, labels, level), "
                f"got {type(rnn).__name__} without {attr!r}"
            )


def exact_source(rnn: Any, dfa: DFA) -> tuple[ExactSystem | MonomialForm | None, list[str], Any]:
    """Where an exact proof can come from: ``(system or monomial form or None, notes, model)``.

    ``model`` is the model the exact proof is about (a compiled construction when the float
    weights merely round it).
    """
    notes: list[str] = []
    ex = getattr(rnn, "exact", None)
    if ex is not None:
        if ex.is_sparse:
            form = monomial_form(rnn)
            if form is not None:
                return form, ["sparse monomial exact form"], rnn
        else:
            consistent = True
            if rnn.H * rnn.H * rnn.D <= 100_000:
                W, h0, R = ex.float_arrays()
                consistent = max(ulp_distance(rnn.W, W), ulp_distance(rnn.h0, h0),
                                 ulp_distance(rnn.readout, R)) <= 4
            if not consistent:
                notes.append("the float weights differ from the exact form they carry; the "
                             "float weights are judged")
            else:
                if ex.field == "ZZ" and rnn.H > _MONOMIAL_FIRST:
                    form = monomial_form(rnn)
                    if form is not None:
                        return form, ["exact integer weights in monomial form"], rnn
                system = None
                info = getattr(rnn, "info", None) or {}
                if ex.field not in ("ZZ", "QQ") and (
                        "cos(" in ex.field or "sin(" in ex.field
                        or info.get("construction") in _ROTATIONS):
                    system = cyclotomic_system(ex)
                    if (system is not None and "cos(" not in ex.field and "sin(" not in ex.field
                            and system.domain.degree <= _SMALL_CYCLOTOMIC):
                        system = None       # radicals in a small field: sympy is fast, readable
                    if system is not None:
                        notes.append(f"rotation entries: exact arithmetic in {system.field}")
                if system is None:
                    system = system_from_exact(ex)
                if system is not None:
                    return system, notes, rnn
                notes.append(f"sympy recognises no number field for the entries ({ex.field}); "
                             "the float weights are judged")
    try:
        W, h0, R = rnn.W, rnn.h0, rnn.readout
    except WeightsTooLargeError:
        return None, notes, rnn
    if recognise_exact(W, h0, R):
        if rnn.H > _MONOMIAL_FIRST:
            form = monomial_form(rnn)
            if form is not None:
                return form, notes + ["float weights with entries in {-1, 0, 1}, one-hot h0: "
                                      "exact as stored"], rnn
        system = system_from_arrays(W, h0, R)
        notes.append("every float entry is a small integer or dyadic rational, so the stored "
                     "weights are verified exactly as they are"
                     + (" (and, being integers, in any float format with enough significand "
                        "bits, theory.md 7.1)" if system.field == "ZZ" else ""))
        return system, notes, rnn
    match = match_compiled(rnn, dfa)
    if match is not None:
        ref, note = match
        inner, inner_notes, _ = exact_source(ref, dfa)
        if inner is not None:
            return inner, notes + [note] + inner_notes, ref
    return None, notes, rnn


def verify(rnn: Any, dfa: Any, method: str = "auto", *, dtype: str = "float64",
           normalize: bool = False, readout: str = "float64", max_states: int = MAX_PAIRS,
           probe: bool = True) -> Certificate:
    """Prove that ``rnn`` simulates ``dfa`` for every word, or refute it with a word.

    Parameters
    ----------
    rnn : BilinearRNN
        The model (with or without exact weights).
    dfa : DFA, Task or str
        The automaton, a catalogue task, or a task spec such as ``"cyclic:n=5"``.
    method : {"auto", "exact", "orbit", "cells", "float"}
        ``auto`` picks the strongest method that applies (module docstring).
    dtype, normalize, readout
        The implementation judged by ``method="float"`` (see
        :class:`~bilinear.verification.floats.FloatImplementation`); ``auto`` uses float64
        without normalization when it falls back to the float search.
    max_states : int
        Cap on the pairs (vector, state) of a search.
    probe : bool
        When a float search hits its cap, look for a failure with long adversarial words.

    Returns
    -------
    Certificate
        ``holds`` is True only for a proof; a refutation has a ``counterexample``.

    Raises
    ------
    InvalidArgumentError
        An unknown method or format, or not a model.
    AlphabetMismatchError
        An automaton symbol the model cannot read.

    Examples
    --------
    >>> import numpy as np
    >>> from bilinear.automata import tasks
    >>> from bilinear.constructions import BilinearRNN
    >>> W = np.zeros((1, 1, 2)); W[0, 0] = [1.0, -1.0]
    >>> rnn = BilinearRNN(W=W, h0=np.ones(1), readout=np.array([[1.0], [-1.0]]),
    ...                   alphabet=("0", "1"), labels=(0, 1), level="real_diagonal")
    >>> verify(rnn, tasks.get("parity")).summary()
    'proved by exact (7 cases): real_diagonal model (H = 1, D = 2) simulates parity'
    >>> bad = BilinearRNN(W=W, h0=np.ones(1), readout=np.array([[-1.0], [1.0]]),
    ...                   alphabet=("0", "1"), labels=(0, 1), level="real_diagonal")
    >>> verify(bad, tasks.get("parity")).counterexample
    ('0',)
    """
    if method not in ("auto", *METHODS):
        raise InvalidArgumentError(f"unknown method {method!r}; use 'auto' or one of {METHODS}")
    if dtype not in FORMATS:
        raise InvalidArgumentError(f"unknown float format {dtype!r}; use one of {FORMATS}")
    if not isinstance(max_states, int) or max_states < 1:
        raise InvalidArgumentError(f"max_states must be a positive int, got {max_states!r}")
    _check_model(rnn)
    dfa, task = resolve_automaton(dfa)
    alignment = align(rnn, dfa)
    model = describe_model(rnn)
    if method == "float":
        impl = FloatImplementation(dtype, normalize=normalize, readout=readout)
        return float_certificate(rnn, dfa, alignment, impl, task=task, model=model,
                                 max_states=max_states, probe=probe)
    source, notes, target = exact_source(rnn, dfa)
    if target is not rnn:
        alignment = align(target, dfa)
    if source is None:
        if method == "auto":
            impl = FloatImplementation("float64", normalize=False, readout=readout)
            cert = float_certificate(rnn, dfa, alignment, impl, task=task, model=model,
                                     max_states=max_states, probe=probe, notes=notes + [
                                         "no exact form: the weights are not recognisably "
                                         "exact and round no known exact construction"])
            return cert
        return Certificate(holds=False, method=method, task=task, model=model, details={
            "reason": "no exact form: the entries are not recognisably exact (integers, "
                      "dyadic rationals) and do not round the exact construction of "
                      "compile_automaton for this automaton and level; use method='float'",
            "notes": notes})
    if isinstance(source, MonomialForm):
        if method in ("auto", "exact"):
            cert = monomial_certificate(source, target, dfa, alignment, task=task, model=model,
                                        notes=tuple(notes))
            if cert is not None:
                return cert
        try:
            source = system_from_arrays(target.W, target.h0, target.readout,
                                        source="the integer weights")
        except WeightsTooLargeError:
            return Certificate(holds=False, method="exact", task=task, model=model, details={
                "reason": "the sparse one-hot model is not state-determined and too large for "
                          "the general search", "notes": notes})
    if method == "cells":
        return cells_certificate(source, target, dfa, alignment, task=task, model=model)
    cert = exact_certificate(source, target, dfa, alignment, task=task, model=model,
                             method=method, max_pairs=max_states,
                             max_per_state=_PER_STATE if method == "auto" else 4 * _PER_STATE,
                             notes=tuple(notes))
    if (method == "auto" and not cert.holds and cert.counterexample is None
            and source.field in ("ZZ", "QQ")):
        cells = cells_certificate(source, target, dfa, alignment, task=task, model=model)
        if cells.holds or cells.counterexample is not None:
            return cells
    if cert.holds and source.field not in ("ZZ", "QQ"):
        cert = _with_horizon(cert, target, dfa, alignment)
    return cert


def _with_horizon(cert: Certificate, rnn: Any, dfa: DFA, alignment: Alignment) -> Certificate:
    """Add the float horizon of theory.md 7.2 to an exact certificate of irrational weights."""
    import dataclasses

    try:
        horizon = horizon_report(rnn, dfa, alignment)
    except WeightsTooLargeError:
        return cert
    if not horizon:
        return cert
    details = dict(cert.details)
    details.update(horizon)
    details["notes"] = list(details.get("notes", [])) + [
        "the weights are irrational: floats round them, so a float implementation is only "
        "guaranteed for about T_safe steps (theory.md 7.2) unless certified by method='float'"]
    return dataclasses.replace(cert, details=details)


# ================================================================================ float
def _codes_float64(rnn: Any, dfa: DFA, alignment: Alignment, limit: int = 5000):
    """Float64 codes of the states along a breadth-first tree (for the horizon bound)."""
    tree = bfs_tree(dfa)
    order = tree.order[:limit]
    W = np.asarray(rnn.W, dtype=np.float64)
    codes = {int(dfa.start_index): np.asarray(rnn.h0, dtype=np.float64)}
    for q in order[1:]:
        p, a = int(tree.parent[q]), int(tree.letter[q])
        if p not in codes:
            break
        codes[int(q)] = W[:, :, alignment.columns[a]] @ codes[p]
    return codes


def horizon_report(rnn: Any, dfa: DFA, alignment: Alignment) -> dict[str, Any] | None:
    """``{"horizon_bound": {format: T_safe}, "kappa": ..., "decoding_radius": ...}`` of
    theory.md 7.2 (7.4 item 6), or None when kappa is not known."""
    W = np.asarray(rnn.W, dtype=np.float64)
    mats = [W[:, :, k] for k in sorted(set(alignment.columns.tolist()))]
    kappa = letter_kappa(mats)
    if kappa is None:
        return None
    codes = _codes_float64(rnn, dfa, alignment)
    states = list(codes)
    rows = [alignment.correct_rows(int(dfa.label_index[q])) for q in states]
    R = np.asarray(rnn.readout, dtype=np.float64)
    r = decoding_radius(R, np.array([codes[q] for q in states]), rows)
    if not np.isfinite(r) or r <= 0:
        return None
    B = kappa * float(np.linalg.norm(rnn.h0))
    return {"horizon_bound": {fmt: horizon_bound(r, kappa, rnn.H, B, fmt) for fmt in FORMATS},
            "kappa": kappa, "decoding_radius": r}


def float_certificate(rnn: Any, dfa: DFA, alignment: Alignment, impl: FloatImplementation, *,
                      task: str, model: str, max_states: int = MAX_PAIRS, probe: bool = True,
                      notes: list[str] | None = None) -> Certificate:
    """The C-fp certificate of one float implementation (theory.md 6.0, 7.5)."""
    W, h0, R = rnn.W, rnn.h0, rnn.readout
    args = (W, h0, R, dfa.table, dfa.start_index, dfa.label_index, alignment.columns,
            alignment.row_label)
    s = float_search(impl, *args, max_pairs=max_states)
    details: dict[str, Any] = {
        "implementation": impl.describe(), "dtype": impl.dtype, "normalize": impl.normalize,
        "pairs": s.pairs, "distinct_float_states": s.distinct_states, "depth": s.depth,
        "notes": list(notes or []) + list(alignment.notes),
    }
    if not recognise_exact(W, h0, R):
        horizon = horizon_report(rnn, dfa, alignment)
        if horizon:
            details.update(horizon)
    search_line = ("breadth-first search of the pairs (float state, automaton state) reached "
                   f"under {impl.describe()}")
    if s.status == "closed":
        checks = [Check(search_line + f": closes with {s.pairs:,} pairs ({s.distinct_states:,} "
                        f"distinct float states, depth {s.depth}); every pair and letter was "
                        "followed", s.edges, True),
                  Check("every reached pair decodes to its state's label (unique argmax)",
                        s.pairs, True)]
        return Certificate(holds=True, method="float", checked=tuple(checks), task=task,
                           model=model, details=details)
    word = row = state = None
    if s.status == "failure":
        word, row, state = s.failure_word, s.failure_row, s.failure_state
        details["counterexample_kind"] = "shortest (breadth-first search)"
    elif probe:
        found = drift_probe(impl, *args)
        if found is not None:
            word, row, state, why = found
            details["counterexample_kind"] = why
        else:
            found2 = probe_failure(impl, *args)
            if found2 is not None:
                word, row, state = found2
                details["counterexample_kind"] = ("found by a long adversarial or random word "
                                                  "after the search hit its cap; a shorter "
                                                  "one may exist")
    if word is None:
        details["reason"] = (f"the search passed the cap of {max_states:,} pairs at depth "
                             f"{s.depth} without closing, and no failing word was found")
        checks = [Check(search_line, s.pairs, False, "did not close under the cap")]
        return Certificate(holds=False, method="float", checked=tuple(checks), task=task,
                           model=model, details=details)
    checks = [Check(search_line, s.pairs, False,
                    "stopped at a pair that decodes wrongly" if s.status == "failure"
                    else "did not close under the cap")]
    symbols = tuple(dfa.alphabet[a] for a in word)
    return Certificate(
        holds=False, method="float", checked=tuple(checks), counterexample=symbols, task=task,
        model=model, details=details,
        failure={"step": len(symbols), "expected": dfa.label_values[dfa.label_index[state]],
                 "decoded": rnn.labels[row] if row >= 0 else None, "readout_row": row})
