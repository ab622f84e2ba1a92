"""Answer text -> sentences with their [n] markers (headings, labels and connectives dropped)."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from ..text import sentence_spans, strip_markdown
from .claims import numbers_in, stems

# An unmarked sentence shorter than this (in content words) is a connective phrase, not a claim.
MIN_CLAIM_WORDS = 4

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_ONLY_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+[\s.]*$")
_TRAILING_MARKERS = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_LINE_END = re.compile(r"(?<=[.!?:\]])[ \t]*\n")
# A bold run-in label such as "**For the CFO:**" or "- **Deployed**:" is a heading, not a claim.
_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?(\*\*|__)[^*_\n]{1,80}?(?::\1|\1\s*:)\s*")


class AnswerSentence(BaseModel):
    """One sentence of an answer, markers stripped out and kept separately."""

    text: str
    markers: list[int] = Field(default_factory=list)


def split_answer(answer_markdown: str) -> list[AnswerSentence]:
    """Sentences of an answer with their markers; headings and connective phrases are dropped."""
    sentences: list[AnswerSentence] = []
    for span in sentence_spans(_normalise_answer(answer_markdown)):
        markers = [int(m) for group in _MARKER.findall(span.text) for m in group.split(",")]
        if _ONLY_MARKERS.match(span.text) and sentences:
            sentences[-1].markers.extend(m for m in markers if m not in sentences[-1].markers)
            continue
        text = clean_sentence(span.text)
        if text and (markers or not _is_connective(text)):
            sentences.append(AnswerSentence(text=text, markers=list(dict.fromkeys(markers))))
    return sentences


def _normalise_answer(markdown: str) -> str:
    """Drop headings, move '. [1]' to ' [1].', and end a block at a line that ends a sentence."""
    lines = [ln for ln in markdown.splitlines() if not ln.lstrip().startswith("#")]
    text = _TRAILING_MARKERS.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", "\n".join(lines))
    return _LINE_END.sub("\n\n", text)


def markers_in(text: str) -> set[int]:
    """Every marker number used in ``text``."""
    return {int(m) for group in _MARKER.findall(text) for m in group.split(",")}


def clean_sentence(text: str) -> str:
    """Plain sentence text: no markers, run-in label, markdown or stray quotes."""
    text = strip_markdown(_LABEL.sub("", _MARKER.sub("", text)))
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip(" \"'“”")


def _is_connective(text: str) -> bool:
    if numbers_in(text):
        return False
    return text.endswith(":") or len(stems(text)) < MIN_CLAIM_WORDS


def squash(text: str) -> str:
    """Collapse whitespace, for comparing texts that were wrapped differently."""
    return " ".join(text.split())


__all__ = [
    "MIN_CLAIM_WORDS",
    "AnswerSentence",
    "clean_sentence",
    "markers_in",
    "split_answer",
    "squash",
]
