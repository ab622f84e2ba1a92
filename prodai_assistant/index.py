"""Persistent vector index: the only module that imports chromadb, and only to write.

Each generation under ``settings.index_dir`` holds an embedded Chroma store (cosine space) in
``generations/<id>/chroma/`` beside the files ``index_store`` reads and writes, among them
``vectors.npy``: the same vectors as one matrix, checked against the manifest's hash. Queries
are exact cosine searches over that matrix, so opening and searching an index never imports
chromadb (1.6 s of a cold start). A build writes a new generation aside, reusing the vectors of
unchanged chunks, then swaps CURRENT and deletes the rest, so an interrupted build never
replaces the index in use. A generation is damaged when its files fail their checks or its
Chroma store fails its SQLite header check; a folder that cannot be written is not damage.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import DEFAULT_MAX_CHARS
from .config import Settings
from .embeddings import Embedder
from .errors import IndexCorruptError, IndexError_, ProdAIError
from .index_embed import Progress, embed_chunks, embedding_text, load_target
from .index_store import (
    SCHEMA_VERSION,
    GenerationFiles,
    IndexLayout,
    Target,
    manifest_matches,
    new_manifest,
    sqlite_file_intact,
    vectors_digest,
)
from .models import Chunk, Document, IndexStatus

COLLECTION = "chunks"
STORE_FILE = "chroma.sqlite3"  # Chroma's database inside generations/<id>/chroma/
READ_ONLY_NOTICE = (
    "The index folder {path!r} is read-only, so the index in it is served as built: a changed "
    "corpus cannot be indexed until that folder is writable or PRODAI_DATA_DIR names another."
)


class _Lease:
    """One user's share of the process-wide Chroma client of a store folder; released once."""

    def __init__(self, key: str, client: Any) -> None:
        self.key, self.client, self.released = key, client, False


# chromadb keeps one System per path for the whole process, and neither starts, shares nor
# stops it thread-safely: a client opened while another thread opens or closes one on the
# same path can get a half-started or stopped System, and the generation then looks damaged.
# So this module opens one client per folder, shares it, and opens or closes under one lock.
_CLIENTS: dict[str, tuple[Any, int]] = {}  # folder -> (client, leases held)
_CLIENTS_LOCK = threading.Lock()


def _lease(path: Path) -> _Lease:
    """A lease on the shared client of the store at ``path``, opening it if nobody holds one."""
    key = str(path.resolve())
    with _CLIENTS_LOCK:
        client, users = _CLIENTS.get(key, (None, 0))
        if client is None:
            client = _persistent_client(key)
        _CLIENTS[key] = (client, users + 1)
    return _Lease(key, client)


def _release(lease: _Lease) -> None:
    """Give back a lease; the client closes when its last lease is given back."""
    with _CLIENTS_LOCK:
        if lease.released:
            return
        lease.released = True
        client, users = _CLIENTS.pop(lease.key)
        if users > 1:
            _CLIENTS[lease.key] = (client, users - 1)
            return
        with contextlib.suppress(Exception):
            client.close()


@dataclass(frozen=True)
class _Live:
    """One opened generation; replaced as a whole, never mutated."""

    generation: str
    manifest: dict[str, Any]
    chunks: list[Chunk]
    by_id: dict[str, Chunk]
    documents: list[Document]
    vectors: np.ndarray  # rows in the order of ``stored_ids``
    stored_ids: tuple[str, ...]


