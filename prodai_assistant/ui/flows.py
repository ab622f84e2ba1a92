"""What happens when a user asks or assesses: call the assistant, record, show, remember."""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable

import pandas as pd
import streamlit as st

from ..errors import ProdAIError
from ..models import Assessment
from . import portfolio, services, trail, widgets
from .chat import ChatEntry, Conversation

log = logging.getLogger(__name__)
CLASSIFY_RESULT_KEY = "prodai.classify_result"
PORTFOLIO_RESULT_KEY = "prodai.portfolio_result"


def show_entry(entry: ChatEntry, conversation: Conversation) -> None:
    """Re-draw one message of the history (no streaming)."""
    with st.chat_message(entry.role):
        if entry.role == "user":
            widgets.show_user_text(entry.content)
        elif entry.error is not None:
            st.error(entry.error, icon=":material/error:")
        elif entry.answer is not None:
            widgets.show_answer(entry.answer, key=entry.id)
            widgets.feedback_controls(entry, conversation.session_id)


def answer_question(question: str, conversation: Conversation) -> None:
    """Ask the assistant, stream the answer in, record it, and keep it in the history."""
    history = conversation.history()
    conversation.add_question(question)
    with st.chat_message("user"):
        widgets.show_user_text(question)
    with st.chat_message("assistant"):
        started = time.perf_counter()
        draft = widgets.DraftArea()
        try:
            with st.spinner("Searching the knowledge base…"):
                answer = services.assistant().ask(
                    question, history=history, audience=services.audience(), on_token=draft.add
                )
        except ProdAIError as exc:
            st.error(conversation.add_error(str(exc)).content, icon=":material/error:")
            return
        except Exception:
            log.exception("answering a question failed")
            message = services.GENERIC_ERROR.format(action="answering")
            st.error(conversation.add_error(message).content, icon=":material/error:")
            return
        finally:
            draft.clear()  # the verified answer replaces the unverified draft
        latency = (time.perf_counter() - started) * 1000
        record_id = trail.record_answer(
            answer, session_id=conversation.session_id, history=history, latency_ms=latency
        )
        entry = conversation.add_answer(answer, record_id)
        widgets.show_answer(answer, stream=True, key=entry.id)
        widgets.feedback_controls(entry, conversation.session_id)


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
    "answer_question",
    "assess",
    "assess_portfolio",
    "last_assessment",
    "portfolio_results",
    "show_entry",
]
