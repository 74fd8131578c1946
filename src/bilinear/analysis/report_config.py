"""What a hierarchy report runs and where it writes (:class:`ReportConfig`).

Examples
--------
>>> from bilinear.analysis.report_config import ReportConfig
>>> from bilinear.analysis.suite import TINY
>>> ReportConfig(TINY, "reports/tiny", train=False).store_path.as_posix()
'reports/tiny/results.sqlite'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bilinear.analysis.suite import Suite, TaskScoring
from bilinear.errors import InvalidArgumentError

__all__ = ["ReportConfig", "prepare_output"]


@dataclass(frozen=True)
class ReportConfig:
    """What to run and where to write it.

    Parameters
    ----------
    suite : Suite
        Tasks, models and budget (:data:`~bilinear.analysis.suite.QUICK`, ``FULL``, or a
        :func:`~bilinear.analysis.suite.select` of one).
    out : path
        Output directory (created; must be writable).
    store : path, optional
        Results store; default ``out / "results.sqlite"``.
    train : bool
        Train models (``False``: theory and constructions only).
    paper : bool
        Add the paper's experiments.
    plots, html : bool
        Write PNG plots / ``report.html``.
    progress : bool
        Show a progress bar on stderr.
    device : str, optional
        Torch device for training (``"cpu"``, ``"cuda"``, ``None`` for auto).
    workers : int
        Training processes (1: in this process).
    threads : int, optional
        Torch CPU threads per training process.
    backend : str, optional
        Sweep backend: ``"sequential"``, ``"process"`` (the default when ``workers`` > 1) or
        ``"ray"``.
    ray_address : str, optional
        Address of a running Ray cluster (``backend="ray"``); a local instance otherwise.
    theory_timeout : float, optional
        Seconds allowed for each classify / compile-and-verify call (run in a worker process);
        ``None`` runs them in this process without a limit.

    Examples
    --------
    >>> from bilinear.analysis.suite import QUICK
    >>> cfg = ReportConfig(QUICK, "reports/quick")
    >>> cfg.store_path.as_posix()
    'reports/quick/results.sqlite'
    >>> ReportConfig(QUICK, "r", workers=0)
    Traceback (most recent call last):
    ...
    bilinear.errors.InvalidArgumentError: workers must be a positive integer, got 0
    """

    suite: Suite
    out: Path
    store: Path | None = None
    train: bool = True
    paper: bool = True
    plots: bool = True
    html: bool = True
    progress: bool = True
    device: str | None = "cpu"
    workers: int = 1
    threads: int | None = 1
    backend: str | None = None
    ray_address: str | None = None
    theory_timeout: float | None = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.suite, Suite):
            raise InvalidArgumentError(f"suite must be a Suite, got {type(self.suite).__name__}")
        object.__setattr__(self, "out", Path(self.out))
        if self.store is not None:
            object.__setattr__(self, "store", Path(self.store))
        if self.backend not in (None, "sequential", "process", "ray"):
            raise InvalidArgumentError(
                f"backend must be 'sequential', 'process' or 'ray', got {self.backend!r}"
            )
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise InvalidArgumentError(f"workers must be a positive integer, got {self.workers!r}")
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise InvalidArgumentError(f"threads must be a positive integer, got {self.threads!r}")

    def scoring_for(self, task: str) -> TaskScoring | None:
        """How the benchmark suite the report runs scores ``task`` (final label only or every
        position, chance level); ``None`` when it is not a benchmark task.

        Examples
        --------
        >>> from bilinear.analysis.suite import from_benchmark
        >>> cfg = ReportConfig(from_benchmark("chomsky-regular"), "r", train=False)
        >>> cfg.scoring_for("chomsky-regular/even_pairs").label_kind
        'final'
        """
        return self.suite.scoring_for(task)

    @property
    def store_path(self) -> Path:
        """The results store actually used."""
        return self.store if self.store is not None else self.out / "results.sqlite"


def prepare_output(out: str | Path) -> Path:
    """Create ``out`` and check that files can be written there, before any work starts.

    Raises
    ------
    InvalidArgumentError
        When the directory cannot be created or written.

    Examples
    --------
    >>> import tempfile, os
    >>> d = prepare_output(os.path.join(tempfile.mkdtemp(), "r"))
    >>> d.is_dir()
    True
    """
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-probe"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InvalidArgumentError(
            f"cannot write the report to {str(path)!r}: {reason}"
        ) from None
    return path
