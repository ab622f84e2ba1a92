from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prodai_assistant.config import RetrievalSettings, Settings
from prodai_assistant.index import VectorIndex
from prodai_assistant.models import Chunk
from prodai_assistant.retrieval import (
    BM25,
    Retriever,
    audience_boost,
    evidence_strength,
    fuse,
    ranked,
    route_boost,
    rrf_fuse,
    stem,
    terms,
)
from prodai_assistant.testing import FakeEmbedder

MINI = Path(__file__).parent / "fixtures" / "mini_corpus"
REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def chunk(cid: str, audience: str = "all", text: str = "text") -> Chunk:
    doc_id, _, section = cid.partition("#")
    return Chunk(
        chunk_id=cid, doc_id=doc_id, title=doc_id, section=section, audience=audience, text=text
    )


class CountingEmbedder(FakeEmbedder):
    """FakeEmbedder that also counts query embeddings."""

    def __init__(self) -> None:
        super().__init__()
        self.queries = 0

    def embed_query(self, text: str) -> list[float]:
        self.queries += 1
        return super().embed_query(text)


# -- pure helpers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("hallmarks", "hallmark"),
        ("processes", "process"),
        ("process", "process"),
        ("boxes", "box"),
        ("policies", "policy"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("xops", "xop"),
        ("cfo", "cfo"),
        ("p&l", "p&l"),
        ("tier-1", "tier-1"),
        ("is", "is"),
        ("cfo's", "cfo"),
        ("board's", "board"),
    ],
)
def test_stem(token: str, expected: str) -> None:
    assert stem(token) == expected


def test_terms_drop_stopwords_and_fold_plurals() -> None:
    assert terms("What are the four hallmarks of the CFO's pilots?") == [
        "four",
        "hallmark",
        "cfo",
        "pilot",
    ]


def test_rrf_fuse_sums_reciprocal_ranks() -> None:
    fused = rrf_fuse([["a", "b"], ["b", "c"]], k=60)
    assert fused == {"a": 1 / 61, "b": 1 / 62 + 1 / 61, "c": 1 / 62}


@pytest.mark.parametrize(
    ("rankings", "k", "best"),
    [
        ([["a", "b", "c"], ["a", "c", "b"]], 60, "a"),
        ([["x"], ["y", "x"]], 1, "x"),
        ([["a", "b"], ["b", "a"]], 60, None),  # a perfect tie
        ([[], ["z"]], 60, "z"),
        ([], 60, None),
    ],
)
def test_rrf_fuse_table(rankings: list[list[str]], k: int, best: str | None) -> None:
    fused = rrf_fuse(rankings, k)
    top = [cid for cid, s in fused.items() if s == max(fused.values(), default=0)]
    assert (top[0] if len(top) == 1 else None) == best


def test_ranked_breaks_ties_by_id_and_cuts() -> None:
    assert ranked({"b": 1.0, "a": 1.0, "c": 2.0}) == [("c", 2.0), ("a", 1.0), ("b", 1.0)]
    assert ranked({"b": 1.0, "a": 1.0, "c": 2.0}, 2) == [("c", 2.0), ("a", 1.0)]


@pytest.mark.parametrize(
    ("audience", "boost", "boosted"),
    [
        (None, 0.35, set()),
        ("all", 0.35, set()),
        ("cfo", 0.0, set()),
        ("cfo", 0.35, {"f#1", "f#2"}),
        ("cto", 0.5, {"t#1"}),
        ("lob", 0.35, set()),
    ],
)
def test_audience_boost_table(audience, boost: float, boosted: set[str]) -> None:
    scores = {"f#1": 1.0, "f#2": 0.5, "t#1": 0.8, "g#1": 0.9}
    audiences = {"f#1": "cfo", "f#2": "cfo", "t#1": "cto", "g#1": "all"}
    out, marked = audience_boost(scores, audiences, audience, boost)
    assert marked == boosted and set(out) == set(scores)  # nothing hidden
    for cid, score in scores.items():
        assert out[cid] == pytest.approx(score * (1 + boost) if cid in boosted else score)


CHUNKS = {c.chunk_id: c for c in [chunk("a#1"), chunk("b#1", "cfo"), chunk("c#1"), chunk("d#1")]}


def test_fuse_exposes_both_rankings() -> None:
    out = fuse([("a#1", 5.0), ("b#1", 2.0)], [("b#1", 0.9), ("c#1", 0.4)], CHUNKS, k=5)
    assert [s.chunk.chunk_id for s in out] == ["b#1", "a#1", "c#1"]
    first = out[0]
    assert (first.bm25_score, first.bm25_rank, first.dense_score, first.dense_rank) == (
        2.0,
        2,
        0.9,
        1,
    )
    assert first.score == pytest.approx(1 / 62 + 1 / 61)
    assert (out[2].bm25_score, out[2].bm25_rank) == (None, None)
    assert [s.rank for s in out] == [1, 2, 3]


