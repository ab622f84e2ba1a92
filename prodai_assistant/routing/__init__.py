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
from ..text import split_sentences, tokenize
from .evidence import evidence_refusal, unknown_names
from .model import (
    RouterModel,
    Understanding,
    context_texts,
    feature_texts,
    features,
    last_sentence,
)
from .pins import named_terms, pinned_sections

INJECTION_P = 0.5
# Below this, the model has not placed a message in a topic (a follow-up that only names an
# audience is then read as asking for that audience's view).
UNSURE_P = 0.6
# The router is sure of an intent at this probability; the evidence gate then trusts it for
# the intents whose answers quote fixed sections (SECTION_INTENTS).
SURE_P = 0.9
SECTION_INTENTS = frozenset({"definition", "hallmarks", "bottom_line", "variants", "rubric"})
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
    general_single: bool = False  # one question the model could not place in a topic
    sure: bool = False  # placed with confidence in an intent that quotes fixed sections


# Numbered parts are read as numbers, not learned: "third", "3rd" and "3" all name part 3.
NUMBERS = {
    **{str(n): n for n in range(10)},
    **dict(first=1, second=2, third=3, fourth=4, two=2, three=3, four=4),  # "one": "third one"
    **{"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "zero": 0},
}
_NUMBERED = {"hallmarks": ("hallmark", 1, 4), "bottom_line": ("part", 1, 3)}
ORDINALS = frozenset({"first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th"})
PART_NAMES = frozenset({"hallmark", "halmark", "part", "number", "no", "nr", "#"})
# Between two numbers, these make a range ("levels 0 to 4", "D1 through D8"); other words
# ("2 vs 3", "1 and 2") list them.
RANGE_WORDS = frozenset({"to", "through", "thru", "till", "until"})
LEVEL_WORDS = frozenset({"level", "levels", "lvl", "lvls"})
# Words that may stand between a "level" and the numbers it names ("level 2 vs 3").
LIST_WORDS = frozenset({"and", "or", "vs", "versus", "v", "from", "between", "with"}) | LEVEL_WORDS


def _with_ranges(numbers: Sequence[tuple[int, int]], tokens: Sequence[str]) -> set[int]:
    """The numbers named at token positions, with "a to b" read as every number between."""
    named = {n for _, n in numbers}
    for (i, a), (j, b) in zip(numbers, numbers[1:], strict=False):
        if a < b and any(t in RANGE_WORDS for t in tokens[i + 1 : j]):
            named.update(range(a, b + 1))
    return named


def _several(kind: str, named: set[int]) -> str | None:
    """'level:2+3' for several named parts, 'level:2' for one, None for none."""
    if not named:
        return None
    return f"{kind}:{'+'.join(str(n) for n in sorted(named))}"


def numbered_focus(text: str, intent: Intent) -> str | None:
    """The numbered parts a question names: 'hallmark:3', 'part:2', 'dimension:5' or
    'level:2'; several as 'level:2+3' ("level 2 vs 3", "levels 0 to 4"); None when it names
    none, or names both dimensions and levels."""
    tokens = tokenize(text)
    if intent == "rubric":
        dims = [
            (i, int(t[1]))
            for i, t in enumerate(tokens)
            if len(t) == 2 and t[0] == "d" and t[1] in "12345678"
        ]
        levels: list[tuple[int, int]] = []
        after_level = False
        for i, t in enumerate(tokens):
            if t in LEVEL_WORDS:
                after_level = True
            elif after_level and t in NUMBERS and NUMBERS[t] <= 4:
                levels.append((i, NUMBERS[t]))
            elif t not in LIST_WORDS | RANGE_WORDS:
                after_level = False
        if dims and not levels:
            return _several("dimension", _with_ranges(dims, tokens))
        if levels and not dims:
            return _several("level", _with_ranges(levels, tokens))
        return None
    if intent not in _NUMBERED:
        return None
    kind, low, high = _NUMBERED[intent]
    # An ordinal names a part anywhere ("the third one"); a cardinal only right after the
    # part's name ("hallmark 3", "part two"): "the 4 hallmarks", "all three", "2 million" count.
    named = {
        NUMBERS[t]
        for i, t in enumerate(tokens)
        if t in NUMBERS
        and low <= NUMBERS[t] <= high
        and (t in ORDINALS or (i > 0 and tokens[i - 1] in PART_NAMES))
    }
    return f"{kind}:{named.pop()}" if len(named) == 1 else None


def names_every_part(text: str, intent: Intent) -> bool:
    """Asks for every part ("the four hallmarks", "its three parts", "the three-part test"):
    no single part is then the focus, whatever the model heard."""
    wholes = {"hallmarks": ({"four", "4", "all"}, {"hallmarks", "halmarks"}),
              "bottom_line": ({"three", "3", "all"}, {"parts", "part"})}  # fmt: skip
    if intent not in wholes:
        return False
    counts, plurals = wholes[intent]
    tokens = tokenize(text)
    joined = {f"{c}-{p}" for c in counts for p in plurals}
    pairs = zip(tokens, tokens[1:], strict=False)
    return any(t in joined for t in tokens) or any(a in counts and b in plurals for a, b in pairs)


# Titles are read as titles (a definition): the learned heads add the roles people imply.
TITLES: dict[str, Audience] = {
    "ceo": "ceo", "ceos": "ceo", "board": "ceo", "cfo": "cfo", "cfos": "cfo",
    "cto": "cto", "ctos": "cto", "cio": "cto", "lob": "lob",
}  # fmt: skip
IMPLIED_BESIDE_NAMED = 0.9  # an implied role joins a named one only when the model is sure


def audiences_of(text: str, u: Understanding) -> tuple[Audience, ...]:
    """Named titles, plus the roles the model hears implied (surer when a title is named)."""
    named = {TITLES[t] for t in tokenize(text) if t in TITLES}
    floor = IMPLIED_BESIDE_NAMED if named else 0.5
    implied = {a for a, p in zip(AUDIENCES[1:], u.audience_p or (), strict=False) if p >= floor}
    if not u.audience_p:
        implied = {a for a in AUDIENCES if a in u.audiences}
    return tuple(a for a in AUDIENCES if a in named | implied)


def single_question(text: str) -> bool:
    """One sentence that asks (a description describes; a question about it asks)."""
    sentences = split_sentences(text)
    return len(sentences) == 1 and sentences[0].rstrip().endswith("?")


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


ORDINAL_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def focus_question(focus: str) -> str | None:
    """The standalone question a focus stands for ('hallmark:3' -> the third hallmark)."""
    kind, _, value = focus.partition(":")
    if "+" in value:
        return None  # several parts: the question as asked names them
    number = int(value) if value.isdigit() else 0
    if kind == "hallmark" and number in ORDINAL_NAMES:
        return f"What is the {ORDINAL_NAMES[number]} hallmark of Production AI?"
    if kind == "part" and number in ORDINAL_NAMES:
        return f"What is the {ORDINAL_NAMES[number]} part of the bottom-line test?"
    if kind == "variant":
        return f"What is the {value} version of the definition of Production AI?"
    if kind == "dimension":
        return f"What does dimension D{value} of the assessment rubric check?"
    if kind == "level":
        return f"What is maturity level {value}?"
    if kind == "term":
        return f"What does {value.replace('-', ' ')} mean?"
    return None


def _short(text: str) -> bool:
    """A fragment that leans on the conversation for its subject ("and the third one?")."""
    return len(text.split()) <= 6


def standalone(
    text: str,
    u: Understanding,
    intent: Intent,
    history: Sequence[Mapping[str, str]],
    audiences: Sequence[Audience] = (),
    focus: str | None = None,
) -> str:
    """The question a follow-up stands for: the earlier question, retargeted."""
    _, previous, _ = context_texts(text, history)
    if not u.followup or not previous:
        return text
    if intent == "stakeholder" and len(audiences) == 1:
        return f"How should I explain Production AI to the {AUDIENCE_LABELS[audiences[0]]}?"
    short = _short(text)
    if short and focus and (asked := focus_question(focus)):
        return asked  # "and the third one?" after the hallmarks
    if short and intent in TEMPLATES and intent != "definition":
        return TEMPLATES[intent]  # "a punchier version of that?" after the definition
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
    audiences = audiences_of(text, u)
    if len(audiences) == len(AUDIENCES) - 1:
        audiences = ()  # every stakeholder: the overview with a line for each

    if intent == "out_of_scope" or (injected and intent == "greeting"):
        return Route("out_of_scope", text, reason="injection" if injected else "off_topic")
    if intent == "greeting" and not u.followup:
        return Route("greeting", text, reason="greeting or help request")
    if u.is_description and not single_question(text):
        return Route("assessment", text, reason=f"a project description ({u.kind})")
    if intent in ("definition", "general") and len(audiences) == 1:
        intent = "stakeholder"  # "what does it mean for the CTO?" asks for that stakeholder's view
    elif (
        u.followup
        and len(audiences) == 1
        and intent != "assessment"
        and (u.retargeted or u.intent_p < UNSURE_P)
        and _short(text)
        and numbered_focus(text, intent) is None
    ):
        # "and for finance people?" after the hallmarks: a fragment that names only a new
        # audience (or leaves the topic unsure) asks for that audience's view
        intent = "stakeholder"
    asks_own = intent == "assessment" or u.is_description
    if asks_own:  # "is our bot production?" with nothing to assess: answer the test itself
        intent = "comparison"
    focus = numbered_focus(text, intent)
    if focus is None and not names_every_part(text, intent):
        focus = focus_of(intent, u.focus, audiences)
    resolved = standalone(text, u, intent, history, audiences, focus)
    focus = focus or numbered_focus(resolved, intent)
    return Route(
        intent=intent,
        standalone_question=resolved,
        audience_hint=audiences[0] if audiences else None,
        reason=f"learned: {u.intent} ({u.intent_p:.2f})",
        focus=focus,
        rewritten=resolved != text,
        audiences=audiences,
        form=u.form,
        injection=injected,
        asks_own=asks_own,
        general_single=single_question(text) and (intent == "general" or u.intent_p < UNSURE_P),
        sure=u.intent_p >= SURE_P and intent in SECTION_INTENTS,
    )


__all__ = [
    "INJECTION_P",
    "INTENTS",
    "SECTION_INTENTS",
    "SURE_P",
    "TITLES",
    "audiences_of",
    "Route",
    "RouterModel",
    "Understanding",
    "context_texts",
    "evidence_refusal",
    "feature_texts",
    "features",
    "last_sentence",
    "focus_of",
    "focus_question",
    "named_terms",
    "names_every_part",
    "numbered_focus",
    "pinned_sections",
    "route",
    "single_question",
    "standalone",
    "unknown_names",
]
