"""The scope gate: prompt injection, clearly off-domain requests, greetings, the domain's
vocabulary, and pasted project descriptions (which go to the classifier). Pure."""

from __future__ import annotations

import re

from ..text import split_sentences, tokenize
from .intents import detect_audience
from .patterns import alts, words

INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|rule|prompt|guideline"
    r"|direction|context|polic|guardrail|filter|above)|\b(reveal|show|print|repeat|leak|output|dump)\b"
    r".{0,30}\b(your|the|hidden|initial)\b.{0,20}\b(instructions|prompt|rules|configuration)\b"
    r"|</?\s*(system|assistant|context|instructions?)\s*>|\[/?inst\]|<\|im_start\|>"
    r"|\b(answer|respond|reply)\s+(to\s+)?(every|all|each|any)\s+(questions?|messages?)\s+with\b",
    re.IGNORECASE,
)
INJECTION_PHRASES = alts(
    "disregard | system prompt | you are now | from now on (you|act|respond|answer) "
    "| developer mode | jail ?break\\w* | do anything now | pretend (to be|you are|you're) "
    "| role ?play\\w* | act as (if|an? (unfiltered|unrestricted|evil|different|new)) "
    "| (no|without) (any )?(restrictions|filters|guardrails|limits) | new instructions? "
    "| (ignore|forget|disregard) (everything|all|anything) (above|before|previous|prior|earlier"
    "|you were told) | act as (my|your|a|an) (personal|general|unrestricted|unfiltered|different"
    "|new)\\w*"
)
OFF_DOMAIN = alts(
    "weather | forecast | temperature | rain(ing)? | snow(ing)? | sunny | football | soccer "
    "| basketball | baseball | cricket | tennis | nba | nfl | world cup | super bowl | olympics "
    "| premier league | who won | recipes? | cook(ing)? | bak(e|ing) | ingredients? "
    "| (write|generate|debug|fix|implement|refactor) .{0,40}(code|function|script|program|class"
    "|regex|sql|query|unit test|snippet) | (python|javascript|typescript|java|c\\+\\+|rust|golang"
    "|bash) (function|script|code|program|class) | capital of | population of "
    "| who (founded|invented|discovered|wrote|painted|is the president|was the) "
    "| when was .{0,40}(born|founded|invented) | (tallest|longest|largest|smallest) (mountain"
    "|river|country|building|animal|planet) | jokes? | poems? | haiku | songs? | lyrics "
    "| limerick | bedtime story | translate .{0,40}(into|to) (french|spanish|german|italian"
    "|chinese|japanese|portuguese|dutch|arabic|hindi|russian|korean|english) | horoscope "
    "| zodiac | lottery | bitcoin | stock price | crypto | square root | derivative | integral "
    "| solve for | equation | movies? | films? | tv show | celebrity | vacation"
)
ARITHMETIC = re.compile(
    r"^\s*(what\s+is|what's|calculate|compute)?\s*[-+*/x^().\d\s=]*\d\s*[-+*/x^]\s*\d"
    r"[-+*/x^().\d\s=]*\??\s*$",
    re.IGNORECASE,
)