def test_fuse_ties_are_broken_by_chunk_id() -> None:
    out = fuse([("c#1", 1.0)], [("a#1", 0.5)], CHUNKS, k=5)
    assert [s.chunk.chunk_id for s in out] == ["a#1", "c#1"]


def test_fuse_audience_lens_lifts_without_hiding() -> None:
    keyword = [("a#1", 3.0), ("c#1", 2.0), ("b#1", 1.0)]
    dense = [("a#1", 0.9), ("c#1", 0.8), ("b#1", 0.7)]
    plain = fuse(keyword, dense, CHUNKS, k=5)
    lensed = fuse(keyword, dense, CHUNKS, k=5, audience="cfo", boost=0.35)
    assert [s.chunk.chunk_id for s in plain] == ["a#1", "c#1", "b#1"]
    assert [s.chunk.chunk_id for s in lensed] == ["b#1", "a#1", "c#1"]
    assert [s.boosted for s in lensed] == [True, False, False]


def test_fuse_skips_unknown_ids_and_respects_k() -> None:
    out = fuse([("zz#9", 9.0), ("a#1", 1.0)], [("c#1", 0.5), ("d#1", 0.4)], CHUNKS, k=2)
    assert [s.chunk.chunk_id for s in out] == ["a#1", "c#1"]


def test_fuse_appends_pinned_sections_after_the_top_k() -> None:
    keyword = [("a#1", 3.0), ("c#1", 2.0), ("b#1", 1.0)]
    dense = [("a#1", 0.9), ("c#1", 0.8), ("b#1", 0.7)]
    pins = {"b#1": "focus:x", "d#1": "intent:y", "a#1": "lens:cfo", "zz#9": "intent:y"}
    out = fuse(keyword, dense, CHUNKS, k=2, pinned=pins)
    assert [s.chunk.chunk_id for s in out] == ["a#1", "c#1", "b#1", "d#1"]
    assert [s.rank for s in out] == [1, 2, 3, 4]
    assert [s.pinned for s in out] == [False, False, True, True]
    assert [s.pinned_by for s in out] == ["lens:cfo", None, "focus:x", "intent:y"]
    assert out[2].score == pytest.approx(2 / 63) and out[2].bm25_rank == 3  # its fused score
    assert (out[3].score, out[3].bm25_score, out[3].dense_score) == (0.0, None, None)


def test_swapped_ranks_tie_and_the_stronger_evidence_wins() -> None:
    # a is first for BM25 by a wide margin, c first for dense by a hair: RRF ties them.
    keyword = [("c#1", 10.0), ("a#1", 2.0)]
    dense = [("a#1", 0.80), ("c#1", 0.79)]
    out = fuse(keyword, dense, CHUNKS, k=2)
    assert out[0].score == out[1].score
    assert [s.chunk.chunk_id for s in out] == ["c#1", "a#1"]  # 1.0 + 0.9875 > 0.2 + 1.0


@pytest.mark.parametrize(
    ("keyword", "dense", "expected"),
    [
        ([("a#1", 4.0), ("b#1", 2.0)], [], {"a#1": 1.0, "b#1": 0.5}),
        ([("a#1", 4.0)], [("a#1", 0.5), ("b#1", -0.2)], {"a#1": 2.0, "b#1": 0.0}),
        ([], [], {}),
        ([("a#1", 0.0)], [], {}),
    ],
)
def test_evidence_strength_table(keyword, dense, expected) -> None:
    assert evidence_strength(keyword, dense) == pytest.approx(expected)


def test_route_boost_lifts_only_named_sections() -> None:
    scores = {"a#1": 1.0, "b#1": 1.0, "c#1": 1.0, "d#1": 1.0}
    pins = {
        "a#1": "focus:hallmark:1",
        "b#1": "lead:definition",
        "c#1": "intent:x",
        "d#1": "lens:cfo",
    }
    assert route_boost(scores, pins, 0.5) == {"a#1": 1.5, "b#1": 1.5, "c#1": 1.0, "d#1": 1.0}
    assert route_boost(scores, pins, 0.0) == scores


