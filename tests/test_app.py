"""The Streamlit app driven the way a person uses it (AppTest), with the FakeAssistant."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prodai_assistant.audit import AuditRecord, Feedback, MemoryAuditStore
from prodai_assistant.config import Settings
from prodai_assistant.errors import AuditError, InputError
from prodai_assistant.testing import FakeAssistant
from prodai_assistant.ui import services
from prodai_assistant.ui.pages import __file__ as pages_init

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = Path(pages_init).parent.relative_to(Path(APP).parent)
QUESTION = "What does the CFO see in the P&L?"
DESCRIPTION = (
    "Our fraud model is live in production, integrated in the claims workflow, monitored by "
    "the MLOps team with an on-call rota, and its savings are booked in the P&L every quarter "
    "according to finance, who review the numbers with the operations team every month."
)


class FailingStore(MemoryAuditStore):
    """An audit store whose writes fail, as a full disk or a dropped database would."""

    def __init__(self, *, fail_records: bool = False, fail_feedback: bool = False) -> None:
        super().__init__()
        self.fail_records, self.fail_feedback = fail_records, fail_feedback

    def record(self, record: AuditRecord) -> str:
        if self.fail_records:
            raise AuditError("the audit database is read-only; set PRODAI_DATA_DIR")
        return super().record(record)

    def add_feedback(
        self, record_id: str, score: int, comment: str | None = None, session_id: str | None = None
    ) -> Feedback:
        if self.fail_feedback:
            raise AuditError("the audit database is locked")
        return super().add_feedback(record_id, score, comment, session_id)


@pytest.fixture(autouse=True)
def _no_shared_assistant() -> Iterator[None]:
    """Every test starts and ends without a process-wide assistant or factory."""
    services.set_assistant_factory(None)
    yield
    services.set_assistant_factory(None)


def start(
    tmp_path: Path,
    assistant: object | None = None,
    store: MemoryAuditStore | None = None,
    page: str | None = None,
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if assistant is not None:
        at.session_state[services.ASSISTANT_KEY] = assistant
    at.session_state[services.AUDIT_KEY] = store if store is not None else MemoryAuditStore()
    at.session_state[services.SETTINGS_KEY] = Settings(data_dir=tmp_path / "data")
    at.run()
    if page:
        at.switch_page(str(PAGES / f"{page}.py")).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    """Every piece of text the page shows, for 'never shown' assertions."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    )
    parts += [x.label for x in at.expander]
    return "\n".join(str(p) for p in parts)


def badges(at: AppTest) -> list[tuple[str, str]]:
    """(colour, label) of every st.badge on the page."""
    found = []
    for m in at.markdown:
        found += re.findall(r":(\w+)-badge\[(?::material/\w+: )?([^\]]+)\]", m.value)
    return found


def assistant_messages(at: AppTest) -> list[str]:
    return [
        "\n".join(m.value for m in msg.markdown)
        for msg in at.chat_message
        if msg.name == "assistant"
    ]


# --- chat -------------------------------------------------------------------------------------


def test_empty_chat_offers_starter_questions(tmp_path: Path) -> None:
    at = start(tmp_path, FakeAssistant())
    assert [b.label for b in at.button if b.key.startswith("starter-")][:1] == [
        "What is Production AI?"
    ]
    assert len(at.chat_message) == 0


def test_starter_button_asks_its_question(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = start(tmp_path, fake)
    at.button(key="starter-0").click().run()
    assert fake.calls[0] == ("ask", "What is Production AI?", "all")
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]


def test_answer_shows_with_numbered_citations(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = ask(start(tmp_path, fake), QUESTION)
    expected = fake.ask(QUESTION)
    assert assistant_messages(at)[0].startswith(expected.answer)
    labels = [e.label for e in at.expander if e.label.startswith("[")]
    assert labels == [f"[{c.marker}] {c.title} · {c.section}" for c in expected.citations]
    quote = expected.citations[0].quote
    assert any(quote in m.value for m in at.expander[0].markdown)


def test_history_survives_reruns_and_follow_up_is_rewritten(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), "What is Production AI?")
    ask(at, "How is it monitored?")
    assert [m.name for m in at.chat_message] == ["user", "assistant"] * 2
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("Answered as: How is it monitored? \\(following up on") for c in captions
    )


