"""Experiments: data from automata, training, length-generalization evaluation, results, sweeps.

Examples
--------
>>> from bilinear.experiments import RunConfig
>>> RunConfig(task="modular_addition:m=3", model="full", hidden=16).test_lengths
(10, 50, 100, 500)
"""

from bilinear._optional import require_extra

# without torch (``pip install bilinear`` without the ``train`` extra) this package fails at
# once, in one line naming the extra, instead of deep inside a submodule's ``import torch``
require_extra("train", feature="bilinear.experiments")

from bilinear.experiments.config import RunConfig, parse_length_range, parse_lengths  # noqa: E402
from bilinear.experiments.data import AutomatonData  # noqa: E402
from bilinear.experiments.store import ResultsStore, by_length  # noqa: E402
from bilinear.experiments.sweep import (  # noqa: E402
    SweepReport,
    grid,
    parse_model_spec,
    parse_option_value,
    run_sweep,
)
from bilinear.experiments.training import (  # noqa: E402
    RunResult,
    TrainOutcome,
    evaluate,
    majority_accuracy,
    majority_normalized_accuracy,
    normalized_accuracy,
    resolve_task,
    run,
    train,
)

__all__ = [
    "AutomatonData",
    "ResultsStore",
    "RunConfig",
    "RunResult",
    "SweepReport",
    "TrainOutcome",
    "by_length",
    "evaluate",
    "grid",
    "normalized_accuracy",
    "majority_accuracy",
    "majority_normalized_accuracy",
    "parse_length_range",
    "parse_lengths",
    "parse_model_spec",
    "parse_option_value",
    "resolve_task",
    "run",
    "run_sweep",
    "train",
]
