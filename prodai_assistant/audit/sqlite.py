"""The default audit store: one SQLite file in the data directory, WAL mode, append-only.

Every record and feedback entry is chained by hash (``chain.py``); see ``_guards`` for what the
database itself refuses.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import AuditError
from .records import as_utc, utc_now
from .sql import SQLAuditStore
from .sql_chain import PRUNE_STATEMENTS, add_chain_columns, chain_existing_rows

FILENAME = "audit.sqlite3"
BUSY_TIMEOUT_MS = 15_000
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

SCHEMA_VERSION = 2  # 2: hash chain, checkpoints, no prune gate table (PRAGMA user_version)
PRUNE_GATE = "prodai_prune_in_progress"  # an SQL function only this store's connections define

# Deleting needs PRUNE_GATE() = 1: the function exists only on this store's own connections and
# says 1 only inside prune's transaction, so no statement (and no row anyone inserts) opens it.
# Other connections get "no such function" on DELETE, which is the point.
_TABLES = (
    """CREATE TABLE IF NOT EXISTS audit_records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    session_id TEXT,
    question TEXT NOT NULL,
    refused INTEGER NOT NULL,
    verdict TEXT,
    latency_ms REAL,
    payload TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE IF NOT EXISTS audit_feedback (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES audit_records (id),
    created_at TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score IN (-1, 1)),
    comment TEXT,
    session_id TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    prev_hash TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE IF NOT EXISTS audit_pruned (
    tbl TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    cutoff TEXT NOT NULL,
    pruned_at TEXT NOT NULL,
    PRIMARY KEY (tbl, first_seq)
)""",
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS audit_records_created ON audit_records (created_at, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS audit_records_seq ON audit_records (seq)",
    "CREATE INDEX IF NOT EXISTS audit_feedback_record ON audit_feedback (record_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS audit_feedback_seq ON audit_feedback (seq)",
)


def _guards(table: str, what: str) -> tuple[str, ...]:
    """No update, no delete outside prune, and no insert over an existing id or seq: INSERT OR
    REPLACE deletes the old row without firing a delete trigger, so it is stopped before."""
    return (
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table}
WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id OR seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, '{what} are append-only: this id or seq exists already'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
WHEN {PRUNE_GATE}() IS NOT 1
BEGIN SELECT RAISE(ABORT, '{what} are append-only; only prune removes old records'); END""",
    )


_CHECKPOINT_GUARDS = (
    f"""CREATE TRIGGER IF NOT EXISTS audit_pruned_only_by_prune BEFORE INSERT ON audit_pruned
WHEN {PRUNE_GATE}() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'prune checkpoints are append-only and written only by prune'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_pruned_no_update BEFORE UPDATE ON audit_pruned
BEGIN SELECT RAISE(ABORT, 'prune checkpoints are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_pruned_no_delete BEFORE DELETE ON audit_pruned
BEGIN SELECT RAISE(ABORT, 'prune checkpoints are append-only'); END""",
)
SCHEMA = (
    *_TABLES,
    *_INDEXES,
    *_guards("audit_records", "audit records"),
    *_guards("audit_feedback", "feedback entries"),
    *_CHECKPOINT_GUARDS,
)
# Version 1 (before the chain): a gate table whose rows unlocked DELETE, and its triggers.
_V1_LEFTOVERS = (
    "DROP TRIGGER IF EXISTS audit_records_no_update",
    "DROP TRIGGER IF EXISTS audit_records_no_delete",
    "DROP TRIGGER IF EXISTS audit_feedback_no_update",
    "DROP TRIGGER IF EXISTS audit_feedback_no_delete",
    "DROP TABLE IF EXISTS audit_prune_gate",
)


def _from_text(value: object) -> datetime:
    return datetime.strptime(str(value), _TS_FORMAT).replace(tzinfo=UTC)


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
            self._install(conn)

    def _install(self, conn: sqlite3.Connection) -> None:
        """Create or upgrade the schema; the triggers are restored at every open."""
        if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            for statement in SCHEMA:
                conn.execute(statement)
            return
        with self._tx(conn):  # one process upgrades; the others wait, then see version 2
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                migrate_v1(conn)
                for statement in SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
            conn.create_function(PRUNE_GATE, 0, _closed_gate)
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

    @contextmanager
    def _snapshot(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN")  # deferred: a read in WAL mode blocks no writer
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")

    def _prune(self, cutoff: datetime) -> int:
        params = {"cutoff": self._ts(cutoff), "now": self._ts(utc_now())}
        with self._conn() as conn, self._tx(conn):
            conn.create_function(PRUNE_GATE, 0, _open_gate)
            try:
                cursor = None
                for statement in PRUNE_STATEMENTS:
                    cursor = conn.execute(statement, params)
            finally:  # before the commit: the gate is open only inside this transaction
                conn.create_function(PRUNE_GATE, 0, _closed_gate)
            return int(cursor.rowcount) if cursor is not None else 0

    def _ts(self, moment: datetime) -> str:
        return ts_text(moment)

    def _from_ts(self, value: object) -> datetime:
        return _from_text(value)

    def _driver_error(self, exc: Exception) -> AuditError | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        if isinstance(exc, sqlite3.IntegrityError):
            return AuditError(f"{self.where} refused the write: {exc}")
        return AuditError(self._advice(str(exc)))

    def _is_duplicate(self, exc: BaseException) -> bool:
        text = str(exc)
        return isinstance(exc, sqlite3.IntegrityError) and (
            "exists already" in text or "UNIQUE" in text
        )


def _open_gate() -> int:
    return 1


def _closed_gate() -> int:
    return 0


def migrate_v1(conn: sqlite3.Connection) -> None:
    """Upgrade a file written before the hash chain: drop the gate, chain the rows in place."""
    for statement in _V1_LEFTOVERS:
        conn.execute(statement)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(audit_records)")}
    if columns and "seq" not in columns:  # (no columns: a new file, SCHEMA creates it all)
        for statement in add_chain_columns("INTEGER"):
            conn.execute(statement)
        chain_existing_rows(conn, lambda sql: sql, _from_text)


__all__ = ["FILENAME", "SCHEMA_VERSION", "SQLiteAuditStore", "migrate_v1", "ts_text"]
