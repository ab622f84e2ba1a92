"""Operations: what the audit trail says about use, speed, refusals, feedback and verdicts.

Behind the operator password (PRODAI_ADMIN_PASSWORD); off when it is not set.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from prodai_assistant.ui import access, charts, operations, trail

st.title("Operations")
st.caption(
    "From the audit trail every answer and assessment is written to. The assistant says "
    "Production AI is governed and measured; this page is where it shows its own figures."
)
if not access.require_operator():
    st.stop()

today = dt.datetime.now(dt.UTC).date()
picked = st.date_input(
    "Period (UTC)", value=(today - dt.timedelta(days=29), today), max_value=today
)
since, until = operations.period(picked, today)
stats = trail.stats(since, until)

if stats is None:
    st.info("The audit trail is not installed, so there are no operations figures to show.")
elif stats.total == 0:
    st.info("Nothing was recorded in this period yet. Ask a question or assess a project first.")
else:
    figures = operations.headline(stats)
    for row in (figures[:3], figures[3:]):
        for col, (label, value, note) in zip(st.columns(3), row, strict=True):
            col.metric(
                label,
                value,
                note,
                delta_color="off",
                delta_arrow="off",
                border=True,
                height="stretch",
            )
    st.altair_chart(
        charts.volume_chart(pd.DataFrame([d.model_dump() for d in stats.volume_per_day])),
        width="stretch",
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Most frequent refused questions**")
        if stats.top_refused:
            st.dataframe(
                pd.DataFrame([r.model_dump() for r in stats.top_refused]),
                hide_index=True,
                width="stretch",
            )
        else:
            st.caption("No refusals in this period.")
    with right:
        mix = operations.verdict_mix(stats)
        if len(mix):
            st.altair_chart(
                charts.bar_chart(mix, "verdict", "projects", title="Verdict mix", color="verdict"),
                width="stretch",
            )
        else:
            st.caption("No assessments in this period.")
