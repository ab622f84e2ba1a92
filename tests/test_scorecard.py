"""One scorecard template set: CLI text, HTML (the app's page), Markdown (its download) and
JSON from one view; the three that show text agree, and no text can break any of them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from evidence_support import criterion, span
from markdown_it import MarkdownIt

from prodai_assistant import rendering, scorecard
from prodai_assistant.classifier import Classifier
from prodai_assistant.cli.classify import format_scorecard
from prodai_assistant.labels import VERDICT_LABELS
from prodai_assistant.models import Assessment, Chunk, Citation
from prodai_assistant.testing import FakeAssistant

REPO = Path(__file__).resolve().parent.parent
CHUNKS = {
    "four-hallmarks#deployed-in-real-operations": Chunk(
        chunk_id="four-hallmarks#deployed-in-real-operations",
        doc_id="four-hallmarks",
        title="The four hallmarks",
        section="Deployed in real operations",
        text="A deployed system is live. It serves real work.",
    )
}
LIVE = (
    "Our invoice-reading model has coded all supplier invoices in Coupa since 2022, about "
    "8,000 a month; AP only checks the flagged ones. The AP systems team owns it and monitors "
    "it with alerts. Cost per invoice fell from EUR 4.10 to EUR 1.60, tracked in the P&L every "
    "month."
)
PILOT = (
    "We ran a six-week pilot of an AI call summariser with 12 agents. They copy the summaries "
    "into the CRM by hand. Handle time fell 8% for the pilot group."
)
HOSTILE = "<script>alert('x')</script> We've a demo | in a sandbox & nothing else &amp; more."


@pytest.fixture(scope="module")
def classifier(minilm: Any) -> Classifier:
    return Classifier(CHUNKS, embedder=minilm)


@pytest.fixture(scope="module")
def live(classifier: Classifier) -> Assessment:
    return classifier.classify(LIVE)


def test_the_view_numbers_sources_like_the_criteria(live: Assessment) -> None:
    view = scorecard.scorecard_view(live)
    assert view.verdict_code == "PRODUCTION" and view.verdict_label == "Production AI"
    assert [row.marker for row in view.rows if row.marker] == [s.marker for s in view.sources]
    assert view.rows[0].mark == "[+]" and view.rows[0].marker == 1


def test_the_text_scorecard_is_the_cli_scorecard(live: Assessment) -> None:
    text = scorecard.render_text(live)
    assert format_scorecard(live) == text
    assert text.startswith("Verdict: PRODUCTION  (confidence ")
    assert "\nCriteria\n  [+] Deployed in real operations: evidenced [1]\n      Evidenced: " in text
    assert "\nSources\n  [1] The four hallmarks, Deployed in real operations: “A deployed" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    assert not text.endswith("\n")


def test_terminal_text_is_not_html_escaped(classifier: Classifier) -> None:
    text = scorecard.render_text(classifier.classify(HOSTILE))
    assert "&lt;" not in text and "&amp;" not in text and "&#39;" not in text


def test_a_demo_lists_gaps_and_next_steps_numbered(classifier: Classifier) -> None:
    text = scorecard.render_text(classifier.classify(PILOT))
    assert "\n\nGaps (most blocking first)\n  1. Not in sustained live use" in text
    assert "\n\nNext steps\n  1. " in text and "\n\nFor your stakeholders\n  " in text


def test_the_markdown_has_every_part(live: Assessment) -> None:
    md = scorecard.render_markdown(live, LIVE, lens="cfo")
    assert md.startswith("# Production AI assessment\n\n**Verdict:** Production AI  \n")
    assert f"**Confidence:** {live.confidence:.0%}  \n" in md
    assert "| Deployed in real operations | evidenced | “" in md
    assert "\n## Stakeholder notes\n\n- **CFO:** " in md  # the chosen lens first
    assert "\n## Sources\n\n1. The four hallmarks, *Deployed in real operations*: “A" in md
    assert md.endswith(f"## Description assessed\n\n> {LIVE}\n")
    assert "P&L" in md  # readable: a bare ampersand is not an entity


def test_markdown_escapes_html_and_table_pipes(classifier: Classifier) -> None:
    md = scorecard.render_markdown(classifier.classify(HOSTILE), HOSTILE)
    assert "<script>" not in md and "&lt;script>alert('x')&lt;/script>" in md
    assert "We've" in md and "& nothing" in md and "&amp;amp; more" in md
    for row in (line for line in md.splitlines() if line.startswith("| ")):
        assert row.count("|") - row.count("\\|") == 5, row


def test_the_json_is_exactly_the_assessment(live: Assessment) -> None:
    data = scorecard.render_json(live)
    assert data == live.model_dump_json(indent=2)
    assert Assessment.model_validate_json(data) == live


# --- reading each rendering back, as a reader sees it ------------------------------------------

MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")  # raw HTML would show up
VOID = {"br", "hr", "img", "input", "link", "meta"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """What a browser shows: entities decoded, <br> as a newline."""
        return "".join(
            c if isinstance(c, str) else "\n" if c.tag == "br" else c.text() for c in self.children
        )

    def own_text(self) -> str:
        return "".join(c for c in self.children if isinstance(c, str))

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found: list[Node] = []
        for c in self.children:
            if isinstance(c, Node):
                classes = c.attrs.get("class", "").split()
                if (tag is None or c.tag == tag) and (cls is None or cls in classes):
                    found.append(c)
                found += c.all(tag, cls)
        return found


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            assert self.open[-1].tag == tag, f"</{tag}> closes <{self.open[-1].tag}>"
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def tree(markup: str) -> Node:
    """``markup`` parsed; it must be well formed (every element closed where it was opened)."""
    parser = _Tree()
    parser.feed(markup)
    parser.close()
    assert parser.open == [parser.root], [n.tag for n in parser.open]
    return parser.root


def flat(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Shown:
    """What a scorecard tells its reader, whichever rendering it is."""

    verdict: str  # the code: production, demo, not_assessable
    confidence: int  # per cent
    criteria: list[tuple[str, str]]  # (name, status code)
    notes: list[tuple[str, str]]  # (audience label, note)


def _verdict(label: str) -> str:
    return next(code for code, shown in VERDICT_LABELS.items() if shown == label)


def _status(label: str) -> str:
    return next(code for code, shown in scorecard.STATUS_LABELS.items() if shown == label)


def expected(assessment: Assessment, lens: str | None = None) -> Shown:
    notes = scorecard.scorecard_view(assessment, lens=lens).notes
    return Shown(
        assessment.verdict,
        round(assessment.confidence * 100),
        [(c.name, c.status) for c in assessment.criteria],
        [(label, flat(note)) for label, note in notes],
    )


def shown_by_text(text: str) -> Shown:
    head = re.match(r"Verdict: (.+?)  \(confidence ([\d.]+), maturity ", text)
    assert head, text
    criteria = re.findall(r"^  \[.\] (.+): (\w+)(?: \[\d+\])?$", text, re.M)
    notes = []
    if "\n\nFor your stakeholders\n" in text:
        section = text.split("\n\nFor your stakeholders\n")[1].split("\n\n")[0]
        for entry in re.split(r"\n(?=  \S)", section):
            label, note = flat(entry).split(": ", 1)
            notes.append((label, note))
    code = head[1].lower().replace(" ", "_")
    return Shown(code, round(float(head[2]) * 100), criteria, notes)


def shown_by_markdown(md: str) -> Shown:
    root = tree(MARKDOWN.render(md))
    head = re.match(r"Verdict: (.+?)\s+Confidence: (\d+)%", root.all("p")[0].text())
    assert head, md
    criteria = []
    for row in (tr for body in root.all("tbody") for tr in body.all("tr")):
        name, status = (flat(td.text()) for td in row.all("td")[:2])
        criteria.append((name, status))
    notes = []
    blocks = [c for c in root.children if isinstance(c, Node)]
    titles = [b.text() for b in blocks]
    if "Stakeholder notes" in titles:
        for item in blocks[titles.index("Stakeholder notes") + 1].all("li"):
            label = item.all("strong")[0].text()
            notes.append((label.removesuffix(":"), flat(item.text().removeprefix(label))))
    return Shown(_verdict(head[1]), int(head[2]), criteria, notes)


def shown_by_html(card: scorecard.ScorecardView) -> Shown:
    summary, table, notes_html = (
        tree(scorecard.render_html(card, part)) for part in ("summary", "criteria", "notes")
    )
    confidence = re.match(r"(\d+)% confidence", summary.all(cls="prodai-figure")[0].text())
    assert confidence
    criteria = [
        (
            flat(row.all(cls="prodai-name")[0].own_text()),
            _status(row.all(cls="prodai-pill")[0].text()),
        )
        for row in table.all("tbody")[0].all("tr")
    ]
    notes = []
    for para in notes_html.all("p"):
        label = para.all("strong")[0].text()
        notes.append((label.removesuffix(":"), flat(para.text().removeprefix(label))))
    verdict = _verdict(summary.all(cls="prodai-verdict")[0].text())
    return Shown(verdict, int(confidence[1]), criteria, notes)


@pytest.fixture(
    scope="module", params=["live", "pilot", "hostile", "fake production", "fake demo", "fake none"]
)
def any_assessment(
    request: pytest.FixtureRequest, classifier: Classifier
) -> tuple[Assessment, str]:
    texts = {"live": LIVE, "pilot": PILOT, "hostile": HOSTILE}
    if request.param in texts:
        return classifier.classify(texts[request.param]), texts[request.param]
    fake = {"fake production": FAKE_PRODUCTION, "fake demo": FAKE_DEMO, "fake none": "hello"}
    text = fake[request.param]
    return FakeAssistant().classify(text), text


FAKE_PRODUCTION = (
    "Our model is live in production, integrated in the CRM workflow, monitored by MLOps "
    "on-call staff and adds savings to the P&L."
)
FAKE_DEMO = "A demo in a sandbox, nothing else."


def test_text_markdown_and_html_tell_the_same_scorecard(
    any_assessment: tuple[Assessment, str],
) -> None:
    """Verdict, confidence, each criterion's status and each note: read back from the CLI text,
    the Markdown (as rendered) and the page's HTML (as a browser shows it), they are the same,
    and they are the assessment's."""
    assessment, description = any_assessment
    truth = expected(assessment)
    assert shown_by_text(scorecard.render_text(assessment)) == truth
    assert shown_by_markdown(scorecard.render_markdown(assessment, description)) == truth
    assert shown_by_html(scorecard.scorecard_view(assessment, description)) == truth


