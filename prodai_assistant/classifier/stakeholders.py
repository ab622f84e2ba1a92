"""Stakeholder notes: the verdict and its most relevant gap, framed for the CEO and board,
the CFO, the CTO and a line-of-business leader, with an idea and a question taken from the
stakeholder documents of the corpus when they are present."""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Chunk
from ..text import content_words, sentence_spans
from .policy import Decision
from .report import lower_first
from .rubric import CriterionKey
from .wording import NEEDS

AUDIENCE_DOCS: dict[str, str] = {
    "ceo": "stakeholder-ceo-board",
    "cfo": "stakeholder-cfo",
    "cto": "stakeholder-cto",
    "lob": "stakeholder-lob",
}
FOCUS: dict[str, tuple[CriterionKey, ...]] = {
    "ceo": ("deployed", "governed", "embedded", "roi"),
    "cfo": ("roi", "financials", "operations"),
    "cto": ("data", "governed", "operations", "deployed"),
    "lob": ("embedded", "deployed", "roi"),
}
_HEADLINES: dict[str, tuple[str, str]] = {  # (production, demo)
    "ceo": (
        "For the board this is Production AI: a governed, value-generating asset rather than "
        "an experiment.",
        "For the board this is still an experiment, not yet a resilient, value-generating asset.",
    ),
    "cfo": (
        "For the CFO this is Production AI: its effect is measured and recurs.",
        "For the CFO this is still a cost without a measured, recurring effect on the P&L.",
    ),
    "cto": (
        "For the CTO this runs as an operated technical asset on real data.",
        "For the CTO this is not yet a Tier-1 technical asset that is operated and supported.",
    ),
    "lob": (
        "For the business this is part of how the team works.",
        "For the business this is still an experimental tool, not a rugged business asset.",
    ),
}
_KEYWORDS: dict[CriterionKey, frozenset[str]] = {
    "deployed": frozenset({"live", "real", "experimental", "prototype", "resilient", "operation"}),
    "embedded": frozenset({"integrated", "workflows", "daily", "tools", "core", "team"}),
    "governed": frozenset({"governed", "risk", "xops", "reliable", "audit", "reliability"}),
    "roi": frozenset({"measurable", "measured", "recurring", "p&l", "value", "gains"}),
    "financials": frozenset({"p&l", "financials", "cost", "predictable", "recurring"}),
    "data": frozenset({"data", "pipelines", "scalable", "governed", "uptime"}),
    "operations": frozenset({"supported", "xops", "uptime", "manual", "depend", "people"}),
}
_FALLBACK_IDEAS: dict[str, str] = {
    "ceo": "The board should hear how deeply the system is integrated and how its risk is "
    "governed, not how good a demo looked.",
    "cfo": "The test is whether a one-time cost has become a measured, recurring effect on "
    "the P&L.",
    "cto": "The test is whether it is run like a Tier-1 system: governed data pipelines, "
    "uptime and support through xOps.",
    "lob": "The test is whether the team relies on it every day inside its normal tools and "
    "performs better because of it.",
}


def _sentences(chunks: Mapping[str, Chunk], doc_id: str) -> list[str]:
    found: list[str] = []
    for chunk in sorted(chunks.values(), key=lambda c: (c.ordinal, c.chunk_id)):
        if chunk.doc_id == doc_id:
            found.extend(s.text.lstrip("-*+ ").strip() for s in sentence_spans(chunk.text))
    return [s for s in found if s]


def _best(sentences: list[str], words: frozenset[str]) -> str | None:
    """The sentence sharing most words with ``words``; first one wins ties."""
    scored = [(len(words & set(content_words(s))), -i, s) for i, s in enumerate(sentences)]
    scored = [item for item in scored if item[0] > 0]
    return max(scored)[2] if scored else None


def _focus(judgement: Decision, audience: str) -> CriterionKey:
    for key in FOCUS[audience]:
        if key in judgement.blockers:
            return key
    for key in FOCUS[audience]:
        if judgement.findings[key].status in ("partial", "missing"):
            return key
    return FOCUS[audience][0]


def notes(
    judgement: Decision, gaps: Mapping[CriterionKey, str], chunks: Mapping[str, Chunk]
) -> dict[str, str]:
    """One note per audience key: headline, the gap that matters to them, an idea, a question."""
    result: dict[str, str] = {}
    production = judgement.verdict == "production"
    for audience, doc_id in AUDIENCE_DOCS.items():
        key = _focus(judgement, audience)
        words = _KEYWORDS[key]
        sentences = _sentences(chunks, doc_id)
        statements = [s for s in sentences if not s.endswith(("?", ":"))]
        questions = [s for s in sentences if s.endswith("?")]
        parts = [_HEADLINES[audience][0 if production else 1]]
        if key in judgement.blockers:
            parts.append(f"The gap that matters most to you: {lower_first(gaps[key])}")
        elif judgement.findings[key].status in ("partial", "missing"):
            parts.append(f"To make it sturdier, show {NEEDS[key]}.")
        parts.append(_best(statements, words) or _FALLBACK_IDEAS[audience])
        question = _best(questions, words)
        if question:
            parts.append(f"Ask: {question}")
        result[audience] = " ".join(parts)
    return result


__all__ = ["AUDIENCE_DOCS", "FOCUS", "notes"]