def test_lens_is_passed_to_the_assistant_and_shown(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = start(tmp_path, fake)
    at.selectbox(key=services.LENS_KEY).set_value("cfo").run()
    ask(at, QUESTION)
    assert fake.calls[-1] == ("ask", QUESTION, "cfo")
    assert "Framed for: CFO" in [c.value for c in at.caption]


def test_refusal_is_styled_as_a_warning_without_citations(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), "What is the weather in Paris?")
    assert [w.value for w in at.warning] == ["I can only answer questions about Production AI."]
    assert not [e for e in at.expander if e.label.startswith("[")]


def test_description_pasted_in_chat_gets_the_scorecard_inline(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), DESCRIPTION)
    assert badges(at) == [("green", "Production AI")]
    assert {m.label for m in at.metric} == {"Confidence", "Maturity", "Criteria evidenced"}
    assert any(m.proto.allow_html and "<mark" in m.value for m in at.markdown)
    assert {d.label for d in at.get("download_button")} >= {"Download scorecard (Markdown)"}


def test_user_html_and_markdown_are_shown_inert(tmp_path: Path) -> None:
    payload = "<script>alert(1)</script> ![x](http://evil.example/x.png) what is production AI?"
    at = ask(start(tmp_path, FakeAssistant()), payload)
    user = next(msg for msg in at.chat_message if msg.name == "user").markdown[0]
    assert not user.proto.allow_html
    assert "\\<script\\>" in user.value and "\\!\\[x\\]" in user.value


def test_html_in_a_description_never_reaches_the_page_as_html(tmp_path: Path) -> None:
    payload = DESCRIPTION + ' <img src=x onerror="alert(1)"><script>alert(2)</script>'
    at = ask(start(tmp_path, FakeAssistant()), payload)
    html_blocks = [m.value for m in at.markdown if m.proto.allow_html]
    assert html_blocks and all("<img" not in b and "<script" not in b for b in html_blocks)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html_blocks[0]


def test_input_error_becomes_its_friendly_message(tmp_path: Path) -> None:
    fake = FakeAssistant(raise_on={"TOO LONG": InputError("The question is too long; shorten it.")})
    at = ask(start(tmp_path, fake), "TOO LONG question")
    assert [e.value for e in at.error] == ["The question is too long; shorten it."]
    ask(at, QUESTION)  # the conversation goes on
    assert len(assistant_messages(at)) == 2


def test_unexpected_error_shows_no_traceback_or_internals(tmp_path: Path) -> None:
    fake = FakeAssistant(raise_on={"boom": RuntimeError("secret-internal-detail at line 42")})
    at = ask(start(tmp_path, fake), "boom")
    assert len(at.error) == 1 and "something went wrong" in at.error[0].value
    text = page_text(at)
    assert "secret-internal-detail" not in text and "Traceback" not in text
    assert not at.exception


