"""Pure helpers for the knowledge base page: filter, overview rows, sections with anchors,
sources markdown, and the link from a cited section to its place on the page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from ..models import AUDIENCE_LABELS, Document
from .render import escape_markdown

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_TITLE = re.compile(r"\A\s*#\s+[^\n]*\n?")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
PAGE = "knowledge"


def slug(text: str) -> str:
    """'Reliable and governed through xOps' -> 'reliable-and-governed-through-xops'."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-") or "section"


def anchor_key(doc_id: str, section: str) -> str:
    """The key (so the CSS class ``st-key-<key>``) of a section's block on the page."""
    return f"kb-{slug(doc_id)}-{slug(section)}"


def section_link(doc_id: str, section: str) -> str:
    """Relative URL of a section on the knowledge base page (opens that document there)."""
    return f"{PAGE}?doc={quote(doc_id, safe='')}&section={quote(slug(section), safe='')}"


def split_sections(doc: Document) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first ``##`` heading, then (heading, body) for each section."""
    body = body_without_title(doc)
    parts = _SECTION.split(body)
    intro, rest = parts[0].strip(), parts[1:]
    return intro, [(rest[i].strip(), rest[i + 1].strip()) for i in range(0, len(rest) - 1, 2)]


def section_text(documents: Sequence[Document], doc_id: str, section: str) -> str | None:
    """The body of section ``section`` of document ``doc_id``; None when it is not there."""
    for doc in documents:
        if doc.doc_id == doc_id:
            return next((text for head, text in split_sections(doc)[1] if head == section), None)
    return None


def sections(doc: Document) -> list[str]:
    """The ``##`` headings of a document, in order."""
    return _SECTION.findall(doc.body)


def filter_documents(documents: Sequence[Document], query: str) -> list[Document]:
    """Documents whose title, topic, audience, id or body contain every word of ``query``."""
    words = query.lower().split()
    if not words:
        return list(documents)

    def haystack(doc: Document) -> str:
        label = AUDIENCE_LABELS[doc.audience]
        return f"{doc.title} {doc.topic} {label} {doc.doc_id} {doc.body}".lower()

    return [doc for doc in documents if all(w in haystack(doc) for w in words)]


def overview(documents: Sequence[Document]) -> list[dict[str, str | int]]:
    """One table row per document."""
    return [
        {
            "Document": doc.title,
            "Audience": AUDIENCE_LABELS[doc.audience],
            "Topic": topic_label(doc),
            "Sections": len(sections(doc)),
            "Sources": len(doc.sources),
        }
        for doc in documents
    ]


def topic_label(doc: Document) -> str:
    """'bottom_line' -> 'bottom line'; no topic -> 'general'."""
    return doc.topic.replace("_", " ") or "general"


def body_without_title(doc: Document) -> str:
    """The body minus its leading ``# Title`` line (the expander already shows the title)."""
    return _TITLE.sub("", doc.body, count=1).strip()


def sources_markdown(doc: Document) -> str:
    """A bullet per source; links only for http(s) URLs, all text escaped."""
    lines = []
    for source in doc.sources:
        title = escape_markdown(source.title)
        if source.url.startswith(("https://", "http://")):
            title = f"[{title}](<{source.url.replace('>', '%3E')}>)"
        publisher = f" — {escape_markdown(source.publisher)}" if source.publisher else ""
        lines.append(f"- {title}{publisher}")
    return "\n".join(lines)


__all__ = [
    "PAGE",
    "anchor_key",
    "body_without_title",
    "filter_documents",
    "overview",
    "section_link",
    "section_text",
    "sections",
    "slug",
    "sources_markdown",
    "split_sections",
    "topic_label",
]
