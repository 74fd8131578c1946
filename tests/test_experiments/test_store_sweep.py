"""Results store and sweeps: resumable, no duplicates, clear errors on corrupt files."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from bilinear.errors import InvalidArgumentError, ResultsStoreError
from bilinear.experiments import ResultsStore, RunConfig, grid, parse_model_spec, run_sweep
from bilinear.experiments import sweep as sweep_module
from bilinear.experiments._ray import _host_port, check_reachable

TINY = {"hidden": 2, "steps": 3, "train_lengths": "2-4", "test_lengths": "6,12",
        "test_words": 4}


def _two_runs() -> list[RunConfig]:
    return grid(["parity"], ["real_diagonal"], seeds=[0, 1], lrs=[0.01], **TINY)


def _rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT key, status FROM runs ORDER BY key").fetchall()


def test_store_roundtrip_and_exports(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.sqlite")
    report = run_sweep(_two_runs(), store, progress=False)
    assert (report.finished, report.skipped, report.failed) == (2, 0, 0)
    rows = store.results()
    assert len(rows) == 2
    assert set(rows[0]["metrics"]) == {"6", "12"}
    assert rows[0]["config"]["task"] == "parity"
    data = json.loads(store.export_json(tmp_path / "r.json"))
    assert len(data["runs"]) == 2 and (tmp_path / "r.json").exists()
    assert store.export_csv(tmp_path / "r.csv") == 4
    with open(tmp_path / "r.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert {r["length"] for r in table} == {"6", "12"}
    assert store.results(model="real_diagonal", seed=1)[0]["seed"] == 1


def test_sweep_skips_finished_runs(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    run_sweep(_two_runs(), path, progress=False)
    again = run_sweep(_two_runs(), path, progress=False)
    assert (again.skipped, again.finished) == (2, 0)
    assert len(_rows(path)) == 2


def test_kill_in_second_run_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.sqlite"
    configs = _two_runs()
    real = sweep_module._run_worker
    calls = []

    def dies_in_second_run(config, device, threads):
        calls.append(config["seed"])
        if len(calls) == 2:
            raise KeyboardInterrupt("killed half-way")
        return real(config, device, threads)

    monkeypatch.setattr(sweep_module, "_run_worker", dies_in_second_run)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(configs, path, progress=False)
    store = ResultsStore(path)
    assert store.finished_keys() == {configs[0].key()}
    assert store.counts() == {"finished": 1, "started": 1}
    monkeypatch.setattr(sweep_module, "_run_worker", real)
    report = run_sweep(configs, path, progress=False)
    assert (report.skipped, report.finished) == (1, 1)
    assert store.finished_keys() == {c.key() for c in configs}
    assert len(_rows(path)) == 2


def test_errors_can_be_recorded_and_retried(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.sqlite"

    def fails(config, device, threads):
        raise RuntimeError("boom")

    monkeypatch.setattr(sweep_module, "_run_worker", fails)
    report = run_sweep(_two_runs(), path, progress=False, on_error="continue")
    assert report.failed == 2
    assert ResultsStore(path).counts() == {"failed": 2}
    assert "boom" in ResultsStore(path).results(status="failed")[0]["error"]
    monkeypatch.undo()
    assert run_sweep(_two_runs(), path, progress=False).finished == 2


_KILL_SCRIPT = """
import sys, torch
torch.set_num_threads(1)
from bilinear.experiments import grid, run_sweep
fast = grid(["parity"], ["real_diagonal"], seeds=[0], lrs=[0.01], hidden=2, steps=3,
            train_lengths="2-4", test_lengths="6", test_words=4)
slow = grid(["parity"], ["real_diagonal"], seeds=[1], lrs=[0.01], hidden=2, steps=10**7,
            train_lengths="2-4", test_lengths="6", test_words=4)
