"""Audit trail: every ``ask`` and ``classify`` recorded, redacted, append-only, replayable.

Typical use (the Assistant and the app do this)::

    store = open_audit_store(settings)           # SQLite in data_dir, PostgreSQL, or a no-op
    record = record_from_answer(answer, settings=settings, corpus_hash=status.corpus_hash,
                                session_id=session, history=history)
    record_id = store.record(record)             # redacts secrets and personal data, inserts
    store.add_feedback(record_id, -1, "wrong figure", session_id=session)
    stats = store.stats(since, until)            # OpsStats for the Operations page
    reports = store.verify()                     # recompute the hash chains: intact or not
    result = replay(store.get(record_id), assistant, settings)  # today's settings; a diff
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from .bench import BenchResult, bench_record
from .chain import ChainReport
from .feedback import FeedbackExport, feedback_candidates, qa_candidate, write_jsonl
from .records import (
    AuditRecord,
    Feedback,
    RecordKind,
    record_from_answer,
    record_from_assessment,
    redact_record,
    settings_snapshot,
)
from .redaction import redact, redact_value
from .replay import AssistantLike, ReplayResult, replay, settings_changes
from .sqlite import FILENAME, SQLiteAuditStore
from .stats import DayVolume, OpsStats, RefusedQuestion, compute_stats, percentile
from .store import AuditStore, MemoryAuditStore, NullAuditStore

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_audit_store(
    settings: Settings, *, force: bool = False, owner_url: str | None = None
) -> AuditStore:
    """The store ``settings.audit`` describes; a NullAuditStore when auditing is off.

    ``force=True`` opens the real store even when auditing is off (the CLI reads old records).
    ``owner_url``: on PostgreSQL, the schema owner's connection, which only prune needs.
    """
    audit = settings.audit
    if not audit.enabled and not force:
        return NullAuditStore(audit.retention_days)
    url = (audit.database_url or "").strip()
    if not url:
        return SQLiteAuditStore(settings.data_dir / FILENAME, audit.retention_days)
    if url.startswith(_POSTGRES_SCHEMES):
        from .postgres import PostgresAuditStore  # psycopg is optional and imported lazily

        return PostgresAuditStore(url, audit.retention_days, owner_url=owner_url)
    if url.startswith("sqlite:///"):
        return SQLiteAuditStore(Path(url.removeprefix("sqlite:///")), audit.retention_days)
    scheme = url.split("://", 1)[0] if "://" in url else url[:20]
    raise ConfigError(
        f"PRODAI_AUDIT__DATABASE_URL has unsupported scheme {scheme!r}: use postgresql://... "
        "or sqlite:////absolute/path.sqlite3, or leave it unset for SQLite in the data directory"
    )


__all__ = [
    "AssistantLike",
    "AuditRecord",
    "AuditStore",
    "BenchResult",
    "ChainReport",
    "DayVolume",
    "Feedback",
    "FeedbackExport",
    "MemoryAuditStore",
    "NullAuditStore",
    "OpsStats",
    "RecordKind",
    "RefusedQuestion",
    "ReplayResult",
    "SQLiteAuditStore",
    "bench_record",
    "compute_stats",
    "feedback_candidates",
    "open_audit_store",
    "percentile",
    "qa_candidate",
    "record_from_answer",
    "record_from_assessment",
    "redact",
    "redact_record",
    "redact_value",
    "replay",
    "settings_changes",
    "settings_snapshot",
    "write_jsonl",
]
