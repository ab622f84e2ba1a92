"""index_store: CURRENT, generation folders, JSON files, the build lock, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from prodai_assistant.chunking import chunk_documents
from prodai_assistant.corpus import corpus_hash, load_corpus
from prodai_assistant.errors import IndexError_
from prodai_assistant.index_store import (
    SCHEMA_VERSION,
    GenerationFiles,
    IndexLayout,
    Target,
    atomic_write,
    manifest_matches,
    new_manifest,
    vectors_digest,
)

MINI = Path(__file__).parent / "fixtures" / "mini_corpus"


@pytest.fixture(scope="module")
def target() -> Target:
    documents = load_corpus(MINI)
    return Target(documents, chunk_documents(documents), corpus_hash(documents))


@pytest.fixture
def layout(tmp_path: Path) -> IndexLayout:
    return IndexLayout(tmp_path / "index")


def vectors(target: Target) -> np.ndarray:
    """Unit rows, one per chunk: stand-ins for embeddings."""
    matrix = np.eye(len(target.chunks), 8, dtype=np.float32)
    matrix[:, 0] += 1.0
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def manifest(target: Target, name: str = "g1", **update: Any) -> dict[str, Any]:
    made = new_manifest(
        name,
        target,
        embedder="fake",
        dimension=8,
        max_chars=1500,
        embedded=3,
        vectors_sha256=vectors_digest(vectors(target)),
    )
    return {**made, **update}


def written(layout: IndexLayout, target: Target, **update: Any) -> str:
    """A generation with complete files; returns its name."""
    name, _ = layout.create_generation()
    made = manifest(target, name, **update)
    files = GenerationFiles(made, target.chunks, target.documents, vectors(target))
    layout.write_files(name, files)
    return name


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, None),
        (b"20250101T000000-abcd1234\n", "20250101T000000-abcd1234"),
        (b"  spaced-name  \n", "spaced-name"),
        (b"../../etc\n", ""),
        (b"-leading-dash\n", ""),
        (b"", ""),
        (b"\xff\xfe\x00", ""),
    ],
)
def test_read_current(layout: IndexLayout, content: bytes | None, expected: str | None) -> None:
    if content is not None:
        layout.root.mkdir(parents=True)
        (layout.root / "CURRENT").write_bytes(content)
    assert layout.read_current() == expected


def test_write_current_round_trips(layout: IndexLayout) -> None:
    layout.root.mkdir(parents=True)
    layout.write_current("g-2")
    assert layout.read_current() == "g-2"


def test_atomic_write_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "file.json"
    atomic_write(path, "old")
    atomic_write(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["file.json"]


def test_atomic_write_into_a_missing_folder_raises_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        atomic_write(tmp_path / "absent" / "file.json", "x")
    assert list(tmp_path.iterdir()) == []


def test_generation_files_round_trip(layout: IndexLayout, target: Target) -> None:
    name = written(layout, target)
    files = layout.read_generation(name)
    assert files is not None
    assert (files.chunks, files.documents) == (target.chunks, target.documents)
    assert files.manifest["schema"] == SCHEMA_VERSION and files.manifest["generation"] == name
    assert np.array_equal(files.vectors, vectors(target)) and files.vectors.dtype == np.float32
    assert layout.has_complete_generation()


@pytest.mark.parametrize(
    "damage",
    ["flipped", "truncated", "missing", "wrong-shape", "pickled"],
)
def test_a_generation_with_damaged_vectors_is_unreadable(
    layout: IndexLayout, target: Target, damage: str
) -> None:
    name = written(layout, target)
    path = layout.generation_dir(name) / "vectors.npy"
    data = bytearray(path.read_bytes())
    if damage == "flipped":  # one weight changed: only the manifest's hash notices
        data[-3] ^= 0x40
        path.write_bytes(bytes(data))
    elif damage == "truncated":
        path.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "missing":
        path.unlink()
    elif damage == "wrong-shape":
        np.save(path, vectors(target)[:-1])
    else:
        np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert layout.read_generation(name) is None


@pytest.mark.parametrize(
    "damage",
    [
        {"schema": SCHEMA_VERSION + 1},
        {"chunks": {"someone#else": "0"}},
    ],
    ids=["other-schema", "chunk-hashes-disagree"],
)
def test_a_generation_whose_manifest_disagrees_is_unreadable(
    layout: IndexLayout, target: Target, damage: dict[str, Any]
) -> None:
    assert layout.read_generation(written(layout, target, **damage)) is None


@pytest.mark.parametrize("broken", ["manifest.json", "chunks.json", "documents.json"])
def test_a_generation_with_a_missing_or_bad_file_is_unreadable(
    layout: IndexLayout, target: Target, broken: str
) -> None:
    name = written(layout, target)
    (layout.generation_dir(name) / broken).write_text('{"not": "a list"', encoding="utf-8")
    assert layout.read_generation(name) is None
    (layout.generation_dir(name) / broken).unlink()
    assert layout.read_generation(name) is None


def test_manifest_is_complete_and_matches_its_target(target: Target) -> None:
    made = manifest(target)
    assert made["chunk_count"] == len(target.chunks) and made["documents"] == len(target.documents)
    assert json.loads(json.dumps(made)) == made  # plain JSON
    assert manifest_matches(made, target, embedder="fake", max_chars=1500)


@pytest.mark.parametrize(
    ("update", "embedder", "max_chars"),
    [
        ({"corpus_hash": "other"}, "fake", 1500),
        ({"chunks": {}}, "fake", 1500),
        ({}, "another-embedder", 1500),
        ({}, "fake", 900),
    ],
)
def test_manifest_mismatch(
    target: Target, update: dict[str, Any], embedder: str, max_chars: int
) -> None:
    made = manifest(target, **update)
    assert not manifest_matches(made, target, embedder=embedder, max_chars=max_chars)


def test_remove_generations_keeps_only_the_named_one(layout: IndexLayout, target: Target) -> None:
    keep = written(layout, target)
    written(layout, target)
    layout.remove_generations(keep)
    assert [p.name for p in (layout.root / "generations").iterdir()] == [keep]
    layout.remove_generations(None)
    assert not layout.has_complete_generation()


def test_the_lock_is_exclusive_and_a_non_waiting_try_says_busy(layout: IndexLayout) -> None:
    with layout.lock() as held:
        assert held
        with layout.lock(wait=False) as second:
            assert not second
    with layout.lock(wait=False) as free:
        assert free


def test_write_errors_name_the_folder_and_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    layout = IndexLayout(blocker / "index")
    with pytest.raises(IndexError_) as err:
        layout.create_generation()
    assert repr(str(blocker / "index")) in str(err.value)
    assert "PRODAI_DATA_DIR" in str(err.value)
    with layout.lock(wait=False) as locked:  # a cleanup attempt never raises
        assert not locked