# A question must use some of these words or phrases to count as in the domain.
DOMAIN_WORDS = words(
    """ai a.i ml llm llms genai gen-ai agentic model models production productionise
    productionize pilot pilots poc pocs prototype prototypes demo demos sandbox xops mlops llmops
    aiops dataops roi p&l deploy deployed deploying deployment deployments governance governed
    govern audit audit-ready auditable cfo cto ceo board lob stakeholder stakeholders hallmark
    hallmarks rubric maturity operationalise operationalize operationalisation operationalization
    workflow workflows financials gartner tier-1 uptime chatbot copilot assistant automation
    automate automating machine-learning artificial intelligence predictive analytics inference
    embedded definition definitions punchy slideware buzzword buzzwords rubric criteria criterion
    dimension dimensions drift monitoring kpi okr sla slo runbook on-call compliance initiative
    initiatives experiment experiments production-ready production-grade productionised fail
    failure failures failed stall stalled stalls nanda statistics assessment assess assessed verdict
    evidence evidenced credit claimed variability d1 d2 d3 d4 d5 d6 d7 d8"""
)
DOMAIN_PHRASES = alts(
    "proof of concept | machine learning | bottom line | line of business | technical debt "
    "| edge cases? | data pipelines? | business process\\w* | three part test | wired into "
    "| just a demo | visible in (your )?financials | (formal|slide|slideware|punchy) version "
    "| weakest link | use cases? | elevator pitch | supported by (your )?operations | red flags? "
    "| positive signals? | owned and supported"
)
GREETING = re.compile(
    r"^((hi|hello|hey|hiya|howdy|greetings|good\s+(morning|afternoon|evening)|thanks|thank\s+you)"
    r"(\s+there)?[\s!.,]*|(help|\?|menu|start)[\s!.?]*|((hi|hello|hey)[\s,!.]+)?(what\s+can\s+you"
    r"\s+do|what\s+do\s+you\s+do|who\s+are\s+you|how\s+do\s+(i|you)\s+(use|work)(\s+this|\s+you)?"
    r"|what\s+are\s+you|how\s+can\s+you\s+help(\s+me)?)[\s?!.]*)$",
    re.IGNORECASE,
)
_DESCRIPTION_SUBJECT = alts("we | our | the team | my team | the company | they")
_DESCRIPTION_VERB = alts(
    "built | build | deployed | launched | uses? | used | runs? | running | trained | piloted "
    "| piloting | rolled out | integrated | handles | processes | serves"
)


def is_injection(text: str) -> bool:
    """Attempts to change, bypass or reveal the assistant's instructions."""
    return bool(INJECTION.search(text) or INJECTION_PHRASES.search(text))


def is_off_domain(text: str) -> bool:
    """Clearly unrelated requests (weather, sports, coding help, trivia, maths ...)."""
    return bool(OFF_DOMAIN.search(text) or ARITHMETIC.search(text))


def in_domain(text: str) -> bool:
    """True when the text uses the vocabulary of AI strategy and Production AI."""
    if DOMAIN_PHRASES.search(text) or detect_audience(text):
        return True
    return any(tok in DOMAIN_WORDS for tok in tokenize(text))


def is_project_description(text: str) -> bool:
    """Pasted project descriptions go to the classifier, not to retrieval."""
    if is_single_question(text):
        return False  # "How do we explain our pilot to the board?" asks, it does not describe
    try:
        from ..classifier import looks_like_project_description
    except ImportError:
        return looks_like_description(text)
    return bool(looks_like_project_description(text))


OWN_PROJECT = re.compile(
    r"\b(is|are)\s+(our|my|this|it)\b.{0,60}\b(demo|production|pilot|real)"
    r"|\b(our|my)\b.{0,40}\b(is|are)\b.{0,30}\b(demo|production|pilot|real)",
    re.IGNORECASE,
)


def asks_about_own_project(text: str) -> bool:
    """'Is our chatbot a demo?' without a description: the classifier could answer better."""
    return bool(OWN_PROJECT.search(text))


def is_single_question(text: str) -> bool:
    """One sentence that ends with a question mark."""
    return text.rstrip().endswith("?") and len(split_sentences(text)) <= 1


def looks_like_description(text: str) -> bool:
    """Fallback heuristic: several sentences in the first person about a system that exists."""
    words = tokenize(text)
    if len(words) < 30:
        return False
    return bool(_DESCRIPTION_SUBJECT.search(text) and _DESCRIPTION_VERB.search(text))


__all__ = [
    "DOMAIN_PHRASES",
    "DOMAIN_WORDS",
    "GREETING",
    "asks_about_own_project",
    "in_domain",
    "is_injection",
    "is_off_domain",
    "is_project_description",
    "is_single_question",
    "looks_like_description",
]
