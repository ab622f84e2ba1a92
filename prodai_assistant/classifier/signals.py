"""Signal detection: lexicon cues and prototype similarity, each read through its clause's
negation and modality. Every signal quotes its clause with exact offsets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from ..text import Span
from .lexicon import CUES, PLACE_TAGS, Cue, is_buzz_only
from .scope import Modality, clause_spans, has_negation, is_past_state, lead_in, modality
from .semantic import Key, semantic_hits

Source = Literal["lexicon", "semantic"]

# A measured effect someone only reports second-hand counts for half: hearsay, beliefs and
# a vendor's claims; finance or audit saying so is the measurement itself, not hearsay.
_HEARSAY = re.compile(
    r"\b(?:says?|said|think|thinks|feel|feels|believe|believes|reckon|seems?|apparently"
    r"|anecdotal\w*|probably|roughly guess|case stud(?:y|ies)|claim(?:s|ed)? (?:that|to|up to"
    r"|about|\d)|(?:vendor|supplier|provider|they)['\u2019]?s? (?:claims?|marketing|brochure))\b",
    re.IGNORECASE,
)
_FINANCE_VOICE = re.compile(
    r"\b(?:finance|cfo|controller|controlling|fp&a|auditors?)\b[^.;]{0,25}?\b(?:says?|said)\b",
    re.IGNORECASE,
)
# A denial that value reaches the books outranks the "budget line" of ownership it mentions.
_BOOK_DENIALS = frozenset({"not_in_books"})
_QUALIFIERS = frozenset({"separate_tool", "file_handoff"})
_EMBEDDING = frozenset({"written_back", "inside_tools", "team_use", "workflow", "system_named"})
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Signal:
    dim: str
    tag: str
    polarity: int  # after scope: +1 counts for the dimension, -1 against it
    weight: float
    span: Span  # the clause, quoted as evidence
    sentence: int
    modality: Modality
    source: Source = "lexicon"
    raw_polarity: int = 1  # the cue's own polarity, before negation or modality
    cue_span: tuple[int, int] = (0, 0)  # the matched words inside the clause


@dataclass(frozen=True)
class _Match:
    cue: Cue
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def detect(
    text: str,
    sentences: list[Span],
    scores: Mapping[int, dict[Key, float]] | None = None,
) -> list[Signal]:
    """All signals in ``text``; ``scores`` (sentence index -> best cosine per prototype key)
    adds half-credit semantic signals to those sentences."""
    lexical = [
        signal
        for index, sentence in enumerate(sentences)
        for signal in _sentence_signals(text, sentence, index)
    ]
    return add_semantic(text, sentences, lexical, scores or {})


def add_semantic(
    text: str,
    sentences: list[Span],
    lexical: list[Signal],
    scores: Mapping[int, dict[Key, float]],
) -> list[Signal]:
    """Lexical signals plus semantic ones for the scored sentences, in sentence order."""
    found: list[Signal] = []
    for index, sentence in enumerate(sentences):
        own = [s for s in lexical if s.sentence == index]
        found.extend(own)
        if index in scores:
            found.extend(_semantic_signals(text, sentence, index, scores[index], own))
    return found


def needs_similarity(signals: list[Signal], count: int) -> list[int]:
    """Sentences the lexicon found nothing strong in: the only ones worth embedding."""
    strong = {s.sentence for s in signals if s.weight >= 1.0 and s.source == "lexicon"}
    return [index for index in range(count) if index not in strong]


def _raw_matches(text: str, sentence: Span) -> list[_Match]:
    matches = [
        _Match(cue, m.start(), m.end())
        for cue in CUES
        for m in cue.regex.finditer(text, sentence.start, sentence.end)
        if m.end() > m.start()
    ]
    matches = _qualify_embedding(matches)
    kept: list[_Match] = []
    # Longer matches win: "used to sort them by hand" is a removed manual step, not a manual one.
    for match in sorted(matches, key=lambda m: (-m.length, m.start, m.cue.tag)):
        if not any(_shadowed(match, other) for other in kept):
            kept.append(match)
    # "does not appear in any budget line" is about value in the books, not who funds the run.
    books = [m for m in kept if m.cue.dim == "D7" and m.cue.tag in _BOOK_DENIALS]
    kept = [
        m
        for m in kept
        if not (m.cue.tag == "budget" and any(m.start < b.end and b.start < m.end for b in books))
    ]
    return sorted(kept, key=lambda m: (m.start, m.cue.dim, m.cue.tag))


def _qualify_embedding(matches: list[_Match]) -> list[_Match]:
    """An embedding cue that overlaps a hand-off ("uploaded the file to the email tool") is
    dropped, and one that overlaps a stand-alone tool ("shown in a separate portal") is only
    half credit, before the longer-match rule would let it hide the qualifier."""
    found: list[_Match] = []
    for m in matches:
        hits = {
            q.cue.tag
            for q in matches
            if q.cue.tag in _QUALIFIERS and m.start < q.end and q.start < m.end
        }
        if m.cue.dim != "D2" or m.cue.tag not in _EMBEDDING or not hits:
            found.append(m)
        elif "file_handoff" not in hits:
            found.append(_Match(replace(m.cue, weight=0.5), m.start, m.end))
    return found


def _shadowed(match: _Match, other: _Match) -> bool:
    """Same dimension and overlapping: opposite cues or repeats of one cue yield to the longer."""
    if match.cue.dim != other.cue.dim or not (match.start < other.end and other.start < match.end):
        return False
    return match.cue.polarity != other.cue.polarity or match.cue.tag == other.cue.tag


def _sentence_signals(text: str, sentence: Span, index: int) -> list[Signal]:
    matches = _raw_matches(text, sentence)
    clauses = clause_spans(text, sentence)
    exempt = [(m.start, m.end) for m in matches if has_negation(text[m.start : m.end])]
    signals: list[Signal] = []
    for match in matches:
        at = next((i for i, c in enumerate(clauses) if c.start <= match.start < c.end), None)
        clause = sentence if at is None else clauses[at]
        context = "" if at is None else lead_in(text, clauses, at)
        others = [r for r in exempt if r != (match.start, match.end)]
        mode = modality(text, clause, (match.start, match.end), others, context)
        signal = _apply_scope(match, mode, clause, sentence, index, text)
        if signal is not None:
            signals.append(signal)
    signals = _drop_placed_positives(signals)
    signals = _drop_manual_targets(signals)
    signals = _upgrade_live_use(signals, sentence)
    return _void_buzzwords(signals, sentence)


def _apply_scope(
    match: _Match, mode: Modality, clause: Span, sentence: Span, index: int, text: str
) -> Signal | None:
    cue = match.cue
    own_negation = has_negation(text[match.start : match.end])
    polarity, weight, tag = cue.polarity, cue.weight, cue.tag
    if mode is Modality.NEGATED and own_negation and polarity < 0:
        # A list of denials ("no integration, no owner, no budget") does not cancel out.
        mode = Modality.ASSERTED
    if mode is Modality.PAST or (mode is Modality.NEGATED and (own_negation or polarity < 0)):
        return None
    if polarity < 0 and is_past_state(clause, sentence):
        return None
    if polarity > 0 and mode is Modality.NEGATED:
        polarity, weight, tag = -1, 1.0, f"no_{cue.tag}"
    elif polarity > 0 and mode is Modality.PLANNED:
        polarity, weight, tag = -1, 0.5, f"planned_{cue.tag}"
    elif cue.dim == "D7" and polarity > 0 and _second_hand(clause.text):
        weight = min(weight, 0.5)
    return Signal(
        cue.dim,
        tag,
        polarity,
        weight,
        clause,
        index,
        mode,
        "lexicon",
        cue.polarity,
        (match.start, match.end),
    )


def _drop_placed_positives(signals: list[Signal]) -> list[Signal]:
    """'Deployed to our staging cluster' says where it runs, not that it is live."""
    places = {
        s.span for s in signals if s.raw_polarity < 0 and s.polarity < 0 and s.tag in PLACE_TAGS
    }
    return [s for s in signals if not (s.dim == "D1" and s.polarity > 0 and s.span in places)]


def _second_hand(clause: str) -> bool:
    return bool(_HEARSAY.search(clause)) and not _FINANCE_VOICE.search(clause)


def _drop_manual_targets(signals: list[Signal]) -> list[Signal]:
    """'re-upload them into SAP by hand': a system named as the target of manual work is
    not an integration, so weak embedding cues in a clause with a strong hand-off go."""
    manual = {s.span for s in signals if s.dim == "D2" and s.polarity < 0 and s.weight >= 1.0}
    return [
        s
        for s in signals
        if not (s.dim == "D2" and s.polarity > 0 and s.weight < 1.0 and s.span in manual)
    ]


def _upgrade_live_use(signals: list[Signal], sentence: Span) -> list[Signal]:
    """Weak live-use cues add up: 'in production since 2022' is strong evidence."""
    live = [s for s in signals if s.dim == "D1" and s.polarity > 0]
    total = sum(s.weight for s in live)
    if not live or (total < 1.0 and not _DIGIT.search(sentence.text)):
        return signals
    return [_with_weight(s, 1.0) if s.dim == "D1" and s.polarity > 0 else s for s in signals]


def _void_buzzwords(signals: list[Signal], sentence: Span) -> list[Signal]:
    """Buzzwords with no system, number, team or date behind them earn no credit."""
    if not is_buzz_only(sentence.text):
        return signals
    return [
        Signal(s.dim, "buzzword", -1, 0.5, s.span, s.sentence, s.modality, s.source, 1, s.cue_span)
        if s.polarity > 0
        else s
        for s in signals
    ]


def _with_weight(signal: Signal, weight: float) -> Signal:
    return Signal(
        signal.dim,
        signal.tag,
        signal.polarity,
        weight,
        signal.span,
        signal.sentence,
        signal.modality,
        signal.source,
        signal.raw_polarity,
        signal.cue_span,
    )


def _semantic_signals(
    text: str,
    sentence: Span,
    index: int,
    best: dict[Key, float],
    lexical: list[Signal],
) -> list[Signal]:
    covered = {s.dim for s in lexical}
    if is_buzz_only(sentence.text):
        return []
    exempt = [s.cue_span for s in lexical if has_negation(text[s.cue_span[0] : s.cue_span[1]])]
    mode = modality(text, sentence, (sentence.start, sentence.start), exempt)
    found: list[Signal] = []
    for dim, polarity, _cosine in semantic_hits(best):
        if dim in covered or mode is Modality.PAST:
            continue
        if polarity < 0 and mode is Modality.NEGATED:
            continue
        effective = polarity if mode is Modality.ASSERTED else -1
        tag = "similar" if mode is Modality.ASSERTED else f"{mode.value}_similar"
        found.append(Signal(dim, tag, effective, 0.5, sentence, index, mode, "semantic", polarity))
    return found


__all__ = ["Signal", "add_semantic", "detect", "needs_similarity"]
