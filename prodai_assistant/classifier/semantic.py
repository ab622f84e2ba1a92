"""Sentence similarity to plain-language prototypes of each rubric signal (MiniLM or any
Embedder). It catches informal wording the lexicon misses; it only ever gives half credit."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..embeddings import Embedder

Key = tuple[str, int]  # (dimension, polarity)

PROTOTYPES: dict[Key, tuple[str, ...]] = {
    ("D1", 1): (
        "People use it every day as part of their normal work.",
        "It has been running for real customers for over a year.",
        "Every order that comes in goes through it.",
        "The whole team relies on it daily now.",
        "It handles thousands of requests each week.",
    ),
    ("D1", -1): (
        "We only tried it out in a demo.",
        "It has only been tested on a few examples.",
        "A small group tried it for a few weeks as an experiment.",
    ),
    ("D2", 1): (
        "Staff no longer do this step by hand.",
        "The results go straight into the system the team already works in.",
        "It fills in the form automatically so nobody retypes anything.",
        "Its answer shows up on the screen people already use.",
    ),
    ("D2", -1): (
        "People copy its answers into the other system by hand.",
        "It is a separate website that people have to open on its own.",
        "The results are sent around in a spreadsheet by email.",
    ),
    ("D3", 1): (
        "It pulls the latest data from our main systems automatically every night.",
        "It works on the live records from our database.",
    ),
    ("D3", -1): (
        "It was built on made-up example data.",
        "We gave it a one-off spreadsheet export.",
    ),
    ("D4", 1): (
        "Someone gets an alert on their phone if it stops working or starts making mistakes.",
        "We check its mistakes every week and fix them.",
        "Every update is tested automatically before it goes out.",
    ),
    ("D4", -1): (
        "It runs on one person's computer.",
        "Nobody checks whether it still works.",
    ),
    ("D5", 1): (
        "The security and legal teams reviewed and approved it.",
        "Every decision it makes is recorded so it can be audited later.",
        "A person checks and signs off each result before it is used.",
    ),
    ("D5", -1): (
        "People use it with their own personal accounts without asking IT.",
        "Customer information is pasted into a free public chatbot.",
    ),
    ("D6", 1): (
        "Maria's team is in charge of it and fixes problems when they come up.",
        "There is a named person responsible for it and a budget to keep it running.",
    ),
    ("D6", -1): (
        "The person who built it has left and nobody looks after it.",
        "It is a side project someone does in their spare time.",
    ),
    ("D7", 1): (
        "We compared the numbers before and after and it cut the time by a third.",
        "It saves us about forty thousand a month, which finance confirmed.",
        "The savings show up in our budget every quarter.",
    ),
    ("D7", -1): (
        "We never checked whether it actually saves anything.",
        "The savings are only an estimate for now.",
        "People say they like it, but we have no numbers.",
    ),
}
AI_KEY: Key = ("AI", 1)
AI_PROTOTYPES: tuple[str, ...] = (
    "A machine learning model predicts what will happen.",
    "The AI reads the documents and pulls out the details.",
    "A camera system recognises faulty items automatically.",
    "The chatbot answers customer questions on its own.",
    "It learned from our historical data to make suggestions.",
    "The software writes a first draft of the reply.",
)

THRESHOLD = 0.55  # below this a sentence is not said to express a signal
MARGIN = 0.05  # and it must be closer to one side of a dimension than to the other


@dataclass(frozen=True)
class SentenceScores:
    best: tuple[dict[Key, float], ...]  # per sentence: best cosine per (dimension, polarity)
    ai: float  # best cosine of any sentence to an AI-component prototype


class PrototypeMatcher:
    """Embeds the prototypes once, then each description's sentences in one batch."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._keys: list[Key] = []
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def _prototypes(self) -> tuple[np.ndarray, list[Key]]:
        with self._lock:
            if self._matrix is None:
                texts: list[str] = []
                for key, sentences in [*PROTOTYPES.items(), (AI_KEY, AI_PROTOTYPES)]:
                    texts.extend(sentences)
                    self._keys.extend([key] * len(sentences))
                self._matrix = _unit_rows(self._embedder.embed_documents(texts))
        return self._matrix, self._keys

    def warm(self) -> None:
        """Embed the prototypes now rather than on the first description."""
        self._prototypes()

    def score(self, sentences: Sequence[str]) -> SentenceScores:
        if not sentences:
            return SentenceScores((), 0.0)
        matrix, keys = self._prototypes()
        sims = _unit_rows(self._embedder.embed_documents(list(sentences))) @ matrix.T
        best: list[dict[Key, float]] = []
        for row in sims:
            per_key: dict[Key, float] = {}
            for key, value in zip(keys, row.tolist(), strict=True):
                per_key[key] = max(per_key.get(key, -1.0), value)
            best.append(per_key)
        ai = max(scores.get(AI_KEY, -1.0) for scores in best)
        return SentenceScores(tuple(best), ai)


def _unit_rows(vectors: list[list[float]]) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def semantic_hits(scores: dict[Key, float]) -> list[tuple[str, int, float]]:
    """(dimension, polarity, cosine) for each side of a dimension the sentence clearly expresses."""
    hits: list[tuple[str, int, float]] = []
    for (dim, polarity), value in sorted(scores.items()):
        if dim == "AI" or value < THRESHOLD:
            continue
        if value - scores.get((dim, -polarity), -1.0) >= MARGIN:
            hits.append((dim, polarity, value))
    return hits


__all__ = [
    "AI_PROTOTYPES",
    "MARGIN",
    "PROTOTYPES",
    "THRESHOLD",
    "PrototypeMatcher",
    "SentenceScores",
    "semantic_hits",
]
