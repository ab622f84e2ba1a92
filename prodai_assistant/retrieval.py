"""Hybrid retrieval: BM25 keywords + dense cosine, fused by reciprocal rank, audience lens.

Everything but ``Retriever.search`` is a pure function over ids and scores, testable without
Chroma or a model.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from .config import RetrievalSettings
from .embeddings import Embedder
from .models import Audience, Chunk, ScoredChunk
from .text import content_words

if TYPE_CHECKING:
    from .index import VectorIndex

Hits = Sequence[tuple[str, float]]
# Pin rules that name a section the answer is about (its focus, or its lead): see route_boost.
NAMED_RULES = ("focus", "lead")


def stem(token: str) -> str:
    """Light plural folding so 'hallmarks' meets 'hallmark' and 'processes' meets 'process'."""
    if token.endswith("'s"):  # possessive: "cfo's" -> "cfo"
        token = token[:-2]
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "xes", "ches", "shes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def terms(text: str) -> list[str]:
    """BM25 terms: content words, plural-folded."""
    return [stem(t) for t in content_words(text)]


class BM25:
    """Okapi BM25 over pre-tokenised documents; per-term weights are precomputed at build time.

    Lucene's variant: its scores are bm25s's ``method="lucene"`` scores times (k1 + 1), so the
    two rank identically (tests/test_retrieval_bm25s.py); the few lines here spare a dependency.
    """

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        lengths = [len(doc) for doc in documents]
        average = (sum(lengths) / len(lengths)) if lengths and sum(lengths) else 1.0
        counts: dict[str, dict[int, int]] = defaultdict(dict)
        for doc_no, doc in enumerate(documents):
            for term in doc:
                counts[term][doc_no] = counts[term].get(doc_no, 0) + 1
        total = len(documents)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for term, tfs in counts.items():
            idf = math.log(1.0 + (total - len(tfs) + 0.5) / (len(tfs) + 0.5))
            self.postings[term] = [
                (doc_no, idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[doc_no] / average)))
                for doc_no, tf in tfs.items()
            ]

    def scores(self, query: Iterable[str]) -> dict[int, float]:
        """Document number -> score, for documents sharing at least one term with the query."""
        out: dict[int, float] = defaultdict(float)
        for term in dict.fromkeys(query):  # each distinct query term counts once
            for doc_no, weight in self.postings.get(term, ()):
                out[doc_no] += weight
        return dict(out)


def ranked(
    scores: Mapping[str, float],
    n: int | None = None,
    tiebreak: Mapping[str, float] | None = None,
) -> list[tuple[str, float]]:
    """Best first; equal scores by higher ``tiebreak``, then by id (never by dict order)."""
    second = tiebreak or {}
    order = sorted(scores.items(), key=lambda item: (-item[1], -second.get(item[0], 0.0), item[0]))
    return order if n is None else order[:n]


def evidence_strength(keyword: Hits, dense: Hits) -> dict[str, float]:
    """Each id's BM25 score and cosine, each relative to the best of its list, summed.

    Reciprocal rank fusion ties whenever the two lists swap two chunks (ranks 1 and 2 against
    2 and 1); the raw scores then say which chunk the evidence favours, where an id order
    would decide arbitrarily.
    """
    strength: dict[str, float] = defaultdict(float)
    for hits in (keyword, dense):
        best = max((score for _, score in hits), default=0.0)
        if best > 0:
            for cid, score in hits:
                strength[cid] += max(score, 0.0) / best
    return dict(strength)


def route_boost(
    scores: Mapping[str, float], pinned: Mapping[str, str], boost: float
) -> dict[str, float]:
    """Multiply the scores of the sections the route names by (1 + boost).

    A route names a section through its focus ('focus:hallmark:3': the question asks for that
    hallmark) or as the lead of a structured answer ('lead:definition': the core definition).
    Like the audience lens, the boost reorders what search found; it never adds or hides a hit.
    """
    named = {cid for cid, rule in pinned.items() if rule.split(":", 1)[0] in NAMED_RULES}
    if boost <= 0 or not named:
        return dict(scores)
    return {cid: s * (1 + boost) if cid in named else s for cid, s in scores.items()}


def rrf_fuse(rankings: Sequence[Sequence[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: each id scores sum(1 / (k + rank)) over the rankings it is in."""
    fused: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] += 1.0 / (k + rank)
    return dict(fused)


def audience_boost(
    scores: Mapping[str, float],
    audiences: Mapping[str, str],
    audience: str | None,
    boost: float,
) -> tuple[dict[str, float], set[str]]:
    """Multiply the scores of ``audience``'s chunks by (1 + boost); nothing is dropped."""
    if audience in (None, "all") or boost <= 0:
        return dict(scores), set()
    boosted = {cid for cid in scores if audiences.get(cid) == audience}
    return {cid: s * (1 + boost) if cid in boosted else s for cid, s in scores.items()}, boosted


