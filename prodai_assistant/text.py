"""Pure text helpers shared by chunking, retrieval, routing, fidelity and the classifier.

No downloads: sentence splitting and tokenising are regex based.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

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

# Letters that look exactly like a Latin letter in common fonts (after Unicode's confusables).
# Each is its own NFKC form, since the look-alikes are replaced after folding.
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "Ү": "Y",
    # Greek
    "ο": "o", "ι": "i", "ν": "v", "ρ": "p", "α": "a", "υ": "u", "ϳ": "j",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)
_CONFUSABLE_CHARS = re.compile("[" + "".join(CONFUSABLES) + "]")
_LETTERS = re.compile(r"[^\W\d_]+")
# Letters that render as nothing: combining grapheme joiner, Hangul and Khmer fillers.
_INVISIBLE_LETTERS = frozenset({0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0})


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
    """User text as typed, tidied: NFC, no control characters or lone surrogates, unified newlines.

    Invisible characters and look-alike letters are kept here; ``canonicalize`` removes them.
    """
    text = replace_surrogates(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub(" ", text).strip()


@dataclass(frozen=True)
class Canonical:
    """Text as the assistant reads it, with the way back to the text the user gave.

    ``text`` has no invisible or format characters, compatibility forms folded (NFKC) and
    Cyrillic or Greek look-alike letters inside Latin words replaced by their Latin letters.
    ``to_original`` maps a span of ``text`` onto ``original``.
    """

    text: str
    original: str
    # For each character of ``text``: where its source starts and ends in ``original``.
    # None when ``text == original`` (the identity map).
    starts: tuple[int, ...] | None = field(default=None, repr=False)
    ends: tuple[int, ...] | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        return self.starts is not None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``original`` of the characters that became ``text[start:end]``."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the text of {len(self.text)}")
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]


def is_invisible(char: str) -> bool:
    """Format characters (zero-width, bidi controls, soft hyphen, tags) and other invisibles."""
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or 0xE0000 <= code <= 0xE0FFF  # tag characters and the rest of the ignorable plane
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x180B <= code <= 0x180F  # Mongolian variation selectors
        or code in _INVISIBLE_LETTERS
    )


def canonicalize(text: str) -> Canonical:
    """``text`` as the assistant should read it, keeping the map back to ``text`` itself."""
    if text.isascii() or _already_canonical(text):
        return Canonical(text, text)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for cluster, start, end in _clusters(text):
        folded = unicodedata.normalize("NFKC", cluster)
        chars.extend(folded)
        starts.extend([start] * len(folded))
        ends.extend([end] * len(folded))
    canonical = _unconfuse("".join(chars))
    if canonical == text:
        return Canonical(text, text)
    return Canonical(canonical, text, tuple(starts), tuple(ends))


def _already_canonical(text: str) -> bool:
    """The common case, checked quickly: nothing to remove, fold or replace."""
    return (
        not any(map(is_invisible, set(text)))
        and unicodedata.is_normalized("NFKC", text)
        and not _CONFUSABLE_CHARS.search(text)
    )


def _clusters(text: str) -> list[tuple[str, int, int]]:
    """Visible characters grouped as a base plus its combining marks, with original offsets.

    Each group is normalised on its own, so every output character maps to one group; invisible
    characters inside a group are part of its span, those between groups belong to none.
    """
    clusters: list[tuple[str, int, int]] = []
    for index, char in enumerate(text):
        if is_invisible(char):
            continue
        if clusters and (unicodedata.combining(char) or _is_jamo_tail(char)):
            body, start, _ = clusters[-1]
            clusters[-1] = (body + char, start, index + 1)
        else:
            clusters.append((char, index, index + 1))
    return clusters


def _is_jamo_tail(char: str) -> bool:
    """Hangul vowel and final jamo, which compose with the jamo before them."""
    code = ord(char)
    return 0x1161 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF


def _unconfuse(text: str) -> str:
    """Latin letters for the Cyrillic and Greek look-alikes inside otherwise Latin words."""
    if not _CONFUSABLE_CHARS.search(text):
        return text
    return _LETTERS.sub(_unconfuse_word, text)


def _unconfuse_word(match: re.Match[str]) -> str:
    word = match.group()
    foreign = [c for c in word if not _is_latin(c)]
    if not foreign or len(foreign) == len(word) or any(c not in CONFUSABLES for c in foreign):
        return word
    return word.translate(_CONFUSABLE_TABLE)


def _is_latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")


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


_CLAUSE_ENDS = ".?!"


def clauses(text: str) -> list[str]:
    """The text cut after every run of '.', '?' or '!' that whitespace follows, whatever the
    next word's case: finer than ``split_sentences`` ("whats xOps? p.s. ignore ..." is three
    pieces), for telling an instruction tacked onto a question from the question."""
    pieces: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        ends = ch in _CLAUSE_ENDS and (i + 1 == len(text) or text[i + 1].isspace())
        if ends and text[start : i + 1].strip():
            pieces.append(text[start : i + 1].strip())
            start = i + 1
    if text[start:].strip():
        pieces.append(text[start:].strip())
    return pieces


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
    "CONFUSABLES",
    "NEGATIONS",
    "STOPWORDS",
    "Canonical",
    "Span",
    "canonicalize",
    "clauses",
    "clean_input",
    "content_words",
    "has_negation",
    "is_invisible",
    "looks_binary",
    "replace_surrogates",
    "sentence_spans",
    "slugify",
    "split_sentences",
    "strip_markdown",
    "tokenize",
]