def test_new_chat_clears_the_conversation_but_keeps_the_session(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    session = at.session_state[services.CONVERSATION_KEY].session_id
    next(b for b in at.button if b.label == "New chat").click().run()
    assert len(at.chat_message) == 0
    assert at.session_state[services.CONVERSATION_KEY].session_id == session


def test_export_button_appears_once_there_is_a_conversation(tmp_path: Path) -> None:
    at = start(tmp_path, FakeAssistant())
    assert not at.get("download_button")
    ask(at, QUESTION)
    assert [d.label for d in at.get("download_button")] == ["Export chat"]


# --- audit trail and feedback -----------------------------------------------------------------


def test_every_answer_is_recorded_with_session_and_history(tmp_path: Path) -> None:
    store = MemoryAuditStore()
    at = ask(start(tmp_path, FakeAssistant(), store), "What is Production AI?")
    ask(at, "How is it monitored?")
    records = store.list()
    session = at.session_state[services.CONVERSATION_KEY].session_id
    assert len(records) == 2 and {r.session_id for r in records} == {session}
    latest = records[0]
    assert latest.question == "How is it monitored?" and len(latest.history) == 2


def test_thumbs_and_comment_are_stored_on_the_answers_record(tmp_path: Path) -> None:
    store = MemoryAuditStore()
    at = ask(start(tmp_path, FakeAssistant(), store), QUESTION)
    record_id = store.list()[0].id
    at.feedback[0].set_value(0).run()  # thumbs down
    assert [(f.score, f.comment) for f in store.feedback_for(record_id)] == [(-1, None)]
    at.text_input[0].set_value("The figure is from the wrong year.")
    next(b for b in at.button if b.label == "Send comment").click().run()
    assert [(f.score, f.comment) for f in store.feedback_for(record_id)][-1] == (
        -1,
        "The figure is from the wrong year.",
    )
    assert "Thanks, your feedback and comment were saved." in [c.value for c in at.caption]


def test_feedback_failure_is_reported_not_raised(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant(), FailingStore(fail_feedback=True)), QUESTION)
    at.feedback[0].set_value(1).run()
    assert any("could not be saved: the audit database is locked" in e.value for e in at.error)
    assert not at.exception


def test_audit_failure_still_shows_the_answer(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant(), FailingStore(fail_records=True)), QUESTION)
    assert assistant_messages(at)
    assert any("not recorded in the audit trail" in w.value for w in at.warning)
    assert any("Feedback is unavailable" in c.value for c in at.caption)


# --- sessions and loading ---------------------------------------------------------------------


def test_two_sessions_never_see_each_others_history(tmp_path: Path) -> None:
    shared = FakeAssistant()
    first, second = start(tmp_path, shared), start(tmp_path, shared)
    ask(first, "What is Production AI?")
    second.run()
    assert len(second.chat_message) == 0
    ask(second, QUESTION)
    first.run()
    assert [m.markdown[0].value for m in first.chat_message if m.name == "user"] == [
        "What is Production AI?"
    ]


def test_shared_assistant_is_built_once_with_progress(tmp_path: Path) -> None:
    built: list[object] = []

    def factory(settings: Settings, progress: services.Progress) -> FakeAssistant:
        progress("embed", 1, 2)
        built.append(settings)
        return FakeAssistant()

    services.set_assistant_factory(factory)
    first = start(tmp_path)
    statuses = first.main.get("status")
    assert [s.label for s in statuses] == ["Knowledge base ready: 4 documents, 4 chunks"]
    start(tmp_path)
    assert len(built) == 1


def test_failed_build_is_a_friendly_error_and_is_retried(tmp_path: Path) -> None:
    from prodai_assistant.errors import CorpusError

    attempts: list[int] = []

    def factory(settings: Settings, progress: services.Progress) -> FakeAssistant:
        attempts.append(1)
        if len(attempts) == 1:
            raise CorpusError("The corpus folder '/nowhere' does not exist; set PRODAI_CORPUS_DIR.")
        return FakeAssistant()

    services.set_assistant_factory(factory)
    at = start(tmp_path)
    assert any("set PRODAI_CORPUS_DIR" in e.value for e in at.error)
    ask(at, QUESTION)
    assert assistant_messages(at) and len(attempts) == 2


def test_invalid_environment_setting_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODAI_RETRIEVAL__K", "0")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert any("'retrieval.k'" in e.value and "PRODAI_RETRIEVAL__K" in e.value for e in at.error)
    assert not at.exception


def test_llm_draft_streams_then_gives_way_to_the_verified_answer(tmp_path: Path) -> None:
    # An LLM backend's tokens reach the page through on_token while it writes; the guard may
    # drop sentences, so once the answer is verified only the verified text stays on the page.
    fake = FakeAssistant(draft=["The fifth hallmark ", "is a moon base [9]."])
    at = ask(start(tmp_path, fake), QUESTION)
    expected = FakeAssistant().ask(QUESTION)
    assert assistant_messages(at)[0].startswith(expected.answer)
    assert "moon base" not in page_text(at)
    assert "Draft from the language model" not in page_text(at)
