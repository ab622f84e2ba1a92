"""The HTML eval report comes from an autoescaped Jinja2 template: nothing in a report's data
can become markup, and the page stays self-contained."""

from __future__ import annotations

from html.parser import HTMLParser

from prodai_assistant.evaluation.gates import GateResult
from prodai_assistant.evaluation.report import confusion_svg, gate_bars_svg, render_html
from prodai_assistant.evaluation.runner import ClassificationResult, EvalReport, QAResult

EVIL = "<img src=x onerror=alert(1)>"


def hostile_report() -> EvalReport:
    gate = GateResult(
        metric=f"metric {EVIL}",
        kind="gate",
        value=0.5,
        op=">=",
        threshold=0.9,
        passed=False,
        failing_items=[f"item {EVIL}"],
    )
    return EvalReport(
        backend=f"openai:{EVIL}",
        passed=False,
        metrics={f"m {EVIL}": 0.5},
        gates=[gate],
        qa=[QAResult.model_construct(id=f"q {EVIL}", failures=[f"failure {EVIL}"])],
        classification=[ClassificationResult.model_construct(id="c-1", failures=[])],
        labels=["demo", f"label {EVIL}"],
        confusion={"demo": {"demo": 1, f"label {EVIL}": 0}, f"label {EVIL}": {"demo": 2}},
        report_hash=EVIL,
        timings={EVIL: 1.0},
    )


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags(html: str) -> set[str]:
    parser = Tags()
    parser.feed(html)
    return set(parser.tags)


def test_no_field_of_the_report_can_inject_markup() -> None:
    html = render_html(hostile_report())
    assert EVIL not in html
    assert "img" not in tags(html)
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 9


def test_the_page_has_its_parts_and_nothing_external() -> None:
    html = render_html(hostile_report())
    assert tags(html) <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "small", "p", "code",
        "table", "tr", "th", "td", "ul", "li", "svg", "text", "rect", "line",
    }  # fmt: skip
    assert "FAILED" in html and 'aria-label="confusion matrix"' in html
    for external in ("<script", "src=", "href=", "<link", "@import"):
        assert external not in html.replace("&lt;img src=", "")


def test_the_charts_render_alone_too() -> None:
    report = hostile_report()
    assert gate_bars_svg(report.gates).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert confusion_svg([], {}) == "<p>No classification cases.</p>"
    grid = confusion_svg(report.labels, report.confusion)
    assert grid.count("<rect ") == 4 and EVIL not in grid
