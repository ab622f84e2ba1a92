"""Sentences of chunks as quotable units, overlap scoring, grouping, and rendering with citations.

Every quoted sentence is a verbatim slice of its chunk's text (list bullets stripped), so a
citation's quote is always an exact substring of the chunk it names. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..models import Chunk, Citation
from ..text import content_words, sentence_spans, tokenize

# Words that occur in nearly every chunk, so they say little about which sentence fits.
WEAK_TERMS = frozenset({"production", "ai", "demo", "project", "version", "definition"})
_BULLET = re.compile(r"^(?:[-*+]|\d+[.)]|>)\s+")
_LIST_NEXT = re.compile(r"[ \t]*\n\s*(?:[-*+]|\d+[.)])\s")


@dataclass(frozen=True)
class Unit:
    """One sentence of a chunk, by offsets into ``chunk.text``."""

    chunk: Chunk
    start: int
    end: int
    index: int
    intro: bool = False  # introduces the list that follows it; reads badly on its own

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]


@dataclass(frozen=True)
class Point:
    """Consecutive sentences of one chunk shown together under one marker."""

    units: tuple[Unit, ...]
    label: str = ""

    @property
    def chunk(self) -> Chunk:
        return self.units[0].chunk

    @property
    def quote(self) -> str:
        return self.chunk.text[self.units[0].start : self.units[-1].end]


@lru_cache(maxsize=4096)
def _unit_offsets(text: str) -> tuple[tuple[int, int, bool], ...]:
    """Quotable sentences as (start, end, is_list_intro): no headings, tables or fragments."""
    out: list[tuple[int, int, bool]] = []
    for span in sentence_spans(text):
        start, piece = span.start, span.text
        item = False
        while (bullet := _BULLET.match(piece)) is not None:
            start, piece, item = start + bullet.end(), piece[bullet.end() :], True
        if piece.startswith(("#", "|")) or piece.rstrip().endswith(":"):
            continue
        if len(piece.split()) < 4:
            continue
        intro = not item and bool(_LIST_NEXT.match(text, span.end))
        out.append((start, start + len(piece), intro))
    return tuple(out)


def units_of(chunk: Chunk, *, intros: bool = False) -> list[Unit]:
    """Quotable sentences of a chunk; list intros only when asked for (as a lead)."""
    units = [
        Unit(chunk, s, e, i, intro) for i, (s, e, intro) in enumerate(_unit_offsets(chunk.text))
    ]
    return units if intros else [u for u in units if not u.intro]


@lru_cache(maxsize=8192)
def terms(text: str) -> frozenset[str]:
    """Content words with a light plural fold, for overlap scoring."""
    return frozenset(_fold(w) for w in content_words(text))


def _fold(word: str) -> str:
    """'hallmarks' -> 'hallmark', "cfo's" -> 'cfo'; 'business' and 'xops' stay whole."""
    if word.endswith("'s"):
        return word[:-2]
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "ops", "us", "is")):
        return word[:-1]
    return word


def overlap(unit: Unit, asked: frozenset[str]) -> float:
    shared = terms(unit.text) & asked
    return sum(0.25 if w in WEAK_TERMS else 1.0 for w in shared)


def redundant(unit: Unit, chosen: Iterable[Unit]) -> bool:
    mine = terms(unit.text)
    for other in chosen:
        theirs = terms(other.text)
        if unit == other or len(mine & theirs) / max(1, len(mine | theirs)) >= 0.5:
            return True
    return False


def best_unit(units: Sequence[Unit], asked: frozenset[str]) -> Unit | None:
    """The section's topic sentence unless a later one matches the question clearly better."""
    if not units:
        return None
    return max(units, key=lambda u: (overlap(u, asked) + (1.0 if u.index == 0 else 0.0), -u.index))


def whole_section(
    chunk: Chunk, label: str = "", max_units: int = 4, intros: bool = False
) -> list[Point]:
    """A section's sentences, grouped into one point while they run on without markup."""
    return grouped(units_of(chunk, intros=intros)[:max_units], label)


def grouped(units: Sequence[Unit], label: str = "") -> list[Point]:
    """Adjacent sentences that run on in one paragraph share a point (and a quote)."""
    groups: list[list[Unit]] = []
    for unit in units:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and unit.index == last.index + 1
            and not unit.chunk.text[last.end : unit.start].strip()
        ):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return [Point(tuple(g), label if i == 0 else "") for i, g in enumerate(groups)]


def excerpt(chunk: Chunk, asked: frozenset[str], max_units: int = 3) -> list[Point]:
    """The section's opening sentence plus the sentences closest to the question, in order."""
    units = units_of(chunk, intros=True)
    if not units:
        return []
    ranked = sorted(units[1:], key=lambda u: (-overlap(u, asked), u.index))
    picked = {units[0].index} | {u.index for u in ranked[: max_units - 1]}
    return grouped([u for u in units if u.index in picked])


# A short answer: at most three sentences and 450 characters of quoted text.
SHORT_SENTENCES = 3
SHORT_CHARS = 450