def test_the_lens_orders_the_notes_of_the_page_and_the_download(live: Assessment) -> None:
    truth = expected(live, lens="cto")
    assert truth.notes[0][0] == "CTO" and sorted(truth.notes) == sorted(expected(live).notes)
    assert shown_by_markdown(scorecard.render_markdown(live, LIVE, "cto")).notes == truth.notes
    assert shown_by_html(scorecard.scorecard_view(live, LIVE, "cto")).notes == truth.notes


def test_the_text_scorecard_shows_the_gaps_the_markdown_lists(classifier: Classifier) -> None:
    assessment = classifier.classify(PILOT)
    text, md = scorecard.render_text(assessment), scorecard.render_markdown(assessment)
    for gap in assessment.gaps:
        assert flat(gap) in flat(text) and f"- {flat(gap)}" in md


# --- the page's HTML -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "headline"),
    [(FAKE_PRODUCTION, "Production AI"), (FAKE_DEMO, "Still a demo"),
     ("hello", "Can't assess this")],
)  # fmt: skip
def test_the_headline_is_the_verdict_in_words(text: str, headline: str) -> None:
    card = scorecard.scorecard_view(FakeAssistant().classify(text), text)
    assert card.verdict_label == headline
    summary = tree(scorecard.render_html(card, "summary"))
    (verdict,) = summary.all(cls="prodai-verdict")
    assert verdict.text() == headline and card.assessment.verdict in verdict.attrs["class"]


