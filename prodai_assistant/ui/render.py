"""Pure rendering helpers for the app: escaped HTML and markdown.

No Streamlit here, so every function is a plain string-in, string-out unit test. User text only
ever reaches the page through ``escape_markdown`` or ``highlight_evidence`` (which escapes every
character it emits), never as raw markdown or HTML. The scorecard's downloads are
``prodai_assistant.scorecard``'s.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..models import AUDIENCE_LABELS, Criterion

STATUS_COLORS = {
    "evidenced": "#c8f2d0",
    "partial": "#fff1b8",
    "missing": "#eceff3",
    "contradicted": "#ffd6d6",
}
# One light colour per criterion, hues far apart so two overlapping ones stay distinguishable.
PALETTE = (
    "#a9cfff", "#b7e6a5", "#ffd27a", "#f4b3d3", "#9fe0d8", "#ffb98f", "#c9b6f2", "#d8d89a",
)  # fmt: skip

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


def colours(criteria: Sequence[Criterion]) -> dict[str, str]:
    """A distinct highlight colour per criterion key, in scorecard order."""
    return {c.key: PALETTE[i % len(PALETTE)] for i, c in enumerate(criteria)}


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    polarity: str
    key: str
    name: str


def evidence_marks(text: str, criteria: Sequence[Criterion]) -> list[_Mark]:
    """Evidence spans that really are substrings of ``text`` at their offsets; others dropped."""
    marks = []
    for c in criteria:
        for span in c.evidence:
            if 0 <= span.start < span.end <= len(text) and text[span.start : span.end] == span.text:
                marks.append(_Mark(span.start, span.end, span.polarity, c.key, c.name))
    return marks


def highlight_evidence(text: str, criteria: Sequence[Criterion]) -> str:
    """One-line HTML of ``text`` with each criterion's evidence in its colour; all escaped.

    Overlapping spans are split at their boundaries and show the colours of every criterion
    they support, in bands; red flags and negated claims get a wavy red underline. Newlines
    become <br> so no blank line can end the HTML block early.
    """
    palette = colours(criteria)
    marks = evidence_marks(text, criteria)
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        pieces.append(_piece(text[start:end], covering, palette))
    return f'<div class="prodai-evidence" style="line-height:1.75;">{"".join(pieces)}</div>'


def _piece(text: str, covering: Sequence[_Mark], palette: Mapping[str, str]) -> str:
    escaped = html.escape(text, quote=True).replace("\r", "").replace("\n", "<br>")
    if not covering:
        return escaped
    keys = list(dict.fromkeys(m.key for m in covering))
    names = list(dict.fromkeys(m.name for m in covering))
    negative = any(m.polarity == "negative" for m in covering)
    shades = [palette.get(k, PALETTE[0]) for k in keys]
    if len(shades) == 1:
        background = shades[0]
    else:
        step = 100 / len(shades)
        stops = ", ".join(
            f"{c} {i * step:.0f}% {(i + 1) * step:.0f}%" for i, c in enumerate(shades)
        )
        background = f"linear-gradient(to bottom, {stops})"
    kind = "red flag or negated claim" if negative else "evidence"
    title = html.escape(f"{kind}: {', '.join(names)}", quote=True)
    css = "negative" if negative else "positive"
    return f'<mark class="{css}" title="{title}" style="background:{background}">{escaped}</mark>'


__all__ = [
    "PALETTE",
    "STATUS_COLORS",
    "audience_label",
    "colours",
    "escape_fields",
    "escape_markdown",
    "evidence_marks",
    "highlight_evidence",
    "stream_pieces",
]
