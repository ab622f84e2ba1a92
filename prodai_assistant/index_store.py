"""On-disk layout of the index, without Chroma: CURRENT, generation folders, JSON files, lock.

Layout under the index folder::

    CURRENT                      name of the generation in use (replaced atomically)
    .build.lock                  serialises builds across processes (POSIX flock)
    generations/<id>/chroma/     the vector store of record (written by ``index.py``)
    generations/<id>/vectors.npy the same vectors as one float32 matrix, in chunks.json order:
                                 queries are served from it, so answering never opens Chroma
    generations/<id>/manifest.json, chunks.json, documents.json

``manifest.json`` is written last: a generation without it is incomplete. Serving reads only the
JSON files and vectors.npy; the Chroma store is checked by its SQLite header alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexError_
from .models import Chunk, Document

try:  # POSIX only; elsewhere concurrent builds from two processes are not serialised
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 2  # 2: vectors.npy beside the Chroma store
_GENERATION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]*$")
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Target:
    """What the index should hold: the corpus as it is on disk now."""

    documents: list[Document]
    chunks: list[Chunk]
    corpus_hash: str


@dataclass(frozen=True)
class GenerationFiles:
    """The JSON side of one generation: its manifest, chunks and documents."""

    manifest: dict[str, Any]
    chunks: list[Chunk]
    documents: list[Document]
    vectors: np.ndarray  # (len(chunks), dimension) float32, unit rows, in chunks order


def vectors_digest(matrix: np.ndarray) -> str:
    """SHA-256 of the matrix bytes: recorded in the manifest, checked when a generation opens."""
    return hashlib.sha256(np.ascontiguousarray(matrix, dtype=np.float32).tobytes()).hexdigest()


def chunk_hashes(chunks: Sequence[Chunk]) -> dict[str, str]:
    """Chunk id -> content hash: what decides whether a stored vector can be reused."""
    return {c.chunk_id: c.content_hash for c in chunks}


def new_manifest(
    name: str,
    target: Target,
    *,
    embedder: str,
    dimension: int,
    max_chars: int,
    embedded: int,
    vectors_sha256: str,
) -> dict[str, Any]:
    """The manifest of a generation about to be written for ``target``."""
    return {
        "schema": SCHEMA_VERSION,
        "generation": name,
        "embedder": embedder,
        "dimension": dimension,
        "corpus_hash": target.corpus_hash,
        "max_chars": max_chars,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": len(target.documents),
        "chunk_count": len(target.chunks),
        "embedded": embedded,
        "chunks": chunk_hashes(target.chunks),
        "vectors_sha256": vectors_sha256,
    }


def manifest_matches(
    manifest: dict[str, Any], target: Target, *, embedder: str, max_chars: int
) -> bool:
    """Whether a generation with ``manifest`` already holds exactly ``target``."""
    return (
        manifest.get("corpus_hash") == target.corpus_hash
        and manifest.get("embedder") == embedder
        and manifest.get("max_chars") == max_chars
        and manifest.get("chunks") == chunk_hashes(target.chunks)
    )


class IndexLayout:
    """The files under one index folder; every write error names the folder and the fix."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def generation_dir(self, name: str) -> Path:
        return self.root / "generations" / name

    def read_current(self) -> str | None:
        """None if there is no CURRENT file, '' if it is unreadable or names nothing valid."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            return ""
        return name if _GENERATION.match(name) else ""

    def write_current(self, name: str) -> None:
        try:
            atomic_write(self.root / "CURRENT", name + "\n")
        except OSError as exc:
            raise self.write_error(exc) from exc

    def has_complete_generation(self) -> bool:
        return any(self.root.glob("generations/*/manifest.json"))

    def writable(self) -> bool:
        """Whether this process may change the index folder (not a read-only folder or mount)."""
        return all(os.access(p, os.W_OK) for p in (self.root, self.root / "generations"))

    def create_generation(self) -> tuple[str, Path]:
        """A new, empty generation folder with a fresh time-ordered name."""
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
        path = self.generation_dir(name)
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise self.write_error(exc) from exc
        return name, path

    def read_generation(self, name: str) -> GenerationFiles | None:
        """The JSON files of one generation, checked; None if any is missing or damaged."""
        path = self.generation_dir(name)
        try:
            manifest = read_json(path / "manifest.json")
            chunks = [Chunk.model_validate(c) for c in read_json(path / "chunks.json")]
            documents = [Document.model_validate(d) for d in read_json(path / "documents.json")]
            if manifest.get("schema") != SCHEMA_VERSION:
                return None
            if manifest.get("chunks") != chunk_hashes(chunks):
                return None
            vectors = np.load(path / "vectors.npy", allow_pickle=False)
            if vectors.dtype != np.float32 or vectors.shape != (
                len(chunks),
                manifest.get("dimension"),
            ):
                return None
            if vectors_digest(vectors) != manifest.get("vectors_sha256"):
                return None
        except (OSError, EOFError, ValueError, TypeError, AttributeError):  # pydantic: ValueError
            return None
        return GenerationFiles(manifest, chunks, documents, vectors)

    def write_files(self, name: str, files: GenerationFiles) -> None:
        """Write the JSON files of a generation; the manifest last, as its completion mark."""
        path = self.generation_dir(name)
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(files.vectors, dtype=np.float32), allow_pickle=False)
        atomic_write_bytes(path / "vectors.npy", buffer.getvalue())
        write_json(path / "chunks.json", [c.model_dump(mode="json") for c in files.chunks])
        write_json(path / "documents.json", [d.model_dump(mode="json") for d in files.documents])
        write_json(path / "manifest.json", files.manifest)

    def remove_generations(self, keep: str | None) -> None:
        folder = self.root / "generations"
        if folder.is_dir():
            for path in folder.iterdir():
                if path.name != keep:
                    shutil.rmtree(path, ignore_errors=True)

    @contextlib.contextmanager
    def lock(self, wait: bool = True) -> Iterator[bool]:
        """Serialise builds across processes; yields False if ``wait`` is off and it is busy."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".build.lock", "a")  # noqa: SIM115 - held across yield
        except OSError as exc:
            if not wait:
                yield False
                return
            raise self.write_error(exc) from exc
        with handle:
            if fcntl is None:
                yield True
                return
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write_error(self, exc: BaseException) -> IndexError_:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else repr(exc)
        return IndexError_(
            f"Cannot write the index under {str(self.root)!r} ({reason}): make that folder "
            "writable and check there is free space, or set PRODAI_DATA_DIR to another folder."
        )


def sqlite_file_intact(path: Path) -> bool:
    """Whether ``path`` holds a whole SQLite database, judged by its header and size alone.

    Reads 100 bytes and never opens the database: a scrambled file fails the magic string and
    page size, a truncated one holds fewer pages than its header counts.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1) or size % page_size:
        return False
    counted = header[24:28] == header[92:96]  # the header's page count is current
    return not counted or size >= int.from_bytes(header[28:32], "big") * page_size


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))


def atomic_write(path: Path, text: str) -> None:
    """Write via a temp file and os.replace, so readers see the old or the new file, never half."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """``atomic_write`` for bytes."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = [
    "SCHEMA_VERSION",
    "GenerationFiles",
    "IndexLayout",
    "Target",
    "atomic_write",
    "atomic_write_bytes",
    "chunk_hashes",
    "manifest_matches",
    "new_manifest",
    "read_json",
    "sqlite_file_intact",
    "vectors_digest",
    "write_json",
]
