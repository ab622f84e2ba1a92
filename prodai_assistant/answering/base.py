"""What every answer backend takes and returns, plus the fixed refusal and help texts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ..models import Audience, Citation, GuardDecision, Intent, ScoredChunk, Turn

SCOPE_TEXT = (
    "I can only answer questions about Production AI: how it differs from a demo, pilot or proof "
    "of concept, its four hallmarks, how to frame it for the CEO and board, the CFO, the CTO or "
    "line-of-business leaders, and the assessment rubric. I can also classify a pasted AI project "
    "description as production or demo."
)
REFUSAL_LEADS: dict[str, str] = {
    "injection": "I will not change, ignore or reveal my instructions.",
    "off_topic": "That question is outside what I can help with.",
    "no_evidence": "My knowledge base does not cover that question, so I will not guess.",
    "unknown_entity": "My knowledge base says nothing about the specifics you mention, "
    "so I will not guess.",
}
REFUSAL_EXAMPLE = 'Try, for example: "What are the four hallmarks of Production AI?"'

HELP_TEXT = """\
Hello! I answer one question enterprises ask: **is our AI real (Production AI), or just a demo?**
Every answer quotes the knowledge base with numbered citations.

I can:
- define Production AI and its four hallmarks;
- give the formal, slide or punchy version of the definition;
- frame it for the CEO and board, the CFO, the CTO or line-of-business leaders;
- compare pilots, proofs of concept and demos with production, and apply the bottom-line test;
- explain the assessment rubric, maturity levels and why pilots stall;
- classify a pasted AI project description as production or demo, criterion by criterion.

Try:
- "What is Production AI?"
- "How should I explain Production AI to the CFO?"
- "What is the punchy version of the definition?"
- "Is a proof of concept a strategy?"\
"""


@dataclass(frozen=True)
class AnswerRequest:
    """Everything a backend may use to answer one routed question."""

    question: str
    standalone_question: str
    intent: Intent
    audience: Audience = "all"
    # Search hits and the sections the route pinned: the only chunks an answer may cite.
    retrieved: Sequence[ScoredChunk] = ()
    history: Sequence[Turn] = ()
    # The router's focus ('hallmark:3', 'term:xops'); its section is in ``retrieved``, pinned.
    focus: str | None = None
    # The form asked for: default, shorter, one_sentence, bullets, prose, two_versions, compare.
    form: str = "default"
    # The last answer, when the question only asks about it ("why?", "shorter please", "as
    # bullets"): the answer keeps its facts, drawn again from the passages it came from.
    previous_answer: str = ""


@dataclass(frozen=True)
class Composed:
    """A backend's answer: markdown with [n] markers and the citations they map to."""

    answer: str
    citations: list[Citation] = field(default_factory=list)
    guard: list[GuardDecision] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    refused: bool = False
    refusal_reason: str | None = None
    model: str | None = None


@runtime_checkable
class AnswerBackend(Protocol):
    """Turns retrieved evidence into a cited answer."""

    name: str

    def compose(self, request: AnswerRequest) -> Composed: ...


TokenSink = Callable[[str], None]


@runtime_checkable
class StreamingBackend(AnswerBackend, Protocol):
    """A backend that generates text: deltas first (a preview), then the final Composed."""

    def stream(self, request: AnswerRequest) -> Iterator[str | Composed]: ...


def streams(backend: AnswerBackend) -> bool:
    """True when the backend generates its answer token by token (an LLM, not extractive)."""
    return callable(getattr(backend, "stream", None))


def compose_with_tokens(
    backend: AnswerBackend, request: AnswerRequest, on_token: TokenSink | None = None
) -> Composed:
    """``backend.compose``, but passing text deltas to ``on_token`` when the backend streams.

    Deltas are an unverified preview: the returned Composed (after the fidelity guard) is the
    answer. A backend that does not stream never calls ``on_token``.
    """
    if on_token is None or not isinstance(backend, StreamingBackend):
        return backend.compose(request)
    final: Composed | None = None
    for item in backend.stream(request):
        if isinstance(item, Composed):
            final = item
        else:
            on_token(item)
    return final if final is not None else backend.compose(request)


SHORT_FORMS = frozenset({"shorter", "one_sentence"})


def part_form(form: str, parts: int) -> str:
    """The form of each part of an answer in ``parts`` labelled parts: a short answer for
    several audiences gives one sentence to each, so the whole stays short."""
    return "one_sentence" if parts > 1 and form in SHORT_FORMS else form


