"""Charts and summary blocks (Altair through Streamlit) for the portfolio and operations pages."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from .portfolio import value_counts
from .render import VERDICT_LABELS

VERDICT_ORDER = ["production", "demo", "not_assessable"]
VERDICT_PALETTE = ["#2e9e4f", "#e8890c", "#8a8f98"]
PASS_FAIL = ["#2e9e4f", "#d1343a"]


def bar_chart(
    data: pd.DataFrame, category: str, value: str, *, title: str, color: str | None = None
) -> alt.Chart:
    """A labelled horizontal bar chart of ``value`` per ``category``."""
    encoding: dict[str, object] = {
        "y": alt.Y(f"{category}:N", title=None, sort=None),
        "x": alt.X(f"{value}:Q", title=value.replace("_", " "), axis=alt.Axis(tickMinStep=1)),
        "tooltip": [category, value],
    }
    if color == "verdict":
        encoding["color"] = alt.Color(
            f"{category}:N",
            scale=alt.Scale(
                domain=[VERDICT_LABELS[v] for v in VERDICT_ORDER], range=VERDICT_PALETTE
            ),
            legend=None,
        )
    chart: alt.Chart = alt.Chart(data, title=title).mark_bar().encode(**encoding)
    return chart.properties(height=160)


def portfolio_summary(results: pd.DataFrame) -> None:
    """Headline counts, the verdict and maturity charts, and the results table."""
    assessed = results[results["error"].fillna("") == ""]
    cols = st.columns(4)
    cols[0].metric("Projects assessed", f"{len(assessed):,}")
    cols[1].metric("Production AI", int((assessed["verdict"] == "production").sum()))
    cols[2].metric("Still a demo", int((assessed["verdict"] == "demo").sum()))
    unassessable = int((assessed["verdict"] == "not_assessable").sum())
    cols[3].metric("Could not assess", len(results) - len(assessed) + unassessable)
    if len(assessed):
        verdicts = value_counts(results, "verdict")
        verdicts["verdict"] = verdicts["verdict"].map(lambda v: VERDICT_LABELS.get(v, v))
        levels = value_counts(results, "maturity_level")
        levels["maturity_level"] = "Level " + levels["maturity_level"].str.replace(".0", "")
        left, right = st.columns(2)
        left.altair_chart(
            bar_chart(verdicts, "verdict", "projects", title="Verdicts", color="verdict"),
            width="stretch",
        )
        right.altair_chart(
            bar_chart(levels, "maturity_level", "projects", title="Maturity levels"),
            width="stretch",
        )
    st.dataframe(results, hide_index=True, width="stretch")


def volume_chart(days: pd.DataFrame) -> alt.Chart:
    """Stacked bars of asks and classifications per day, oldest first."""
    long = days.melt(
        "day", value_vars=["asks", "classifications"], var_name="kind", value_name="records"
    )
    long["date"] = pd.to_datetime(long["day"]).dt.strftime("%d %b %Y")
    chart: alt.Chart = (
        alt.Chart(long, title="Volume per day")
        .mark_bar(size=26)
        .encode(
            x=alt.X("date:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("records:Q", title="records", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("kind:N", title=None),
            tooltip=["date", "kind", "records"],
        )
        .properties(height=220)
    )
    return chart


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
    layered: alt.LayerChart = (bars + ticks).properties(height=max(160, 24 * len(data)))
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
    layered: alt.LayerChart = (cells + labels).properties(width=360, height=240)
    return layered


__all__ = [
    "VERDICT_ORDER",
    "bar_chart",
    "confusion_chart",
    "gate_chart",
    "portfolio_summary",
    "volume_chart",
]
