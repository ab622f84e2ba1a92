"""The app's wiring: settings, the one shared assistant, the lens, friendly errors.

The shared assistant is prepared in the background (``startup``); ``ready_assistant`` never
waits for it, ``assistant`` does. Tests (and embedders of the app) replace the assistant
without touching the environment:
put an object in ``st.session_state[ASSISTANT_KEY]`` (one session) or call
``set_assistant_factory`` (the whole process). Settings can be replaced the same way through
``st.session_state[SETTINGS_KEY]``.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import streamlit as st

from ..config import Settings
from ..errors import ProdAIError
from ..models import AUDIENCES, Answer, Assessment, Audience, Document, IndexStatus
from . import prebuild, startup
from .chat import Conversation
from .jobs import Job
from .knowledge import section_text

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
    from ..assistant import Assistant  # heavy: only when the app really needs it

    if not settings.index_dir.exists():  # first start: the heavy part in a child process
        prebuild.build_aside(settings, progress)
    assistant: AssistantLike = Assistant.from_settings(settings, progress=progress)
    return assistant


_factory: AssistantFactory = _default_factory


def current_factory() -> AssistantFactory:
    """What builds the shared assistant (the real ``Assistant`` unless replaced)."""
    return _factory


def set_assistant_factory(factory: AssistantFactory | None) -> None:
    """Build the shared assistant with ``factory`` (None restores the real one); clears caches."""
    global _factory
    _factory = factory or _default_factory
    startup.clear()


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
    return environment_settings()


def environment_settings() -> Settings:
    """The environment's Settings, loaded once per environment (ConfigError when invalid)."""
    cfg = _environment_settings(_environment())
    model = cfg.embedding.model_path
    if model is not None and not model.is_dir():  # checked at every load: gone since
        return Settings.load()  # raises the ConfigError that says so
    return cfg


def _environment() -> tuple[tuple[str, str], ...]:
    """What ``Settings.load`` reads of the environment: the PRODAI_* variables (in any case),
    and HOME and XDG_DATA_HOME for the default data dir."""
    return tuple(
        sorted(
            (key, value)
            for key, value in os.environ.items()
            if key.upper().startswith("PRODAI_") or key in ("HOME", "XDG_DATA_HOME")
        )
    )


@functools.lru_cache(maxsize=8)
def _environment_settings(environment: tuple[tuple[str, str], ...]) -> Settings:
    """Settings.load() once per environment: a page run asks for the settings a dozen times,
    and each load parses every variable again (a few milliseconds each). A ConfigError is
    not cached: it is raised again on every call."""
    return Settings.load()  # ConfigError names the variable; the page shows it


def start_preparing(cfg: Settings | None = None, *, retry: bool = False) -> Job | None:
    """Begin preparing the shared assistant in the background (None when one is injected)."""
    if st.session_state.get(ASSISTANT_KEY) is not None:
        return None
    return startup.ensure_started(cfg or settings(), _factory, retry=retry)


def ready_assistant() -> AssistantLike | None:
    """The assistant if it can answer now, else None; never waits."""
    injected = st.session_state.get(ASSISTANT_KEY)
    if injected is not None:
        return injected  # type: ignore[no-any-return]
    job = start_preparing()
    if job is None or not job.succeeded:
        return None
    ready: AssistantLike = job.result
    return ready


def assistant() -> AssistantLike:
    """The session's injected assistant, else the shared one; waits (with a progress bar)
    while it is being prepared, and tries again when an earlier attempt failed."""
    injected = st.session_state.get(ASSISTANT_KEY)
    if injected is not None:
        return injected  # type: ignore[no-any-return]
    job = start_preparing(retry=True)
    assert job is not None
    if not job.succeeded and not job.failed:
        bar = st.progress(job.fraction(), text=preparing_label(job))
        while not job.wait(0.25):
            bar.progress(job.fraction(), text=preparing_label(job))
        bar.empty()
    if job.error is not None:
        raise job.error
    return job.result  # type: ignore[no-any-return]


def assistant_getter() -> Callable[[], AssistantLike]:
    """A callable a background thread can use to get this session's assistant (it waits for
    the shared one to be ready; session state is not readable from other threads)."""
    injected = st.session_state.get(ASSISTANT_KEY)
    if injected is not None:
        return lambda: injected
    job = start_preparing(retry=True)
    assert job is not None

    def get() -> AssistantLike:
        job.wait()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[no-any-return]

    return get


def preparing_label(job: Job) -> str:
    """'Preparing the knowledge base, about 12 seconds' (minutes once it is long)."""
    left = job.seconds_left()
    if left >= 90:
        return f"Preparing the knowledge base, about {round(left / 60)} minutes"
    return f"Preparing the knowledge base, about {left} second{'s' if left != 1 else ''}"


def passages() -> Callable[[str, str], str | None]:
    """Look up a cited section's text; nothing while the knowledge base is being prepared."""
    ready = ready_assistant()
    try:
        documents = ready.documents() if ready is not None else []
    except Exception:  # the passage is context: the quote alone still shows
        log.warning("reading the documents for the sources failed", exc_info=True)
        documents = []
    return lambda doc_id, section: section_text(documents, doc_id, section)


def audience() -> Audience:
    """The stakeholder lens chosen in the sidebar."""
    value = st.session_state.get(LENS_KEY, "all")
    return value if value in AUDIENCES else "all"


def conversation() -> Conversation:
    """The conversation open in this browser session (created on first use)."""
    if CONVERSATION_KEY not in st.session_state:
        st.session_state[CONVERSATION_KEY] = Conversation(lens=audience())
    convo: Conversation = st.session_state[CONVERSATION_KEY]
    return convo


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
    "assistant_getter",
    "audience",
    "conversation",
    "current_factory",
    "environment_settings",
    "friendly_errors",
    "passages",
    "preparing_label",
    "ready_assistant",
    "set_assistant_factory",
    "settings",
    "start_preparing",
    "take_pending_question",
]
