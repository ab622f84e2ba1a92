"""Pure helpers for the Operations page: the period picked, headline figures, verdict mix."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from ..labels import VERDICT_LABELS

if TYPE_CHECKING:
    from ..audit import OpsStats


def period(picked: object, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[since, until) in UTC for a date_input value: one date, a (start,) or a (start, end)."""
    if isinstance(picked, dt.date):
        start = end = picked
    elif isinstance(picked, tuple | list) and picked:
        start, end = picked[0], picked[-1]
    else:
        start = end = today
    since = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return since, until


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def headline(stats: OpsStats) -> list[tuple[str, str, str | None]]:
    """Label, formatted value and a short note for each headline metric.

    "Assessments" counts every verdict, so it is the total of the verdict chart: those of the
    assessment pages and those of descriptions pasted in the chat (recorded as chat records).
    """
    ratings = stats.feedback_positive + stats.feedback_negative
    assessed = sum(stats.verdict_mix.values())
    in_chat = max(assessed - stats.classifications, 0)
    return [
        (
            "Records",
            f"{stats.total:,}",
            f"{stats.asks:,} in the chat, {stats.classifications:,} on the assessment pages",
        ),
        ("Latency p50", _ms(stats.latency_p50_ms), None),
        ("Latency p95", _ms(stats.latency_p95_ms), None),
        ("Refusal rate", _percent(stats.refusal_rate), f"{stats.refused:,} refused"),
        ("Positive feedback", _percent(stats.feedback_ratio), f"{ratings:,} rated answers"),
        ("Assessments", f"{assessed:,}", f"{in_chat:,} pasted in the chat" if in_chat else None),
    ]


VERDICTS = ("production", "demo", "not_assessable")


def verdict_mix(stats: OpsStats) -> pd.DataFrame:
    """Assessments per verdict, every verdict listed (zero too), labelled for the chart."""
    known = [v for v in VERDICTS] + [v for v in stats.verdict_mix if v not in VERDICTS]
    return pd.DataFrame(
        {
            "verdict": [VERDICT_LABELS.get(v, v) for v in known],
            "projects": [int(stats.verdict_mix.get(v, 0)) for v in known],
        }
    )


__all__ = ["headline", "period", "verdict_mix"]
