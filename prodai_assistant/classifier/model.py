"""The learned reading of a description: per clause, what it says about each criterion; for the
whole, how likely each verdict is. Numpy over the committed artifact; no wording rules (the
verdict head weighs hashed words it learned from the banks, not phrases written here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ModelUnavailableError
from ..learning import artifact
from ..learning.banks import CRITERIA, STATES
from ..learning.lexical import char_features, lexical_features
from ..models import Verdict
from ..text import Span
from .clauses import DIM, clause_features, clause_spans

ARTIFACT = "classifier"
VERDICTS: tuple[Verdict, ...] = ("production", "demo", "not_assessable")
Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Reading:
    """What the model read: clause spans, P(state | clause, criterion), P(verdict)."""

    spans: list[Span]
    states: np.ndarray  # (clauses, len(CRITERIA), len(STATES))
    verdict: dict[str, float]

    def prob(self, criterion: str, state: str) -> np.ndarray:
        """P(state) of every clause for one criterion."""
        return self.states[:, CRITERIA.index(criterion), STATES.index(state)]


def doc_features(states: np.ndarray, vectors: np.ndarray, text: str) -> np.ndarray:
    """Strongest and mean clause reading per criterion and state, the mean clause vector, and
    the text's hashed words, word pairs and character pieces (``learning.lexical``)."""
    return np.concatenate(
        [
            states.max(axis=0).ravel(),
            states.mean(axis=0).ravel(),
            vectors.mean(axis=0),
            lexical_features(text),
            char_features(text),
        ]
    )


class ClassifierModel:
    """Clause heads (one per criterion) and a verdict head, loaded from the artifact."""

    def __init__(self, loaded: artifact.Artifact) -> None:
        self.artifact = loaded
        self.clause_heads = [loaded.heads[f"clause.{c}"] for c in CRITERIA]
        self.verdict_head = loaded.heads["verdict"]

    @classmethod
    def load(cls) -> ClassifierModel:
        return cls(artifact.load(ARTIFACT))

    def clause_states(self, vectors: np.ndarray) -> np.ndarray:
        features = clause_features(vectors)
        return np.stack([head.predict_proba(features) for head in self.clause_heads], axis=1)

    def read(self, text: str, embed: Embed) -> Reading:
        spans = clause_spans(text)
        if not spans:
            return Reading([], np.zeros((0, len(CRITERIA), len(STATES))), {"not_assessable": 1.0})
        vectors = np.asarray(embed([s.text for s in spans]), dtype=np.float32)
        if vectors.shape != (len(spans), DIM):
            raise ModelUnavailableError(
                f"The classifier reads {DIM}-dimensional all-MiniLM-L6-v2 vectors, but the "
                f"embedder gave shape {vectors.shape}: classify with the MiniLM embedder."
            )
        states = self.clause_states(vectors)
        probs = self.verdict_head.predict_proba(doc_features(states, vectors, text)[None, :])[0]
        return Reading(
            spans, states, dict(zip(self.verdict_head.classes, map(float, probs), strict=True))
        )


__all__ = ["ARTIFACT", "VERDICTS", "ClassifierModel", "Reading", "doc_features"]
