"""Re-run a recorded ask or classify with today's settings and show what changed.

The record is data, not configuration: its settings snapshot is only compared with the
operator's settings and shown as a difference. A planted row must not choose which model folder
is loaded or which LLM server is called, so nothing in it is ever used to build the assistant.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from ..config import Settings
from ..models import Answer, Assessment
from .records import AuditRecord, redact_record, settings_snapshot
from .redaction import redact_value


class AssistantLike(Protocol):
    """The part of ``Assistant`` that replay uses."""

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        audience: str | None = None,
    ) -> Answer: ...

    def classify(self, description: str) -> Assessment: ...


class ReplayResult(BaseModel):
    """Outcome of a replay: ``identical`` or ``changed`` with a unified diff."""

    model_config = ConfigDict(extra="forbid")

    record_id: str
    kind: Literal["ask", "classify"]
    status: Literal["identical", "changed"]
    changes: list[str] = Field(default_factory=list, description="Which parts differ.")
    settings_changes: list[str] = Field(
        default_factory=list,
        description="Recorded settings that differ from the ones replayed with (today's).",
    )
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
    # The stored record was redacted, so the new outcome must be too: an e-mail in the answer
    # would otherwise show up as a change that is not one, and be printed.
    if answer is not None:
        answer = Answer.model_validate(redact_value(answer.model_dump(mode="json")))
    return redact_record(fresh), answer


_SHOWN_CHARS = 80
_SHOWN_CHANGES = 30  # a planted snapshot may hold thousands of keys


def _leaves(tree: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted.key, value) for every leaf; keys escaped like values (they come from the row)."""
    for key, value in tree.items():
        name = prefix + json.dumps(str(key))[1:-1]
        if isinstance(value, Mapping):
            yield from _leaves(value, f"{name}.")
        else:
            yield name, value


def _shown(value: Any) -> str:
    """A recorded value as JSON: escaped, so a planted row cannot send control characters."""
    text = json.dumps(value, default=str)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def settings_changes(recorded: Mapping[str, Any], current: Settings) -> list[str]:
    """'retrieval.k: recorded 4, now 5' for each setting the record differs in."""
    before, after = dict(_leaves(recorded)), dict(_leaves(settings_snapshot(current)))
    absent = "(absent)"
    changes = [
        f"{key}: recorded {_shown(before[key]) if key in before else absent}, "
        f"now {_shown(after[key]) if key in after else absent}"
        for key in sorted(before.keys() | after.keys())
        if before.get(key, absent) != after.get(key, absent)
    ]
    if len(changes) > _SHOWN_CHANGES:
        rest = len(changes) - _SHOWN_CHANGES
        changes = [*changes[:_SHOWN_CHANGES], f"... and {rest} more"]
    return changes


def replay(
    record: AuditRecord, assistant: AssistantLike, settings: Settings | None = None
) -> ReplayResult:
    """Re-run ``record`` on ``assistant`` (built from the operator's ``settings``) and diff it.

    With ``settings``, the recorded settings that differ from them are listed as well.
    """
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
        settings_changes=settings_changes(record.settings_snapshot, settings) if settings else [],
        diff=diff if changes else "",
        recorded_corpus_hash=record.corpus_hash,
        current_corpus_hash=current_hash,
        answer=answer,
        assessment=fresh.assessment,
    )


__all__ = ["AssistantLike", "ReplayResult", "render", "replay", "settings_changes"]
