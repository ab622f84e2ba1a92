"""Stakeholder framing: a stakeholder's own view, every stakeholder at once, or a closing lens."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Audience
from ..routing.pins import STAKEHOLDER_DOCS, audience_overview, first_parts, stakeholder_chunks
from .base import AnswerRequest
from .pool import Evidence
from .sentences import (
    WEAK_TERMS,
    Point,
    best_unit,
    excerpt,
    overlap,
    redundant,
    terms,
    units_of,
    whole_section,
)

LENS_LABELS: dict[str, str] = {
    "ceo": "For the CEO and board:",
    "cfo": "For the CFO:",
    "cto": "For the CTO:",
    "lob": "For line-of-business leaders:",
}
# The core view of a stakeholder document (its first section) is quoted up to this many sentences.
CORE_UNITS = 6
# Words that name a stakeholder rather than a topic within the stakeholder's document.
AUDIENCE_TERMS = terms(
    "ceo cfo cto lob board leader business line line-of-business chief finance executive "
    "officer director member stakeholder team"
)


def plan_stakeholder(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The stakeholder's core view whole (what they care about, one passage), then the section
    the question names, or else the next section's topic sentence."""
    focus = ev.request.focus or ""
    audience = focus.split(":", 1)[1] if focus.startswith("audience:") else ev.request.audience
    sections = first_parts(stakeholder_chunks(ev.library, audience))
    if not sections:
        return _plan_every_audience(ev, asked)
    label = LENS_LABELS.get(audience, "")
    core = whole_section(sections[0], label, max_units=CORE_UNITS, intros=True)
    used = [u for p in core for u in p.units]
    topical = asked - AUDIENCE_TERMS - WEAK_TERMS
    named = [(len(terms(c.section) & topical), -i, c) for i, c in enumerate(sections[1:], 1)]
    best = max(named, key=lambda h: h[:2], default=None)
    if best is not None and best[0] >= 1:
        return core + whole_section(best[2], max_units=5, intros=True)
    for chunk in sections[1:2]:
        unit = best_unit(units_of(chunk), asked)
        if unit is not None and not redundant(unit, used):
            core.append(Point((unit,)))
    return core


def _plan_every_audience(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """No one stakeholder named: how the definition adapts, then each view in brief."""
    chunks = [c for c in audience_overview(ev.library) if c.chunk_id in ev.library]
    overview = [c for c in chunks if c.doc_id not in STAKEHOLDER_DOCS.values()]
    points = excerpt(overview[0], asked, max_units=2) if overview else []
    for key, doc in STAKEHOLDER_DOCS.items():
        view = next((c for c in chunks if c.doc_id == doc), None)
        if view is not None:  # the view and what it presents Production AI as
            points += whole_section(view, LENS_LABELS[key], max_units=2)[:1]
    return points


# Answers a stakeholder's closing sentence reads well after: the concept itself and the
# versions of its definition (the slide version for the board). Glossary entries, figures and
# rubric details stand alone.
LENS_INTENTS = frozenset(
    {"definition", "hallmarks", "bottom_line", "comparison", "general", "variants"}
)


def fits_lens(request: AnswerRequest) -> bool:
    """Whether a closing stakeholder sentence belongs in this answer."""
    return request.intent in LENS_INTENTS and request.form not in ("shorter", "one_sentence")


def lens_point(ev: Evidence, points: Sequence[Point]) -> Point | None:
    """A closing point from the audience's stakeholder document, for non-stakeholder intents."""
    audience: Audience = ev.request.audience
    if audience == "all" or ev.request.intent in {"stakeholder", "assessment"}:
        return None
    used = [u for p in points for u in p.units]
    candidates = [u for c in stakeholder_chunks(ev.library, audience) for u in units_of(c)]
    candidates = [u for u in candidates if not redundant(u, used)]
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


__all__ = [
    "AUDIENCE_TERMS",
    "LENS_INTENTS",
    "LENS_LABELS",
    "fits_lens",
    "lens_point",
    "plan_stakeholder",
]
