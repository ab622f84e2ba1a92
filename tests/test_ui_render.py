"""Pure UI helpers: escaping, evidence highlighting, exports, CSV reading, reports, operations."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from evidence_support import criterion, span
from hypothesis import given
from hypothesis import strategies as hst

from prodai_assistant.config import Settings
from prodai_assistant.errors import InputError, ProdAIError
from prodai_assistant.models import Answer, Citation, Document, EvidenceSpan, Source
from prodai_assistant.scorecard import PALETTE
from prodai_assistant.testing import FakeAssistant
from prodai_assistant.ui import (
    charts,
    evalreport,
    knowledge,
    operations,
    portfolio,
    render,
    scorecard,
    sources,
)
from prodai_assistant.ui.chat import Conversation, conversation_markdown
from prodai_assistant.ui.convstore import ConversationStore
from prodai_assistant.ui.jobs import Job

PRODUCTION = (
    "Our model is live in production, integrated in the CRM workflow, monitored by MLOps "
    "on-call staff and adds savings to the P&L."
)


def visible_text(markup: str) -> str:
    """What a browser would show: tags dropped, entities decoded, <br> as newlines."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", "\n")))


# --- escape_markdown -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "![x](http://evil.example/pixel.png)",
        "[click](javascript:alert(1))",
        "**bold** _it_ `code` # heading",
        "$x^2$ and | pipes | and > quote",
        "http://example.com & www.example.com",
    ],
)
def test_escape_markdown_leaves_no_active_syntax(text: str) -> None:
    escaped = render.escape_markdown(text)
    for char in "<[]()*_`#$|>&!:":
        assert re.search(rf"(?<!\\){re.escape(char)}", escaped) is None or char not in text
    assert escaped.replace("\\", "") == text.replace("\\", "")


def test_escape_markdown_keeps_line_breaks() -> None:
    assert render.escape_markdown("one\ntwo") == "one  \ntwo"


# --- stream_pieces ---------------------------------------------------------------------------


@given(hst.text(max_size=300))
def test_stream_pieces_reassemble_the_text(text: str) -> None:
    assert "".join(render.stream_pieces(text, words=3)) == text


def test_stream_pieces_yield_several_pieces_for_a_long_answer() -> None:
    assert len(list(render.stream_pieces("one two three four five six seven eight nine", 4))) == 3


def test_stream_pieces_of_a_long_answer_come_in_at_most_the_steps_asked_for() -> None:
    text = " ".join(f"word{n}" for n in range(100))
    pieces = list(render.stream_pieces(text, 4, at_most=6))
    assert len(pieces) == 6 and "".join(pieces) == text
    assert len(list(render.stream_pieces("one two three four five", 4, at_most=6))) == 2


# --- sources ---------------------------------------------------------------------------------

CITATION = Citation(
    marker=2, chunk_id="four-hallmarks#deployed", doc_id="four-hallmarks", title="Four hallmarks",
    section="Deployed in real operations", quote="It runs in real operations.",
)  # fmt: skip
SECTION = "A live system. It runs in real operations. **Every** day.\n\n- a bullet <b>x</b>"


def cite(marker: int, chunk: str = "four-hallmarks#deployed", quote: str = "q.") -> Citation:
    return CITATION.model_copy(update={"marker": marker, "chunk_id": chunk, "quote": quote})


def test_citations_are_grouped_one_entry_per_section() -> None:
    entries = sources.group_citations(
        [cite(3, quote="b."), cite(1, quote="a."), cite(2, chunk="other#x"), cite(4, quote="a.")]
    )
    assert [(e.chunk_id, e.markers, e.quotes) for e in entries] == [
        ("four-hallmarks#deployed", [1, 3, 4], ["a.", "b."]),
        ("other#x", [2], ["q."]),
    ]


def test_known_markers_become_links_and_others_stay_text() -> None:
    out = sources.link_markers("One. [1] Two [2][7]. A [list].", {1, 2}, "e1")
    # the space before a linked marker does not break: it stays on its sentence's line
    assert out == "One.\u00a0[\\[1\\]](#src-e1-1) Two\u00a0[\\[2\\]](#src-e1-2)[7]. A [list]."


