from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from prodai_assistant.chunking import chunk_documents
from prodai_assistant.config import EmbeddingSettings, Settings
from prodai_assistant.corpus import load_corpus
from prodai_assistant.errors import CorpusError, IndexError_
from prodai_assistant.index import VectorIndex, embedding_text
from prodai_assistant.models import Chunk
from prodai_assistant.testing import FakeEmbedder

MINI = Path(__file__).parent / "fixtures" / "mini_corpus"
REPO = Path(__file__).resolve().parent.parent


class FailingEmbedder(FakeEmbedder):
    """A FakeEmbedder (same name, same vectors) that raises once it has embedded ``limit`` texts."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.texts_embedded + len(texts) > self.limit:
            raise RuntimeError("embedder died mid-build")
        return super().embed_documents(texts)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    embedding = EmbeddingSettings(batch_size=4)
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "data", embedding=embedding)


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def index(settings: Settings, embedder: FakeEmbedder) -> Iterator[VectorIndex]:
    with VectorIndex.open(settings, embedder) as opened:
        yield opened


def current(settings: Settings) -> str:
    return (settings.index_dir / "CURRENT").read_text().strip()


def generations(settings: Settings) -> list[str]:
    return sorted(p.name for p in (settings.index_dir / "generations").iterdir())


def edit(settings: Settings, name: str, old: str, new: str) -> None:
    path = settings.corpus_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def expected_chunks(settings: Settings) -> list[Chunk]:
    return chunk_documents(load_corpus(settings.corpus_dir))


# -- first build and layout ---------------------------------------------------------------
def test_first_open_builds_everything(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    status = index.status()
    chunks = expected_chunks(settings)
    assert status.embedded == len(chunks) == embedder.texts_embedded == status.chunks
    assert (status.documents, status.removed, status.rebuilt) == (4, 0, False)
    assert status.embedder == embedder.name
    assert index.chunks == chunks
    assert [d.doc_id for d in index.documents] == [d.doc_id for d in load_corpus(MINI)]


def test_layout_is_current_plus_one_complete_generation(
    index: VectorIndex, settings: Settings
) -> None:
    assert generations(settings) == [current(settings)] == [index.generation]
    folder = settings.index_dir / "generations" / current(settings)
    assert (folder / "chroma" / "chroma.sqlite3").is_file()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["embedder"] == index.embedder.name
    assert manifest["corpus_hash"] == index.status().corpus_hash
    assert manifest["chunks"] == {c.chunk_id: c.content_hash for c in index.chunks}
    saved = json.loads((folder / "chunks.json").read_text())
    assert [c["chunk_id"] for c in saved] == [c.chunk_id for c in index.chunks]


def test_progress_reports_each_embedding_batch(settings: Settings, embedder: FakeEmbedder) -> None:
    calls: list[tuple[str, int, int]] = []
    with VectorIndex.open(settings, embedder, progress=lambda *a: calls.append(a)):
        pass
    total = len(expected_chunks(settings))
    assert calls[0] == ("embed", 0, total) and calls[-1] == ("embed", total, total)
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    assert len(calls) == 1 + -(-total // 4)  # batch_size 4


def test_embedded_text_carries_title_and_section(index: VectorIndex) -> None:
    chunk = index.chunk("money-view#questions-finance-should-ask")
    assert embedding_text(chunk).startswith("The Money View. Questions finance should ask. - Which")
    intro = index.chunk("alpha-basics#alpha-basics")
    assert embedding_text(intro).startswith("Alpha Basics. A short introduction")


# -- incremental --------------------------------------------------------------------------
def test_unchanged_corpus_embeds_nothing_and_is_fast(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    before, generation = embedder.texts_embedded, index.generation
    index.close()
    started = time.perf_counter()
    with VectorIndex.open(settings, embedder) as again:
        elapsed = time.perf_counter() - started
        assert again.status().embedded == 0 and again.generation == generation
    assert embedder.texts_embedded == before
    assert elapsed < 2.0, f"no-op re-index took {elapsed:.2f}s"


def test_changing_one_section_embeds_exactly_that_chunk(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    old = index.generation
    edit(settings, "tech-view.md", "grows interest", "compounds quietly")
    before = embedder.texts_embedded
    status = index.build()
    assert (status.embedded, status.removed) == (1, 0)
    assert embedder.texts_embedded - before == 1
    assert index.generation != old and generations(settings) == [index.generation]
    assert "compounds quietly" in index.chunk("tech-view#technical-debt").text
    hits = index.dense_search(embedder.embed_query("Technical debt: compounds quietly"), 1)
    assert hits[0][0] == "tech-view#technical-debt"


def test_deleting_a_file_removes_its_chunks(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    gone = [c.chunk_id for c in index.chunks if c.doc_id == "money-view"]
    (settings.corpus_dir / "money-view.md").unlink()
    before = embedder.texts_embedded
    status = index.build()
    assert (status.removed, status.embedded, embedder.texts_embedded - before) == (len(gone), 0, 0)
    for chunk_id in gone:
        with pytest.raises(KeyError):
            index.chunk(chunk_id)
    found = {cid for cid, _ in index.dense_search(embedder.embed_query("finance ledger"), 50)}
    assert found == {c.chunk_id for c in index.chunks}


def test_adding_a_file_embeds_only_its_chunks(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    text = (settings.corpus_dir / "tech-view.md").read_text().replace("id: tech-view", "id: extra")
    (settings.corpus_dir / "extra.md").write_text(text, encoding="utf-8")
    status = index.build()
    assert status.embedded == len([c for c in index.chunks if c.doc_id == "extra"]) == 2


def test_concurrent_builders_embed_a_change_once(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    index.close()
    edit(settings, "tech-view.md", "grows interest", "compounds quietly")
    before = embedder.texts_embedded
    builders = [VectorIndex(settings, embedder) for _ in range(3)]  # like three processes
    threads = [threading.Thread(target=b.build) for b in builders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert embedder.texts_embedded - before == 1
    assert sorted(b.status().embedded for b in builders) == [0, 0, 1]
    assert {b.generation for b in builders} == {current(settings)}
    for b in builders:
        b.close()


def in_threads(count: int, work: Callable[[int], VectorIndex]) -> list[VectorIndex]:
    """Run ``work(i)`` in ``count`` threads released together; re-raise the first error."""
    gate, results, errors = threading.Barrier(count), [], []

    def run(i: int) -> None:
        try:
            gate.wait()
            results.append(work(i))
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def test_closing_one_index_leaves_others_on_the_same_folder_working(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    query = embedder.embed_query("uptime pipelines")
    with VectorIndex.open(settings, embedder) as other:  # same generation, same process
        assert other.generation == index.generation
    assert index.dense_search(query, 3)
    edit(settings, "tech-view.md", "grows interest", "compounds quietly")
    before = embedder.texts_embedded
    assert index.build().embedded == 1 == embedder.texts_embedded - before


def test_indexes_opened_and_closed_at_once_reuse_the_store(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    index.close()  # nothing holds the folder open: the threads start on a cold store
    before, query = embedder.texts_embedded, embedder.embed_query("uptime pipelines")
    previous: list[VectorIndex] = []
    for _ in range(10):  # each round closes the last round's indexes while opening new ones

        def reopen(i: int, old: list[VectorIndex] = previous) -> VectorIndex:
            if i < len(old):
                old[i].close()
            return VectorIndex.open(settings, embedder)

        previous = in_threads(6, reopen)
        assert [(o.status().embedded, o.status().rebuilt) for o in previous] == [(0, False)] * 6
        assert all(o.dense_search(query, 2) for o in previous)
    for opened in previous:
        opened.close()
    assert embedder.texts_embedded == before


def test_rebuild_embeds_everything_again(index: VectorIndex, embedder: FakeEmbedder) -> None:
    status = index.build(rebuild=True)
    assert status.embedded == len(index.chunks) and not status.rebuilt


def test_another_embedder_reembeds_everything(index: VectorIndex, settings: Settings) -> None:
    index.close()
    other = FakeEmbedder(dim=64)
    with VectorIndex.open(settings, other) as again:
        assert again.status().embedded == len(again.chunks) == other.texts_embedded


# -- damage -------------------------------------------------------------------------------
def _garbage_current(s: Settings) -> None:
    (s.index_dir / "CURRENT").write_text("../../etc\n")


def _missing_generation(s: Settings) -> None:
    (s.index_dir / "CURRENT").write_text("20000101T000000-deadbeef\n")


def _no_current(s: Settings) -> None:
    (s.index_dir / "CURRENT").unlink()


def _no_manifest(s: Settings) -> None:
    (s.index_dir / "generations" / current(s) / "manifest.json").unlink()


def _bad_chunks_json(s: Settings) -> None:
    (s.index_dir / "generations" / current(s) / "chunks.json").write_text("[{")


def _no_chroma(s: Settings) -> None:
    shutil.rmtree(s.index_dir / "generations" / current(s) / "chroma")


def _no_sqlite(s: Settings) -> None:
    (s.index_dir / "generations" / current(s) / "chroma" / "chroma.sqlite3").unlink()


@pytest.mark.parametrize(
    "damage",
    [
        _garbage_current,
        _missing_generation,
        _no_current,
        _no_manifest,
        _bad_chunks_json,
        _no_chroma,
        _no_sqlite,
    ],
)
def test_damaged_index_is_rebuilt_and_says_so(
    index: VectorIndex,
    settings: Settings,
    embedder: FakeEmbedder,
    damage: Callable[[Settings], None],
) -> None:
    index.close()
    damage(settings)
    before = embedder.texts_embedded
    with VectorIndex.open(settings, embedder) as repaired:
        status = repaired.status()
        assert status.rebuilt and status.embedded == len(repaired.chunks)
        assert embedder.texts_embedded - before == len(repaired.chunks)
        assert repaired.dense_search(embedder.embed_query("uptime"), 3)
        assert generations(settings) == [current(settings)]
    with VectorIndex.open(settings, embedder) as again:  # and it stays repaired
        assert not again.status().rebuilt and again.status().embedded == 0


def test_vector_count_mismatch_is_damage(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    matrix = settings.index_dir / "generations" / current(settings) / "vectors.npy"
    np.save(matrix, np.load(matrix)[:-1])  # one vector lost
    index.close()
    with VectorIndex.open(settings, embedder) as repaired:
        assert repaired.status().rebuilt
        assert repaired.chunk("tech-view#technical-debt")


def test_fresh_data_dir_is_not_reported_as_rebuilt(index: VectorIndex) -> None:
    assert not index.status().rebuilt


# -- interrupted builds -------------------------------------------------------------------
def test_failed_build_keeps_the_old_generation_serving(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    old, old_text = index.generation, index.chunk("tech-view#technical-debt").text
    edit(settings, "tech-view.md", "grows interest", "compounds quietly")
    edit(settings, "alpha-basics.md", "keeps\nworking", "keeps on\nworking")
    with pytest.raises(RuntimeError, match="died mid-build"):
        VectorIndex.open(settings, FailingEmbedder(limit=1))
    assert current(settings) == old and generations(settings) == [old]
    assert index.chunk("tech-view#technical-debt").text == old_text
    assert index.dense_search(embedder.embed_query("technical debt"), 2)
    before = embedder.texts_embedded
    with VectorIndex.open(settings, embedder) as finished:
        assert finished.status().embedded == 2 == embedder.texts_embedded - before
        assert "compounds quietly" in finished.chunk("tech-view#technical-debt").text


KILLED_BUILD = """
import os, sys
from pathlib import Path
from prodai_assistant.config import EmbeddingSettings, Settings
from prodai_assistant.index import VectorIndex
from prodai_assistant.testing import FakeEmbedder

