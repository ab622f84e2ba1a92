"""Assess one project: paste a description, get the production-or-demo scorecard."""

import streamlit as st

from prodai_assistant.ui import examples, flows, services, widgets

TEXT_KEY = "classify.description"

st.title("Assess a project")
st.caption(
    "Paste what the project does today: where it runs, who uses it, what data it touches, "
    "who operates it and what it is worth. The verdict rests on evidence in your words."
)

left, right, _ = st.columns([1, 1, 2])
left.button("Example: in production", on_click=examples.fill, args=(TEXT_KEY, "production"))
right.button("Example: still a demo", on_click=examples.fill, args=(TEXT_KEY, "demo"))
description = st.text_area("Project description", key=TEXT_KEY, height=220)

if st.button("Assess", type="primary", icon=":material/fact_check:"):
    with services.friendly_errors("assessing the description"):
        flows.assess(description)

result = flows.last_assessment()
if result is not None:
    text, assessment, _record_id = result
    st.divider()
    widgets.show_scorecard(assessment, text, key="classify")