def fuse(
    keyword: Hits,
    dense: Hits,
    chunks: Mapping[str, Chunk],
    *,
    k: int,
    rrf_k: int = 60,
    audience: str | None = None,
    boost: float = 0.0,
    pinned: Mapping[str, str] | None = None,
    pin_boost: float = 0.0,
) -> list[ScoredChunk]:
    """Fuse two ranked hit lists into the top ``k`` ScoredChunks; unknown ids are skipped.

    ``pinned`` (chunk id -> rule) sections the top ``k`` lacks are appended after it with their
    fused score (0 when neither search found them), ``pinned=True`` and the rule in ``pinned_by``;
    the sections the route names get ``pin_boost`` (see ``route_boost``). Equal scores are
    ordered by ``evidence_strength``, then by id.
    """
    keyword = [h for h in keyword if h[0] in chunks]
    dense = [h for h in dense if h[0] in chunks]
    fused = rrf_fuse([[cid for cid, _ in keyword], [cid for cid, _ in dense]], rrf_k)
    audiences = {cid: chunks[cid].audience for cid in fused}
    scores, boosted = audience_boost(fused, audiences, audience, boost)
    pins = {cid: rule for cid, rule in (pinned or {}).items() if cid in chunks}
    scores = route_boost(scores, pins, pin_boost)
    kw = {cid: (score, rank) for rank, (cid, score) in enumerate(keyword, start=1)}
    dn = {cid: (score, rank) for rank, (cid, score) in enumerate(dense, start=1)}
    strength = evidence_strength(keyword, dense)
    top = ranked(scores, k, strength)
    shown = {cid for cid, _ in top}
    extra = ranked({cid: scores.get(cid, 0.0) for cid in pins if cid not in shown}, None, strength)
    out = []
    for rank, (cid, score) in enumerate([*top, *extra], start=1):
        kw_score, kw_rank = kw.get(cid, (None, None))
        dn_score, dn_rank = dn.get(cid, (None, None))
        out.append(
            ScoredChunk(
                chunk=chunks[cid],
                score=score,
                rank=rank,
                bm25_score=kw_score,
                bm25_rank=kw_rank,
                dense_score=dn_score,
                dense_rank=dn_rank,
                boosted=cid in boosted,
                pinned=cid not in shown,
                pinned_by=pins.get(cid),
            )
        )
    return out


class _Keywords:
    """BM25 over one generation of the index's chunks."""

    def __init__(self, generation: str, chunks: Sequence[Chunk]) -> None:
        self.generation = generation
        self.ids = [c.chunk_id for c in chunks]
        self.by_id = {c.chunk_id: c for c in chunks}
        self.bm25 = BM25([terms(f"{c.title} {c.section} {c.text}") for c in chunks])

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        scores = self.bm25.scores(terms(query))
        return ranked({self.ids[i]: s for i, s in scores.items() if s > 0}, n)


class Retriever:
    """Hybrid search over a VectorIndex; safe to share between threads."""

    def __init__(
        self,
        index: VectorIndex,
        embedder: Embedder,
        settings: RetrievalSettings | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings or index.settings.retrieval
        self._keywords: _Keywords | None = None
        self._lock = threading.Lock()

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        audience: Audience | None = None,
        query_vector: list[float] | None = None,
        pinned: Mapping[str, str] | None = None,
    ) -> list[ScoredChunk]:
        """Top ``k`` chunks for ``query``, then any ``pinned`` sections it lacks (see ``fuse``).

        Pass ``query_vector`` if the query is already embedded.
        """
        if not query.strip() and query_vector is None:
            return []
        n = self.settings.candidates
        vector = query_vector if query_vector is not None else self.embedder.embed_query(query)
        dense = self.index.dense_search(vector, n)
        keywords = self._keyword_index()
        return fuse(
            keywords.search(query, n),
            dense,
            keywords.by_id,
            k=k or self.settings.k,
            rrf_k=self.settings.rrf_k,
            audience=audience,
            boost=self.settings.audience_boost,
            pinned=pinned,
            pin_boost=self.settings.route_boost,
        )

    def _keyword_index(self) -> _Keywords:
        """The BM25 index, rebuilt when the vector index has moved to a new generation."""
        generation = self.index.generation
        current = self._keywords
        if current is None or current.generation != generation:
            with self._lock:
                current = self._keywords
                if current is None or current.generation != generation:
                    current = _Keywords(generation, self.index.chunks)
                    self._keywords = current
        return current


__all__ = [
    "BM25",
    "NAMED_RULES",
    "Retriever",
    "audience_boost",
    "evidence_strength",
    "fuse",
    "ranked",
    "route_boost",
    "rrf_fuse",
    "stem",
    "terms",
]
