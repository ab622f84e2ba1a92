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


__all__ = ["evidence_refusal"]
