"""Conversations that last (AppTest): an id in the URL, kept per browser, restored on reload
with their lens and feedback, listed in the sidebar to reopen or delete, never shown to
another browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import BROWSER, OTHER_BROWSER, ask, start, user_messages
from streamlit.testing.v1 import AppTest

from prodai_assistant.audit import MemoryAuditStore
from prodai_assistant.testing import FakeAssistant
from prodai_assistant.ui import services, sessions
from prodai_assistant.ui.convstore import ConversationStore

QUESTION = "What does the CFO see in the P&L?"


@pytest.fixture(autouse=True)
def _no_shared_assistant() -> Iterator[None]:
    services.set_assistant_factory(None)
    yield
    services.set_assistant_factory(None)


def conversation_id(at: AppTest) -> str:
    value = at.query_params.get("c")
    return str(value[0] if isinstance(value, list) else value)


def reload(tmp_path: Path, at: AppTest, *, browser: str = BROWSER, store: object = None) -> AppTest:
    """The same URL opened again (a reload, or the link in another browser)."""
    return start(
        tmp_path, FakeAssistant(), store, browser=browser, params={"c": conversation_id(at)}
    )


def test_a_conversation_gets_an_id_in_the_url(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    cid = conversation_id(at)
    assert cid == at.session_state[services.CONVERSATION_KEY].id and len(cid) == 16


def test_reload_restores_turns_lens_and_feedback(tmp_path: Path) -> None:
    store = MemoryAuditStore()
    at = start(tmp_path, FakeAssistant(), store)
    at.selectbox(key=services.LENS_KEY).set_value("cfo").run()
    ask(at, QUESTION)
    ask(at, "How is it monitored?")
    at.feedback[0].set_value(1).run()  # thumbs up on the first answer
    at.text_input[0].set_value("Useful.")
    next(b for b in at.button if b.label == "Send comment").click().run()
    again = reload(tmp_path, at, store=store)
    assert [m.name for m in again.chat_message] == ["user", "assistant"] * 2
    assert user_messages(again)[0] == "What does the CFO see in the P\\&L?"
    assert again.selectbox(key=services.LENS_KEY).value == "cfo"
    assert again.feedback[0].value == 1 and again.feedback[1].value is None
    assert "Thanks, your feedback and comment were saved." in [c.value for c in again.caption]
    assert "Framed for: CFO" in [c.value for c in again.caption]
    ask(again, "And the CTO?")  # the conversation goes on, with its history
    assert len(store.list()[0].history) == 4


def test_another_browser_sees_nothing_of_it_even_with_the_link(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    stranger = reload(tmp_path, at, browser=OTHER_BROWSER)
    assert len(stranger.chat_message) == 0
    assert not [b for b in stranger.button if b.key and b.key.startswith("open-")]
    ask(stranger, "What is Production AI?")  # kept apart from the first browser's
    mine = reload(tmp_path, at)
    assert user_messages(mine) == ["What does the CFO see in the P\\&L?"]


def test_sidebar_lists_recent_conversations_to_reopen(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    first = conversation_id(at)
    at.button(key="new-chat").click().run()
    assert len(at.chat_message) == 0 and conversation_id(at) != first
    ask(at, "What is Production AI?")
    listed = [b.label for b in at.sidebar.button if b.key.startswith("open-")]
    assert listed == ["What is Production AI?", QUESTION]  # most recent first
    at.button(key=f"open-{first}").click().run()
    assert conversation_id(at) == first
    assert user_messages(at) == ["What does the CFO see in the P\\&L?"]


def test_delete_removes_it_from_the_list_and_the_disk(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    cid = conversation_id(at)
    store = ConversationStore(tmp_path / "data" / "conversations")
    assert store.load(BROWSER, cid) is not None
    at.button(key=f"delete-{cid}").click().run()
    assert store.load(BROWSER, cid) is None
    assert len(at.chat_message) == 0 and conversation_id(at) != cid  # a new chat
    assert not [b for b in at.button if b.key and b.key.startswith("open-")]


def test_new_chat_keeps_the_audit_session(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    session = at.session_state[services.CONVERSATION_KEY].session_id
    at.button(key="new-chat").click().run()
    assert at.session_state[services.CONVERSATION_KEY].session_id == session


def test_nothing_is_loaded_or_written_before_the_browser_is_known(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    early = start(tmp_path, FakeAssistant(), browser=None, params={"c": conversation_id(at)})
    assert len(early.chat_message) == 0
    assert not [b for b in early.button if b.key and b.key.startswith("starter-")]  # waiting
    assert conversation_id(early) == conversation_id(at)  # the URL is left as it was
    early.session_state[sessions.BROWSER_KEY] = BROWSER  # the page reports the browser
    early.run()
    assert user_messages(early) == ["What does the CFO see in the P\\&L?"]


@pytest.mark.parametrize("bad", ["../../etc/passwd", "0" * 15, "G" * 16, ""])
def test_a_malformed_id_in_the_url_is_ignored(tmp_path: Path, bad: str) -> None:
    at = start(tmp_path, FakeAssistant(), params={"c": bad})
    assert not at.exception and len(at.chat_message) == 0
    assert conversation_id(at) != bad
