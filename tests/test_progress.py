"""bilinear._progress: silent off a terminal unless asked, rate-limited, redrawn on a terminal."""

from __future__ import annotations

import io

import pytest

from bilinear._progress import PROGRESS_ENV, Progress, should_show, track
from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import BilinearError
from bilinear.verification import verify


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Untouchable:
    """A stream that fails on any use: a disabled reporter must never touch it."""

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise AssertionError("written")

    def flush(self) -> None:
        raise AssertionError("flushed")


def test_silent_off_a_terminal_and_never_touches_the_stream(monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    with Progress(total=5, desc="x", stream=_Untouchable()) as p:  # type: ignore[arg-type]
        for _ in range(5):
            p.update(note="step")
    assert not p.enabled
    with Progress(total=5, stream=_Terminal(), show=False) as q:
        q.update(5)
    assert not q.enabled


def test_shown_on_a_terminal_by_default_and_redrawn_in_place(monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    out, clock = _Terminal(), _Clock()
    with Progress(total=4, desc="sweep", unit="run", stream=out, clock=clock) as p:
        for _ in range(4):
            clock.now += 1.0
            p.update(note="parity")
    text = out.getvalue()
    assert text.startswith("\rsweep: 1/4 runs (25%) 1s elapsed, ~3s left  parity")
    assert text.count("\r") == 4 and text.endswith("\n")
    last = text.rstrip("\n").split("\r")[-1]
    assert last.rstrip() == "sweep: 4/4 runs (100%) in 4s  parity"
    assert len(last) == len(text.split("\r")[-2])  # padded over the longer line before


def test_reports_are_rate_limited_and_the_last_one_is_always_written():
    out, clock = io.StringIO(), _Clock()
    with Progress(total=1000, desc="m", stream=out, show=True, interval=1.0, clock=clock) as p:
        for _ in range(1000):
            clock.now += 0.01  # 1000 updates over 10 s: about one line a second
            p.update()
    lines = out.getvalue().splitlines()
    assert 9 <= len(lines) <= 12
    assert lines[0].startswith("m: 1/1000 (0%)") and lines[-1] == "m: 1000/1000 (100%) in 10s"


def test_close_writes_the_last_count_once_and_is_idempotent():
    out, clock = io.StringIO(), _Clock()
    p = Progress(total=None, desc="states", stream=out, show=True, interval=60.0, clock=clock)
    p.update(10)
    clock.now += 5
    p.update(7)  # inside the interval: not written
    p.close()
    p.close()
    p.update(3)  # after close: ignored
    assert out.getvalue().splitlines() == ["states: 10 in 0s", "states: 17 in 5s"]


def test_long_durations_and_units():
    clock = _Clock()
    p = Progress(total=3, desc="c", unit="step", stream=io.StringIO(), show=True, clock=clock)
    p.update()
    clock.now += 4000
    assert p.line() == "c: 1/3 steps (33%) 1h06m elapsed, ~2h13m left"
    q = Progress(total=1, unit="run", stream=io.StringIO(), show=True, clock=clock)
    assert q.line() == "0/1 run (0%) in 0s"


def test_the_environment_forces_progress_on_or_off(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "1")
    assert should_show(None, io.StringIO()) is True
    monkeypatch.setenv(PROGRESS_ENV, "0")
    assert should_show(None, _Terminal()) is False
    assert should_show(True, io.StringIO()) is True  # an explicit choice wins
    monkeypatch.setenv(PROGRESS_ENV, "yes")
    with pytest.raises(BilinearError, match=PROGRESS_ENV):
        should_show(None, io.StringIO())


def test_track_yields_every_item_and_counts_them():
    out = io.StringIO()
    assert list(track(iter("abc"), total=3, desc="t", stream=out, show=True, interval=0)) == [
        "a",
        "b",
        "c",
    ]
    assert out.getvalue().splitlines()[-1].startswith("t: 3/3 (100%)")


def test_bad_arguments_are_refused():
    with pytest.raises(BilinearError, match="total"):
        Progress(total=-1)
    with pytest.raises(BilinearError, match="interval"):
        Progress(total=1, interval=-0.5)


def test_the_float_search_reports_its_depth(monkeypatch, capsys) -> None:
    monkeypatch.setenv(PROGRESS_ENV, "1")
    dfa = tasks.get("parity").dfa
    verify(compile_automaton(dfa, level="real_diagonal"), dfa, method="float")
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("float search: ") and "depth" in last