def shape(points: Sequence[Point], form: str) -> list[Point]:
    """The points a form keeps: one sentence, a short answer, or all of them."""
    if not points:
        return []
    if form == "one_sentence":
        return [Point(points[0].units[:1])]
    if form == "shorter":
        return shortened(points)
    return list(points)


def shortened(points: Sequence[Point]) -> list[Point]:
    """The leading sentences that fit a short answer (always at least the first one)."""
    kept: list[Point] = []
    sentences = chars = 0
    for point in points:
        units: list[Unit] = []
        for unit in point.units:
            size = len(" ".join(unit.text.split())) + 1
            if (kept or units) and (sentences + 1 > SHORT_SENTENCES or chars + size > SHORT_CHARS):
                break
            units.append(unit)
            sentences, chars = sentences + 1, chars + size
        if units:
            kept.append(Point(tuple(units), point.label))
        if len(units) < len(point.units):
            break
    return kept


def one_point_per_passage(points: Sequence[Point]) -> list[Point]:
    """Supporting points of one chunk under one label joined into the first of them, sentences
    in the chunk's order: a passage is quoted, and cited, once among them. The lead point stays
    as it is (it is the answer's opening statement)."""
    out: list[Point] = list(points[:1])
    where: dict[tuple[str, str], int] = {}
    lead = {(u.chunk.chunk_id, u.index) for p in out for u in p.units}
    for point in points[1:]:
        fresh = tuple(u for u in point.units if (u.chunk.chunk_id, u.index) not in lead)
        if not fresh:
            continue  # already quoted in the lead
        point = Point(fresh, point.label)
        key = (point.chunk.chunk_id, point.label)
        if key not in where:
            where[key] = len(out)
            out.append(point)
            continue
        first = out[where[key]]
        seen = {u.index for u in first.units}
        units = sorted(
            [*first.units, *(u for u in point.units if u.index not in seen)], key=lambda u: u.index
        )
        out[where[key]] = Point(tuple(units), first.label)
    return out


def render(
    points: Sequence[Point], lens: Point | None = None, form: str = "default"
) -> tuple[str, list[Citation]]:
    """Markdown in the asked-for form, and citations in marker order: one marker per passage
    (chunk), however many of its sentences are quoted.

    default: a lead paragraph, then the supporting points as prose when there are one or two,
    or as one short list; prose: one paragraph; bullets: a lead sentence and a list; shorter
    and one_sentence: the first points only (see ``shape``).
    """
    points = one_point_per_passage(shape(points, form))
    markers: dict[str, int] = {}
    spans: dict[str, tuple[Chunk, int, int]] = {}  # chunk id -> the cited stretch of its text

    def cite(point: Point, labelled: bool = True, heading: bool = False) -> str:
        key = point.chunk.chunk_id
        if key not in markers:
            markers[key] = len(markers) + 1
        start, end = point.units[0].start, point.units[-1].end
        _, lo, hi = spans.get(key, (point.chunk, start, end))
        spans[key] = (point.chunk, min(lo, start), max(hi, end))
        text = " ".join(" ".join(u.text.split()) for u in point.units)
        if heading and point.label:
            return f"**{point.label}**\n{text} [{markers[key]}]"
        said = tokenize(point.label)[:3] == tokenize(text)[:3]
        label = f"**{point.label}** " if labelled and point.label and not said else ""
        return f"{label}{text} [{markers[key]}]"

    rest = list(points[1:])
    blocks = [cite(points[0])]
    labelled_parts = sum(1 for p in points if p.label)
    if form == "two_versions" and labelled_parts >= 2:
        # each version under its own label line, each quoted whole
        blocks = []
        for point in points:
            if point.label or not blocks:
                blocks.append(cite(point, heading=True))
            else:
                blocks[-1] += " " + cite(point)
    elif form == "bullets" and not rest and len(points[0].units) > 1:
        blocks = [f"- {cite(Point((u,)))}" for u in points[0].units]
    elif form == "bullets" and rest:
        blocks.append("\n".join(f"- {cite(p)}" for p in rest))
    elif rest and (form in ("prose", "shorter", "one_sentence") or len(rest) <= 2):
        blocks.append(" ".join(cite(p) for p in rest))
    elif rest:
        blocks.append("\n".join(f"- {cite(p)}" for p in rest))
    if form == "prose":
        blocks = [" ".join(blocks)]
    if lens is not None and form not in ("shorter", "one_sentence"):
        blocks.append(cite(lens))
    # one citation per passage, quoting the stretch of it that holds every cited sentence
    citations = [
        Citation.of(chunk, markers[key], chunk.text[lo:hi])
        for key, (chunk, lo, hi) in spans.items()
    ]
    citations.sort(key=lambda c: c.marker)
    return "\n\n".join(blocks), citations


__all__ = [
    "WEAK_TERMS",
    "Point",
    "Unit",
    "best_unit",
    "excerpt",
    "grouped",
    "one_point_per_passage",
    "overlap",
    "redundant",
    "render",
    "shape",
    "shortened",
    "terms",
    "units_of",
    "whole_section",
]
