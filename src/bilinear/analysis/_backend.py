"""Thin adapters from the report to the rest of the toolkit.

Every piece the report uses (theory, constructions, verification, training) is reached through a
function here that returns plain data and degrades to ``None`` plus a reason when the piece is not
installed or fails on one task, so that one broken task never sinks the whole report.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import traceback
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from bilinear.automata import tasks
from bilinear.constructions import compile_automaton
from bilinear.errors import UnsupportedConstructionError
from bilinear.theory import classify
from bilinear.verification import verify

__all__ = [
    "TheoryRunner",
    "TaskInfo",
    "resolve_task",
    "classify_task",
    "ConstructionInfo",
    "construct_and_verify",
]


def _short(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 300 else text[:297] + "..."


@dataclass(frozen=True)
class TaskInfo:
    """A resolved task: its spec, catalogue name and parameters, automaton and description."""

    spec: str
    name: str
    params: dict[str, Any]
    dfa: Any
    description: str = ""
    canonical: str = ""
    expected: dict[str, Any] = field(default_factory=dict)

    @property
    def n_states(self) -> int:
        """Number of states of the task's automaton."""
        return len(self.dfa.states)

    @property
    def alphabet(self) -> list[Any]:
        """The task's alphabet, in order."""
        return list(self.dfa.alphabet)

    @property
    def n_labels(self) -> int:
        """Number of distinct output labels."""
        return len(self.dfa.label_values)


def resolve_task(spec: str) -> TaskInfo:
    """Resolve a task spec through the catalogue (errors propagate: they are user errors).

    Examples
    --------
    >>> t = resolve_task("parity")
    >>> t.name, t.n_states, t.n_labels
    ('parity', 2, 2)
    """
    task = tasks.resolve(spec)
    return TaskInfo(
        spec=spec,
        name=str(getattr(task, "name", spec)),
        params=dict(getattr(task, "params", {}) or {}),
        dfa=task.dfa,
        description=str(getattr(task, "description", "") or ""),
        canonical=str(getattr(task, "spec", spec)),
        expected=dict(getattr(task, "expected", {}) or {}),
    )


def classify_task(dfa: Any, notion: str = "fin") -> tuple[dict[str, Any] | None, str | None]:
    """``classify(dfa, notion=...).to_dict()``, or ``(None, reason)`` when not available."""
    try:
        return classify(dfa, notion=notion).to_dict(), None
    except Exception as err:
        return None, f"classify failed: {_short(err)}"


@dataclass(frozen=True)
class ConstructionInfo:
    """Outcome of compiling one level and verifying the result.

    ``verified`` is ``True``/``False`` when a construction was built and checked, ``None`` when
    none was built (unsupported, not available) or it could not be checked.
    """

    level: str
    built: bool
    dim: int | None = None
    verified: bool | None = None
    method: str | None = None
    checked: Any = None
    certificate_markdown: str | None = None
    error: str | None = None
    witness: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    weights: Any = None


def _dimension(rnn: Any) -> int | None:
    for attr in ("hidden", "dim", "dimension"):
        value = getattr(rnn, attr, None)
        if isinstance(value, int):
            return value
    W = getattr(rnn, "W", None)
    shape = getattr(W, "shape", None)
    if shape:
        return int(shape[0])
    return None


def _small_weights(rnn: Any, max_units: int = 12, max_symbols: int = 12) -> Any:
    """``W`` as nested lists (for the report's letter heatmaps) when it is small, else None."""
    try:
        W = np.asarray(rnn.W, dtype=float)
    except Exception:
        return None
    if W.ndim != 3 or W.shape[0] > max_units or W.shape[2] > max_symbols:
        return None
    return W.tolist()


def construct_and_verify(dfa: Any, level: str, **options: Any) -> ConstructionInfo:
    """Compile ``dfa`` at ``level`` and verify the result; never raises on a task's failure."""
    options = {k: v for k, v in options.items() if v is not None}
    try:
        rnn = compile_automaton(dfa, level=level, **options)
    except UnsupportedConstructionError as err:
        return ConstructionInfo(
            level, False, error=_short(err), witness=getattr(err, "witness", None),
            options=options,
        )
    except Exception as err:
        return ConstructionInfo(level, False, error=f"compile failed: {_short(err)}",
                                options=options)
    dim = _dimension(rnn)
    try:
        cert = verify(rnn, dfa)
    except Exception as err:
        return ConstructionInfo(level, True, dim=dim, options=options,
                                error=f"verify failed: {_short(err)}")
    try:
        md = cert.to_markdown()
    except Exception:
        md = None
    return ConstructionInfo(
        level,
        True,
        dim=dim,
        weights=_small_weights(rnn),
        verified=bool(getattr(cert, "holds", False)),
        method=str(getattr(cert, "method", None)),
        checked=[c.to_dict() for c in cert.checked] if hasattr(cert, "checked") else None,
        certificate_markdown=md,
        options=options,
    )


