"""Load the markdown knowledge base: YAML front matter + body -> Document list (the I/O edge)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import CorpusError
from .models import Document

FRONT_MATTER_KEYS = ("id", "title", "audience", "topic", "sources")
# Ids end up in chunk ids 'doc-id#section' and in file names, so keep them plain.
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_HINT = "Each document starts with a '---' line, YAML keys id and title, then a closing '---'."


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every ``*.md`` file directly in ``corpus_dir`` (README.md excepted), sorted by name."""
    corpus_dir = Path(corpus_dir)
    files = _markdown_files(corpus_dir)
    documents: list[Document] = []
    problems: list[str] = []
    for path in files:
        try:
            documents.append(parse_document(_read(path), path.name))
        except CorpusError as exc:
            problems.append(str(exc))
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise CorpusError(
            f"{len(problems)} corpus file(s) in {str(corpus_dir)!r} cannot be used{more}: "
            + "; ".join(problems[:5])
        )
    _check_unique_ids(documents)
    return documents


def _markdown_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"The corpus folder {str(corpus_dir)!r} does not exist or is not a folder: "
            "create it with markdown files or set PRODAI_CORPUS_DIR to the folder that holds them."
        )
    files = sorted(
        p for p in corpus_dir.glob("*.md") if p.is_file() and p.name.lower() != "readme.md"
    )
    if not files:
        raise CorpusError(
            f"No markdown documents (*.md) in {str(corpus_dir)!r}: add some, "
            "or set PRODAI_CORPUS_DIR to the folder that holds them."
        )
    return files


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path.name!r} cannot be read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path.name!r} is not UTF-8 text (byte {exc.start})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(text: str, name: str) -> Document:
    """Split front matter from body and validate it; ``name`` is used in messages and ``path``."""
    meta, body = split_front_matter(text, name)
    unknown = sorted(set(meta) - set(FRONT_MATTER_KEYS))
    if unknown:
        raise CorpusError(
            f"{name!r}: unknown front matter key(s) {unknown!r}; "
            f"allowed: {', '.join(FRONT_MATTER_KEYS)}"
        )
    doc_id = meta.get("id")
    if not isinstance(doc_id, str) or not _DOC_ID.match(doc_id):
        raise CorpusError(
            f"{name!r}: front matter 'id' must be letters, digits, '.', '_' or '-' "
            f"(e.g. 'four-hallmarks'), got {doc_id!r}"
        )
    if not body.strip():
        raise CorpusError(f"{name!r}: there is no text after the front matter")
    fields: dict[str, Any] = {k: v for k, v in meta.items() if k != "id"}
    try:
        return Document(doc_id=doc_id, body=body, path=name, **fields)
    except ValidationError as exc:
        raise CorpusError(f"{name!r}: {_describe(exc)}") from exc


def split_front_matter(text: str, name: str = "document") -> tuple[dict[str, Any], str]:
    """Return (front matter mapping, body); the body starts after the closing '---' line."""
    if not text.startswith("---"):
        raise CorpusError(f"{name!r}: no front matter. {_HINT}")
    first = _FENCE.match(text)
    closing = _FENCE.search(text, first.end()) if first else None
    if first is None or closing is None:
        raise CorpusError(f"{name!r}: the front matter has no closing '---' line. {_HINT}")
    try:
        meta = yaml.safe_load(text[first.end() : closing.start()])
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" near line {where.line + 2}" if where is not None else ""
        raise CorpusError(f"{name!r}: the front matter is not valid YAML{line}") from exc
    if not isinstance(meta, dict):
        raise CorpusError(f"{name!r}: the front matter must be 'key: value' lines. {_HINT}")
    return meta, text[closing.end() :].lstrip("\n")


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"]) or "front matter"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def _check_unique_ids(documents: Sequence[Document]) -> None:
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.doc_id in seen:
            raise CorpusError(
                f"Duplicate document id {doc.doc_id!r} in {seen[doc.doc_id]!r} and {doc.path!r}: "
                "give each document its own id."
            )
        seen[doc.doc_id] = doc.path


def corpus_hash(documents: Sequence[Document]) -> str:
    """sha256 over every document's path and content, independent of list order."""
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: (d.path, d.doc_id)):
        payload = json.dumps(doc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        digest.update(doc.path.encode())
        digest.update(b"\0")
        digest.update(payload.encode())
        digest.update(b"\0")
    return digest.hexdigest()


__all__ = [
    "FRONT_MATTER_KEYS",
    "corpus_hash",
    "load_corpus",
    "parse_document",
    "split_front_matter",
]
