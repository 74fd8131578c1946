"""The trusted kernel re-checks every certificate's evidence from the weights alone, refuses
every corrupted model or evidence, and depends on nothing but numpy, fractions, the standard
library and bilinear.errors."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import BilinearRNN, compile_automaton
from bilinear.verification import kernel
from bilinear.verification.loading import floats_only
from bilinear.verification.verifier import kernel_inputs, verify


def _case(name: str, vh):
    """(model, task, verify options) of one representative certificate per method."""
    if name == "exact-ZZ-dense":
        t = tasks.get("symmetric", n=3)
        return compile_automaton(t.dfa, level="full"), t, {}
    if name == "exact-QQ-floats":
        t = tasks.get("parity")
        W = np.stack([np.eye(2), np.array([[0.0, 2.0], [0.5, 0.0]])], axis=2)
        return BilinearRNN(W=W, h0=np.array([1.0, 0.0]), readout=np.eye(2),
                           alphabet=("0", "1"), labels=("0", "1"),
                           level="full"), t, {"method": "orbit"}
    if name == "exact-monomial-sparse":
        t = tasks.resolve("random_fsm:states=300,symbols=3,seed=2")
        return compile_automaton(t.dfa, level="full", sparse=True), t, {}
    if name == "exact-monomial-dense":
        t = tasks.resolve("random_fsm:states=40,symbols=3,seed=2")
        return vh.one_hot(t.dfa), t, {}
    if name == "orbit":
        t = tasks.get("quaternion")
        return compile_automaton(t.dfa, level="block"), t, {}
    if name == "cells":
        t = tasks.get("threshold", k=4)
        return compile_automaton(t.dfa, level="positive_diagonal", notion="rob"), t, {}
    if name == "cells-npz":
        t = tasks.get("threshold", k=4)
        rnn = compile_automaton(t.dfa, level="positive_diagonal", notion="rob")
        return floats_only(rnn), t, {"method": "cells"}
    if name.startswith("float-"):
        t = tasks.get("cyclic", n=5)
        dtype = name.split("-")[1]
        return (compile_automaton(t.dfa, level="complex_diagonal"), t,
                {"method": "float", "dtype": dtype, "normalize": dtype == "float32"})
    if name == "fp-auto":
        t = tasks.get("threshold", k=3)
        return compile_automaton(t.dfa, level="positive_diagonal", notion="fp"), t, {}
    raise AssertionError(name)


CASES = ["exact-ZZ-dense", "exact-QQ-floats", "exact-monomial-sparse", "exact-monomial-dense",
         "orbit", "cells", "cells-npz", "float-float64", "float-float32", "float-bfloat16",
         "float-float16", "fp-auto"]


def _recheck(ev, rnn, t):
    model, automaton = kernel_inputs(rnn, t.dfa)
    return kernel.recheck(ev, model, automaton)


@pytest.mark.parametrize("name", CASES)
def test_kernel_rechecks_every_method(name: str, vh) -> None:
    rnn, t, opts = _case(name, vh)
    cert = verify(rnn, t, **opts)
    assert cert.holds, cert.to_markdown()
    assert cert.evidence is not None and cert.details["kernel"]["status"] == "agrees"
    assert cert.evidence.arithmetic and cert.evidence.hypothesis
    # the JSON form carries everything the kernel needs
    doc = json.loads(cert.to_json())
    back = kernel.Evidence.from_dict(doc["evidence"])
    assert _recheck(back, rnn, t).agrees


@pytest.mark.parametrize(("spec", "level"), [("cyclic:n=5", "complex_diagonal"),
                                             ("alternating:n=5", "full"),
                                             ("dihedral:n=5", "block")])
def test_number_field_orbits_are_rechecked(spec: str, level: str) -> None:
    t = tasks.resolve(spec)
    rnn = compile_automaton(t.dfa, level=level)
    for model in (rnn, floats_only(rnn)):
        cert = verify(model, t)
        assert cert.holds and cert.evidence.number_format == "algebraic"
        assert cert.details["kernel"]["status"] == "agrees"
    ev = kernel.Evidence.from_dict(json.loads(cert.to_json())["evidence"])
    assert _recheck(ev, rnn, t).agrees
    model, automaton = kernel_inputs(rnn, t.dfa)
    W = np.array(model.W)
    i, j, k = (int(x[0]) for x in np.nonzero(W))
    W[i, j, k] += 1e-12
    assert kernel.recheck(ev, dataclasses.replace(model, W=W), automaton).status == "refuses"
    _refuses(dataclasses.replace(ev, point_state=(1, *ev.point_state[1:])), rnn, t)
    n = len(ev.point_state)
    moved = (tuple((x + 1) % n for x in ev.successors[0]), *ev.successors[1:])
    _refuses(dataclasses.replace(ev, successors=moved), rnn, t)
    _refuses(ev, dataclasses.replace(rnn, readout=np.roll(np.array(rnn.readout), 1, axis=0),
                                     exact=None), t)


# ------------------------------------------------------------------ refusals
def _good(spec: str, level: str, **kw):
    t = tasks.resolve(spec)
    rnn = compile_automaton(t.dfa, level=level, **kw)
    cert = verify(rnn, t)
    assert cert.holds and cert.details["kernel"]["status"] == "agrees"
    return rnn, t, cert.evidence


def _refuses(ev, rnn, t) -> str:
    verdict = _recheck(ev, rnn, t)
    assert verdict.status == "refuses", verdict
    assert verdict.reason
    return verdict.reason


def test_refuses_a_perturbed_weight() -> None:
    rnn, t, ev = _good("symmetric:n=3", "full")
    W = np.array(rnn.W)
    W[0, 0, 0] += 2.0**-30
    _refuses(ev, dataclasses.replace(rnn, W=W, exact=None), t)


def test_refuses_a_corrupted_one_hot_weight(vh) -> None:
    t = tasks.resolve("cyclic:n=5")
    rnn = vh.one_hot(t.dfa)
    ev = verify(rnn, t).evidence
    W = np.array(rnn.W)
    d = t.dfa
    q = int(d.table[d.start_index, 0])
    W[:, d.start_index, 0] = 0.0
    W[(q + 1) % d.n_states, d.start_index, 0] = 1.0
    _refuses(ev, dataclasses.replace(rnn, W=W), t)


def test_refuses_swapped_letters() -> None:
    rnn, t, ev = _good("symmetric:n=3", "full")
    W = np.array(rnn.W)
    W[:, :, [1, 2]] = W[:, :, [2, 1]]
    _refuses(ev, dataclasses.replace(rnn, W=W, exact=None), t)


def test_refuses_a_wrong_h0() -> None:
    rnn, t, ev = _good("modular_addition:m=4", "monomial")
    bad = dataclasses.replace(rnn, h0=np.roll(np.array(rnn.h0), 1), exact=None)
    _refuses(ev, bad, t)
    _refuses(ev, dataclasses.replace(rnn, h0=-np.array(rnn.h0), exact=None), t)


def test_refuses_a_wrong_readout() -> None:
    rnn, t, ev = _good("dihedral:n=4", "full")
    bad = dataclasses.replace(rnn, readout=np.roll(np.array(rnn.readout), 1, axis=0),
                              exact=None)
    _refuses(ev, bad, t)


def test_refuses_complex_weights() -> None:
    rnn, t, ev = _good("symmetric:n=3", "full")
    model, automaton = kernel_inputs(rnn, t.dfa)
    bad = dataclasses.replace(model, W=np.asarray(model.W) + 0.5j)
    verdict = kernel.recheck(ev, bad, automaton)
    assert verdict.status == "refuses" and "complex" in verdict.reason


def test_refuses_exact_evidence_for_an_fp_model_that_fails_in_float64() -> None:
    """threshold:k=30: exact cells hold, the float64 run fails; the model's notion is fp."""
    t = tasks.get("threshold", k=30)
    rob = compile_automaton(t.dfa, level="positive_diagonal", notion="rob")
    ev = verify(rob, t, method="cells").evidence
    assert ev is not None and ev.kind == "cells"
    fp = BilinearRNN(W=rob.W, h0=rob.h0, readout=rob.readout, alphabet=rob.alphabet,
                     labels=rob.labels, level=rob.level,
                     info={"construction": "threshold_half", "notion": "fp"})
    assert "notion is fp" in _refuses(ev, fp, t)
    assert not verify(fp, t).holds