def test_confidence_and_maturity_come_with_what_they_mean() -> None:
    card = scorecard.scorecard_view(FakeAssistant().classify(FAKE_PRODUCTION))
    shown = tree(scorecard.render_html(card, "summary")).text()
    assert "90% confidence" in shown and "High: your text is clear" in shown
    assert "Maturity: Level 4 of 4 · optimised" in shown
    assert scorecard.MATURITY_MEANINGS[4] in shown


def test_one_table_row_per_criterion_with_status_in_words_and_definition_link() -> None:
    assessment = FakeAssistant().classify(FAKE_DEMO)
    first = assessment.criteria[0].model_copy(update={"citation": DEFINITION})
    assessment = assessment.model_copy(update={"criteria": [first, *assessment.criteria[1:]]})
    card = scorecard.scorecard_view(assessment, FAKE_DEMO)
    out = scorecard.render_html(card, "criteria", anchors={1: "src-e-1"})
    assert out.count("<tr>") == 1 + len(assessment.criteria)
    assert ">Contradicted</span>" in out and ">Missing</span>" in out
    assert f'{first.name} <a href="#src-e-1">[1]</a><span class="prodai-group">Hallmark' in out
    assert "<a " not in scorecard.render_html(card, "criteria")  # no anchors, no links


def test_legend_names_each_colour_used_and_the_red_flag_style() -> None:
    text = "live in production, in a pilot"
    criteria = [
        criterion(span(text, "live")),
        criterion(span(text, "pilot", "negative"), name="Red flags", key="flags"),
        criterion(name="Never mentioned", key="other"),
    ]
    assessment = FakeAssistant().classify(text).model_copy(update={"criteria": criteria})
    out = scorecard.render_html(scorecard.scorecard_view(assessment, text), "legend")
    assert "Deployed" in out and "Red flags" in out and "Never mentioned" not in out
    assert f"background:{scorecard.PALETTE[0]}" in out and "wavy red underline" in out
    bare = scorecard.scorecard_view(assessment.model_copy(update={"criteria": criteria[2:]}), text)
    assert "No evidence for any criterion" in scorecard.render_html(bare, "legend")