def test_passage_marks_the_cited_sentence_in_context_and_escapes_the_rest() -> None:
    out = sources.passage_html(SECTION, ["It runs in real operations."])
    assert "A live system. <mark>It runs in real operations.</mark> Every day." in out
    assert "• a bullet &lt;b&gt;x&lt;/b&gt;" in out and "**" not in out


def test_sources_block_is_collapsed_and_links_each_marker_to_its_entry() -> None:
    citations = [CITATION, CITATION.model_copy(update={"marker": 5})]
    out = sources.sources_html(citations, "e1", lambda doc, section: SECTION)
    assert out.startswith('<details class="prodai-sources"><summary><b>Sources</b> (1 section)')
    assert out.count('class="prodai-source"') == 1
    assert '<span id="src-e1-2"></span><span id="src-e1-5"></span>' in out
    assert "<mark>It runs in real operations.</mark>" in out
    assert 'href="knowledge?doc=four-hallmarks&amp;section=deployed-in-real-operations"' in out


def test_a_quote_no_longer_in_its_section_is_shown_alone() -> None:
    out = sources.sources_html([CITATION], "e1", lambda doc, section: "Rewritten since.")
    assert "<mark>It runs in real operations.</mark>" in out and "Rewritten" not in out


def test_source_text_can_never_inject_markup() -> None:
    bad = CITATION.model_copy(update={"title": "<img src=x onerror=1>", "quote": "<script>"})
    out = sources.sources_html([bad], "e1", lambda doc, section: "a <script> b")
    assert "<img" not in out and "<script>" not in out and "&lt;script&gt;" in out


# --- highlight_evidence ----------------------------------------------------------------------


def test_highlight_marks_spans_in_their_criterions_colour_and_keeps_text() -> None:
    out = render.highlight_evidence(PRODUCTION, [criterion(span(PRODUCTION, "live"))])
    colour = PALETTE[0]
    expected = f'<mark class="positive" title="evidence: Deployed" style="background:{colour}">'
    assert f"{expected}live</mark>" in out
    assert visible_text(out) == PRODUCTION


def test_each_criterion_gets_its_own_colour_and_overlaps_show_both() -> None:
    text = "live in the workflow"
    out = render.highlight_evidence(
        text,
        [
            criterion(span(text, "live in the"), name="Deployed"),
            criterion(span(text, "in the workflow"), name="Embedded", key="embedded"),
        ],
    )
    first, second = PALETTE[:2]
    assert f'style="background:{first}">live </mark>' in out
    assert f"linear-gradient(to bottom, {first} 0% 50%, {second} 50% 100%)" in out
    assert f'style="background:{second}"> workflow</mark>' in out


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script> live",
        '<img src=x onerror="alert(1)"> live',
        "\"quoted\" & 'single' <b>live</b>",
        "live\n\n<div>after a blank line</div>",
    ],
)
def test_highlight_escapes_every_user_character(payload: str) -> None:
    out = render.highlight_evidence(payload, [criterion(span(payload, "live"))])
    tags = re.findall(r"<(/?\w+)", out)
    assert set(tags) <= {"div", "/div", "mark", "/mark", "br"}
    assert "\n" not in out
    assert visible_text(out) == payload


def test_highlight_negative_wins_on_overlap_and_titles_name_both() -> None:
    text = "not live yet"
    out = render.highlight_evidence(
        text,
        [
            criterion(span(text, "live"), name="Deployed"),
            criterion(span(text, "not live", "negative"), name="Red flags", key="flags"),
        ],
    )
    assert out.count("<mark") == 2
    assert 'class="negative" title="red flag or negated claim: Deployed, Red flags"' in out
    assert visible_text(out) == text


@pytest.mark.parametrize(
    "bad",
    [
        EvidenceSpan(text="live", start=0, end=4),  # offsets do not match the text
        EvidenceSpan(text="x", start=500, end=501),  # beyond the end
    ],
)
def test_highlight_drops_spans_that_do_not_match(bad: EvidenceSpan) -> None:
    out = render.highlight_evidence(PRODUCTION, [criterion(bad)])
    assert "<mark" not in out


