"""Streamlit pieces shared by the pages: a question, an answer with its sources, feedback, and
the progress of preparing the knowledge base.

Text that may quote the user reaches ``st.markdown`` only escaped (``escape_markdown``).
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ..errors import ProdAIError
from ..labels import framed_for
from ..models import Answer
from ..text import canonicalize
from . import services, sessions, trail
from .chat import ChatEntry, Conversation
from .jobs import Job
from .render import escape_markdown, stream_pieces
from .scorecard_view import show_scorecard
from .sources import link_markers, sources_html

# An answer is complete when it is shown (verified first), so streaming it in is only for the
# eye: a few steps, enough to read as streaming; each step is a sleep here and a re-drawing of
# the whole text in the browser (28 steps took 0.45 s of the first answer on a busy machine).
STREAM_STEPS = 6
STREAM_DELAY_S = 0.02
LONG_CHARS = 700  # user messages longer than this (or than LONG_LINES lines) are collapsed
LONG_LINES = 10
PREVIEW_CHARS = 320


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


def is_long(text: str) -> bool:
    return len(text) > LONG_CHARS or text.count("\n") >= LONG_LINES


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The start of ``text``, cut at a space, with an ellipsis."""
    head = " ".join(text[: limit + 40].split())
    if len(head) <= limit:
        return head + " …"
    cut = head.rfind(" ", 0, limit)
    return head[: cut if cut > limit // 2 else limit] + " …"


def show_user_text(text: str) -> None:
    """User text exactly as typed (no markdown, links, images or HTML); long text collapsed."""
    if not is_long(text):
        st.markdown(escape_markdown(text))
        return
    st.markdown(escape_markdown(preview(text)))
    with st.expander(f"Show all ({len(text):,} characters)"):
        st.markdown(escape_markdown(text))


def show_answer(answer: Answer, *, stream: bool = False, key: str = "") -> None:
    """The answer (streamed on first display) with clickable markers, then its sources.

    An assessment shows as its scorecard instead of a text that would repeat the table.
    """
    if answer.assessment is not None:
        show_scorecard(
            answer.assessment, answer.question, key=key, compact=True, citations=answer.citations
        )
        _notices(answer)
        return
    markers = {c.marker for c in answer.citations}
    text = link_markers(answer.answer, markers, key)
    if answer.refused:
        st.warning(answer.answer, icon=":material/block:")
    elif stream:
        write_stream(stream_pieces(text, delay=STREAM_DELAY_S, at_most=STREAM_STEPS))
    else:
        st.markdown(text)
    if answer.standalone_question.strip() != canonicalize(answer.question).text.strip():
        st.caption(f"Answered as: {escape_markdown(answer.standalone_question)}")
    framing = framed_for(answer.audience, answer.audiences)
    if framing:
        st.caption(framing)
    _notices(answer)
    if answer.citations:
        # The one kind of HTML shown here: built by sources_html, which escapes every char.
        shown = sources_html(answer.citations, key, services.passages())
        st.markdown(shown, unsafe_allow_html=True)


def write_stream(pieces: Iterable[str]) -> str:
    """``st.write_stream`` for text: the same elements (one slot, re-drawn as markdown while
    the text grows, with unclosed markup completed; plain markdown at the end), without its
    check that the stream is not a data frame, which imports pandas and pyarrow (0.8 s of the
    first answer here)."""
    slot: DeltaGenerator | None = None
    text = ""
    for piece in pieces:
        if not piece:
            continue
        if slot is None:
            slot = st.empty()
        text += piece
        draft = getattr(slot, "_markdown", None)  # what st.write_stream draws with
        if callable(draft):
            draft(text, unterminated_parsing=True)
        else:
            slot.markdown(text)
    if slot is not None:
        slot.markdown(text)
    return text


def _notices(answer: Answer) -> None:
    for notice in answer.notices:
        st.info(notice, icon=":material/info:")


def preparing(job: Job) -> None:
    """A progress bar while the knowledge base is prepared; reruns the app once it is ready."""

    @st.fragment(run_every=0.5)
    def bar() -> None:
        if job.started is not None and not job.running:
            st.rerun(scope="app")
        st.progress(job.fraction(), text=services.preparing_label(job))

    bar()


def feedback_controls(entry: ChatEntry, conversation: Conversation) -> None:
    """Thumbs on an answer (saved at once) and an optional comment, both on its audit record."""
    if entry.answer is None:
        return
    if entry.record_id is None:
        st.caption("Feedback is unavailable: this answer was not recorded.")
        return
    thumbs = st.feedback(
        "thumbs",
        key=f"fb-{entry.id}",
        default=entry.feedback,
        on_change=_on_thumbs,
        args=(entry, conversation),
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
            st.form_submit_button("Send comment", on_click=_on_comment, args=(entry, conversation))


def _score(entry: ChatEntry) -> int | None:
    value = st.session_state.get(f"fb-{entry.id}")
    return None if value is None else (1 if value == 1 else -1)


def _on_thumbs(entry: ChatEntry, conversation: Conversation) -> None:
    score = _score(entry)
    entry.feedback = None if score is None else (1 if score > 0 else 0)
    if score is not None and entry.record_id is not None:
        _save(entry, score, None, conversation.session_id)
    sessions.save(conversation)


def _on_comment(entry: ChatEntry, conversation: Conversation) -> None:
    comment = str(st.session_state.get(f"fbc-text-{entry.id}", "")).strip()
    score = _score(entry)
    if comment and score is not None and entry.record_id is not None:
        _save(entry, score, comment, conversation.session_id)
        entry.comment_saved = entry.feedback_error is None
        sessions.save(conversation)


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
    "DraftArea",
    "feedback_controls",
    "is_long",
    "preparing",
    "preview",
    "show_answer",
    "show_scorecard",
    "show_user_text",
    "write_stream",
]
