"""The evidence gate: refuse when retrieval found nothing close to the question. Pure.

Scope (is this about Production AI at all?) is the learned router's call; this gate only
checks that the knowledge base holds something near enough to quote, by meaning.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import ScoredChunk

# When the router is sure of an intent that names fixed sections ("pls explain hallmark 3"),
# a terse or misspelt question is still about them though its words sit far from the text:
# the floor is lowered, not removed (a question close to nothing is still refused).
SURE_FACTOR = 0.6


def evidence_refusal(
    retrieved: Sequence[ScoredChunk],
    *,
    best_dense: float | None,
    min_dense: float,
    sure: bool = False,
) -> str | None:
    """'no_evidence' when nothing was retrieved or nothing is close in meaning; else None.
    ``sure``: the router placed the question, with confidence, in an intent whose answer
    quotes fixed sections; then the floor is ``SURE_FACTOR`` times ``min_dense``."""
    if not retrieved:
        return "no_evidence"
    floor = min_dense * SURE_FACTOR if sure else min_dense
    if best_dense is not None and best_dense < floor:
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


__all__ = ["SURE_FACTOR", "evidence_refusal", "unknown_names"]
