"""The trusted kernel re-checks certificates of rotation constructions over ``Q(zeta_N)``
exactly, and refuses a mutated weight or tampered evidence."""

from __future__ import annotations

import dataclasses
import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bilinear.automata import tasks
from bilinear.cli import main
from bilinear.constructions import compile_automaton
from bilinear.verification import kernel
from bilinear.verification.certificates import Certificate
from bilinear.verification.cyclotomic import Cyc, CyclotomicField, element_text
from bilinear.verification.kernel._cyclotomic import _Cyclotomic, _phi
from bilinear.verification.loading import floats_only
from bilinear.verification.verifier import kernel_inputs, verify

#: Rotation constructions whose entries sympy keeps as cos/sin: the cyclotomic field is used.
ROTATIONS = [("cyclic:n=7", "complex_diagonal"), ("cyclic:n=7", "full"),
             ("modular_addition:m=25", "complex_diagonal")]


def _certified(spec: str, level: str):
    t = tasks.resolve(spec)
    rnn = compile_automaton(t.dfa, level=level)
    assert rnn.info.get("construction") == "cyclic_rotation"
    cert = verify(rnn, t)
    assert cert.holds, cert.summary()
    return rnn, t, cert


def _verdict(ev, model, automaton):
    return kernel.recheck(ev, model, automaton)


@pytest.mark.parametrize(("spec", "level"), ROTATIONS)
def test_rotation_certificates_are_rechecked(spec: str, level: str) -> None:
    rnn, t, cert = _certified(spec, level)
    assert cert.evidence.number_format == "cyclotomic"
    assert cert.details["kernel"]["status"] == "agrees"
    assert not any("not rechecked" in n for n in cert.details.get("notes", []))
    back = kernel.Evidence.from_dict(json.loads(cert.to_json())["evidence"])
    assert back.to_dict() == cert.evidence.to_dict()
    model, automaton = kernel_inputs(rnn, t.dfa)
    assert _verdict(back, model, automaton).agrees
    # the float-only copy (an NPZ) rounds the same construction
    fcert = verify(floats_only(rnn), t)
    assert fcert.holds and fcert.details["kernel"]["status"] == "agrees"


@pytest.fixture(scope="module")
def z7():
    rnn, t, cert = _certified("cyclic:n=7", "complex_diagonal")
    model, automaton = kernel_inputs(rnn, t.dfa)
    return cert.evidence, model, automaton


def test_a_mutated_float_weight_is_refused(z7) -> None:
    ev, model, automaton = z7
    W = np.array(model.W)
    i, j, k = (int(x[0]) for x in np.nonzero(W))
    for new in (W[i, j, k] * (1 + 1e-12), np.nextafter(np.nextafter(W[i, j, k], 9), 9),
                -W[i, j, k], 0.0):
        bad = W.copy()
        bad[i, j, k] = new
        v = _verdict(ev, dataclasses.replace(model, W=bad), automaton)
        assert v.status == "refuses" and "W[" in v.reason, (new, v)
    letters = [list(m) for m in ev.exact_weights["letters"]]
    del letters[0][0]                        # a float entry with no exact image
    v = _verdict(dataclasses.replace(ev, exact_weights=dict(ev.exact_weights, letters=letters)),
                 model, automaton)
    assert v.status == "refuses" and "nonzero entry" in v.reason


def test_a_mutated_exact_weight_is_refused_by_the_exact_arithmetic(z7) -> None:
    """Change one exact letter entry *and* its float consistently: only the exact orbit
    check can tell."""
    ev, model, automaton = z7
    N = ev.field_data["conductor"]
    F = CyclotomicField(N)
    letters = [list(m) for m in ev.exact_weights["letters"]]
    i, j, _ = letters[0][0]
    other = F.cos(1, N)                                   # cos(2 pi / 28): not a 7th root
    letters[0][0] = (i, j, element_text(other))
    W = np.array(model.W)
    W[i, j, 0] = math.cos(2 * math.pi / N)
    ew = dict(ev.exact_weights, letters=letters)
    v = _verdict(dataclasses.replace(ev, exact_weights=ew),
                 dataclasses.replace(model, W=W), automaton)
    assert v.status == "refuses" and ("A(0)" in v.reason or "decodes" in v.reason), v


def test_tampered_cyclotomic_evidence_is_refused(z7) -> None:
    ev, model, automaton = z7
    assert _verdict(ev, model, automaton).agrees
    n = len(ev.point_state)
    vec = list(ev.vectors[1])
    i, x = vec[0]
    vec[0] = (i, x + ";0:1")                               # v_1 + 1 in one unit
    bads = [
        dataclasses.replace(ev, vectors=(ev.vectors[0], tuple(vec), *ev.vectors[2:])),
        dataclasses.replace(ev, point_state=(1, *ev.point_state[1:])),
        dataclasses.replace(ev, successors=(((ev.successors[0][0] + 1) % n,),
                                            *ev.successors[1:])),
        dataclasses.replace(ev, field_data={"conductor": 14}),
        dataclasses.replace(ev, field_data={"conductor": 10**9}),
        dataclasses.replace(ev, field_data=None),
        dataclasses.replace(ev, h0_scale="-1"),
        dataclasses.replace(ev, vectors=(((0, "1:x"),), *ev.vectors[1:])),
    ]
    for bad in bads:
        v = _verdict(bad, model, automaton)
        assert v.status == "refuses" and v.reason, bad
    wrong = dataclasses.replace(model, readout=np.roll(np.array(model.readout), 1, axis=0))
    assert _verdict(ev, wrong, automaton).status == "refuses"