def format_exception(err: BaseException) -> str:  # pragma: no cover - debugging aid
    """The last lines of a traceback, for the report's 'errors' list."""
    return "".join(traceback.format_exception_only(type(err), err)).strip()


# ================================================================================ time limits
def _jsonable(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return str(value)


_TASKS: dict[str, TaskInfo] = {}


def _cached_task(spec: str) -> TaskInfo:
    """One DFA object per spec in a worker, so caches keyed on the automaton are shared."""
    if spec not in _TASKS:
        _TASKS[spec] = resolve_task(spec)
    return _TASKS[spec]


def _worker_classify(spec: str, notion: str) -> tuple[dict[str, Any] | None, str | None]:
    return classify_task(_cached_task(spec).dfa, notion)


def _worker_construct(spec: str, level: str, options: dict[str, Any]) -> dict[str, Any]:
    info = construct_and_verify(_cached_task(spec).dfa, level, **options)
    d = asdict(info)
    d["checked"] = None
    d["witness"] = _jsonable(d["witness"])
    return d


#: Seconds a new theory worker may take to start (a fresh interpreter importing the toolkit).
_STARTUP_S = 300.0


def _ready() -> bool:
    """A no-op run in a new worker, to wait until it has started."""
    return True


def _worker_context() -> Any:
    """The multiprocessing context of the theory worker: ``forkserver`` where it exists (a
    fresh server process forks the workers; forking this process, which runs torch's threads,
    can deadlock the child, and Python 3.12+ warns about it), else ``spawn``.  The server
    preloads this module, so a new worker starts with the theory already imported."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


class TheoryRunner:
    """Runs classify / compile + verify in a worker process under a time limit per call.

    A call that runs past ``timeout`` seconds is abandoned (the worker is terminated and a new
    one started) and reported as timed out, so one slow exact computation (a high-degree number
    field, a huge monoid) cannot stall the report.  ``timeout=None`` runs in this process.

    Examples
    --------
    >>> with TheoryRunner(timeout=None) as runner:
    ...     fin, error = runner.classify("parity", "fin")
    >>> fin["minimal_level"], error
    ('real_diagonal', None)
    """

    def __init__(self, timeout: float | None = 30.0) -> None:
        self.timeout = timeout
        self._pool: Any = None

    def __enter__(self) -> TheoryRunner:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker process."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _call(self, fn: Any, *args: Any) -> tuple[bool, Any]:
        if self.timeout is None:
            return True, fn(*args)
        if self._pool is None:
            self._pool = _worker_context().Pool(1)
            try:  # the limit is the call's: wait for the worker to start (imports) first
                self._pool.apply_async(_ready).get(_STARTUP_S)
            except mp.TimeoutError:
                self.close()
                return False, f"worker did not start within {_STARTUP_S:g} s"
            except Exception as err:
                self.close()
                return False, f"failed: worker did not start ({_short(err)})"
        pending = self._pool.apply_async(fn, args)
        try:
            return True, pending.get(self.timeout)
        except mp.TimeoutError:
            self.close()
            return False, f"timed out after {self.timeout:g} s"
        except Exception as err:
            self.close()
            return False, f"failed: {_short(err)}"

    def classify(self, spec: str, notion: str = "fin") -> tuple[dict[str, Any] | None, str | None]:
        """``classify(task).to_dict()`` or ``(None, reason)``."""
        ok, value = self._call(_worker_classify, spec, notion)
        return value if ok else (None, f"classify {value}")

    def construct(self, spec: str, level: str, **options: Any) -> ConstructionInfo:
        """Compile and verify one level (see :func:`construct_and_verify`)."""
        ok, value = self._call(_worker_construct, spec, level, options)
        if not ok:
            return ConstructionInfo(level, False, error=f"construction {value}", options=options)
        if isinstance(value, ConstructionInfo):
            return value
        return ConstructionInfo(**value)
