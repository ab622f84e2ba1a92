"""The scorecard on the page (Assess a project, and inline in the chat): one
``prodai_assistant.scorecard`` view, drawn by its HTML template and downloaded as its Markdown
and JSON; ``ui.scorecard`` adds what to confirm and the next steps."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ..models import Assessment, Citation
from ..scorecard import render_html, render_json, render_markdown, scorecard_view
from . import scorecard, services
from .render import escape_markdown, highlight_evidence
from .sources import anchor, sources_html


def show_scorecard(
    assessment: Assessment,
    description: str,
    *,
    key: str,
    compact: bool = False,
    citations: Sequence[Citation] | None = None,
) -> None:
    """Verdict in words, confidence and maturity, criteria, evidence, what to confirm, steps.

    ``compact`` (the chat) folds the evidence and the advice away under the table.
    """
    lens = services.audience()
    view = scorecard_view(assessment, description, lens, citations)
    anchors = {c.marker: anchor(key, c.marker) for c in view.sources}

    def html(part: str) -> None:
        # The scorecard's HTML template escapes every character it is given (autoescape).
        st.markdown(render_html(view, part, anchors), unsafe_allow_html=True)

    html("summary")
    html("criteria")
    with st.expander("Your text, with the evidence for each criterion", expanded=not compact):
        html("legend")
        st.markdown(highlight_evidence(description, assessment.criteria), unsafe_allow_html=True)
    if compact:
        with st.expander("What to confirm, and next steps"):
            _confirm(assessment)
            _steps(assessment)
            if view.notes:
                html("notes")
    else:
        left, right = st.columns(2)
        with left:
            _confirm(assessment)
        with right:
            _steps(assessment)
        if view.notes:
            with st.expander("For your stakeholders", expanded=True):
                html("notes")
    if view.sources:
        st.markdown(sources_html(view.sources, key, services.passages()), unsafe_allow_html=True)
    _downloads(assessment, description, lens, citations, key)


def _confirm(assessment: Assessment) -> None:
    st.markdown("**What to confirm**")
    items = scorecard.to_confirm(assessment)
    if not items:
        st.markdown("Your text gives no evidence to check yet.")
    lines = []
    for item in items:
        flag = " (a red flag)" if item.red_flag else ""
        asks = " ".join(escape_markdown(q) for q in item.questions)
        lines.append(f"- You wrote *“{escape_markdown(item.quote)}”*{flag}: {asks}")
    missing = scorecard.not_mentioned(assessment)
    if missing:
        names = "; ".join(escape_markdown(n) for n in missing)
        lines.append(f"- Your text says nothing about: {names}.")
    if lines:
        st.markdown("\n".join(lines))


def _steps(assessment: Assessment) -> None:
    st.markdown("**Next steps**")
    pairs = scorecard.steps_with_reasons(assessment)
    if not pairs:
        st.markdown("None needed: every criterion has evidence.")
        return
    lines = []
    for step, because in pairs:
        why = f"  \n   *Because: {escape_markdown(because)}*" if because else ""
        lines.append(f"1. {escape_markdown(step)}{why}")
    st.markdown("\n".join(lines))


def _downloads(
    assessment: Assessment,
    description: str,
    lens: str,
    citations: Sequence[Citation] | None,
    key: str,
) -> None:
    md, js = st.columns(2)
    md.download_button(
        "Download scorecard (Markdown)",
        render_markdown(assessment, description, lens, citations),
        file_name="assessment.md",
        mime="text/markdown",
        key=f"{key}-md",
        on_click="ignore",
        icon=":material/download:",
    )
    js.download_button(
        "Download scorecard (JSON)",
        render_json(assessment),
        file_name="assessment.json",
        mime="application/json",
        key=f"{key}-json",
        on_click="ignore",
        icon=":material/data_object:",
    )


__all__ = ["show_scorecard"]
