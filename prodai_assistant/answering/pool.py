"""What an answer may quote (the request's retrieved chunks) and ranking sentences across them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..models import Chunk, ScoredChunk
from .base import AnswerRequest
from .sentences import Point, Unit, overlap, redundant, units_of, whole_section

MAX_POINTS = 4


@dataclass(frozen=True)
class Evidence:
    """The retrieved chunks of a request: search hits and pinned sections, nothing else."""

    request: AnswerRequest
    library: Mapping[str, Chunk]  # every retrieved chunk by id (hits and pinned sections)
    hits: tuple[ScoredChunk, ...]  # what search found, best first

    @classmethod
    def of(cls, request: AnswerRequest) -> Evidence:
        ranked = sorted(request.retrieved, key=lambda s: s.rank)
        library = {s.chunk.chunk_id: s.chunk for s in ranked}
        return cls(request, library, tuple(s for s in ranked if not s.pinned))

    def siblings(self, chunk: Chunk) -> frozenset[str]:
        """Other sections of ``chunk``'s document, except those the intent itself pinned."""
        rules = {s.chunk.chunk_id: s.pinned_by or "" for s in self.request.retrieved}
        return frozenset(
            cid
            for cid, other in self.library.items()
            if other.doc_id == chunk.doc_id
            and cid != chunk.chunk_id
            and not rules.get(cid, "").startswith("intent:")
        )

    @property
    def focused(self) -> list[Chunk]:
        """The sections pinned for the router's focus, in rank order."""
        rule = f"focus:{self.request.focus}"
        return [
            s.chunk
            for s in sorted(self.request.retrieved, key=lambda s: s.rank)
            if s.pinned_by == rule
        ]


def pool(
    ev: Evidence,
    asked: frozenset[str],
    preferred: Sequence[Chunk],
    *,
    lead: Chunk | None,
    best_lead: bool = False,
    label: str = "",
    exclude: Sequence[Unit] = (),
    max_points: int = MAX_POINTS + 1,
    need_overlap: bool = False,
    with_retrieved: bool = True,
    skip: Collection[str] = frozenset(),
) -> list[Point]:
    """Rank sentences of preferred chunks and search hits; the lead comes from ``lead``.

    The lead is the chunk's first sentence, or with ``best_lead`` its best-ranked one.
    """
    bonus: dict[str, float] = {}
    for i, chunk in enumerate(preferred):
        bonus.setdefault(chunk.chunk_id, 3.0 - 0.2 * i)
    retrieved = ev.hits if with_retrieved else ()
    for scored in retrieved:
        bonus.setdefault(scored.chunk.chunk_id, 1.5 / scored.rank)
    chunks = {c.chunk_id: c for c in preferred} | {s.chunk.chunk_id: s.chunk for s in retrieved}
    ranked = sorted(
        (u for c in chunks.values() for u in units_of(c)),
        key=lambda u: (-_unit_score(u, asked, bonus), u.chunk.ordinal, u.index),
    )
    chosen: list[Unit] = list(exclude)
    points: list[Point] = []
    lead_units = [u for u in ranked if u.chunk.chunk_id == lead.chunk_id] if lead else []
    if lead is not None and lead_units:
        # A statement leads better than one of the section's questions.
        statements = [u for u in lead_units if not u.text.endswith("?")]
        statements = statements or [u for u in units_of(lead, intros=True) if u.intro]
        statements = statements or lead_units
        first = statements[0] if best_lead else min(lead_units, key=lambda u: u.index)
        points.append(Point((first,), label))
        chosen.append(first)
    preferred_ids = {c.chunk_id for c in preferred}
    for unit in ranked:
        if len(points) >= max_points:
            break
        if unit.chunk.chunk_id in skip:
            continue
        weak = overlap(unit, asked) < 1.0
        if weak and (need_overlap or (points and unit.chunk.chunk_id not in preferred_ids)):
            continue
        same_chunk = sum(u.chunk.chunk_id == unit.chunk.chunk_id for u in chosen)
        if same_chunk >= 2 or redundant(unit, chosen):
            continue
        points.append(Point((unit,), label if not points else ""))
        chosen.append(unit)
    return points


def _unit_score(unit: Unit, asked: frozenset[str], bonus: Mapping[str, float]) -> float:
    position = 0.5 if unit.index == 0 else -0.05 * unit.index
    return 2.0 * overlap(unit, asked) + bonus.get(unit.chunk.chunk_id, 0.0) + position


def section_then_pool(
    ev: Evidence,
    chunk: Chunk,
    asked: frozenset[str],
    label: str = "",
    max_units: int = 3,
    *,
    skip_siblings: bool = False,
) -> list[Point]:
    """Quote one focused section, then at most one related point from the search hits.

    With ``skip_siblings`` the related point never comes from another section of the same
    document (the other hallmarks, parts, dimensions or levels answer a question that was not
    asked) unless the intent pinned that section (the rubric's overview, say).
    """
    points = whole_section(chunk, label, max_units)
    if not points:
        return pool(ev, asked, [], lead=None)
    used = [u for p in points for u in p.units]
    skip = ev.siblings(chunk) if skip_siblings else frozenset()
    extra = pool(ev, asked, [], lead=None, exclude=used, max_points=1, need_overlap=True, skip=skip)
    return points + extra[:1]


__all__ = ["MAX_POINTS", "Evidence", "pool", "section_then_pool"]
