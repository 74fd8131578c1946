"""The results store: one SQLite file, one row per run, written in one transaction at the end.

A row's ``key`` is :meth:`RunConfig.key`; its ``status`` is ``"started"`` while a run is under
way, ``"failed"`` after an error, ``"finished"`` once the run's metrics are in.  Only
``"finished"`` counts: a run killed half-way leaves at most a ``"started"`` marker, so a sweep
redoes it.  Each call opens its own short-lived connection (safe across processes).

Examples
--------
>>> import tempfile, os
>>> from bilinear.experiments import RunConfig
>>> from bilinear.experiments.store import ResultsStore
>>> path = os.path.join(tempfile.mkdtemp(), "results.sqlite")
>>> store = ResultsStore(path)
>>> cfg = RunConfig(task="parity", model="full", hidden=4)
>>> store.mark_started(cfg); store.is_finished(cfg.key())
False
>>> store.record(cfg, {"10": {"accuracy": 1.0, "normalized_accuracy": 1.0}}, {"steps": 3})
>>> store.is_finished(cfg.key()), len(store.results())
(True, 1)
"""

from __future__ import annotations

import csv
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bilinear.errors import InvalidArgumentError, ResultsStoreError
from bilinear.experiments.config import RunConfig

__all__ = ["ResultsStore", "SCHEMA_VERSION", "by_length"]

SCHEMA_VERSION = 1