def merge_audiences(parts: Sequence[tuple[str, Composed]]) -> Composed:
    """One answer in labelled parts, one per audience, each passage cited once: a paragraph
    every part would open with is said once, before the labels; a later part leaves out a
    paragraph an earlier part already gave; markers are renumbered in reading order."""
    from .lens import LENS_LABELS  # "For the CFO:" ...

    citations: list[Citation] = []
    seen: dict[tuple[str, str], int] = {}
    texts: list[list[str]] = []  # each part's paragraphs, markers shared across parts
    for _, composed in parts:
        mapping: dict[int, int] = {}
        for c in composed.citations:
            key = (c.chunk_id, c.quote)
            if key not in seen:
                seen[key] = len(citations) + 1
                citations.append(c.model_copy(update={"marker": seen[key]}))
            mapping[c.marker] = seen[key]
        texts.append([p for p in _renumber(composed.answer, mapping).split("\n\n") if p.strip()])
    shared = [p for p in texts[0] if all(p in other for other in texts[1:])] if texts else []
    blocks = ["\n\n".join(shared)] if shared else []
    given = set(shared)
    for (audience, _), paragraphs in zip(parts, texts, strict=True):
        own = [p for p in paragraphs if p not in given] or paragraphs
        given.update(own)
        label = f"**{LENS_LABELS.get(audience, f'For {audience}:')}**"
        body = "\n\n".join(own)
        blocks.append(body if body.startswith(label) else f"{label}\n\n{body}")
    answer, kept = _in_reading_order("\n\n".join(blocks), citations)
    notices = list(dict.fromkeys(n for _, c in parts for n in c.notices))
    guard = [g for _, c in parts for g in c.guard]
    return Composed(
        answer=answer,
        citations=kept,
        guard=guard,
        notices=notices,
        model=parts[0][1].model if parts else None,
    )


def _in_reading_order(answer: str, citations: Sequence[Citation]) -> tuple[str, list[Citation]]:
    """Markers renumbered 1, 2, ... as they first appear; citations the text no longer uses
    dropped."""
    order = list(dict.fromkeys(int(m) for m in re.findall(r"\[(\d+)\]", answer)))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    by_marker = {c.marker: c for c in citations}
    kept = [
        by_marker[old].model_copy(update={"marker": new})
        for old, new in mapping.items()
        if old in by_marker
    ]
    return _renumber(answer, mapping), kept


def append_part(
    answer: str, citations: Sequence[Citation], part: Composed, label: str
) -> tuple[str, list[Citation]]:
    """``answer`` followed by ``part`` under a label line, the part's markers renumbered after
    the answer's (a passage both cite keeps its first number)."""
    merged = list(citations)
    seen = {(c.chunk_id, c.quote): c.marker for c in merged}
    mapping: dict[int, int] = {}
    for c in part.citations:
        key = (c.chunk_id, c.quote)
        if key not in seen:
            seen[key] = max((m.marker for m in merged), default=0) + 1
            merged.append(c.model_copy(update={"marker": seen[key]}))
        mapping[c.marker] = seen[key]
    return f"{answer}\n\n**{label}**\n\n{_renumber(part.answer, mapping)}", merged


def _renumber(answer: str, mapping: dict[int, int]) -> str:
    """Rewrite [n] markers (the marker syntax is a definition) through ``mapping``."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", answer)


def refusal_text(reason: str) -> str:
    """The fixed refusal for a reason; unknown reasons get the off-topic wording."""
    lead = REFUSAL_LEADS.get(reason, REFUSAL_LEADS["off_topic"])
    return f"{lead} {SCOPE_TEXT} {REFUSAL_EXAMPLE}"


def refusal(reason: str) -> Composed:
    """A refused answer with no citations."""
    key = reason if reason in REFUSAL_LEADS else "off_topic"
    return Composed(answer=refusal_text(key), refused=True, refusal_reason=key)


def greeting() -> Composed:
    """The help message: not a refusal, no citations needed."""
    return Composed(answer=HELP_TEXT)


__all__ = [
    "HELP_TEXT",
    "SCOPE_TEXT",
    "AnswerBackend",
    "AnswerRequest",
    "Composed",
    "StreamingBackend",
    "TokenSink",
    "append_part",
    "compose_with_tokens",
    "greeting",
    "merge_audiences",
    "refusal",
    "refusal_text",
    "streams",
]
