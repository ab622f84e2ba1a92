"""The Classifier: input checks, the learned reading, the verdict policy, the scorecard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..config import ClassifierSettings
from ..embeddings import Embedder
from ..errors import InputError
from ..models import Assessment, Chunk
from ..text import tokenize
from . import report, stakeholders
from .gate import GateKind, basic_check
from .model import ClassifierModel
from .policy import MATURITY_NAMES, decide
from .wording import ASK_FOR, ASK_FOR_AI, NEEDED_STEPS, NOT_ASSESSABLE

_GATE_CONFIDENCE: dict[GateKind, float] = {"empty": 0.99, "binary": 0.97, "too_short": 0.95}


class Classifier:
    """Judges a project description against the Production AI criteria. Deterministic."""

    def __init__(
        self,
        chunks: Mapping[str, Chunk],
        *,
        embedder: Embedder,
        settings: ClassifierSettings | None = None,
        model: ClassifierModel | None = None,
    ) -> None:
        self.chunks: dict[str, Chunk] = dict(chunks)
        self.settings = settings or ClassifierSettings()
        self.embedder = embedder
        self.model = model or ClassifierModel.load()

    def warm(self) -> None:
        """Load the embedder now, so the first description is as fast as the rest."""
        self._embed(["warm up"])

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.embedder.embed_documents(list(texts)), dtype=np.float32)

    def classify(self, description: str) -> Assessment:
        """Assess one description; raises InputError when it is longer than the limit."""
        if not isinstance(description, str):
            raise InputError(f"A description must be text, not {type(description).__name__!r}.")
        limit = self.settings.max_chars
        if len(description) > limit:
            raise InputError(
                f"The description is {len(description):,} characters long; the limit is "
                f"{limit:,}. Shorten it to the essentials (what the AI does, where it runs, "
                "who owns it, what it measurably changed) or raise PRODAI_CLASSIFIER__MAX_CHARS."
            )
        kind = basic_check(description, self.settings.min_words)
        if kind != "ok":
            return _not_assessable(kind, description)
        reading = self.model.read(description, self._embed)
        decision = decide(reading)
        if decision.verdict == "not_assessable":
            return _not_assessable("no_ai", description, confidence=decision.confidence)
        gaps, steps = report.gaps_and_steps(decision, reading.spans)
        by_key = {
            key: report.gap_text(key, decision, reading.spans)
            for key in report.ordered_gaps(decision)
        }
        return Assessment(
            verdict=decision.verdict,
            reason=report.reason(decision, gaps),
            confidence=decision.confidence,
            maturity_level=decision.maturity,
            maturity_name=MATURITY_NAMES[decision.maturity],
            criteria=report.criteria(decision, reading.spans, self.chunks),
            gaps=gaps,
            next_steps=steps,
            stakeholder_notes=stakeholders.notes(decision, by_key, self.chunks),
            description_chars=len(description),
        )


def _not_assessable(kind: str, description: str, *, confidence: float | None = None) -> Assessment:
    """A clear reason, and what is needed to make the text assessable."""
    if kind == "no_ai":
        lead, ask = NOT_ASSESSABLE["no_ai"], ASK_FOR_AI
        gap = "No AI project is described: no model that learns, predicts or generates."
    else:
        lead, ask = NOT_ASSESSABLE[kind], ASK_FOR
        gap = "No project description to assess."
        if kind == "too_short":
            count = len(tokenize(description))
            lead = f"{lead[:-1]} ({count} word{'s' if count != 1 else ''})."
    return Assessment(
        verdict="not_assessable",
        reason=f"{lead} {ask}",
        confidence=confidence if confidence is not None else _GATE_CONFIDENCE[kind],  # type: ignore[index]
        maturity_level=0,
        maturity_name="not assessed",
        gaps=[gap],
        next_steps=list(NEEDED_STEPS) if kind != "no_ai" else [ASK_FOR_AI],
        description_chars=len(description),
    )


__all__ = ["Classifier"]