class VectorIndex:
    """Chunks, documents and their vectors in Chroma; built on first use, repaired when damaged."""

    max_chars = DEFAULT_MAX_CHARS
    follow_interval = 2.0  # seconds between checks for a generation swapped in elsewhere

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.root = settings.index_dir
        self.layout = IndexLayout(self.root)
        self._live: _Live | None = None
        self._status: IndexStatus | None = None
        self.notices: list[str] = []  # what opening the index skipped, each said once
        self._lock = threading.RLock()  # guards _live and every Chroma call on it
        self._build_lock = threading.Lock()
        self._next_follow = 0.0

    @classmethod
    def open(
        cls, settings: Settings, embedder: Embedder, *, progress: Progress | None = None
    ) -> VectorIndex:
        """Open the index, building or repairing it from the corpus when needed."""
        index = cls(settings, embedder)
        index.build(progress=progress)
        return index

    # -- public reads ---------------------------------------------------------------------
    @property
    def chunks(self) -> list[Chunk]:
        return self._require_live().chunks

    @property
    def documents(self) -> list[Document]:
        return self._require_live().documents

    @property
    def generation(self) -> str:
        """Id of the generation in use; changes whenever the chunks may have changed."""
        return self._require_live().generation

    def chunk(self, chunk_id: str) -> Chunk:
        """The chunk with this id; KeyError if unknown."""
        return self._require_live().by_id[chunk_id]

    def status(self) -> IndexStatus:
        if self._status is None:
            raise IndexError_(
                "The index is not open yet: use VectorIndex.open(settings, embedder)."
            )
        return self._status

    def dense_search(self, vector: Sequence[float], n: int) -> list[tuple[str, float]]:
        """Top ``n`` (chunk_id, cosine) pairs, best first; ties broken by chunk id. Exact."""
        with self._lock:
            self._follow_current()
            live = self._require_live()
        count, dim = live.vectors.shape
        if min(n, count) <= 0:
            return []
        if len(vector) != dim:
            raise IndexError_(
                f"The query vector has {len(vector)} dimensions but the index has {dim}: "
                "query with the embedder the index was built with."
            )
        scores = live.vectors @ np.asarray(vector, dtype=np.float32)
        pairs = [(cid, float(score)) for cid, score in zip(live.stored_ids, scores, strict=True)]
        pairs.sort(key=lambda p: (-p[1], p[0]))
        return pairs[:n]

    def _follow_current(self, force: bool = False) -> _Live | None:
        """Switch to the generation another process (e.g. `prodai index`) made current."""
        now = time.monotonic()
        if not force and now < self._next_follow:
            return None
        self._next_follow = now + self.follow_interval
        live, name = self._live, self.layout.read_current()
        if live is None or not name or name == live.generation:
            return None
        fresh = self._open_generation(name)
        if fresh is not None:
            self._live = fresh
        return fresh

    def close(self) -> None:
        """Drop the generation in use; the object is unusable afterwards."""
        with self._lock:
            self._live = None

    def __enter__(self) -> VectorIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require_live(self) -> _Live:
        live = self._live
        if live is None:
            raise IndexError_("The index is not open: use VectorIndex.open(settings, embedder).")
        return live

    # -- building -------------------------------------------------------------------------
    def build(self, *, rebuild: bool = False, progress: Progress | None = None) -> IndexStatus:
        """Bring the index in line with the corpus; embeds only new or changed chunks."""
        with self._build_lock:
            target = load_target(self.settings.corpus_dir, self.max_chars)
            current, damaged = self._open_current()
            if not rebuild and self._matches(current, target):
                return self._serve_unchanged(current, target, rebuilt=False)
            with self.layout.lock():
                if not rebuild:  # another process may have done this very build meanwhile
                    # what counts is CURRENT now: a generation seen damaged before the lock may
                    # have been another build's, replaced and deleted while we were reading it
                    current, damaged = self._open_current(current)
                    if self._matches(current, target):
                        return self._serve_unchanged(current, target, rebuilt=damaged)
                self.layout.remove_generations(keep=current.generation if current else None)
                fresh, embedded = self._write_generation(
                    target, None if rebuild else current, progress
                )
                self.layout.write_current(fresh.generation)
                self._adopt(fresh)
                self.layout.remove_generations(keep=fresh.generation)
            removed = len(set(current.by_id) - set(fresh.by_id)) if current else 0
            return self._record(target, fresh.manifest, embedded, removed, rebuilt=damaged)

    def _serve_unchanged(self, current: _Live | None, target: Target, rebuilt: bool) -> IndexStatus:
        assert current is not None  # _matches(None, ...) is False
        self._adopt(replace(current, chunks=target.chunks, documents=target.documents))
        self._tidy(keep=current.generation)
        return self._record(target, current.manifest, 0, 0, rebuilt=rebuilt)

    def _tidy(self, keep: str) -> None:
        """Remove a killed build's leftovers; skipped while another build runs or, said once,
        when the folder is read-only (the intact index is served all the same)."""
        if not self.layout.writable():
            notice = READ_ONLY_NOTICE.format(path=str(self.root))
            if notice not in self.notices:
                self.notices.append(notice)
            return
        with self.layout.lock(wait=False) as locked:
            if locked:
                self.layout.remove_generations(keep=keep)

    def _matches(self, live: _Live | None, target: Target) -> bool:
        return live is not None and manifest_matches(
            live.manifest, target, embedder=self.embedder.name, max_chars=self.max_chars
        )

    def _adopt(self, live: _Live) -> None:
        """Serve ``live`` from now on."""
        with self._lock:
            self._live = live

    def _record(
        self, target: Target, manifest: dict[str, Any], embedded: int, removed: int, rebuilt: bool
    ) -> IndexStatus:
        self._status = IndexStatus(
            documents=len(target.documents),
            chunks=len(target.chunks),
            corpus_hash=target.corpus_hash,
            embedder=self.embedder.name,
            built_at=manifest["built_at"],
            embedded=embedded,
            removed=removed,
            rebuilt=rebuilt,
            path=str(self.root),
        )
        return self._status

    # -- reading generations ----------------------------------------------------------------
    def _open_current(self, known: _Live | None = None) -> tuple[_Live | None, bool]:
        """The generation CURRENT names, opened and checked; and whether a damaged one was found.

        ``known`` is a generation already opened by this call chain; it is reused or closed.
        """
        name = self.layout.read_current()
        keep = next(
            (x for x in (self._live, known) if x is not None and x.generation == name), None
        )
        if keep is not None:
            return keep, False
        if name is None:  # a complete generation without CURRENT means CURRENT was lost
            return None, self.layout.has_complete_generation()
        opened = self._open_generation(name) if name else None
        return opened, opened is None

    def _open_generation(self, name: str) -> _Live | None:
        """Open and verify one generation's files (vectors checked by hash); None if damaged."""
        files = self.layout.read_generation(name)
        store = self.layout.generation_dir(name) / "chroma" / STORE_FILE
        if files is None or not sqlite_file_intact(store):  # the store of record, not opened
            return None
        return _live(name, files)

    # -- writing generations ----------------------------------------------------------------
    def _write_generation(
        self, target: Target, base: _Live | None, progress: Progress | None
    ) -> tuple[_Live, int]:
        """Write a complete new generation aside; returns it and how many chunks were embedded."""
        name, path = self.layout.create_generation()
        try:
            vectors = self._reuse(base, target.chunks)
            todo = [c for c in target.chunks if c.chunk_id not in vectors]
            batch = self.settings.embedding.batch_size
            vectors.update(embed_chunks(self.embedder, todo, batch, progress))
            return self._store(name, target, vectors, embedded=len(todo)), len(todo)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise

    def _reuse(self, base: _Live | None, chunks: list[Chunk]) -> dict[str, list[float]]:
        """Vectors of chunks whose content hash is unchanged, from the verified current matrix."""
        if base is None or base.manifest.get("embedder") != self.embedder.name:
            return {}
        old = base.manifest.get("chunks", {})
        keep = {c.chunk_id for c in chunks if old.get(c.chunk_id) == c.content_hash}
        return {
            cid: [float(x) for x in row]
            for cid, row in zip(base.stored_ids, base.vectors, strict=True)
            if cid in keep
        }

    def _store(
        self, name: str, target: Target, vectors: dict[str, list[float]], embedded: int
    ) -> _Live:
        """Fill the generation's Chroma store, then its files (the manifest marks it done)."""
        matrix = np.array([vectors[c.chunk_id] for c in target.chunks], dtype=np.float32)
        matrix = matrix.reshape(len(target.chunks), -1)
        manifest = new_manifest(
            name,
            target,
            embedder=self.embedder.name,
            dimension=int(matrix.shape[1]),
            max_chars=self.max_chars,
            embedded=embedded,
            vectors_sha256=vectors_digest(matrix),
        )
        files = GenerationFiles(manifest, target.chunks, target.documents, matrix)
        lease = None
        try:
            lease = _lease(self.layout.generation_dir(name) / "chroma")
            collection = lease.client.create_collection(
                COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            _add(lease.client, collection, target.chunks, vectors)
            _verify(collection, len(target.chunks), files.manifest["dimension"])
            self.layout.write_files(name, files)
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit, ProdAIError)):
                raise
            # chromadb's Rust core raises pyo3 PanicException, a BaseException, on a bad store
            raise self.layout.write_error(exc) from exc
        finally:
            if lease is not None:
                _release(lease)
        return _live(name, files)


