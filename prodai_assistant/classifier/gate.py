"""Is there anything to assess? Empty, junk, off-topic and non-AI text is stopped here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..text import Span, looks_binary, tokenize
from .scope import sentence_units

GateKind = Literal["ok", "empty", "binary", "too_short", "question", "irrelevant", "no_ai"]

# Words that name an AI component, or say in plain words that the system learns or predicts.
_AI = re.compile(
    r"(?-i:\bA\.?I\b|\bML\b|\bNLP\b|\bOCR\b|\bLLMs?\b|\bGPT[-\w]*|\bRAG\b|\bBERT\b|\bYOLO\b)"
    r"|\b(?:artificial intelligence|machine[- ]learning|deep learning|neural (?:net|network)s?"
    r"|large language models?|language models?|chatgpt|copilot|claude|gemini|llama|mistral"
    r"|openai|anthropic|bedrock|midjourney|generative|gen ?ai|chat ?bots?|chat assistant"
    r"|virtual (?:assistant|agent)|voice ?bots?|(?:ai|virtual) agent|agent assist|retrieval-"
    r"augmented|embeddings?|vector (?:search|database|store|index)|fine-?tun\w+|xgboost"
    r"|lightgbm|random forest|gradient[- ]boost\w*|logistic regression|transformers?"
    r"|scikit-learn|sklearn|pytorch|tensorflow|keras|hugging ?face|computer vision"
    r"|image recognition|object detection|speech[- ]to[- ]text|speech recognition"
    r"|(?:live )?transcription|natural language|sentiment analysis|text classification"
    r"|entity extraction|document (?:ai|understanding|intelligence)|intelligent document"
    r"|recommend(?:er|ation)s? (?:engine|system|model)|collaborative[- ]filtering"
    r"|anomaly detection|einstein|watson|now assist|textract|rekognition|vertex ai"
    r"|sagemaker|azure ml|datarobot|dataiku|h2o|classifier|propensity|predict\w*"
    r"|forecasting (?:model|service|engine)|summari[sz](?:er|es|ation)|mlops|llmops)\b"
    r"|\b(?:learn(?:s|ed|t|ing)?|trained|self-learning) (?:\w+ ){0,2}(?:from|on)\b"
    r"|\btrained (?:a|an|the)\b|\b(?:answers?|resolves?) (?:[\w,.~]+ ){0,3}(?:questions|chats"
    r"|conversations|queries)\b|\b(?:lead|credit|risk|fraud|churn|propensity|early[- ]warning"
    r"|deterioration|readmission|no-show) scor\w+"
    r"|\bbots?\b(?=[^.;]{0,80}\b(?:answers?|repl(?:y|ies)|chats?|responds?|talks?|questions)\b)"
    r"|\b(?:camera|vision)\b[^.;]{0,60}\b(?:looks?|spots?|checks?|detects?|recogni[sz]\w*"
    r"|sees?|inspects?|flags?|kicks? out|rejects?|grades?)\b"
    r"|\b(?:reads?|understands?|recogni[sz]es?)\b[^.;]{0,30}\b(?:handwrit\w+|speech|voices?"
    r"|images?|photos?|faces?)\b|\b(?:writes?|drafts?|generat\w+|suggests?|composes?)"
    r" (?:\w+ ){0,3}(?:replies|reply|responses?|answers?|summar\w+|descriptions?|posts?|copy)\b"
    r"|\b(?:isn't|is not|not) (?:sure|confident)\b|\bconfidence (?:score|threshold)\b"
    r"|\b(?:image|vision|scoring|pricing|churn|fraud|risk|credit|demand|ranking|triage"
    r"|forecast(?:ing)?|ml|ai|language|detection|classification|prediction) models?\b"
    r"|(?<!data )(?<!business )(?<!operating )(?<!delivery )(?<!subscription )(?<!revenue )"
    r"(?<!financial )(?<!cost )(?<!role )(?<!3d )(?<!service )(?<!engagement )\bmodels?\b"
    r"(?! (?:year|office|number)s?\b)"
    r"|\bmodel (?:that|which|to) (?:predicts|classifies|scores|detects|flags|ranks|recommends"
    r"|forecasts|reads|extracts|generates|drafts|answers|routes)\b",
    re.IGNORECASE,
)
# "production AI" is the topic of the question, "AI-powered" in a vendor's mouth is a claim.
_NOT_A_COMPONENT = re.compile(
    r"\b(?:production|real) ai\b|\b(?:market\w*|sells?|sold|brand\w*|calls?|called|labels?"
    r"|pitch\w*|advertis\w+|describ\w+) (?:it|its [\w-]+(?: [\w-]+)?|them|this|the [\w-]+)? ?as"
    r" ['\"\u2018\u201c]?(?:an? )?(?:ai|smart|intelligent)[\w-]*['\"\u2019\u201d]?",
    re.IGNORECASE,
)
# Only a denial right before the term counts here ("no machine learning", "doesn't use AI").
_DENIED_BEFORE = re.compile(
    r"\b(?:no|not|never|without|isn't|doesn't|don't|didn't|wasn't|aren't)(?:\s+[\w-]+){0,2}"
    r"(?:\s+(?:or|and|nor)(?:\s+[\w-]+){1,2})?\s*['\"\u2018\u201c]?$",
    re.IGNORECASE,
)
_NOT_AI = re.compile(
    r"\bno (?:machine learning|ml|ai|models?|artificial intelligence)\b|\bno (?:[\w-]+ (?:or|and"
    r"|nor) )?(?:[\w-]+ )?(?:machine[- ]learning|ml|ai|statistical|predictive|trained)"
    r" (?:models?|components?)\b|\b(?:isn't|is not"
    r"|not really|wasn't|not an?) (?:ai|ml|machine learning)\b|\b(?:doesn't|does not) use"
    r" (?:any )?(?:ai|ml|machine learning|models?)\b|\bwithout (?:any )?(?:ai|ml|machine"
    r" learning)\b|\b(?:keyword|hand-written|hard-coded|if-then) rules\b|\b(?:really|actually"
    r"|just|basically|simply|only) (?:a |an )?(?:set of |bunch of )?(?:\w+ )?rules\b",
    re.IGNORECASE,
)
_PROJECT = re.compile(
    r"\b(?:we|our|us|team|teams|company|business|customers?|clients?|users?|staff|employees"
    r"|agents|system|tool|platform|service|model|project|pilot|deploy\w*|launch\w*|rolled out"
    r"|production|live|integrat\w*|process(?:es)?|workflow|data|built|implement\w*|vendor"
    r"|licen[cs]\w*|department|operations|runs?|running|uses?|used|using|automat\w*"
    r"|invoices?|claims?|tickets?|orders?|contracts?|dashboard|migrat\w*|rules?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GateResult:
    kind: GateKind
    ai_spans: tuple[Span, ...] = field(default=())

    @property
    def assessable(self) -> bool:
        return self.kind == "ok"


def basic_check(text: str, min_words: int) -> GateKind:
    """Empty, binary, too short or only questions; otherwise "ok" so far."""
    if not text.strip():
        return "empty"
    if looks_binary(text) or _mostly_symbols(text):
        return "binary"
    words = tokenize(text)
    if len(words) < min_words:
        return "too_short"
    sentences = sentence_units(text)
    if all(s.text.rstrip().endswith("?") for s in sentences) and project_words(text) < 4:
        return "question"
    return "ok"


def _mostly_symbols(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters < 0.4 * len(text.strip())


def project_words(text: str) -> int:
    """How many distinct project-description words the text uses."""
    return len({m.group().lower() for m in _PROJECT.finditer(text)})


def ai_component(text: str) -> tuple[Span, ...]:
    """Asserted mentions of an AI component (negated ones and marketing labels excluded)."""
    excluded = [m.span() for m in _NOT_A_COMPONENT.finditer(text)]
    found: list[Span] = []
    for sentence in sentence_units(text):
        for match in _AI.finditer(text, sentence.start, sentence.end):
            if any(lo <= match.start() < hi for lo, hi in excluded):
                continue
            if not _DENIED_BEFORE.search(text, max(0, match.start() - 40), match.start()):
                found.append(Span(match.group(), match.start(), match.end()))
    return tuple(found)


def check(
    text: str, min_words: int, *, ai_similarity: float | None = None, signals: int = 0
) -> GateResult:
    """Decide whether ``text`` can be assessed. ``ai_similarity`` is the best cosine of any
    sentence to the AI-component prototypes (None without an embedder); ``signals`` counts the
    rubric cues found, which also mark text as describing a project."""
    kind = basic_check(text, min_words)
    if kind != "ok":
        return GateResult(kind)
    spans = ai_component(text)
    projecty = project_words(text) >= 2 or signals >= 2
    if _NOT_AI.search(text) and len(spans) <= 2:
        return GateResult("no_ai")
    if spans:
        return GateResult("ok" if projecty else "irrelevant", spans)
    if ai_similarity is not None and ai_similarity >= AI_SIMILARITY and projecty:
        return GateResult("ok")
    return GateResult("no_ai" if projecty else "irrelevant")


AI_SIMILARITY = 0.6


def looks_like_project_description(text: str) -> bool:
    """True for text that describes a (probably AI) project rather than asking about concepts;
    cheap and lexical, for the chat router."""
    if basic_check(text, 8) != "ok":
        return False
    first_person = re.search(r"\b(?:we|our|us|my|i)\b", text, re.IGNORECASE)
    return bool(ai_component(text)) and project_words(text) >= 3 and bool(first_person)


__all__ = [
    "AI_SIMILARITY",
    "GateKind",
    "GateResult",
    "ai_component",
    "basic_check",
    "check",
    "looks_like_project_description",
    "project_words",
]
