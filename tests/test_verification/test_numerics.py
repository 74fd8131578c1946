"""The experiments of docs/explanation/numerical-stability.md#experiments, reproduced with the float
search (bf16 emulated in numpy)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.verification.floats import FloatImplementation, round_bfloat16
from bilinear.verification.verifier import verify

#: Distinct float states of the normalized bf16 search
#: (docs/explanation/numerical-stability.md#experiments table).
BF16_NORMALIZED_STATES = {3: 15, 5: 15, 12: 51, 60: 3435}


def test_torch_is_not_imported() -> None:
    import subprocess

    code = ("import sys, bilinear.verification.verifier, bilinear.verification.drift; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_bfloat16_rounding_is_round_to_nearest_even() -> None:
    x = np.array([1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8 + 2**-20, -1 - 2**-9], dtype=np.float32)
    assert round_bfloat16(x).tolist() == [1.0, 1 + 2**-6, 1 + 2**-7, -1.0]
    assert np.isinf(round_bfloat16(np.array([3.4e38], dtype=np.float32)))[0]
    assert np.isnan(round_bfloat16(np.array([np.nan], dtype=np.float32)))[0]


@pytest.mark.parametrize("n", [3, 5, 12, 60])
def test_bf16_rotations_certify_with_normalization(n: int, vh) -> None:
    cert = verify(vh.zn_rotation(n), vh.zn_pm_dfa(n), method="float", dtype="bfloat16",
                  normalize=True)
    assert cert.holds, cert.summary()
    assert cert.details["distinct_float_states"] == BF16_NORMALIZED_STATES[n]
    assert "bfloat16 storage" in cert.details["implementation"]


#: Pairs the breadth-first search needs to reach a wrong bf16 state without normalization,
#: and the length of that shortest failing word (measured with this implementation).
BF16_UNNORMALIZED = {3: (1_152_108, 1456), 5: (999_872, 748)}


@pytest.mark.parametrize("n", [3, 5, 12, 60])
def test_bf16_rotations_fail_without_normalization(n: int, vh) -> None:
    cap = {3: 20_000, 5: 20_000, 12: 300_000, 60: 100_000}[n]
    cert = verify(vh.zn_rotation(n), vh.zn_pm_dfa(n), method="float", dtype="bfloat16",
                  max_states=cap, probe=False)
    assert not cert.holds
    if n in (12, 60):
        # a reachable bf16 state decodes wrongly: a shortest counterexample word
        assert cert.counterexample is not None
        w = list(cert.counterexample)
        assert vh.zn_pm_dfa(n).output(w)[-1] == cert.failure["expected"]
        assert cert.details["counterexample_kind"].startswith("shortest")
    else:
        # within a small cap the unnormalized float orbit does not close: no certificate
        assert "cap" in cert.details["reason"] and cert.counterexample is None


@pytest.mark.slow
@pytest.mark.parametrize("n", [3, 5])
def test_bf16_small_rotations_have_a_reachable_wrong_state(n: int, vh) -> None:
    pairs, length = BF16_UNNORMALIZED[n]
    cert = verify(vh.zn_rotation(n), vh.zn_pm_dfa(n), method="float", dtype="bfloat16",
                  max_states=pairs + 10, probe=False)
    assert cert.counterexample is not None and len(cert.counterexample) == length


def test_z4_integer_matrix_certifies_in_float32_with_4_states(vh) -> None:
    cert = verify(vh.z4_integer(), vh.zn_pm_dfa(4), method="float", dtype="float32")
    assert cert.holds and cert.details["distinct_float_states"] == 4
    # and exactly, in every format (integer entries,
    # docs/explanation/numerical-stability.md#exact-families)
    exact = verify(vh.z4_integer(), vh.zn_pm_dfa(4))
    assert exact.holds and exact.method == "exact"
    for dtype in ("float16", "bfloat16"):
        assert verify(vh.z4_integer(), vh.zn_pm_dfa(4), method="float", dtype=dtype).holds


def test_fp32_rotations(vh) -> None:
    assert verify(vh.zn_rotation(3), vh.zn_pm_dfa(3), method="float",
                  dtype="float32").details["distinct_float_states"] == 3
    cert = verify(vh.zn_rotation(5), vh.zn_pm_dfa(5), method="float", dtype="float32",
                  normalize=True)
    assert cert.holds and cert.details["distinct_float_states"] == 309
    no = verify(vh.zn_rotation(5), vh.zn_pm_dfa(5), method="float", dtype="float32",
                max_states=5_000, probe=False)
    assert not no.holds and no.counterexample is None


def test_horizon_bound_matches_theory_table(vh) -> None:
    """docs/explanation/numerical-stability.md#horizon: T_safe ~ sin(pi/n) / (4u) for the Z_n
    rotation."""
    for n, fmt, expected in [(5, "float64", 1.3e15), (60, "float64", 1.2e14),
                             (5, "float32", 2.5e6), (5, "bfloat16", 40), (60, "bfloat16", 3)]:
        cert = verify(vh.zn_rotation(n), vh.zn_pm_dfa(n), method="float", max_states=2_000,
                      probe=False)
        got = cert.details["horizon_bound"][fmt]
        assert expected / 2 < got < expected * 2, (n, fmt, got)


def test_float_method_on_a_catalogue_rotation() -> None:
    d = tasks.get("cyclic", n=60).dfa
    rnn = compile_automaton(d, level="complex_diagonal")
    assert verify(rnn, d, method="float", dtype="bfloat16", normalize=True).holds
    cert = verify(rnn, d, method="float", dtype="bfloat16")
    assert not cert.holds and cert.counterexample is not None


def test_implementation_validation() -> None:
    from bilinear.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError):
        FloatImplementation("float8")
    with pytest.raises(InvalidArgumentError):
        FloatImplementation("float32", readout="half")