def test_fuse_ranks_the_focused_section_first_when_search_found_it() -> None:
    keyword = [("a#1", 3.0), ("c#1", 2.0), ("d#1", 1.0)]
    dense = [("a#1", 0.9), ("c#1", 0.8), ("d#1", 0.7)]
    out = fuse(keyword, dense, CHUNKS, k=3, pinned={"d#1": "focus:x"}, pin_boost=0.35)
    assert [s.chunk.chunk_id for s in out] == ["d#1", "a#1", "c#1"]
    assert (out[0].pinned, out[0].pinned_by) == (False, "focus:x")
    unfound = fuse(keyword, dense, CHUNKS, k=2, pinned={"b#1": "focus:x"}, pin_boost=0.35)
    assert (unfound[-1].chunk.chunk_id, unfound[-1].score, unfound[-1].pinned) == ("b#1", 0, True)


def test_fuse_without_pins_flags_nothing() -> None:
    out = fuse([("a#1", 1.0)], [("c#1", 0.5)], CHUNKS, k=5, pinned={})
    assert not any(s.pinned or s.pinned_by for s in out)


_ids = st.sampled_from(sorted(CHUNKS) + ["zz#unknown"])
_hits = st.lists(st.tuples(_ids, st.floats(-1, 10)), max_size=6, unique_by=lambda h: h[0])


@given(_hits, _hits, st.integers(1, 6), st.sampled_from([None, "all", "cfo", "cto"]))
def test_property_fuse_is_a_well_formed_ranking(keyword, dense, k, audience) -> None:
    out = fuse(keyword, dense, CHUNKS, k=k, audience=audience, boost=0.35)
    ids = [s.chunk.chunk_id for s in out]
    assert [s.rank for s in out] == list(range(1, len(out) + 1)) and len(out) <= k
    assert len(set(ids)) == len(ids) and set(ids) <= {h[0] for h in [*keyword, *dense]} - {
        "zz#unknown"
    }
    # fuse skips unknown ids before anything else, so the tie-break sees the known hits only
    known = [[h for h in hits if h[0] in CHUNKS] for hits in (keyword, dense)]
    strength = evidence_strength(*known)
    assert [(-s.score, -strength.get(s.chunk.chunk_id, 0.0), s.chunk.chunk_id) for s in out] == (
        sorted((-s.score, -strength.get(s.chunk.chunk_id, 0.0), s.chunk.chunk_id) for s in out)
    )
    assert all(s.boosted == (audience == "cfo" and s.chunk.audience == "cfo") for s in out)


def test_bm25_prefers_rare_terms_and_shorter_documents() -> None:
    bm25 = BM25([["pilot", "common"], ["common", "common"], ["pilot", "common", "x", "y", "z"]])
    scores = bm25.scores(["pilot"])
    assert set(scores) == {0, 2} and scores[0] > scores[2]
    assert bm25.scores(["pilot"])[0] > bm25.scores(["common"])[0]
    assert bm25.scores([]) == {} and bm25.scores(["absent"]) == {}


def test_bm25_counts_each_query_term_once() -> None:
    bm25 = BM25([["a", "b"], ["b", "c"]])
    assert bm25.scores(["a", "a", "a"]) == bm25.scores(["a"])


def test_bm25_on_no_documents() -> None:
    assert BM25([]).scores(["a"]) == {}


# -- Retriever over a real (fake-embedded) index --------------------------------------------
@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "data")


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def retriever(settings: Settings, embedder: CountingEmbedder):
    with VectorIndex.open(settings, embedder) as index:
        yield Retriever(index, embedder)


def test_search_finds_the_matching_section(retriever: Retriever) -> None:
    top = retriever.search("What does the finance chief watch in the ledger?")[0]
    assert top.chunk.doc_id == "money-view"
    assert top.rank == 1 and top.bm25_rank is not None and top.dense_rank is not None


def test_search_returns_k_results_best_first(retriever: Retriever) -> None:
    assert len(retriever.search("pipelines uptime debt")) == retriever.settings.k
    results = retriever.search("pipelines uptime debt", k=8)
    assert len(results) == 8 and [s.rank for s in results] == list(range(1, 9))
    assert [s.score for s in results] == sorted((s.score for s in results), reverse=True)


def test_audience_lens_boosts_but_keeps_others(retriever: Retriever) -> None:
    plain = retriever.search("live systems pipelines", k=8)
    lensed = retriever.search("live systems pipelines", k=8, audience="cto")
    boosted = [s for s in lensed if s.boosted]
    assert boosted and all(s.chunk.audience == "cto" for s in boosted)
    assert any(s.chunk.audience != "cto" for s in lensed)
    plain_rank = {s.chunk.chunk_id: s.rank for s in plain}
    assert all(s.rank <= plain_rank.get(s.chunk.chunk_id, 99) for s in boosted)