@given(hst.text(max_size=200), hst.data())
def test_highlight_never_loses_or_activates_text(text: str, data: hst.DataObject) -> None:
    start = data.draw(hst.integers(0, len(text)))
    end = data.draw(hst.integers(start, len(text)))
    spans = [EvidenceSpan(text=text[start:end], start=start, end=end)] if end > start else []
    out = render.highlight_evidence(text, [criterion(*spans)])
    assert visible_text(out) == text.replace("\r", "")
    assert set(re.findall(r"<(/?\w+)", out)) <= {"div", "/div", "mark", "/mark", "br"}


# --- what to confirm, next steps --------------------------------------------------------------


def test_to_confirm_quotes_the_users_words_red_flags_first() -> None:
    text = "It is live in production. It was a pilot in a sandbox."
    crit = criterion(span(text, "live in production"), span(text, "a pilot", "negative"))
    assessment = FakeAssistant().classify(text).model_copy(update={"criteria": [crit]})
    (item,) = scorecard.to_confirm(assessment)
    assert (item.quote, item.red_flag) == ("a pilot", True)
    assert item.questions == (scorecard.CONFIRM_QUESTIONS["deployed"],)


def test_criteria_resting_on_the_same_words_share_one_item_to_confirm() -> None:
    text = "Nobody has measured that yet."
    both = [
        criterion(span(text, text, "negative"), name="ROI", key="roi"),
        criterion(span(text, text, "negative"), name="Financials", key="financials"),
    ]
    assessment = FakeAssistant().classify(text).model_copy(update={"criteria": both})
    (item,) = scorecard.to_confirm(assessment)
    assert item.criteria == ("ROI", "Financials") and len(item.questions) == 2


def test_steps_pair_with_the_gaps_they_close_when_they_line_up() -> None:
    assessment = FakeAssistant().classify("A demo in a sandbox, nothing else.")
    pairs = scorecard.steps_with_reasons(assessment)
    assert pairs[0] == (assessment.next_steps[0], assessment.gaps[0])
    uneven = assessment.model_copy(update={"gaps": []})
    assert all(reason is None for _, reason in scorecard.steps_with_reasons(uneven))


# --- conversation ----------------------------------------------------------------------------


def answered(convo: Conversation, question: str, fake: FakeAssistant) -> Answer:
    answer = fake.ask(question, convo.history())
    convo.add_question(question)
    convo.add_answer(answer)
    return answer


def test_history_skips_failed_turns() -> None:
    fake, convo = FakeAssistant(), Conversation()
    answered(convo, "What is Production AI?", fake)
    convo.add_question("boom")
    convo.add_error("Something failed.")
    answer = answered(convo, "Who owns it?", fake)
    assert [t["role"] for t in convo.history()] == ["user", "assistant", "user", "assistant"]
    assert convo.history()[2]["content"] == "Who owns it?"
    assert answer.standalone_question.endswith("(following up on: What is Production AI?)")


def test_conversation_markdown_exports_questions_answers_and_sources() -> None:
    fake, convo = FakeAssistant(), Conversation()
    answer = answered(convo, "What does the CFO see in the P&L?", fake)
    out = conversation_markdown(convo, now=dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC))
    assert "Exported 2024-05-01 09:30 UTC." in out
    assert "## You\n\n> What does the CFO see in the P&L?" in out
    assert answer.answer in out
    assert f"1. {answer.citations[0].title}, *{answer.citations[0].section}*" in out


def test_a_question_is_pending_until_answered_and_titles_the_conversation() -> None:
    fake, convo = FakeAssistant(), Conversation()
    assert convo.title() == "New chat" and convo.pending() is None
    entry = convo.add_question("What is Production AI, in a few words, for the board?  ")
    assert convo.pending() is entry
    convo.add_answer(fake.ask(entry.content))
    assert convo.pending() is None
    assert convo.title() == "What is Production AI, in a few words, for the board?"
    convo.entries[0].content = "word " * 30
    assert len(convo.title()) == 60 and convo.title().endswith("…")


def test_conversations_do_not_share_entries() -> None:
    first, second = Conversation(), Conversation()
    first.add_question("hello")
    assert second.entries == [] and first.session_id != second.session_id


# --- conversation store ----------------------------------------------------------------------

BROWSER, OTHER = "a" * 32, "b" * 32


def saved(store: ConversationStore, browser: str, question: str) -> Conversation:
    convo = Conversation(lens="cfo")
    convo.add_question(question)
    store.save(browser, convo)
    return convo


