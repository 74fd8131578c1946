"""The report's theory worker: results from a separate process, time limits, crashes."""

from __future__ import annotations

import math
import time

from bilinear.analysis._backend import TheoryRunner, _worker_context


def test_worker_context_never_forks_this_process() -> None:
    # forking a process that runs torch's threads can deadlock the child (Python 3.12+ warns)
    assert _worker_context().get_start_method() in ("forkserver", "spawn")


def test_classify_in_the_worker_equals_in_process() -> None:
    with TheoryRunner(timeout=120) as worker, TheoryRunner(timeout=None) as local:
        assert worker.classify("parity", "fin") == local.classify("parity", "fin")


def test_a_call_over_the_limit_is_cut_off_and_the_runner_recovers() -> None:
    with TheoryRunner(timeout=0.5) as runner:
        ok, message = runner._call(time.sleep, 60)
        assert not ok and message == "timed out after 0.5 s"
        runner.timeout = 120
        fin, error = runner.classify("parity", "fin")  # a fresh worker
        assert error is None and fin["minimal_level"] == "real_diagonal"


def test_a_crash_in_the_worker_is_one_failure() -> None:
    with TheoryRunner(timeout=120) as runner:
        ok, message = runner._call(math.sqrt, -1.0)
        assert not ok and message.startswith("failed:") and "math domain error" in message
