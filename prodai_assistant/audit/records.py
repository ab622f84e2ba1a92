"""What one audit record holds, and builders from the pipeline's Answer and Assessment."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..config import Settings
from ..models import (
    Answer,
    Assessment,
    Audience,
    Citation,
    GuardDecision,
    Retrieved,
    Turn,
    Verdict,
)
from .redaction import redact_value

RecordKind = Literal["ask", "classify"]

# Paths are machine-specific and the audit section may hold a database password.
SNAPSHOT_EXCLUDE = {"corpus_dir", "data_dir", "audit"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC datetime; naive input is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("created_at", mode="after", check_fields=False)
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class AuditRecord(_Record):
    """One recorded ``ask`` or ``classify``. Records are written once and never updated."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    kind: RecordKind
    created_at: datetime = Field(default_factory=utc_now)
    session_id: str | None = None
    question: str = Field(description="The question asked, or the project description.")
    history: list[Turn] = Field(default_factory=list, description="Chat turns before the question.")
    standalone_question: str | None = None
    audience: Audience = "all"
    retrieved: list[Retrieved] = Field(default_factory=list)
    answer: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    assessment: Assessment | None = None
    refused: bool = False
    refusal_reason: str | None = None
    intent: str | None = None
    backend: str | None = None
    model: str | None = None
    guard: list[GuardDecision] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    corpus_hash: str = ""
    settings_hash: str = ""
    version: str = ""
    latency_ms: float | None = None
    settings_snapshot: dict[str, Any] = Field(default_factory=dict)

    @property
    def verdict(self) -> Verdict | None:
        return self.assessment.verdict if self.assessment else None


class Feedback(_Record):
    """A thumbs up (+1) or down (-1), with an optional comment, on one audit record."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    record_id: str
    created_at: datetime = Field(default_factory=utc_now)
    score: Literal[-1, 1]
    comment: str | None = None
    session_id: str | None = None


def redact_record(record: AuditRecord) -> AuditRecord:
    """A copy of ``record`` with every free-text field (nested JSON included) redacted."""
    payload = record.model_dump(mode="json")
    keep = {key: payload.pop(key) for key in ("id", "kind", "created_at")}
    return AuditRecord.model_validate({**keep, **redact_value(payload)})


def settings_snapshot(settings: Settings) -> dict[str, Any]:
    """The settings that shape an answer, as JSON, without paths or the audit section."""
    snapshot: dict[str, Any] = settings.model_dump(mode="json", exclude=SNAPSHOT_EXCLUDE)
    return snapshot


def _common(settings: Settings, corpus_hash: str, session_id: str | None) -> dict[str, Any]:
    from .. import __version__  # late: the package root imports this module's package

    return {
        "session_id": session_id,
        "corpus_hash": corpus_hash,
        "settings_hash": settings.fingerprint(),
        "version": __version__,
        "settings_snapshot": settings_snapshot(settings),
    }


def record_from_answer(
    answer: Answer,
    *,
    settings: Settings,
    corpus_hash: str = "",
    session_id: str | None = None,
    history: list[Turn] | list[dict[str, str]] | None = None,
    latency_ms: float | None = None,
) -> AuditRecord:
    """Build the record of one ``Assistant.ask`` call (not yet redacted; the store does that)."""
    return AuditRecord(
        kind="ask",
        question=answer.question,
        history=[Turn.model_validate(turn) for turn in history or []],
        standalone_question=answer.standalone_question,
        audience=answer.audience,
        retrieved=answer.retrieved,
        answer=answer.answer,
        citations=answer.citations,
        assessment=answer.assessment,
        refused=answer.refused,
        refusal_reason=answer.refusal_reason,
        intent=answer.intent,
        backend=answer.backend,
        model=answer.model,
        guard=answer.guard,
        notices=answer.notices,
        latency_ms=answer.latency_ms if latency_ms is None else latency_ms,
        **_common(settings, corpus_hash, session_id),
    )


def record_from_assessment(
    description: str,
    assessment: Assessment,
    *,
    settings: Settings,
    corpus_hash: str = "",
    session_id: str | None = None,
    latency_ms: float | None = None,
) -> AuditRecord:
    """Build the record of one ``Assistant.classify`` call."""
    return AuditRecord(
        kind="classify",
        question=description,
        answer=assessment.reason,
        assessment=assessment,
        intent="assessment",
        backend="classifier",
        latency_ms=latency_ms,
        **_common(settings, corpus_hash, session_id),
    )


__all__ = [
    "AuditRecord",
    "Feedback",
    "RecordKind",
    "as_utc",
    "record_from_answer",
    "record_from_assessment",
    "redact_record",
    "settings_snapshot",
    "utc_now",
]
