"""Progress of long steps on stderr: shown on a terminal or when asked, rate-limited, else silent.

Anything that can take more than a few seconds (a sweep's runs, the elements of a big monoid,
the states of a certification search) reports through :class:`Progress`::

    with Progress(total=len(todo), desc="sweep", unit="run") as bar:
        for cfg in todo:
            ...
            bar.update(note=cfg.describe())

Whether anything is written is decided once, when the reporter is made: ``show=True`` always,
``show=False`` never, ``show=None`` (the default) when the stream is a terminal.  The
environment variable :data:`PROGRESS_ENV` overrides the automatic choice (``1``: show, ``0``:
never), so a command run under a pipe or a batch system can still ask for it.  On a terminal
the line is redrawn in place (carriage return); elsewhere each report is one line.  Reports
are at most one per ``interval`` seconds (the first and the last are always written), so a
tight loop pays one clock read per update.

A reporter that does not show is a no-op: it never touches the stream.  This module has no
dependency beyond the standard library, so every layer may use it.

Examples
--------
>>> import io
>>> out = io.StringIO()                      # not a terminal: silent unless asked
>>> with Progress(total=3, desc="runs", stream=out) as p:
...     p.update(3)
>>> out.getvalue()
''
>>> out = io.StringIO()
>>> with Progress(total=2, desc="runs", unit="run", stream=out, show=True) as p:
...     p.update(note="parity")
...     p.update(note="cyclic:n=5")
>>> print(out.getvalue().splitlines()[-1])
runs: 2/2 runs (100%) in 0s  cyclic:n=5
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from types import TracebackType
from typing import IO, TypeVar

from bilinear._validation import check_choice, check_float, check_nonnegative_int

__all__ = ["Progress", "track", "PROGRESS_ENV", "should_show", "process_seconds"]

#: Environment variable that forces progress on (``1``) or off (``0``) where ``show`` is None.
PROGRESS_ENV = "BILINEAR_PROGRESS"

_T = TypeVar("_T")


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def should_show(show: bool | None, stream: IO[str] | None = None) -> bool:
    """Whether a reporter with this ``show`` writes to ``stream`` (default: stderr).

    Examples
    --------
    >>> import io
    >>> should_show(True, io.StringIO()), should_show(False, io.StringIO())
    (True, False)
    """
    if show is not None:
        return bool(show)
    env = os.environ.get(PROGRESS_ENV, "").strip()
    if env:
        return check_choice(env, ("0", "1"), PROGRESS_ENV) == "1"
    return _isatty(sys.stderr if stream is None else stream)


def _duration(seconds: float) -> str:
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Progress:
    """A progress line for ``total`` steps (``None``: unknown total), written to ``stream``.

    Parameters
    ----------
    total : int or None
        Number of steps, or None when unknown (then no percentage or time left is shown).
    desc : str
        What is counted, first on the line (``"sweep"``, ``"monoid"``).
    unit : str
        Name of one step (``"run"``: shown as ``runs``); empty for none.
    show : bool or None
        True: always write; False: never; None: when the stream is a terminal (or as
        :data:`PROGRESS_ENV` says).
    stream : text stream, optional
        Where to write (default ``sys.stderr``, looked up when the reporter is made).
    interval : float
        Least number of seconds between two reports (default 0.5).
    clock : callable, optional
        Seconds as a float (default :func:`time.monotonic`; tests pass a fake one).
    """

    def __init__(
        self,
        total: int | None = None,
        desc: str = "",
        *,
        unit: str = "",
        show: bool | None = None,
        stream: IO[str] | None = None,
        interval: float = 0.5,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.total = None if total is None else check_nonnegative_int(total, "total")
        self.desc = str(desc)
        self.unit = str(unit)
        self.interval = check_float(interval, "interval", min_value=0.0)
        self._stream = sys.stderr if stream is None else stream
        self.enabled = should_show(show, self._stream)
        self._tty = self.enabled and _isatty(self._stream)
        self._clock = time.monotonic if clock is None else clock
        self.done = 0
        self.note = ""
        self._start = self._clock() if self.enabled else 0.0
        self._last: float | None = None
        self._written = -1
        self._width = 0
        self._closed = False

    # ------------------------------------------------------------------ reporting
    def update(self, n: int = 1, note: str | None = None) -> None:
        """Count ``n`` more steps (and replace the note); write when the interval has passed."""
        if not self.enabled or self._closed:
            return
        self.done += n
        if note is not None:
            self.note = str(note)
        now = self._clock()
        if (
            self._last is None
            or now - self._last >= self.interval
            or (self.total is not None and self.done >= self.total)
        ):
            self._write(now)

    def line(self, now: float | None = None) -> str:
        """The current progress line (without the carriage return or newline)."""
        elapsed = (self._clock() if now is None else now) - self._start
        units = self.unit + ("s" if self.unit and (self.total or self.done) != 1 else "")
        count = f"{self.done}" if self.total is None else f"{self.done}/{self.total}"
        parts = [f"{self.desc}: " if self.desc else "", count, f" {units}" if units else ""]
        if self.total:
            parts.append(f" ({100 * self.done // self.total}%)")
        if self.total is not None and 0 < self.done < self.total:
            left = elapsed * (self.total - self.done) / self.done
            parts.append(f" {_duration(elapsed)} elapsed, ~{_duration(left)} left")
        else:
            parts.append(f" in {_duration(elapsed)}")
        if self.note:
            parts.append(f"  {self.note}")
        return "".join(parts)

    def _write(self, now: float) -> None:
        text = self.line(now)
        if self._tty:
            pad = max(0, self._width - len(text))
            self._stream.write("\r" + text + " " * pad)
            self._width = len(text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()
        self._last = now
        self._written = self.done

    def close(self) -> None:
        """Write the last line unless it is already out, and end it; idempotent."""
        if not self.enabled or self._closed:
            return
        self._closed = True
        if self._last is None or self.done != self._written:
            self._write(self._clock())
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def track(
    items: Iterable[_T],
    total: int | None = None,
    desc: str = "",
    *,
    unit: str = "",
    show: bool | None = None,
    stream: IO[str] | None = None,
    interval: float = 0.5,
) -> Iterator[_T]:
    """Yield ``items``, reporting one step per item (``total`` defaults to ``len(items)``).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> sum(track(range(4), desc="sum", stream=out, show=True))
    6
    >>> out.getvalue().splitlines()[-1].startswith("sum: 4/4 (100%)")
    True
    """
    if total is None and isinstance(items, Sized):
        total = len(items)
    with Progress(total, desc, unit=unit, show=show, stream=stream, interval=interval) as bar:
        for item in items:
            yield item
            bar.update()


def process_seconds() -> float | None:
    """Wall seconds since this process started (imports included), or None where unknown.

    Read from ``/proc`` (Linux): the process start in clock ticks after boot, and the boot
    time.  A long job reports this beside its own timer so that start-up (``import torch``) is
    not hidden.

    Examples
    --------
    >>> s = process_seconds()
    >>> s is None or s >= 0
    True
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as f:
            boot = next(float(line.split()[1]) for line in f if line.startswith("btime"))
        return max(0.0, time.time() - (boot + ticks / os.sysconf("SC_CLK_TCK")))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