def test_a_complex_exact_weight_is_refused(z7) -> None:
    ev, model, automaton = z7
    N = ev.field_data["conductor"]
    letters = [list(m) for m in ev.exact_weights["letters"]]
    i, j, x = letters[0][0]
    G = CyclotomicField(N)
    c, d = _Cyclotomic({"conductor": N}).parse(x)
    tilted = Cyc(G, c, d) + G.power(N // 4) * G.rational(Fraction(1, 10**24))   # + 1e-24 i
    letters[0][0] = (i, j, element_text(tilted))
    v = _verdict(dataclasses.replace(ev, exact_weights=dict(ev.exact_weights,
                                                            letters=letters)), model, automaton)
    assert v.status == "refuses" and "not real" in v.reason


# ------------------------------------------------------------------ the arithmetic
@pytest.mark.parametrize("N", [1, 2, 7, 12, 28, 100, 105, 360, 1001])
def test_phi_is_the_cyclotomic_polynomial(N: int) -> None:
    x = sp.Symbol("x")
    want = [int(c) for c in reversed(sp.cyclotomic_poly(N, x, polys=True).all_coeffs())]
    assert list(_phi(N)) == want


@settings(max_examples=40, deadline=None)
@given(N=st.sampled_from([5, 12, 28, 60, 100, 388]), j=st.integers(0, 400),
       c=st.integers(-10**6, 10**6).filter(bool), d=st.integers(1, 10**6))
def test_enclosures_contain_the_value(N: int, j: int, c: int, d: int) -> None:
    F = _Cyclotomic({"conductor": N})
    j %= N
    x = F.add(F.parse(f"{j}:{c}/{d}"), F.parse(f"{(N - j) % N}:{c}/{d}"))   # 2 c cos / d
    with mpmath.workdps(80):
        value = 2 * c * mpmath.cos(2 * mpmath.pi * j / N) / d
        for p in (64, 256):
            lo, hi = F.enclose(x, p)
            eps = mpmath.mpf(10) ** -70                   # mpmath's own error at 80 digits
            assert mpmath.mpf(lo.numerator) / lo.denominator <= value + eps
            assert value - eps <= mpmath.mpf(hi.numerator) / hi.denominator
            assert hi - lo <= Fraction(8 * sum(abs(t) for t in x[0]), x[1] * 2**p)
        if not any(x[0]):                          # cos(2 pi j / N) = 0: exactly zero
            assert abs(value) < 1e-70 and F.sign(x) == 0
        else:
            assert F.sign(x) == (1 if value > 0 else -1)


@settings(max_examples=40, deadline=None)
@given(N=st.sampled_from([12, 28, 60, 100]), a=st.integers(0, 99), b=st.integers(0, 99),
       k=st.integers(1, 5), m=st.integers(1, 5))
def test_kernel_arithmetic_agrees_with_the_verifiers(N: int, a: int, b: int, k: int,
                                                     m: int) -> None:
    """Products and sums of cosines and sines: the kernel's canonical form is the verifier's
    (two independent implementations of Q(zeta_N))."""
    G, F = CyclotomicField(N), _Cyclotomic({"conductor": N})
    x, y = G.cos(a % N, N) * G.rational(Fraction(k, m)), G.sin(b % N, N)
    for want, got in ((x * y, F.mul(F.parse(element_text(x)), F.parse(element_text(y)))),
                      (x + y, F.add(F.parse(element_text(x)), F.parse(element_text(y))))):
        assert got == F.parse(element_text(want))
        assert F.conj(got) == got                          # real
        assert F.sign(got) == G.sign(want)


def test_a_saved_rotation_certificate_is_rechecked_from_its_files(tmp_path, capsys) -> None:
    """``bilinear verify --save-cert`` then ``--recheck`` on the NPZ (floats only)."""
    model, cert = tmp_path / "z7.npz", tmp_path / "z7.json"
    t = tasks.get("cyclic", n=7)
    compile_automaton(t.dfa, level="complex_diagonal").save(model)
    assert main(["verify", str(model), "cyclic:n=7", "--save-cert", str(cert)]) == 0
    doc = json.loads(cert.read_text())
    assert doc["evidence"]["number_format"] == "cyclotomic"
    assert Certificate.from_dict(doc).to_dict() == doc
    capsys.readouterr()
    assert main(["verify", "--recheck", str(cert), str(model), "cyclic:n=7"]) == 0
    assert capsys.readouterr().out.startswith("kernel agrees")
    other = tmp_path / "z7b.npz"
    rnn = compile_automaton(t.dfa, level="complex_diagonal")
    W = np.array(rnn.W)
    W[0, 0, 0] = W[1, 1, 0] = np.nextafter(np.nextafter(W[0, 0, 0], 2.0), 2.0)   # a rotation
    dataclasses.replace(rnn, W=W, exact=None).save(other)
    assert main(["verify", "--recheck", str(cert), str(other), "cyclic:n=7"]) == 1
