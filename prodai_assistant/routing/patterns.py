"""Small helpers for the router's rule tables: whole-word alternatives and word sets. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alts(spec: str) -> re.Pattern[str]:
    """Compile ' | '-separated alternatives as whole words; a space also matches a hyphen."""
    parts = [p.strip().replace(" ", r"[\s-]+") for p in spec.split(" | ")]
    return re.compile("|".join(rf"(?<![\w&])(?:{p})(?![\w&])" for p in parts), re.IGNORECASE)


def words(spec: str) -> frozenset[str]:
    """A whitespace-separated word list as a set."""
    return frozenset(spec.split())


def find_first(
    table: Iterable[tuple[str, re.Pattern[str]]], text: str
) -> tuple[str, str, re.Match[str]] | None:
    """First (key, matched text, match) of a keyed pattern table, by earliest position."""
    hits = [(m.start(), key, m) for key, p in table if (m := p.search(text))]
    if not hits:
        return None
    _, key, match = min(hits, key=lambda h: (h[0], h[1]))
    return key, match.group(0), match


__all__ = ["alts", "find_first", "words"]
