"""Which conversation is open, and keeping it: the browser's id, ``?c=<id>`` in the URL, the
conversation store. A reload brings back the conversation, its lens and its feedback; the
sidebar lists this browser's recent conversations to reopen or delete.

The browser id arrives from the page a moment after the first run (``browser.extras``);
until then nothing is loaded or written. Tests inject one through ``st.session_state[BROWSER_KEY]``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st

from . import browser, services
from .chat import Conversation
from .convstore import (
    FOLDER,
    ConversationStore,
    ConversationSummary,
    valid_browser_id,
    valid_conversation_id,
)

BROWSER_KEY = "prodai.browser_id"
COMPONENT_KEY = "prodai-browser"
REVEAL_KEY = "prodai.reveal"
PARAM = "c"
log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _store(root: str) -> ConversationStore:
    from pathlib import Path

    return ConversationStore(Path(root))


def store() -> ConversationStore:
    return _store(str(services.settings().data_dir / FOLDER))


def browser_id() -> str | None:
    """This browser's id: injected by a test, else reported by the page (None until then)."""
    injected = valid_browser_id(st.session_state.get(BROWSER_KEY))
    if injected is not None:
        return injected
    state = st.session_state.get(COMPONENT_KEY)
    value = state.get("browser") if isinstance(state, Mapping) else getattr(state, "browser", None)
    return valid_browser_id(value)


def mount_page_component() -> None:
    """Last on every run: the page component that reports the browser id (so its value stays
    in the session) and carries this run's reveal and scroll requests; the styles with it."""
    browser.extras(COMPONENT_KEY, known=browser_id() is not None)


def waiting_for_browser() -> bool:
    """True on the first run of a reload, before the page has said which browser it is."""
    return browser_id() is None and valid_conversation_id(st.query_params.get(PARAM)) is not None


def restore() -> None:
    """Open the conversation the URL names, if this browser has it (else an empty one)."""
    wanted = valid_conversation_id(st.query_params.get(PARAM))
    owner = browser_id()
    current: Conversation | None = st.session_state.get(services.CONVERSATION_KEY)
    if wanted is None or owner is None or (current is not None and current.id == wanted):
        return
    loaded = store().load(owner, wanted)
    if loaded is None:  # someone else's link, or deleted: nothing of it is shown here
        session = current.session_id if current is not None else None
        loaded = Conversation(id=wanted, lens=services.audience())
        if session:
            loaded.session_id = session
    _open(loaded)


def _open(conversation: Conversation) -> None:
    st.session_state[services.CONVERSATION_KEY] = conversation
    st.session_state[services.LENS_KEY] = conversation.lens
    last = next((e.id for e in reversed(conversation.entries) if e.role == "assistant"), None)
    st.session_state[REVEAL_KEY] = last


def take_reveal() -> str | None:
    """The answer to bring into view once, after a conversation was opened."""
    value: str | None = st.session_state.pop(REVEAL_KEY, None)
    return value


def sync_url() -> None:
    """Put the open conversation's id in the URL (once the browser is known)."""
    if browser_id() is None:
        return
    conversation = services.conversation()
    if st.query_params.get(PARAM) != conversation.id:
        st.query_params[PARAM] = conversation.id


def save(conversation: Conversation) -> None:
    """Keep ``conversation`` for this browser; a failure is logged and shown, never raised."""
    owner = browser_id()
    if owner is None or not conversation.entries:
        return
    try:
        store().save(owner, conversation)
    except (OSError, ValueError) as exc:
        log.warning("saving conversation %s failed: %s", conversation.id, exc)
        st.toast("This conversation could not be saved for later.", icon=":material/warning:")


def recent() -> list[ConversationSummary]:
    owner = browser_id()
    return [] if owner is None else store().recent(owner)


def new_chat() -> None:
    """Callback: an empty conversation with a new id, in the same lens and audit session."""
    old = services.conversation()
    fresh = Conversation(session_id=old.session_id, lens=services.audience())
    st.session_state[services.CONVERSATION_KEY] = fresh
    if browser_id() is not None:
        st.query_params[PARAM] = fresh.id


def reopen(conversation_id: str) -> None:
    """Callback: open one of this browser's conversations."""
    owner = browser_id()
    loaded = store().load(owner, conversation_id) if owner else None
    if loaded is not None:
        _open(loaded)
        st.query_params[PARAM] = loaded.id


def delete(conversation_id: str) -> None:
    """Callback: forget one of this browser's conversations (a new chat if it was open)."""
    owner = browser_id()
    if owner is None:
        return
    store().delete(owner, conversation_id)
    if services.conversation().id == conversation_id:
        new_chat()
    st.toast("Conversation deleted.", icon=":material/delete:")


def lens_changed() -> None:
    """Callback of the lens selector: the open conversation remembers its lens."""
    conversation = services.conversation()
    conversation.lens = services.audience()
    save(conversation)


__all__ = [
    "BROWSER_KEY",
    "COMPONENT_KEY",
    "PARAM",
    "browser_id",
    "delete",
    "lens_changed",
    "mount_page_component",
    "new_chat",
    "recent",
    "reopen",
    "restore",
    "save",
    "store",
    "sync_url",
    "take_reveal",
    "waiting_for_browser",
]