def test_store_round_trips_a_conversation_for_its_browser_only(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    convo = saved(store, BROWSER, "What is Production AI?")
    assert store.load(BROWSER, convo.id) == convo
    assert store.load(OTHER, convo.id) is None  # another browser cannot open it
    assert store.recent(OTHER) == [] and store.delete(OTHER, convo.id) is False
    assert [s.title for s in store.recent(BROWSER)] == ["What is Production AI?"]
    assert BROWSER not in str(list(tmp_path.rglob("*")))  # folders are named by a hash


def test_store_lists_most_recent_first_keeps_a_limit_and_deletes(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path, keep=2)
    first = saved(store, BROWSER, "one")
    time.sleep(0.01)
    saved(store, BROWSER, "two")
    time.sleep(0.01)
    saved(store, BROWSER, "three")
    assert [s.title for s in store.recent(BROWSER)] == ["three", "two"]
    assert store.load(BROWSER, first.id) is None  # pruned
    newest = store.recent(BROWSER)[0].id
    assert store.delete(BROWSER, newest) and [s.title for s in store.recent(BROWSER)] == ["two"]


@pytest.mark.parametrize("bad", ["../x", "0" * 15, "Z" * 16, "", "a" * 17])
def test_store_refuses_malformed_conversation_ids(tmp_path: Path, bad: str) -> None:
    assert ConversationStore(tmp_path).load(BROWSER, bad) is None
    with pytest.raises(ValueError):
        ConversationStore(tmp_path).save(BROWSER, Conversation(id=bad))


def test_store_refuses_malformed_browser_ids(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ConversationStore(tmp_path).recent("../../etc")


def test_a_damaged_conversation_file_is_skipped(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    convo = saved(store, BROWSER, "kept")
    broken = saved(store, BROWSER, "broken")
    (path,) = [p for p in tmp_path.rglob("*.json") if p.stem == broken.id]
    path.write_text("{not json", encoding="utf-8")
    assert store.load(BROWSER, broken.id) is None
    assert [s.id for s in store.recent(BROWSER)] == [convo.id]


# --- background jobs ---------------------------------------------------------------------------


def test_a_job_runs_once_reports_progress_and_keeps_its_result() -> None:
    release = threading.Event()

    def work(job: Job) -> str:
        job.report("half way", 0.5)
        assert release.wait(10)
        return "done"

    job = Job("test", estimate_s=100)
    assert job.start(work) and not job.start(work)  # one run at a time
    time.sleep(0.05)
    assert job.running and job.fraction() >= 0.5 and job.stage == "half way"
    release.set()
    assert job.wait(10) and job.succeeded and job.result == "done"
    assert not job.start(work)  # succeeded: not run again unless asked
    assert job.start(work, again=True) and job.wait(10)


def test_a_failed_job_keeps_its_error_and_can_be_retried() -> None:
    calls: list[int] = []

    def work(job: Job) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise InputError("first attempt fails")
        return 2

    job = Job("test", estimate_s=1)
    job.start(work)
    job.wait(10)
    assert job.failed and isinstance(job.error, InputError)
    assert job.start(work) and job.wait(10) and job.result == 2


# --- knowledge base sections -------------------------------------------------------------------


def test_sections_split_with_stable_anchors_and_links() -> None:
    intro, sections = knowledge.split_sections(DOC)
    assert intro == "" and [h for h, _ in sections] == ["The financial view", "Questions"]
    assert knowledge.section_text([DOC], "stakeholder-cfo", "Questions") == "More."
    assert knowledge.section_text([DOC], "stakeholder-cfo", "Missing") is None
    assert knowledge.anchor_key("stakeholder-cfo", "The financial view") == (
        "kb-stakeholder-cfo-the-financial-view"
    )
    assert knowledge.section_link("a b", "Reliable & governed (xOps)") == (
        "knowledge?doc=a%20b&section=reliable-governed-xops"
    )


# --- portfolio CSV ---------------------------------------------------------------------------


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    return frame.to_csv(index=False).encode(encoding)


def test_reads_a_plain_csv_as_text_cells() -> None:
    table = portfolio.read_portfolio_csv(csv_bytes([["name", "description"], ["A", "007"]]))
    assert table.frame.to_dict("records") == [{"name": "A", "description": "007"}]
    assert table.encoding == "utf-8" and table.notices == []


def test_reads_utf8_with_bom_utf16_and_cp1252() -> None:
    rows = [["name", "description"], ["Café", "Déjà live"]]
    assert portfolio.read_portfolio_csv(b"\xef\xbb\xbf" + csv_bytes(rows)).encoding == "utf-8"
    assert portfolio.read_portfolio_csv(csv_bytes(rows, "utf-16")).encoding == "utf-16"
    legacy = portfolio.read_portfolio_csv(csv_bytes(rows, "cp1252"))
    assert legacy.frame.iloc[0]["name"] == "Café"
    assert "Windows-1252" in legacy.notices[0]


def test_reads_semicolon_separated_files() -> None:
    table = portfolio.read_portfolio_csv(b"name;description\nA;live, in production\n")
    assert list(table.frame.columns) == ["name", "description"]
    assert table.frame.iloc[0]["description"] == "live, in production"


def test_short_rows_get_empty_cells_and_blank_lines_are_skipped() -> None:
    table = portfolio.read_portfolio_csv(b"name,description\n\nA\nB,c,,\n")
    assert table.frame.to_dict("records") == [
        {"name": "A", "description": ""},
        {"name": "B", "description": "c"},
    ]


def test_blank_headers_are_named_by_position_and_duplicates_refused() -> None:
    table = portfolio.read_portfolio_csv(b"name,,description\n1,2,3\n")
    assert list(table.frame.columns) == ["name", "column 2", "description"]
    with pytest.raises(InputError, match="names column 'name' twice"):
        portfolio.read_portfolio_csv(b"name,,name,name\n1,2,3,4\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"name,description\n", "no projects"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        (b",,\n", "no header"),
        (b"name,description\nA,B,C,D\n", "Row 2 has 4 cells but the header names 2"),
        (b"name,description\n" + b"x" * 200_000 + b",y\n", "not valid CSV at line 2"),
        (b'name,description\nA,"unterminated\n', "not valid CSV"),
        (b"name,desc\n\x81\x8d\x8f\x90\x9d\n", "not UTF-8"),
    ],
)
def test_bad_files_get_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        portfolio.read_portfolio_csv(data)


def test_row_limit_is_enforced_with_the_number_in_the_message() -> None:
    data = b"description\n" + b"live\n" * 11
    with pytest.raises(InputError, match="11 projects, more than 10"):
        portfolio.read_portfolio_csv(data, max_rows=10)


def test_ten_thousand_rows_are_accepted() -> None:
    data = b"name,description\n" + b"p,live in production\n" * portfolio.MAX_ROWS
    assert len(portfolio.read_portfolio_csv(data).frame) == portfolio.MAX_ROWS


def test_oversized_upload_is_refused_before_parsing() -> None:
    with pytest.raises(InputError, match="MB"):
        portfolio.read_portfolio_csv(b"a" * (portfolio.MAX_BYTES + 1))


@pytest.mark.parametrize(
    ("columns", "hints", "expected"),
    [
        (["ID", "Project Description"], portfolio.DESCRIPTION_HINTS, "Project Description"),
        (["Summary", "description"], portfolio.DESCRIPTION_HINTS, "description"),
        (["owner", "budget"], portfolio.DESCRIPTION_HINTS, None),
        (["Project name", "text"], portfolio.NAME_HINTS, "Project name"),
    ],
)
def test_guess_column(columns: list[str], hints: tuple[str, ...], expected: str | None) -> None:
    assert portfolio.guess_column(columns, hints) == expected


def test_require_columns_names_missing_and_present_columns() -> None:
    frame = pd.DataFrame({"name": ["a"], "notes": ["b"]})
    with pytest.raises(InputError, match=r"'description' is not in the file.*'name', 'notes'"):
        portfolio.require_columns(frame, "description")


def test_classify_rows_records_row_errors_and_goes_on() -> None:
    fake = FakeAssistant(raise_on={"EXPLODE": RuntimeError("bug")}, max_chars=200)
    frame = pd.DataFrame(
        {
            "name": ["ok", "empty", "long", "bug"],
            "description": [PRODUCTION, "  ", "x " * 200, "EXPLODE"],
        }
    )
    seen: list[tuple[int, int]] = []
    results = portfolio.classify_rows(
        frame, "description", fake.classify, name_column="name",
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert list(results.columns) == list(portfolio.RESULT_COLUMNS)
    assert results["verdict"].tolist()[0] == "production"
    assert results["error"].tolist()[1] == "The description is empty."
    assert "limit is 200" in results["error"].tolist()[2]
    assert "internal error" in results["error"].tolist()[3]
    assert seen[-1] == (4, 4)


def test_results_csv_round_trips_and_is_formula_safe() -> None:
    frame = pd.DataFrame({"project": ["=cmd()", "Café"], "verdict": ["demo", "production"]})
    data = portfolio.results_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(pd.io.common.BytesIO(data), encoding="utf-8-sig")
    assert back["project"].tolist() == ["'=cmd()", "Café"]


def test_verdict_and_maturity_counts_list_every_category_and_add_up() -> None:
    results = pd.DataFrame(
        {
            "verdict": ["demo", "production", "not_assessable", None],
            "maturity_level": [1, 3, 0, None],
            "error": ["", "", "", "The description is empty."],
        }
    )
    verdicts = portfolio.verdict_counts(results)
    assert verdicts.to_dict("records") == [
        {"verdict": "Production AI", "projects": 1},
        {"verdict": "Still a demo", "projects": 1},
        {"verdict": "Can't assess this", "projects": 2},  # not assessable + failed row
    ]
    levels = portfolio.maturity_counts(results)
    assert levels["maturity"].tolist()[0] == "Level 0 · concept or demo"
    assert levels["projects"].tolist() == [0, 1, 0, 1, 0]


def test_value_counts_ignores_failed_rows() -> None:
    results = pd.DataFrame({"verdict": ["demo", "demo", None], "error": ["", "", "bad"]})
    counts = portfolio.value_counts(results, "verdict")
    assert counts.to_dict("records") == [{"verdict": "demo", "projects": 2}]


# --- knowledge base --------------------------------------------------------------------------

DOC = Document(
    doc_id="stakeholder-cfo", title="For the CFO", audience="cfo", topic="stakeholder",
    body="# For the CFO\n\n## The financial view\n\nText.\n\n## Questions\n\nMore.",
    sources=[Source(title="A [study]", publisher="Pub", url="https://example.org/a>b"),
             Source(title="No link", url="javascript:alert(1)")],
)  # fmt: skip


def test_knowledge_sections_overview_and_title_stripping() -> None:
    assert knowledge.sections(DOC) == ["The financial view", "Questions"]
    assert knowledge.overview([DOC])[0]["Sections"] == 2
    assert knowledge.body_without_title(DOC).startswith("## The financial view")


@pytest.mark.parametrize(
    ("query", "hits"), [("", 1), ("cfo", 1), ("financial view", 1), ("xops", 0)]
)
def test_filter_documents(query: str, hits: int) -> None:
    assert len(knowledge.filter_documents([DOC], query)) == hits


def test_sources_link_only_http_urls_and_escape_titles() -> None:
    out = knowledge.sources_markdown(DOC)
    assert "[A \\[study\\]](<https://example.org/a%3Eb>) — Pub" in out
    assert "javascript" not in out


# --- operations ------------------------------------------------------------------------------


def test_period_covers_whole_days_in_utc() -> None:
    day = dt.date(2024, 3, 1)
    since, until = operations.period((day, dt.date(2024, 3, 2)), day)
    assert since == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert until == dt.datetime(2024, 3, 3, tzinfo=dt.UTC)
    assert operations.period((day,), day) == operations.period(day, day)
    assert operations.period((), day)[0].date() == day


def test_headline_formats_figures_and_missing_values() -> None:
    from prodai_assistant.audit import OpsStats

    stats = OpsStats(total=1200, asks=1000, classifications=200, latency_p50_ms=812.4,
                     latency_p95_ms=None, refused=50, refusal_rate=0.05, feedback_positive=3,
                     feedback_negative=1, feedback_ratio=0.75)  # fmt: skip
    figures = {label: (value, note) for label, value, note in operations.headline(stats)}
    assert figures["Records"] == ("1,200", "1,000 in the chat, 200 on the assessment pages")
    assert figures["Latency p50"] == ("812 ms", None)
    assert figures["Latency p95"] == ("–", None)
    assert figures["Refusal rate"] == ("5%", "50 refused")
    assert figures["Positive feedback"] == ("75%", "4 rated answers")


def test_assessments_count_every_verdict_the_chart_shows() -> None:
    from prodai_assistant.audit import OpsStats

    # 200 from the assessment pages, 30 descriptions pasted in the chat (chat records)
    stats = OpsStats(total=1200, asks=1000, classifications=200,
                     verdict_mix={"demo": 150, "production": 70, "not_assessable": 10})  # fmt: skip
    figures = {label: (value, note) for label, value, note in operations.headline(stats)}
    assert figures["Assessments"] == ("230", "30 pasted in the chat")
    assert int(figures["Assessments"][0]) == operations.verdict_mix(stats)["projects"].sum()


def test_verdict_mix_is_labelled_for_the_chart() -> None:
    from prodai_assistant.audit import OpsStats

    mix = operations.verdict_mix(OpsStats(verdict_mix={"demo": 3, "production": 1}))
    assert mix.to_dict("records") == [
        {"verdict": "Production AI", "projects": 1},
        {"verdict": "Still a demo", "projects": 3},
        {"verdict": "Can't assess this", "projects": 0},
    ]


def test_volume_days_are_filled_between_the_first_and_last_record() -> None:
    days = pd.DataFrame(
        {"day": ["2024-05-01", "2024-05-04"], "asks": [2, 1], "classifications": [0, 3]}
    )
    filled = charts.fill_days(days, at_least=1)
    assert filled["day"].tolist() == ["2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04"]
    assert filled["asks"].tolist() == [2, 0, 0, 1] and filled["classifications"].sum() == 3
    week = charts.fill_days(days)  # a week at least, so one busy day is not one wide bar
    assert week["day"].tolist()[0] == "2024-04-28" and len(week) == 7


# --- eval report -----------------------------------------------------------------------------

REPORT = {
    "backend": "extractive",
    "passed": False,
    "metrics": {"recall_at_5": 0.97, "mrr": 0.8},
    "gates": [
        {"metric": "recall_at_5", "kind": "gate", "value": 0.97, "op": ">=", "threshold": 0.95,
         "passed": True, "failing_items": []},
        {"metric": "mrr", "kind": "gate", "value": 0.8, "op": ">=", "threshold": 0.85,
         "passed": False, "failing_items": [f"qa-{i}" for i in range(7)]},
        {"metric": "mrr", "kind": "baseline", "value": 0.8, "op": ">=", "threshold": 0.9,
         "passed": False, "failing_items": []},
    ],
    "confusion": {"demo": {"demo": 5, "production": 1}},
}  # fmt: skip


def write_report(folder: Path, report: object = REPORT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / evalreport.REPORT_JSON
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_report_dirs_are_artifacts_then_data_dir(tmp_path: Path) -> None:
    dirs = evalreport.report_dirs(Settings(data_dir=tmp_path / "data"), cwd=tmp_path)
    assert dirs == [tmp_path / "artifacts" / "eval", tmp_path / "data" / "eval"]


def test_find_latest_picks_the_newest_report(tmp_path: Path) -> None:
    old, new = write_report(tmp_path / "a"), write_report(tmp_path / "b")
    import os

    os.utime(old, (1_000, 1_000))
    assert evalreport.find_latest([tmp_path / "a", tmp_path / "b", tmp_path / "none"]) == new
    assert evalreport.find_latest([tmp_path / "none"]) is None


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"passed": true}'])
def test_damaged_reports_raise_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProdAIError, match="prodai eval"):
        evalreport.load_report(path)


def test_gate_rows_chart_data_and_confusion() -> None:
    rows = evalreport.gate_rows(REPORT)
    assert rows["result"].tolist() == ["pass", "fail", "fail"]
    assert "#ffd6d6" in evalreport.result_style("fail") and evalreport.result_style("?") == ""
    assert rows["failing items"].tolist()[1] == "qa-0, qa-1, qa-2, qa-3, qa-4 …"
    assert evalreport.gate_chart_data(REPORT)["metric"].tolist() == ["recall_at_5", "mrr"]
    confusion = evalreport.confusion_frame(REPORT)
    assert confusion.to_dict("records")[1] == {
        "gold": "demo",
        "predicted": "production",
        "count": 1,
    }
    assert evalreport.metric_rows(REPORT)["metric"].tolist() == ["recall_at_5", "mrr"]
