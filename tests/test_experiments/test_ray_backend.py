"""The Ray backend of sweeps against a real local Ray instance (``pip install 'bilinear[ray]'``).

``make test`` installs the extra, so these run in CI; without ray they skip.  The control flow
without ray (a fake module) and the "not installed" error are in ``test_store_sweep.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilinear.cli import main
from bilinear.errors import InvalidArgumentError
from bilinear.experiments import ResultsStore, RunConfig, grid, run_sweep

ray = pytest.importorskip("ray")

TINY = {"hidden": 2, "steps": 3, "train_lengths": "2-4", "test_lengths": "6,12",
        "test_words": 4}


def _runs(seeds: list[int]) -> list[RunConfig]:
    return grid(["parity"], ["real_diagonal"], seeds=seeds, lrs=[0.01], **TINY)


def _broken() -> list[RunConfig]:
    """A configuration that passes validation but fails inside the worker: a block size of 3
    does not divide a hidden size of 2."""
    return grid(["parity"], ["block:block_size=3"], seeds=[0], lrs=[0.01], **TINY)


def test_ray_backend_starts_and_stops_its_own_local_instance(tmp_path: Path) -> None:
    assert not ray.is_initialized()
    path = tmp_path / "r.sqlite"
    report = run_sweep(_runs([0, 1]), path, backend="ray", progress=False)
    assert (report.finished, report.failed) == (2, 0)
    assert not ray.is_initialized()  # started here, so shut down here
    rows = ResultsStore(path).results()
    assert {r["seed"] for r in rows} == {0, 1} and all(set(r["metrics"]) == {"6", "12"}
                                                     for r in rows)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One local Ray instance for the tests below; the backend reuses a running instance."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.mark.usefixtures("local_ray")
def test_ray_results_equal_the_sequential_backend(tmp_path: Path) -> None:
    configs = _runs([0, 1])
    run_sweep(configs, tmp_path / "ray.sqlite", backend="ray", progress=False)
    run_sweep(configs, tmp_path / "seq.sqlite", progress=False)
    assert ray.is_initialized()  # a running instance is left running
    by_ray, by_seq = (
        {r["key"]: r["metrics"] for r in ResultsStore(tmp_path / name).results()}
        for name in ("ray.sqlite", "seq.sqlite")
    )
    assert by_ray == by_seq  # same seeds, same runs: the backend changes nothing


@pytest.mark.usefixtures("local_ray")
def test_ray_sweep_resumes_and_records_failures(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    first = run_sweep(_runs([0]), path, backend="ray", progress=False)
    assert first.finished == 1
    report = run_sweep(_runs([0, 1]) + _broken(), path, backend="ray", progress=False,
                       on_error="continue")
    assert (report.skipped, report.finished, report.failed) == (1, 1, 1)
    store = ResultsStore(path)
    assert store.counts() == {"finished": 2, "failed": 1}
    error = store.results(status="failed")[0]["error"]
    assert "hidden" in error and "Traceback" not in error  # the run's message, not Ray's


@pytest.mark.usefixtures("local_ray")
def test_ray_failure_raises_the_runs_own_error_and_keeps_finished_runs(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with pytest.raises(InvalidArgumentError, match="hidden"):
        run_sweep(_broken() + _runs([0]), path, backend="ray", progress=False)
    store = ResultsStore(path)
    assert "failed" in store.counts()
    # what finished before the failure stays; a rerun without the broken run completes
    report = run_sweep(_runs([0]), path, backend="ray", progress=False)
    assert report.finished + report.skipped == 1
    assert store.finished_keys() == {_runs([0])[0].key()}


@pytest.mark.usefixtures("local_ray")
def test_sweep_command_with_ray(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["sweep", "--tasks", "parity", "--models", "real_diagonal", "--seeds", "0,1",
            "--hidden", "2", "--steps", "3", "--train-lengths", "2-4", "--test-lengths", "6",
            "--test-words", "4", "--store", str(tmp_path / "r.sqlite"), "--backend", "ray",
            "--no-progress", "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["finished"] == 2
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["skipped"] == 2

