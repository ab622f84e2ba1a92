"""Operations figures computed in Python from light rows, so every backend gives the same answer."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from .records import Feedback


@dataclass(frozen=True)
class StatRow:
    """The columns of one record that the operations view needs."""

    id: str
    kind: str
    created_at: datetime
    latency_ms: float | None
    refused: bool
    question: str
    verdict: str | None


class DayVolume(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: str = Field(description="UTC date, YYYY-MM-DD.")
    asks: int = 0
    classifications: int = 0


class RefusedQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    count: int


class OpsStats(BaseModel):
    """What the Operations page shows for one date range."""

    model_config = ConfigDict(extra="forbid")

    since: datetime | None = None
    until: datetime | None = None
    total: int = 0
    asks: int = 0
    classifications: int = 0
    volume_per_day: list[DayVolume] = Field(default_factory=list)
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    refused: int = 0
    refusal_rate: float | None = Field(default=None, description="Refused asks / asks.")
    feedback_positive: int = 0
    feedback_negative: int = 0
    feedback_ratio: float | None = Field(
        default=None, description="Positive / all votes (latest vote per record and session)."
    )
    top_refused: list[RefusedQuestion] = Field(default_factory=list)
    verdict_mix: dict[str, int] = Field(default_factory=dict)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (``q`` in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def normalise_question(question: str) -> str:
    """Group near-identical questions: lower case, single spaces, no trailing punctuation."""
    return re.sub(r"\s+", " ", question).strip().rstrip("?!. ").lower()


def latest_votes(feedback: Iterable[Feedback]) -> list[Feedback]:
    """One vote per record and session: the latest, so changing a thumb does not count twice."""
    latest: dict[tuple[str, str | None], Feedback] = {}
    for item in sorted(feedback, key=lambda f: (f.created_at, f.id)):
        latest[(item.record_id, item.session_id)] = item
    return sorted(latest.values(), key=lambda f: (f.created_at, f.id))


def compute_stats(
    rows: Iterable[StatRow],
    feedback: Iterable[Feedback],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    top: int = 10,
) -> OpsStats:
    """Aggregate ``rows`` (already filtered to the range) and the feedback on them."""
    rows = list(rows)
    in_range = {row.id for row in rows}
    scores = [vote.score for vote in latest_votes(feedback) if vote.record_id in in_range]
    days: dict[str, DayVolume] = {}
    refused_questions: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    for row in rows:
        key = row.created_at.date().isoformat()
        day = days.setdefault(key, DayVolume(day=key))
        if row.kind == "ask":
            day.asks += 1
        else:
            day.classifications += 1
        if row.kind == "ask" and row.refused:
            refused_questions[normalise_question(row.question)] += 1
        if row.verdict:
            verdicts[row.verdict] += 1
    latencies = [row.latency_ms for row in rows if row.latency_ms is not None]
    asks = sum(1 for row in rows if row.kind == "ask")
    refused = sum(refused_questions.values())
    positive = sum(1 for s in scores if s > 0)
    return OpsStats(
        since=since,
        until=until,
        total=len(rows),
        asks=asks,
        classifications=len(rows) - asks,
        volume_per_day=[days[key] for key in sorted(days)],
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        refused=refused,
        refusal_rate=refused / asks if asks else None,
        feedback_positive=positive,
        feedback_negative=len(scores) - positive,
        feedback_ratio=positive / len(scores) if scores else None,
        top_refused=[
            RefusedQuestion(question=q, count=n)
            for q, n in sorted(refused_questions.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ],
        verdict_mix=dict(sorted(verdicts.items())),
    )


__all__ = [
    "DayVolume",
    "OpsStats",
    "RefusedQuestion",
    "StatRow",
    "compute_stats",
    "latest_votes",
    "normalise_question",
    "percentile",
]