class Dies(FakeEmbedder):
    def embed_documents(self, texts):
        os._exit(9)  # like kill -9 in the middle of embedding: no cleanup runs

settings = Settings(corpus_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2]))
VectorIndex(settings, Dies()).build(rebuild=True)
"""


def test_killed_build_leaves_old_index_and_next_build_finishes(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    old = index.generation
    edit(settings, "tech-view.md", "grows interest", "compounds quietly")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-c", textwrap.dedent(KILLED_BUILD)]
    done = subprocess.run(
        [*args, str(settings.corpus_dir), str(settings.data_dir)], env=env, timeout=120
    )
    assert done.returncode == 9
    assert current(settings) == old and len(generations(settings)) == 2  # a partial one is left
    assert index.dense_search(embedder.embed_query("technical debt"), 1)
    with VectorIndex.open(settings, embedder) as finished:
        assert finished.status().embedded == 1 and not finished.status().rebuilt
        assert generations(settings) == [finished.generation]


def test_leftover_partial_generation_is_cleaned_by_a_noop_build(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    partial = settings.index_dir / "generations" / "20000101T000000-0000abcd"
    (partial / "chroma").mkdir(parents=True)
    index.build()
    assert generations(settings) == [index.generation]


# -- unusable data dir --------------------------------------------------------------------
def test_data_dir_that_cannot_be_created_names_path_and_setting(
    tmp_path: Path, settings: Settings, embedder: FakeEmbedder
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    bad = settings.model_copy(update={"data_dir": blocker / "data"})
    with pytest.raises(IndexError_) as err:
        VectorIndex.open(bad, embedder)
    assert str(blocker / "data" / "index") in str(err.value)
    assert "PRODAI_DATA_DIR" in str(err.value)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_read_only_data_dir_names_path_and_setting(
    tmp_path: Path, settings: Settings, embedder: FakeEmbedder
) -> None:
    settings.data_dir.mkdir()
    settings.data_dir.chmod(0o500)
    try:
        with pytest.raises(IndexError_, match="PRODAI_DATA_DIR"):
            VectorIndex.open(settings, embedder)
    finally:
        settings.data_dir.chmod(0o700)


def test_missing_corpus_is_a_corpus_error(settings: Settings, embedder: FakeEmbedder) -> None:
    shutil.rmtree(settings.corpus_dir)
    with pytest.raises(CorpusError, match="PRODAI_CORPUS_DIR"):
        VectorIndex.open(settings, embedder)


def test_reads_before_open_say_how_to_open(settings: Settings, embedder: FakeEmbedder) -> None:
    unopened = VectorIndex(settings, embedder)
    for read in (unopened.status, lambda: unopened.chunks, lambda: unopened.dense_search([1.0], 1)):
        with pytest.raises(IndexError_, match="VectorIndex.open"):
            read()


# -- dense search -------------------------------------------------------------------------
def test_dense_search_returns_cosine_best_first(index: VectorIndex, embedder: FakeEmbedder) -> None:
    hits = index.dense_search(embedder.embed_query("finance ledger savings revenue"), 5)
    assert hits[0][0].startswith("money-view#")
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(-1.0 <= s <= 1.0001 for s in scores)


def test_dense_search_cosine_matches_the_vectors(
    index: VectorIndex, embedder: FakeEmbedder
) -> None:
    chunk = index.chunk("tech-view#architecture-and-uptime")
    (top_id, top_score), *_ = index.dense_search(embedder.embed_query(embedding_text(chunk)), 1)
    assert top_id == chunk.chunk_id and top_score == pytest.approx(1.0, abs=1e-5)


def test_dense_search_breaks_ties_by_chunk_id(settings: Settings, embedder: FakeEmbedder) -> None:
    for name in ("twin-b", "twin-a"):  # same title, section and text: identical vectors
        body = "---\nid: {}\ntitle: Twins\n---\n## Same\n\nIdentical twin text.\n"
        (settings.corpus_dir / f"{name}.md").write_text(body.format(name), encoding="utf-8")
    with VectorIndex.open(settings, embedder) as opened:
        hits = opened.dense_search(embedder.embed_query("Twins. Same. Identical twin text."), 2)
    assert [cid for cid, _ in hits] == ["twin-a#same", "twin-b#same"]
    assert hits[0][1] == hits[1][1]


@pytest.mark.parametrize(("n", "expected"), [(0, 0), (-1, 0), (3, 3), (500, 13)])
def test_dense_search_size(
    index: VectorIndex, embedder: FakeEmbedder, n: int, expected: int
) -> None:
    assert len(index.dense_search(embedder.embed_query("pipelines"), n)) == expected


def test_dense_search_rejects_a_vector_of_the_wrong_size(index: VectorIndex) -> None:
    with pytest.raises(IndexError_, match="3 dimensions but the index has 256"):
        index.dense_search([0.1, 0.2, 0.3], 2)


def test_dense_search_is_safe_from_many_threads(index: VectorIndex, embedder: FakeEmbedder) -> None:
    queries = [embedder.embed_query(q) for q in ("uptime", "ledger", "pilot", "notes", "debt")]
    expected = [index.dense_search(q, 5) for q in queries]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(20):
                for q, want in zip(queries, expected, strict=True):
                    assert index.dense_search(q, 5) == want
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_searches_keep_working_while_a_build_swaps_generations(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    query = embedder.embed_query("uptime pipelines")
    stop, errors = threading.Event(), []

    def searcher() -> None:
        while not stop.is_set():
            try:
                assert index.dense_search(query, 3)
            except BaseException as exc:  # collected and re-raised in the main thread
                errors.append(exc)
                return

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    for word in ("first", "second", "third"):
        edit(settings, "tech-view.md", "Engineering looks", f"Engineering ({word}) looks")
        index.build()
        edit(settings, "tech-view.md", f"Engineering ({word}) looks", "Engineering looks")
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert generations(settings) == [index.generation]


def test_an_open_index_follows_a_swap_made_elsewhere(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    index.follow_interval = 0.0
    with VectorIndex.open(settings, embedder) as other:
        edit(settings, "tech-view.md", "grows interest", "compounds quietly")
        other.build()  # e.g. `prodai index` while the app runs; deletes the old generation
        hits = index.dense_search(embedder.embed_query("technical debt compounds quietly"), 1)
        assert index.generation == other.generation
        assert hits[0][0] == "tech-view#technical-debt"
        assert "compounds quietly" in index.chunk("tech-view#technical-debt").text


def test_following_is_rate_limited(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder
) -> None:
    index.follow_interval = 3600.0
    index.dense_search(embedder.embed_query("uptime"), 1)
    old = index.generation
    with VectorIndex.open(settings, embedder) as other:
        edit(settings, "tech-view.md", "grows interest", "compounds quietly")
        other.build()
        assert index.dense_search(embedder.embed_query("uptime"), 1)
        assert index.generation == old


class FakePanic(BaseException):
    """Stands in for pyo3_runtime.PanicException: chromadb's Rust core raises a BaseException."""


def test_a_chroma_panic_while_writing_is_one_index_error_and_the_old_index_serves(
    index: VectorIndex, settings: Settings, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, defect 3: a panic inside chromadb used to escape `except Exception`."""
    import prodai_assistant.index as index_module

    old = index.generation
    edit(settings, "tech-view.md", "grows interest", "compounds quietly")

    def panic(*_: object, **__: object) -> None:
        raise FakePanic("called `Result::unwrap()` on an `Err` value")

    monkeypatch.setattr(index_module, "_add", panic)
    with pytest.raises(IndexError_, match="Cannot write the index"):
        index.build()
    assert index.generation == old and current(settings) == old
    assert index.dense_search(embedder.embed_query("technical debt"), 1)
    assert generations(settings) == [old]  # the half-written generation is gone
    monkeypatch.undo()
    assert index.build().embedded >= 1 and index.generation != old  # and the next build works
