"""Every model: shapes, dtypes, chunked evaluation, scans against the sequential recurrence."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from bilinear import vocabulary
from bilinear.errors import BilinearError, InvalidArgumentError, UnknownLevelError
from bilinear.models import (
    BASELINES,
    LEVELS,
    MODEL_NAMES,
    from_construction,
    make,
    model_options,
    resolve_device,
)
from bilinear.models.baselines import BASELINE_CLASSES
from bilinear.models.bilinear import LEVEL_CLASSES
from bilinear.models.scan import block_scan, complex_diagonal_scan, real_diagonal_scan

OPTS = {"cp": {"rank": 6}, "block": {"block_size": 2}}


def _tokens(B: int = 3, T: int = 17, vocab: int = 3, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, vocab, (B, T), generator=g)


@pytest.mark.parametrize("name", MODEL_NAMES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_shapes_dtypes_and_backward(name: str, dtype: torch.dtype) -> None:
    model = make(name, vocab=3, labels=4, hidden=8, device="cpu", seed=1, dtype=dtype,
                 **OPTS.get(name, {}))
    x = _tokens()
    logits = model(x)
    assert logits.shape == (3, 17, 4)
    assert logits.dtype == dtype
    assert torch.isfinite(logits).all()
    logits.square().mean().backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert any(g is not None and g.abs().sum() > 0 for g in grads)
    assert model.predict(x).shape == (3, 17)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_chunked_forward_matches_forward(name: str) -> None:
    model = make(name, vocab=3, labels=2, hidden=8, device="cpu", seed=2, dtype="float64",
                 **OPTS.get(name, {}))
    x = _tokens(T=40)
    with torch.no_grad():
        full = model(x)
        chunked = model.forward_chunked(x, chunk=7)
    torch.testing.assert_close(chunked, full, rtol=1e-9, atol=1e-9)


def _reference_states(model, x: torch.Tensor) -> torch.Tensor:
    """The textbook recurrence with explicit matrices: h <- normalize(W[:, :, x_t] h)."""
    W = model.transition_tensor()
    h = F.normalize(model.h0.expand(x.shape[0], -1), dim=-1)
    out = []
    for t in range(x.shape[1]):
        h = F.normalize(torch.einsum("ijb,bj->bi", W[:, :, x[:, t]], h), dim=-1)
        out.append(h)
    return torch.stack(out, dim=1)


@pytest.mark.parametrize("name", LEVELS)
def test_every_level_equals_the_sequential_recurrence(name: str) -> None:
    model = make(name, vocab=3, labels=2, hidden=8, device="cpu", seed=3, dtype="float64",
                 **OPTS.get(name, {}))
    x = _tokens(B=4, T=600)  # longer than one scan chunk
    with torch.no_grad():
        torch.testing.assert_close(model.states(x), _reference_states(model, x),
                                   rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("name", ["block", "complex_diagonal", "real_diagonal",
                                  "positive_diagonal"])
def test_scan_equals_loop_path(name: str) -> None:
    model = make(name, vocab=4, labels=3, hidden=6, device="cpu", seed=4, dtype="float64",
                 **OPTS.get(name, {}))
    assert model._can_scan()
    x = _tokens(B=2, T=300, vocab=4)
    with torch.no_grad():
        h = model._initial(2)
        scan, _ = model._scan(x, h)
        loop, _ = model._loop(x, h)
    torch.testing.assert_close(scan, loop, rtol=1e-8, atol=1e-8)


def test_diagonal_scan_is_safe_with_huge_and_tiny_factors() -> None:
    a = torch.tensor([1e30, -1e-30, 0.5]).repeat(1, 5000, 1)  # (1, 5000, 3)
    states, last = real_diagonal_scan(a, torch.ones(1, 3))
    assert torch.isfinite(states).all()
    # the first unit dominates; the sign of the second alternates, the third vanishes
    assert states[0, -1, 0] == pytest.approx(1.0)
    assert torch.equal(last, states[:, -1])


def test_diagonal_scan_handles_zeros_exactly() -> None:
    a = torch.tensor([[[0.0, 2.0], [3.0, -1.0]]])
    states, _ = real_diagonal_scan(a, torch.tensor([[1.0, 1.0]]), normalize=False)
    assert states.tolist() == [[[0.0, 2.0], [0.0, -2.0]]]


def test_complex_scan_rotates() -> None:
    angle = torch.tensor(2 * torch.pi / 5, dtype=torch.float64)
    p = torch.cos(angle).expand(1, 5, 1)
    q = torch.sin(angle).expand(1, 5, 1)
    states, _ = complex_diagonal_scan(p, q, torch.tensor([[1.0, 0.0]], dtype=torch.float64))
    torch.testing.assert_close(states[0, -1], torch.tensor([1.0, 0.0], dtype=torch.float64))


def test_block_scan_keeps_integer_products_exact() -> None:
    z3 = torch.tensor([[0.0, -1.0], [1.0, -1.0]], dtype=torch.float64)  # order 3
    A = z3.expand(1, 3001, 1, 2, 2)
    states, _ = block_scan(A, torch.tensor([[1.0, 0.0]], dtype=torch.float64))
    # after 3001 = 1 mod 3 steps the state is z3 @ e0 = e1, normalized: exactly (0, 1)
    assert states[0, -1].tolist() == [0.0, 1.0]


@pytest.mark.parametrize("name", ["full", "real_diagonal", "complex_diagonal", "lstm",
                                  "mamba_like"])
def test_long_evaluation_is_chunked(name: str) -> None:
    model = make(name, vocab=4, labels=3, hidden=8, device="cpu", seed=0)
    x = _tokens(B=2, T=10_000, vocab=4)
    pred = model.predict(x, chunk=2048)
    assert pred.shape == (2, 10_000)
    assert (pred >= 0).all()


def test_affine_switch_adds_input_terms_and_uses_the_loop() -> None:
    plain = make("real_diagonal", vocab=2, labels=2, hidden=4, device="cpu", seed=0)
    affine = make("real_diagonal", vocab=2, labels=2, hidden=4, device="cpu", seed=0, affine=True)
    assert not hasattr(plain, "input_weight")
    assert affine.input_weight.shape == (2, 4) and affine.input_bias.shape == (4,)
    assert not affine._can_scan()
    x = _tokens(vocab=2)
    assert not torch.allclose(plain(x), affine(x))


def test_monomial_forward_is_column_one_hot() -> None:
    model = make("monomial", vocab=3, labels=2, hidden=5, device="cpu", seed=0)
    P = model.selection_matrix().detach()
    assert torch.equal((P != 0).sum(dim=0), torch.ones(5, 3, dtype=torch.long))
    soft = make("monomial", vocab=3, labels=2, hidden=5, device="cpu", seed=0, selection="soft")
    torch.testing.assert_close(soft.selection_matrix().sum(dim=0), torch.ones(5, 3))


def test_readout_has_no_bias_so_decoding_is_scale_invariant() -> None:
    model = make("full", vocab=2, labels=3, hidden=6, device="cpu", seed=0, normalize=False)
    x = _tokens(vocab=2)
    before = model.predict(x)
    with torch.no_grad():
        model.h0.mul_(7.5)
    assert torch.equal(model.predict(x), before)


def test_seed_makes_weights_reproducible_and_leaves_global_rng_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    a = make("cp", vocab=2, labels=2, hidden=4, device="cpu", seed=7)
    got = torch.rand(1)
    b = make("cp", vocab=2, labels=2, hidden=4, device="cpu", seed=7)
    assert torch.equal(got, expected)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_transformer_positions() -> None:
    learned = make("transformer", vocab=2, labels=2, hidden=8, device="cpu", positions="learned",
                   max_length=16)
    assert learned(_tokens(T=16, vocab=2)).shape == (3, 16, 2)
    with pytest.raises(InvalidArgumentError, match="max_length"):
        learned(_tokens(T=17, vocab=2))
    sinus = make("transformer", vocab=2, labels=2, hidden=6, device="cpu", heads=4)
    assert sinus.options["heads"] == 3  # reduced to a divisor of hidden


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: make("nope", 2, 2, 4), UnknownLevelError, "unknown model 'nope'"),
        (lambda: make("block", 2, 2, 5, block_size=2), InvalidArgumentError, "multiple"),
        (lambda: make("complex_diagonal", 2, 2, 5), InvalidArgumentError, "even"),
        (lambda: make("full", 2, 2, 0), InvalidArgumentError, "hidden"),
        (lambda: make("full", 2, 2, 4, rank=3), InvalidArgumentError, "unknown option"),
        (lambda: make("cp", 2, 2, 4, rank=0), InvalidArgumentError, "rank"),
        (lambda: make("monomial", 2, 2, 4, selection="x"), InvalidArgumentError, "selection"),
        (lambda: make("full", 2, 2, 4, dtype="int8"), InvalidArgumentError, "dtype"),
        (lambda: make("full", 2, 2, 4)(torch.tensor([[0, 2]])), InvalidArgumentError, "vocab"),
        (lambda: make("full", 2, 2, 4)(torch.tensor([0, 1])), InvalidArgumentError, "shape"),
        (lambda: make("full", 2, 2, 4)(torch.zeros(1, 2)), InvalidArgumentError, "integer"),
    ],
)
def test_bad_input_raises_clear_errors(call, error, match) -> None:
    with pytest.raises(error, match=match) as info:
        call()
    assert isinstance(info.value, BilinearError)


def test_model_options_lists_level_options() -> None:
    assert "rank" in model_options("cp")
    assert "block_size" in model_options("block")
    assert "positions" in model_options("transformer")


#: Every device of this machine: CPU always, CUDA when present (same test, same code path).
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_runs_on_every_device(name: str, device: str) -> None:
    model = make(name, vocab=3, labels=2, hidden=8, seed=4, device=device, **OPTS.get(name, {}))
    assert model.device == resolve_device(device)
    out = model(_tokens())  # tokens on the CPU are moved to the model's device
    assert out.device == model.device
    cpu = make(name, vocab=3, labels=2, hidden=8, device="cpu", **OPTS.get(name, {}))
    cpu.load_state_dict({k: v.to("cpu") for k, v in model.state_dict().items()})
    torch.testing.assert_close(out.to("cpu"), cpu(_tokens()), rtol=1e-4, atol=1e-4)
    assert model.predict(_tokens().to(model.device)).device == model.device


def test_the_default_device_is_auto_everywhere() -> None:
    auto = resolve_device("auto")
    assert auto.type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device(None) == auto and resolve_device(torch.device("cpu")).type == "cpu"
    assert make("full", vocab=2, labels=2, hidden=2).device.type == auto.type
    rnn = SimpleNamespace(W=np.ones((1, 1, 2)), h0=np.ones(1), readout=np.ones((2, 1)),
                          labels=(0, 1), level="real_diagonal", info={})
    assert from_construction(rnn).device.type == auto.type


@pytest.mark.parametrize("device", ["tpu", "cuda:x", "", 3])
def test_unknown_devices_are_refused(device: object) -> None:
    with pytest.raises(InvalidArgumentError, match="unknown device"):
        make("full", vocab=2, labels=2, hidden=2, device=device)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize("device", ["cuda", "cuda:0"])
def test_cuda_without_cuda_fails_fast_in_one_line(device: str) -> None:
    for call in (lambda: resolve_device(device),
                 lambda: make("full", vocab=2, labels=2, hidden=2, device=device)):
        with pytest.raises(InvalidArgumentError, match="CUDA is not available") as info:
            call()
        assert "\n" not in str(info.value)


def test_a_cuda_index_beyond_the_devices_is_refused() -> None:
    index = torch.cuda.device_count() if torch.cuda.is_available() else 0
    with pytest.raises(InvalidArgumentError, match=f"cuda:{index}"):
        resolve_device(f"cuda:{index}")


def test_vocabulary_names_every_model_class() -> None:
    assert LEVELS == vocabulary.LEVELS and BASELINES == vocabulary.BASELINES
    assert MODEL_NAMES == vocabulary.LEVELS + vocabulary.BASELINES
    assert tuple(cls.name for cls in BASELINE_CLASSES.values()) == vocabulary.BASELINES
    assert sorted(cls.level for cls in LEVEL_CLASSES.values()) == sorted(vocabulary.LEVELS)
    assert {make(n, 2, 2, 4, **OPTS.get(n, {})).name for n in MODEL_NAMES} == set(MODEL_NAMES)


@pytest.mark.parametrize("gather", [False, True, "group"])
@pytest.mark.parametrize("normalize", [False, True])
def test_fused_recurrence_gradients(gather: bool | str, normalize: bool) -> None:
    from bilinear.models._recurrence import fused_recurrence

    g = torch.Generator().manual_seed(0)
    W = (0.6 * torch.randn(4, 4, 3, generator=g, dtype=torch.float64)).requires_grad_()
    h0 = torch.randn(2, 4, generator=g, dtype=torch.float64).requires_grad_()
    x = torch.randint(0, 3, (2, 6), generator=g)
    assert torch.autograd.gradcheck(
        lambda W, h0: fused_recurrence(W, h0, x, normalize, gather), (W, h0)
    )


@pytest.mark.parametrize("normalize", [False, True])
def test_fused_cp_gradients(normalize: bool) -> None:
    from bilinear.models._recurrence import fused_cp_recurrence

    g = torch.Generator().manual_seed(1)
    U, Z = (torch.randn(4, 3, generator=g, dtype=torch.float64).requires_grad_()
            for _ in range(2))
    v = torch.randn(2, 5, 3, generator=g, dtype=torch.float64).requires_grad_()
    h0 = torch.randn(2, 4, generator=g, dtype=torch.float64).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda U, Z, v, h0: fused_cp_recurrence(U, Z, v, h0, normalize), (U, Z, v, h0)
    )


@pytest.mark.parametrize("name", ["real_diagonal", "positive_diagonal"])
def test_count_scan_handles_zero_and_negative_letters(name: str) -> None:
    model = make(name, vocab=3, labels=2, hidden=4, device="cpu", seed=5, dtype="float64")
    with torch.no_grad():
        model.diagonal[0, 1] = 0.0  # letter 0 kills unit 1 once read
        model.diagonal[2] = torch.tensor([-2.0, 0.5, -1.0, 3.0], dtype=torch.float64)
        model.h0[2] = -model.h0[2].abs()  # a negative start
    x = _tokens(B=4, T=300)
    with torch.no_grad():
        torch.testing.assert_close(model.states(x), _reference_states(model, x),
                                   rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("normalize", [False, True])
def test_fused_recurrence_grouped_matches_all_letters(normalize: bool) -> None:
    """Rows grouped by letter (a larger batch, uneven groups) give the all-letters result."""
    from bilinear.models._recurrence import fused_recurrence

    g = torch.Generator().manual_seed(2)
    W = (0.6 * torch.randn(5, 5, 4, generator=g, dtype=torch.float64)).requires_grad_()
    h0 = torch.randn(16, 5, generator=g, dtype=torch.float64).requires_grad_()
    x = torch.randint(0, 4, (16, 7), generator=g)
    x[:9, 3] = 2  # one large group at one step
    assert torch.autograd.gradcheck(
        lambda W, h0: fused_recurrence(W, h0, x, normalize, "group"), (W, h0)
    )
    results = []
    for mode in (False, "group"):
        out = fused_recurrence(W, h0, x, normalize, mode)
        results.append((out, *torch.autograd.grad((out**3).sum(), (W, h0))))
    for a, b in zip(*results, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