run_sweep(fast + slow, sys.argv[1], progress=False)
"""


def test_a_killed_process_leaves_only_finished_runs(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(path)],
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if path.exists() and ("started" in {s for _, s in _safe_rows(path)}) and any(
                s == "finished" for _, s in _safe_rows(path)
            ):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the sweep did not get to its second run")
    finally:
        proc.kill()
        proc.wait()
    store = ResultsStore(path)
    assert store.counts() == {"finished": 1, "started": 1}
    fast = grid(["parity"], ["real_diagonal"], seeds=[0, 1], lrs=[0.01], hidden=2, steps=3,
                train_lengths="2-4", test_lengths="6", test_words=4)
    # the killed run (seeds=[1], steps=10**7) is a different config: it is not finished
    assert fast[0].key() in store.finished_keys()
    assert len(store.finished_keys()) == 1


def _safe_rows(path: Path) -> list[tuple]:
    try:
        return _rows(path)
    except sqlite3.Error:
        return []


def test_corrupt_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ResultsStoreError, match="corrupt or not a results store"):
        ResultsStore(bad)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE runs (x INTEGER)")
    with pytest.raises(ResultsStoreError, match="another layout"):
        ResultsStore(other)
    with pytest.raises(ResultsStoreError, match="directory"):
        ResultsStore(tmp_path)
    with pytest.raises(ResultsStoreError, match="does not exist"):
        ResultsStore(tmp_path / "missing" / "r.sqlite")


def test_bad_sweep_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="backend"):
        run_sweep(_two_runs(), tmp_path / "r.sqlite", backend="slurm")
    with pytest.raises(InvalidArgumentError, match="key=value"):
        parse_model_spec("block:block_size")
    assert parse_model_spec("block:block_size=2") == ("block", {"block_size": 2})


def test_grid_canonicalizes_tasks_and_removes_duplicates() -> None:
    configs = grid(["modular_addition:m=3", "modular_addition:m=3"], ["full"], hidden=4)
    assert len(configs) == 1
    assert configs[0].task.startswith("modular_addition:")


@pytest.mark.slow
def test_process_backend(tmp_path: Path) -> None:
    report = run_sweep(_two_runs(), tmp_path / "r.sqlite", backend="process", workers=2,
                       progress=False)
    assert report.finished == 2


class _Ref:
    """A hashable stand-in for a Ray ObjectRef."""

    value = None
    error = None


class _FakeRay:
    """Just enough of the Ray API to drive the backend's control flow without ray."""

    def __init__(self) -> None:
        self.initialized = False
        self.calls: list[str] = []

    def is_initialized(self) -> bool:
        return self.initialized

    def init(self, **kwargs) -> None:
        self.initialized = True
        self.calls.append("init")

    def shutdown(self) -> None:
        self.initialized = False
        self.calls.append("shutdown")

    def remote(self, **resources):
        def wrap(fn):
            class Remote:
                @staticmethod
                def remote(*args):
                    ref = _Ref()
                    try:
                        ref.value = fn(*args)
                    except Exception as err:
                        ref.error = err
                    return ref

            return Remote

        return wrap

    def wait(self, refs, num_returns=1):
        return refs[:num_returns], refs[num_returns:]

    def get(self, ref):
        if ref.error is not None:
            raise ref.error
        return ref.value

    def cancel(self, ref) -> None:
        self.calls.append("cancel")


def test_ray_backend_control_flow_with_a_fake_ray(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeRay()
    monkeypatch.setitem(sys.modules, "ray", fake)
    path = tmp_path / "r.sqlite"
    report = run_sweep(_two_runs(), path, backend="ray", progress=False)
    assert report.finished == 2 and fake.calls == ["init", "shutdown"]
    assert run_sweep(_two_runs(), path, backend="ray", progress=False).skipped == 2


def test_ray_backend_without_ray_is_a_clear_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(InvalidArgumentError, match=r"bilinear\[ray\]"):
        run_sweep(_two_runs(), tmp_path / "r.sqlite", backend="ray", progress=False)


def test_ray_backend_probes_an_address_before_connecting(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeRay()
    monkeypatch.setitem(sys.modules, "ray", fake)
    with pytest.raises(InvalidArgumentError, match=r"Ray cluster at '127\.0\.0\.1:1'"):
        run_sweep(_two_runs(), tmp_path / "r.sqlite", backend="ray", progress=False,
                  ray_address="127.0.0.1:1")
    assert fake.calls == []  # never got as far as ray.init


def test_ray_address_forms() -> None:
    assert _host_port("127.0.0.1:6379") == ("127.0.0.1", 6379)
    assert _host_port("ray://head:10001") == ("head", 10001)
    assert _host_port("[::1]:6379") == ("::1", 6379)
    assert _host_port("auto") is None and _host_port("local") is None
    check_reachable("auto")  # left to Ray: no probe


@pytest.mark.parametrize("backend", ["sequential", "process"])
def test_a_device_that_is_not_there_fails_before_any_run(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "r.sqlite"
    with pytest.raises(InvalidArgumentError, match="unknown device 'tpu'"):
        run_sweep(_two_runs(), path, backend=backend, device="tpu", progress=False)
    if not torch.cuda.is_available():
        with pytest.raises(InvalidArgumentError, match="CUDA is not available"):
            run_sweep(_two_runs(), path, backend=backend, device="cuda", progress=False)
    assert not path.exists() or ResultsStore(path).counts() == {}


def test_stored_metrics_come_back_in_numeric_length_order(tmp_path: Path) -> None:
    configs = grid(["parity"], ["real_diagonal"], seeds=[0], lrs=[0.01], hidden=2, steps=2,
                   train_lengths="2-4", test_lengths="5,10,50,100", test_words=2)
    store = ResultsStore(tmp_path / "r.sqlite")
    run_sweep(configs, store, progress=False)
    assert list(store.results()[0]["metrics"]) == ["5", "10", "50", "100"]