def test_the_why_column_does_not_repeat_the_status() -> None:
    crit = criterion().model_copy(update={"rationale": "Missing: nothing shows an owner."})
    assert scorecard.why(crit) == "Nothing shows an owner."
    assert scorecard.why(criterion()) == "r"


def test_an_unknown_part_is_an_error() -> None:
    card = scorecard.scorecard_view(FakeAssistant().classify(FAKE_DEMO))
    with pytest.raises(ValueError, match="no scorecard part 'sources'"):
        scorecard.render_html(card, "sources")


# --- sources: one numbering for every rendering ----------------------------------------------


def test_definition_citations_number_each_distinct_definition_once() -> None:
    crits = [
        criterion().model_copy(update={"citation": DEFINITION}),
        criterion(key="embedded").model_copy(update={"citation": DEFINITION}),
    ]
    assessment = FakeAssistant().classify(FAKE_PRODUCTION).model_copy(update={"criteria": crits})
    cites, markers = scorecard.definition_citations(assessment)
    assert [c.marker for c in cites] == [1] and markers == {"deployed": 1, "embedded": 1}
    given = [DEFINITION.model_copy(update={"marker": 4})]
    assert scorecard.definition_citations(assessment, given)[1] == {"deployed": 4, "embedded": 4}
    card = scorecard.scorecard_view(assessment, citations=given)
    assert [row.marker for row in card.rows] == [4, 4] and card.sources == given
    assert scorecard.render_markdown(assessment, citations=given).count("\n4. ") == 1


# --- no text can break a rendering -----------------------------------------------------------

NASTY = "Line one\n\n**bold** <script>alert(1)</script> a | b \\| c\n# not a heading\n- not a list"


def nasty() -> Assessment:
    """An assessment whose every free text is NASTY (the description too)."""
    base = FakeAssistant().classify(FAKE_PRODUCTION)
    criteria = [
        c.model_copy(
            update={
                "name": f"{c.name} | <b>x</b>",
                "rationale": NASTY,
                "evidence": [span(NASTY, "**bold**")] if i == 0 else [],
            }
        )
        for i, c in enumerate(base.criteria)
    ]
    return base.model_copy(
        update={
            "reason": NASTY,
            "criteria": criteria,
            "gaps": [NASTY],
            "next_steps": [NASTY, "1. " + NASTY],
            "stakeholder_notes": {"cfo": NASTY, "cto": "** " + NASTY + " **"},
        }
    )


@pytest.mark.parametrize("part", scorecard.HTML_PARTS)
def test_no_text_can_break_the_pages_html(part: str) -> None:
    card = scorecard.scorecard_view(nasty(), NASTY)
    out = scorecard.render_html(card, part)
    assert "\n" not in out  # so no blank line can end the HTML block early
    # Markdown (st.markdown) sees one HTML block and passes it on untouched: no ** becomes bold
    assert [(t.type, t.content) for t in MARKDOWN.parse(out)] == [("html_block", out)]
    root = tree(out)
    assert "<script>" not in out and not root.all("script") and not root.all("b")
    shown = root.text()
    assert "<script>alert(1)</script>" in shown or part == "legend"
    if part != "legend":
        assert "**bold**" in shown and "a | b \\| c" in shown


def test_html_keeps_each_line_break_of_the_text_as_a_break() -> None:
    card = scorecard.scorecard_view(nasty(), NASTY, lens="cto")
    summary = tree(scorecard.render_html(card, "summary"))
    assert summary.all(cls="prodai-reason")[0].text() == NASTY
    table = tree(scorecard.render_html(card, "criteria"))
    assert all(row.all("td")[2].text() == NASTY for row in table.all("tbody")[0].all("tr"))
    notes = tree(scorecard.render_html(card, "notes")).all("p")
    assert [p.all("strong")[0].text() for p in notes] == ["CTO:", "CFO:"]
    assert notes[1].text() == "CFO: " + NASTY


