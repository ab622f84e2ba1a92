"""Negation and modality scope: does the clause around a signal assert it, deny it, plan it,
or look back on it? Offsets always point into the original description."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from ..text import Span, sentence_spans


class Modality(StrEnum):
    ASSERTED = "asserted"
    NEGATED = "negated"
    PLANNED = "planned"  # future, hoped-for, projected or hypothetical
    PAST = "past"  # a past state that no longer holds ("started as a pilot ... now")


# Extra sentence breaks for informal text: a newline, or ". " before a lower-case word
# (Slack messages rarely capitalise), unless the dot ends a common abbreviation.
_LOOSE_BREAK = re.compile(r"\n+|(?<=[a-z0-9)\]'\"%])[.!?]+\s+(?=[a-z])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.", "incl.", "w/o.", "no.")
_FIGURE_END = re.compile(r"\d\s?(?:mio|mrd|mln|tsd|bn|mn)\.$", re.IGNORECASE)
_FIGURE_NEXT = re.compile(
    r"[a-z]|(?:EUR|USD|GBP|CHF|[Ee]uros?|[Dd]ollars?|[Pp]ounds?)\b|[$\u20ac\u00a3]"
)

# Clause boundaries: strong punctuation, dashes, brackets and contrastive conjunctions;
# ", and" only when a new subject follows, so a negated list ("no SLA, no alerts") stays whole.
_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|:\s+|\s+[-\u2013\u2014]+\s+|\s*[()]\s*"
    r"|,?\s+(?:but|however|although|though|whereas|while|except that|even though)\b,?"
    r"|,\s+(?:so|which|and then|then)\b|,\s+(?=not\b)"
    r"|,\s+and\s+(?=(?:we|they|it|its|the|our|there|nobody|no|now|he|she|every|all|anything)\b)",
    re.IGNORECASE,
)

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without|lacks?|lacking"
    r"|yet to|no-one|hardly|barely)\b(?![-\u2011])|\b[a-z]+n['\u2019]t\b",
    re.IGNORECASE,
)
# Phrases that contain a negation word but do not deny anything.
_FORWARD = frozenset({"no", "without"})
_REACH = 30  # characters a forward-only cue reaches (about four words)

_NOT_NEGATION = re.compile(
    r"\bnot (?:just|only|merely)\b|\bno (?:doubt|matter|exceptions?)\b|\bnothing but\b"
    r"|\bwhether or not\b|\bno later than\b|\bif not\b"
    r"|\b(?:isn't|is not|not|aren't|wasn't|weren't) (?:sure|confident|certain)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|going to|gonna|plan:|intend(?:s|ed)?"
    # "plan" is a plan only as a verb or a stated plan, not "the labour plan for 11 sites"
    # nor the model's work ("it has planned every route since 2021")
    r"|(?:is|are|was|were|be|been|as|still|currently) planned|(?:the|a|our|its) planned"
    r"|planned (?:for|to|go-live|launch|roll-?out|integration|start|date|in|next)"
    r"|(?:we|i|they|you|he|she|team|company|business|management|board)(?:'re| are| also)?"
    r" plan(?:s|ning)? (?:to|on|for)|planning (?:to|on)|(?:the|our) plan is to"
    r"|aim(?:s|ing)? to"
    r"|wants? to|wanted to|would|could|might|should|hope(?:s|d|fully)?|expect(?:s|ed|ing)?"
    r"|anticipat\w*|projected|projections?|projects (?:savings|a saving|that|an?)"
    # "estimated savings" or "we estimate" hedge; "the model estimates the repair cost" does not
    r"|estimated(?= (?:at|to|\d|[$\u20ac\u00a3]|(?:[\w-]+ ){0,2}?(?:savings?|benefits?|value"
    r"|uplift|gains?|impact|return|roi|reduction|cost|hours)\b))|(?:we|i|they|finance|vendor"
    r"|management) estimated?s?|estimates? (?:of|that|suggest\w*|show\w*|put)"
    r"|(?:an|our|a rough|rough|initial|first) estimate|by (?:our|their) estimate"
    r"|(?:is|are) forecast(?:ed)? to|potential(?:ly)?|targets?(?: of| is|:)|roadmap"
    r"|next (?:step|steps|quarter|year|month|phase|week|season|spring|summer|autumn|winter)"
    r"|later this (?:year|quarter|month)|in the future|eventually|soon|pending"
    r"|once (?:approved|signed|we|it|the|they|funding|budget|legal|security)"
    r"|to be (?:designed|decided|confirmed|defined|agreed|built|scoped|set up|approved)|tbd"
    r"|up to|if (?:it works|successful|approved|funded|we get)|would like|scheduled for"
    r"|scoped for|(?:is|are) due to|aspir\w+|envisag\w+|proposed|assum(?:e|es|ed|ing|ption)"
    r"|(?:asking|ask|request\w*) for (?:budget|funding|approval|money))\b"
    r"|['\u2019]ll\b|\bgoes live (?:on|in|next)\b",
    re.IGNORECASE,
)
_MAY = re.compile(r"\bmay\b")  # lower case only: "May 2023" is a month

# Words that open a conditional or relative clause.
_SUBORDINATOR = re.compile(
    r"\b(?:if|when|whenever|unless|in case|that|which|who|whom|whose|where|anything|whatever)\b",
    re.IGNORECASE,
)

# A past state is only dropped when the same sentence says what holds now.
_PAST = re.compile(
    r"\b(?:started|began|begun|initially|originally|at first|used to|back in|grew out of"
    r"|evolved from|graduated|moved (?:out of|beyond|past|on from)|after (?:a|an|the|our|its)"
    r"|following (?:a|an|the|our)|ended|finished|concluded|wrapped up|was|were|had been)\b",
    re.IGNORECASE,
)
_NOW = re.compile(
    r"\b(?:now|today|these days|since then|ever since|nowadays|has (?:since )?become"
    r"|went live|gone live|rolled (?:[\w-]+ ){0,3}?out|in production|in routine use)\b",
    re.IGNORECASE,
)
# A negated practice that was only true at the start ("at first there was no monitoring").
_EARLY = re.compile(
    r"\b(?:at first|initially|originally|in the beginning|used to|back then|early on"
    r"|until (?:recently|last \w+|(?:19|20)\d\d))\b",
    re.IGNORECASE,
)


def sentence_units(text: str) -> list[Span]:
    """Sentences with offsets, also split at newlines and at '. ' before a lower-case word."""
    units: list[Span] = []
    for sent in sentence_spans(text):
        start = sent.start
        for match in _LOOSE_BREAK.finditer(sent.text):
            head = sent.text[: match.start() + 1].rstrip().lower()
            if match.group().strip() and head.endswith(_ABBREVIATIONS):
                continue
            _push(units, text, start, sent.start + match.start() + _dot_len(match.group()))
            start = sent.start + match.end()
        _push(units, text, start, sent.end)
    return _join_figures(text, units)


def _join_figures(text: str, units: list[Span]) -> list[Span]:
    """'a saving of 2,1 Mio. EUR' is one sentence: an abbreviated multiplier is no full stop."""
    joined: list[Span] = []
    for unit in units:
        if joined and _FIGURE_END.search(joined[-1].text) and _FIGURE_NEXT.match(unit.text):
            last = joined.pop()
            unit = Span(text[last.start : unit.end], last.start, unit.end)
        joined.append(unit)
    return joined


def _dot_len(separator: str) -> int:
    return len(separator) - len(separator.lstrip(".!?"))


def _push(units: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        units.append(Span(stripped, start + lead, start + lead + len(stripped)))


def lead_in(text: str, clauses: Sequence[Span], index: int) -> str:
    """The clause before a colon that introduces ``clauses[index]``, else ''."""
    if index == 0:
        return ""
    before = clauses[index - 1]
    return before.text if ":" in text[before.end : clauses[index].start] else ""


def clause_spans(text: str, sentence: Span) -> list[Span]:
    """Split one sentence into clauses; offsets point into ``text``."""
    clauses: list[Span] = []
    start = sentence.start
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        _push(clauses, text, start, sentence.start + match.start())
        start = sentence.start + match.end()
    _push(clauses, text, start, sentence.end)
    return clauses or [sentence]


def _blank(text: str, start: int, ranges: Sequence[tuple[int, int]]) -> str:
    """``text`` (which begins at offset ``start``) with the given absolute ranges blanked."""
    chars = list(text)
    for lo, hi in ranges:
        for i in range(max(lo - start, 0), min(hi - start, len(chars))):
            chars[i] = " "
    return "".join(chars)


def has_negation(text: str) -> bool:
    """True when ``text`` contains a negation cue that really denies something."""
    cleaned = _NOT_NEGATION.sub(lambda m: " " * len(m.group()), text)
    return bool(_NEGATION.search(cleaned))


def has_future(text: str) -> bool:
    return bool(_FUTURE.search(text) or _MAY.search(text))


def modality(
    text: str,
    clause: Span,
    match: tuple[int, int],
    exempt: Sequence[tuple[int, int]] = (),
    context: str = "",
) -> Modality:
    """Modality of the matched phrase inside ``clause``; ``exempt`` ranges carry their own
    negation (e.g. "no longer types replies") and are ignored as cues; ``context`` is a
    lead-in whose plans carry over ("The roadmap is to automate it: a pipeline, ...")."""
    # The matched words are blanked for negation (a cue may carry its own "no"), but a plan
    # inside the match still counts ("saving an estimated 4,000 hours").
    planned_text = _blank(clause.text, clause.start, exempt)
    scrubbed = _blank(clause.text, clause.start, [match, *exempt])
    scrubbed = _NOT_NEGATION.sub(lambda m: " " * len(m.group()), scrubbed)
    rel_start = match[0] - clause.start
    aside = _subordinate(clause.text, rel_start, match[1] - clause.start)
    for cue in _NEGATION.finditer(scrubbed):
        # "no" and "without" deny the noun phrase that follows ("with no extra system"),
        # not the whole clause; "not", "never" and "nobody" deny the clause.
        if cue.group().lower() in _FORWARD and not 0 <= rel_start - cue.end() <= _REACH:
            continue
        if any(lo <= cue.start() < hi for lo, hi in aside):
            continue
        return Modality.PAST if _EARLY.search(scrubbed) else Modality.NEGATED
    if has_future(planned_text) or (context and has_future(context)):
        return Modality.PLANNED
    return Modality.ASSERTED


def _subordinate(clause: str, start: int, end: int) -> list[tuple[int, int]]:
    """Conditional or relative clauses that do not contain the match: a denial inside them
    ("checks that halt the load if counts do not match", "anything it cannot answer, it
    passes on") says nothing about the matched claim. Offsets are relative to ``clause``."""
    if end <= start:
        return []
    ranges: list[tuple[int, int]] = []
    for word in _SUBORDINATOR.finditer(clause):
        if word.start() >= end:
            ranges.append((word.start(), len(clause)))
            break
        comma = clause.find(",", word.end())
        if 0 <= comma < start:
            ranges.append((word.start(), comma))
    return ranges


def is_past_state(clause: Span, sentence: Span) -> bool:
    """A red flag told in the past, with a present-day upgrade in the same sentence."""
    return bool(
        _PAST.search(clause.text) and _NOW.search(sentence.text) and not has_future(sentence.text)
    )


__all__ = [
    "Modality",
    "clause_spans",
    "has_future",
    "has_negation",
    "is_past_state",
    "lead_in",
    "modality",
    "sentence_units",
]
