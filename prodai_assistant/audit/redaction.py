"""Redact secrets and personal data from free text before anything reaches the audit store.

Each hit becomes ``[REDACTED:kind]``; ``patterns.RULES`` lists the kinds. Matching runs on a
canonical copy of the text (NFKC-folded, invisible characters removed), so a full-width key or one
split by zero-width spaces is still caught; the hit is then cut out of the original text, so
everything around it is stored exactly as written. ``sanitize`` makes text storable everywhere
(no lone surrogates, no NUL).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from .checks import Span
from .patterns import RULES, spans

_MARK = "[REDACTED:{}]"
_SHORTEST = 6  # no secret, number or e-mail address the rules know is shorter

# Default-ignorable characters outside category Cf (which is tested directly): joiners,
# variation selectors, fillers. Keys split with any of them must still match.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def sanitize(text: str) -> str:
    """``text`` storable in SQLite and PostgreSQL: surrogate pairs joined, lone ones replaced
    by U+FFFD, NUL removed."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text.replace("\x00", "") if "\x00" in text else text


def canonical(text: str) -> tuple[str, list[int] | None]:
    """NFKC-folded ``text`` without invisible characters, and for each of its characters the
    index of the original character it came from (None when the two are the same)."""
    if text.isascii():
        return text, None
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf" or _IGNORABLE.match(char):
            continue
        folded = unicodedata.normalize("NFKC", char)
        chars.append(folded)
        origin.extend([index] * len(folded))
    folded_text = "".join(chars)
    if folded_text == text:
        return text, None
    return folded_text, origin


# Each rule's cues as one pattern: a regex search is much cheaper than a loop of `in` tests.
_CUES = [
    re.compile("|".join(map(re.escape, rule.cues)), re.IGNORECASE)
    if isinstance(rule.cues, tuple)
    else rule.cues
    for rule in RULES
]
_CACHED_CHARS = 512  # longer texts (answers, descriptions) rarely repeat and would fill memory


def _hits(text: str) -> list[tuple[Span, str]]:
    """Non-overlapping (span, kind) hits; earlier rules win over later overlapping ones."""
    present: dict[re.Pattern[str], bool] = {}  # the number rules share one cue
    taken: list[tuple[Span, str]] = []
    for rule, cues in zip(RULES, _CUES, strict=True):
        if cues is not None:
            if cues not in present:
                present[cues] = cues.search(text) is not None
            if not present[cues]:
                continue
        for start, end in spans(rule, text):
            if all(end <= s or start >= e for (s, e), _ in taken):
                taken.append(((start, end), rule.kind))
    return sorted(taken)


def redact(text: str) -> str:
    """Return ``text`` with keys, tokens, credentials and personal data replaced."""
    if len(text) < _SHORTEST:
        return text
    folded, origin = canonical(text)
    hits = _hits(folded)
    if not hits:
        return text
    pieces, cursor = [], 0
    for (start, end), kind in hits:
        if origin is not None:  # back to the original text's offsets
            start, end = origin[start], origin[end - 1] + 1
        start = max(start, cursor)
        pieces += [text[cursor:start], _MARK.format(kind)]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def clean(text: str) -> str:
    """Sanitised, then redacted: what every stored or shown string goes through."""
    return _clean_short(text) if len(text) <= _CACHED_CHARS else redact(sanitize(text))


@lru_cache(maxsize=8192)  # titles, quotes and settings repeat from one record to the next
def _clean_short(text: str) -> str:
    return redact(sanitize(text))


def redact_value(value: Any) -> Any:
    """Clean every string inside nested dicts, lists and tuples (keys are sanitised only)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {sanitize(str(key)): redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


__all__ = ["canonical", "clean", "redact", "redact_value", "sanitize"]
