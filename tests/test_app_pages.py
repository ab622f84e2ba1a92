"""The app's other pages (assess, portfolio, knowledge base, evaluation, operations) via AppTest."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import (
    MAIN,
    OPERATOR_TERMS,
    PAGES,
    chart_frames,
    click,
    html_blocks,
    main_text,
    metrics,
    start,
    visible_words,
)
from streamlit.testing.v1 import AppTest

from prodai_assistant.audit import AuditRecord, MemoryAuditStore, open_audit_store
from prodai_assistant.config import Settings
from prodai_assistant.errors import AuditError
from prodai_assistant.passwords import hash_password
from prodai_assistant.testing import FakeAssistant
from prodai_assistant.ui import evalrun, examples, knowledge, services, trail

OPERATOR_PASSWORD = "correct horse battery"
OPERATOR_HASH = hash_password(OPERATOR_PASSWORD, salt=b"fixed salt")


@pytest.fixture(autouse=True)
def _no_shared_assistant() -> Iterator[None]:
    services.set_assistant_factory(None)
    evalrun.set_runner(None)
    yield
    services.set_assistant_factory(None)
    evalrun.set_runner(None)


def open_page(
    tmp_path: Path, page: str, fake: FakeAssistant | None = None, store: object | None = None
) -> AppTest:
    settings = Settings(data_dir=tmp_path / "data", admin_password=OPERATOR_HASH)
    return start(tmp_path, fake or FakeAssistant(), store, page=page, settings=settings)


def unlock(at: AppTest) -> AppTest:
    """Give the operator password on the Operations page."""
    at.text_input[0].set_value(OPERATOR_PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def badges(at: AppTest) -> list[tuple[str, str]]:
    """(colour, label) of every st.badge on the page."""
    found = []
    for m in at.markdown:
        found += re.findall(r":(\w+)-badge\[(?::material/\w+: )?([^\]]+)\]", m.value)
    return found


# --- assess one project -----------------------------------------------------------------------


def scorecard_html(at: AppTest) -> str:
    return "\n".join(html_blocks(at))


def test_assess_example_shows_the_scorecard_at_a_glance(tmp_path: Path) -> None:
    store = MemoryAuditStore()
    at = click(open_page(tmp_path, "classify", store=store), "Example: in production")
    assert at.text_area[0].value == examples.EXAMPLES["production"]
    click(at, "Assess")
    card = scorecard_html(at)
    # the verdict in words first, then confidence and maturity with what the level means
    assert card.index('class="prodai-verdict production">Production AI<') < card.index("90%")
    assert "90% confidence" in card and "Maturity: Level 4 of 4 · optimised" in card
    assert "Optimised: production signals trigger retraining" in card
    assert card.count("<table") == 1 and card.count("<tr>") == 1 + 4  # header + 4 criteria
    assert card.count("<mark") >= 4 and 'class="prodai-legend"' in card
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Download scorecard (Markdown)", "Download scorecard (JSON)"]
    assert [r.kind for r in store.list()] == ["classify"]


def test_evidence_is_coloured_per_criterion_with_a_legend(tmp_path: Path) -> None:
    at = click(click(open_page(tmp_path, "classify"), "Example: in production"), "Assess")
    card = scorecard_html(at)
    legend = card[card.index('class="prodai-legend"') :].split("</div>")[0]
    marks = r'<mark class="positive" [^>]*style="background:(#[0-9a-f]{6})"'
    colours = set(re.findall(marks, card))
    assert len(colours) >= 3  # several criteria, several colours
    for colour in colours:  # every colour on the text is explained in the legend
        assert f"background:{colour}" in legend


def test_what_to_confirm_and_next_steps_quote_the_users_text(tmp_path: Path) -> None:
    at = click(click(open_page(tmp_path, "classify"), "Example: still a demo"), "Assess")
    shown = [m.value for m in at.markdown]
    confirm = next(m for m in shown if m.startswith("- You wrote"))
    assert "*“sandbox”* (a red flag)" in confirm  # the user's own word, flagged
    assert "Is it in sustained use by real users today" in confirm
    steps = next(m for m in shown if m.startswith("1. "))
    # each step says which gap it closes (the real classifier's gaps quote the user's words)
    first = "1. Show deployed in real operations\\.  \n   *Because: No evidence for\\: Deployed"
    assert first in steps


def test_assess_demo_example_gets_the_demo_verdict(tmp_path: Path) -> None:
    at = click(open_page(tmp_path, "classify"), "Example: still a demo")
    click(at, "Assess")
    assert 'class="prodai-verdict demo">Still a demo<' in scorecard_html(at)


def test_unassessable_text_says_so_in_words(tmp_path: Path) -> None:
    at = open_page(tmp_path, "classify")
    at.text_area[0].set_value("hello there")
    click(at, "Assess")
    card = scorecard_html(at)
    assert "Can&#39;t assess this" in card or "Can't assess this" in card
    assert "Not assessed" in card


def test_no_operator_terms_on_the_assess_page(tmp_path: Path) -> None:
    at = click(click(open_page(tmp_path, "classify"), "Example: in production"), "Assess")
    shown = visible_words(main_text(at))
    assert not OPERATOR_TERMS.search(shown), OPERATOR_TERMS.findall(shown)


def test_assess_empty_text_is_a_friendly_error_and_clears_old_result(tmp_path: Path) -> None:
    at = click(open_page(tmp_path, "classify"), "Example: in production")
    click(at, "Assess")
    at.text_area[0].set_value("   ")
    click(at, "Assess")
    assert [e.value for e in at.error] == [
        "The description is empty; type some text and try again."
    ]
    assert not at.metric


def test_assess_over_long_text_names_the_limit(tmp_path: Path) -> None:
    at = open_page(tmp_path, "classify", FakeAssistant(max_chars=100))
    at.text_area[0].set_value("live in production " * 20)
    click(at, "Assess")
    assert "the limit is 100" in at.error[0].value


def test_stakeholder_notes_put_the_chosen_lens_first(tmp_path: Path) -> None:
    at = open_page(tmp_path, "classify")
    at.selectbox(key=services.LENS_KEY).set_value("cto").run()
    click(at, "Example: in production")
    click(at, "Assess")
    (notes,) = [block for block in html_blocks(at) if 'class="prodai-notes"' in block]
    labels = re.findall(r"<p><strong>([^<]+):</strong> Note for", notes)
    assert labels[0] == "CTO" and len(labels) == 4


# --- portfolio --------------------------------------------------------------------------------

PORTFOLIO = (
    "Project,Summary,Owner\n"
    f'Invoices,"{examples.EXAMPLES["production"]}",Finance\n'
    f'Chatbot,"{examples.EXAMPLES["demo"]}",Service\n'
    "Empty,,Nobody\n"
).encode()


def picker(at: AppTest, what: str):  # type: ignore[no-untyped-def]
    return next(s for s in at.main.selectbox if s.label == f"Column with the project {what}")


def upload(at: AppTest, data: bytes, name: str = "projects.csv") -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_portfolio_upload_guesses_columns_assesses_and_charts(tmp_path: Path) -> None:
    store = MemoryAuditStore()
    at = upload(open_page(tmp_path, "portfolio", store=store), PORTFOLIO)
    assert picker(at, "description").value == "Summary"
    assert picker(at, "name").value == "Project"
    click(at, "Assess 3 projects")
    results = at.dataframe[-1].value
    assert results["project"].tolist() == ["Invoices", "Chatbot", "Empty"]
    assert results["verdict"].tolist()[:2] == ["Production AI", "Still a demo"]
    assert results["error"].tolist()[2] == "The description is empty."
    assert metrics(at) == {
        "Projects": "3",
        "Production AI": "1",
        "Still a demo": "1",
        "Can't assess this": "1",
    }
    assert "Download results (CSV)" in [d.label for d in at.get("download_button")]
    assert len(store.list(kind="classify")) == 2


def test_portfolio_charts_show_every_category_and_agree_with_the_figures(
    tmp_path: Path,
) -> None:
    at = click(upload(open_page(tmp_path, "portfolio"), PORTFOLIO), "Assess 3 projects")
    verdicts, levels = chart_frames(at)
    figures = metrics(at)
    assert verdicts["verdict"].tolist() == ["Production AI", "Still a demo", "Can't assess this"]
    for label, count in zip(verdicts["verdict"], verdicts["projects"], strict=True):
        assert figures[label] == str(count)  # each bar is the figure beside it
    assert verdicts["projects"].sum() == int(figures["Projects"])
    assert levels["maturity"].str.slice(0, 7).tolist() == [f"Level {n}" for n in range(5)]
    assert levels["projects"].sum() == int(figures["Production AI"]) + int(figures["Still a demo"])


def test_no_operator_terms_on_the_portfolio_page(tmp_path: Path) -> None:
    at = click(upload(open_page(tmp_path, "portfolio"), PORTFOLIO), "Assess 3 projects")
    shown = visible_words(main_text(at)) + " ".join(at.dataframe[-1].value.columns)
    assert not OPERATOR_TERMS.search(shown), OPERATOR_TERMS.findall(shown)


class ReadOnlyStore(MemoryAuditStore):
    """An audit store that refuses writes, as a read-only data directory would."""

    def record(self, record: AuditRecord) -> str:
        raise AuditError("the audit database is read-only")


def test_portfolio_audit_failure_is_one_warning_and_results_still_show(tmp_path: Path) -> None:
    at = upload(open_page(tmp_path, "portfolio", store=ReadOnlyStore()), PORTFOLIO)
    click(at, "Assess 3 projects")
    assert [w.value for w in at.warning] == [
        "This result was not recorded in the audit trail: 2 rows failed to record"
    ]
    assert metrics(at)["Projects"] == "3"


def test_portfolio_results_survive_a_rerun_but_not_a_column_change(tmp_path: Path) -> None:
    at = click(upload(open_page(tmp_path, "portfolio"), PORTFOLIO), "Assess 3 projects")
    at.run()
    assert "Projects" in metrics(at)
    picker(at, "description").set_value("Owner").run()
    assert "Projects" not in metrics(at)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"name,description\nA,B,C\n", "Row 2 has 3 cells but the header names 2 columns"),
        (b"\x00\x01binary\x00" * 100, "looks binary"),
        (b"name,description\n", "no projects"),
    ],
)
def test_portfolio_bad_files_get_clear_messages(tmp_path: Path, data: bytes, message: str) -> None:
    at = upload(open_page(tmp_path, "portfolio"), data)
    assert len(at.error) == 1 and message in at.error[0].value
    assert not [b for b in at.button if b.label.startswith("Assess")]


def test_portfolio_legacy_encoding_is_read_with_a_notice(tmp_path: Path) -> None:
    data = "name,description\nCafé,Déjà live in production\n".encode("cp1252")
    at = upload(open_page(tmp_path, "portfolio"), data)
    assert any("Windows-1252" in i.value for i in at.info)
    assert at.dataframe[0].value.iloc[0]["name"] == "Café"


def test_portfolio_ten_thousand_rows_run_with_a_progress_bar(tmp_path: Path) -> None:
    rows = "".join(f"p{i},live in production with savings\n" for i in range(10_000))
    at = upload(
        open_page(tmp_path, "portfolio", store=MemoryAuditStore()),
        f"name,description\n{rows}".encode(),
    )
    at.button[-1].click().run(timeout=300)
    assert not at.exception
    assert metrics(at)["Projects"] == "10,000"


# --- knowledge base ---------------------------------------------------------------------------


def test_knowledge_base_lists_documents_and_filters(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = open_page(tmp_path, "knowledge", fake)
    titles = [d.title for d in fake.documents()]
    assert at.dataframe[0].value["Document"].tolist() == titles
    assert len([e for e in at.expander if e.label.startswith("**")]) == len(titles)
    at.text_input[0].set_value("cfo").run()
    assert at.dataframe[0].value["Document"].tolist() == ["Production AI for the CFO"]
    at.text_input[0].set_value("nothing-matches-this").run()
    assert "No document matches that filter." in [i.value for i in at.info]


def test_knowledge_link_opens_its_document_at_the_marked_section(tmp_path: Path) -> None:
    fake = FakeAssistant()
    cited = fake.ask("What does the CFO see in the P&L?").citations[0]
    at = start(tmp_path, fake, run=False)
    at.run()
    at.switch_page(str(PAGES / "knowledge.py"))
    at.query_params["doc"] = cited.doc_id
    at.query_params["section"] = knowledge.slug(cited.section)
    at.run()
    opened = [e for e in at.expander if e.label.startswith("**") and e.proto.expanded]
    assert [e.label.split("**")[1] for e in opened] == [cited.title]
    assert f"#### {cited.section}" in [m.value for m in opened[0].markdown]
    (helper,) = [e for e in at.sidebar if getattr(e.proto, "component_name", "") == "prodai_page"]
    target = json.loads(helper.proto.json)["target"]  # the page scrolls there
    assert target == "st-key-" + knowledge.anchor_key(cited.doc_id, cited.section)


def test_every_section_has_an_anchor_on_the_knowledge_page(tmp_path: Path) -> None:
    fake = FakeAssistant()
    at = open_page(tmp_path, "knowledge", fake)
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert headings == [f"#### {c.section}" for c in fake.chunks]


# --- evaluation -------------------------------------------------------------------------------


def test_evaluation_without_a_report_explains_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    at = open_page(tmp_path, "evaluation")
    assert at.info[0].value.startswith("No evaluation has been run yet.")
    assert not OPERATOR_TERMS.search(at.info[0].value)  # plain words; commands are tucked away
    assert [b.label for b in at.main.button] == ["Run the evaluation"]


REPORT = {
    "backend": "extractive", "passed": True, "metrics": {"mrr": 0.9},
    "gates": [{"metric": "mrr", "kind": "gate", "value": 0.9, "op": ">=", "threshold": 0.85,
               "passed": True, "failing_items": []}],
    "counts": {"qa_items": 80, "classification_items": 40},
    "confusion": {"demo": {"demo": 3}}, "timings": {"total_s": 61.2},
}  # fmt: skip


class GatedRunner:
    """An eval run that reports progress, then waits for ``release`` to write its report."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.assistants: list[object] = []

    def __call__(self, settings: Settings, assistant: object, say: evalrun.Say) -> Path:
        self.assistants.append(assistant)
        say("asking 80 questions")
        assert self.release.wait(30)
        folder = settings.data_dir / "eval"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.json").write_text(json.dumps(REPORT), encoding="utf-8")
        return folder


