"""Tiny pure evaluators. Each takes plain data and returns a number, a list or a table.

Empty denominators never give NaN: ``ratio`` returns the ``empty`` value the caller chooses.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..models import EvidenceSpan, Retrieved
from .datasets import KeyFact
from .judgment import macro_f1  # the one macro-F1, re-exported for the aggregates


def ratio(hits: float, total: float, *, empty: float = 1.0) -> float:
    """hits / total, or ``empty`` when there is nothing to count."""
    return hits / total if total else empty


def mean(values: Iterable[float], *, empty: float = 1.0) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else empty


def ranked_ids(retrieved: Sequence[Retrieved]) -> list[str]:
    """Chunk ids best first; equal scores keep the retriever's own order (its tie-break),
    then chunk id order, so ties are deterministic."""
    order = sorted(retrieved, key=lambda r: (-r.score, r.rank, r.chunk_id))
    return [r.chunk_id for r in order]


def recall_at_k(ranked: Sequence[str], gold: Iterable[str], k: int = 5) -> float:
    gold_set = set(gold)
    return ratio(len(gold_set & set(ranked[:k])), len(gold_set))


def precision_at_k(ranked: Sequence[str], gold: Iterable[str], k: int = 5) -> float:
    top = ranked[:k]
    return ratio(len(set(gold) & set(top)), len(top), empty=0.0)


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str]) -> float:
    gold_set = set(gold)
    return next((1.0 / i for i, cid in enumerate(ranked, start=1) if cid in gold_set), 0.0)


def strip_markers(text: str) -> str:
    """Answer text without [n] markers, so key-fact patterns see plain prose."""
    return re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", text)


def key_fact_hits(text: str, facts: Sequence[KeyFact]) -> dict[str, bool]:
    """Fact name -> whether any of its patterns matches (case-insensitive)."""
    plain = strip_markers(text)
    return {f.name: any(re.search(p, plain, re.IGNORECASE) for p in f.patterns) for f in facts}


def forbidden_hits(text: str, patterns: Sequence[str]) -> list[str]:
    plain = strip_markers(text)
    return [p for p in patterns if re.search(p, plain, re.IGNORECASE)]


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return ratio(sum(g == p for g, p in zip(gold, pred, strict=True)), len(gold), empty=0.0)


def confusion_matrix(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, dict[str, int]]:
    """gold label -> predicted label -> count, for every pair of ``labels``."""
    matrix = {g: dict.fromkeys(labels, 0) for g in labels}
    for g, p in zip(gold, pred, strict=True):
        matrix[g][p] += 1
    return matrix


def per_class_recall(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    return {
        c: ratio(sum(g == p == c for g, p in zip(gold, pred, strict=True)), gold.count(c))
        for c in labels
    }


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion; (0, 1) when n is 0."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def span_is_exact(description: str, span: EvidenceSpan) -> bool:
    """An evidence span must be the exact substring at its own offsets."""
    return 0 <= span.start <= span.end <= len(description) and (
        description[span.start : span.end] == span.text and bool(span.text)
    )


def same_top_source(a: Sequence[str], b: Sequence[str]) -> bool:
    """Paraphrase invariance: both questions rank the same chunk first."""
    return bool(a) and bool(b) and a[0] == b[0]


def stable_hash(payload: Mapping[str, Any]) -> str:
    """sha256 of canonical JSON: equal payloads, equal hash."""
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


__all__ = [
    "accuracy",
    "confusion_matrix",
    "forbidden_hits",
    "key_fact_hits",
    "macro_f1",
    "mean",
    "per_class_recall",
    "precision_at_k",
    "ranked_ids",
    "ratio",
    "recall_at_k",
    "reciprocal_rank",
    "same_top_source",
    "span_is_exact",
    "stable_hash",
    "strip_markers",
    "wilson_interval",
]
