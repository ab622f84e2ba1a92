"""Where a message goes: the learned understanding (``model``) turned into a route. Pure.

- ``model``: intent, audiences, kind, form, follow-up, injection and focus, learned from
  ``banks/questions`` (``python -m prodai_assistant.learning.train router``);
- ``evidence``: the gate that refuses when retrieval found nothing about the question;
- ``pins``: the corpus sections a route names, which retrieval includes ("pinned").

The mappings below are definitions: the bank's labels onto the product's intents and the corpus
sections they name, and the standalone question a follow-up stands for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import AUDIENCE_LABELS, AUDIENCES, Audience, Intent
from .evidence import evidence_refusal
from .model import RouterModel, Understanding, context_texts, features
from .pins import pinned_sections

INJECTION_P = 0.5
# The bank's intent labels onto the product's intents (which pick corpus sections).
INTENTS: dict[str, Intent] = {
    "definition": "definition",
    "hallmarks": "hallmarks",
    "bottom_line": "bottom_line",
    "variants": "variants",
    "stakeholder": "stakeholder",
    "comparison": "comparison",
    "pilot_to_production": "general",  # how to get there: retrieval picks the sections
    "statistics": "statistics",
    "maturity": "rubric",
    "rubric": "rubric",
    "glossary": "glossary",
    "general": "general",
    "assessment": "assessment",
    "greeting": "greeting",
    "out_of_scope": "out_of_scope",
}
# The bank's focus labels onto the sections pins.py knows ('hallmark:3', 'term:xops' ...).
_PARTS = {"data": "1", "operations": "2", "financials": "3"}
_TERMS = {"poc": "proof-of-concept-poc", "p&l": "p-l", "tier-1": "tier-1-asset"}
# What an elliptical follow-up stands for, when the conversation gives only its subject.
TEMPLATES: dict[Intent, str] = {
    "definition": "What is Production AI?",
    "hallmarks": "What are the four hallmarks of Production AI?",
    "bottom_line": "What is the bottom-line test for Production AI?",
    "variants": "What are the formal, slide and punchy versions of the definition?",
    "comparison": "How does a pilot or proof of concept differ from Production AI?",
    "statistics": "Why do AI pilots stall before production?",
    "rubric": "How does the Production AI assessment rubric work?",
}


@dataclass(frozen=True)
class Route:
    """Where a question goes and why."""

    intent: Intent
    standalone_question: str
    audience_hint: Audience | None = None
    reason: str = ""
    focus: str | None = None  # e.g. 'hallmark:3', 'variant:punchy', 'term:xops'
    rewritten: bool = False
    audiences: tuple[Audience, ...] = ()
    form: str = "default"
    injection: bool = False  # an instruction inside an answerable question was ignored
    asks_own: bool = False  # asks to judge the user's own project without describing it


def focus_of(intent: Intent, label: str | None, audiences: Sequence[str]) -> str | None:
    """The product focus for a bank focus label, when it belongs to the routed intent."""
    if intent == "stakeholder" and len(audiences) == 1:
        return f"audience:{audiences[0]}"
    if not label:
        return None
    if intent == "hallmarks" and label in "1234":
        return f"hallmark:{label}"
    if intent == "bottom_line" and label in _PARTS:
        return f"part:{_PARTS[label]}"
    if intent == "variants" and label in ("formal", "slide", "punchy"):
        return f"variant:{label}"
    if intent == "rubric" and label[:1] == "D" and label[1:].isdigit():
        return f"dimension:{label[1:]}"
    if intent == "rubric" and label[:1] == "L" and label[1:].isdigit():
        return f"level:{label[1:]}"
    if intent == "glossary":
        return f"term:{_TERMS.get(label, label)}"
    return None


def standalone(
    text: str, u: Understanding, intent: Intent, history: Sequence[Mapping[str, str]]
) -> str:
    """The question a follow-up stands for: the earlier question, retargeted."""
    _, previous, _ = context_texts(text, history)
    if not u.followup or not previous:
        return text
    named = [a for a in AUDIENCES if a in u.audiences]
    if intent == "stakeholder" and len(named) == 1:
        return f"How should I explain Production AI to the {AUDIENCE_LABELS[named[0]]}?"
    short = len(text.split()) <= 4 or u.form != "default"
    if short and intent in TEMPLATES and u.focus is None:
        return previous if u.form != "default" else TEMPLATES[intent]
    return previous if short else f"{previous} {text}"


def route(
    question: str, history: Sequence[Mapping[str, str]] | None, understood: Understanding
) -> Route:
    """Route one (already cleaned) question from what the model understood of it."""
    text = question.strip()
    history = history or []
    u = understood
    injected = u.injection >= INJECTION_P
    intent = INTENTS[u.intent]
    audiences: tuple[Audience, ...] = tuple(a for a in AUDIENCES if a in u.audiences)
    if intent == "out_of_scope":
        return Route("out_of_scope", text, reason="injection" if injected else "off_topic")
    if intent == "greeting" and not u.followup:
        return Route("greeting", text, reason="greeting or help request")
    if u.is_description:
        return Route("assessment", text, reason=f"a project description ({u.kind})")
    asks_own = intent == "assessment"
    if asks_own:  # "is our bot production?" with nothing to assess: answer the test itself
        intent = "comparison"
    resolved = standalone(text, u, intent, history)
    return Route(
        intent=intent,
        standalone_question=resolved,
        audience_hint=audiences[0] if audiences else None,
        reason=f"learned: {u.intent} ({u.intent_p:.2f})",
        focus=focus_of(intent, u.focus, audiences),
        rewritten=resolved != text,
        audiences=audiences,
        form=u.form,
        injection=injected,
        asks_own=asks_own,
    )


__all__ = [
    "INTENTS",
    "Route",
    "RouterModel",
    "Understanding",
    "context_texts",
    "evidence_refusal",
    "features",
    "focus_of",
    "pinned_sections",
    "route",
    "standalone",
]