def test_evaluation_button_runs_it_in_the_background_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = GatedRunner()
    evalrun.set_runner(runner)
    fake = FakeAssistant()
    at = click(open_page(tmp_path, "evaluation", fake), "Run the evaluation")
    (bar,) = at.get("progress")
    assert bar.proto.text.startswith("Asking the test questions…")
    assert "The evaluation is running." in [i.value for i in at.info]
    runner.release.set()
    assert evalrun.job_for(Settings(data_dir=tmp_path / "data")).wait(30)
    at.run()  # what the progress fragment does once the run ends
    assert metrics(at)["QA items"] == "80" and not at.get("progress")
    assert runner.assistants == [fake]  # the session's assistant answered the eval


def test_evaluation_shows_gates_and_charts_from_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data" / "eval"
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(json.dumps(REPORT), encoding="utf-8")
    (folder / "report.html").write_text("<html><body>full report</body></html>", encoding="utf-8")
    at = open_page(tmp_path, "evaluation")
    assert metrics(at) == {
        "QA items": "80",
        "Classification items": "40",
        "Checks passed": "1 / 1",
        "Run time": "61 s",
    }
    assert any(":green-badge[" in m.value and "All gates pass" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 2
    assert (
        at.get("iframe")
        or at.get("html")
        or any(e.label == "Full HTML report" for e in at.expander)
    )


def test_evaluation_damaged_report_is_a_friendly_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "artifacts" / "eval"
    folder.mkdir(parents=True)
    (folder / "report.json").write_text("{broken", encoding="utf-8")
    at = open_page(tmp_path, "evaluation")
    assert "cannot be read" in at.error[0].value and "prodai eval" in at.error[0].value


# --- operations -------------------------------------------------------------------------------


CHAT_DESCRIPTION = (
    "Our fraud model is live in production, integrated in the claims workflow, monitored by "
    "the MLOps team with an on-call rota, and its savings are booked in the P&L every quarter "
    "according to finance, who review the numbers with the operations team every month."
)


def test_operations_is_graceful_when_nothing_was_recorded(tmp_path: Path) -> None:
    at = unlock(open_page(tmp_path, "operations"))
    assert "Nothing was recorded in this period yet" in at.info[0].value


def test_operations_shows_figures_after_use(tmp_path: Path) -> None:
    store = MemoryAuditStore()
    at = open_page(tmp_path, "chat", store=store)
    at.chat_input[0].set_value("What does the CFO see in the P&L?").run()
    at.feedback[0].set_value(1).run()
    at.chat_input[0].set_value("What is the weather in Paris?").run()
    at.chat_input[0].set_value(CHAT_DESCRIPTION).run()  # assessed in the chat
    at.switch_page(str(PAGES / "classify.py")).run()
    click(click(at, "Example: still a demo"), "Assess")
    unlock(at.switch_page(str(PAGES / "operations.py")).run())
    values = metrics(at)
    assert values["Records"] == "4"
    assert values["Refusal rate"] == "33%"
    assert values["Positive feedback"] == "100%"
    refused = at.dataframe[0].value
    assert refused.to_dict("records") == [{"question": "what is the weather in paris", "count": 1}]
    volume, mix = chart_frames(at)
    # the bars add up to the figures beside them, and every category is drawn
    assert volume["records"].sum() == int(values["Records"])
    kinds = volume.groupby("kind")["records"].sum().to_dict()
    assert kinds == {"In the chat": 3, "On the assessment pages": 1}
    notes = [m.proto.delta for m in at.metric]
    assert "3 in the chat, 1 on the assessment pages" in notes
    assert mix["verdict"].tolist() == ["Production AI", "Still a demo", "Can't assess this"]
    assert mix["projects"].tolist() == [1, 1, 0]  # the chat's description counts too
    assert mix["projects"].sum() == int(values["Assessments"]) == 2
    assert "1 pasted in the chat" in notes


def test_operations_without_the_audit_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trail, "audit_available", lambda: False)
    at = AppTest.from_file(MAIN, default_timeout=30)
    at.session_state[services.ASSISTANT_KEY] = FakeAssistant()
    at.session_state[services.SETTINGS_KEY] = Settings(
        data_dir=tmp_path / "data", admin_password=OPERATOR_HASH
    )
    at.run()
    unlock(at.switch_page(str(PAGES / "operations.py")).run())
    assert "audit trail is not installed" in at.info[0].value
    assert not at.exception


def test_feedback_is_stored_durably_in_the_default_sqlite_store(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    at = AppTest.from_file(MAIN, default_timeout=30)
    at.session_state[services.ASSISTANT_KEY] = FakeAssistant()
    at.session_state[services.SETTINGS_KEY] = settings
    at.run()
    at.chat_input[0].set_value("What does the CFO see in the P&L?").run()
    at.feedback[0].set_value(1).run()
    assert not at.exception
    reopened = open_audit_store(settings)  # a second connection, as after a restart
    try:
        (record,) = reopened.list()
        assert record.question == "What does the CFO see in the P&L?"
        assert [f.score for f in reopened.feedback_for(record.id)] == [1]
    finally:
        reopened.close()
