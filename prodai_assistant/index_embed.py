"""What goes into the index: the corpus as a build target, and its chunks embedded in batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .chunking import chunk_documents
from .corpus import corpus_hash, load_corpus
from .embeddings import Embedder
from .errors import IndexError_
from .index_store import Target
from .models import Chunk

Progress = Callable[[str, int, int], None]


def load_target(corpus_dir: Path, max_chars: int) -> Target:
    """The corpus as it is on disk now, chunked: what the index should hold."""
    documents = load_corpus(corpus_dir)
    return Target(documents, chunk_documents(documents, max_chars), corpus_hash(documents))


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded: title and section give a short section its context."""
    head = chunk.title if chunk.section == chunk.title else f"{chunk.title}. {chunk.section}"
    return f"{head}. {chunk.text}"


def embed_chunks(
    embedder: Embedder,
    chunks: Sequence[Chunk],
    batch_size: int,
    progress: Progress | None = None,
) -> dict[str, list[float]]:
    """Chunk id -> vector, embedded ``batch_size`` at a time; reports ('embed', done, total)."""
    out: dict[str, list[float]] = {}
    total = len(chunks)
    if progress is not None:
        progress("embed", 0, total)
    for start in range(0, total, batch_size):
        batch = chunks[start : start + batch_size]
        vectors = embedder.embed_documents([embedding_text(c) for c in batch])
        if len(vectors) != len(batch):
            raise IndexError_(
                f"The embedder {embedder.name!r} returned {len(vectors)} vectors "
                f"for {len(batch)} texts."
            )
        out.update((c.chunk_id, list(v)) for c, v in zip(batch, vectors, strict=True))
        if progress is not None:
            progress("embed", start + len(batch), total)
    return out


__all__ = ["Progress", "embed_chunks", "embedding_text", "load_target"]
