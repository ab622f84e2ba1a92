"""The scorecard on the page (Assess a project, and inline in the chat); see ``scorecard``."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ..models import AUDIENCES, Assessment, Citation
from ..scorecard import render_json, render_markdown
from . import scorecard, services
from .render import audience_label, escape_markdown, highlight_evidence
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
    cites, markers = scorecard.definition_citations(assessment, citations)
    links = {k: (anchor(key, n), n) for k, n in markers.items()}
    # HTML below is built by scorecard/render/sources helpers, which escape every character.
    st.markdown(scorecard.summary_html(assessment), unsafe_allow_html=True)
    st.markdown(scorecard.criteria_table_html(assessment, links=links), unsafe_allow_html=True)
    with st.expander("Your text, with the evidence for each criterion", expanded=not compact):
        st.markdown(scorecard.legend_html(description, assessment.criteria), unsafe_allow_html=True)
        st.markdown(highlight_evidence(description, assessment.criteria), unsafe_allow_html=True)
    if compact:
        with st.expander("What to confirm, and next steps"):
            _confirm(assessment)
            _steps(assessment)
            _notes(assessment)
    else:
        left, right = st.columns(2)
        with left:
            _confirm(assessment)
        with right:
            _steps(assessment)
        if assessment.stakeholder_notes:
            with st.expander("For your stakeholders", expanded=True):
                _notes(assessment)
    if cites:
        st.markdown(sources_html(cites, key, services.passages()), unsafe_allow_html=True)
    _downloads(assessment, description, key)


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


def _notes(assessment: Assessment) -> None:
    """Stakeholder notes, the chosen lens first."""
    notes = assessment.stakeholder_notes
    if not notes:
        return
    lens = services.audience()
    order: dict[str, int] = {k: i for i, k in enumerate(AUDIENCES)}
    for k in sorted(notes, key=lambda k: (k != lens, order.get(k, len(order)))):
        st.markdown(f"**{audience_label(k)}:** {escape_markdown(notes[k])}")


def _downloads(assessment: Assessment, description: str, key: str) -> None:
    md, js = st.columns(2)
    md.download_button(
        "Download scorecard (Markdown)",
        render_markdown(assessment, description, services.audience()),
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
