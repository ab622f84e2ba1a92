"""Follow-up rewriting: "And for the CFO?" or "a punchier one?" become standalone questions
built from the previous in-scope question of the conversation. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import content_words
from .intents import AUDIENCE_PATTERNS, ORDINAL_WORDS, ORDINALS, VARIANT_PATTERNS, classify_intent
from .patterns import alts, find_first, words
from .scope import GREETING, in_domain, is_injection, is_off_domain, is_project_description

# Words that do not carry a topic on their own (they refine the previous question).
FOLLOW_UP_FILLER = words(
    """version versions one ones more detail details again instead shorter longer elaborate
    expand example examples matter matters mean means say put way then ok okay sure yes also now
    said answer word words go continue why"""
)
ANAPHOR = alts(
    "that | this | it | its | those | them | these | they | mine | ours "
    "| the (other|last|next|same) | the (first|second|third|fourth)( one)?"
)
FOLLOW_UP_LEAD = re.compile(
    r"^((and|but|also|so|ok(ay)?|then|now)\b|(what|how)\s+about\b|same\s+(for|question)\b"
    r"|(in|for)\s+(the|a|an)\b)",
    re.IGNORECASE,
)
_NOT_TOPIC = (
    FOLLOW_UP_FILLER
    | ORDINALS.keys()
    | words(
        """ceo cfo cto lob board finance architect leader leaders business line chief formal slide
    slides punchy punchier slideware short brief"""
    )
)
PRODUCTION_AI = alts("production ai")
WHY = re.compile(r"^(and\s+)?(why|how\s+come)\b", re.IGNORECASE)
MORE = alts("tell me more | more detail | elaborate | expand | go on | say more | examples?")


def resolve_history(history: Sequence[dict[str, str]]) -> str | None:
    """The standalone form of the last in-scope user question in ``history``, or None."""
    resolved: str | None = None
    for turn in history:
        if turn.get("role") != "user":
            continue
        text = " ".join(str(turn.get("content", "")).split())
        if not text or is_injection(text) or GREETING.search(text):
            continue
        if is_project_description(text):
            continue
        if resolved and is_follow_up(text):
            text = rewrite_follow_up(text, resolved)
        if in_domain(text) and not is_off_domain(text):
            resolved = text
    return resolved


def is_follow_up(text: str) -> bool:
    """True for short or pronoun-led questions that lean on the previous one."""
    topic = _topic_words(text)
    if not topic:
        return True  # "why?", "and the CTO?", "a punchier one?"
    if PRODUCTION_AI.search(text) and len(topic) >= 2:
        return False
    anaphor = bool(ANAPHOR.search(text))
    if in_domain(text) and not anaphor:
        return False
    if anaphor and len(topic) <= 2:
        return True
    return len(topic) <= 3 and bool(FOLLOW_UP_LEAD.search(text))


def rewrite_follow_up(text: str, previous: str) -> str:
    """Rewrite a follow-up into a standalone question using the previous standalone question."""
    follow = text.strip()
    if (audience := find_first(AUDIENCE_PATTERNS, follow)) is not None:
        return _swap_audience(previous, audience[1])
    if (variant := find_first(VARIANT_PATTERNS, follow)) is not None:
        return _variant_question(variant[0])
    if (ordinal := _ordinal(follow)) is not None:
        return _ordinal_question(previous, ordinal)
    if WHY.search(follow):
        return f"{_sentence(previous)} Why does this matter?"
    if MORE.search(follow):
        return f"{_sentence(previous)} Tell me more."
    return f"{_sentence(follow)} (Follow-up to: {_sentence(previous)})"


def _swap_audience(previous: str, new_span: str) -> str:
    found = find_first(AUDIENCE_PATTERNS, previous)
    if found is not None:
        old = found[2]
        return previous[: old.start()] + new_span + previous[old.end() :]
    label = new_span if new_span.lower().startswith("the ") else f"the {new_span}"
    return f"{_sentence(previous).rstrip('?.!')}, explained for {label}?"


def _variant_question(variant: str) -> str:
    return f"What is the {variant} version of the Production AI definition?"


def _ordinal(text: str) -> int | None:
    match = re.search(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\b", text, re.IGNORECASE)
    if match:
        return ORDINALS[match.group(1).lower()]
    return 4 if re.search(r"\bthe\s+last(\s+one)?\b", text, re.IGNORECASE) else None


def _ordinal_question(previous: str, n: int) -> str:
    word = ORDINAL_WORDS[n - 1]
    intent = classify_intent(previous)[0]
    if intent == "bottom_line" and n <= 3:
        return f"What is the {word} part of the bottom-line test for Production AI?"
    if intent == "variants" and n <= 3:
        return _variant_question(("formal", "slide", "punchy")[n - 1])
    return f"What is the {word} hallmark of Production AI?"


def _topic_words(text: str) -> list[str]:
    """Content words that name a topic (not an audience, a variant, an ordinal or filler)."""
    return [w for w in content_words(text) if w not in _NOT_TOPIC]


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith(("?", ".", "!")) else f"{text}?"


__all__ = ["is_follow_up", "resolve_history", "rewrite_follow_up"]
