"""The Classifier: gate, sentence split, signals, weakest-link rules, report."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..config import ClassifierSettings
from ..embeddings import Embedder
from ..errors import InputError
from ..models import Assessment, Chunk
from ..text import tokenize
from . import report, stakeholders
from .gate import GateResult, ai_component, basic_check, check
from .rubric import MATURITY_NAMES
from .rules import judge
from .scope import sentence_units
from .semantic import PrototypeMatcher, SentenceScores
from .signals import Signal, add_semantic, detect, needs_similarity
from .wording import ASK_FOR, ASK_FOR_AI, NEEDED_STEPS, NOT_ASSESSABLE

_GATE_CONFIDENCE = {
    "empty": 0.99,
    "binary": 0.97,
    "too_short": 0.95,
    "question": 0.85,
    "irrelevant": 0.85,
    "no_ai": 0.8,
}
_NON_AI_HINTS: tuple[tuple[str, str], ...] = (
    (r"\brules?\b|decision table", "a rules engine or a set of hand-written rules"),
    (r"\bRPA\b|uipath|blue prism|automation anywhere|\bbots?\b", "robotic process automation"),
    (r"migrat|s/4hana|upgrade", "a system migration or upgrade"),
    (r"dashboard|power bi|tableau|looker|report", "a dashboard or reporting project"),
)


class Classifier:
    """Judges a project description against the Production AI criteria. Deterministic."""

    def __init__(
        self,
        chunks: Mapping[str, Chunk],
        *,
        embedder: Embedder | None = None,
        settings: ClassifierSettings | None = None,
    ) -> None:
        self.chunks: dict[str, Chunk] = dict(chunks)
        self.settings = settings or ClassifierSettings()
        self._matcher = PrototypeMatcher(embedder) if embedder is not None else None

    def warm(self) -> None:
        """Embed the signal prototypes now, so the first description is as fast as the rest."""
        if self._matcher is not None:
            self._matcher.warm()

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
            return _not_assessable(GateResult(kind), description)
        sentences = sentence_units(description)
        lexical = detect(description, sentences)
        # Embed (in one batch) only what the lexicon could not settle: every sentence when no
        # AI term was found, else the sentences without a strong cue.
        lexical_ai = bool(ai_component(description))
        wanted = (
            needs_similarity(lexical, len(sentences)) if lexical_ai else list(range(len(sentences)))
        )
        scores = self._scores([sentences[i].text for i in wanted])
        similarity = None if scores is None or lexical_ai else scores.ai
        gate = check(
            description, self.settings.min_words, ai_similarity=similarity, signals=len(lexical)
        )
        if not gate.assessable:
            return _not_assessable(gate, description)
        if scores is not None:
            by_index = dict(zip(wanted, scores.best, strict=True))
            lexical = add_semantic(description, sentences, lexical, by_index)
        return self._assess(description, lexical)

    def _scores(self, sentences: list[str]) -> SentenceScores | None:
        if self._matcher is None or not sentences:
            return None
        return self._matcher.score(sentences)

    def _assess(self, description: str, signals: list[Signal]) -> Assessment:
        judgement = judge(signals)
        gaps, steps = report.gaps_and_steps(judgement)
        by_key = {key: report.gap_text(key, judgement) for key in report.ordered_gaps(judgement)}
        return Assessment(
            verdict=judgement.verdict,
            reason=report.reason(judgement, gaps),
            confidence=judgement.confidence,
            maturity_level=judgement.maturity,
            maturity_name=MATURITY_NAMES[judgement.maturity],
            criteria=report.criteria(judgement, self.chunks),
            gaps=gaps,
            next_steps=steps,
            stakeholder_notes=stakeholders.notes(judgement, by_key, self.chunks),
            description_chars=len(description),
        )


def _not_assessable(gate: GateResult, description: str) -> Assessment:
    """A clear reason, and what is needed to make the text assessable."""
    if gate.kind == "no_ai":
        lead = NOT_ASSESSABLE["no_ai"].format(hint=_non_ai_hint(description))
        ask, gap = ASK_FOR_AI, "No AI component is described."
    else:
        lead, ask = NOT_ASSESSABLE[gate.kind], ASK_FOR
        gap = "No project description to assess."
        if gate.kind == "too_short":
            count = len(tokenize(description))
            lead = f"{lead[:-1]} ({count} word{'s' if count != 1 else ''})."
    return Assessment(
        verdict="not_assessable",
        reason=f"{lead} {ask}",
        confidence=_GATE_CONFIDENCE[gate.kind],
        maturity_level=0,
        maturity_name="not assessed",
        gaps=[gap],
        next_steps=list(NEEDED_STEPS) if gate.kind != "no_ai" else [ASK_FOR_AI],
        description_chars=len(description),
    )


def _non_ai_hint(description: str) -> str:
    for pattern, hint in _NON_AI_HINTS:
        if re.search(pattern, description, re.IGNORECASE):
            return hint
    return "a software or data project"


__all__ = ["Classifier"]
