"""The optional Ray backend of :func:`bilinear.experiments.sweep.run_sweep`.

Needs ``pip install bilinear[ray]``.  Each run is one Ray task (one CPU, or one GPU with
``device="cuda"``); the coordinating process writes every result to the store as it arrives, so
the sweep stays resumable exactly as with the local backends.
"""

from __future__ import annotations

from typing import Any

from bilinear.errors import InvalidArgumentError

__all__ = ["run_ray", "ray_available"]


def ray_available() -> bool:
    """True when ``ray`` can be imported."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


def run_ray(todo, store, device, threads, finish, on_error, address=None) -> None:
    """Run ``todo`` as Ray tasks; see :func:`~bilinear.experiments.sweep.run_sweep`."""
    try:
        import ray
    except ImportError:
        raise InvalidArgumentError(
            "the Ray backend needs ray: pip install 'bilinear[ray]'"
        ) from None
    from bilinear.experiments.sweep import _run_worker

    started_here = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address:
            kwargs["address"] = address
        ray.init(**kwargs)
        started_here = True
    try:
        gpus = 1 if str(device).startswith("cuda") else 0
        remote = ray.remote(num_cpus=threads or 1, num_gpus=gpus)(_run_worker)
        pending = {}
        for cfg in todo:
            store.mark_started(cfg)
            pending[remote.remote(cfg.to_dict(), device, threads)] = cfg
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            cfg = pending.pop(ready[0])
            try:
                out = ray.get(ready[0])
            except Exception as wrapped:
                err = _cause(wrapped)
                finish(cfg, None, err)
                if on_error == "raise":
                    for ref in pending:
                        ray.cancel(ref)
                    raise err from None
                continue
            finish(cfg, out, None)
    finally:
        if started_here:
            ray.shutdown()


def _cause(err: BaseException) -> BaseException:
    """The run's own exception inside Ray's ``RayTaskError`` (whose text carries the remote
    traceback), so the store and the command line get the same one-line message as with the
    local backends."""
    cause = getattr(err, "cause", None)
    return cause if isinstance(cause, BaseException) else err
