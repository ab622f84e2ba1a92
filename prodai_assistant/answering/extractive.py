"""Extractive backend: answers assembled from corpus sentences, each cited. No LLM. Pure.

Every sentence of an answer is a verbatim copy of a sentence of the chunk its marker cites
(list bullets stripped, whitespace collapsed); only short labels such as "For the CFO:" are
added. Selection is rule-based per intent, then ranked by word overlap with the question.
Only chunks in ``request.retrieved`` are ever quoted: search hits, plus the sections the route
pinned (``prodai_assistant.pins``), so every citation points at a retrieved chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..models import Audience, Chunk, Citation, ScoredChunk
from ..pins import (
    STAKEHOLDER_DOCS,
    VARIANT_KEYS,
    audience_overview,
    doc_chunks,
    section_chunk,
    stakeholder_chunks,
)
from ..pins import first_parts as _first_parts
from ..text import content_words, sentence_spans, tokenize
from .base import AnswerRequest, Composed, greeting, refusal

LENS_LABELS: dict[str, str] = {
    "ceo": "For the CEO and board:",
    "cfo": "For the CFO:",
    "cto": "For the CTO:",
    "lob": "For line-of-business leaders:",
}
# Words that occur in nearly every chunk, so they say little about which sentence fits.
WEAK_TERMS = frozenset({"production", "ai", "demo", "project", "version", "definition"})
MAX_POINTS = 4
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


class ExtractiveBackend:
    """The default backend: deterministic, offline, citations correct by construction."""

    name = "extractive"

    def compose(self, request: AnswerRequest) -> Composed:
        if request.intent == "greeting":
            return greeting()
        if request.intent == "out_of_scope":
            return refusal("off_topic")
        evidence = Evidence.of(request)
        points = plan_points(evidence)
        if not points:
            return refusal("no_evidence")
        lens = _lens_point(evidence, points)
        answer, citations = render(points, lens)
        return Composed(answer=answer, citations=citations)


# ---------------------------------------------------------------- sentences and scoring


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


# Words that name a stakeholder rather than a topic within the stakeholder's document.
AUDIENCE_TERMS = terms(
    "ceo cfo cto lob board leader business line line-of-business chief finance executive "
    "officer director member stakeholder team"
)


def overlap(unit: Unit, asked: frozenset[str]) -> float:
    shared = terms(unit.text) & asked
    return sum(0.25 if w in WEAK_TERMS else 1.0 for w in shared)


def _redundant(unit: Unit, chosen: Iterable[Unit]) -> bool:
    mine = terms(unit.text)
    for other in chosen:
        theirs = terms(other.text)
        if unit == other or len(mine & theirs) / max(1, len(mine | theirs)) >= 0.5:
            return True
    return False


# ---------------------------------------------------------------- what may be quoted


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

    @property
    def focused(self) -> list[Chunk]:
        """The sections pinned for the router's focus, in rank order."""
        rule = f"focus:{self.request.focus}"
        return [
            s.chunk
            for s in sorted(self.request.retrieved, key=lambda s: s.rank)
            if s.pinned_by == rule
        ]


# ---------------------------------------------------------------- planning per intent


def plan_points(evidence: Evidence) -> list[Point]:
    """Lead point first, then supporting points; empty when nothing supports an answer."""
    asked = terms(evidence.request.standalone_question)
    planner = _PLANNERS.get(evidence.request.intent)
    planned = planner(evidence, asked) if planner else []
    return planned or _plan_top_section(evidence, asked)


