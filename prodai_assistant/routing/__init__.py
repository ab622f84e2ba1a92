"""Intent router: scope and injection gate, follow-up rewriting, rule-based intents. Pure.

Deterministic by design: every decision is a regex or word-set rule, so the same question and
history always route the same way, and the reason for each route is a readable string.

- ``scope``: injection, off-domain, greeting and project-description checks, domain vocabulary;
- ``intents``: intent rules and the focus ('hallmark:3', 'term:xops') within an intent;
- ``followup``: rewriting follow-ups into standalone questions;
- ``evidence``: the gate that refuses when retrieval found nothing about the question;
- ``pins``: the corpus sections a route names, which retrieval includes ("pinned").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Audience, Intent
from .evidence import evidence_refusal, question_domain_stems, question_specifics, unknown_specifics
from .followup import is_follow_up, resolve_history, rewrite_follow_up
from .intents import classify_intent, detect_audience
from .pins import pinned_sections
from .scope import (
    GREETING,
    asks_about_own_project,
    in_domain,
    is_injection,
    is_off_domain,
    is_project_description,
    is_single_question,
    looks_like_description,
)


@dataclass(frozen=True)
class Route:
    """Where a question goes and why."""

    intent: Intent
    standalone_question: str
    audience_hint: Audience | None = None
    reason: str = ""
    focus: str | None = None  # e.g. 'hallmark:3', 'variant:punchy', 'term:xops'
    rewritten: bool = False


def route(question: str, history: Sequence[dict[str, str]] | None = None) -> Route:
    """Route one (already cleaned) question, using earlier user turns to resolve follow-ups."""
    text = question.strip()
    if is_injection(text):
        return Route("out_of_scope", text, reason="injection")
    if GREETING.search(text):
        return Route("greeting", text, reason="greeting or help request")
    if is_project_description(text):
        return Route("assessment", text, reason="looks like a project description")
    if is_off_domain(text):
        return Route("out_of_scope", text, reason="off_topic")
    previous = resolve_history(history or [])
    standalone = text
    if previous and is_follow_up(text):
        standalone = rewrite_follow_up(text, previous)
    rewritten = standalone != text
    if not in_domain(standalone):
        return Route("out_of_scope", standalone, reason="off_topic", rewritten=rewritten)
    intent, focus, why = classify_intent(standalone)
    return Route(intent, standalone, detect_audience(standalone), why, focus, rewritten)


__all__ = [
    "Route",
    "asks_about_own_project",
    "classify_intent",
    "detect_audience",
    "evidence_refusal",
    "in_domain",
    "is_follow_up",
    "is_injection",
    "is_off_domain",
    "is_single_question",
    "looks_like_description",
    "pinned_sections",
    "question_domain_stems",
    "question_specifics",
    "resolve_history",
    "rewrite_follow_up",
    "route",
    "unknown_specifics",
]
