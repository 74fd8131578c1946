"""Training curves at chosen lengths: recorded in the history, never part of a plain run's key."""

from bilinear.experiments import RunConfig
from bilinear.experiments.training import CURVE_WORDS, run


def _config(**kw) -> RunConfig:
    return RunConfig(task="parity", model="real_diagonal", hidden=2, steps=4, batch_size=4,
                     eval_every=2, test_lengths=(20,), test_words=4, **kw)


def test_curves_are_recorded_at_every_checkpoint() -> None:
    result = run(_config(curve_lengths=(20, 30)), device="cpu")
    history = result.info["history"]
    assert [h["step"] for h in history] == [2, 4]
    for h in history:
        assert set(h["curve"]) == {"20", "30"}
        # an accuracy over CURVE_WORDS words of n positions
        assert all(float(v * CURVE_WORDS * int(n)).is_integer() and 0 <= v <= 1
                   for n, v in h["curve"].items())


def test_curves_do_not_change_training_or_plain_keys() -> None:
    plain, curved = _config(), _config(curve_lengths=(20,))
    assert "curve_lengths" not in plain.to_dict()
    assert plain.key() != curved.key()
    a, b = run(plain, device="cpu"), run(curved, device="cpu")
    assert a.metrics == b.metrics  # the curve's words are drawn apart: training is the same
    assert [h["val_accuracy"] for h in a.info["history"]] == [
        h["val_accuracy"] for h in b.info["history"]]
    assert RunConfig.from_dict(curved.to_dict()) == curved
