"""PostgreSQL audit store for shared deployments (psycopg 3, imported only here and lazily)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ..errors import AuditError, ModelUnavailableError
from .sql import SQLAuditStore

CONNECT_TIMEOUT_S = 10
_SCHEMA_LOCK = 0x70726F64  # advisory lock id: concurrent first opens create the schema once

# Records can be deleted only inside prune's transaction, which sets prodai.prune_cutoff locally.
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    session_id TEXT,
    question TEXT NOT NULL,
    refused BOOLEAN NOT NULL,
    verdict TEXT,
    latency_ms DOUBLE PRECISION,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_records_created ON audit_records (created_at, id);
CREATE TABLE IF NOT EXISTS audit_feedback (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES audit_records (id),
    created_at TIMESTAMPTZ NOT NULL,
    score SMALLINT NOT NULL CHECK (score IN (-1, 1)),
    comment TEXT,
    session_id TEXT
);
CREATE INDEX IF NOT EXISTS audit_feedback_record ON audit_feedback (record_id);
CREATE OR REPLACE FUNCTION prodai_audit_append_only() RETURNS trigger AS $$
DECLARE
    cutoff timestamptz := NULLIF(current_setting('prodai.prune_cutoff', true), '')::timestamptz;
BEGIN
    IF TG_OP = 'DELETE' AND cutoff IS NOT NULL
       AND (TG_TABLE_NAME = 'audit_feedback' OR OLD.created_at < cutoff) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only; only prune removes old records', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records;
CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION prodai_audit_append_only();
DROP TRIGGER IF EXISTS audit_feedback_append_only ON audit_feedback;
CREATE TRIGGER audit_feedback_append_only BEFORE UPDATE OR DELETE ON audit_feedback
    FOR EACH ROW EXECUTE FUNCTION prodai_audit_append_only();
"""


def mask_url(url: str) -> str:
    """The URL with any password replaced, for messages."""
    return re.sub(r"(://[^/:@\s]*):[^/@\s]*@", r"\1:***@", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise ModelUnavailableError(
            "the PostgreSQL audit store needs psycopg 3: pip install 'prodai-assistant[postgres]' "
            "(or unset PRODAI_AUDIT__DATABASE_URL to use SQLite in the data directory)"
        ) from exc
    return psycopg


class PostgresAuditStore(SQLAuditStore):
    """Audit store in a PostgreSQL database; same queries and behaviour as the SQLite store."""

    def __init__(self, url: str, retention_days: int = 365) -> None:
        super().__init__(retention_days)
        self._psycopg = _psycopg()
        self.url = url
        self.where = f"audit database {mask_url(url)!r}"
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            conn.execute(SCHEMA)

    def _connect(self) -> Any:
        return self._psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")

    @contextmanager
    def _tx(self, conn: Any) -> Iterator[Any]:
        with conn.transaction():
            yield conn

    def _allow_prune(self, conn: Any, cutoff: datetime) -> None:
        conn.execute("SELECT set_config('prodai.prune_cutoff', %s, true)", (cutoff.isoformat(),))

    def _from_ts(self, value: Any) -> datetime:
        if not isinstance(value, datetime):
            raise AuditError(f"{self.where}: expected a timestamp, got {value!r}")
        return value.astimezone(UTC)

    def _healthy(self, conn: Any) -> bool:
        return not (conn.closed or conn.broken)

    def _driver_error(self, exc: Exception) -> AuditError | None:
        if not isinstance(exc, self._psycopg.Error):
            return None
        if isinstance(exc, self._psycopg.OperationalError):
            return AuditError(
                f"{self.where} is unreachable or refused the connection ({exc}); check the "
                "server and PRODAI_AUDIT__DATABASE_URL, or unset it to use SQLite"
            )
        return AuditError(f"{self.where} refused the operation: {exc}")

    def _is_duplicate(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.errors.UniqueViolation)


__all__ = ["PostgresAuditStore", "mask_url"]