def test_refuses_tampered_evidence() -> None:
    rnn, t, ev = _good("symmetric:n=3", "full")
    K = len(t.dfa.alphabet)
    succ = [list(s) for s in ev.successors]
    succ[0] = succ[0][::-1] if K > 1 else succ[0]
    for bad in (dataclasses.replace(ev, successors=tuple(map(tuple, succ))),
                dataclasses.replace(ev, point_state=(1, *ev.point_state[1:])),
                dataclasses.replace(ev, margins=("7", *ev.margins[1:])),
                dataclasses.replace(ev, h0_scale="-1")):
        _refuses(bad, rnn, t)
    float_ev = verify(rnn, t, method="float").evidence
    pts = np.array(float_ev.vectors)
    pts[1, 0] = np.nextafter(pts[1, 0], 2.0)
    _refuses(dataclasses.replace(float_ev, vectors=pts), rnn, t)


def test_refuses_float_evidence_of_another_format() -> None:
    t = tasks.get("cyclic", n=5)
    rnn = compile_automaton(t.dfa, level="complex_diagonal")
    ev = verify(rnn, t, method="float", dtype="bfloat16").evidence
    impl = dict(ev.implementation, dtype="float64", accumulate="float64")
    _refuses(dataclasses.replace(ev, implementation=impl, number_format="float64"), rnn, t)


