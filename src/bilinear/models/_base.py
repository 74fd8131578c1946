"""The common base of every trained model: token ids in, per-position logits out.

Every model of :mod:`bilinear.models` is a :class:`SequenceModel`: ``forward(tokens)`` takes a
``LongTensor`` of symbol indices of shape ``(B, T)`` and returns logits of shape
``(B, T, labels)``, one prediction after each prefix.  Recurrent models also carry their state
across chunks of the time axis (:meth:`SequenceModel.forward_chunked`), so sequences of 10,000+
steps are evaluated without holding every hidden state in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from bilinear._validation import check_device, check_positive_int
from bilinear.errors import InvalidArgumentError

__all__ = [
    "SequenceModel",
    "check_tokens",
    "decode_logits",
    "sequence_cross_entropy",
    "resolve_device",
    "resolve_dtype",
]

_DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float": torch.float32,
    "double": torch.float64,
}


def resolve_dtype(dtype: Any) -> torch.dtype:
    """Turn ``"float32"``/``"float64"`` (or a torch dtype) into a torch floating dtype.

    Examples
    --------
    >>> resolve_dtype("float64")
    torch.float64
    """
    if isinstance(dtype, torch.dtype):
        if not dtype.is_floating_point:
            raise InvalidArgumentError(f"dtype must be a floating dtype, got {dtype}")
        return dtype
    if isinstance(dtype, str) and dtype in _DTYPES:
        return _DTYPES[dtype]
    raise InvalidArgumentError(f"dtype must be 'float32' or 'float64', got {dtype!r}")


def resolve_device(device: Any = "auto") -> torch.device:
    """The one place a device name becomes a ``torch.device``.

    ``"auto"`` (or ``None``) means CUDA when available, else CPU; ``"cpu"``, ``"cuda"`` and
    ``"cuda:N"`` (or a ``torch.device``) are taken as they are.  The name is validated by
    :func:`bilinear._validation.check_device`; asking for CUDA where there is none fails at
    once, with a one-line :class:`~bilinear.errors.InvalidArgumentError`.

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    >>> resolve_device("auto").type in ("cpu", "cuda")
    True
    >>> resolve_device("tpu")
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: unknown device 'tpu'; use one of auto, cpu, cuda, cuda:N
    """
    name = check_device(device)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dev = torch.device(name)
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise InvalidArgumentError(
                f"device {name!r} was requested but CUDA is not available")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise InvalidArgumentError(
                f"device {name!r} was requested but there are only "
                f"{torch.cuda.device_count()} CUDA device(s)")
    return dev


def check_tokens(tokens: Any, vocab: int) -> torch.Tensor:
    """Validate a batch of token ids: an integer tensor of shape (B, T) with ids in [0, vocab)."""
    if not isinstance(tokens, torch.Tensor):
        raise InvalidArgumentError(
            f"tokens must be a LongTensor of shape (batch, length), got {type(tokens).__name__}"
        )
    if tokens.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8):
        raise InvalidArgumentError(f"tokens must be an integer tensor, got dtype {tokens.dtype}")
    if tokens.dim() != 2:
        raise InvalidArgumentError(
            f"tokens must have shape (batch, length), got shape {tuple(tokens.shape)}"
        )
    if tokens.numel():
        lo, hi = int(tokens.min()), int(tokens.max())
        if lo < 0 or hi >= vocab:
            bad = lo if lo < 0 else hi
            raise InvalidArgumentError(f"token id {bad} is outside the vocabulary [0, {vocab})")
    return tokens.long()


class SequenceModel(nn.Module):
    """Base class: ``forward(tokens (B, T)) -> logits (B, T, labels)``.

    Subclasses implement :meth:`_forward_state`, which consumes a chunk of tokens and a carried
    state (``None`` at the start) and returns the chunk's logits and the state after it.
    Models without a carried state (the transformer) override :meth:`forward_chunked`.

    Attributes
    ----------
    name : str
        The factory name (``"full"``, ``"lstm"``, ...).
    vocab, labels, hidden : int
        Number of input symbols, output labels and hidden units.
    options : dict
        The options the model was made with (for the results store and ``repr``).
    """

    name: str = "model"
    #: False for models whose state cannot be carried across time chunks (attention).
    time_chunkable: bool = True

    def __init__(self, vocab: int, labels: int, hidden: int, options: Mapping[str, Any]) -> None:
        super().__init__()
        self.vocab = int(vocab)
        self.labels = int(labels)
        self.hidden = int(hidden)
        self.options = dict(options)

    # ------------------------------------------------------------------ interface
    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Per-position logits ``(B, T, labels)`` for token ids ``(B, T)``."""
        tokens = check_tokens(tokens, self.vocab).to(self.device)
        logits, _ = self._forward_state(tokens, None)
        return logits

    def _forward_state(
        self, tokens: torch.Tensor, state: Any
    ) -> tuple[torch.Tensor, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def iter_chunks(self, tokens: torch.Tensor, chunk: int = 1024) -> Iterator[torch.Tensor]:
        """Logits of consecutive time chunks of ``chunk`` steps, carrying the state between them.

        Models that attend over the whole prefix (``time_chunkable = False``) yield one chunk.
        """
        tokens = check_tokens(tokens, self.vocab).to(self.device)
        chunk = check_positive_int(chunk, "chunk")
        if not self.time_chunkable:
            yield self._forward_state(tokens, None)[0]
            return
        state = None
        for start in range(0, tokens.shape[1], chunk):
            logits, state = self._forward_state(tokens[:, start : start + chunk], state)
            yield logits

    def forward_chunked(self, tokens: torch.Tensor, chunk: int = 1024) -> torch.Tensor:
        """Like :meth:`forward`, but over time chunks of ``chunk`` steps, carrying the state.

        Use it under ``torch.no_grad()`` for very long sequences: memory holds one chunk of
        hidden states plus the logits.
        """
        outs = list(self.iter_chunks(tokens, chunk))
        if not outs:
            return torch.zeros(tokens.shape[0], 0, self.labels, device=self.device,
                               dtype=self.dtype)
        return outs[0] if len(outs) == 1 else torch.cat(outs, dim=1)

    @torch.no_grad()
    def predict(self, tokens: torch.Tensor, chunk: int = 1024) -> torch.Tensor:
        """Decoded label indices ``(B, T)``: argmax of the logits, ``-1`` where the maximum ties.

        Ties are failures (docs/explanation/conventions.md), so a tied position never counts as
        correct. Decoding happens chunk by chunk, so memory holds one chunk of logits at a time.
        """
        was = self.training
        self.eval()
        try:
            outs = [decode_logits(logits) for logits in self.iter_chunks(tokens, chunk)]
        finally:
            self.train(was)
        if not outs:
            return torch.zeros(tokens.shape[0], 0, dtype=torch.long, device=self.device)
        return outs[0] if len(outs) == 1 else torch.cat(outs, dim=1)

    # ------------------------------------------------------------------ helpers
    @property
    def device(self) -> torch.device:
        for p in self.parameters():
            return p.device
        for b in self.buffers():
            return b.device
        return torch.device("cpu")

    @property
    def dtype(self) -> torch.dtype:
        for p in self.parameters():
            if p.is_floating_point():
                return p.dtype
        return torch.get_default_dtype()

    def n_parameters(self) -> int:
        """Number of trainable scalars."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def extra_repr(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in sorted(self.options.items()))
        base = f"vocab={self.vocab}, labels={self.labels}, hidden={self.hidden}"
        return base + (f", {opts}" if opts else "")


def decode_logits(logits: torch.Tensor) -> torch.Tensor:
    """Argmax over the last axis, with ``-1`` where the maximum is attained more than once.

    Examples
    --------
    >>> decode_logits(torch.tensor([[[0.0, 1.0], [2.0, 2.0]]])).tolist()
    [[1, -1]]
    """
    top = logits.max(dim=-1, keepdim=True).values
    ties = (logits == top).sum(dim=-1) > 1
    out = logits.argmax(dim=-1)
    return torch.where(ties, torch.full_like(out, -1), out)


def sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position of a batch: ``logits`` of shape
    ``(B, T, labels)`` (as every :class:`SequenceModel` returns them), ``targets`` of shape
    ``(B, T)``; the loss :func:`bilinear.experiments.train` trains with.

    The same value as ``F.cross_entropy(logits.reshape(-1, labels), targets.reshape(-1))``,
    computed with the labels on axis 1 (``(B, labels, T)``, a view): on the CPU the log-softmax
    over a short last axis of ``B * T`` rows is several times slower than over axis 1 of the
    same numbers (2.8 ms against 0.5 ms, forward and backward, at ``B = 64``, ``T = 256``, 8
    labels, one thread).

    Examples
    --------
    >>> logits = torch.randn(4, 7, 3)
    >>> targets = torch.randint(0, 3, (4, 7))
    >>> flat = F.cross_entropy(logits.reshape(-1, 3), targets.reshape(-1))
    >>> bool(torch.allclose(sequence_cross_entropy(logits, targets), flat))
    True
    """
    return F.cross_entropy(logits.transpose(1, 2), targets)
