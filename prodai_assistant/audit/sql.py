"""Shared SQL behaviour for the SQLite and PostgreSQL stores; dialects fill in a few hooks.

Queries are written with ``?`` placeholders; a dialect may translate them. Timestamps go through
``_ts``/``_from_ts``: SQLite keeps them as fixed-width UTC text, PostgreSQL as timestamptz.
Every insert extends its table's hash chain (``chain.py``) in one transaction with the chain
head locked, so concurrent writers never fork it.
"""

from __future__ import annotations

import builtins
import heapq
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

from ..errors import AuditError
from .chain import (
    GENESIS,
    ChainReport,
    Link,
    Table,
    append,
    feedback_body,
    record_body,
    verify_chain,
)
from .records import AuditRecord, Feedback, RecordKind, as_utc, redact_record
from .redaction import clean
from .sql_chain import (
    CHECKPOINTS,
    FEEDBACK_LINK_COLUMNS,
    HEADS,
    RECORD_LINK_COLUMNS,
    TABLES,
    checkpoint_link,
    feedback_link,
    record_link,
)
from .stats import StatRow
from .store import DEFAULT_LIMIT, BaseStore, check_feedback

EXPORT_BATCH = 500
VERIFY_BATCH = 1000

_INSERT_RECORD = (
    "INSERT INTO audit_records (id, kind, created_at, session_id, question, refused, verdict,"
    " latency_ms, payload, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The EXISTS guard makes an unknown record id a zero-row insert instead of a driver-specific error.
_INSERT_FEEDBACK = (
    "INSERT INTO audit_feedback (id, record_id, created_at, score, comment, session_id,"
    " seq, prev_hash, hash) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?"
    " WHERE EXISTS (SELECT 1 FROM audit_records WHERE id = ?)"
)
_STAT_COLUMNS = "id, kind, created_at, latency_ms, refused, question, verdict"
_FEEDBACK_COLUMNS = "f.id, f.record_id, f.created_at, f.score, f.comment, f.session_id"


def _load(payload: str) -> AuditRecord:
    """A stored record as shown: redacted again, so rows older than a rule never show a secret."""
    return redact_record(AuditRecord.model_validate_json(payload))


class SQLAuditStore(BaseStore):
    """Connection pool, range filters and every query; subclasses supply the driver."""

    where: str = "audit store"  # how messages name this store (a path or a masked URL)

    def __init__(self, retention_days: int = 365) -> None:
        self.retention_days = retention_days
        self._pool: builtins.list[Any] = []
        self._open: builtins.list[Any] = []
        self._lock = threading.Lock()
        self._closed = False

    # --- dialect hooks -------------------------------------------------------------------------
    def _connect(self) -> Any:
        raise NotImplementedError

    def _tx(self, conn: Any) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _snapshot(self, conn: Any) -> AbstractContextManager[Any]:
        """A read-only transaction: every query in it sees the same state."""
        raise NotImplementedError

    def _lock_chain(self, conn: Any) -> None:
        """Inside ``_tx``: hold the chain heads until commit, against concurrent writers."""

    def _prune(self, cutoff: datetime) -> int:
        raise NotImplementedError

    def _sql(self, text: str) -> str:
        return text

    def _ts(self, moment: datetime) -> Any:
        return as_utc(moment)

    def _from_ts(self, value: Any) -> datetime:
        raise NotImplementedError

    def _driver_error(self, exc: Exception) -> AuditError | None:
        """An AuditError for a driver exception, or None if ``exc`` is not the driver's."""
        raise NotImplementedError

    def _is_duplicate(self, exc: BaseException) -> bool:
        raise NotImplementedError

    def _healthy(self, conn: Any) -> bool:
        """False for a connection that must not go back into the pool."""
        return True

    # --- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _conn(self) -> Iterator[Any]:
        """Borrow a pooled connection; threads never share one at the same time."""
        with self._lock:
            if self._closed:
                raise AuditError(f"{self.where} is closed; open it again with open_audit_store()")
            conn = self._pool.pop() if self._pool else None
        try:
            if conn is None:
                conn = self._connect()
                with self._lock:
                    self._open.append(conn)
            yield conn
        except AuditError:
            raise
        except Exception as exc:
            error = self._driver_error(exc)
            if error is None:
                raise
            raise error from exc
        finally:
            if conn is not None:
                with self._lock:
                    keep = not self._closed and self._healthy(conn)
                    if keep:
                        self._pool.append(conn)
                    elif conn in self._open:
                        self._open.remove(conn)
                if not keep:
                    conn.close()

    def _fetch(self, sql: str, params: tuple[Any, ...] = ()) -> builtins.list[tuple[Any, ...]]:
        with self._conn() as conn:
            rows: builtins.list[tuple[Any, ...]] = conn.execute(self._sql(sql), params).fetchall()
            return rows

    def _range(
        self, since: datetime | None, until: datetime | None, column: str = "created_at"
    ) -> tuple[str, builtins.list[Any]]:
        clauses, params = [], []
        if since is not None:
            clauses.append(f"{column} >= ?")
            params.append(self._ts(since))
        if until is not None:
            clauses.append(f"{column} < ?")
            params.append(self._ts(until))
        return " AND ".join(clauses) or "1 = 1", params

    # --- the AuditStore protocol ---------------------------------------------------------------
    def _head(self, conn: Any, table: Table) -> tuple[int, str]:
        """The seq and hash the next entry of ``table`` links to."""
        own, pruned = (
            conn.execute(self._sql(HEADS[0].format(table=TABLES[table]))).fetchone(),
            conn.execute(self._sql(HEADS[1]), (table,)).fetchone(),
        )
        heads = [(int(row[0]), str(row[1])) for row in (own, pruned) if row is not None]
        return max(heads, default=(0, GENESIS))

    def _append(
        self, table: Table, sql: str, values: tuple[Any, ...], body: str, tail: tuple[Any, ...] = ()
    ) -> int:
        """Insert ``values`` + the next link of ``table`` + ``tail``; the driver's row count."""
        with self._conn() as conn, self._tx(conn):
            self._lock_chain(conn)
            link = append(self._head(conn, table), str(values[0]), body)
            params = (*values, link.seq, link.prev_hash, link.hash, *tail)
            return int(conn.execute(self._sql(sql), params).rowcount)

    def record(self, record: AuditRecord) -> str:
        clean = redact_record(record)
        payload = clean.model_dump_json()
        params = (
            clean.id,
            clean.kind,
            self._ts(clean.created_at),
            clean.session_id,
            clean.question,
            clean.refused,
            clean.verdict,
            clean.latency_ms,
            payload,
        )
        try:
            self._append("records", _INSERT_RECORD, params, record_body(payload))
        except AuditError as exc:
            if exc.__cause__ is not None and self._is_duplicate(exc.__cause__):
                raise AuditError(f"audit record {clean.id!r} exists already (append-only)") from exc
            raise
        return clean.id

    def get(self, record_id: str) -> AuditRecord | None:
        rows = self._fetch("SELECT payload FROM audit_records WHERE id = ?", (record_id,))
        return _load(rows[0][0]) if rows else None

    def _ids_with_prefix(self, prefix: str) -> builtins.list[str]:
        # prefix is validated as hex, so it carries no LIKE wildcards
        rows = self._fetch("SELECT id FROM audit_records WHERE id LIKE ? LIMIT 2", (prefix + "%",))
        return [row[0] for row in rows]

    def list(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        kind: RecordKind | None = None,
    ) -> builtins.list[AuditRecord]:
        where, params = self._range(since, until)
        if kind is not None:
            where += " AND kind = ?"
            params.append(kind)
        sql = (
            f"SELECT payload FROM audit_records WHERE {where}"
            " ORDER BY created_at DESC, id DESC LIMIT ?"
        )
        rows = self._fetch(sql, (*params, limit or DEFAULT_LIMIT))
        return [_load(row[0]) for row in rows]

    def count(self, since: datetime | None = None, until: datetime | None = None) -> int:
        where, params = self._range(since, until)
        rows = self._fetch(f"SELECT COUNT(*) FROM audit_records WHERE {where}", tuple(params))
        return int(rows[0][0])

    def add_feedback(
        self, record_id: str, score: int, comment: str | None = None, session_id: str | None = None
    ) -> Feedback:
        entry = check_feedback(record_id, score, comment, session_id)
        params = (
            entry.id,
            entry.record_id,
            self._ts(entry.created_at),
            entry.score,
            entry.comment,
            entry.session_id,
        )
        body = feedback_body(entry)
        inserted = self._append("feedback", _INSERT_FEEDBACK, params, body, tail=(record_id,))
        if inserted != 1:
            raise AuditError(f"cannot rate unknown audit record {record_id!r}")
        return entry

    def feedback_for(
        self,
        record_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> builtins.list[Feedback]:
        where, params = self._range(since, until, column="r.created_at")
        if record_id is not None:
            where += " AND f.record_id = ?"
            params.append(record_id)
        sql = (
            f"SELECT {_FEEDBACK_COLUMNS} FROM audit_feedback f"
            f" JOIN audit_records r ON r.id = f.record_id WHERE {where}"
            " ORDER BY f.created_at, f.id"
        )
        return [
            Feedback(
                id=row[0],
                record_id=row[1],
                created_at=self._from_ts(row[2]),
                score=row[3],
                comment=clean(row[4]) if row[4] is not None else None,
                session_id=row[5],
            )
            for row in self._fetch(sql, tuple(params))
        ]

    def prune(self, older_than: datetime | None = None) -> int:
        """Remove old records and their feedback, leaving checkpoints that keep the chains."""
        return self._prune(self._cutoff(older_than))

    def _stored_links(self, conn: Any, table: Table) -> Iterator[Link]:
        columns, to_link = (
            (RECORD_LINK_COLUMNS, record_link)
            if table == "records"
            else (FEEDBACK_LINK_COLUMNS, feedback_link)
        )
        sql = self._sql(f"SELECT {columns} FROM {TABLES[table]} WHERE seq > ? ORDER BY seq LIMIT ?")
        after = 0
        while True:  # in batches: a chain may be far larger than memory
            rows = conn.execute(sql, (after, VERIFY_BATCH)).fetchall()
            yield from (to_link(row, self._from_ts) for row in rows)
            if len(rows) < VERIFY_BATCH:
                return
            after = int(rows[-1][0])

    def links(self, table: Table) -> Iterator[Link]:
        """Every entry and prune checkpoint of ``table``'s chain, in seq order, read from one
        snapshot (a prune running meanwhile must not look like a gap)."""
        with self._conn() as conn, self._snapshot(conn):
            rows = conn.execute(self._sql(CHECKPOINTS), (table,)).fetchall()
            checkpoints = [checkpoint_link(row, table, self._from_ts) for row in rows]
            stored = self._stored_links(conn, table)
            yield from heapq.merge(stored, checkpoints, key=lambda link: link.seq)

    def verify(self, anchor: tuple[int, str] | None = None) -> builtins.list[ChainReport]:
        return [
            verify_chain(table, self.links(table), anchor if table == "records" else None)
            for table in TABLES
        ]

    def export(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[AuditRecord]:
        where, params = self._range(since, until)
        after: tuple[Any, str] | None = None
        while True:
            clause, extra = where, builtins.list(params)
            if after is not None:
                clause += " AND (created_at > ? OR (created_at = ? AND id > ?))"
                extra += [after[0], after[0], after[1]]
            rows = self._fetch(
                f"SELECT created_at, id, payload FROM audit_records WHERE {clause}"
                " ORDER BY created_at, id LIMIT ?",
                (*extra, EXPORT_BATCH),
            )
            for row in rows:
                yield _load(row[2])
            if len(rows) < EXPORT_BATCH:
                return
            after = (rows[-1][0], rows[-1][1])

    def _stat_rows(self, since: datetime | None, until: datetime | None) -> builtins.list[StatRow]:
        where, params = self._range(since, until)
        sql = f"SELECT {_STAT_COLUMNS} FROM audit_records WHERE {where}"
        rows = self._fetch(sql, tuple(params))
        return [
            StatRow(
                id=row[0],
                kind=row[1],
                created_at=self._from_ts(row[2]),
                latency_ms=row[3],
                refused=bool(row[4]),
                question=clean(row[5]),
                verdict=row[6],
            )
            for row in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns, self._open, self._pool = self._open, [], []
        for conn in conns:
            conn.close()


__all__ = ["EXPORT_BATCH", "SQLAuditStore"]
