"""The default audit store: one SQLite file in the data directory, WAL mode, append-only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import AuditError
from .records import as_utc
from .sql import SQLAuditStore

FILENAME = "audit.sqlite3"
BUSY_TIMEOUT_MS = 15_000
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

# Records can be deleted only while prune holds a cutoff in audit_prune_gate, and only if older.
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    session_id TEXT,
    question TEXT NOT NULL,
    refused INTEGER NOT NULL,
    verdict TEXT,
    latency_ms REAL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_records_created ON audit_records (created_at, id);
CREATE TABLE IF NOT EXISTS audit_feedback (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES audit_records (id),
    created_at TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score IN (-1, 1)),
    comment TEXT,
    session_id TEXT
);
CREATE INDEX IF NOT EXISTS audit_feedback_record ON audit_feedback (record_id);
CREATE TABLE IF NOT EXISTS audit_prune_gate (cutoff TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records
WHEN NOT EXISTS (SELECT 1 FROM audit_prune_gate WHERE OLD.created_at < cutoff)
BEGIN SELECT RAISE(ABORT, 'audit records are append-only; only prune removes old ones'); END;
CREATE TRIGGER IF NOT EXISTS audit_feedback_no_update BEFORE UPDATE ON audit_feedback
BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_feedback_no_delete BEFORE DELETE ON audit_feedback
WHEN NOT EXISTS (SELECT 1 FROM audit_prune_gate)
BEGIN SELECT RAISE(ABORT, 'feedback is append-only; only prune removes old records'); END;
"""


def ts_text(moment: datetime) -> str:
    """A timestamp as fixed-width UTC text (microseconds, 'Z'), so text order is time order.

    Not strftime: its ``%Y`` does not pad years before 1000, and "9-01-01" sorts after "2025".
    """
    return as_utc(moment).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


class SQLiteAuditStore(SQLAuditStore):
    """SQLite file store; safe for many threads and processes writing at once."""

    def __init__(self, path: Path, retention_days: int = 365) -> None:
        super().__init__(retention_days)
        self.path = Path(path)
        self.where = f"audit database {str(self.path)!r}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AuditError(self._advice(f"cannot create its folder ({exc.strerror})")) from exc
        with self._conn() as conn:
            conn.executescript(SCHEMA)

    def _advice(self, problem: str) -> str:
        return (
            f"{self.where}: {problem}. Make the folder writable with free space, "
            f"point PRODAI_DATA_DIR at another folder, or turn auditing off with "
            f"PRODAI_AUDIT__ENABLED=false"
        )

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: each INSERT is its own transaction; prune opens an explicit one.
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode survives application crashes; only a power cut can lose the
            # last commits. FULL would add an fsync to every record.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    @contextmanager
    def _tx(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _allow_prune(self, conn: sqlite3.Connection, cutoff: datetime) -> None:
        conn.execute("DELETE FROM audit_prune_gate")
        conn.execute("INSERT INTO audit_prune_gate (cutoff) VALUES (?)", (self._ts(cutoff),))

    def _end_prune(self, conn: sqlite3.Connection) -> None:
        # Inside the same transaction, so no other connection ever sees an open gate.
        conn.execute("DELETE FROM audit_prune_gate")

    def _ts(self, moment: datetime) -> str:
        return ts_text(moment)

    def _from_ts(self, value: object) -> datetime:
        return datetime.strptime(str(value), _TS_FORMAT).replace(tzinfo=UTC)

    def _driver_error(self, exc: Exception) -> AuditError | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        if isinstance(exc, sqlite3.IntegrityError):
            return AuditError(f"{self.where} refused the write: {exc}")
        return AuditError(self._advice(str(exc)))

    def _is_duplicate(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)


__all__ = ["FILENAME", "SQLiteAuditStore", "ts_text"]
