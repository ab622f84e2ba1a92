"""Per-intent answer plans: which sections lead, which sentences support, in what order.

Each planner draws only on ``Evidence``: the search hits and the sections the route pinned.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ..models import Chunk
from ..routing.pins import VARIANT_KEYS, doc_chunks, first_parts, section_chunk, slug
from ..text import split_sentences
from .lens import plan_stakeholder
from .pool import Evidence, pool, section_then_pool
from .sentences import (
    WEAK_TERMS,
    Point,
    Unit,
    best_unit,
    excerpt,
    grouped,
    overlap,
    terms,
    units_of,
    whole_section,
)

# A section this long (in sentences) is quoted whole: it reads as one passage.
PASSAGE_UNITS = 5


def plan_points(evidence: Evidence) -> list[Point]:
    """Lead point first, then supporting points; empty when nothing supports an answer."""
    asked = terms(evidence.request.standalone_question)
    planner = _PLANNERS.get(evidence.request.intent)
    planned = planner(evidence, asked) if planner else []
    return planned or _plan_top_section(evidence, asked)


RESTATED_MIN_SCORE = 0.5  # a sentence speaking to less of the last answer adds nothing
RESTATED_MAX = 6  # sentences of the last answer's passages an answer about it draws on
_MARKER = re.compile(r"\[\d+\]")  # a citation marker (the syntax is a definition)


def plan_restated(ev: Evidence) -> list[Point]:
    """What the last answer said, drawn again from the passages it came from.

    A short form (shorter, one sentence) gets the sentences that cover most of the last
    answer (``_covering``); any other form gets, for each sentence of the last answer, the
    corpus sentences it was drawn from (``_sources``), in reading order. A default-form
    follow-up ("why?", "go on") gets the passage the first of those belongs to, whole.
    """
    said = [terms(x) for x in split_sentences(_MARKER.sub(" ", ev.request.previous_answer))]
    said = [t for t in said if t]
    if not said:
        return []
    rank = {s.chunk.chunk_id: s.rank for s in ev.request.retrieved}
    candidates = sorted(
        (u for c in ev.library.values() for u in units_of(c, intros=True)),
        key=lambda u: (rank.get(u.chunk.chunk_id, 99), u.chunk.ordinal, u.index),
    )
    form = ev.request.form
    if form in ("shorter", "one_sentence"):
        return [Point((u,)) for u in _covering(said, candidates)]
    chosen = _sources(said, candidates)
    if not chosen:
        return []
    if form == "default":
        return whole_section(chosen[0].chunk, max_units=PASSAGE_UNITS, intros=True)
    first = {u.chunk.chunk_id: i for i, u in reversed(list(enumerate(chosen)))}
    return grouped(sorted(chosen, key=lambda u: (first[u.chunk.chunk_id], u.index)))


def _covering(said: Sequence[frozenset[str]], candidates: Sequence[Unit]) -> list[Unit]:
    """Greedily, the sentences that speak to most of the said sentences (up to two of each
    one's distinctive words), times the share of their own words that were said."""
    counts = Counter(w for t in said for w in t)
    common = {w for w, n in counts.items() if n * 2 > len(said) and len(said) > 2} | WEAK_TERMS
    topics = [set(t - common) for t in said]
    got = [0] * len(said)
    everything = set(counts)
    pool_ = list(candidates)

    def score(unit: Unit) -> float:
        mine = terms(unit.text)
        if not mine:
            return 0.0
        cover = sum(min(len(mine & topics[j]), 2 - got[j]) for j in range(len(said)))
        return cover / 2 * len(mine & everything) / len(mine)

    chosen: list[Unit] = []
    while pool_ and len(chosen) < RESTATED_MAX:
        best = max(pool_, key=score)  # the first (best-ranked) of equals
        if score(best) < RESTATED_MIN_SCORE:
            break
        chosen.append(best)
        pool_.remove(best)
        mine = terms(best.text)
        for j in range(len(said)):
            got[j] = min(2, got[j] + len(mine & topics[j])) if topics[j] - mine else 2
            topics[j] -= mine
    return chosen


def _sources(said: Sequence[frozenset[str]], candidates: Sequence[Unit]) -> list[Unit]:
    """For each said sentence, the one or two corpus sentences that say most of it: most of
    its words, with most of their own words among them."""
    chosen: list[Unit] = []
    for sentence in said:
        left = set(sentence - WEAK_TERMS)
        for _ in range(2):
            if len(left) < 2:
                break
            scored = [
                (len(t & left) ** 2 / len(t), u)
                for u in candidates
                if u not in chosen and (t := terms(u.text))
            ]
            best_score, best = max(scored, key=lambda x: x[0], default=(0.0, None))
            if best is None or best_score < 1.0 or len(terms(best.text) & left) < 2:
                break
            chosen.append(best)
            left -= terms(best.text)
    return chosen


def _plan_top_section(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The best-ranked section quoted whole (one coherent passage), then up to two related
    points elsewhere; a long section is excerpted around its opening."""
    preferred = _preferred(ev)
    top = _top_chunk(ev, preferred)
    if top is None:
        return []
    whole = units_of(top, intros=True)
    if len(whole) <= PASSAGE_UNITS:
        points = whole_section(top, max_units=PASSAGE_UNITS, intros=True)
    else:
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


# Sentences quoted from each section when a focus names several ("level 2 vs 3": two each).
SEVERAL_UNITS = {2: 2}
SEVERAL_UNITS_MANY = 1


def _plan_focused(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    """The one section the focus names (a hallmark, part, dimension or level), labelled; when
    it names several, each of them labelled, in corpus order, and nothing else."""
    focused = ev.focused
    if not focused:
        return []
    if len(focused) > 1:
        return _plan_several(focused)
    chunk = focused[0]
    label = f"{chunk.section}:"
    return section_then_pool(ev, chunk, asked, label=label, max_units=4, skip_siblings=True)


def _plan_several(sections: Sequence[Chunk]) -> list[Point]:
    """Each named section's opening sentences under its own label (a side-by-side answer)."""
    ordered = sorted(sections, key=lambda c: (c.doc_id, c.ordinal))
    size = SEVERAL_UNITS.get(len(ordered), SEVERAL_UNITS_MANY)
    return [p for c in ordered for p in whole_section(c, f"{c.section}:", max_units=size)]


def _plan_hallmarks(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    focused = _plan_focused(ev, asked)
    return focused or _structured(doc_chunks(ev.library, "four-hallmarks"), asked)


def _plan_bottom_line(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    focused = _plan_focused(ev, asked)
    chunks = doc_chunks(ev.library, "bottom-line-test")
    return focused or _structured(chunks, asked, label_last=False)


def _plan_variants(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    return _variants(ev.library, ev.request.focus or "", asked, ev.request.form)


def _plan_glossary(ev: Evidence, asked: frozenset[str]) -> list[Point]:
    focused = ev.focused
    if len(focused) > 1:
        return _plan_several(focused)  # "MLOps vs LLMOps": each entry, labelled
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
    """The best-ranked search hit among the intent's preferred chunks, unless a hit from their
    documents ranks above it and its heading names as much of the question ("why does the
    weakest hallmark decide?" -> 'The weakest link decides', not the rubric's overview);
    else the best hit."""
    wanted = {c.chunk_id for c in preferred}
    docs = {c.doc_id for c in preferred}
    asked = terms(ev.request.standalone_question) - WEAK_TERMS
    asked |= {part for word in asked for part in word.split("-")}  # 'weakest-link'

    def names(chunk: Chunk) -> int:
        return len(terms(chunk.section) & asked)

    hits = [s.chunk for s in ev.hits]
    best = next((c for c in hits if c.chunk_id in wanted), None)
    above = hits[: hits.index(best)] if best is not None else hits
    for chunk in above:
        if chunk.doc_id in docs and names(chunk) >= max(1, names(best) if best else 1):
            return chunk
    if best is not None:
        return best
    return hits[0] if hits else (preferred[0] if preferred else None)


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


def _variants(
    lib: Mapping[str, Chunk], focus: str, asked: frozenset[str], form: str = "default"
) -> list[Point]:
    chunks = first_parts(doc_chunks(lib, "definition-variants"))
    if not chunks:
        return []
    wanted = focus.split(":", 1)[1] if focus.startswith("variant:") else None
    versions = [c for c in chunks if any(k in c.chunk_id.split("#")[-1] for k in VARIANT_KEYS)]
    intro = [c for c in chunks if c not in versions]
    named = [c for c in versions if any(k in asked and k in slug(c) for k in VARIANT_KEYS)]
    if form in ("two_versions", "compare") and len(named) >= 2:
        # "the formal and the punchy version side by side": each named version whole, labelled
        return [p for c in named for p in whole_section(c, f"{c.section}:", max_units=5)]
    if wanted:
        picked = [c for c in versions if wanted in c.chunk_id.split("#")[-1]]
        if not picked:
            return []
        points = whole_section(picked[0], label=f"{picked[0].section}:")
        extra = best_unit([u for c in intro for u in units_of(c)], asked | {wanted})
        return points + ([Point((extra,))] if extra and overlap(extra, asked | {wanted}) else [])
    lead = [Point((units_of(intro[0])[0],))] if intro and units_of(intro[0]) else []
    return lead + [p for c in versions for p in whole_section(c, f"{c.section}:", max_units=2)]


__all__ = ["PASSAGE_UNITS", "plan_points", "plan_restated"]
