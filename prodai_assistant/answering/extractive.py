"""Extractive backend: answers assembled from corpus sentences, each cited. No LLM. Pure.

Every sentence of an answer is a verbatim copy of a sentence of the chunk its marker cites
(list bullets stripped, whitespace collapsed); only short labels such as "For the CFO:" are
added. Selection is rule-based per intent, then ranked by word overlap with the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..models import Audience, Chunk, Citation
from ..text import content_words, sentence_spans, tokenize
from .base import AnswerRequest, Composed, greeting, refusal

STAKEHOLDER_DOCS: dict[str, str] = {
    "ceo": "stakeholder-ceo-board",
    "cfo": "stakeholder-cfo",
    "cto": "stakeholder-cto",
    "lob": "stakeholder-lob",
}
LENS_LABELS: dict[str, str] = {
    "ceo": "For the CEO and board:",
    "cfo": "For the CFO:",
    "cto": "For the CTO:",
    "lob": "For line-of-business leaders:",
}
HALLMARK_KEYS = ("deployed", "embedded", "governed", "roi")
VARIANT_KEYS = ("formal", "slide", "punchy")
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
        points = plan_points(request)
        if not points:
            return refusal("no_evidence")
        lens = _lens_point(request, points)
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


# ---------------------------------------------------------------- library lookups


def doc_chunks(library: Mapping[str, Chunk], doc_id: str) -> list[Chunk]:
    """Chunks of one document in corpus order."""
    return sorted((c for c in library.values() if c.doc_id == doc_id), key=lambda c: c.ordinal)


def section_chunk(library: Mapping[str, Chunk], doc_id: str, key: str) -> Chunk | None:
    """First chunk of ``doc_id`` whose section slug contains ``key``."""
    for chunk in doc_chunks(library, doc_id):
        if key in chunk.chunk_id.split("#", 1)[-1]:
            return chunk
    return None


def stakeholder_chunks(library: Mapping[str, Chunk], audience: str) -> list[Chunk]:
    """The stakeholder document for an audience, or any chunks written for it."""
    chunks = doc_chunks(library, STAKEHOLDER_DOCS.get(audience, ""))
    if chunks:
        return chunks
    return sorted((c for c in library.values() if c.audience == audience), key=lambda c: c.ordinal)


def _first_parts(chunks: Sequence[Chunk]) -> list[Chunk]:
    """Drop continuation parts ('<id>-2', '<id>-3') so each section counts once."""
    ids = {c.chunk_id for c in chunks}
    return [c for c in chunks if re.sub(r"-\d+$", "", c.chunk_id) not in ids - {c.chunk_id}]


# ---------------------------------------------------------------- planning per intent


def plan_points(request: AnswerRequest) -> list[Point]:
    """Lead point first, then supporting points; empty when nothing supports an answer."""
    asked = terms(request.standalone_question)
    planner = _PLANNERS.get(request.intent)
    planned = planner(request, asked) if planner else []
    return planned or _plan_top_section(request, asked)


def _plan_top_section(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    """The best-ranked section quoted in order, then up to two related points elsewhere."""
    preferred = _preferred(request)
    top = _top_chunk(request, preferred)
    if top is None:
        return []
    points = _excerpt(top, asked, max_units=4)
    if not points:
        return _pool(request, asked, preferred, lead=top, best_lead=True)
    used = [u for p in points for u in p.units]
    extra = _pool(
        request, asked, preferred, lead=None, exclude=used, max_points=2, need_overlap=True
    )
    return points + extra


def _plan_definition(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    """The core definition, the four-hallmark summary, then the best supporting sentences."""
    heads = doc_chunks(request.library, "production-ai-definition")[:1]
    heads += doc_chunks(request.library, "four-hallmarks")[:1]
    points = [Point((units[0],)) for c in heads if (units := units_of(c, intros=True))]
    if not points:
        return []
    used = [u for p in points for u in p.units]
    more = _pool(request, asked, _preferred(request), lead=None, exclude=used, max_points=3)
    return points + more


def _plan_hallmarks(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    focus, lib = request.focus or "", request.library
    if focus.startswith("hallmark:"):
        key = HALLMARK_KEYS[int(focus.split(":")[1]) - 1]
        chunk = section_chunk(lib, "four-hallmarks", key)
        if chunk is not None:
            label = f"{chunk.section}:"
            return _section_then_pool(request, chunk, asked, label=label, max_units=4)
    return _structured(doc_chunks(lib, "four-hallmarks"), asked)


def _plan_bottom_line(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    chunks = _first_parts(doc_chunks(request.library, "bottom-line-test"))
    focus = request.focus or ""
    if focus.startswith("part:") and len(chunks) > int(focus[5:]):
        part = chunks[int(focus[5:])]  # parts follow the overview section
        return _section_then_pool(request, part, asked, label=f"{part.section}:", max_units=4)
    return _structured(chunks, asked, label_last=False)


def _plan_rubric(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    """A named dimension (D1-D8) or maturity level (0-4) quoted from its own section."""
    kind, _, number = (request.focus or "").partition(":")
    doc, prefix = {
        "dimension": ("assessment-rubric", "d"),
        "level": ("maturity-levels", "level-"),
    }.get(kind, ("", ""))
    for chunk in _first_parts(doc_chunks(request.library, doc)):
        if chunk.chunk_id.split("#")[-1].startswith(f"{prefix}{number}-"):
            return _section_then_pool(request, chunk, asked, label=f"{chunk.section}:", max_units=4)
    return []


def _plan_variants(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    return _variants(request.library, request.focus or "", asked)


def _plan_glossary(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    focus = request.focus or ""
    chunk = request.library.get(f"glossary#{focus.split(':', 1)[1]}") if ":" in focus else None
    return _section_then_pool(request, chunk, asked, max_units=2) if chunk else []


def _plan_stakeholder(request: AnswerRequest, asked: frozenset[str]) -> list[Point]:
    """The stakeholder's view in order, or the one section the question names."""
    focus = request.focus or ""
    audience = focus.split(":", 1)[1] if focus.startswith("audience:") else request.audience
    sections = _first_parts(stakeholder_chunks(request.library, audience))
    if not sections:
        return []
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


