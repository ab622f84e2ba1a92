"""Pure text helpers shared by chunking, retrieval, routing, fidelity and the classifier.

No downloads: sentence splitting and tokenising are regex based.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "what's",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "via",
        "per",
        "i'm",
        "we're",
        "they're",
        "it'd",
        "tell",
        "explain",
        "please",
        "give",
        "me",
        "show",
        "describe",
    ]
)

NEGATIONS = frozenset(
    [
        "no",
        "not",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "cannot",
        "can't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "doesn't",
        "don't",
        "didn't",
        "hasn't",
        "haven't",
        "hadn't",
        "won't",
        "wouldn't",
        "shouldn't",
        "couldn't",
        "n't",
    ]
)

_WORD = re.compile(r"[a-z0-9]+(?:['&.-][a-z0-9]+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A sentence ends at . ! ? (optionally followed by quotes/brackets) before whitespace + a capital,
# digit, quote, bracket or list marker; or at a newline that starts a new block.
_SENT_END = re.compile(
    r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[A-Z0-9*-])|\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)"
)
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Mr|Ms|Dr|Inc|Ltd|Corp|No|approx|al)\.|\b[A-Z]\.)$")


@dataclass(frozen=True)
class Span:
    """A piece of text with its character offsets in the original string."""

    text: str
    start: int
    end: int


def replace_surrogates(text: str) -> str:
    """Lone surrogates (undecodable bytes, escaped JSON) as U+FFFD; same length, so offsets hold."""
    return _SURROGATE.sub("\ufffd", text)


def clean_input(text: str) -> str:
    """Normalise user text: NFC, no control characters or lone surrogates, unified newlines."""
    text = replace_surrogates(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub(" ", text).strip()


def looks_binary(text: str) -> bool:
    """True for text that is mostly replacement or control characters (binary pasted as text)."""
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t"))
    return bad / len(text) > 0.1


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; keeps tokens like 'p&l', 'tier-1', 'xops', '30%' digits."""
    return _WORD.findall(text.lower().replace("’", "'"))


def content_words(text: str) -> list[str]:
    """Tokens minus stop words, for overlap and keyword scoring."""
    return [t for t in tokenize(text) if t not in STOPWORDS and len(t) > 1]


def has_negation(text: str) -> bool:
    toks = tokenize(text)
    return any(t in NEGATIONS or t.endswith("n't") for t in toks)


def sentence_spans(text: str) -> list[Span]:
    """Split into sentences with offsets into ``text``; list items count as sentences."""
    spans: list[Span] = []
    start = 0
    for match in _SENT_END.finditer(text):
        candidate = text[start : match.start()]
        if _ABBREV.search(candidate.rstrip()):
            continue
        _append_span(spans, text, start, match.start())
        start = match.end()
    _append_span(spans, text, start, len(text))
    return spans


def _append_span(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = start + lead
    spans.append(Span(stripped, s, s + len(stripped)))


def split_sentences(text: str) -> list[str]:
    return [s.text for s in sentence_spans(text)]


def slugify(text: str) -> str:
    """'Reliable and governed (xOps)' -> 'reliable-and-governed-xops'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def strip_markdown(text: str) -> str:
    """Remove emphasis, list bullets and link syntax, keeping the words."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.MULTILINE)
    return text


__all__ = [
    "NEGATIONS",
    "STOPWORDS",
    "Span",
    "clean_input",
    "content_words",
    "has_negation",
    "looks_binary",
    "replace_surrogates",
    "sentence_spans",
    "slugify",
    "split_sentences",
    "strip_markdown",
    "tokenize",
]
