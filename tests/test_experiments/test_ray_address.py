"""The Ray backend with an address where no cluster listens: a one-line error within seconds.

Separate from ``test_ray_backend.py``, whose module-scoped local instance would be reused
instead of connecting to the address.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bilinear.cli import main
from bilinear.errors import InvalidArgumentError
from bilinear.experiments import ResultsStore, RunConfig, grid, run_sweep

ray = pytest.importorskip("ray")


def _runs(seeds: list[int]) -> list[RunConfig]:
    return grid(["parity"], ["real_diagonal"], seeds=seeds, lrs=[0.01], hidden=2, steps=3,
                train_lengths="2-4", test_lengths="6", test_words=4)


def test_unreachable_ray_address_fails_fast_naming_it(tmp_path: Path) -> None:
    # nothing listens on port 1: the TCP probe fails before Ray's own minute-long retries
    with pytest.raises(InvalidArgumentError, match=r"127\.0\.0\.1:1") as info:
        run_sweep(_runs([0]), tmp_path / "r.sqlite", backend="ray", progress=False,
                  ray_address="127.0.0.1:1")
    assert "\n" not in str(info.value)
    assert not ray.is_initialized()
    assert ResultsStore(tmp_path / "r.sqlite").counts() == {}  # no run was started


def test_sweep_command_with_an_unreachable_ray_address(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    argv = ["sweep", "--tasks", "parity", "--models", "real_diagonal", "--hidden", "2",
            "--steps", "3", "--train-lengths", "2-4", "--test-lengths", "6", "--test-words", "4",
            "--store", str(tmp_path / "r.sqlite"), "--backend", "ray", "--ray-address",
            "127.0.0.1:1", "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1:1" in err and err.count("\n") == 1 and "Traceback" not in err
