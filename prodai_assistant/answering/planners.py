"""Per-intent answer plans: which sections lead, which sentences support, in what order.

Each planner draws only on ``Evidence``: the search hits and the sections the route pinned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..models import Chunk
from ..routing.pins import VARIANT_KEYS, doc_chunks, first_parts, section_chunk
from .lens import plan_stakeholder
from .pool import Evidence, pool, section_then_pool
from .sentences import Point, best_unit, excerpt, overlap, terms, units_of, whole_section


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
    points = excerpt(top, asked, max_units=4)
    if not points:
        return pool(ev, asked, preferred, lead=top, best_lead=True)
    used = [u for p in points for u in p.units]
    extra = pool(ev, asked, preferred, lead=None, exclude=used, max_points=2, need_overlap=True)
    return points + extra


def _plan_definition(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The core definition, the four-hallmark summary, then the best supporting sentences."""
    heads = doc_chunks(ev.library, "production-ai-definition")[:1]
    heads += doc_chunks(ev.library, "four-hallmarks")[:1]
    points = [Point((units[0],)) for c in heads if (units := units_of(c, intros=True))]
    if not points:
        return []
    used = [u for p in points for u in p.units]
    more = pool(ev, asked, _preferred(ev), lead=None, exclude=used, max_points=3)
    return points + more


def _plan_focused(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The one section the focus names (a hallmark, part, dimension or level), labelled."""
    focused = ev.focused
    if not focused:
        return []
    chunk = focused[0]
    label = f"{chunk.section}:"
    return section_then_pool(ev, chunk, asked, label=label, max_units=4, skip_siblings=True)


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
    return section_then_pool(ev, focused[0], asked, max_units=2) if focused else []


_PLANNERS: dict[str, Callable[[Evidence, frozenset[str]], list[Point]]] = {
    "definition": _plan_definition,
    "hallmarks": _plan_hallmarks,
    "bottom_line": _plan_bottom_line,
    "rubric": _plan_focused,
    "variants": _plan_variants,
    "glossary": _plan_glossary,
    "stakeholder": plan_stakeholder,
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
    sections = first_parts(chunks)
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
        best = best_unit(units_of(chunk), asked)
        if best is not None:
            last = i == len(sections) - 1
            label = "" if last and not label_last else f"{chunk.section}:"
            points.append(Point((best,), label))
    return points + [Point((u,)) for u in closing[:1]]


def _variants(lib: Mapping[str, Chunk], focus: str, asked: frozenset[str]) -> list[Point]:
    chunks = first_parts(doc_chunks(lib, "definition-variants"))
    if not chunks:
        return []
    wanted = focus.split(":", 1)[1] if focus.startswith("variant:") else None
    versions = [c for c in chunks if any(k in c.chunk_id.split("#")[-1] for k in VARIANT_KEYS)]
    intro = [c for c in chunks if c not in versions]
    if wanted:
        picked = [c for c in versions if wanted in c.chunk_id.split("#")[-1]]
        if not picked:
            return []
        points = whole_section(picked[0], label=f"{picked[0].section}:")
        extra = best_unit([u for c in intro for u in units_of(c)], asked | {wanted})
        return points + ([Point((extra,))] if extra and overlap(extra, asked | {wanted}) else [])
    lead = [Point((units_of(intro[0])[0],))] if intro and units_of(intro[0]) else []
    return lead + [p for c in versions for p in whole_section(c, f"{c.section}:", max_units=2)]


__all__ = ["plan_points"]
