"""The app's security (issues 8, 9 and 15): no user text is rendered as markdown or HTML."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from prodai_assistant.audit import MemoryAuditStore
from prodai_assistant.config import Settings
from prodai_assistant.models import Assessment
from prodai_assistant.testing import FakeAssistant
from prodai_assistant.ui import render, services
from prodai_assistant.ui.pages import __file__ as pages_init

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
PAGES = Path(pages_init).parent.relative_to(REPO)
PAYLOAD = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    "![pixel](http://evil.example/p.png) # Heading **bold**"
)
DESCRIPTION = (
    "Our fraud model is live in production, integrated in the claims workflow, monitored by "
    "the MLOps team with an on-call rota, and its savings are booked in the P&L every quarter "
    "according to finance, who review the numbers with the operations team every month."
)
# Our own markup: bold labels, bullets, paragraphs and line breaks. Nothing a payload could add.
OWN_TAGS = {"p", "br", "strong", "ul", "li", "em"}


class QuotingAssistant(FakeAssistant):
    """A fake whose assessments quote the description in every text field, as a classifier
    quoting the user's words would."""

    def classify(self, description: str) -> Assessment:
        plain = super().classify(description)
        quoted = f"{plain.reason} ({PAYLOAD})"
        return plain.model_copy(
            update={
                "reason": quoted,
                "gaps": [f"Gap quoting {PAYLOAD}", *plain.gaps],
                "next_steps": [f"Step quoting {PAYLOAD}"],
                "stakeholder_notes": {
                    k: f"{v} {PAYLOAD}" for k, v in plain.stakeholder_notes.items()
                }
                or {"cfo": f"Note {PAYLOAD}"},
            }
        )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def rendered_tags(markdown: str) -> _Tags:
    """The HTML tags a CommonMark renderer (raw HTML allowed) makes of ``markdown``."""
    parser = _Tags()
    parser.feed(MarkdownIt("commonmark", {"html": True}).render(markdown))
    return parser


def assert_inert(at: AppTest) -> None:
    """Every markdown element that shows the payload shows it as text."""
    shown = [m for m in at.markdown if not m.proto.allow_html and "alert" in m.value]
    assert shown, "the payload is not on the page at all"
    for element in shown:
        parsed = rendered_tags(element.value)
        assert parsed.tags <= OWN_TAGS, (parsed.tags, element.value)
        assert not parsed.attrs, element.value


@pytest.fixture(autouse=True)
def _no_shared_assistant() -> Iterator[None]:
    services.set_assistant_factory(None)
    yield
    services.set_assistant_factory(None)


def open_app(tmp_path: Path, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[services.ASSISTANT_KEY] = QuotingAssistant()
    at.session_state[services.AUDIT_KEY] = MemoryAuditStore()
    at.session_state[services.SETTINGS_KEY] = Settings(data_dir=tmp_path / "data")
    at.run()
    if page:
        at.switch_page(str(PAGES / f"{page}.py")).run()
    assert not at.exception, at.exception
    return at


# --- issue 15: the scorecard escapes what may quote the user --------------------------------


def test_the_scorecard_shows_reason_gaps_steps_and_notes_as_text(tmp_path: Path) -> None:
    at = open_app(tmp_path, "classify")
    at.text_area[0].set_value(DESCRIPTION)
    next(b for b in at.button if b.label == "Assess").click().run()
    assert not at.exception, at.exception
    assert_inert(at)
    values = "\n".join(m.value for m in at.markdown)
    for part in ("Gap quoting", "Step quoting", "Note "):  # each field is there, escaped
        assert part in values
    assert "\\<script\\>" in values and "\\[click\\]\\(javascript" in values


def test_an_assessment_in_the_chat_is_escaped_too(tmp_path: Path) -> None:
    at = open_app(tmp_path)
    at.chat_input[0].set_value(DESCRIPTION).run()
    assert not at.exception, at.exception
    assert_inert(at)
    at.run()  # the history is drawn again, without streaming
    assert_inert(at)


def test_escape_fields_keeps_the_markup_around_the_fields() -> None:
    body = "**Verdict: Demo** because <b>x</b>.\n\n**Gaps:**\n- [a](http://e.example)"
    escaped = render.escape_fields(body, ["because <b>x</b>.", "[a](http://e.example)"])
    assert escaped.startswith("**Verdict: Demo** because \\<b\\>x")
    assert rendered_tags(escaped).tags <= OWN_TAGS
