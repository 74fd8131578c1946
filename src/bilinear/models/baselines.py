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

__all__ = ["LSTMModel", "ElmanModel", "TransformerModel", "MambaLikeModel", "BASELINE_CLASSES",
           "POSITIONS"]

#: Position encodings of :class:`TransformerModel`.
POSITIONS: tuple[str, ...] = ("sinusoidal", "learned")


class _TorchRNN(SequenceModel):
    rnn_class: type[nn.Module] = nn.LSTM

    def __init__(self, vocab: int, labels: int, hidden: int, *, layers: int = 1,
                 **extra: Any) -> None:
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

    def __init__(self, vocab: int, labels: int, hidden: int, *, layers: int = 2,
                 heads: int = 4, positions: str = "sinusoidal", max_length: int = 2048,
                 dropout: float = 0.0) -> None:
        layers = check_positive_int(layers, "layers")
        heads = check_positive_int(heads, "heads")
        max_length = check_positive_int(max_length, "max_length")
        positions = check_choice(positions, POSITIONS, "positions")
        dropout = check_probability(dropout, "dropout")
        while hidden % heads:
            heads -= 1
        super().__init__(vocab, labels, hidden,
                         {"layers": layers, "heads": heads, "positions": positions})
        self.positions = positions
        self.max_length = max_length
        self.embedding = nn.Embedding(vocab, hidden)
        if positions == "learned":
            self.position_embedding = nn.Embedding(max_length, hidden)
        else:
            self.sinusoid = _SinusoidalPositions(hidden)
        layer = nn.TransformerEncoderLayer(
            hidden, heads, dim_feedforward=4 * hidden, dropout=dropout, batch_first=True,
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


class MambaLikeModel(SequenceModel):
    """``mamba_like``: ``h_t = a(x_t) * h_{t-1} + u(x_t)`` with input-dependent ``a`` in (0, 1).

    ``a = sigmoid(E_a x_t)``, ``u = E_u x_t``; a chunked parallel scan computes it, with the
    decays applied as ``exp`` of differences of cumulative log-decays (never a division).
    ``chunk`` (16) trades memory, ``B * T * chunk * H`` floats, against sequential steps.
    """

    name = "mamba_like"

    def __init__(self, vocab: int, labels: int, hidden: int, *, chunk: int = 16) -> None:
        super().__init__(vocab, labels, hidden, {})
        self.chunk = check_positive_int(chunk, "chunk")
        self.decay_logits = nn.Embedding(vocab, hidden)
        nn.init.uniform_(self.decay_logits.weight, 1.0, 4.0)
        self.input_term = nn.Embedding(vocab, hidden)
        self.head = nn.Linear(hidden, labels)

    def _forward_state(self, tokens: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        B, T = tokens.shape
        h = state if state is not None else self.head.weight.new_zeros(B, self.hidden)
        log_a = F.logsigmoid(self.decay_logits(tokens))  # (B, T, H), < 0
        u = self.input_term(tokens)
        outs = []
        for s in range(0, T, self.chunk):
            la, uc = log_a[:, s : s + self.chunk], u[:, s : s + self.chunk]
            L = torch.cumsum(la, dim=1)  # (B, C, H)
            C = L.shape[1]
            diff = L.unsqueeze(2) - L.unsqueeze(1)  # [t, s] = L_t - L_s
            causal = torch.ones(C, C, dtype=torch.bool, device=L.device).tril()
            decay = torch.exp(diff.masked_fill(~causal.view(1, C, C, 1), float("-inf")))
            out = torch.einsum("btsh,bsh->bth", decay, uc) + torch.exp(L) * h.unsqueeze(1)
            outs.append(out)
            h = out[:, -1]
        states = torch.cat(outs, dim=1) if outs else u.new_zeros(B, 0, self.hidden)
        return self.head(states), h


BASELINE_CLASSES: dict[str, type[SequenceModel]] = {
    "lstm": LSTMModel,
    "elman": ElmanModel,
    "transformer": TransformerModel,
    "mamba_like": MambaLikeModel,
}
