"""The evidence gate: refuse when retrieval found nothing close to the question. Pure.

Scope (is this about Production AI at all?) is the learned router's call; this gate only
checks that the knowledge base holds something near enough to quote, by meaning.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import ScoredChunk


def evidence_refusal(
    retrieved: Sequence[ScoredChunk], *, best_dense: float | None, min_dense: float
) -> str | None:
    """'no_evidence' when nothing was retrieved or nothing is close in meaning; else None."""
    if not retrieved:
        return "no_evidence"
    if best_dense is not None and best_dense < min_dense:
        return "no_evidence"
    return None


_EDGES = "\"'“”‘’()[]{},;:!?."


def unknown_names(question: str, vocabulary: frozenset[str]) -> list[str]:
    """Names and numbers in the question that the knowledge base never mentions: a capitalised
    word inside a sentence, or anything with a digit, that is not a corpus word."""
    found: list[str] = []
    words = question.split()
    for i, raw in enumerate(words):
        word = raw.strip(_EDGES)
        if not word:
            continue
        base = word.lower().removesuffix("'s").removesuffix("’s")
        starts = i == 0 or words[i - 1].rstrip(_EDGES[:-6]).endswith((".", "!", "?", ":"))
        is_number = any(ch.isdigit() for ch in base)
        is_name = not starts and word[0].isupper() and not word.isupper()
        if (is_number or is_name) and base not in vocabulary:
            found.append(word)
    return found


__all__ = ["evidence_refusal", "unknown_names"]
