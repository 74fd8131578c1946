r"""Bilinear RNNs, one torch module per level of the hierarchy
(docs/explanation/hierarchy.md#levels).

Every level computes ``h_t = A(x_t) h_{t-1}`` (plus ``B x_t + b`` with ``affine=True``), with
one-hot inputs, so ``A(a) = W[:, :, a]``, and reads out ``logits_t = R h_t`` with no bias.  With
``normalize=True`` (the default) ``h_t`` is divided by its Euclidean norm after every step; without
additive terms this changes no decoded label (scale invariance) and prevents overflow.

How each level is computed:

* ``full`` and ``monomial``: a fused loop (:mod:`bilinear.models._recurrence`) that, per step,
  groups the batch rows by the letter read and multiplies each group by its letter in one
  batched matmul (or computes every letter's product ``W[:, :, k] h`` in one matmul and gathers
  the one that was read, when the groups are large; no per-position matrix is ever built), with
  a hand-written backward that forms the weight gradient in one pass at the end;
* ``cp``: a fused loop of two thin matmuls per step, ``U ((Z^T h) * V[x_t])``;
* ``block``: a chunked parallel scan of b x b products (:func:`bilinear.models.scan.block_scan`);
* ``complex_diagonal``, ``real_diagonal``, ``positive_diagonal``: diagonal letters commute, so
  ``h_t`` depends only on the running letter counts; one matmul of the counts with per-letter
  log-magnitude (and sign-flip, or angle) tables gives every state in log-space
  (:func:`bilinear.models.scan.count_diagonal_scan`); the forward folds the readout into that
  scan, so the backward works from the small logits.

With ``affine=True`` (or ``normalize=False`` for ``block``) the sequential loop is used.

Examples
--------
>>> import torch
>>> from bilinear.models import make
>>> m = make("real_diagonal", vocab=2, labels=2, hidden=4)
>>> m(torch.tensor([[0, 1, 1]])).shape
torch.Size([1, 3, 2])
>>> m.transition_tensor().shape          # W in the (H, H, D) convention
torch.Size([4, 4, 2])
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from copy import deepcopy
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from bilinear._validation import check_choice, check_float, check_positive_int
from bilinear.constructions import BilinearRNN
from bilinear.constructions.info import ConstructionInfo
from bilinear.errors import InvalidArgumentError
from bilinear.models._base import SequenceModel, check_tokens
from bilinear.models._recurrence import fused_cp_recurrence, fused_recurrence
from bilinear.models.scan import (
    SCAN_CHUNK,
    _normalize,
    block_scan,
    factor_diagonal_scan,
    factor_polar_scan,
)

__all__ = [
    "BilinearModel",
    "FullBilinear",
    "CPBilinear",
    "MonomialBilinear",
    "BlockBilinear",
    "ComplexDiagonalBilinear",
    "RealDiagonalBilinear",
    "PositiveDiagonalBilinear",
    "LEVEL_CLASSES",
    "SELECTIONS",
    "MAX_ROOT_ORDER",
    "snap_angles",
    "snap_magnitudes",
]

#: How :class:`MonomialBilinear` selects each column's unit: a hard one-hot forward with the
#: softmax's gradient, or the column softmax itself.
SELECTIONS: tuple[str, ...] = ("straight_through", "soft")


#: Largest order ``m`` of the roots of unity :func:`snap_angles` snaps to: a generic grid (every
#: angle ``2 pi k / m`` with ``m <= 12``), the same for every task.
MAX_ROOT_ORDER = 12


def snap_angles(angle: torch.Tensor, max_order: int = MAX_ROOT_ORDER) -> torch.Tensor:
    """Each angle moved to the nearest ``2 pi k / m`` (``1 <= m <= max_order``), choosing per
    entry the order ``m`` with the smallest error ``m * |angle - 2 pi k / m|`` (small orders win
    ties: a coarse grid point needs less evidence than a fine one).

    Examples
    --------
    >>> import math, torch
    >>> snapped = snap_angles(torch.tensor([3.1, 2.05, 0.02]))
    >>> [round(float(a) / math.pi, 4) for a in snapped]   # pi, 2 pi / 3, 0
    [1.0, 0.6667, 0.0]
    """
    max_order = check_positive_int(max_order, "max_order")
    best = angle.clone()
    err = torch.full_like(angle, float("inf"))
    for m in range(1, max_order + 1):
        grid = torch.round(angle * m / (2 * math.pi)) * (2 * math.pi / m)
        e = (angle - grid).abs() * m
        better = e < err * (1 - 1e-9)
        best = torch.where(better, grid, best)
        err = torch.where(better, e, err)
    return best


def snap_magnitudes(values: torch.Tensor, *, signed: bool) -> torch.Tensor:
    """Each entry moved to the nearest of ``{-1, 0, 1}`` (``signed``) or ``{0, 1}``.

    Examples
    --------
    >>> import torch
    >>> snap_magnitudes(torch.tensor([-0.8, 0.3, 1.2]), signed=True).tolist()
    [-1.0, 0.0, 1.0]
    >>> snap_magnitudes(torch.tensor([-0.8, 0.3, 1.2]), signed=False).tolist()
    [1.0, 0.0, 1.0]
    """
    mag = (values.abs() >= 0.5).to(values.dtype)
    return torch.sign(values) * mag if signed else mag


class BilinearModel(SequenceModel):
    """Common machinery of the bilinear levels: ``h0``, the readout, affine terms, the loop.

    Parameters
    ----------
    vocab, labels, hidden : int
        Input symbols D, output labels S, hidden units H.
    affine : bool
        Add ``B x_t + b`` to every update (the additive-term ablation).
    normalize : bool
        Divide ``h_t`` by its norm after every step (default on).
    init_scale : float
        Scale of the random initial letters: it multiplies the random orthogonal letters of
        ``full`` and ``block``, and the spread of the factors around 1 for ``cp``,
        ``monomial`` and ``complex_diagonal``.

    Attributes
    ----------
    h0 : Parameter (H,)
    readout : Parameter (S, H)
        ``logits = h @ readout.T``; no bias, so decoding is scale invariant.
    """

    level = "bilinear"
    uses_scan = False
    #: Steps per chunk of the parallel scans (levels with ``uses_scan``); the state is carried
    #: between chunks.  A class default; set it on an instance to compare chunkings.
    scan_chunk: int = SCAN_CHUNK

    def __init__(
        self,
        vocab: int,
        labels: int,
        hidden: int,
        *,
        affine: bool = False,
        normalize: bool = True,
        init_scale: float = 1.0,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        opts = {"affine": bool(affine), "normalize": bool(normalize)}
        opts.update(options or {})
        super().__init__(vocab, labels, hidden, opts)
        self.name = self.level
        self.affine = bool(affine)
        self.normalize = bool(normalize)
        self.init_scale = check_float(init_scale, "init_scale")
        h0 = torch.randn(hidden)
        self.h0 = nn.Parameter(h0 / h0.norm())
        self.readout = nn.Parameter(torch.randn(labels, hidden) / math.sqrt(hidden))
        if self.affine:
            self.input_weight = nn.Parameter(torch.randn(vocab, hidden) / math.sqrt(hidden))
            self.input_bias = nn.Parameter(torch.zeros(hidden))

    # ------------------------------------------------------------------ per-level hooks
    def _prepare(self, tokens: torch.Tensor) -> Any:
        """Per-forward precomputation for :meth:`_step` (default: nothing)."""
        return None

    def _step(self, prep: Any, h: torch.Tensor, t: int) -> torch.Tensor:
        """``A(x_t) h`` for a batch at step ``t``: h (B, H) -> (B, H)."""
        raise NotImplementedError  # pragma: no cover

    def _scan(self, tokens: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError  # pragma: no cover

    def transition_tensor(self) -> torch.Tensor:
        """The transition tensor ``W`` of shape (H, H, D): ``A(a) = W[:, :, a]``."""
        raise NotImplementedError  # pragma: no cover

    def discretized(self, max_order: int = MAX_ROOT_ORDER) -> BilinearModel | None:
        """A copy whose letters are snapped to the level's exact values, or ``None`` when the
        level has no such snapping (see :func:`snap_angles` and :func:`snap_magnitudes`).

        The copy depends only on the learned weights, never on a task: the training loop offers
        it as a candidate and keeps it only when validation accuracy does not drop
        (:func:`bilinear.experiments.train`, ``discretize=True``).  Each level says how it
        snaps in ``_snap``, which edits the deep copy in place under ``torch.no_grad``:
        ``monomial`` hard selections with scales in ``{-1, 0, 1}``; ``block`` (``block_size=2``
        only) rotations and reflections by roots of unity; ``complex_diagonal`` rotations by
        roots of unity; ``real_diagonal`` / ``positive_diagonal`` entries in ``{-1, 0, 1}`` /
        ``{0, 1}``; ``full`` and ``cp`` have none.
        """
        max_order = check_positive_int(max_order, "max_order")
        if type(self)._snap is BilinearModel._snap or not self._snappable():
            return None
        copy = deepcopy(self)
        with torch.no_grad():
            copy._snap(max_order)
        return copy

    def _snappable(self) -> bool:
        """Whether :meth:`_snap` applies to this model's options (default: yes)."""
        return True

    def _snap(self, max_order: int) -> None:
        """Snap this copy's letters in place (called under ``torch.no_grad`` on a deep copy)."""
        raise NotImplementedError  # pragma: no cover

    def _export_tensor(self) -> torch.Tensor:
        """The letters as computed by the forward pass, in float64 (``to_rnn``); levels whose
        ``transition_tensor`` carries gradient-only terms override it."""
        return self.transition_tensor().detach().to(torch.float64)

    def to_rnn(self, alphabet: Sequence[Hashable], labels: Sequence[Any]) -> BilinearRNN:
        """The weights as a :class:`~bilinear.constructions.BilinearRNN` (float64 numpy).

        Token ``k`` of the model is ``alphabet[k]`` and logit row ``j`` is ``labels[j]`` (the
        order :class:`~bilinear.experiments.data.AutomatonData` trains with: a task's
        ``dfa.alphabet`` and ``dfa.label_values``).  The parameters are cast to float64
        without loss; the letters are those the forward pass computes (hard selections for a
        straight-through monomial model, exported at level ``full`` with a soft selection; a
        ``cp`` tensor is contracted in float64).  The
        exported model differs from the torch module only in arithmetic precision, so a
        certificate of it is about these weights in exact arithmetic
        (:func:`bilinear.verification.extraction.certify_trained`).

        Raises
        ------
        InvalidArgumentError
            An affine model (``B x + b`` is not a bilinear RNN), or ``alphabet`` / ``labels``
            of the wrong size.

        Examples
        --------
        >>> import torch
        >>> from bilinear.models import make
        >>> m = make("cp", vocab=2, labels=2, hidden=3, seed=0)
        >>> rnn = m.to_rnn(("0", "1"), (0, 1))
        >>> rnn.level, rnn.W.shape, rnn.info["rank"]
        ('cp', (3, 3, 2), 3)
        >>> word = torch.tensor([[0, 1, 1, 0, 1]])
        >>> rnn.output("01101") == [int(k) for k in m.predict(word)[0]]
        True
        """
        alphabet, labels = tuple(alphabet), tuple(labels)
        if self.affine:
            raise InvalidArgumentError(
                f"a {self.level} model with affine=True adds B x + b to every step: it is not "
                "a bilinear RNN and cannot be exported")
        if len(alphabet) != self.vocab:
            raise InvalidArgumentError(
                f"the model reads {self.vocab} tokens but the alphabet has {len(alphabet)} "
                f"symbols {list(alphabet)[:12]!r}")
        if len(labels) != self.labels:
            raise InvalidArgumentError(
                f"the model has {self.labels} output rows but {len(labels)} labels were given")
        with torch.no_grad():
            W = self._export_tensor().cpu().numpy()
            h0 = self.h0.detach().to(torch.float64).cpu().numpy()
            R = self.readout.detach().to(torch.float64).cpu().numpy()
        rank, block = self.options.get("rank"), self.options.get("block_size")
        info = ConstructionInfo(exact=False, rank=None if rank is None else int(rank),
                                block_size=None if block is None else int(block))
        return BilinearRNN(W=W, h0=h0, readout=R, alphabet=alphabet, labels=labels,
                           level=self._export_level(), source="trained", info=info)

    def _export_level(self) -> str:
        """The level of :meth:`to_rnn`'s model (a soft monomial selection is not monomial)."""
        return self.level

    def letter_parameters(self) -> tuple[nn.Parameter, ...]:
        """The parameters that define the letters ``A(a)`` (not ``h0``, not the readout)."""
        skip = {id(self.h0), id(self.readout)}
        return tuple(p for p in self.parameters() if id(p) not in skip)

    # ------------------------------------------------------------------ forward
    def _initial(self, batch: int) -> torch.Tensor:
        # normalized once, then expanded: the scans see a stride-0 batch and share its start
        h = _normalize(self.h0) if self.normalize else self.h0
        return h.unsqueeze(0).expand(batch, -1)

    def _can_scan(self) -> bool:
        return self.uses_scan and not self.affine

    def _forward_state(self, tokens: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        h = self._initial(tokens.shape[0]) if state is None else state
        if tokens.shape[1] == 0:
            return h.new_zeros(tokens.shape[0], 0, self.labels), h
        if self._can_scan():
            states, h = self._scan(tokens, h)
        else:
            states, h = self._loop(tokens, h)
        return states @ self.readout.t(), h

    def _loop(self, tokens: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        prep = self._prepare(tokens)
        add = None
        if self.affine:
            add = F.embedding(tokens, self.input_weight) + self.input_bias
        hs = []
        for t in range(tokens.shape[1]):
            h = self._step(prep, h, t)
            if add is not None:
                h = h + add[:, t]
            if self.normalize:
                h = _normalize(h)
            hs.append(h)
        return torch.stack(hs, dim=1), h

    def states(self, tokens: torch.Tensor) -> torch.Tensor:
        """Hidden states after each prefix, shape (B, T, H) (normalized when ``normalize``)."""
        tokens = check_tokens(tokens, self.vocab).to(self.device)
        h = self._initial(tokens.shape[0])
        if self._can_scan():
            return self._scan(tokens, h)[0]
        return self._loop(tokens, h)[0]


# ---------------------------------------------------------------------- full
class _GatherAllLetters(BilinearModel):
    """Levels whose step computes all letters' products at once and gathers the read one."""

    def _weight_hhd(self) -> torch.Tensor:
        raise NotImplementedError  # pragma: no cover

    def _prepare(self, tokens: torch.Tensor) -> Any:
        W = self._weight_hhd()
        H, _, D = W.shape
        # all_letters[j, k * H + i] = W[i, j, k], so (h @ all_letters)[b, k*H + i] = (A(k) h)_i
        all_letters = W.permute(1, 2, 0).reshape(H, D * H)
        rows = tokens + torch.arange(tokens.shape[0], device=tokens.device).unsqueeze(1) * D
        return all_letters, rows

    def _step(self, prep: Any, h: torch.Tensor, t: int) -> torch.Tensor:
        all_letters, rows = prep
        return (h @ all_letters).view(-1, h.shape[1]).index_select(0, rows[:, t])

    def transition_tensor(self) -> torch.Tensor:
        return self._weight_hhd()

    def _loop(self, tokens: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.affine:
            return super()._loop(tokens, h)
        states = fused_recurrence(self._weight_hhd(), h, tokens, self.normalize)
        return states, states[:, -1]


class FullBilinear(_GatherAllLetters):
    """``full``: any H x H matrix per letter; ``W`` is a parameter of shape (H, H, D).

    Initialised near a random orthogonal matrix per letter (``init_scale`` scales the noise).
    """

    level = "full"

    def __init__(self, vocab: int, labels: int, hidden: int, **kw: Any) -> None:
        super().__init__(vocab, labels, hidden, **kw)
        W = torch.empty(hidden, hidden, vocab)
        for k in range(vocab):
            nn.init.orthogonal_(W[:, :, k])
        self.W = nn.Parameter(W * self.init_scale)

    def _weight_hhd(self) -> torch.Tensor:
        return self.W


class MonomialBilinear(_GatherAllLetters):
    """``monomial``: ``A(a) = P_a diag(d_a)``, each column of ``P_a`` one-hot (a unit map).

    ``selection="straight_through"`` (default) uses the hard one-hot ``P`` forward and the
    softmax's gradient backward; ``"soft"`` uses the column softmax itself (column-stochastic, so
    the forward pass is then *not* monomial); ``temperature`` divides the selection logits.
    """

    level = "monomial"

    def __init__(
        self,
        vocab: int,
        labels: int,
        hidden: int,
        *,
        selection: str = "straight_through",
        temperature: float = 1.0,
        **kw: Any,
    ) -> None:
        selection = check_choice(selection, SELECTIONS, "selection")
        temperature = check_float(temperature, "temperature", min_value=0.0, exclude_min=True)
        opts = dict(kw.pop("options", None) or {}, selection=selection)
        super().__init__(vocab, labels, hidden, options=opts, **kw)
        self.selection = selection
        self.temperature = float(temperature)
        # select_logits[i, j, k]: score of unit j of letter k going to unit i
        self.select_logits = nn.Parameter(torch.randn(hidden, hidden, vocab))
        self.scale = nn.Parameter(1.0 + 0.1 * self.init_scale * torch.randn(hidden, vocab))

    def selection_matrix(self) -> torch.Tensor:
        """``P`` of shape (H, H, D): column-stochastic (soft) or column one-hot (hard forward)."""
        soft = torch.softmax(self.select_logits / self.temperature, dim=0)
        if self.selection == "soft":
            return soft
        hard = F.one_hot(self.select_logits.argmax(dim=0), self.hidden).permute(2, 0, 1)
        hard = hard.to(soft.dtype)
        return hard + soft - soft.detach()

    def _weight_hhd(self) -> torch.Tensor:
        return self.selection_matrix() * self.scale.unsqueeze(0)

    def _export_tensor(self) -> torch.Tensor:
        # the straight-through forward is the hard one-hot times the scales, exactly
        # (``hard + soft - soft`` rounds); ``soft`` is the column softmax itself
        scale = self.scale.detach().to(torch.float64)
        if self.selection == "soft":
            logits = self.select_logits.detach().to(torch.float64)
            return torch.softmax(logits / self.temperature, dim=0) * scale.unsqueeze(0)
        hard = F.one_hot(self.select_logits.detach().argmax(dim=0), self.hidden).permute(2, 0, 1)
        return hard.to(torch.float64) * scale.unsqueeze(0)

    def _export_level(self) -> str:
        return "full" if self.selection == "soft" else self.level

    def _snap(self, max_order: int) -> None:
        """Hard selections and every scale snapped to ``-1``, ``0`` or ``1``: a signed partial
        permutation per letter (``selection="soft"`` is made hard too)."""
        self.selection = "straight_through"
        self.scale.copy_(snap_magnitudes(self.scale, signed=True))


# ---------------------------------------------------------------------- cp
class CPBilinear(BilinearModel):
    """``cp``: ``A(x) = U diag(V^T x) Z^T`` with U, Z of shape (H, R) and V of shape (D, R)."""

    level = "cp"

    def __init__(self, vocab: int, labels: int, hidden: int, *, rank: int | None = None,
                 **kw: Any) -> None:
        rank = hidden if rank is None else check_positive_int(rank, "rank")
        opts = dict(kw.pop("options", None) or {}, rank=rank)
        super().__init__(vocab, labels, hidden, options=opts, **kw)
        self.rank = rank
        self.U = nn.Parameter(torch.randn(hidden, rank) / math.sqrt(rank))
        self.V = nn.Parameter(1.0 + 0.5 * self.init_scale * torch.randn(vocab, rank))
        self.Z = nn.Parameter(torch.randn(hidden, rank) / math.sqrt(hidden))

    def _prepare(self, tokens: torch.Tensor) -> Any:
        return F.embedding(tokens, self.V), self.U.t()

    def _step(self, prep: Any, h: torch.Tensor, t: int) -> torch.Tensor:
        v, Ut = prep
        return ((h @ self.Z) * v[:, t]) @ Ut

    def _loop(self, tokens: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.affine:
            return super()._loop(tokens, h)
        states = fused_cp_recurrence(self.U, self.Z, F.embedding(tokens, self.V), h,
                                     self.normalize)
        return states, states[:, -1]

    def transition_tensor(self) -> torch.Tensor:
        return torch.einsum("ir,kr,jr->ijk", self.U, self.V, self.Z)

    def _export_tensor(self) -> torch.Tensor:
        U, V, Z = (p.detach().to(torch.float64) for p in (self.U, self.V, self.Z))
        return torch.einsum("ir,kr,jr->ijk", U, V, Z)


# ---------------------------------------------------------------------- block
class BlockBilinear(BilinearModel):
    """``block``: block-diagonal with ``block_size`` x ``block_size`` blocks (H divisible by it).

    ``blocks`` has shape (N, b, b, D): ``A(a) = blockdiag(blocks[n, :, :, a])``.
    """

    level = "block"
    uses_scan = True

    def __init__(self, vocab: int, labels: int, hidden: int, *, block_size: int = 2,
                 **kw: Any) -> None:
        b = check_positive_int(block_size, "block_size")
        if hidden % b:
            raise InvalidArgumentError(
                f"hidden={hidden} is not a multiple of block_size={b}"
            )
        opts = dict(kw.pop("options", None) or {}, block_size=b)
        super().__init__(vocab, labels, hidden, options=opts, **kw)
        self.block_size = b
        n = hidden // b
        blocks = torch.empty(n, b, b, vocab)
        for i in range(n):
            for k in range(vocab):
                nn.init.orthogonal_(blocks[i, :, :, k])
        self.blocks = nn.Parameter(blocks * self.init_scale)

    def _can_scan(self) -> bool:
        return super()._can_scan() and self.normalize

    def _letter_blocks(self, tokens: torch.Tensor) -> torch.Tensor:
        n, b, _, D = self.blocks.shape
        table = self.blocks.permute(3, 0, 1, 2).reshape(D, n * b * b)
        return F.embedding(tokens, table).view(*tokens.shape, n, b, b)  # (B, T, N, b, b)

    def _scan(self, tokens: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outs = []
        c = self.scan_chunk
        for s in range(0, tokens.shape[1], c):
            out, h = block_scan(self._letter_blocks(tokens[:, s : s + c]), h, chunk=c)
            outs.append(out)
        return (outs[0] if len(outs) == 1 else torch.cat(outs, dim=1)), h

    def _prepare(self, tokens: torch.Tensor) -> Any:
        return self.blocks.permute(3, 0, 1, 2)

    def _loop(self, tokens: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        per_letter = self._prepare(tokens)
        B, b = tokens.shape[0], self.block_size
        add = None
        if self.affine:
            add = F.embedding(tokens, self.input_weight) + self.input_bias
        hs = []
        for t in range(tokens.shape[1]):
            h = (per_letter[tokens[:, t]] @ h.reshape(B, -1, b, 1)).reshape(B, -1)
            if add is not None:
                h = h + add[:, t]
            if self.normalize:
                h = _normalize(h)
            hs.append(h)
        return torch.stack(hs, dim=1), h

    def _snappable(self) -> bool:
        return self.block_size == 2

    def _snap(self, max_order: int) -> None:
        """Every block the nearest rotation or reflection by a root-of-unity angle
        (:func:`snap_angles`; the sign of the determinant decides which); ``block_size=2``
        only (:meth:`_snappable`)."""
        B = self.blocks  # (N, 2, 2, D)
        a, b_, c, d = (B[:, i, j].clone() for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)))
        reflect = (a * d - b_ * c) < 0
        rot = snap_angles(torch.atan2(c - b_, a + d), max_order)
        ref = snap_angles(torch.atan2(c + b_, a - d), max_order)
        angle = torch.where(reflect, ref, rot)
        cos, sin = torch.cos(angle), torch.sin(angle)
        sign = torch.where(reflect, -torch.ones_like(cos), torch.ones_like(cos))
        B[:, 0, 0] = cos
        B[:, 0, 1] = -sin * sign
        B[:, 1, 0] = sin
        B[:, 1, 1] = cos * sign

    def transition_tensor(self) -> torch.Tensor:
        n, b, _, D = self.blocks.shape
        W = self.blocks.new_zeros(self.hidden, self.hidden, D)
        for i in range(n):
            W[i * b : (i + 1) * b, i * b : (i + 1) * b] = self.blocks[i]
        return W


# ---------------------------------------------------------------------- diagonal levels
class _Diagonal(BilinearModel):
    uses_scan = True
    nonnegative = False

    def _factors(self) -> torch.Tensor:
        """Diagonal entries, shape (D, H)."""
        raise NotImplementedError  # pragma: no cover

    def _scan(self, tokens: torch.Tensor, h: torch.Tensor,
              readout: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        # diagonal letters commute: states depend on running letter counts only
        # the factors, not their logs: an exact zero entry keeps finite, correct gradients
        return factor_diagonal_scan(tokens, self._factors(), h, nonnegative=self.nonnegative,
                                    normalize=self.normalize, chunk=self.scan_chunk,
                                    readout=readout)

    def _forward_state(self, tokens: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        if not self._can_scan() or tokens.shape[1] == 0:
            return super()._forward_state(tokens, state)
        h = self._initial(tokens.shape[0]) if state is None else state
        # the readout is folded into the scan: its backward works from the small logits
        return self._scan(tokens, h, self.readout)

    def _prepare(self, tokens: torch.Tensor) -> Any:
        return F.embedding(tokens, self._factors())

    def _step(self, prep: Any, h: torch.Tensor, t: int) -> torch.Tensor:
        return prep[:, t] * h

    def transition_tensor(self) -> torch.Tensor:
        a = self._factors()  # (D, H)
        return torch.diag_embed(a).permute(1, 2, 0)


class RealDiagonalBilinear(_Diagonal):
    """``real_diagonal``: ``A(a) = diag(w[a])`` with any sign; ``diagonal`` has shape (D, H)."""

    level = "real_diagonal"

    def __init__(self, vocab: int, labels: int, hidden: int, **kw: Any) -> None:
        super().__init__(vocab, labels, hidden, **kw)
        self.diagonal = nn.Parameter(torch.empty(vocab, hidden).uniform_(-1.0, 1.0))

    def _factors(self) -> torch.Tensor:
        return self.diagonal

    def _snap(self, max_order: int) -> None:
        """Every diagonal entry snapped to ``-1``, ``0`` or ``1``."""
        self.diagonal.copy_(snap_magnitudes(self.diagonal, signed=True))


class PositiveDiagonalBilinear(_Diagonal):
    """``positive_diagonal``: ``A(a) = diag(|w[a]|)``, nonnegative (the Mamba-like end)."""

    level = "positive_diagonal"
    nonnegative = True

    def __init__(self, vocab: int, labels: int, hidden: int, **kw: Any) -> None:
        super().__init__(vocab, labels, hidden, **kw)
        self.diagonal = nn.Parameter(torch.empty(vocab, hidden).uniform_(0.5, 1.0))

    def _factors(self) -> torch.Tensor:
        return self.diagonal.abs()

    def _snap(self, max_order: int) -> None:
        """Every diagonal entry snapped to ``0`` or ``1``."""
        self.diagonal.copy_(snap_magnitudes(self.diagonal, signed=False))


class ComplexDiagonalBilinear(_Diagonal):
    """``complex_diagonal``: H/2 complex units, each letter a 2 x 2 scaled rotation per unit.

    Unit pair ``(2u, 2u + 1)`` is the complex number ``re + i im``; letter ``a`` multiplies it by
    ``real[a, u] + i imag[a, u]``, i.e. applies ``[[real, -imag], [imag, real]]``.
    """

    level = "complex_diagonal"

    def __init__(self, vocab: int, labels: int, hidden: int, **kw: Any) -> None:
        if hidden % 2:
            raise InvalidArgumentError(
                f"complex_diagonal needs an even hidden size (pairs of real units), got {hidden}"
            )
        super().__init__(vocab, labels, hidden, **kw)
        angle = torch.rand(vocab, hidden // 2) * 2 * math.pi
        radius = 1.0 + 0.1 * self.init_scale * torch.randn(vocab, hidden // 2)
        self.real = nn.Parameter(radius * torch.cos(angle))
        self.imag = nn.Parameter(radius * torch.sin(angle))

    def _scan(self, tokens: torch.Tensor, h: torch.Tensor,
              readout: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        return factor_polar_scan(tokens, self.real, self.imag, h, normalize=self.normalize,
                                 chunk=self.scan_chunk, readout=readout)

    def _prepare(self, tokens: torch.Tensor) -> Any:
        return F.embedding(tokens, self.real), F.embedding(tokens, self.imag)

    def _snap(self, max_order: int) -> None:
        """Every letter a rotation by a root of unity (:func:`snap_angles`, radius 1):
        drift-free, as an exact construction of a cyclic group is."""
        angle = snap_angles(torch.atan2(self.imag, self.real), max_order)
        self.real.copy_(torch.cos(angle))
        self.imag.copy_(torch.sin(angle))

    def _step(self, prep: Any, h: torch.Tensor, t: int) -> torch.Tensor:
        p, q = prep[0][:, t], prep[1][:, t]
        re, im = h[:, 0::2], h[:, 1::2]
        return torch.stack((p * re - q * im, q * re + p * im), dim=-1).reshape(h.shape)

    def transition_tensor(self) -> torch.Tensor:
        D, P = self.real.shape
        W = self.real.new_zeros(self.hidden, self.hidden, D)
        idx = torch.arange(P) * 2
        W[idx, idx] = self.real.t()
        W[idx + 1, idx + 1] = self.real.t()
        W[idx, idx + 1] = -self.imag.t()
        W[idx + 1, idx] = self.imag.t()
        return W


#: level name -> module class
LEVEL_CLASSES: dict[str, type[BilinearModel]] = {
    cls.level: cls
    for cls in (
        FullBilinear,
        CPBilinear,
        MonomialBilinear,
        BlockBilinear,
        ComplexDiagonalBilinear,
        RealDiagonalBilinear,
        PositiveDiagonalBilinear,
    )
}
