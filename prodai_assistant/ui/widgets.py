"""Streamlit pieces shared by the pages: an answer with its citations, a scorecard, feedback.

Text that may quote the user (a scorecard's reason, gaps, next steps and stakeholder notes, and
the user's own messages) reaches ``st.markdown`` only through ``escape_markdown``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..errors import ProdAIError
from ..models import AUDIENCE_LABELS, AUDIENCES, Answer, Assessment
from ..text import canonicalize
from . import services, trail
from .chat import ChatEntry
from .render import (
    VERDICT_COLORS,
    VERDICT_ICONS,
    VERDICT_LABELS,
    assessment_markdown,
    audience_label,
    citation_label,
    citation_markdown,
    criteria_rows,
    escape_fields,
    escape_markdown,
    highlight_evidence,
    status_style,
    stream_pieces,
)

STREAM_DELAY_S = 0.012  # enough to read as streaming, short enough not to slow anyone down


class DraftArea:
    """Where an LLM backend's tokens appear as they arrive; cleared once the guard has checked
    them, since the verified answer may drop sentences. The extractive backend never writes here."""

    def __init__(self) -> None:
        self._slot = st.empty()
        self._text = ""

    def add(self, piece: str) -> None:
        self._text += piece
        with self._slot.container():
            st.caption("Draft from the language model, being checked against the sources…")
            st.markdown(escape_markdown(self._text) + " ▌")

    def clear(self) -> None:
        self._slot.empty()


def show_user_text(text: str) -> None:
    """User text exactly as typed: no markdown, links, images or HTML."""
    st.markdown(escape_markdown(text))


def show_answer(answer: Answer, *, stream: bool = False, key: str = "") -> None:
    """The answer (streamed on first display), its provenance and citations, any scorecard."""
    if answer.refused:
        st.warning(answer.answer, icon=":material/block:")
    elif stream:
        st.write_stream(stream_pieces(_answer_markdown(answer), delay=STREAM_DELAY_S))
    else:
        st.markdown(_answer_markdown(answer))
    if answer.standalone_question.strip() != canonicalize(answer.question).text.strip():
        st.caption(f"Answered as: {escape_markdown(answer.standalone_question)}")
    if answer.audience != "all":
        st.caption(f"Framed for: {AUDIENCE_LABELS[answer.audience]}")
    for notice in answer.notices:
        st.info(notice, icon=":material/info:")
    for citation in answer.citations:
        with st.expander(citation_label(citation)):
            st.markdown(citation_markdown(citation))
    if answer.assessment is not None:
        show_scorecard(answer.assessment, answer.question, key=f"{key}-card", compact=True)


def _answer_markdown(answer: Answer) -> str:
    """The answer's markdown; an assessment's reason, gaps and notes (which may quote the
    description) escaped inside it."""
    a = answer.assessment
    if a is None:
        return answer.answer
    return escape_fields(answer.answer, [a.reason, *a.gaps, *a.stakeholder_notes.values()])


def verdict_badge(assessment: Assessment) -> None:
    verdict = assessment.verdict
    st.badge(
        VERDICT_LABELS.get(verdict, verdict),
        icon=VERDICT_ICONS.get(verdict),
        color=VERDICT_COLORS.get(verdict, "gray"),
    )


def show_scorecard(
    assessment: Assessment, description: str, *, key: str, compact: bool = False
) -> None:
    """Verdict, confidence, maturity, criteria, highlighted evidence, gaps, next steps, notes."""
    verdict_badge(assessment)
    evidenced = sum(c.status == "evidenced" for c in assessment.criteria)
    left, middle, right = st.columns(3)
    left.metric("Confidence", f"{assessment.confidence:.0%}", border=True, height="stretch")
    middle.metric(
        "Maturity",
        f"Level {assessment.maturity_level}",
        assessment.maturity_name,
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
    )
    right.metric(
        "Criteria evidenced",
        f"{evidenced} of {len(assessment.criteria)}",
        border=True,
        height="stretch",
    )
    if not compact:  # in the chat the answer above already says why
        st.markdown(escape_markdown(assessment.reason))
    criteria_table(assessment)
    with st.expander("Evidence highlighted in the description", expanded=not compact):
        st.caption("Green: evidence for a criterion. Red: red flags or negated claims.")
        # The one place HTML is rendered: built by highlight_evidence, which escapes every char.
        st.markdown(highlight_evidence(description, assessment.criteria), unsafe_allow_html=True)
    if compact:
        with st.expander("Next steps and stakeholder notes"):
            _bullets("Next steps", assessment.next_steps, "None needed.")
            _notes(assessment)
    else:
        gaps, steps = st.columns(2)
        with gaps:
            _bullets("Gaps", assessment.gaps, "None found.")
        with steps:
            _bullets("Next steps", assessment.next_steps, "None needed.")
        if assessment.stakeholder_notes:
            with st.expander("Stakeholder notes", expanded=True):
                _notes(assessment)
    _downloads(assessment, description, key)


def criteria_table(assessment: Assessment) -> None:
    """One row per criterion, the status cell coloured by how well it is evidenced."""
    frame = pd.DataFrame(criteria_rows(assessment))
    styled = frame.style.map(status_style, subset=["Status"]) if len(frame) else frame
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        column_config={
            "Criterion": st.column_config.TextColumn(width="medium"),
            "Why": st.column_config.TextColumn(width="large"),
        },
    )


def _bullets(heading: str, items: list[str], empty: str) -> None:
    st.markdown(f"**{heading}**")
    st.markdown("\n".join(f"- {escape_markdown(item)}" for item in items) or empty)


def _notes(assessment: Assessment) -> None:
    """Stakeholder notes, the chosen lens first."""
    notes = assessment.stakeholder_notes
    lens = services.audience()
    order: dict[str, int] = {key: i for i, key in enumerate(AUDIENCES)}
    for key in sorted(notes, key=lambda k: (k != lens, order.get(k, len(order)))):
        st.markdown(f"**{escape_markdown(audience_label(key))}:** {escape_markdown(notes[key])}")


def _downloads(assessment: Assessment, description: str, key: str) -> None:
    md, js = st.columns(2)
    md.download_button(
        "Download scorecard (Markdown)",
        assessment_markdown(assessment, description),
        file_name="assessment.md",
        mime="text/markdown",
        key=f"{key}-md",
        on_click="ignore",
    )
    js.download_button(
        "Download scorecard (JSON)",
        assessment.model_dump_json(indent=2),
        file_name="assessment.json",
        mime="application/json",
        key=f"{key}-json",
        on_click="ignore",
    )


def feedback_controls(entry: ChatEntry, session_id: str) -> None:
    """Thumbs on an answer (saved at once) and an optional comment, both on its audit record."""
    if entry.answer is None:
        return
    if entry.record_id is None:
        st.caption("Feedback is unavailable: this answer is not in the audit trail.")
        return
    thumbs = st.feedback(
        "thumbs", key=f"fb-{entry.id}", on_change=_on_thumbs, args=(entry, session_id)
    )
    if thumbs is None:
        return
    if entry.feedback_error:
        st.error(entry.feedback_error, icon=":material/error:")
    elif entry.comment_saved:
        st.caption("Thanks, your feedback and comment were saved.")
    else:
        with st.form(f"fbc-{entry.id}", border=False, clear_on_submit=True):
            st.text_input("Anything to add? (optional)", key=f"fbc-text-{entry.id}")
            st.form_submit_button("Send comment", on_click=_on_comment, args=(entry, session_id))


def _score(entry: ChatEntry) -> int | None:
    value = st.session_state.get(f"fb-{entry.id}")
    return None if value is None else (1 if value == 1 else -1)


def _on_thumbs(entry: ChatEntry, session_id: str) -> None:
    score = _score(entry)
    if score is not None and entry.record_id is not None:
        _save(entry, score, None, session_id)


def _on_comment(entry: ChatEntry, session_id: str) -> None:
    comment = str(st.session_state.get(f"fbc-text-{entry.id}", "")).strip()
    score = _score(entry)
    if comment and score is not None and entry.record_id is not None:
        _save(entry, score, comment, session_id)
        entry.comment_saved = entry.feedback_error is None


def _save(entry: ChatEntry, score: int, comment: str | None, session_id: str) -> None:
    assert entry.record_id is not None
    try:
        trail.save_feedback(entry.record_id, score, comment, session_id)
        entry.feedback_error = None
    except ProdAIError as exc:
        entry.feedback_error = f"Your feedback could not be saved: {exc}"
    except Exception:
        services.log.exception("saving feedback failed")
        entry.feedback_error = "Your feedback could not be saved (an internal error was logged)."


__all__ = [
    "feedback_controls",
    "show_answer",
    "show_scorecard",
    "show_user_text",
    "verdict_badge",
]
