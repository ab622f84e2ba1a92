"""The AuditStore protocol, shared behaviour, a no-op store and an in-memory store."""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from ..errors import AuditError, InputError
from .chain import (
    GENESIS,
    ChainReport,
    Link,
    Table,
    append,
    checkpoints,
    feedback_body,
    record_body,
    verify_chain,
)
from .records import AuditRecord, Feedback, RecordKind, as_utc, redact_record, utc_now
from .redaction import clean, sanitize
from .stats import OpsStats, StatRow, compute_stats

DEFAULT_LIMIT = 1000
_Records = builtins.list[AuditRecord]
_Feedbacks = builtins.list[Feedback]


@runtime_checkable
class AuditStore(Protocol):
    """Append-only record of every ask and classify, plus the feedback on them."""

    def record(self, record: AuditRecord) -> str:
        """Redact and store ``record``; return its id."""
        ...

    def get(self, record_id: str) -> AuditRecord | None: ...

    def resolve(self, prefix: str) -> str:
        """The full id of the one record whose id starts with ``prefix`` (AuditError if not)."""
        ...

    def list(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        kind: RecordKind | None = None,
    ) -> _Records:
        """Records in ``[since, until)``, newest first, at most ``limit`` (default 1000)."""
        ...

    def count(self, since: datetime | None = None, until: datetime | None = None) -> int: ...

    def add_feedback(
        self, record_id: str, score: int, comment: str | None = None, session_id: str | None = None
    ) -> Feedback: ...

    def feedback_for(
        self,
        record_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> _Feedbacks:
        """Feedback on one record, or on every record created in the range; oldest first."""
        ...

    def prune(self, older_than: datetime | None = None) -> int:
        """Delete records (and their feedback) created before ``older_than``; return the count.

        The hash chains stay verifiable: each run of removed entries leaves a checkpoint."""
        ...

    def verify(self, anchor: tuple[int, str] | None = None) -> builtins.list[ChainReport]:
        """Recompute the hash chains of the records and of the feedback; the first fault of each.

        ``anchor``: a records head (seq, hash prefix) saved from an earlier verify."""
        ...

    def export(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[AuditRecord]:
        """Every record in the range, oldest first, fetched in batches."""
        ...

    def stats(self, since: datetime | None = None, until: datetime | None = None) -> OpsStats: ...

    def close(self) -> None: ...


def check_feedback(
    record_id: str, score: int, comment: str | None, session_id: str | None
) -> Feedback:
    """Validate, sanitise and redact one feedback entry."""
    if score not in (-1, 1):
        raise InputError(f"feedback score must be +1 or -1, got {score!r}")
    comment = clean(comment).strip() if comment else None
    return Feedback(
        record_id=record_id,
        score=1 if score > 0 else -1,
        comment=comment or None,
        session_id=sanitize(session_id) if session_id is not None else None,
    )


def in_range(moment: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or moment >= as_utc(since)) and (until is None or moment < as_utc(until))


class BaseStore:
    """Behaviour every real store shares: retention cutoff, id prefixes, stats."""

    retention_days: int = 365

    def _cutoff(self, older_than: datetime | None) -> datetime:
        if older_than is None:
            return utc_now() - timedelta(days=self.retention_days)
        return as_utc(older_than)

    def _ids_with_prefix(self, prefix: str) -> builtins.list[str]:
        raise NotImplementedError

    def _stat_rows(self, since: datetime | None, until: datetime | None) -> builtins.list[StatRow]:
        raise NotImplementedError

    def feedback_for(
        self,
        record_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> _Feedbacks:
        raise NotImplementedError

    def resolve(self, prefix: str) -> str:
        prefix = prefix.strip().lower()
        if len(prefix) < 4 or not all(c in "0123456789abcdef" for c in prefix):
            raise InputError(
                f"{prefix!r} is not a record id: give at least 4 hex characters "
                "(see `prodai audit list`)"
            )
        matches = self._ids_with_prefix(prefix)
        if not matches:
            raise AuditError(f"no audit record with id {prefix!r} (see `prodai audit list`)")
        if len(matches) > 1:
            raise AuditError(f"id prefix {prefix!r} matches several records; give more characters")
        return matches[0]

    def stats(self, since: datetime | None = None, until: datetime | None = None) -> OpsStats:
        rows = self._stat_rows(since, until)
        feedback = self.feedback_for(since=since, until=until)
        return compute_stats(rows, feedback, since=since, until=until)


def stat_row(record: AuditRecord) -> StatRow:
    return StatRow(
        id=record.id,
        kind=record.kind,
        created_at=record.created_at,
        latency_ms=record.latency_ms,
        refused=record.refused,
        question=record.question,
        verdict=record.verdict,
    )


class MemoryAuditStore(BaseStore):
    """Thread-safe store in a dict: for tests and demos; same semantics as the SQL stores."""

    def __init__(self, retention_days: int = 365) -> None:
        self.retention_days = retention_days
        self._records: dict[str, AuditRecord] = {}
        self._feedback: _Feedbacks = []
        self._chains: dict[Table, builtins.list[Link]] = {"records": [], "feedback": []}
        self._lock = threading.Lock()

    def _chain(
        self, table: Table, entry_id: str, body: str, created_at: datetime | None = None
    ) -> None:
        """Append a link to ``table``'s chain (the caller holds the lock)."""
        chain = self._chains[table]
        head = (chain[-1].end, chain[-1].hash) if chain else (0, GENESIS)
        chain.append(append(head, entry_id, body, created_at))

    def record(self, record: AuditRecord) -> str:
        clean = redact_record(record)
        body = record_body(clean.model_dump_json())
        with self._lock:
            if clean.id in self._records:
                raise AuditError(f"audit record {clean.id!r} exists already (append-only)")
            self._records[clean.id] = clean
            self._chain("records", clean.id, body, clean.created_at)
        return clean.id

    def get(self, record_id: str) -> AuditRecord | None:
        return self._records.get(record_id)

    def _ids_with_prefix(self, prefix: str) -> builtins.list[str]:
        return [rid for rid in self._records if rid.startswith(prefix)][:2]

    def _select(self, since: datetime | None, until: datetime | None) -> _Records:
        with self._lock:
            records = builtins.list(self._records.values())
        chosen = [r for r in records if in_range(r.created_at, since, until)]
        return sorted(chosen, key=lambda r: (r.created_at, r.id))

    def list(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        kind: RecordKind | None = None,
    ) -> _Records:
        chosen = [r for r in reversed(self._select(since, until)) if kind in (None, r.kind)]
        return chosen[: limit or DEFAULT_LIMIT]

    def count(self, since: datetime | None = None, until: datetime | None = None) -> int:
        return len(self._select(since, until))

    def add_feedback(
        self, record_id: str, score: int, comment: str | None = None, session_id: str | None = None
    ) -> Feedback:
        entry = check_feedback(record_id, score, comment, session_id)
        with self._lock:
            if record_id not in self._records:
                raise AuditError(f"cannot rate unknown audit record {record_id!r}")
            self._feedback.append(entry)
            self._chain("feedback", entry.id, feedback_body(entry))
        return entry

    def feedback_for(
        self,
        record_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> _Feedbacks:
        with self._lock:
            items = builtins.list(self._feedback)
            records = dict(self._records)
        return [
            f
            for f in sorted(items, key=lambda f: (f.created_at, f.id))
            if (record_id is None or f.record_id == record_id)
            and f.record_id in records
            and in_range(records[f.record_id].created_at, since, until)
        ]

    def prune(self, older_than: datetime | None = None) -> int:
        cutoff = self._cutoff(older_than)
        with self._lock:
            old = {rid for rid, r in self._records.items() if r.created_at < cutoff}
            for rid in old:
                del self._records[rid]
            votes = {f.id for f in self._feedback if f.record_id in old}
            self._feedback = [f for f in self._feedback if f.record_id not in old]
            self._checkpoint("records", old, cutoff)
            self._checkpoint("feedback", votes, None)
        return len(old)

    def _checkpoint(self, table: Table, gone: set[str], cutoff: datetime | None) -> None:
        """Replace the links of removed entries by checkpoints (the caller holds the lock)."""
        chain = self._chains[table]
        removed = [link for link in chain if link.body is not None and link.id in gone]
        kept = [link for link in chain if link.body is None or link.id not in gone]
        runs = checkpoints(removed, cutoff)
        self._chains[table] = sorted([*kept, *runs], key=lambda link: link.seq)

    def links(self, table: Table) -> builtins.list[Link]:
        with self._lock:
            return builtins.list(self._chains[table])

    def verify(self, anchor: tuple[int, str] | None = None) -> builtins.list[ChainReport]:
        return [
            verify_chain("records", self.links("records"), anchor),
            verify_chain("feedback", self.links("feedback")),
        ]

    def export(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[AuditRecord]:
        yield from self._select(since, until)

    def _stat_rows(self, since: datetime | None, until: datetime | None) -> builtins.list[StatRow]:
        return [stat_row(r) for r in self._select(since, until)]

    def close(self) -> None:
        return None


class NullAuditStore(MemoryAuditStore):
    """What ``open_audit_store`` returns when auditing is off: accepts everything, keeps nothing."""

    def record(self, record: AuditRecord) -> str:
        return record.id

    def add_feedback(
        self, record_id: str, score: int, comment: str | None = None, session_id: str | None = None
    ) -> Feedback:
        return check_feedback(record_id, score, comment, session_id)


__all__ = [
    "AuditStore",
    "BaseStore",
    "MemoryAuditStore",
    "NullAuditStore",
    "check_feedback",
    "in_range",
    "stat_row",
]
