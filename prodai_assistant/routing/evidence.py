"""The evidence gate: refuse when retrieval found nothing that is about the question. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..models import Intent, ScoredChunk
from ..text import content_words
from .intents import AUDIENCE_PATTERNS
from .patterns import words
from .scope import DOMAIN_PHRASES, DOMAIN_WORDS

# Words too common in the corpus to show that a chunk is about the question.
GENERIC_WORDS = words("ai production demo demos project projects model models business use")
# Words of the question's frame, not of its topic.
FILLER_WORDS = words(
    """define definition defined mean means meaning explain describe difference different differ
    compare role matter matters work works way ways best good need needs know make makes get
    really actually much thing things kind sort example examples tell show give help say sentence
    sentences word words paragraph short follow-up relate relates related"""
)


def _key(word: str) -> str:
    """A crude stem for matching: possessive dropped, first five letters kept."""
    word = re.sub(r"['’]s$", "", word)
    return word[:5] if len(word) > 5 else word


@lru_cache(maxsize=8)
def _vocabulary_keys(vocabulary: frozenset[str]) -> frozenset[str]:
    return frozenset(_key(w) for w in vocabulary)


def question_specifics(question: str) -> set[str]:
    """Stems of the question's distinctive words (not generic, domain or filler words)."""
    skip = GENERIC_WORDS | DOMAIN_WORDS | FILLER_WORDS
    text = DOMAIN_PHRASES.sub(" ", question)
    for _, pattern in AUDIENCE_PATTERNS:
        text = pattern.sub(" ", text)
    words = (re.sub(r"['’]s$", "", w) for w in content_words(text))
    return {_key(w) for w in words if w not in skip}


def evidence_refusal(
    question: str,
    retrieved: Sequence[ScoredChunk],
    vocabulary: frozenset[str],
    *,
    best_dense: float | None,
    min_dense: float,
    intent: Intent = "general",
) -> str | None:
    """Why the knowledge base cannot support an answer ('no_evidence', 'unknown_entity')."""
    if not retrieved:
        return "no_evidence"
    specific = question_specifics(question)
    topical = specific | question_domain_stems(question)
    support = {stem for s in retrieved[:3] for stem in _shared(topical, s)}
    if best_dense is not None and best_dense < min_dense and len(support) < 2:
        return "no_evidence"  # weak meaning match, and too few of the question's words either
    if intent == "general":
        unknown = specific - _vocabulary_keys(vocabulary)
        if len(unknown) >= 2 and 2 * len(unknown) > len(specific):
            return "no_evidence"  # most of what the question is about is never mentioned
        if topical and not support:
            return "no_evidence"  # no intent matched and no retrieved chunk is about it
    return "unknown_entity" if unknown_specifics(question, vocabulary) else None


def question_domain_stems(question: str) -> set[str]:
    """Stems of the question's domain words (not the ubiquitous ones)."""
    words = (re.sub(r"['’]s$", "", w) for w in content_words(question))
    return {_key(w) for w in words if w in DOMAIN_WORDS and w not in GENERIC_WORDS}


def _shared(stems: set[str], scored: ScoredChunk) -> set[str]:
    words = content_words(f"{scored.chunk.section} {scored.chunk.text}")
    return stems & {_key(w) for w in words}


def unknown_specifics(question: str, vocabulary: frozenset[str]) -> list[str]:
    """Names and numbers in the question that the knowledge base never mentions."""
    specifics: list[str] = []
    for match in re.finditer(r"[A-Za-z0-9][\w&'’.-]*", question):
        raw = match.group(0).rstrip(".'’")
        word = re.sub(r"['’]s$", "", raw.lower())
        before = question[: match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:;\"'“(\n"
        is_number = any(ch.isdigit() for ch in word)
        is_name = not sentence_start and raw[0].isupper() and not raw.isupper()
        if (is_number or is_name) and word not in vocabulary and word not in DOMAIN_WORDS:
            specifics.append(raw)
    return specifics


__all__ = [
    "evidence_refusal",
    "question_domain_stems",
    "question_specifics",
    "unknown_specifics",
]