def _plan_top_section(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The best-ranked section quoted in order, then up to two related points elsewhere."""
    preferred = _preferred(ev)
    top = _top_chunk(ev, preferred)
    if top is None:
        return []
    points = _excerpt(top, asked, max_units=4)
    if not points:
        return _pool(ev, asked, preferred, lead=top, best_lead=True)
    used = [u for p in points for u in p.units]
    extra = _pool(ev, asked, preferred, lead=None, exclude=used, max_points=2, need_overlap=True)
    return points + extra


def _plan_definition(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The core definition, the four-hallmark summary, then the best supporting sentences."""
    heads = doc_chunks(ev.library, "production-ai-definition")[:1]
    heads += doc_chunks(ev.library, "four-hallmarks")[:1]
    points = [Point((units[0],)) for c in heads if (units := units_of(c, intros=True))]
    if not points:
        return []
    used = [u for p in points for u in p.units]
    more = _pool(ev, asked, _preferred(ev), lead=None, exclude=used, max_points=3)
    return points + more


def _plan_focused(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The one section the focus names (a hallmark, part, dimension or level), labelled."""
    focused = ev.focused
    if not focused:
        return []
    chunk = focused[0]
    return _section_then_pool(ev, chunk, asked, label=f"{chunk.section}:", max_units=4)


def _plan_hallmarks(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    focused = _plan_focused(ev, asked)
    return focused or _structured(doc_chunks(ev.library, "four-hallmarks"), asked)


def _plan_bottom_line(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    focused = _plan_focused(ev, asked)
    chunks = doc_chunks(ev.library, "bottom-line-test")
    return focused or _structured(chunks, asked, label_last=False)


def _plan_variants(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    return _variants(ev.library, ev.request.focus or "", asked)


def _plan_glossary(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    focused = ev.focused
    return _section_then_pool(ev, focused[0], asked, max_units=2) if focused else []


def _plan_stakeholder(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The stakeholder's view in order, or the one section the question names."""
    focus = ev.request.focus or ""
    audience = focus.split(":", 1)[1] if focus.startswith("audience:") else ev.request.audience
    sections = _first_parts(stakeholder_chunks(ev.library, audience))
    if not sections:
        return _plan_every_audience(ev, asked)
    label = LENS_LABELS.get(audience, "")
    topical = asked - AUDIENCE_TERMS - WEAK_TERMS
    named = [(len(terms(c.section) & topical), -i, c) for i, c in enumerate(sections[1:], 1)]
    best = max(named, key=lambda h: h[:2], default=None)
    if best is not None and best[0] >= 1:
        return _whole_section(best[2], label, max_units=5, intros=True)
    view = units_of(sections[0], intros=True)[:3]
    points = [Point((u,), label if i == 0 else "") for i, u in enumerate(view)]
    for chunk in sections[1:]:
        unit = _best_unit(units_of(chunk), asked)
        if unit is not None and not _redundant(unit, view):
            points.append(Point((unit,)))
    return points


def _plan_every_audience(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """No one stakeholder named: how the definition adapts, then one line per stakeholder."""
    chunks = [c for c in audience_overview(ev.library) if c.chunk_id in ev.library]
    overview = [c for c in chunks if c.doc_id not in STAKEHOLDER_DOCS.values()]
    points = _excerpt(overview[0], asked, max_units=2) if overview else []
    for key, doc in STAKEHOLDER_DOCS.items():
        view = next((c for c in chunks if c.doc_id == doc), None)
        unit = _best_unit(units_of(view), asked) if view else None
        if unit is not None:
            points.append(Point((unit,), LENS_LABELS[key]))
    return points


_PLANNERS: dict[str, Callable[[Evidence, frozenset[str]], list[Point]]] = {
    "definition": _plan_definition,
    "hallmarks": _plan_hallmarks,
    "bottom_line": _plan_bottom_line,
    "rubric": _plan_focused,
    "variants": _plan_variants,
    "glossary": _plan_glossary,
    "stakeholder": _plan_stakeholder,
}


def _preferred(ev: Evidence) -> list[Chunk]:
    """Sections an intent draws on even when search ranked them low (they are pinned)."""
    lib, intent = ev.library, ev.request.intent
    if intent == "definition":
        closing = section_chunk(lib, "bottom-line-test", "everything-else")
        return ([closing] if closing else []) + doc_chunks(lib, "production-ai-definition")[1:3]
    if intent == "comparison":
        strategy = section_chunk(lib, "production-ai-definition", "strategy")
        return doc_chunks(lib, "pilot-vs-production") + ([strategy] if strategy else [])
    if intent == "statistics":
        return doc_chunks(lib, "why-pilots-stall")
    if intent == "rubric":
        return doc_chunks(lib, "assessment-rubric")[:1] + doc_chunks(lib, "maturity-levels")[:1]
    return []


def _top_chunk(ev: Evidence, preferred: Sequence[Chunk]) -> Chunk | None:
    """The best-ranked search hit, among the intent's preferred chunks when possible."""
    wanted = {c.chunk_id for c in preferred}
    for scored in ev.hits:
        if scored.chunk.chunk_id in wanted:
            return scored.chunk
    return ev.hits[0].chunk if ev.hits else (preferred[0] if preferred else None)


def _structured(
    chunks: Sequence[Chunk], asked: frozenset[str], label_last: bool = True
) -> list[Point]:
    """Overview section as the lead, then one labelled sentence from each later section."""
    sections = _first_parts(chunks)
    if len(sections) < 2:
        return []
    lead_units = units_of(sections[0], intros=True)
    if not lead_units:
        return []
    points = [Point((lead_units[0],))]
    # The overview's closing sentence, when it answers something the lead does not.
    beyond = asked - terms(lead_units[0].text)
    closing = [u for u in lead_units[1:] if not u.intro and overlap(u, beyond) >= 2.0]
    for i, chunk in enumerate(sections[1:], start=1):
        best = _best_unit(units_of(chunk), asked)
        if best is not None:
            last = i == len(sections) - 1
            label = "" if last and not label_last else f"{chunk.section}:"
            points.append(Point((best,), label))
    return points + [Point((u,)) for u in closing[:1]]


def _best_unit(units: Sequence[Unit], asked: frozenset[str]) -> Unit | None:
    """The section's topic sentence unless a later one matches the question clearly better."""
    if not units:
        return None
    return max(units, key=lambda u: (overlap(u, asked) + (1.0 if u.index == 0 else 0.0), -u.index))


def _variants(lib: Mapping[str, Chunk], focus: str, asked: frozenset[str]) -> list[Point]:
    chunks = _first_parts(doc_chunks(lib, "definition-variants"))
    if not chunks:
        return []
    wanted = focus.split(":", 1)[1] if focus.startswith("variant:") else None
    versions = [c for c in chunks if any(k in c.chunk_id.split("#")[-1] for k in VARIANT_KEYS)]
    intro = [c for c in chunks if c not in versions]
    if wanted:
        picked = [c for c in versions if wanted in c.chunk_id.split("#")[-1]]
        if not picked:
            return []
        points = _whole_section(picked[0], label=f"{picked[0].section}:")
        extra = _best_unit([u for c in intro for u in units_of(c)], asked | {wanted})
        return points + ([Point((extra,))] if extra and overlap(extra, asked | {wanted}) else [])
    lead = [Point((units_of(intro[0])[0],))] if intro and units_of(intro[0]) else []
    return lead + [p for c in versions for p in _whole_section(c, f"{c.section}:", max_units=2)]


def _whole_section(
    chunk: Chunk, label: str = "", max_units: int = 4, intros: bool = False
) -> list[Point]:
    """A section's sentences, grouped into one point while they run on without markup."""
    return _grouped(units_of(chunk, intros=intros)[:max_units], label)


def _grouped(units: Sequence[Unit], label: str = "") -> list[Point]:
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


def _excerpt(chunk: Chunk, asked: frozenset[str], max_units: int = 3) -> list[Point]:
    """The section's opening sentence plus the sentences closest to the question, in order."""
    units = units_of(chunk, intros=True)
    if not units:
        return []
    ranked = sorted(units[1:], key=lambda u: (-overlap(u, asked), u.index))
    picked = {units[0].index} | {u.index for u in ranked[: max_units - 1]}
    return _grouped([u for u in units if u.index in picked])


def _section_then_pool(
    ev: Evidence, chunk: Chunk, asked: frozenset[str], label: str = "", max_units: int = 3
) -> list[Point]:
    """Quote one focused section, then at most one related point from the search hits."""
    points = _whole_section(chunk, label, max_units)
    if not points:
        return _pool(ev, asked, [], lead=None)
    used = [u for p in points for u in p.units]
    extra = _pool(ev, asked, [], lead=None, exclude=used, max_points=1, need_overlap=True)
    return points + extra[:1]


def _pool(
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
        weak = overlap(unit, asked) < 1.0
        if weak and (need_overlap or (points and unit.chunk.chunk_id not in preferred_ids)):
            continue
        same_chunk = sum(u.chunk.chunk_id == unit.chunk.chunk_id for u in chosen)
        if same_chunk >= 2 or _redundant(unit, chosen):
            continue
        points.append(Point((unit,), label if not points else ""))
        chosen.append(unit)
    return points


def _unit_score(unit: Unit, asked: frozenset[str], bonus: Mapping[str, float]) -> float:
    position = 0.5 if unit.index == 0 else -0.05 * unit.index
    return 2.0 * overlap(unit, asked) + bonus.get(unit.chunk.chunk_id, 0.0) + position


def _lens_point(ev: Evidence, points: Sequence[Point]) -> Point | None:
    """A closing point from the audience's stakeholder document, for non-stakeholder intents."""
    audience: Audience = ev.request.audience
    if audience == "all" or ev.request.intent in {"stakeholder", "assessment"}:
        return None
    used = [u for p in points for u in p.units]
    candidates = [u for c in stakeholder_chunks(ev.library, audience) for u in units_of(c)]
    candidates = [u for u in candidates if not _redundant(u, used)]
    asked = terms(ev.request.standalone_question)
    best = max(
        candidates,
        key=lambda u: (
            overlap(u, asked) + (0.5 if u.index == 0 else 0.0),
            -u.chunk.ordinal,
            -u.index,
        ),
        default=None,
    )
    return Point((best,), LENS_LABELS[audience]) if best else None


# ---------------------------------------------------------------- rendering


def render(points: Sequence[Point], lens: Point | None = None) -> tuple[str, list[Citation]]:
    """Markdown (lead paragraph, bullets, lens paragraph) and citations in marker order."""
    citations: list[Citation] = []
    markers: dict[tuple[str, int, int], int] = {}

    def cite(point: Point) -> str:
        key = (point.chunk.chunk_id, point.units[0].start, point.units[-1].end)
        if key not in markers:
            markers[key] = len(markers) + 1
            citations.append(_citation(point, markers[key]))
        text = " ".join(" ".join(u.text.split()) for u in point.units)
        said = tokenize(point.label)[:3] == tokenize(text)[:3]
        label = f"**{point.label}** " if point.label and not said else ""
        return f"{label}{text} [{markers[key]}]"

    blocks = [cite(points[0])]
    if len(points) > 1:
        blocks.append("\n".join(f"- {cite(p)}" for p in points[1:]))
    if lens is not None:
        blocks.append(cite(lens))
    return "\n\n".join(blocks), citations


def _citation(point: Point, marker: int) -> Citation:
    chunk = point.chunk
    return Citation(
        marker=marker,
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        title=chunk.title,
        section=chunk.section,
        quote=point.quote,
    )


__all__ = [
    "Evidence",
    "ExtractiveBackend",
    "Point",
    "Unit",
    "plan_points",
    "render",
    "terms",
    "units_of",
]
