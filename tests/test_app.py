"""The chat page driven the way a person uses it (AppTest), with the FakeAssistant."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import (
    MAIN,
    OPERATOR_TERMS,
    ask,
    assistant_messages,
    click,
    html_blocks,
    main_text,
    start,
    user_messages,
    visible_words,
)
from streamlit.testing.v1 import AppTest

from prodai_assistant.audit import AuditRecord, Feedback, MemoryAuditStore
from prodai_assistant.config import Settings
from prodai_assistant.errors import AuditError, InputError
from prodai_assistant.testing import FakeAssistant
from prodai_assistant.ui import services, startup

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


# --- asking -----------------------------------------------------------------------------------


def test_empty_chat_offers_starter_questions(tmp_path: Path) -> None:
    at = start(tmp_path, FakeAssistant())
    assert [b.label for b in at.button if b.key.startswith("starter-")][:1] == [
        "What is Production AI?"
    ]
    assert len(at.chat_message) == 0 and len(at.chat_input) == 1


def test_starter_button_asks_its_question(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = start(tmp_path, fake)
    at.button(key="starter-0").click().run()
    assert fake.calls[0] == ("ask", "What is Production AI?", "all")
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert not [b for b in at.button if b.key and b.key.startswith("starter-")]


def test_whitespace_only_input_is_ignored_quietly(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = start(tmp_path, fake)
    for blank in ("   ", "\n\t \n"):
        ask(at, blank)
    assert fake.calls == [] and len(at.chat_message) == 0
    assert not at.error and not at.warning and not at.info
    assert at.button(key="starter-0")  # still the empty chat


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


def test_refusal_is_styled_as_a_warning_without_sources(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), "What is the weather in Paris?")
    assert [w.value for w in at.warning] == ["I can only answer questions about Production AI."]
    assert not [b for b in html_blocks(at) if "prodai-sources" in b]


# --- sources ------------------------------------------------------------------------------------


def test_markers_link_to_one_collapsed_source_entry_per_section(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = ask(start(tmp_path, fake), QUESTION)
    expected = fake.ask(QUESTION)
    entry = at.session_state[services.CONVERSATION_KEY].entries[-1]
    text = assistant_messages(at)[0]
    (sources,) = [b for b in html_blocks(at) if "prodai-sources" in b]
    for c in expected.citations:  # each [n] links to an element of the sources block
        assert f"[\\[{c.marker}\\]](#src-{entry.id}-{c.marker})" in text
        assert f'id="src-{entry.id}-{c.marker}"' in sources
    assert sources.startswith('<details class="prodai-sources">')  # collapsed: no "open"
    assert sources.count('class="prodai-source"') == len({c.chunk_id for c in expected.citations})


def test_a_source_shows_its_section_with_the_cited_sentence_marked(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = ask(start(tmp_path, fake), QUESTION)
    (sources,) = [b for b in html_blocks(at) if "prodai-sources" in b]
    cited = fake.ask(QUESTION).citations[0]
    chunk = next(c for c in fake.chunks if c.chunk_id == cited.chunk_id)
    assert f"<mark>{cited.quote}" in sources.replace("&amp;", "&")
    rest = chunk.text.replace(cited.quote, "").strip()
    assert rest and rest.split()[0] in sources  # the context around the quote is there too
    assert cited.title in sources and cited.section in sources
    link = f'href="knowledge?doc={cited.doc_id}&amp;section='
    assert link in sources and 'target="_blank"' in sources


def test_no_operator_terms_in_the_chat(tmp_path: Path) -> None:
    at = ask(start(tmp_path, FakeAssistant()), QUESTION)
    ask(at, DESCRIPTION)
    shown = visible_words(main_text(at))
    assert not OPERATOR_TERMS.search(shown), OPERATOR_TERMS.findall(shown)


# --- descriptions in the chat -----------------------------------------------------------------


def test_description_pasted_in_chat_gets_the_scorecard_once(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = ask(start(tmp_path, fake), DESCRIPTION)
    blocks = html_blocks(at)
    assert any('class="prodai-verdict production">Production AI<' in b for b in blocks)
    assert sum("<table" in b for b in blocks) == 1  # one criteria table
    assert not any("This reads as" in m for m in assistant_messages(at))  # no repeated list
    assert any("<mark" in b for b in blocks)
    assert {d.label for d in at.get("download_button")} >= {"Download scorecard (Markdown)"}


def test_a_6000_character_description_gets_a_scorecard(tmp_path: Path) -> None:
    long = (DESCRIPTION + " ") * 30
    long = long[:6000]
    fake = FakeAssistant()
    at = ask(start(tmp_path, fake), long)
    assert len(long) == 6000 > Settings().max_question_chars
    assert fake.calls[-1][0] == "classify"  # too long for a question: taken as a description
    assert any('class="prodai-verdict' in b for b in html_blocks(at))
    assert not at.error
    user = next(m for m in at.chat_message if m.name == "user")
    assert [e.label for e in user.expander] == ["Show all (6,000 characters)"]
    assert len(user.markdown[0].value) < 500  # the bubble shows a preview until opened


def test_chat_box_accepts_up_to_the_classifier_limit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", classifier={"max_chars": 9000})
    at = start(tmp_path, FakeAssistant(), settings=settings)
    assert at.chat_input[0].proto.max_chars == 9000


def test_user_html_and_markdown_are_shown_inert(tmp_path: Path) -> None:
    payload = "<script>alert(1)</script> ![x](http://evil.example/x.png) what is production AI?"
    at = ask(start(tmp_path, FakeAssistant()), payload)
    user = next(msg for msg in at.chat_message if msg.name == "user").markdown[0]
    assert not user.proto.allow_html
    assert "\\<script\\>" in user.value and "\\!\\[x\\]" in user.value


def test_html_in_a_description_never_reaches_the_page_as_html(tmp_path: Path) -> None:
    payload = DESCRIPTION + ' <img src=x onerror="alert(1)"><script>alert(2)</script>'
    at = ask(start(tmp_path, FakeAssistant()), payload)
    blocks = html_blocks(at)
    assert blocks and all("<img" not in b and "<script" not in b for b in blocks)
    assert any("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in b for b in blocks)


# --- errors -----------------------------------------------------------------------------------


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
    text = main_text(at)
    assert "secret-internal-detail" not in text and "Traceback" not in text
    assert not at.exception


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
    click(at, "Send comment")
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


# --- first start: prepared in the background --------------------------------------------------


class SlowFactory:
    """Builds a FakeAssistant once ``release`` is set, reporting progress meanwhile."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.built = 0

    def __call__(self, settings: Settings, progress: services.Progress) -> FakeAssistant:
        progress("embed", 1, 4)
        assert self.release.wait(30)
        self.built += 1
        return FakeAssistant()


