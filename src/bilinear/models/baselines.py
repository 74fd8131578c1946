"""Baselines that are not bilinear: ``lstm``, ``elman``, ``transformer``, ``mamba_like``.

All share the interface of :class:`~bilinear.models._base.SequenceModel`: token ids ``(B, T)``
in, logits ``(B, T, labels)`` out.  Recurrent baselines carry their state across time chunks
(long evaluation); the transformer attends over the whole prefix, causally.

Examples
--------
>>> import torch
>>> from bilinear.models import make
>>> make("lstm", vocab=3, labels=2, hidden=8)(torch.zeros(2, 5, dtype=torch.long)).shape
torch.Size([2, 5, 2])
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from bilinear._validation import check_choice, check_positive_int, check_probability
from bilinear.errors import InvalidArgumentError
from bilinear.models._base import SequenceModel

__all__ = [
    "LSTMModel",
    "ElmanModel",
    "TransformerModel",
    "MambaLikeModel",
    "BASELINE_CLASSES",
    "POSITIONS",
]

#: Position encodings of :class:`TransformerModel`.
POSITIONS: tuple[str, ...] = ("sinusoidal", "learned")


class _TorchRNN(SequenceModel):
    rnn_class: type[nn.Module] = nn.LSTM

    def __init__(
        self, vocab: int, labels: int, hidden: int, *, layers: int = 1, **extra: Any
    ) -> None:
        layers = check_positive_int(layers, "layers")
        super().__init__(vocab, labels, hidden, {"layers": layers})
        self.embedding = nn.Embedding(vocab, hidden)
        self.rnn = self.rnn_class(hidden, hidden, num_layers=layers, batch_first=True, **extra)
        self.head = nn.Linear(hidden, labels)

    def _forward_state(self, tokens: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        out, state = self.rnn(self.embedding(tokens), state)
        return self.head(out), state


class LSTMModel(_TorchRNN):
    """``lstm``: embedding, ``torch.nn.LSTM`` (``layers``), linear head."""

    name = "lstm"
    rnn_class = nn.LSTM


class ElmanModel(_TorchRNN):
    """``elman``: embedding, ``torch.nn.RNN`` with tanh, linear head."""

    name = "elman"
    rnn_class = nn.RNN


class _SinusoidalPositions(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, length: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
        pos = torch.arange(length, device=device, dtype=torch.float64).unsqueeze(1)
        i = torch.arange(0, self.dim, 2, device=device, dtype=torch.float64)
        angle = pos / torch.pow(10000.0, i / self.dim)
        pe = torch.zeros(length, self.dim, device=device, dtype=torch.float64)
        pe[:, 0::2] = torch.sin(angle)
        pe[:, 1::2] = torch.cos(angle[:, : self.dim // 2])
        return pe.to(dtype)


class TransformerModel(SequenceModel):
    """``transformer``: a small causal transformer encoder (pre-norm).

    Options: ``layers`` (2), ``heads`` (4, reduced to a divisor of ``hidden``), ``positions``
    (``"sinusoidal"``, any length, or ``"learned"``, up to ``max_length``), ``dropout`` (0).
    """

    name = "transformer"
    time_chunkable = False

    def __init__(
        self,
        vocab: int,
        labels: int,
        hidden: int,
        *,
        layers: int = 2,
        heads: int = 4,
        positions: str = "sinusoidal",
        max_length: int = 2048,
        dropout: float = 0.0,
    ) -> None:
        layers = check_positive_int(layers, "layers")
        heads = check_positive_int(heads, "heads")
        max_length = check_positive_int(max_length, "max_length")
        positions = check_choice(positions, POSITIONS, "positions")
        dropout = check_probability(dropout, "dropout")
        while hidden % heads:
            heads -= 1
        super().__init__(
            vocab, labels, hidden, {"layers": layers, "heads": heads, "positions": positions}
        )
        self.positions = positions
        self.max_length = max_length
        self.embedding = nn.Embedding(vocab, hidden)
        if positions == "learned":
            self.position_embedding = nn.Embedding(max_length, hidden)
        else:
            self.sinusoid = _SinusoidalPositions(hidden)
        layer = nn.TransformerEncoderLayer(
            hidden,
            heads,
            dim_feedforward=4 * hidden,
            dropout=dropout,
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, labels)

    def _forward_state(self, tokens: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        T = tokens.shape[1]
        x = self.embedding(tokens) * math.sqrt(self.hidden)
        if self.positions == "learned":
            if T > self.max_length:
                raise InvalidArgumentError(
                    f"sequence length {T} exceeds max_length={self.max_length} of learned "
                    "positions; use positions='sinusoidal' or a larger max_length"
                )
            x = x + self.position_embedding.weight[:T]
        else:
            x = x + self.sinusoid(T, x.device, x.dtype)
        mask = torch.triu(torch.full((T, T), float("-inf"), device=x.device, dtype=x.dtype), 1)
        y = self.encoder(x, mask=mask, is_causal=True)
        return self.head(self.norm(y)), None


class _SelectiveScanLayer(nn.Module):
    """One selective-scan layer: ``h_t = a_t * h_{t-1} + b_t`` with ``a_t, b_t`` from ``x_t``."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.decay = nn.Linear(hidden, hidden)
        nn.init.constant_(self.decay.bias, 2.0)
        self.value = nn.Linear(hidden, hidden)

    def forward(
        self, x: torch.Tensor, h: torch.Tensor, chunk: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        floor = -_LOG_EXP_RANGE / chunk
        log_a = F.logsigmoid(self.decay(x)).clamp(min=floor)  # (B, T, H), in [floor, 0)
        b = self.value(x)
        outs = []
        # split, not slicing: a slice's backward fills a zero (B, T, H) tensor per chunk.
        for la, bc in zip(log_a.split(chunk, dim=1), b.split(chunk, dim=1), strict=True):
            L = torch.cumsum(la, dim=1)  # (B, C, H), in [-_LOG_EXP_RANGE, 0]
            # h_t = e^{L_t} (h_0 + sum_{s<=t} e^{-L_s} b_s): O(B * C * H) memory per chunk.
            out = torch.exp(L) * (h.unsqueeze(1) + torch.cumsum(torch.exp(-L) * bc, dim=1))
            outs.append(out)
            h = out[:, -1]
        y = torch.cat(outs, dim=1) if outs else x.new_zeros(x.shape)
        return y, h


#: ``exp`` of at most this stays finite in float32 (max ~ e^88): the scan clamps log-decays.
_LOG_EXP_RANGE = 80.0


class MambaLikeModel(SequenceModel):
    """``mamba_like``: stacked selective scans ``h_t = a(x_t) * h_{t-1} + b(x_t)``, ``a`` in (0, 1).

    Each of ``layers`` (1) layers computes ``a = sigmoid(W_a x_t + c)`` (input-dependent, positive,
    diagonal) and ``b = W_b x_t`` from its input ``x_t`` and adds its output to ``x`` (residual)
    before a ``LayerNorm``, as in Mamba (Gu & Dao, 2023, "Mamba: Linear-Time Sequence Modeling
    with Selective State Spaces") without the convolution and gating.  The scan runs in chunks of
    ``chunk`` (32) steps with cumulative log-decays, ``h_t = e^{L_t} (h_0 + sum e^{-L_s} b_s)``:
    ``O(B * chunk * H)`` memory per chunk; log-decays are clamped at ``-80 / chunk`` so no
    ``exp`` overflows float32.
    """

    name = "mamba_like"

    def __init__(
        self, vocab: int, labels: int, hidden: int, *, layers: int = 1, chunk: int = 32
    ) -> None:
        layers = check_positive_int(layers, "layers")
        super().__init__(vocab, labels, hidden, {"layers": layers})
        self.chunk = check_positive_int(chunk, "chunk")
        self.embed = nn.Embedding(vocab, hidden)
        self.scans = nn.ModuleList(_SelectiveScanLayer(hidden) for _ in range(layers))
        self.norms = nn.ModuleList(nn.LayerNorm(hidden) for _ in range(layers))
        self.head = nn.Linear(hidden, labels)

    def _forward_state(self, tokens: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        B = tokens.shape[0]
        x = self.embed(tokens)
        if state is None:
            state = [x.new_zeros(B, self.hidden) for _ in self.scans]
        new_state = []
        for scan, norm, h in zip(self.scans, self.norms, state, strict=True):
            y, h = scan(x, h, self.chunk)
            new_state.append(h)
            x = norm(x + y)
        return self.head(x), new_state


BASELINE_CLASSES: dict[str, type[SequenceModel]] = {
    "lstm": LSTMModel,
    "elman": ElmanModel,
    "transformer": TransformerModel,
    "mamba_like": MambaLikeModel,
}
