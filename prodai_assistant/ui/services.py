"""The app's wiring: settings, the one shared assistant, the audit store, friendly errors.

Tests (and embedders of the app) replace the assistant without touching the environment:
put an object in ``st.session_state[ASSISTANT_KEY]`` (one session) or call
``set_assistant_factory`` (the whole process). Settings can be replaced the same way through
``st.session_state[SETTINGS_KEY]``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import streamlit as st

from ..config import Settings
from ..errors import ProdAIError
from ..models import AUDIENCES, Answer, Assessment, Audience, Document, IndexStatus
from .chat import Conversation

ASSISTANT_KEY = "prodai.assistant"
SETTINGS_KEY = "prodai.settings"
AUDIT_KEY = "prodai.audit_store"
CONVERSATION_KEY = "prodai.conversation"
PENDING_KEY = "prodai.pending_question"
LENS_KEY = "lens"
GENERIC_ERROR = (
    "Sorry, something went wrong while {action}. The details were logged for the operators; "
    "please try again, or rephrase."
)

Progress = Callable[[str, int, int], None]
log = logging.getLogger(__name__)


class AssistantLike(Protocol):
    """What the app needs from ``prodai_assistant.assistant.Assistant``."""

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        audience: str | None = None,
        *,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer: ...

    def classify(self, description: str) -> Assessment: ...

    def status(self) -> IndexStatus: ...

    def documents(self) -> list[Document]: ...


AssistantFactory = Callable[[Settings, Progress], AssistantLike]


def _default_factory(settings: Settings, progress: Progress) -> AssistantLike:
    from ..assistant import Assistant  # heavy (torch, chromadb): only when the app really needs it

    assistant: AssistantLike = Assistant.from_settings(settings, progress=progress)
    return assistant


_factory: AssistantFactory = _default_factory


def set_assistant_factory(factory: AssistantFactory | None) -> None:
    """Build the shared assistant with ``factory`` (None restores the real one); clears caches."""
    global _factory
    _factory = factory or _default_factory
    _shared_slot.clear()


@contextmanager
def friendly_errors(action: str) -> Iterator[None]:
    """Show a ProdAIError's own message; anything else a generic one (logged, never a traceback)."""
    try:
        yield
    except ProdAIError as exc:
        st.error(str(exc), icon=":material/error:")
    except Exception:
        log.exception("unexpected error while %s", action)
        st.error(GENERIC_ERROR.format(action=action), icon=":material/error:")


def settings() -> Settings:
    """The session's Settings override, else the environment's (ConfigError when invalid)."""
    override = st.session_state.get(SETTINGS_KEY)
    if isinstance(override, Settings):
        return override
    return Settings.load()  # ConfigError names the variable; the page shows it


class _Slot:
    """Holds the process's one assistant; the first session to need it builds it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.assistant: AssistantLike | None = None


@st.cache_resource(show_spinner=False)
def _shared_slot(fingerprint: str, data_dir: str, corpus_dir: str) -> _Slot:
    return _Slot()


def assistant() -> AssistantLike:
    """The session's injected assistant, else the shared one (built once, with progress)."""
    injected = st.session_state.get(ASSISTANT_KEY)
    if injected is not None:
        return injected  # type: ignore[no-any-return]
    cfg = settings()
    slot = _shared_slot(cfg.fingerprint(), str(cfg.data_dir), str(cfg.corpus_dir))
    if slot.assistant is not None:
        return slot.assistant
    if not slot.lock.acquire(blocking=False):
        with st.spinner("Another session is preparing the knowledge base…"):
            slot.lock.acquire()
    try:
        if slot.assistant is None:
            slot.assistant = _build_with_progress(cfg)
        return slot.assistant
    finally:
        slot.lock.release()


def _build_with_progress(cfg: Settings) -> AssistantLike:
    with st.status("Preparing the knowledge base…", expanded=True) as box:
        bar = st.progress(0.0, text="Loading the corpus and the embedding model")

        def progress(stage: str, done: int, total: int) -> None:
            fraction = min(done / total, 1.0) if total else 1.0
            bar.progress(fraction, text=f"{stage}: {done} of {total}")

        try:
            built = _factory(cfg, progress)
            status = built.status()
        except BaseException:
            box.update(label="The knowledge base could not be prepared", state="error")
            raise
        bar.progress(1.0, text="Done")
        box.update(
            label=f"Knowledge base ready: {status.documents} documents, {status.chunks} chunks",
            state="complete",
            expanded=False,
        )
    return built


def audience() -> Audience:
    """The stakeholder lens chosen in the sidebar."""
    value = st.session_state.get(LENS_KEY, "all")
    return value if value in AUDIENCES else "all"


def conversation() -> Conversation:
    """This browser session's conversation (created on first use)."""
    if CONVERSATION_KEY not in st.session_state:
        st.session_state[CONVERSATION_KEY] = Conversation()
    convo: Conversation = st.session_state[CONVERSATION_KEY]
    return convo


def new_chat() -> None:
    """Start over, keeping the session id the audit trail knows this browser by."""
    old = conversation()
    st.session_state[CONVERSATION_KEY] = Conversation(session_id=old.session_id)


def ask_later(question: str) -> None:
    """Queue a question (a starter button) for the chat to answer on this run."""
    st.session_state[PENDING_KEY] = question


def take_pending_question() -> str | None:
    pending: str | None = st.session_state.pop(PENDING_KEY, None)
    return pending


__all__ = [
    "ASSISTANT_KEY",
    "AUDIT_KEY",
    "CONVERSATION_KEY",
    "GENERIC_ERROR",
    "LENS_KEY",
    "PENDING_KEY",
    "SETTINGS_KEY",
    "AssistantFactory",
    "AssistantLike",
    "ask_later",
    "assistant",
    "audience",
    "conversation",
    "friendly_errors",
    "new_chat",
    "set_assistant_factory",
    "settings",
    "take_pending_question",
]