def _live(name: str, files: GenerationFiles) -> _Live:
    by_id = {c.chunk_id: c for c in files.chunks}
    ids = tuple(c.chunk_id for c in files.chunks)
    return _Live(name, files.manifest, files.chunks, by_id, files.documents, files.vectors, ids)


def _persistent_client(path: str) -> Any:
    try:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
    except ImportError as exc:
        raise IndexError_("chromadb is not installed: run `pip install chromadb`.") from exc
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        return chromadb.PersistentClient(path=path, settings=settings)
    except Exception:
        # chromadb caches a half-started system for a path whose open failed (e.g. while the
        # folder was read-only) and fails once more on it before dropping it: try once again.
        return chromadb.PersistentClient(path=path, settings=settings)


def _verify(collection: Any, expected: int, dimension: Any) -> None:
    """Raise if the store does not hold ``expected`` searchable vectors of ``dimension``."""
    if collection.count() != expected:
        raise IndexCorruptError(f"expected {expected} vectors, found {collection.count()}")
    if expected:
        sample = collection.get(limit=1, include=["embeddings"])["embeddings"][0]
        if len(sample) != dimension:
            raise IndexCorruptError(f"vector size {len(sample)} != {dimension}")
        collection.query(query_embeddings=[list(sample)], n_results=1)


def _add(
    client: Any, collection: Any, chunks: list[Chunk], vectors: dict[str, list[float]]
) -> None:
    size = max(1, int(client.get_max_batch_size()))
    for start in range(0, len(chunks), size):
        batch = chunks[start : start + size]
        collection.add(
            ids=[c.chunk_id for c in batch],
            embeddings=[vectors[c.chunk_id] for c in batch],
            documents=[c.text for c in batch],
            metadatas=[
                {
                    "doc_id": c.doc_id,
                    "section": c.section,
                    "audience": c.audience,
                    "topic": c.topic,
                    "ordinal": c.ordinal,
                    "content_hash": c.content_hash,
                }
                for c in batch
            ],
        )


__all__ = [
    "COLLECTION",
    "READ_ONLY_NOTICE",
    "SCHEMA_VERSION",
    "Progress",
    "VectorIndex",
    "embedding_text",
]
