"""Pure rendering helpers for the app: escaped HTML, markdown and download payloads.

No Streamlit here, so every function is a plain string-in, string-out unit test. User text only
ever reaches the page through ``escape_markdown`` or ``highlight_evidence`` (which escapes every
character it emits), never as raw markdown or HTML.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from ..labels import VERDICT_LABELS
from ..models import AUDIENCE_LABELS, Assessment, Citation, Criterion

BadgeColor = Literal["green", "orange", "gray"]
VERDICT_COLORS: dict[str, BadgeColor] = {
    "production": "green",
    "demo": "orange",
    "not_assessable": "gray",
}
VERDICT_ICONS = {
    "production": ":material/verified:",
    "demo": ":material/science:",
    "not_assessable": ":material/help:",
}
STATUS_COLORS = {
    "evidenced": "#c8f2d0",
    "partial": "#fff1b8",
    "missing": "#eceff3",
    "contradicted": "#ffd6d6",
}
POLARITY_STYLES = {
    "positive": "background-color:#c8f2d0;color:#0b3d17;border-radius:3px;padding:0 2px;",
    "negative": "background-color:#ffd6d6;color:#5c0a0a;border-radius:3px;padding:0 2px;",
}

# Characters that mean something to CommonMark, Streamlit's math ($) or raw HTML (<, &).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$:])")


def audience_label(key: str) -> str:
    """'cfo' -> 'CFO'; an unknown key is shown as it is."""
    for audience, label in AUDIENCE_LABELS.items():
        if audience == key:
            return label
    return key


def escape_markdown(text: str) -> str:
    """Render ``text`` exactly as typed when passed to ``st.markdown`` (no links, images, HTML)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\n", "  \n")


def escape_fields(markdown: str, fields: Sequence[str]) -> str:
    """``markdown`` with every occurrence of each of ``fields`` (text that may quote the user)
    escaped, and the markup around them kept; longest first, so no field is escaped twice."""
    for field in sorted({f for f in fields if f}, key=len, reverse=True):
        markdown = markdown.replace(field, escape_markdown(field))
    return markdown


def stream_pieces(text: str, words: int = 4, delay: float = 0.0) -> Iterator[str]:
    """Yield ``text`` a few words at a time, whitespace kept, for ``st.write_stream``."""
    tokens = re.findall(r"\s*\S+|\s+$", text)
    for i in range(0, len(tokens), words):
        if delay and i:
            time.sleep(delay)
        yield "".join(tokens[i : i + words])


def citation_label(citation: Citation) -> str:
    """Expander label: '[2] Four hallmarks · Deployed in real operations'."""
    return f"[{citation.marker}] {citation.title} · {citation.section}"


def citation_markdown(citation: Citation) -> str:
    """The quoted corpus text, then where it comes from."""
    quote = "\n".join(f"> {line}" if line else ">" for line in citation.quote.splitlines())
    return f"{quote}\n\n**{citation.title}**, section *{citation.section}* · `{citation.chunk_id}`"


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    polarity: str
    label: str


def evidence_marks(text: str, criteria: Sequence[Criterion]) -> list[_Mark]:
    """Evidence spans that really are substrings of ``text`` at their offsets; others dropped."""
    marks = []
    for criterion in criteria:
        for span in criterion.evidence:
            if 0 <= span.start < span.end <= len(text) and text[span.start : span.end] == span.text:
                marks.append(_Mark(span.start, span.end, span.polarity, criterion.name))
    return marks


def highlight_evidence(text: str, criteria: Sequence[Criterion]) -> str:
    """One-line HTML of ``text`` with evidence spans in <mark>; every character escaped.

    Overlapping spans are split at their boundaries; a piece inside any negative span is shown
    as negative. Newlines become <br> so no blank line can end the HTML block early.
    """
    marks = evidence_marks(text, criteria)
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        pieces.append(_piece(text[start:end], covering))
    body = "".join(pieces)
    return f'<div class="prodai-evidence" style="line-height:1.7;">{body}</div>'


def _piece(text: str, covering: Sequence[_Mark]) -> str:
    escaped = html.escape(text, quote=True).replace("\r", "").replace("\n", "<br>")
    if not covering:
        return escaped
    polarity = "negative" if any(m.polarity == "negative" for m in covering) else "positive"
    labels = sorted({m.label for m in covering})
    title = html.escape(f"{polarity} evidence: {', '.join(labels)}", quote=True)
    return f'<mark title="{title}" style="{POLARITY_STYLES[polarity]}">{escaped}</mark>'


def status_style(status: object) -> str:
    """CSS for a Status cell: its colour says evidenced, partial, missing or contradicted."""
    color = STATUS_COLORS.get(str(status))
    return f"background-color: {color}; color: #1d232c" if color else ""


def criteria_rows(assessment: Assessment) -> list[dict[str, str | int]]:
    """Rows for the per-criterion table."""
    return [
        {
            "Criterion": c.name,
            "Group": "Hallmark" if c.group == "hallmark" else "Bottom line",
            "Status": c.status,
            "Evidence": len(c.evidence),
            "Why": c.rationale,
        }
        for c in assessment.criteria
    ]


def _cell(text: str) -> str:
    """Text safe inside one markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def assessment_markdown(assessment: Assessment, description: str | None = None) -> str:
    """The full scorecard as a Markdown document (the download)."""
    a = assessment
    lines = [
        "# Production AI assessment",
        "",
        f"**Verdict:** {VERDICT_LABELS.get(a.verdict, a.verdict)}  ",
        f"**Confidence:** {a.confidence:.0%}  ",
        f"**Maturity:** level {a.maturity_level} ({a.maturity_name})",
        "",
        a.reason,
        "",
        "## Criteria",
        "",
        "| Criterion | Status | Evidence | Why |",
        "|---|---|---|---|",
    ]
    for c in a.criteria:
        quotes = "; ".join(f"“{_cell(s.text)}”" for s in c.evidence) or "none"
        lines.append(f"| {_cell(c.name)} | {c.status} | {quotes} | {_cell(c.rationale)} |")
    lines += _bullets("Gaps", a.gaps) + _bullets("Next steps", a.next_steps)
    if a.stakeholder_notes:
        lines += ["", "## Stakeholder notes", ""]
        for key, note in a.stakeholder_notes.items():
            label = audience_label(key)
            lines.append(f"- **{label}:** {note}")
    if description is not None:
        lines += ["", "## Description assessed", ""]
        lines += [f"> {line}" if line else ">" for line in description.splitlines()]
    return "\n".join(lines) + "\n"


def _bullets(heading: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return ["", f"## {heading}", ""] + [f"- {item}" for item in items]


__all__ = [
    "POLARITY_STYLES",
    "STATUS_COLORS",
    "VERDICT_COLORS",
    "VERDICT_ICONS",
    "VERDICT_LABELS",
    "assessment_markdown",
    "audience_label",
    "citation_label",
    "citation_markdown",
    "criteria_rows",
    "escape_fields",
    "escape_markdown",
    "evidence_marks",
    "highlight_evidence",
    "status_style",
    "stream_pieces",
]
