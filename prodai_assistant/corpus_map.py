"""One place that names the knowledge base's documents and sections, read from the corpus.

Code that needs "the CFO's document" or "the section on repeatable ROI" asks this map instead of
spelling an id such as 'stakeholder-cfo': each document's front matter (id, audience, topic)
says what it is for, and its headings, chunked as the index chunks them, give its sections and
their chunk ids. Renaming a file's id or a heading then changes one place, the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .chunking import chunk_documents
from .errors import CorpusError
from .models import Chunk, Document
from .text import slugify

STAKEHOLDER_TOPIC = "stakeholder"


@dataclass(frozen=True)
class SectionEntry:
    chunk_id: str  # the first chunk of the section: 'doc-id#section-slug'
    heading: str


@dataclass(frozen=True)
class DocumentEntry:
    doc_id: str
    title: str
    audience: str
    topic: str
    sections: tuple[SectionEntry, ...]


class CorpusMap:
    """Documents by id, role and audience; sections by heading; chunk ids checked."""

    def __init__(self, documents: Sequence[Document], chunks: Iterable[Chunk] | None = None):
        chunks = list(chunk_documents(documents) if chunks is None else chunks)
        first: dict[str, dict[str, str]] = {d.doc_id: {} for d in documents}
        for chunk in chunks:  # a long section has parts '-2', '-3': the first one names it
            first.setdefault(chunk.doc_id, {}).setdefault(chunk.section, chunk.chunk_id)
        self.documents: dict[str, DocumentEntry] = {
            d.doc_id: DocumentEntry(
                d.doc_id,
                d.title,
                d.audience,
                d.topic,
                tuple(SectionEntry(cid, heading) for heading, cid in first[d.doc_id].items()),
            )
            for d in documents
        }
        self.chunk_ids = frozenset(c.chunk_id for c in chunks)

    @classmethod
    def from_dir(cls, corpus_dir: Path) -> CorpusMap:
        from .corpus import load_corpus

        return cls(load_corpus(corpus_dir))

    def document(self, doc_id: str) -> DocumentEntry:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise CorpusError(
                f"The corpus has no document {doc_id!r}: known ids are {sorted(self.documents)}."
            ) from None

    def with_topic(self, topic: str) -> list[DocumentEntry]:
        """Documents whose front matter says ``topic: <topic>``, in corpus order."""
        return [d for d in self.documents.values() if d.topic == topic]

    def stakeholder_docs(self) -> dict[str, str]:
        """Audience key -> id of the stakeholder document written for that audience."""
        return {d.audience: d.doc_id for d in self.with_topic(STAKEHOLDER_TOPIC)}

    def section(self, doc_id: str, heading: str) -> str:
        """Chunk id of the section of ``doc_id`` titled ``heading`` (or with that slug)."""
        wanted = slugify(heading)
        for entry in self.document(doc_id).sections:
            if entry.heading == heading or slugify(entry.heading) == wanted:
                return entry.chunk_id
        raise CorpusError(f"{doc_id!r} has no section {heading!r}.")

    def doc_of(self, chunk_id: str) -> str:
        """The document a chunk id belongs to ('four-hallmarks#x-2' -> 'four-hallmarks')."""
        return chunk_id.split("#", 1)[0]


@lru_cache(maxsize=4)
def corpus_map(corpus_dir: Path | None = None) -> CorpusMap:
    """The map of ``corpus_dir`` (default: the built-in corpus), read once per folder."""
    from .config import default_corpus_dir

    return CorpusMap.from_dir(corpus_dir or default_corpus_dir())


__all__ = ["CorpusMap", "DocumentEntry", "SectionEntry", "corpus_map"]
