"""Clauses of a description and their features: what the learned model reads. Pure.

A clause is a sentence (``text.sentence_spans``, the one sentence splitter) or one of its parts
separated by a semicolon. Its features are its MiniLM vector, the previous clause's vector
(what "it" and "that" lean on) and the mean vector of the whole description.
"""

from __future__ import annotations

import numpy as np

from ..text import Span, sentence_spans

MAX_CLAUSES = 120  # a 20,000-character description has about this many; the rest is ignored
DIM = 384


def clause_spans(text: str) -> list[Span]:
    """Sentences split at semicolons, with exact offsets into ``text``."""
    spans: list[Span] = []
    for sentence in sentence_spans(text):
        start = sentence.start
        for part in sentence.text.split(";"):
            stripped = part.strip()
            if stripped:
                at = text.index(stripped, start)
                spans.append(Span(stripped, at, at + len(stripped)))
            start += len(part) + 1
    return spans[:MAX_CLAUSES]


def clause_features(vectors: np.ndarray) -> np.ndarray:
    """(n, 3 * DIM): each clause, the clause before it (zeros for the first), and the mean."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, DIM)
    previous = np.vstack([np.zeros((1, DIM), dtype=np.float32), vectors[:-1]])
    mean = np.repeat(vectors.mean(axis=0, keepdims=True), len(vectors), axis=0)
    return np.hstack([vectors, previous, mean])


def bank_clause_states(
    text: str, offsets: list[tuple[int, int]], states: list[dict[str, str]]
) -> tuple[list[Span], list[dict[str, str]]]:
    """Re-split a bank description the way serving splits user text, and give each clause the
    labels of the bank clauses it overlaps (the largest overlap wins per criterion)."""
    spans = clause_spans(text)
    out: list[dict[str, str]] = []
    for span in spans:
        best: dict[str, tuple[str, int]] = {}
        for (start, end), said in zip(offsets, states, strict=True):
            overlap = min(end, span.end) - max(start, span.start)
            if overlap <= 0:
                continue
            for criterion, polarity in said.items():
                if criterion not in best or overlap > best[criterion][1]:
                    best[criterion] = (polarity, overlap)
        out.append({c: p for c, (p, _) in best.items()})
    return spans, out


__all__ = ["DIM", "MAX_CLAUSES", "bank_clause_states", "clause_features", "clause_spans"]