def wait_prepared(tmp_path: Path) -> None:
    assert startup.job_for(Settings(data_dir=tmp_path / "data")).wait(30)


def test_first_page_shows_the_chat_at_once_and_answers_when_ready(tmp_path: Path) -> None:
    factory = SlowFactory()
    services.set_assistant_factory(factory)
    at = start(tmp_path)  # the build is still under way
    assert at.title[0].value == "Is our AI real, or just a demo?" and at.caption
    assert len(at.chat_input) == 1
    bars = at.get("progress")
    assert bars and re.fullmatch(
        r"Preparing the knowledge base, about \d+ seconds?", bars[0].proto.text
    )
    ask(at, QUESTION)  # typed while preparing
    assert user_messages(at) == ["What does the CFO see in the P\\&L?"]
    assert any("as soon as the knowledge base is ready" in c.value for c in at.caption)
    factory.release.set()
    wait_prepared(tmp_path)
    at.run()  # what the progress fragment does once the knowledge base is ready
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert assistant_messages(at)[0].startswith("For the CFO")
    assert not at.get("progress")
    start(tmp_path)  # a second visitor
    assert factory.built == 1  # built once for the process


def test_failed_build_is_a_friendly_error_and_is_retried(tmp_path: Path) -> None:
    from prodai_assistant.errors import CorpusError

    attempts: list[int] = []

    def factory(settings: Settings, progress: services.Progress) -> FakeAssistant:
        attempts.append(1)
        if len(attempts) == 1:
            raise CorpusError("The corpus folder '/nowhere' does not exist; set PRODAI_CORPUS_DIR.")
        return FakeAssistant()

    services.set_assistant_factory(factory)
    at = start(tmp_path, run=False)
    startup.ensure_started(Settings(data_dir=tmp_path / "data"), factory)
    wait_prepared(tmp_path)
    at.run()
    assert any("set PRODAI_CORPUS_DIR" in e.value for e in at.error)
    assert at.button(key="retry-prepare")
    ask(at, QUESTION)  # asking tries again
    assert assistant_messages(at) and len(attempts) == 2


def test_invalid_environment_setting_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODAI_RETRIEVAL__K", "0")
    at = AppTest.from_file(MAIN, default_timeout=30).run()
    assert any("'retrieval.k'" in e.value and "PRODAI_RETRIEVAL__K" in e.value for e in at.error)
    assert len(at.error) == 1 and not at.exception


def test_llm_draft_streams_then_gives_way_to_the_verified_answer(tmp_path: Path) -> None:
    # An LLM backend's tokens reach the page through on_token while it writes; the guard may
    # drop sentences, so once the answer is verified only the verified text stays on the page.
    fake = FakeAssistant(draft=["The fifth hallmark ", "is a moon base [9]."])
    at = ask(start(tmp_path, fake), QUESTION)
    expected = FakeAssistant().ask(QUESTION)
    assert assistant_messages(at)[0].startswith(expected.answer.split(" [")[0])
    assert "moon base" not in main_text(at)
    assert "Draft from the language model" not in main_text(at)
