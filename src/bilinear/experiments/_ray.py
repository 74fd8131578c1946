"""The optional Ray backend of :func:`bilinear.experiments.sweep.run_sweep`.

Needs ``pip install bilinear[ray]``.  Each run is one Ray task (one CPU, or one GPU with
``device="cuda"``); the coordinating process writes every result to the store as it arrives, so
the sweep stays resumable exactly as with the local backends.

The sweep hands this module the function that runs one configuration (``worker``), so this
module imports nothing of the sweep's.  Before connecting to a cluster at ``host:port`` the
address is probed with a plain TCP connection of :data:`CONNECT_TIMEOUT_S` seconds: Ray's own
connection attempt to an address where nothing listens retries for about a minute and a half.

Examples
--------
>>> _host_port("ray://10.0.0.5:10001"), _host_port("auto")
(('10.0.0.5', 10001), None)
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from typing import Any

from bilinear.errors import InvalidArgumentError

__all__ = ["CONNECT_TIMEOUT_S", "run_ray", "ray_available"]

#: Seconds to wait for a TCP connection to a Ray cluster's address before giving up.
CONNECT_TIMEOUT_S = 5.0


def ray_available() -> bool:
    """True when ``ray`` can be imported."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


def _host_port(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of an address ``[scheme://]host:port``; None for any other form
    (``"auto"``, ``"local"``, a bare host), which is left to Ray."""
    target = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = target.rpartition(":")
    if not sep or not host or not port.isdigit():
        return None
    return host.strip("[]"), int(port)


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise a one-line :class:`InvalidArgumentError` naming ``address`` when no TCP
    connection to it opens within ``timeout`` seconds (addresses without a port pass)."""
    target = _host_port(address)
    if target is None:
        return
    try:
        with socket.create_connection(target, timeout=timeout):
            pass
    except OSError as err:
        reason = "no answer" if isinstance(err, TimeoutError) else (err.strerror or str(err))
        raise InvalidArgumentError(
            f"cannot reach the Ray cluster at {address!r}: {reason.lower()} (waited up to "
            f"{timeout:g} s); start one with `ray start --head` or give another address"
        ) from None


def run_ray(
    todo: Sequence[Any],
    store: Any,
    device: str,
    threads: int | None,
    finish: Callable[[Any, dict[str, Any] | None, BaseException | None], None],
    on_error: str,
    address: str | None,
    worker: Callable[[dict[str, Any], str, int | None], dict[str, Any]],
) -> None:
    """Run ``todo`` as Ray tasks of ``worker``; see :func:`~bilinear.experiments.sweep.run_sweep`.

    ``worker(config_dict, device, threads)`` runs one configuration and returns plain data;
    ``finish(config, out, error)`` records each result as it arrives.
    """
    try:
        import ray
    except ImportError:
        raise InvalidArgumentError(
            "the Ray backend needs ray: pip install 'bilinear[ray]'"
        ) from None

    started_here = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address:
            check_reachable(address)
            kwargs["address"] = address
        ray.init(**kwargs)
        started_here = True
    try:
        gpus = 1 if str(device).startswith("cuda") else 0
        remote = ray.remote(num_cpus=threads or 1, num_gpus=gpus)(worker)
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
