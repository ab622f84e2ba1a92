"""Sources under an answer, as people use them: one entry per cited section (however many
markers point at it), the section's text with the cited sentences marked, where it comes
from, and a link to that section on the Knowledge base page. ``[n]`` markers in the answer
become links to their entry. Pure: strings in, escaped HTML or markdown out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..models import Citation
from .knowledge import section_link

_MARKER = re.compile(r"( ?)\[(\d+)\]")  # with the space before it, if any
_EMPHASIS = re.compile(r"\*\*|__|`")
NBSP = "\u00a0"
SUMMARY_SECTIONS = 3  # section names shown in the collapsed row before "and N more"

Passages = Callable[[str, str], str | None]  # (doc_id, section) -> the section's text


@dataclass
class SourceEntry:
    """Everything one cited section contributes to an answer."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    markers: list[int] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def group_citations(citations: Sequence[Citation]) -> list[SourceEntry]:
    """One entry per cited chunk, in the order of its first marker."""
    entries: dict[str, SourceEntry] = {}
    for c in sorted(citations, key=lambda c: c.marker):
        entry = entries.setdefault(
            c.chunk_id, SourceEntry(c.chunk_id, c.doc_id, c.title, c.section)
        )
        entry.markers.append(c.marker)
        if c.quote not in entry.quotes:
            entry.quotes.append(c.quote)
    return list(entries.values())


def anchor(key: str, marker: int) -> str:
    """The element id marker ``marker`` of the answer ``key`` links to."""
    return f"src-{key}-{marker}"


def link_markers(text: str, markers: set[int], key: str) -> str:
    """Markdown ``text`` with each known ``[n]`` turned into a link to its source entry; the
    space before it becomes a no-break space, so a marker never wraps onto a line of its own."""

    def link(match: re.Match[str]) -> str:
        space, number = match.group(1), int(match.group(2))
        if number not in markers:
            return match.group(0)
        return f"{space and NBSP}[\\[{number}\\]](#{anchor(key, number)})"

    return _MARKER.sub(link, text)


def passage_html(text: str, quotes: Sequence[str]) -> str:
    """``text`` with each quote marked; markdown emphasis dropped, every character escaped."""
    spans = sorted((start, start + len(q)) for q in quotes if q and (start := text.find(q)) >= 0)
    pieces, position = [], 0
    for start, end in spans:
        if start < position:  # overlaps an earlier quote: already marked
            continue
        pieces.append(_plain(text, position, start))
        pieces.append(f"<mark>{_plain(text, start, end)}</mark>")
        position = end
    pieces.append(_plain(text, position, len(text)))
    return "".join(pieces)


def _plain(text: str, start: int, end: int) -> str:
    """``text[start:end]`` escaped for HTML, bullets as dots and ``**`` emphasis dropped."""
    lines = text[start:end].split("\n")
    for i, line in enumerate(lines):
        begins_line = i > 0 or start == 0 or text[start - 1] == "\n"
        if begins_line and line[:2] in ("- ", "* "):
            lines[i] = "• " + line[2:]
    piece = _EMPHASIS.sub("", "\n".join(lines))
    return html.escape(piece, quote=True).replace("\n", "<br>")


def _entry_html(entry: SourceEntry, key: str, passages: Passages) -> str:
    anchors = "".join(f'<span id="{anchor(key, n)}"></span>' for n in entry.markers)
    numbers = " ".join(f"[{n}]" for n in entry.markers)
    context = passages(entry.doc_id, entry.section)
    if context is not None and all(q in context for q in entry.quotes):
        body = passage_html(context, entry.quotes)
    else:  # the section changed since: show what was quoted
        body = "<br>".join(f"<mark>{html.escape(q, quote=True)}</mark>" for q in entry.quotes)
    link = html.escape(section_link(entry.doc_id, entry.section), quote=True)
    return (
        f'<div class="prodai-source">{anchors}<div class="prodai-source-head">{numbers} '
        f"{html.escape(entry.section)} "
        f'<span class="prodai-where">· {html.escape(entry.title)} · '
        f'<a href="{link}" target="_blank" rel="noopener">Open in the knowledge base</a>'
        f'</span></div><div class="prodai-passage">{body}</div></div>'
    )


def sources_html(citations: Sequence[Citation], key: str, passages: Passages) -> str:
    """The collapsed "Sources" row under an answer; it opens to one entry per section."""
    entries = group_citations(citations)
    if not entries:
        return ""
    names = [html.escape(e.section) for e in entries[:SUMMARY_SECTIONS]]
    more = len(entries) - SUMMARY_SECTIONS
    summary = " · ".join(names) + (f" and {more} more" if more > 0 else "")
    count = f"{len(entries)} section{'s' if len(entries) != 1 else ''}"
    body = "".join(_entry_html(e, key, passages) for e in entries)
    return (
        f'<details class="prodai-sources"><summary><b>Sources</b> ({count}): {summary}'
        f"</summary>{body}</details>"
    )


__all__ = [
    "Passages",
    "SourceEntry",
    "anchor",
    "group_citations",
    "link_markers",
    "passage_html",
    "sources_html",
]