# ------------------------------------------------------------------ h0 rescale
@pytest.mark.parametrize("spec", ["modular_addition:m=5", "alternating:n=5", "cyclic:n=6",
                                  "cyclic:n=7", "threshold:k=3"])
def test_a_positive_rescale_of_h0_is_accepted(spec: str) -> None:
    t = tasks.resolve(spec)
    rnn = compile_automaton(t.dfa, level="full")
    for scale in (2.0, 0.25):
        scaled = dataclasses.replace(rnn, h0=scale * np.asarray(rnn.h0))
        for model in (scaled, floats_only(scaled)):
            cert = verify(model, t)
            assert cert.holds and cert.method in ("exact", "orbit"), cert.summary()
            assert cert.details["kernel"]["status"] == "agrees", cert.details["kernel"]
    flipped = dataclasses.replace(rnn, h0=-np.asarray(rnn.h0))
    assert not verify(floats_only(flipped), t, probe=False, max_states=2_000).holds


# ------------------------------------------------------------------ independence
KERNEL = "bilinear.verification.kernel"


def _kernel_imports() -> dict[str, set[str]]:
    """Every module of the kernel package and the modules its source imports."""
    import bilinear.verification.kernel as pkg

    root = Path(pkg.__file__).parent
    out: dict[str, set[str]] = {}
    for path in sorted(root.glob("*.py")):
        name = KERNEL if path.stem == "__init__" else f"{KERNEL}.{path.stem}"
        seen: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                seen |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{name}: relative import"
                seen.add(node.module or "")
        out[name] = seen
    return out


def test_kernel_imports_only_numpy_fractions_stdlib_and_errors() -> None:
    mods = _kernel_imports()
    assert {f"{KERNEL}.{m}" for m in ("_records", "_exact", "_float", "_field",
                                      "_cyclotomic", "_integers")} | {KERNEL} <= set(mods)
    allowed = {"__future__", "math", "collections", "collections.abc", "dataclasses",
               "fractions", "typing", "numpy", "sympy", "bilinear.errors"}
    for name, seen in mods.items():
        outside = {m for m in seen - allowed if not m.startswith(KERNEL + ".")}
        assert not outside, (name, outside)
        assert all(m in mods for m in seen if m.startswith(KERNEL)), (name, seen)
    assert "bilinear.errors" in set().union(*mods.values())


def test_kernel_modules_import_one_way_only() -> None:
    mods = _kernel_imports()
    for name, seen in mods.items():
        assert name not in seen
        for other in seen & set(mods):
            assert name not in mods[other], f"{name} and {other} import each other"
    # the package imports its parts; no part imports the package (a cycle through __init__)
    assert not any(KERNEL in seen for name, seen in mods.items() if name != KERNEL)


def test_no_kernel_module_is_long() -> None:
    import bilinear.verification.kernel as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 420, path.name
