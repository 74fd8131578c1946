"""Experiments: data from automata, training, length-generalization evaluation, results, sweeps.

Examples
--------
>>> from bilinear.experiments import RunConfig
>>> RunConfig(task="modular_addition:m=3", model="full", hidden=16).test_lengths
(10, 50, 100, 500)
"""

from bilinear.experiments.config import RunConfig, parse_length_range, parse_lengths
from bilinear.experiments.data import AutomatonData
from bilinear.experiments.store import ResultsStore, by_length
from bilinear.experiments.sweep import (
    SweepReport,
    grid,
    parse_model_spec,
    parse_option_value,
    run_sweep,
)
from bilinear.experiments.training import (
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
