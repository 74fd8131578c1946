"""``from_construction``: load exact weights (a compiled :class:`BilinearRNN`) into a torch module.

The weights go into the module of their level, with the structure read off ``W`` (and
``rnn.info``): diagonal entries for the diagonal levels, 2 x 2 rotation-scaling pairs for
``complex_diagonal`` (a lone real unit becomes a pair with a silent partner), connected
components packed into ``block_size`` blocks for ``block`` (units permuted and padded with silent
units, which changes no output), one-hot columns for ``monomial``, an exact rank-``nnz`` CP
decomposition for ``cp``.  When ``W`` lacks the structure its level promises, the ``full`` module
is used, which always works.  Decoded outputs equal ``rnn.output`` (float64).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from bilinear.constructions import BilinearRNN
from bilinear.errors import InvalidArgumentError, WeightsFormatError
from bilinear.models._base import SequenceModel, resolve_device, resolve_dtype
from bilinear.models.bilinear import (
    BilinearModel,
    BlockBilinear,
    ComplexDiagonalBilinear,
    CPBilinear,
    FullBilinear,
    MonomialBilinear,
    PositiveDiagonalBilinear,
    RealDiagonalBilinear,
)
from bilinear.models.factory import make, model_options

__all__ = ["from_construction", "decode_construction_outputs", "weights_record",
           "model_from_record", "rnn_from_record", "WEIGHTS_FORMAT"]

#: The ``format`` tag of :func:`weights_record` (bumped when the layout changes).
WEIGHTS_FORMAT = "bilinear-module-weights/1"


def _components(W: np.ndarray) -> list[list[int]]:
    """Connected components of the units under the union of the letters' nonzero patterns."""
    H = W.shape[0]
    parent = list(range(H))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in np.argwhere(np.any(W != 0, axis=2)):
        ri, rj = find(int(i)), find(int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(H):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _permuted(W: np.ndarray, h0: np.ndarray, R: np.ndarray,
             order: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arrays with units reordered by ``order`` (-1 = a silent unit: zero everywhere)."""
    idx = np.array([max(i, 0) for i in order], dtype=np.int64)
    live = np.array([i >= 0 for i in order])
    W2 = W[np.ix_(idx, idx)] * (live[:, None, None] & live[None, :, None])
    return W2, h0[idx] * live, R[:, idx] * live[None, :]


def _pack_blocks(comps: list[list[int]], b: int) -> list[int] | None:
    """First-fit packing of components into blocks of ``b`` units; None if one is too big."""
    bins: list[list[int]] = []
    for comp in sorted(comps, key=len, reverse=True):
        if len(comp) > b:
            return None
        for bin_ in bins:
            if len(bin_) + len(comp) <= b:
                bin_.extend(comp)
                break
        else:
            bins.append(list(comp))
    order: list[int] = []
    for bin_ in bins:
        order.extend(sorted(bin_) + [-1] * (b - len(bin_)))
    return order


def _complex_pairs(W: np.ndarray, comps: list[list[int]]) -> list[int] | None:
    """Unit order giving (re, im) rotation-scaling pairs; lone units get a silent partner."""
    order: list[int] = []
    for comp in sorted(comps):
        if len(comp) == 1:
            order += [comp[0], -1]
        elif len(comp) == 2:
            for i, j in (comp, comp[::-1]):
                a, b = W[i, i], W[j, i]
                if np.array_equal(W[j, j], a) and np.array_equal(W[i, j], -b):
                    order += [i, j]
                    break
            else:
                return None
        else:
            return None
    return order


def _load(module: BilinearModel, h0: np.ndarray, R: np.ndarray, **params: np.ndarray) -> None:
    module.to(torch.float64)  # copy in full precision; the caller's dtype is applied after
    with torch.no_grad():
        module.h0.copy_(torch.tensor(np.array(h0, dtype=np.float64)))
        module.readout.copy_(torch.tensor(np.array(R, dtype=np.float64)))
        for name, value in params.items():
            getattr(module, name).copy_(torch.tensor(np.array(value, dtype=np.float64)))


def from_construction(
    rnn: Any,
    *,
    normalize: bool = True,
    dtype: Any = "float64",
    device: Any = "auto",
) -> BilinearModel:
    """Load a compiled construction into the torch module of its level.

    Parameters
    ----------
    rnn : bilinear.constructions.BilinearRNN
        Anything with ``W`` (H, H, D), ``h0`` (H,), ``readout`` (S, H), ``level`` and ``info``.
    normalize : bool
        Normalize the state after every step (decoding is unchanged; prevents overflow).
    dtype, device
        As for :func:`bilinear.models.make`: float64 by default so outputs match exactly, and
        the device ``"auto"`` (CUDA when present) by default, resolved by
        :func:`bilinear.models.resolve_device`.

    Returns
    -------
    BilinearModel
        Its ``labels`` is the number of readout rows S; map decoded row ``r`` through
        ``rnn.labels[r]`` (:func:`decode_construction_outputs` does it).  The module of the
        rnn's level when ``W`` has that structure, else a ``full`` module; ``module.hidden``
        may exceed ``rnn.H`` by silent padding units.

    Raises
    ------
    InvalidArgumentError
        When the arrays do not have the shapes (H, H, D), (H,), (S, H).
    WeightsTooLargeError
        From ``rnn.W`` for a sparse one-hot construction too large to densify.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> W = np.zeros((1, 1, 2)); W[0, 0] = [1.0, -1.0]                  # parity
    >>> rnn = SimpleNamespace(W=W, h0=np.array([1.0]), readout=np.array([[1.0], [-1.0]]),
    ...                       labels=(0, 1), level="real_diagonal", info={})
    >>> m = from_construction(rnn)
    >>> m.level, decode_construction_outputs(m, rnn, [[0, 1, 1, 1]])
    ('real_diagonal', [[0, 1, 0, 1]])
    """
    W = np.asarray(rnn.W, dtype=np.float64)
    h0 = np.asarray(rnn.h0, dtype=np.float64)
    R = np.asarray(rnn.readout, dtype=np.float64)
    if W.ndim != 3 or W.shape[0] != W.shape[1] or h0.shape != (W.shape[0],) or R.ndim != 2:
        raise InvalidArgumentError(
            f"construction arrays have shapes W{W.shape}, h0{h0.shape}, readout{R.shape}; "
            "expected (H, H, D), (H,), (S, H)"
        )
    H, _, D = W.shape
    S = R.shape[0]
    level = getattr(rnn, "level", "full")
    info = dict(getattr(rnn, "info", {}) or {})
    kw = {"normalize": normalize}
    offdiag = W.copy()
    offdiag[np.arange(H), np.arange(H)] = 0
    diagonal = not np.any(offdiag)
    module: BilinearModel | None = None

    if level in ("real_diagonal", "positive_diagonal") and diagonal:
        diag = np.diagonal(W, axis1=0, axis2=1)  # (D, H)
        if level == "real_diagonal" or not np.any(diag < 0):
            cls = RealDiagonalBilinear if level == "real_diagonal" else PositiveDiagonalBilinear
            module = cls(D, S, H, **kw)
            _load(module, h0, R, diagonal=diag)
    elif level == "complex_diagonal":
        order = _complex_pairs(W, _components(W))
        if order is not None:
            W2, h2, R2 = _permuted(W, h0, R, order)
            idx = np.arange(0, len(order), 2)
            module = ComplexDiagonalBilinear(D, S, len(order), **kw)
            _load(module, h2, R2, real=W2[idx, idx].T, imag=W2[idx + 1, idx].T)
    elif level == "block":
        b = int(info.get("block_size") or max(len(c) for c in _components(W)))
        order = _pack_blocks(_components(W), b)
        if order is not None:
            W2, h2, R2 = _permuted(W, h0, R, order)
            n = len(order) // b
            blocks = np.stack([W2[i * b:(i + 1) * b, i * b:(i + 1) * b] for i in range(n)])
            module = BlockBilinear(D, S, len(order), block_size=b, **kw)
            _load(module, h2, R2, blocks=blocks)
    elif level == "monomial" and np.all((W != 0).sum(axis=0) <= 1):
        module = MonomialBilinear(D, S, H, selection="straight_through", **kw)
        target = np.where(np.any(W != 0, axis=0), np.argmax(W != 0, axis=0), np.arange(H)[:, None])
        logits = np.full((H, H, D), -30.0)
        logits[target, np.arange(H)[:, None], np.arange(D)[None, :]] = 30.0
        _load(module, h0, R, select_logits=logits, scale=W.sum(axis=0))
    elif level == "cp":
        pairs = np.argwhere(np.any(W != 0, axis=2))
        rank = max(len(pairs), 1)
        U, Z, V = np.zeros((H, rank)), np.zeros((H, rank)), np.zeros((D, rank))
        for r, (i, j) in enumerate(pairs):
            U[i, r], Z[j, r], V[:, r] = 1.0, 1.0, W[i, j]
        module = CPBilinear(D, S, H, rank=rank, **kw)
        _load(module, h0, R, U=U, V=V, Z=Z)
    if module is None:
        module = FullBilinear(D, S, H, **kw)
        _load(module, h0, R, W=W)
    module.options["source"] = str(getattr(rnn, "source", ""))
    return module.to(device=resolve_device(device), dtype=resolve_dtype(dtype))


def decode_construction_outputs(module: BilinearModel, rnn: Any, words: Any) -> list[list]:
    """Decoded labels (``rnn.labels[row]``, ``None`` on a tie) for index words (B, T).

    Works through the module's own evaluation path (scan or loop), so comparing it with
    ``[rnn.output(w) for w in words]`` checks the torch implementation against the numpy one.
    """
    tokens = torch.as_tensor(np.asarray(words, dtype=np.int64), device=module.device)
    rows = module.predict(tokens).cpu().numpy()
    labels = tuple(rnn.labels)
    return [[labels[r] if r >= 0 else None for r in row] for row in rows]


# ---------------------------------------------------------------------- trained weights, stored
def _encode(t: torch.Tensor) -> dict[str, Any]:
    a = t.detach().cpu().contiguous().numpy()
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "data": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode()}


def _decode(entry: Mapping[str, Any], name: str) -> torch.Tensor:
    try:
        dtype = np.dtype(str(entry["dtype"])).newbyteorder("<")
        if dtype.kind != "f":
            raise ValueError(f"dtype {entry['dtype']!r} is not a float type")
        raw = base64.b64decode(str(entry["data"]), validate=True)
        a = np.frombuffer(raw, dtype=dtype).reshape([int(n) for n in entry["shape"]])
    except (KeyError, TypeError, ValueError) as err:
        raise WeightsFormatError(f"stored weights: parameter {name!r} is unreadable ({err})"
                                 ) from None
    return torch.from_numpy(a.astype(a.dtype.newbyteorder("="), copy=True))


def weights_record(model: SequenceModel) -> dict[str, Any] | None:
    """A trained bilinear module's parameters as JSON-ready data (lossless), or ``None`` for a
    model that is not a bilinear RNN (a baseline, an affine model).

    The record keeps the module's own parameters (``W`` for ``full``, the factors for ``cp``,
    the diagonals, ...) bit for bit, base64 in their dtype, with what :func:`make
    <bilinear.models.make>` needs to rebuild it (:func:`model_from_record`); the results store
    keeps it in a run's ``info["weights"]`` so that ``bilinear certify STORE:KEY TASK`` and the
    report can certify the run without retraining.

    Examples
    --------
    >>> import torch
    >>> from bilinear.models import make
    >>> m = make("real_diagonal", vocab=2, labels=2, hidden=3, seed=0)
    >>> rec = weights_record(m)
    >>> rec["model"], sorted(rec["parameters"])
    ('real_diagonal', ['diagonal', 'h0', 'readout'])
    >>> back = model_from_record(rec)
    >>> bool(torch.equal(back.diagonal, m.diagonal))
    True
    >>> weights_record(make("lstm", vocab=2, labels=2, hidden=3)) is None
    True
    """
    if not isinstance(model, BilinearModel) or model.affine:
        return None
    allowed = set(model_options(model.name))
    options = {k: v for k, v in model.options.items() if k in allowed}  # not e.g. "source"
    if isinstance(model, MonomialBilinear):  # discretized() hardens a soft selection
        options["selection"] = model.selection
        options["temperature"] = model.temperature
    return {
        "format": WEIGHTS_FORMAT,
        "model": model.name,
        "vocab": model.vocab,
        "labels": model.labels,
        "hidden": model.hidden,
        "options": options,
        "parameters": {k: _encode(v) for k, v in model.state_dict().items()},
    }


def model_from_record(record: Mapping[str, Any], device: Any = "cpu") -> BilinearModel:
    """Rebuild the module of a :func:`weights_record` (same parameters, bit for bit).

    Raises
    ------
    WeightsFormatError
        Not such a record, or a parameter that does not fit the model it names.
    """
    if not isinstance(record, Mapping) or record.get("format") != WEIGHTS_FORMAT:
        got = record.get("format") if isinstance(record, Mapping) else type(record).__name__
        raise WeightsFormatError(f"stored weights: expected format {WEIGHTS_FORMAT!r}, got "
                                 f"{got!r}")
    try:
        params = {k: _decode(v, k) for k, v in dict(record["parameters"]).items()}
        dtype = next(iter(params.values())).dtype if params else torch.float32
        model = make(str(record["model"]), int(record["vocab"]), int(record["labels"]),
                     int(record["hidden"]), device="cpu", dtype=dtype, seed=0,
                     **dict(record.get("options") or {}))
        model.load_state_dict(params)
    except (KeyError, TypeError, ValueError, RuntimeError, InvalidArgumentError) as err:
        raise WeightsFormatError(
            f"stored weights of a {record.get('model')!r} model do not load: "
            f"{' '.join(str(err).split())[:300]}") from None
    if not isinstance(model, BilinearModel):
        raise WeightsFormatError(f"stored weights name {record.get('model')!r}, not a bilinear "
                                 "level")
    return model.to(resolve_device(device)).eval()


def rnn_from_record(record: Mapping[str, Any], alphabet: Any, labels: Any) -> BilinearRNN:
    """The :class:`BilinearRNN` of a :func:`weights_record` (:meth:`BilinearModel.to_rnn`);
    token ``k`` is ``alphabet[k]``, logit row ``j`` is ``labels[j]``."""
    return model_from_record(record).to_rnn(alphabet, labels)
