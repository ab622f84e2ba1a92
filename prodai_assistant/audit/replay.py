"""Re-run a recorded ask or classify with its recorded settings and show what changed."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from ..models import Answer, Assessment
from .records import AuditRecord, redact_record


class AssistantLike(Protocol):
    """The part of ``Assistant`` that replay uses."""

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        audience: str | None = None,
    ) -> Answer: ...

    def classify(self, description: str) -> Assessment: ...


# Receives the recorded settings snapshot and returns an assistant configured with it.
AssistantFactory = Callable[[dict[str, Any]], AssistantLike]


class ReplayResult(BaseModel):
    """Outcome of a replay: ``identical`` or ``changed`` with a unified diff."""

    model_config = ConfigDict(extra="forbid")

    record_id: str
    kind: Literal["ask", "classify"]
    status: Literal["identical", "changed"]
    changes: list[str] = Field(default_factory=list, description="Which parts differ.")
    diff: str = Field(default="", description="Unified diff, recorded -> now; empty if same.")
    recorded_corpus_hash: str = ""
    current_corpus_hash: str | None = None
    answer: Answer | None = None
    assessment: Assessment | None = None

    @property
    def identical(self) -> bool:
        return self.status == "identical"


def _parts(record: AuditRecord) -> dict[str, list[str]]:
    """The comparable parts of a record, each as text lines."""
    assessment = record.assessment
    return {
        "answer text": (record.answer or "").splitlines(),
        "citations": [f"[{c.marker}] {c.chunk_id}" for c in record.citations],
        "refusal": [f"refused: {record.refused}"] if record.kind == "ask" else [],
        "verdict": [f"verdict: {assessment.verdict}"] if assessment else [],
        "criteria": [f"{c.key}: {c.status}" for c in assessment.criteria] if assessment else [],
    }


def render(record: AuditRecord) -> list[str]:
    """A record's comparable parts as one text, section by section."""
    lines: list[str] = []
    for name, body in _parts(record).items():
        if body:
            lines += [f"## {name}", *body, ""]
    return lines


def _outcome(record: AuditRecord, assistant: AssistantLike) -> tuple[AuditRecord, Answer | None]:
    """Run the recorded input again; the result wrapped like a record (redacted) and the Answer."""
    answer: Answer | None = None
    if record.kind == "classify":
        assessment = assistant.classify(record.question)
        fresh = AuditRecord(
            kind="classify",
            question=record.question,
            answer=assessment.reason,
            assessment=assessment,
        )
    else:
        history = [turn.model_dump() for turn in record.history] or None
        answer = assistant.ask(record.question, history=history, audience=record.audience)
        fresh = AuditRecord(
            kind="ask",
            question=record.question,
            answer=answer.answer,
            citations=answer.citations,
            refused=answer.refused,
            assessment=answer.assessment,
        )
    # The stored record was redacted, so the new outcome must be too, or an e-mail in the
    # answer would show up as a change that is not one.
    return redact_record(fresh), answer


def replay(record: AuditRecord, assistant_factory: AssistantFactory) -> ReplayResult:
    """Re-run ``record`` with an assistant built from its settings snapshot and diff the result."""
    assistant = assistant_factory(dict(record.settings_snapshot))
    fresh, answer = _outcome(record, assistant)
    before, after = _parts(record), _parts(fresh)
    changes = [name for name in before if before[name] != after[name]]
    diff = "\n".join(
        difflib.unified_diff(
            render(record), render(fresh), "recorded", "replayed", lineterm="", n=2
        )
    )
    status = getattr(assistant, "status", None)
    current_hash = status().corpus_hash if callable(status) else None
    return ReplayResult(
        record_id=record.id,
        kind=record.kind,
        status="changed" if changes else "identical",
        changes=changes,
        diff=diff if changes else "",
        recorded_corpus_hash=record.corpus_hash,
        current_corpus_hash=current_hash,
        answer=answer,
        assessment=fresh.assessment,
    )


__all__ = ["AssistantFactory", "AssistantLike", "ReplayResult", "render", "replay"]