def test_no_text_can_break_the_markdown() -> None:
    assessment = nasty()
    md = scorecard.render_markdown(assessment, NASTY, lens="cto")
    assert "<script>" not in md and "<b>" not in md
    root = tree(MARKDOWN.render(md))
    assert not root.all("script") and not root.all("b") and not root.all("hr")
    blocks = [c for c in root.children if isinstance(c, Node)]
    assert [b.text() for b in blocks if b.tag in ("h1", "h2", "h3")] == [
        "Production AI assessment", "Criteria", "Gaps", "Next steps", "Stakeholder notes",
        "Description assessed",
    ]  # fmt: skip
    assert not any(b.all("h1") for b in blocks if b.tag != "blockquote")
    (table,) = root.all("table")
    rows = table.all("tbody")[0].all("tr")
    assert len(rows) == len(assessment.criteria)
    for row, c in zip(rows, assessment.criteria, strict=True):
        name, status, evidence, why = row.all("td")
        assert flat(name.text()) == flat(c.name) and status.text() == c.status
        assert "<script>alert(1)</script> a | b \\| c" in why.text()
    lists = [b for b in blocks if b.tag in ("ul", "ol")]
    gaps, steps, notes = (lst.all("li") for lst in lists[:3])
    assert (len(gaps), len(steps), len(notes)) == (1, 2, 2)  # nothing nested, nothing split
    assert not any(li.all("ul") or li.all("ol") or li.all("h1") for li in gaps + steps + notes)
    assert [li.children[0].text() for li in notes] == ["CTO:", "CFO:"]  # labels stay bold
    assert flat(steps[1].text()).startswith("1. Line one")
    # the description is quoted line by line, and stays inside the quote
    assert blocks[-1].tag == "blockquote" and "alert(1)" in blocks[-1].text()


def test_terminal_text_stays_in_its_sections() -> None:
    text = scorecard.render_text(nasty())
    headings = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert headings[0].startswith("Verdict: PRODUCTION")
    assert headings[2:] == ["Criteria", "Gaps (most blocking first)", "Next steps",
                            "For your stakeholders"]  # fmt: skip
    assert all(len(line) <= 100 for line in text.splitlines())


@pytest.mark.parametrize(
    ("text", "cell"),
    [("a | b", "a \\| b"), ("a \\| b", "a \\\\\\| b"), ("a\n\nb  c", "a b c"), ("C:\\x", "C:\\x")],
)
def test_a_table_cell_is_one_line_no_pipe_can_end(text: str, cell: str) -> None:
    assert rendering.cell(text) == cell


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("# heading", "\\# heading"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("* item", "\\* item"),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("***", "\\***"),
        ("- - -", "\\- - -"),
        ("```py", "\\```py"),
        ("[x]: http://e.example", "\\[x]: http://e.example"),
        ("a\n\n# b\r\n- c", "a # b - c"),
        ("**bold** start", "**bold** start"),
        ("version 2. is out", "version 2. is out"),
        ("-1 is a number", "-1 is a number"),
    ],
)
def test_a_markdown_line_opens_no_block(text: str, line: str) -> None:
    assert rendering.line(text) == line
    shown = tree(MARKDOWN.render(rendering.line(text)))
    assert [n.tag for n in shown.children if isinstance(n, Node)] == ["p"]


def test_br_escapes_and_keeps_every_kind_of_line_break() -> None:
    assert str(rendering.br("a<b>\r\nb\rc\nd&")) == "a&lt;b&gt;<br>b<br>c<br>d&amp;"


DEFINITION = Citation(
    marker=9,
    chunk_id="four-hallmarks#deployed-in-real-operations",
    doc_id="four-hallmarks",
    title="The four hallmarks",
    section="Deployed in real operations",
    quote="A deployed system is live.",
)


# --- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "escaped"),
    [("x.html.j2", True), ("x.md.j2", True), ("x.txt.j2", False), ("x.j2", True)],
)
def test_autoescape_is_on_for_markup_off_for_terminal_text(name: str, escaped: bool) -> None:
    policy = rendering.environment().autoescape
    assert policy(name) is escaped


def test_the_templates_ship_as_package_data() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["prodai_assistant"]
    assert "templates/*.j2" in patterns
    assert {p.name for p in rendering.TEMPLATE_DIR.glob("*.j2")} >= {
        "scorecard.txt.j2",
        "scorecard.html.j2",
        "scorecard.md.j2",
    }
