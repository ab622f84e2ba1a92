"""What is not a description at all, by definition: empty, binary or too short. Whether a
text describes an AI project is the learned model's call, not this module's."""

from __future__ import annotations

from typing import Literal

from ..text import looks_binary, tokenize

GateKind = Literal["ok", "empty", "binary", "too_short"]


def basic_check(text: str, min_words: int) -> GateKind:
    """Empty, binary or shorter than ``min_words``; otherwise "ok"."""
    if not text.strip():
        return "empty"
    if looks_binary(text) or _mostly_symbols(text):
        return "binary"
    if len(tokenize(text)) < min_words:
        return "too_short"
    return "ok"


def _mostly_symbols(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters < 0.4 * len(text.strip())


__all__ = ["GateKind", "basic_check"]
