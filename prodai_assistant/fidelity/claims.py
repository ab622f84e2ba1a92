"""The checkable claims of a sentence: numbers, names, negations and stemmed content words.

Pure, regex based. The fidelity scorer requires a sentence's numbers and names to appear in the
evidence it cites and its negations to match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import NEGATIONS, STOPWORDS, tokenize

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:\s?(?:%|percent\b|per cent\b))?", re.IGNORECASE)
_WORDLIKE = re.compile(r"[A-Za-z][A-Za-z0-9&'’-]*")
# 'one' is left out: it is far more often a pronoun ("a manual one") than a count.
_NUMBER_WORDS = {
    "zero": "0", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "half": "50%", "dozen": "12", "first": "1st", "second": "2nd", "third": "3rd",
    "fourth": "4th", "fifth": "5th", "sixth": "6th", "seventh": "7th", "eighth": "8th",
}  # fmt: skip
_COMMON_ENDINGS = (
    "ing",
    "ed",
    "ly",
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ive",
    "al",
    "ous",
    "able",
)
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly")


def numbers_in(text: str) -> set[str]:
    """Numbers, percentages and number words, normalised ('four' -> '4', '30 percent' -> '30%')."""
    found = {_norm_number(m) for m in _NUMBER.findall(text)}
    parts = (p for t in tokenize(text) for p in t.split("-"))  # 'three-part' holds 'three'
    found |= {_NUMBER_WORDS[p] for p in parts if p in _NUMBER_WORDS}
    return found


def entities_in(text: str) -> list[str]:
    """Capitalised words, acronyms and mixed-case terms; not a common word opening a sentence."""
    words = _WORDLIKE.findall(text)
    out = [w for i, w in enumerate(words) if _is_entity(w, first=i == 0)]
    return list(dict.fromkeys(out))


def negation_count(text: str) -> int:
    """How many negations the text contains ('no matter' is an idiom, not a negation)."""
    text = re.sub(r"\bno matter\b", " ", text, flags=re.IGNORECASE)
    return sum(1 for t in tokenize(text) if t in NEGATIONS or t.endswith("n't"))


def stems(text: str) -> set[str]:
    """Stemmed content words: the unit of content-word recall."""
    return {stem(t) for t in tokenize(text) if t not in STOPWORDS and len(t) > 1}


def _is_entity(word: str, *, first: bool) -> bool:
    if word == "I" or not any(ch.isupper() for ch in word):
        return False
    if any(ch.isupper() or ch.isdigit() for ch in word[1:]) or not first:
        return True
    # A capitalised first word is a name unless it is a stop word or looks like a common word.
    lower = word.lower()
    return lower not in STOPWORDS and not lower.endswith(_COMMON_ENDINGS)


def entity_found(entity: str, window_words: set[str]) -> bool:
    """Every word of the name, stemmed, is among the window's stemmed words."""
    parts = tokenize(entity)
    return bool(parts) and all(stem(p) in window_words for p in parts)


def _norm_number(raw: str) -> str:
    raw = raw.lower().replace("per cent", "%").replace("percent", "%").replace(" ", "")
    return raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+%?", raw) else raw


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light suffix stripper so 'deployed', 'deploys' and 'deployment' meet."""
    word = word.removesuffix("'s").removesuffix("’s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


__all__ = ["entities_in", "entity_found", "negation_count", "numbers_in", "stem", "stems"]
