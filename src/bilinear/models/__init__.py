"""Trained models: one torch module per level of the hierarchy, plus baselines.

Every model maps token ids ``(B, T)`` to per-position logits ``(B, T, labels)``.  Build them with
:func:`make`; load exact constructions with :func:`from_construction`.

Examples
--------
>>> import torch
>>> from bilinear.models import make, MODEL_NAMES
>>> model = make("complex_diagonal", vocab=3, labels=3, hidden=8, seed=0)
>>> model(torch.randint(0, 3, (4, 20))).shape
torch.Size([4, 20, 3])
>>> "mamba_like" in MODEL_NAMES
True
"""

from bilinear._optional import require_extra

# without torch (``pip install bilinear`` without the ``train`` extra) this package fails at
# once, in one line naming the extra, instead of deep inside a submodule's ``import torch``
require_extra("train", feature="bilinear.models")

from bilinear.models._base import (  # noqa: E402
    SequenceModel,
    decode_logits,
    resolve_device,
    resolve_dtype,
    sequence_cross_entropy,
)
from bilinear.models.baselines import ElmanModel, LSTMModel, MambaLikeModel, TransformerModel  # noqa: E402
from bilinear.models.bilinear import (  # noqa: E402
    BilinearModel,
    BlockBilinear,
    ComplexDiagonalBilinear,
    CPBilinear,
    FullBilinear,
    MonomialBilinear,
    PositiveDiagonalBilinear,
    RealDiagonalBilinear,
)
from bilinear.models.construction import decode_construction_outputs, from_construction  # noqa: E402
from bilinear.models.factory import BASELINES, LEVELS, MODEL_NAMES, make, model_options  # noqa: E402

__all__ = [
    "BASELINES",
    "LEVELS",
    "MODEL_NAMES",
    "BilinearModel",
    "BlockBilinear",
    "CPBilinear",
    "ComplexDiagonalBilinear",
    "ElmanModel",
    "FullBilinear",
    "LSTMModel",
    "MambaLikeModel",
    "MonomialBilinear",
    "PositiveDiagonalBilinear",
    "RealDiagonalBilinear",
    "SequenceModel",
    "TransformerModel",
    "decode_construction_outputs",
    "decode_logits",
    "from_construction",
    "make",
    "model_options",
    "resolve_device",
    "resolve_dtype",
    "sequence_cross_entropy",
]
