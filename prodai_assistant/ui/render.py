"""Pure rendering helpers for the app: escaped Markdown, evidence highlighting, streaming.

No Streamlit here, so every function is a plain string-in, string-out unit test. User text only
ever reaches the page through ``escape_markdown`` or ``highlight_evidence`` (which escapes every
character it emits), never as raw markdown or HTML. The scorecard and its downloads are
``prodai_assistant.scorecard``'s.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator, Mapping, Sequence

from ..models import Criterion
from ..scorecard import PALETTE, EvidenceMark, colours, evidence_marks

# Characters that mean something to CommonMark, Streamlit's math ($) or raw HTML (<, &).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$:])")


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


def stream_pieces(
    text: str, words: int = 4, delay: float = 0.0, at_most: int | None = None
) -> Iterator[str]:
    """Yield ``text`` a few words at a time, whitespace kept, for ``st.write_stream``; with
    ``at_most``, in no more pieces than that (more words each for a long text)."""
    tokens = re.findall(r"\s*\S+|\s+$", text)
    if at_most:
        words = max(words, -(-len(tokens) // at_most))
    for i in range(0, len(tokens), words):
        if delay and i:
            time.sleep(delay)
        yield "".join(tokens[i : i + words])


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


def _piece(text: str, covering: Sequence[EvidenceMark], palette: Mapping[str, str]) -> str:
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
    "escape_fields",
    "escape_markdown",
    "highlight_evidence",
    "stream_pieces",
]
