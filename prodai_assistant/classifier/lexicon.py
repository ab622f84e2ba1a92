"""The compiled lexicon: cues for D1-D8, buzzwords, and the "specifics" test.

Each cue names a concept (its tag) rather than one phrasing. Weight 1.0 is a strong, specific
signal and 0.5 a weak one (half credit, as the ML Test Score gives a manual practice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues_run import RUN_CUES
from .cues_use import USE_CUES
from .cues_value import VALUE_CUES
from .patterns import DATA_SYSTEMS, SYSTEM_NAMES
from .rubric import Dimension


@dataclass(frozen=True)
class Cue:
    dim: Dimension
    tag: str
    polarity: int  # +1 positive signal, -1 demo red flag
    weight: float
    regex: re.Pattern[str]


def _compile(rows: list[tuple[str, str, int, float, str]]) -> tuple[Cue, ...]:
    return tuple(
        Cue(dim, tag, polarity, weight, re.compile(pattern, re.IGNORECASE))  # type: ignore[arg-type]
        for dim, tag, polarity, weight, pattern in rows
    )


CUES: tuple[Cue, ...] = _compile(USE_CUES + RUN_CUES + VALUE_CUES)

# Red flags that say where the thing runs: a positive claim in the same clause
# ("deployed to our staging cluster") describes that place, not real operations.
# "Limited" flags say who uses it: a head count of testers is not real-user evidence.
PLACE_TAGS = frozenset({"sandbox", "concept", "dev_machine", "limited"})

BUZZWORDS = re.compile(
    r"\b(?:enterprise[- ]grade|production[- ](?:ready|grade)|best[- ]in[- ]class|best practices?"
    r"|cutting[- ]edge|state[- ]of[- ]the[- ]art|world[- ]class|next[- ]gen(?:eration)?"
    r"|industry[- ]leading|leverag\w+|synerg\w+|transformation(?:al)?|transformative"
    r"|revolutioni[sz]\w*|game[- ]chang\w+|seamless(?:ly)?|robust|scalable|at scale"
    r"|secure by design|fully (?:governed|automated|scalable|integrated)|ai[- ](?:first|native"
    r"|powered|driven)|agentic|holistic|unlock\w*|actionable insights|massive value"
    r"|unprecedented|harness(?:es|ing)?|intelligen(?:t|ce) (?:automation|fabric|layer)"
    r"|ai factory|industriali[sz]\w*|operationali[sz]ed|flagship|innovative|empower\w*"
    r"|measurable value|significant roi|drive (?:significant )?(?:value|roi)|thrilled"
    r"|responsible[- ]ai (?:principles|best practice)|deployed anywhere|built for scale)\b",
    re.IGNORECASE,
)

# Capitalised words that name no particular system, team or person.
_GENERIC_CAPS = frozenset(
    (
        "AI",
        "ML",
        "LLM",
        "LLMs",
        "GenAI",
        "MLOps",
        "LLMOps",
        "xOps",
        "DataOps",
        "DevOps",
        "CoE",
        "API",
        "APIs",
        "IT",
        "ROI",
        "KPI",
        "KPIs",
        "P&L",
        "SaaS",
        "CEO",
        "CFO",
        "CTO",
        "VP",
        "I",
        "Our",
        "We",
        "The",
        "It",
        "This",
        "That",
        "Data",
        "Analytics",
        "Enterprise",
        "Platform",
        "Cloud",
        "Digital",
        "Intelligence",
        "Smart",
        "Project",
        "Built",
        "Harness",
        "Robust",
        "Customers",
        "Thrilled",
        "Deploy",
        "Early",
        "Aurora",
        "Models",
        "Harnessing",
        "Responsible",
        "Generative",
        "Predictive",
        "Agentic",
    )
)
_CAPITAL_WORD = re.compile(r"(?<![#\w])([A-Z][\w&-]*[a-z0-9][\w&-]*|[A-Z]{2,}\d*)\b")
_SPECIFIC = re.compile(
    rf"\d|(?-i:\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)|\b(?!(?:our|my|the|a|an|your|whole|entire|this|that|its|their)\b)\w+"
    r" (?:team|department|desk|directorate|unit|crew|squad|office)\b"
    rf"|{SYSTEM_NAMES}|\b{DATA_SYSTEMS}\b",
    re.IGNORECASE,
)


def has_specifics(sentence: str) -> bool:
    """A number, date, named team or system, or a proper name beyond the first word."""
    if _SPECIFIC.search(sentence):
        return True
    words = [m.group(1) for m in _CAPITAL_WORD.finditer(sentence)]
    return any(word.split("-")[0] not in _GENERIC_CAPS for word in words[1:])


def is_buzz_only(sentence: str) -> bool:
    """Buzzwords with nothing specific behind them: no credit for anything in the sentence."""
    return bool(BUZZWORDS.search(sentence)) and not has_specifics(sentence)


__all__ = ["BUZZWORDS", "CUES", "PLACE_TAGS", "Cue", "has_specifics", "is_buzz_only"]