def by_length(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Per-length metrics in numeric order of their keys (lengths written as strings).

    JSON objects sorted as text put ``"100"`` before ``"50"``; this puts them by length.

    Examples
    --------
    >>> list(by_length({"10": 1, "100": 2, "50": 3, "500": 4}))
    ['10', '50', '100', '500']
    """
    def order(key: str) -> tuple[int, int | str]:
        text = str(key)
        return (0, int(text)) if text.isdigit() else (1, text)

    return {k: metrics[k] for k in sorted(metrics, key=order)}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('started', 'finished', 'failed')),
    task TEXT NOT NULL,
    model TEXT NOT NULL,
    hidden INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    lr REAL NOT NULL,
    config TEXT NOT NULL,
    metrics TEXT,
    info TEXT,
    error TEXT,
    started_at REAL,
    finished_at REAL
);
CREATE TABLE IF NOT EXISTS store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_COLUMNS = ("key", "status", "task", "model", "hidden", "seed", "lr", "config", "metrics",
            "info", "error", "started_at", "finished_at")

CSV_FIELDS = ("key", "task", "model", "hidden", "options", "seed", "lr", "steps", "length",
              "accuracy", "normalized_accuracy", "majority_accuracy",
              "majority_normalized_accuracy", "final_accuracy")


class ResultsStore:
    """A results store in one SQLite file (created on first use).

    Parameters
    ----------
    path : str or Path
        The database file.  A file that is not a results store raises
        :class:`~bilinear.errors.ResultsStoreError`.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise ResultsStoreError(f"results store {str(self.path)!r} is a directory")
        self._initialise()

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    # ------------------------------------------------------------------ connection
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=60.0)
        except sqlite3.Error as err:
            raise ResultsStoreError(
                f"cannot open results store {str(self.path)!r}: {err}"
            ) from None
        try:
            with conn:  # one transaction: committed on success, rolled back on error
                yield conn
        except sqlite3.DatabaseError as err:
            raise ResultsStoreError(
                f"results store {str(self.path)!r} is corrupt or not a results store: {err}"
            ) from None
        finally:
            conn.close()

    def _initialise(self) -> None:
        if self.path.parent and not self.path.parent.exists():
            raise ResultsStoreError(f"directory of results store {str(self.path)!r} does not exist")
        with self._connect() as conn:
            conn.executescript(_SCHEMA)
            cols = [row[1] for row in conn.execute("PRAGMA table_info(runs)")]
            if tuple(cols) != _COLUMNS:
                raise ResultsStoreError(
                    f"{str(self.path)!r} has a 'runs' table of another layout; "
                    "it is not a bilinear results store"
                )
            conn.execute("INSERT OR IGNORE INTO store_meta VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))
            version = conn.execute(
                "SELECT value FROM store_meta WHERE name = 'schema_version'"
            ).fetchone()[0]
            if version != str(SCHEMA_VERSION):
                raise ResultsStoreError(
                    f"results store {str(self.path)!r} has schema version {version}, "
                    f"this version of bilinear reads {SCHEMA_VERSION}"
                )

    # ------------------------------------------------------------------ writing
    def mark_started(self, config: RunConfig) -> None:
        """Record that a run began (does not count as finished; never overwrites a result)."""
        row = self._row(config, "started")
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO runs (key, status, task, model, hidden, seed, lr, config, "
                "started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET status = 'started', started_at = "
                "excluded.started_at, error = NULL WHERE runs.status != 'finished'",
                (*row, time.time()),
            )

    def record(self, config: RunConfig, metrics: Mapping[str, Any],
               info: Mapping[str, Any] | None = None) -> None:
        """Store a finished run's metrics, in one transaction (replaces a started marker)."""
        if not isinstance(config, RunConfig):
            raise InvalidArgumentError(f"expected a RunConfig, got {type(config).__name__}")
        row = self._row(config, "finished")
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO runs (key, status, task, model, hidden, seed, lr, config, metrics, "
                "info, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET status = 'finished', config = excluded.config, "
                "metrics = excluded.metrics, info = excluded.info, error = NULL, "
                "finished_at = excluded.finished_at",
                (*row, json.dumps(metrics, sort_keys=True),
                 json.dumps(dict(info or {}), sort_keys=True, default=str), time.time()),
            )

    def record_failure(self, config: RunConfig, error: str) -> None:
        """Mark a run as failed (it is redone by the next sweep); a finished run stays."""
        row = self._row(config, "failed")
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO runs (key, status, task, model, hidden, seed, lr, config, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                "status = 'failed', error = excluded.error WHERE runs.status != 'finished'",
                (*row, str(error)[:2000]),
            )

    @staticmethod
    def _row(config: RunConfig, status: str) -> tuple:
        return (config.key(), status, config.task, config.model, config.hidden, config.seed,
                config.lr, json.dumps(config.to_dict(), sort_keys=True))

    # ------------------------------------------------------------------ reading
    def is_finished(self, key: str) -> bool:
        """True when the run ``key`` has finished metrics in the store."""
        with self._connect() as conn:
            row = conn.execute("SELECT status FROM runs WHERE key = ?", (key,)).fetchone()
        return row is not None and row[0] == "finished"

    def finished_keys(self) -> set[str]:
        """Keys of every finished run."""
        with self._connect() as conn:
            return {r[0] for r in conn.execute("SELECT key FROM runs WHERE status = 'finished'")}

    def counts(self) -> dict[str, int]:
        """Number of rows per status."""
        with self._connect() as conn:
            rows = conn.execute("SELECT status, COUNT(*) FROM runs GROUP BY status").fetchall()
        return {status: n for status, n in rows}

    def results(self, status: str = "finished", **where: Any) -> list[dict[str, Any]]:
        """Rows as dicts (``config``, ``metrics``, ``info`` decoded), filtered by equality on
        ``task``, ``model``, ``hidden``, ``seed`` or ``lr``; ``status=None`` returns all rows."""
        allowed = {"task", "model", "hidden", "seed", "lr"}
        bad = sorted(set(where) - allowed)
        if bad:
            raise InvalidArgumentError(f"cannot filter results by {', '.join(bad)}")
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        for k, v in sorted(where.items()):
            clauses.append(f"{k} = ?")
            params.append(v)
        sql = "SELECT * FROM runs" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY task, model, hidden, seed, lr, key",
                                params).fetchall()
        out = []
        for row in rows:
            d = dict(zip(_COLUMNS, row, strict=True))
            for k in ("config", "metrics", "info"):
                try:
                    d[k] = json.loads(d[k]) if d[k] is not None else None
                except json.JSONDecodeError as err:
                    raise ResultsStoreError(
                        f"run {d['key']}: column {k} is not JSON: {err}"
                    ) from None
            if isinstance(d["metrics"], dict):
                d["metrics"] = by_length(d["metrics"])
            out.append(d)
        return out

    # ------------------------------------------------------------------ export
    def export_json(self, path: str | Path | None = None) -> str:
        """All finished runs as one JSON document (written to ``path`` when given)."""
        text = json.dumps({"schema_version": SCHEMA_VERSION, "runs": self.results()},
                          indent=1, sort_keys=True)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def export_csv(self, path: str | Path) -> int:
        """One CSV row per (finished run, test length); returns the number of rows."""
        n = 0
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
            writer.writeheader()
            for r in self.results():
                cfg, info = r["config"], r["info"] or {}
                for length, m in (r["metrics"] or {}).items():
                    writer.writerow({
                        "key": r["key"], "task": r["task"], "model": r["model"],
                        "hidden": r["hidden"],
                        "options": json.dumps(cfg.get("options", {}), sort_keys=True),
                        "seed": r["seed"], "lr": r["lr"], "steps": info.get("steps"),
                        "length": int(length), "accuracy": m.get("accuracy"),
                        "normalized_accuracy": m.get("normalized_accuracy"),
                        "majority_accuracy": m.get("majority_accuracy"),
                        "majority_normalized_accuracy": m.get("majority_normalized_accuracy"),
                        "final_accuracy": m.get("final_accuracy"),
                    })
                    n += 1
        return n
