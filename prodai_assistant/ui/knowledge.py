"""Pure helpers for the knowledge base page: filter, overview rows, body and sources markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import AUDIENCE_LABELS, Document
from .render import escape_markdown

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_TITLE = re.compile(r"\A\s*#\s+[^\n]*\n?")


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
    "body_without_title",
    "filter_documents",
    "overview",
    "sections",
    "sources_markdown",
    "topic_label",
]
