"""Pure: Document -> Chunk list, one chunk per ``##`` section, ids ``doc-id#section-slug``.

LangChain's MarkdownHeaderTextSplitter finds the sections (it knows code fences); it normalises
whitespace, so each section is mapped back onto the original lines and the chunk text is the
file's own text. Citations quote chunk text, so it must stay an exact substring of the document.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from .models import Chunk, Document
from .text import slugify

DEFAULT_MAX_CHARS = 1500
_HEADER = re.compile(r"^(#{1,2})(?: |$)")
_SPLIT_ON = [("#", "h1"), ("##", "h2")]


@dataclass(frozen=True)
class Section:
    """A heading and the exact body text under it (heading line excluded)."""

    heading: str
    text: str


def chunk_documents(
    documents: Sequence[Document], max_chars: int = DEFAULT_MAX_CHARS
) -> list[Chunk]:
    """Chunks of every document in corpus order, with unique ids and corpus-wide ordinals."""
    chunks: list[Chunk] = []
    for doc in documents:
        chunks.extend(chunk_document(doc, max_chars=max_chars, start=len(chunks)))
    return chunks


def chunk_document(
    doc: Document, *, max_chars: int = DEFAULT_MAX_CHARS, start: int = 0
) -> list[Chunk]:
    """One document's chunks; ``start`` is the ordinal of the first one."""
    if max_chars < 50:
        raise ValueError(f"max_chars must be at least 50, got {max_chars!r}")
    used: set[str] = set()
    chunks: list[Chunk] = []
    for section in split_sections(doc.body, doc.title):
        base = unique_slug(slugify(section.heading), used)
        for part_no, text in enumerate(split_long(section.text, max_chars), start=1):
            slug = base if part_no == 1 else unique_slug(f"{base}-{part_no}", used)
            used.add(slug)
            chunks.append(_make_chunk(doc, section.heading, slug, text, start + len(chunks)))
    return chunks


def unique_slug(slug: str, used: set[str]) -> str:
    """``slug`` if free, else ``slug-2``, ``slug-3`` ... (the first free one)."""
    if slug not in used:
        return slug
    n = 2
    while f"{slug}-{n}" in used:
        n += 1
    return f"{slug}-{n}"


def _make_chunk(doc: Document, section: str, slug: str, text: str, ordinal: int) -> Chunk:
    chunk = Chunk(
        chunk_id=f"{doc.doc_id}#{slug}",
        doc_id=doc.doc_id,
        title=doc.title,
        section=section,
        audience=doc.audience,
        topic=doc.topic,
        text=text,
        ordinal=ordinal,
    )
    return chunk.model_copy(update={"content_hash": content_hash(chunk)})


def content_hash(chunk: Chunk) -> str:
    """sha256 of the text and the metadata that feeds the embedding; the ordinal is left out."""
    payload = chunk.model_dump(include={"chunk_id", "doc_id", "title", "section", "audience"})
    payload.update(topic=chunk.topic, text=chunk.text)
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def split_sections(body: str, title: str) -> list[Section]:
    """``#``/``##`` sections with non-empty text; text before the first ``##`` is the intro."""
    splitter = MarkdownHeaderTextSplitter(_SPLIT_ON, strip_headers=False, return_each_line=True)
    blocks = [(d.page_content.split("\n"), d.metadata) for d in splitter.split_text(body)]
    body_lines = body.split("\n")
    rows = _align(body_lines, [line for lines, _ in blocks for line in lines])
    drafts = [_Draft(title)]
    cursor = 0
    for lines, meta in blocks:
        header = _HEADER.match(lines[0])
        if header:
            level = "h2" if len(header.group(1)) == 2 else "h1"
            drafts.append(_Draft(str(meta.get(level, "")).strip() or title))
        skip = 1 if header else 0
        drafts[-1].lines.extend(lines[skip:])
        if rows is not None:
            drafts[-1].rows.extend(rows[cursor + skip : cursor + len(lines)])
        cursor += len(lines)
    starts = _line_starts(body_lines)
    sections = [d.section(body, body_lines, starts, exact=rows is not None) for d in drafts]
    return [s for s in sections if s.text]


@dataclass
class _Draft:
    heading: str
    lines: list[str] = field(default_factory=list)  # the splitter's normalised lines
    rows: list[int] = field(default_factory=list)  # their line numbers in the body

    def section(self, body: str, body_lines: list[str], starts: list[int], exact: bool) -> Section:
        if not exact:  # never seen in practice; keeps going with normalised text
            return Section(self.heading, "\n".join(self.lines).strip())
        if not self.rows:
            return Section(self.heading, "")
        first, last = self.rows[0], self.rows[-1]
        return Section(
            self.heading, body[starts[first] : starts[last] + len(body_lines[last])].strip()
        )


def _normalise(line: str) -> str:
    """What the splitter makes of a line: stripped, non-printable characters removed."""
    return "".join(filter(str.isprintable, line.strip()))


def _align(body_lines: list[str], wanted: list[str]) -> list[int] | None:
    """Line number in the body of each splitter line, or None if they cannot be matched."""
    rows: list[int] = []
    j = 0
    for line in wanted:
        while j < len(body_lines) and _normalise(body_lines[j]) != line:
            if _normalise(body_lines[j]):
                return None  # only blank lines may be skipped
            j += 1
        if j == len(body_lines):
            return None
        rows.append(j)
        j += 1
    return rows


def _line_starts(lines: list[str]) -> list[int]:
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return starts


def split_long(text: str, max_chars: int) -> list[str]:
    """``text`` itself if short enough, else size-bounded exact substrings in order."""
    if len(text) <= max_chars:
        return [text]
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max_chars,
        chunk_overlap=0,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    pieces = [p for p in splitter.split_text(text) if p.strip()]
    return pieces if all(p in text for p in pieces) else [text]


__all__ = [
    "DEFAULT_MAX_CHARS",
    "Section",
    "chunk_document",
    "chunk_documents",
    "content_hash",
    "split_long",
    "split_sections",
    "unique_slug",
]
