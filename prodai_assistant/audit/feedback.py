"""Turn rated audit records into candidate eval items in the schemas of ``evals/``.

Asks become QA items, classifications become classification items. Every candidate carries
``needs_review: true`` and ``notes``: fields the eval loaders reject, so nothing enters the eval
set until a reviewer has filled in key facts (or the right verdict) and removed the flag.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from .records import AuditRecord, Feedback
from .stats import latest_votes
from .store import AuditStore

CATEGORY = "feedback"


@dataclass
class FeedbackExport:
    """Candidate QA items (from asks) and classification items (from classifications)."""

    items: list[dict[str, Any]] = field(default_factory=list)
    classifications: list[dict[str, Any]] = field(default_factory=list)


def _notes(record: AuditRecord, votes: list[Feedback]) -> str:
    thumbs = ", ".join("up" if v.score > 0 else "down" for v in votes)
    comments = [v.comment for v in votes if v.comment]
    note = f"from audit record {record.id} (thumbs {thumbs})"
    return note + (": " + " | ".join(comments) if comments else "")


def qa_candidate(record: AuditRecord, votes: list[Feedback]) -> dict[str, Any]:
    """One QA item for review: key facts left empty, gold chunks taken from the citations."""
    gold = list(dict.fromkeys(c.chunk_id for c in record.citations))
    return {
        "id": f"fb-{record.id[:12]}",
        "question": record.question,
        "history": [turn.model_dump() for turn in record.history],
        "audience": record.audience,
        "expect": "refuse" if record.refused else "answer",
        "gold_chunks": gold,
        "key_facts": [],
        "forbidden": [],
        "category": CATEGORY,
        "needs_review": True,
        "notes": _notes(record, votes),
    }


def classification_candidate(record: AuditRecord, votes: list[Feedback]) -> dict[str, Any]:
    """One classification item for review; verdict and criteria are the recorded, disputed ones."""
    assessment = record.assessment
    return {
        "id": f"fb-{record.id[:12]}",
        "description": record.question,
        "verdict": assessment.verdict if assessment else "not_assessable",
        "criteria": {c.key: c.status for c in assessment.criteria} if assessment else {},
        "category": CATEGORY,
        "needs_review": True,
        "notes": _notes(record, votes),
    }


def feedback_candidates(
    store: AuditStore,
    *,
    negative_only: bool = True,
    since: datetime | None = None,
    until: datetime | None = None,
) -> FeedbackExport:
    """Candidate eval items from rated records (by default those with a thumbs down)."""
    by_record: dict[str, list[Feedback]] = defaultdict(list)
    for vote in latest_votes(store.feedback_for(since=since, until=until)):
        by_record[vote.record_id].append(vote)
    result = FeedbackExport()
    for record_id, votes in by_record.items():
        if negative_only and not any(v.score < 0 for v in votes):
            continue
        record = store.get(record_id)
        if record is None:  # pruned between the two queries
            continue
        if record.kind == "classify":
            result.classifications.append(classification_candidate(record, votes))
        else:
            result.items.append(qa_candidate(record, votes))
    return result


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write one JSON object per line; return how many."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


__all__ = [
    "CATEGORY",
    "FeedbackExport",
    "classification_candidate",
    "feedback_candidates",
    "qa_candidate",
    "write_jsonl",
]
