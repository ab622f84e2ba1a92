"""What the page adds to the scorecard: the user's own words to confirm, with the questions to
ask about them; what the text never mentions; each next step with the gap it closes. Pure: plain
data out, no Streamlit, no markup. The scorecard itself (summary, criteria table, legend, notes,
downloads) is ``prodai_assistant.scorecard``'s view and templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Assessment, EvidenceSpan

CONFIRM_QUESTIONS = {
    "deployed": "Is it in sustained use by real users today, not a pilot or a test?",
    "embedded": "Do people use its output inside the systems and workflow they already use?",
    "governed": "Is it monitored, with alerts, access control, an audit trail and risk sign-off?",
    "roi": "Is its effect measured against a baseline, period after period?",
    "data": "Does it run on automated feeds from your systems of record?",
    "operations": "Is there a named owner, a support route and a budget line?",
    "financials": "Does finance see its effect in the P&L or in a budget?",
}
QUOTE_CHARS = 160


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ToConfirm:
    """One claim of the user's to check, in their own words, and what to ask about it."""

    quote: str
    questions: tuple[str, ...]
    criteria: tuple[str, ...]
    red_flag: bool


def to_confirm(assessment: Assessment) -> list[ToConfirm]:
    """The user's words each criterion rests on, with the questions to check them; one item
    per quote, however many criteria rest on it."""
    found: dict[str, ToConfirm] = {}
    for c in assessment.criteria:
        span = _strongest(c.evidence)
        if span is None:
            continue
        quote = shorten(span.text)
        question = CONFIRM_QUESTIONS.get(c.key, f"Does this really hold: {c.name}?")
        known = found.get(quote)
        red = span.polarity == "negative"
        if known is None:
            found[quote] = ToConfirm(quote, (question,), (c.name,), red)
        else:
            found[quote] = ToConfirm(
                quote,
                known.questions + (question,),
                known.criteria + (c.name,),
                known.red_flag or red,
            )
    return list(found.values())


def _strongest(spans: Sequence[EvidenceSpan]) -> EvidenceSpan | None:
    """A red flag first (it decides more), else the first piece of evidence."""
    negative = [s for s in spans if s.polarity == "negative"]
    chosen = negative or list(spans)
    return chosen[0] if chosen else None


def not_mentioned(assessment: Assessment) -> list[str]:
    """Criteria the text says nothing about."""
    return [c.name for c in assessment.criteria if not c.evidence]


def steps_with_reasons(assessment: Assessment) -> list[tuple[str, str | None]]:
    """Each next step with the gap it closes (which quotes the user's text) when they pair up."""
    steps, gaps = assessment.next_steps, assessment.gaps
    if len(steps) == len(gaps):
        return list(zip(steps, gaps, strict=True))
    return [(step, None) for step in steps]


__all__ = [
    "CONFIRM_QUESTIONS",
    "ToConfirm",
    "not_mentioned",
    "shorten",
    "steps_with_reasons",
    "to_confirm",
]
