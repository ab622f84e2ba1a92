"""Pure helpers for the Operations page: the period picked, headline figures, verdict mix."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from .render import VERDICT_LABELS

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


def headline(stats: OpsStats) -> list[tuple[str, str]]:
    """Label and formatted value of the five headline metrics."""
    return [
        ("Records", f"{stats.total:,}"),
        ("Latency p50 / p95", f"{_ms(stats.latency_p50_ms)} / {_ms(stats.latency_p95_ms)}"),
        ("Refusal rate", _percent(stats.refusal_rate)),
        ("Positive feedback", _percent(stats.feedback_ratio)),
        ("Ratings", f"{stats.feedback_positive} 👍 / {stats.feedback_negative} 👎"),
    ]


def verdict_mix(stats: OpsStats) -> pd.DataFrame:
    """Assessments per verdict, labelled for the chart."""
    return pd.DataFrame(
        {
            "verdict": [VERDICT_LABELS.get(v, v) for v in stats.verdict_mix],
            "projects": list(stats.verdict_mix.values()),
        }
    )


__all__ = ["headline", "period", "verdict_mix"]
