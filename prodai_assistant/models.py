"""Typed data passed between pipeline stages. Everything user-facing serialises to JSON."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Audience = Literal["all", "ceo", "cfo", "cto", "lob"]
AUDIENCES: tuple[Audience, ...] = ("all", "ceo", "cfo", "cto", "lob")
AUDIENCE_LABELS: dict[Audience, str] = {
    "all": "General",
    "ceo": "CEO and board",
    "cfo": "CFO",
    "cto": "CTO",
    "lob": "Line-of-business leader",
}

Intent = Literal[
    "definition",  # what is Production AI
    "hallmarks",  # the four hallmarks, or one of them
    "variants",  # formal / slide / punchy versions of the definition
    "stakeholder",  # framing for CEO/board, CFO, CTO, LOB
    "comparison",  # pilot / PoC / demo vs production
    "bottom_line",  # the data / operations / financials test
    "rubric",  # assessment rubric, maturity levels
    "statistics",  # why pilots stall, sourced figures
    "glossary",  # xOps, MLOps, P&L, Tier-1 asset ...
    "general",  # in scope, none of the above
    "assessment",  # a pasted project description or "is this production?"
    "greeting",  # hello / help / what can you do
    "out_of_scope",  # anything else, including prompt injection
]

Role = Literal["user", "assistant"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    title: str = Field(description="Title of the source work.")
    publisher: str = Field(default="", description="Publisher or authors.")
    url: str = Field(default="", description="Where to read it.")


class Document(_Strict):
    doc_id: str = Field(description="Stable id from front matter, e.g. 'four-hallmarks'.")
    title: str
    audience: Audience = "all"
    topic: str = ""
    sources: list[Source] = Field(default_factory=list)
    body: str = Field(description="Markdown body without front matter.")
    path: str = Field(default="", description="File path relative to the corpus folder.")


class Chunk(_Strict):
    chunk_id: str = Field(description="'doc-id#section-slug', '-2', '-3' for later parts.")
    doc_id: str
    title: str = Field(description="Document title.")
    section: str = Field(description="Section heading the chunk sits under.")
    audience: Audience = "all"
    topic: str = ""
    text: str = Field(description="Chunk text (the section body, without the heading line).")
    ordinal: int = Field(default=0, description="Position of the chunk within the corpus.")
    content_hash: str = Field(default="", description="sha256 of text + metadata, for re-indexing.")


class ScoredChunk(_Strict):
    chunk: Chunk
    score: float = Field(description="Fused score after the audience boost (higher is better).")
    rank: int = Field(description="1-based rank in the fused list.")
    bm25_score: float | None = None
    bm25_rank: int | None = None
    dense_score: float | None = Field(default=None, description="Cosine similarity.")
    dense_rank: int | None = None
    boosted: bool = Field(default=False, description="The audience lens boosted this chunk.")
    pinned: bool = Field(
        default=False,
        description="Listed only because the route pinned it: search did not rank it in the top k.",
    )
    pinned_by: str | None = Field(
        default=None,
        description="The route rule that asks for this section ('focus:hallmark:3', "
        "'intent:comparison', 'lens:cfo'), whether or not search also found it.",
    )


class Retrieved(_Strict):
    """What the Answer exposes of retrieval: enough to see why a chunk was chosen."""

    chunk_id: str
    score: float
    rank: int
    bm25_score: float | None = None
    dense_score: float | None = None
    boosted: bool = False
    pinned: bool = Field(
        default=False, description="Listed because the route pinned it, not because search did."
    )
    pinned_by: str | None = Field(
        default=None, description="The route rule that pinned it, e.g. 'focus:hallmark:3'."
    )


class Citation(_Strict):
    marker: int = Field(ge=1, description="The number used in the answer text as [marker].")
    chunk_id: str
    doc_id: str
    title: str
    section: str
    quote: str = Field(description="Exact text quoted from the cited chunk.")

    @classmethod
    def of(cls, chunk: Chunk, marker: int, quote: str) -> Citation:
        """Cite ``quote`` (an exact substring of ``chunk.text``) as ``[marker]``."""
        return cls(
            marker=marker,
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            title=chunk.title,
            section=chunk.section,
            quote=quote,
        )


class Turn(_Strict):
    role: Role
    content: str


class GuardDecision(_Strict):
    """One decision of the fidelity guard over a generated sentence."""

    sentence: str
    markers: list[int] = Field(default_factory=list)
    supported: bool
    action: Literal["kept", "removed", "flagged", "fallback"]
    reason: str = ""
    score: float | None = None


class EvidenceSpan(_Strict):
    text: str = Field(description="Exact substring of the description.")
    start: int = Field(ge=0, description="Character offset where the span starts.")
    end: int = Field(ge=0, description="Character offset one past the end.")
    polarity: Literal["positive", "negative"] = Field(
        default="positive", description="Negative spans are red flags or negated claims."
    )


CriterionStatus = Literal["evidenced", "partial", "missing", "contradicted"]
Verdict = Literal["production", "demo", "not_assessable"]


class Criterion(_Strict):
    key: str = Field(description="Stable key, e.g. 'deployed', 'embedded', 'financials'.")
    name: str
    group: Literal["hallmark", "bottom_line"]
    status: CriterionStatus
    evidence: list[EvidenceSpan] = Field(default_factory=list)
    rationale: str
    citation: Citation | None = Field(default=None, description="Corpus chunk that defines it.")


class Assessment(_Strict):
    verdict: Verdict
    reason: str = Field(description="One-paragraph explanation of the verdict.")
    confidence: float = Field(ge=0.0, le=1.0)
    maturity_level: int = Field(ge=0, le=4)
    maturity_name: str
    criteria: list[Criterion] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    stakeholder_notes: dict[str, str] = Field(
        default_factory=dict, description="Audience key (ceo, cfo, cto, lob) -> note."
    )
    description_chars: int = 0


class Answer(_Strict):
    question: str
    standalone_question: str = Field(description="The question after follow-up rewriting.")
    answer: str = Field(description="Markdown with inline [n] markers.")
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    refusal_reason: str | None = None
    intent: Intent
    audience: Audience = "all"
    audiences: list[Audience] = Field(
        default_factory=list,
        description="Every stakeholder the answer has a labelled part for, when there are several.",
    )
    backend: str = "extractive"
    model: str | None = None
    retrieved: list[Retrieved] = Field(default_factory=list)
    assessment: Assessment | None = None
    guard: list[GuardDecision] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list, description="Fallbacks, rebuilds, warnings.")
    latency_ms: float | None = None


class IndexStatus(_Strict):
    documents: int
    chunks: int
    corpus_hash: str
    embedder: str
    built_at: str = Field(description="ISO timestamp of the build in use.")
    embedded: int = Field(default=0, description="Chunks embedded by the last build call.")
    removed: int = Field(default=0, description="Chunks removed by the last build call.")
    rebuilt: bool = Field(default=False, description="A damaged index was replaced.")
    path: str = ""


__all__ = [
    "AUDIENCES",
    "AUDIENCE_LABELS",
    "Answer",
    "Assessment",
    "Audience",
    "Chunk",
    "Citation",
    "Criterion",
    "CriterionStatus",
    "Document",
    "EvidenceSpan",
    "GuardDecision",
    "IndexStatus",
    "Intent",
    "Retrieved",
    "Role",
    "ScoredChunk",
    "Source",
    "Turn",
    "Verdict",
]
