"""Charts and summary blocks (Altair through Streamlit) for the portfolio and operations pages.

Heights are given per category (``alt.Step``): Streamlit 1.67 draws a chart with a fixed pixel
height and discrete categories squashed to a few pixels, labels on top of each other.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ..labels import VERDICT_LABELS
from .portfolio import maturity_counts, verdict_counts

VERDICT_ORDER = ["production", "demo", "not_assessable"]
VERDICT_PALETTE = ["#2e9e4f", "#e8890c", "#8a8f98"]
PASS_FAIL = ["#2e9e4f", "#d1343a"]
ROW = 34  # pixels per bar of a horizontal bar chart
KINDS = {"asks": "In the chat", "classifications": "On the assessment pages"}


def bar_chart(
    data: pd.DataFrame, category: str, value: str, *, title: str, color: str | None = None
) -> alt.LayerChart:
    """Horizontal bars of ``value`` per ``category``, in the frame's order, each bar labelled
    with its count; every category is drawn (zero too) and no label is shortened."""
    y = alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelLimit=0))
    x = alt.X(
        f"{value}:Q",
        title=value.replace("_", " "),
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domainMin=0, nice=True),
    )
    encoding: dict[str, object] = {"y": y, "x": x, "tooltip": [category, value]}
    if color == "verdict":
        encoding["color"] = alt.Color(
            f"{category}:N",
            scale=alt.Scale(
                domain=[VERDICT_LABELS[v] for v in VERDICT_ORDER], range=VERDICT_PALETTE
            ),
            legend=None,
        )
    base = alt.Chart(data, title=title)
    bars = base.mark_bar().encode(**encoding)
    counts = base.mark_text(align="left", dx=4, fontWeight="bold").encode(
        y=y, x=alt.X(f"{value}:Q"), text=alt.Text(f"{value}:Q", format="d")
    )
    chart: alt.LayerChart = (bars + counts).properties(height=alt.Step(ROW))
    return chart


def portfolio_summary(results: pd.DataFrame) -> None:
    """Headline counts, the verdict and maturity charts (the same counts), and the table."""
    verdicts = verdict_counts(results)
    cols = st.columns(4)
    cols[0].metric("Projects", f"{len(results):,}")
    for col, row in zip(cols[1:], verdicts.itertuples(index=False), strict=True):
        col.metric(str(row.verdict), f"{row.projects:,}")
    levels = maturity_counts(results)
    left, right = st.columns(2)
    left.altair_chart(
        bar_chart(verdicts, "verdict", "projects", title="Verdicts", color="verdict"),
        width="stretch",
    )
    placed = int(levels["projects"].sum())
    right.altair_chart(
        bar_chart(levels, "maturity", "projects", title=f"Maturity of the {placed} assessed"),
        width="stretch",
    )
    shown = results.assign(verdict=results["verdict"].map(lambda v: VERDICT_LABELS.get(v, v)))
    st.dataframe(shown, hide_index=True, width="stretch", column_config=RESULT_LABELS)


RESULT_LABELS: dict[str, Any] = {
    "row": "Row",
    "project": "Project",
    "verdict": "Verdict",
    "confidence": st.column_config.NumberColumn("Confidence", format="percent"),
    "maturity_level": "Maturity level",
    "maturity": "Maturity",
    "evidenced": "Criteria evidenced",
    "top_gap": "Most blocking gap",
    "error": "Could not assess because",
}


def volume_chart(days: pd.DataFrame) -> alt.LayerChart:
    """Records per day, in the chat and on the assessment pages, one row per day (oldest
    first, days without records included), each row labelled with its total."""
    days = fill_days(days)
    long = days.melt(
        "day", value_vars=["asks", "classifications"], var_name="kind", value_name="records"
    )
    long["kind"] = long["kind"].map(KINDS)
    long["date"] = pd.to_datetime(long["day"]).dt.strftime("%a %d %b")
    y = alt.Y("date:O", title=None, sort=None, axis=alt.Axis(labelLimit=0))
    base = alt.Chart(long, title="Records per day")
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("sum(records):Q", title="records", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=list(KINDS.values())),
            legend=alt.Legend(orient="top"),
        ),
        order=alt.Order("kind:N", sort="descending"),
        tooltip=["date", "kind", "records"],
    )
    totals = base.mark_text(align="left", dx=4, fontWeight="bold").encode(
        y=y, x=alt.X("sum(records):Q"), text=alt.Text("sum(records):Q", format="d")
    )
    chart: alt.LayerChart = (bars + totals).properties(height=alt.Step(26))
    return chart


def fill_days(days: pd.DataFrame, *, at_least: int = 7) -> pd.DataFrame:
    """Every day up to the last in ``days`` (from the first, and at least ``at_least`` days),
    zero where nothing was recorded."""
    if days.empty:
        return pd.DataFrame(columns=["day", "asks", "classifications"])
    index = pd.to_datetime(days["day"])
    first = min(index.min(), index.max() - pd.Timedelta(days=at_least - 1))
    span = pd.date_range(first, index.max(), freq="D")
    filled = (
        days.assign(day=index)
        .set_index("day")[["asks", "classifications"]]
        .reindex(span, fill_value=0)
        .rename_axis("day")
        .reset_index()
    )
    filled["day"] = filled["day"].dt.strftime("%Y-%m-%d")
    return filled


def gate_chart(data: pd.DataFrame) -> alt.LayerChart:
    """Each gated metric as a bar, its threshold as a black tick; failing bars in red."""
    labels = alt.Axis(labelLimit=280, labelOverlap=False)
    base = alt.Chart(data).encode(y=alt.Y("metric:N", title=None, sort=None, axis=labels))
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title="value", scale=alt.Scale(domainMin=0)),
        color=alt.Color("status:N", scale=alt.Scale(domain=["pass", "fail"], range=PASS_FAIL)),
        tooltip=["metric", "value", "threshold", "status"],
    )
    ticks = base.mark_tick(color="black", thickness=2, size=18).encode(x="threshold:Q")
    layered: alt.LayerChart = (bars + ticks).properties(height=alt.Step(26))
    return layered


def confusion_chart(data: pd.DataFrame) -> alt.LayerChart:
    """Gold verdict (rows) against predicted verdict (columns), with counts written in."""
    base = alt.Chart(data).encode(
        x=alt.X("predicted:N", title="predicted", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("gold:N", title="gold"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("count:Q", scale=alt.Scale(scheme="greens"), legend=None),
        tooltip=["gold", "predicted", "count"],
    )
    labels = base.mark_text(fontSize=14).encode(text="count:Q")
    layered: alt.LayerChart = (cells + labels).properties(width=alt.Step(110), height=alt.Step(60))
    return layered


__all__ = [
    "RESULT_LABELS",
    "VERDICT_ORDER",
    "bar_chart",
    "confusion_chart",
    "fill_days",
    "gate_chart",
    "portfolio_summary",
    "volume_chart",
]
