"""``verify(rnn, dfa)``: prove that a bilinear RNN simulates an automaton, or show why not.

The strongest applicable method is chosen (``method="auto"``):

1. exact weights (the model's :class:`~bilinear.constructions.ExactWeights`, or float weights
   whose entries are recognisably exact, or float weights that round a known exact
   construction to within a few ulps): breadth-first search in exact arithmetic, giving a
   C-exact certificate when the encoding is state-determined and C-orbit otherwise; monomial
   (one-hot) models are checked with integer arrays (their one-hot encoding in one pass when
   it is the identity, else level by level); entries in a cyclotomic field (cos and sin of
   rational multiples of 2 pi, square roots, sympy's radicals for them) in ``Q(zeta_N)``
   (:mod:`~bilinear.verification.cyclotomic`) unless the field is small, other irrational
   entries in sympy's number field;
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

import dataclasses
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from bilinear.automata.dfa import DFA
from bilinear.errors import InvalidArgumentError, WeightsTooLargeError
from bilinear.verification import kernel
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
    FloatInstance,
    FloatSearch,
    decoding_radius,
    drift_probe,
    float_search,
    horizon_bound,
    letter_kappa,
    probe_failure,
)
from bilinear.verification.loading import h0_rescale, match_compiled, ulp_distance
from bilinear.verification.monomial import MonomialForm, monomial_certificate, monomial_form
from bilinear.vocabulary import NOTIONS, Notion

__all__ = ["verify", "float_certificate", "exact_source", "judged_by_kernel", "kernel_inputs",
           "model_notion"]

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


def _trigonometric(ex: Any) -> bool:
    """Whether some exact entry is written with ``cos`` or ``sin`` (sympy keeps rotations by
    most rational angles in that form; they belong in a cyclotomic field)."""
    mats = [*ex.letters, ex.h0, ex.readout]
    return any(m is not None and m.has(sp.cos, sp.sin) for m in mats)


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
            consistent, scale = True, 1.0
            if rnn.H * rnn.H * rnn.D <= 100_000:
                W, h0, R = ex.float_arrays()
                rescale = h0_rescale(rnn.h0, h0, 4)
                consistent = (rescale is not None and max(ulp_distance(rnn.W, W),
                                                          ulp_distance(rnn.readout, R)) <= 4)
                scale = rescale or 1.0
            if scale != 1.0:
                notes.append(_rescale_note(scale))
            if not consistent:
                notes.append("the float weights differ from the exact form they carry; the "
                             "float weights are judged")
            else:
                if ex.field == "ZZ" and rnn.H > _MONOMIAL_FIRST:
                    form = monomial_form(rnn)
                    if form is not None:
                        return form, ["exact integer weights in monomial form"], rnn
                system: ExactSystem | None = None
                trig = ex.field not in ("ZZ", "QQ") and _trigonometric(ex)
                if ex.field not in ("ZZ", "QQ"):
                    # any entries in a cyclotomic field (rotations, and radicals such as
                    # sympy's cos(pi/24)): polynomial time there, while sympy's primitive
                    # element of a large field is not
                    system = cyclotomic_system(ex)
                    if (system is not None and not trig
                            and system.domain.degree <= _SMALL_CYCLOTOMIC):
                        system = None       # radicals in a small field: sympy is fast, readable
                    if system is not None:
                        notes.append(f"rotation entries: exact arithmetic in {system.field}")
                if system is None:
                    system = system_from_exact(ex)
                if system is not None:
                    system.h0_scale = Fraction(scale)
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
                        "bits, docs/explanation/numerical-stability.md)"
                        if system.field == "ZZ" else ""))
        return system, notes, rnn
    match = match_compiled(rnn, dfa)
    if match is not None:
        ref, note = match
        inner, inner_notes, _ = exact_source(ref, dfa)
        if inner is not None:
            rescale = h0_rescale(rnn.h0, ref.h0)
            if isinstance(inner, ExactSystem) and rescale is not None:
                inner.h0_scale = Fraction(rescale)
            elif rescale != 1.0:
                return None, notes, rnn
            return inner, notes + [note] + inner_notes, ref
    return None, notes, rnn


def _rescale_note(scale: float) -> str:
    return (f"h0 is {scale:g} times the h0 of the exact weights: a positive rescale, so h_w is "
            f"{scale:g} times the exact run and every argmax (decoded label) is the same")


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
    cert = _verify(rnn, dfa, task, method, dtype=dtype, normalize=normalize, readout=readout,
                   max_states=max_states, probe=probe)
    return judged_by_kernel(cert, rnn, dfa)


def kernel_inputs(rnn: Any, dfa: DFA) -> tuple[kernel.Model, kernel.Automaton]:
    """The model's arrays and the automaton's table as the kernel's plain records.

    Raises
    ------
    WeightsTooLargeError
        A dense model too large for its float arrays.
    """
    ex = getattr(rnn, "exact", None)
    h0, alphabet, labels = np.asarray(rnn.h0), tuple(rnn.alphabet), tuple(rnn.labels)
    if ex is not None and ex.is_sparse:
        model = kernel.Model(h0=h0, alphabet=alphabet, labels=labels, notion=model_notion(rnn),
                             targets=ex.targets, scales=ex.scales,
                             readout_rows=ex.readout_rows, n_rows=ex.S)
    else:
        model = kernel.Model(h0=h0, alphabet=alphabet, labels=labels, notion=model_notion(rnn),
                             W=np.asarray(rnn.W), readout=np.asarray(rnn.readout))
    automaton = kernel.Automaton(table=dfa.table, start=int(dfa.start_index),
                                 state_label=dfa.label_index, alphabet=tuple(dfa.alphabet),
                                 labels=tuple(dfa.label_values))
    return model, automaton


def judged_by_kernel(cert: Certificate, rnn: Any, dfa: DFA) -> Certificate:
    """A certificate that holds, re-checked by :mod:`~bilinear.verification.kernel` from the
    weights alone: refused evidence makes it fail (with the kernel's reason); evidence the
    kernel cannot check is said so in ``details["kernel"]`` and the notes."""
    if not cert.holds:
        return cert
    if cert.evidence is None:
        verdict = kernel.KernelVerdict("not rechecked",
                                       f"the {cert.method} certificate carries no evidence")
    else:
        try:
            model, automaton = kernel_inputs(rnn, dfa)
        except WeightsTooLargeError as err:
            verdict = kernel.KernelVerdict("not rechecked", f"the weights are too large: {err}")
        else:
            verdict = kernel.recheck(cert.evidence, model, automaton)
    details = dict(cert.details)
    details["kernel"] = verdict.to_dict()
    if verdict.status == "refuses":
        details["reason"] = f"the trusted kernel refuses the evidence: {verdict.reason}"
        line = Check("the evidence re-checked by the trusted kernel from the weights alone",
                     verdict.checked, False, verdict.reason)
        return dataclasses.replace(cert, holds=False, details=details,
                                   checked=(*cert.checked, line))
    if verdict.status == "not rechecked":
        details["notes"] = [*details.get("notes", []),
                            f"not rechecked by the trusted kernel: {verdict.reason}"]
    return dataclasses.replace(cert, details=details)


def _verify(rnn: Any, dfa: DFA, task: str, method: str, *, dtype: str, normalize: bool,
            readout: str, max_states: int, probe: bool) -> Certificate:
    """:func:`verify` before the kernel's re-check: an fp model in its float arithmetic."""
    alignment = align(rnn, dfa)
    model = describe_model(rnn)
    if method == "float":
        impl = FloatImplementation(dtype, normalize=normalize, readout=readout)
        return float_certificate(rnn, dfa, alignment, impl, task=task, model=model,
                                 max_states=max_states, probe=probe)
    if model_notion(rnn) == Notion.FP.value:
        impl = FloatImplementation(dtype, normalize=normalize, readout=readout)
        if method == "auto":
            return float_certificate(rnn, dfa, alignment, impl, task=task, model=model,
                                     max_states=max_states, probe=probe, notes=[_fp_note(impl)])
        cert = _verify_exactly(rnn, dfa, method, alignment, task=task, model=model,
                               readout=readout, max_states=max_states, probe=probe)
        return _also_in_float(cert, rnn, dfa, alignment, impl, task=task, model=model,
                              max_states=max_states, probe=probe)
    return _verify_exactly(rnn, dfa, method, alignment, task=task, model=model,
                           readout=readout, max_states=max_states, probe=probe)


def model_notion(rnn: Any) -> str:
    """The simulation notion the model was built for (``info["notion"]``, default ``fin``).

    Examples
    --------
    >>> import types
    >>> model_notion(types.SimpleNamespace(info={"notion": "fp"})), model_notion(object())
    ('fp', 'fin')
    """
    info = getattr(rnn, "info", None) or {}
    notion = info.get("notion") if hasattr(info, "get") else None
    return str(notion) if notion in NOTIONS else Notion.FIN.value


def _fp_note(impl: FloatImplementation) -> str:
    return (f"the model's notion is fp (info['notion']): correct in floating point, so it is "
            f"certified in the arithmetic that notion names, {impl.describe()}, by an "
            "exhaustive search of its float states")


def _also_in_float(cert: Certificate, rnn: Any, dfa: DFA, alignment: Alignment,
                   impl: FloatImplementation, *, task: str, model: str, max_states: int,
                   probe: bool) -> Certificate:
    """An exact proof of an fp model counts only when the float run holds as well."""
    if not cert.holds:
        return cert
    fcert = float_certificate(rnn, dfa, alignment, impl, task=task, model=model,
                              max_states=max_states, probe=probe)
    details = dict(cert.details)
    details["notes"] = list(details.get("notes", [])) + [_fp_note(impl)]
    details["fp_check"] = fcert.summary()
    line = Check(f"the notion fp: exhaustive search of the float states under "
                 f"{impl.describe()}", fcert.cases, fcert.holds,
                 "" if fcert.holds else "the float run fails or does not close")
    if fcert.holds:
        return dataclasses.replace(cert, checked=(*cert.checked, line), details=details,
                                   evidence=fcert.evidence)
    details["reason"] = (f"the {cert.method} proof holds in exact arithmetic, but the model's "
                         f"notion is fp and under {impl.describe()} it "
                         + ("fails" if fcert.counterexample is not None else "is not certified")
                         + f": {fcert.summary()}")
    return dataclasses.replace(cert, holds=False, checked=(*cert.checked, line),
                               details=details, counterexample=fcert.counterexample,
                               failure=fcert.failure, evidence=None)


def _verify_exactly(rnn: Any, dfa: DFA, method: str, alignment: Alignment, *, task: str,
                    model: str, readout: str, max_states: int, probe: bool) -> Certificate:
    """``verify`` for the exact methods (and the float fallback of ``auto``)."""
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
            mono = monomial_certificate(source, target, dfa, alignment, task=task, model=model,
                                        notes=tuple(notes))
            if mono is not None:
                return mono
        try:
            source = system_from_arrays(target.W, target.h0, target.readout,
                                        source="the integer weights")
        except WeightsTooLargeError:
            return Certificate(holds=False, method="exact", task=task, model=model, details={
                "reason": "the sparse one-hot model is not state-determined and too large for "
                          "the general search", "notes": notes})
    if method == "cells":
        return cells_certificate(source, target, dfa, alignment, task=task, model=model)
    per_state = _PER_STATE if method == "auto" else 4 * _PER_STATE
    cert = exact_certificate(source, target, dfa, alignment, task=task, model=model,
                             method=method, max_pairs=max_states, max_per_state=per_state,
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
    """Add the float horizon (docs/explanation/numerical-stability.md) to an exact
    certificate of irrational weights."""
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
        "guaranteed for about T_safe steps (docs/explanation/numerical-stability.md) unless "
        "certified by method='float'"]
    return dataclasses.replace(cert, details=details)


# ================================================================================ float
def _codes_float64(rnn: Any, dfa: DFA, alignment: Alignment,
                   limit: int = 5000) -> dict[int, np.ndarray]:
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
    docs/explanation/numerical-stability.md (irrational constructions drift linearly), or
    None when kappa is not known."""
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


def float_evidence(impl: FloatImplementation, s: FloatSearch) -> kernel.Evidence:
    """The kernel's evidence of a closed float search: every pair, bit for bit."""
    assert s.points is not None and s.point_states is not None and s.successors is not None
    decoding = ("decoding: the exact argmax of R h over the stored state, separated by more "
                "than float64 rounding of R h can move it (any summation order), else equal to "
                "the float64 argmax in unit order" if impl.readout == "float64" else
                f"decoding: R h in {impl.dtype}, accumulated like the recurrence")
    return kernel.Evidence(
        kind="float", number_format=impl.dtype,
        arithmetic=(f"{impl.describe()}; IEEE round to nearest, ties to even, every product and "
                    f"every sum rounded once to {impl.accumulate}, no fused multiply-add, then "
                    f"the state rounded to {impl.dtype}; {decoding}"),
        hypothesis="for every word w, the stored state after w is the float vector of a point "
                   "whose automaton state is q0 . w (true for the empty word: point 0 is the "
                   "stored h0; kept by every letter: the step of point p under letter a is, "
                   "bit for bit, the point succ(p, a), in state table[q, a])",
        vectors=s.points, point_vector=tuple(range(s.points.shape[0])),
        point_state=tuple(s.point_states.tolist()), successors=s.successors,
        implementation={"dtype": impl.dtype, "accumulate": impl.accumulate,
                        "normalize": impl.normalize, "readout": impl.readout})


def float_certificate(rnn: Any, dfa: DFA, alignment: Alignment, impl: FloatImplementation, *,
                      task: str, model: str, max_states: int = MAX_PAIRS, probe: bool = True,
                      notes: list[str] | None = None) -> Certificate:
    """The C-fp certificate of one float implementation (docs/explanation/certificates.md, C-fp)."""
    W, h0, R = rnn.W, rnn.h0, rnn.readout
    inst = FloatInstance(W, h0, R, dfa.table, dfa.start_index, dfa.label_index,
                         alignment.columns, alignment.row_label)
    s = float_search(impl, inst, max_pairs=max_states)
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
        evidence = float_evidence(impl, s)
        checks = [Check(search_line + f": closes with {s.pairs:,} pairs ({s.distinct_states:,} "
                        f"distinct float states, depth {s.depth}); every pair and letter was "
                        "followed", s.edges, True),
                  Check("every reached pair decodes to its state's label (unique argmax)",
                        s.pairs, True)]
        return Certificate(holds=True, method="float", checked=tuple(checks), task=task,
                           model=model, details=details, evidence=evidence)
    word = row = state = None
    if s.status == "failure":
        word, row, state = s.failure_word, s.failure_row, s.failure_state
        details["counterexample_kind"] = "shortest (breadth-first search)"
    elif probe:
        found = drift_probe(impl, inst)
        if found is not None:
            word, row, state, why = found
            details["counterexample_kind"] = why
        else:
            found2 = probe_failure(impl, inst)
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
    assert row is not None and state is not None
    return Certificate(
        holds=False, method="float", checked=tuple(checks), counterexample=symbols, task=task,
        model=model, details=details,
        failure={"step": len(symbols), "expected": dfa.label_values[dfa.label_index[state]],
                 "decoded": rnn.labels[row] if row >= 0 else None, "readout_row": row})
