"""What happens when a user asks or assesses: call the assistant, record, show, remember."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import streamlit as st

from ..errors import ProdAIError
from ..models import Answer, Assessment
from . import services, sessions, trail, widgets
from .chat import ChatEntry, Conversation, new_id

if TYPE_CHECKING:  # pandas is for the portfolio page only: the chat never imports it
    import pandas as pd

log = logging.getLogger(__name__)
CLASSIFY_RESULT_KEY = "prodai.classify_result"
PORTFOLIO_RESULT_KEY = "prodai.portfolio_result"


def show_entry(entry: ChatEntry, conversation: Conversation) -> None:
    """Re-draw one message of the history (no streaming)."""
    with st.chat_message(entry.role):
        if entry.role == "user":
            widgets.show_user_text(entry.content)
            return
        with st.container(key=f"answer-{entry.id}"):
            if entry.error is not None:
                st.error(entry.error, icon=":material/error:")
            elif entry.answer is not None:
                widgets.show_answer(entry.answer, key=entry.id)
                widgets.feedback_controls(entry, conversation)


def submit(text: str, conversation: Conversation) -> ChatEntry:
    """Add what the user sent to the conversation, show it and keep it (answered next)."""
    entry = conversation.add_question(text)
    with st.chat_message("user"):
        widgets.show_user_text(text)
    sessions.save(conversation)
    return entry


def waiting() -> None:
    """In place of an answer while the knowledge base is prepared."""
    with st.chat_message("assistant"):
        st.caption("Your question will be answered as soon as the knowledge base is ready.")


def answer_pending(question: ChatEntry, conversation: Conversation) -> str:
    """Answer ``question`` (the conversation's last entry), stream it in, record and keep it;
    returns the id of the entry shown in reply."""
    history = conversation.history()
    entry_id = new_id()
    with st.chat_message("assistant"), st.container(key=f"answer-{entry_id}"):
        started = time.perf_counter()
        draft = widgets.DraftArea()
        try:
            with st.spinner("Searching the knowledge base…"):
                answer = _ask(question.content, history, draft.add)
        except ProdAIError as exc:
            st.error(conversation.add_error(str(exc)).content, icon=":material/error:")
            sessions.save(conversation)
            return conversation.entries[-1].id
        except Exception:
            log.exception("answering a question failed")
            message = services.GENERIC_ERROR.format(action="answering")
            st.error(conversation.add_error(message).content, icon=":material/error:")
            sessions.save(conversation)
            return conversation.entries[-1].id
        finally:
            draft.clear()  # the verified answer replaces the unverified draft
        latency = (time.perf_counter() - started) * 1000
        record_id = trail.record_answer(
            answer, session_id=conversation.session_id, history=history, latency_ms=latency
        )
        entry = conversation.add_answer(answer, record_id, entry_id=entry_id)
        sessions.save(conversation)
        widgets.show_answer(answer, stream=True, key=entry.id)
        widgets.feedback_controls(entry, conversation)
        return entry.id


def _ask(text: str, history: list[dict[str, str]], on_token: Callable[[str], None]) -> Answer:
    """Ask the assistant; a message too long to be a question is taken as a description."""
    assistant = services.assistant()
    lens = services.audience()
    if len(text.strip()) <= services.settings().max_question_chars:
        return assistant.ask(text, history=history, audience=lens, on_token=on_token)
    from ..assistant import assessment_summary  # the assistant's own wording of a scorecard

    started = time.perf_counter()
    assessment = assistant.classify(text)
    body, citations = assessment_summary(assessment, lens)
    return Answer(
        question=text,
        standalone_question=text,
        answer=body,
        citations=citations,
        intent="assessment",
        audience=lens,
        assessment=assessment,
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def assess(description: str) -> None:
    """Classify ``description`` and keep the scorecard for this session's reruns."""
    st.session_state.pop(CLASSIFY_RESULT_KEY, None)  # a failed attempt must not show the last one
    started = time.perf_counter()
    with st.spinner("Assessing against the hallmarks…"):
        assessment = services.assistant().classify(description)
    latency = (time.perf_counter() - started) * 1000
    session_id = services.conversation().session_id
    record_id = trail.record_assessment(
        description, assessment, session_id=session_id, latency_ms=latency
    )
    st.session_state[CLASSIFY_RESULT_KEY] = (description, assessment, record_id)


def last_assessment() -> tuple[str, Assessment, str | None] | None:
    result: tuple[str, Assessment, str | None] | None = st.session_state.get(CLASSIFY_RESULT_KEY)
    return result


def assess_portfolio(
    frame: pd.DataFrame, description_column: str, name_column: str | None, run_key: Hashable
) -> None:
    """Assess every row with a progress bar; keep the results for this session's reruns."""
    from . import portfolio

    st.session_state.pop(PORTFOLIO_RESULT_KEY, None)
    assistant = services.assistant()
    session_id = services.conversation().session_id
    auditing = trail.store() is not None
    unrecorded = 0

    def classify(description: str) -> Assessment:
        nonlocal unrecorded
        started = time.perf_counter()
        assessment = assistant.classify(description)
        latency = (time.perf_counter() - started) * 1000
        record_id = trail.record_assessment(
            description, assessment, session_id=session_id, latency_ms=latency, quiet=True
        )
        if auditing and record_id is None:
            unrecorded += 1
        return assessment

    bar = st.progress(0.0, text="Assessing…")
    step = max(1, len(frame) // 100)  # about 100 updates, however long the file

    def progress(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            bar.progress(done / total, text=f"Assessed {done:,} of {total:,} projects")

    results = portfolio.classify_rows(
        frame, description_column, classify, name_column=name_column, progress=progress
    )
    bar.empty()
    if unrecorded:
        st.warning(trail.NOT_RECORDED.format(reason=f"{unrecorded} rows failed to record"))
    st.session_state[PORTFOLIO_RESULT_KEY] = (run_key, results)


def portfolio_results(run_key: Hashable) -> pd.DataFrame | None:
    """The results of the last run, if it was for this file and these columns."""
    stored = st.session_state.get(PORTFOLIO_RESULT_KEY)
    if stored is None or stored[0] != run_key:
        return None
    results: pd.DataFrame = stored[1]
    return results


__all__ = [
    "CLASSIFY_RESULT_KEY",
    "PORTFOLIO_RESULT_KEY",
    "answer_pending",
    "assess",
    "assess_portfolio",
    "last_assessment",
    "portfolio_results",
    "show_entry",
    "submit",
    "waiting",
]
