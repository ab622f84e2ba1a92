"""The hash chain in SQL: what is hashed for a row, how a row is checked, how prune keeps links.

Both dialects store ``seq``, ``prev_hash`` and ``hash`` on ``audit_records`` and ``audit_feedback``
and prune checkpoints in ``audit_pruned``. The prune statements are shared: SQLite runs them
itself, PostgreSQL inside the owner's ``prodai_audit_prune`` function (``pg_schema.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from .chain import GENESIS, Link, Table, append, canonical_json, feedback_body, record_body
from .records import Feedback

FromTs = Callable[[Any], datetime]
TABLES: dict[Table, str] = {"records": "audit_records", "feedback": "audit_feedback"}

RECORD_LINK_COLUMNS = (
    "seq, prev_hash, hash, id, kind, created_at, session_id, question, refused, verdict,"
    " latency_ms, payload"
)
FEEDBACK_LINK_COLUMNS = (
    "seq, prev_hash, hash, id, record_id, created_at, score, comment, session_id"
)
CHECKPOINTS = (
    "SELECT first_seq, last_seq, prev_hash, hash, cutoff FROM audit_pruned WHERE tbl = ?"
    " ORDER BY first_seq"
)
# The newest link of a table: its last row, or the last checkpoint if prune removed that row.
HEADS = (
    "SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1",
    "SELECT last_seq, hash FROM audit_pruned WHERE tbl = ? ORDER BY last_seq DESC LIMIT 1",
)


def _column_problem(row: Sequence[Any], payload: dict[str, Any], from_ts: FromTs) -> str | None:
    """The columns queries filter and count on must say what the hashed payload says."""
    assessment = payload.get("assessment") or {}
    expected = {
        "id": payload.get("id"),
        "kind": payload.get("kind"),
        "created_at": datetime.fromisoformat(str(payload.get("created_at"))),
        "session_id": payload.get("session_id"),
        "question": payload.get("question"),
        "refused": payload.get("refused"),
        "verdict": assessment.get("verdict"),
        "latency_ms": payload.get("latency_ms"),
    }
    stored = dict(zip(expected, row[3:11], strict=True))
    stored["created_at"] = from_ts(stored["created_at"])
    stored["refused"] = bool(stored["refused"])
    for column, value in expected.items():
        if stored[column] != value:
            return f"its {column} column differs from the hashed record (edited column)"
    return None


def record_link(row: Sequence[Any], from_ts: FromTs) -> Link:
    """A Link from a row of RECORD_LINK_COLUMNS."""
    seq, prev_hash, digest, record_id, payload = row[0], row[1], row[2], row[3], row[11]
    try:
        parsed = json.loads(payload)
        problem = _column_problem(row, parsed, from_ts)
    except (ValueError, TypeError, AttributeError):
        return Link(seq, record_id, prev_hash, digest, "", problem="its payload is not valid JSON")
    body = canonical_json(parsed)
    return Link(
        seq, record_id, prev_hash, digest, body, problem=problem, created_at=from_ts(row[5])
    )


def feedback_link(row: Sequence[Any], from_ts: FromTs) -> Link:
    """A Link from a row of FEEDBACK_LINK_COLUMNS."""
    seq, prev_hash, digest, entry_id = row[0], row[1], row[2], row[3]
    try:
        entry = Feedback(
            id=entry_id,
            record_id=row[4],
            created_at=from_ts(row[5]),
            score=row[6],
            comment=row[7],
            session_id=row[8],
        )
    except (ValidationError, ValueError):
        return Link(seq, entry_id, prev_hash, digest, "", problem="its columns are not valid")
    return Link(seq, entry_id, prev_hash, digest, feedback_body(entry))


def checkpoint_link(row: Sequence[Any], table: Table, from_ts: FromTs) -> Link:
    first_seq, last_seq, prev_hash, digest, cutoff = row
    # Only records are pruned by age; feedback goes with its record, whatever its own age.
    when = from_ts(cutoff) if table == "records" else None
    return Link(first_seq, "", prev_hash, digest, None, last_seq=last_seq, cutoff=when)


# One checkpoint per run of consecutive removed entries ("gaps and islands": seq minus its row
# number is constant along a run), then the rows themselves. :cutoff and :now are parameters.
_OLD = "SELECT id FROM audit_records WHERE created_at < :cutoff"
_CHECKPOINT = """
INSERT INTO audit_pruned (tbl, first_seq, last_seq, prev_hash, hash, cutoff, pruned_at)
SELECT '{tbl}', g.first_seq, g.last_seq, f.prev_hash, l.hash, :cutoff, :now
FROM (
    SELECT MIN(seq) AS first_seq, MAX(seq) AS last_seq
    FROM (SELECT seq, seq - ROW_NUMBER() OVER (ORDER BY seq) AS run FROM {table} WHERE {where}) s
    GROUP BY run
) g
JOIN {table} f ON f.seq = g.first_seq
JOIN {table} l ON l.seq = g.last_seq
"""
PRUNE_STATEMENTS = (
    _CHECKPOINT.format(tbl="records", table="audit_records", where="created_at < :cutoff"),
    _CHECKPOINT.format(tbl="feedback", table="audit_feedback", where=f"record_id IN ({_OLD})"),
    f"DELETE FROM audit_feedback WHERE record_id IN ({_OLD})",
    "DELETE FROM audit_records WHERE created_at < :cutoff",  # last: its row count is the result
)


# -- upgrading a store written before the chain ------------------------------------------------
def add_chain_columns(integer: str) -> tuple[str, ...]:
    return tuple(
        f"ALTER TABLE {table} ADD COLUMN {column} {kind} NOT NULL DEFAULT {default}"
        for table in TABLES.values()
        for column, kind, default in (
            ("seq", integer, "0"),
            ("prev_hash", "TEXT", "''"),
            ("hash", "TEXT", "''"),
        )
    )


def chain_existing_rows(conn: Any, sql: Callable[[str], str], from_ts: FromTs) -> None:
    """Link the rows of an unchained store, oldest first (their history before is unknown)."""
    update = "UPDATE {table} SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?"
    records = conn.execute("SELECT id, payload FROM audit_records ORDER BY created_at, id")
    head = (0, GENESIS)
    for record_id, payload in records.fetchall():
        link = append(head, record_id, record_body(payload))
        params = (link.seq, link.prev_hash, link.hash, record_id)
        conn.execute(sql(update.format(table="audit_records")), params)
        head = (link.seq, link.hash)
    columns = "id, record_id, created_at, score, comment, session_id"
    votes = conn.execute(f"SELECT {columns} FROM audit_feedback ORDER BY created_at, id")
    head = (0, GENESIS)
    for row in votes.fetchall():
        entry = Feedback.model_validate(
            dict(zip(columns.split(", "), (*row[:2], from_ts(row[2]), *row[3:]), strict=True))
        )
        link = append(head, entry.id, feedback_body(entry))
        params = (link.seq, link.prev_hash, link.hash, entry.id)
        conn.execute(sql(update.format(table="audit_feedback")), params)
        head = (link.seq, link.hash)


__all__ = [
    "CHECKPOINTS",
    "FEEDBACK_LINK_COLUMNS",
    "HEADS",
    "PRUNE_STATEMENTS",
    "RECORD_LINK_COLUMNS",
    "TABLES",
    "add_chain_columns",
    "chain_existing_rows",
    "checkpoint_link",
    "feedback_link",
    "record_link",
]