_PLANNERS: dict[str, Callable[[AnswerRequest, frozenset[str]], list[Point]]] = {
    "definition": _plan_definition,
    "hallmarks": _plan_hallmarks,
    "bottom_line": _plan_bottom_line,
    "rubric": _plan_rubric,
    "variants": _plan_variants,
    "glossary": _plan_glossary,
    "stakeholder": _plan_stakeholder,
}


def _preferred(request: AnswerRequest) -> list[Chunk]:
    """Sections an intent should draw on even when retrieval ranked them low."""
    lib, intent = request.library, request.intent
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


def _top_chunk(request: AnswerRequest, preferred: Sequence[Chunk]) -> Chunk | None:
    """The best-ranked retrieved chunk, among the intent's preferred chunks when possible."""
    ranked = sorted(request.retrieved, key=lambda s: s.rank)
    wanted = {c.chunk_id for c in preferred}
    for scored in ranked:
        if scored.chunk.chunk_id in wanted:
            return scored.chunk
    return ranked[0].chunk if ranked else (preferred[0] if preferred else None)


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
    request: AnswerRequest, chunk: Chunk, asked: frozenset[str], label: str = "", max_units: int = 3
) -> list[Point]:
    """Quote one focused section, then at most one related point from retrieval."""
    points = _whole_section(chunk, label, max_units)
    if not points:
        return _pool(request, asked, [], lead=None)
    used = [u for p in points for u in p.units]
    extra = _pool(request, asked, [], lead=None, exclude=used, max_points=1, need_overlap=True)
    return points + extra[:1]


def _pool(
    request: AnswerRequest,
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
    """Rank sentences of preferred and retrieved chunks; the lead comes from ``lead``.

    The lead is the chunk's first sentence, or with ``best_lead`` its best-ranked one.
    """
    bonus: dict[str, float] = {}
    for i, chunk in enumerate(preferred):
        bonus.setdefault(chunk.chunk_id, 3.0 - 0.2 * i)
    retrieved = request.retrieved if with_retrieved else ()
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


def _lens_point(request: AnswerRequest, points: Sequence[Point]) -> Point | None:
    """A closing point from the audience's stakeholder document, for non-stakeholder intents."""
    audience: Audience = request.audience
    if audience == "all" or request.intent in {"stakeholder", "assessment"}:
        return None
    used = [u for p in points for u in p.units]
    candidates = [u for c in stakeholder_chunks(request.library, audience) for u in units_of(c)]
    candidates = [u for u in candidates if not _redundant(u, used)]
    asked = terms(request.standalone_question)
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


__all__ = ["ExtractiveBackend", "Point", "Unit", "plan_points", "render", "terms", "units_of"]