def test_query_vector_skips_embedding(retriever: Retriever, embedder: CountingEmbedder) -> None:
    vector = embedder.embed_query("uptime")
    before = embedder.queries
    with_vector = retriever.search("uptime", query_vector=vector)
    assert embedder.queries == before
    assert with_vector == retriever.search("uptime")


def test_empty_query_returns_nothing(retriever: Retriever) -> None:
    assert retriever.search("") == [] and retriever.search("   \n") == []


def test_search_includes_pinned_sections(retriever: Retriever) -> None:
    plain = retriever.search("pipelines uptime debt", k=2)
    found = [s.chunk.chunk_id for s in plain]
    other = next(c.chunk_id for c in retriever.index.chunks if c.chunk_id not in found)
    pins = {other: "focus:test", found[0]: "intent:test"}
    pinned = retriever.search("pipelines uptime debt", k=2, pinned=pins)
    assert [s.chunk.chunk_id for s in pinned] == [*found, other]
    assert pinned[0].pinned_by == "intent:test" and not pinned[0].pinned
    assert (pinned[2].pinned, pinned[2].pinned_by, pinned[2].rank) == (True, "focus:test", 3)


def test_same_query_same_results(retriever: Retriever) -> None:
    assert retriever.search("notes section", audience="cfo") == retriever.search(
        "notes section", audience="cfo"
    )


def test_settings_default_from_the_index_and_can_be_overridden(settings, embedder) -> None:
    with VectorIndex.open(settings, embedder) as index:
        assert Retriever(index, embedder).settings == settings.retrieval
        narrow = Retriever(index, embedder, RetrievalSettings(k=2, candidates=3))
        results = narrow.search("pipelines uptime debt ledger notes")
        assert len(results) == 2
        assert all((s.bm25_rank or 0) <= 3 and (s.dense_rank or 0) <= 3 for s in results)


def test_keyword_index_follows_a_rebuild(settings, embedder) -> None:
    with VectorIndex.open(settings, embedder) as index:
        retriever = Retriever(index, embedder)
        assert not any(s.bm25_score for s in retriever.search("zeppelin"))
        path = settings.corpus_dir / "tech-view.md"
        path.write_text(path.read_text().replace("grows interest", "grows like a zeppelin"))
        index.build()
        top = retriever.search("zeppelin")[0]
        assert top.chunk.chunk_id == "tech-view#technical-debt" and top.bm25_rank == 1


def test_warm_search_is_fast(retriever: Retriever, embedder: CountingEmbedder) -> None:
    vector = embedder.embed_query("pipelines uptime and budget owners")
    retriever.search("warm up", query_vector=vector)
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        retriever.search("pipelines uptime and budget owners", query_vector=vector, audience="cto")
        timings.append(time.perf_counter() - started)
    # everything except query encoding; shared CI cores get a generous margin
    assert statistics.median(timings) < 0.015, f"median {statistics.median(timings) * 1000:.1f} ms"


# -- the real corpus with the real model ---------------------------------------------------
@pytest.fixture(scope="module")
def real_retriever(tmp_path_factory: pytest.TempPathFactory):
    if not any(REPO_CORPUS.glob("*.md")):
        pytest.skip(f"no corpus documents in {REPO_CORPUS} yet")
    from prodai_assistant.embeddings import MiniLMEmbedder

    data = tmp_path_factory.mktemp("real-index")
    settings = Settings(corpus_dir=REPO_CORPUS, data_dir=data)
    embedder = MiniLMEmbedder(settings.embedding)
    with VectorIndex.open(settings, embedder) as index:
        yield Retriever(index, embedder)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "audience", "doc_id"),
    [
        ("What does the CFO care about?", "cfo", "stakeholder-cfo"),
        ("What does the CTO care about?", "cto", "stakeholder-cto"),
        ("What should the board ask?", "ceo", "stakeholder-ceo-board"),
        ("What are the four hallmarks of Production AI?", None, "four-hallmarks"),
        ("four hallmarks", None, "four-hallmarks"),
        ("Give me the punchy version of the definition", None, "definition-variants"),
        ("What is xOps?", None, "glossary"),
    ],
)
def test_real_corpus_ranks_the_right_document_first(real_retriever, question, audience, doc_id):
    results = real_retriever.search(question, audience=audience)
    assert results[0].chunk.doc_id == doc_id, [s.chunk.chunk_id for s in results]


@pytest.mark.slow
def test_real_corpus_hallmark_question_returns_hallmark_sections(real_retriever) -> None:
    ids = [s.chunk.chunk_id for s in real_retriever.search("four hallmarks", k=5)]
    assert sum(cid.startswith("four-hallmarks#") for cid in ids) >= 3, ids
    assert ids[0].startswith("four-hallmarks#")
