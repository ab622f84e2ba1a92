"""Pinned sections: the corpus sections a route names, so retrieval returns what answers cite.

A question routed to an intent (and a focus such as 'hallmark:3') is answered from fixed
sections of the knowledge base, whether or not search ranks them in its top k. The retriever
adds these sections to its results, flagged with the rule that pinned them, so every chunk an
answer cites is listed in ``Answer.retrieved`` with its score and the reason it is there. Pure.

Rules are named '<kind>:<value>': 'focus:hallmark:3' (the section the router's focus names),
'lead:definition' (the overview an unfocused answer opens with), 'intent:comparison' (sections
the intent draws on), 'lens:cfo' (the audience's stakeholder document, quoted in a closing
point). Retrieval boosts the focus and lead sections (``retrieval.route_boost``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ..models import Audience, Chunk, Intent

STAKEHOLDER_DOCS: dict[str, str] = {
    "ceo": "stakeholder-ceo-board",
    "cfo": "stakeholder-cfo",
    "cto": "stakeholder-cto",
    "lob": "stakeholder-lob",
}
HALLMARK_KEYS = ("deployed", "embedded", "governed", "roi")
VARIANT_KEYS = ("formal", "slide", "punchy")
RUBRIC_SECTIONS = {"dimension": ("assessment-rubric", "d"), "level": ("maturity-levels", "level-")}
# Structured answers open with their document's first section (the overview).
LEAD_DOCS = {
    "hallmarks": "four-hallmarks",
    "bottom_line": "bottom-line-test",
    "variants": "definition-variants",
}
# The overview of how the definition changes with the audience (for 'executives', 'stakeholders').
AUDIENCE_OVERVIEW = ("production-ai-definition", "audience")

Pins = dict[str, str]  # chunk id -> the rule that pinned it, in pin order


# ---------------------------------------------------------------- library lookups


def doc_chunks(library: Mapping[str, Chunk], doc_id: str) -> list[Chunk]:
    """Chunks of one document in corpus order."""
    return sorted((c for c in library.values() if c.doc_id == doc_id), key=lambda c: c.ordinal)


def slug(chunk: Chunk) -> str:
    """The section part of a chunk id: 'four-hallmarks#driving-repeatable-roi' -> '...roi'."""
    return chunk.chunk_id.split("#", 1)[-1]


def section_chunk(library: Mapping[str, Chunk], doc_id: str, key: str) -> Chunk | None:
    """First chunk of ``doc_id`` whose section slug contains ``key``."""
    return next((c for c in doc_chunks(library, doc_id) if key in slug(c)), None)


def stakeholder_chunks(library: Mapping[str, Chunk], audience: str) -> list[Chunk]:
    """The stakeholder document for an audience, or any chunks written for it."""
    if audience not in STAKEHOLDER_DOCS:
        return []  # 'all' is no stakeholder: never every chunk of the library
    chunks = doc_chunks(library, STAKEHOLDER_DOCS[audience])
    if chunks:
        return chunks
    return sorted((c for c in library.values() if c.audience == audience), key=lambda c: c.ordinal)


def first_parts(chunks: Sequence[Chunk]) -> list[Chunk]:
    """Drop continuation parts ('<id>-2', '<id>-3') so each section counts once."""
    ids = {c.chunk_id for c in chunks}
    return [c for c in chunks if re.sub(r"-\d+$", "", c.chunk_id) not in ids - {c.chunk_id}]


def focus_parts(focus: str | None) -> tuple[str, str]:
    """'hallmark:3' -> ('hallmark', '3'); None -> ('', '')."""
    kind, _, value = (focus or "").partition(":")
    return kind, value


# ---------------------------------------------------------------- pin rules


def pinned_sections(
    intent: Intent,
    focus: str | None,
    audience: Audience | str,
    library: Mapping[str, Chunk],
) -> Pins:
    """Chunk id -> rule, for every section the route's answer may quote beyond search hits."""
    pins: Pins = {}
    focused = focus_section(intent, focus, library)
    _add(pins, focused, f"focus:{focus}")
    if not focused:
        _add(pins, lead_section(intent, audience, library), f"lead:{intent}")
    _add(pins, intent_sections(intent, focus, audience, library, focused), f"intent:{intent}")
    if audience in STAKEHOLDER_DOCS and intent not in {"stakeholder", "assessment"}:
        _add(pins, stakeholder_chunks(library, audience), f"lens:{audience}")
    return pins


def focus_section(intent: Intent, focus: str | None, library: Mapping[str, Chunk]) -> list[Chunk]:
    """The section(s) the router's focus names: one hallmark, part, dimension, term, view; a
    focus naming several parts ('level:2+3') names each of their sections, in that order."""
    kind, value = focus_parts(focus)
    if "+" in value and kind in ("hallmark", "part", *RUBRIC_SECTIONS):
        each = [focus_section(intent, f"{kind}:{v}", library) for v in value.split("+")]
        return [c for chunks in each for c in chunks]
    if kind == "hallmark" and intent == "hallmarks" and value in "1234" and value:
        found = section_chunk(library, "four-hallmarks", HALLMARK_KEYS[int(value) - 1])
        return [found] if found else []
    if kind == "part" and intent == "bottom_line" and value.isdigit():
        parts = first_parts(doc_chunks(library, "bottom-line-test"))
        return [parts[int(value)]] if len(parts) > int(value) else []  # parts follow the overview
    if kind in RUBRIC_SECTIONS and intent == "rubric":
        doc, prefix = RUBRIC_SECTIONS[kind]
        sections = first_parts(doc_chunks(library, doc))
        return [c for c in sections if slug(c).startswith(f"{prefix}{value}-")][:1]
    if kind == "variant" and intent == "variants":
        sections = first_parts(doc_chunks(library, "definition-variants"))
        return [c for c in sections if value in slug(c) and _is_version(c)][:1]
    if kind == "term" and intent == "glossary":
        entries = [library.get(f"glossary#{v}") for v in value.split("+")]
        return [c for c in entries if c is not None]
    if kind == "audience" and intent == "stakeholder":
        return first_parts(stakeholder_chunks(library, value))
    return []


def named_terms(question: str, library: Mapping[str, Chunk]) -> list[str]:
    """The glossary entries a question names by their heading ("MLOps", "Tier-1 asset", "PoC"
    for "Proof of concept (PoC)"), as term slugs in the order the question names them."""
    from ..text import tokenize

    asked = tokenize(question)
    found: dict[int, str] = {}
    for chunk in first_parts(doc_chunks(library, "glossary")):
        for phrase in chunk.section.replace(")", "").split("("):
            words = tokenize(phrase)
            size = len(words)
            starts = [i for i in range(len(asked) - size + 1) if asked[i : i + size] == words]
            if words and starts:
                found.setdefault(starts[0], slug(chunk))
    return list(dict.fromkeys(found[i] for i in sorted(found)))


def lead_section(intent: Intent, audience: Audience | str, lib: Mapping[str, Chunk]) -> list[Chunk]:
    """The overview an unfocused answer opens with (core definition, hallmarks at a glance ...)."""
    if intent == "definition":
        return doc_chunks(lib, "production-ai-definition")[:1]
    if intent in LEAD_DOCS:
        return first_parts(doc_chunks(lib, LEAD_DOCS[intent]))[:1]
    if intent == "stakeholder" and not stakeholder_chunks(lib, audience):
        return audience_overview(lib)[:1]
    return []


def intent_sections(
    intent: Intent,
    focus: str | None,
    audience: Audience | str,
    library: Mapping[str, Chunk],
    focused: Sequence[Chunk] = (),
) -> list[Chunk]:
    """Sections an intent draws on besides its focus (overviews, whole documents)."""
    lib = library
    if intent == "definition":
        closing = section_chunk(lib, "bottom-line-test", "everything-else")
        heads = (
            doc_chunks(lib, "production-ai-definition")[:3] + doc_chunks(lib, "four-hallmarks")[:1]
        )
        return heads + ([closing] if closing else [])
    if intent == "comparison":
        strategy = section_chunk(lib, "production-ai-definition", "strategy")
        return doc_chunks(lib, "pilot-vs-production") + ([strategy] if strategy else [])
    if intent == "statistics":
        return doc_chunks(lib, "why-pilots-stall")
    if intent == "rubric":
        return doc_chunks(lib, "assessment-rubric")[:1] + doc_chunks(lib, "maturity-levels")[:1]
    if focused:
        return _focus_companions(intent, lib)
    return _whole_intent(intent, audience, lib)


def _focus_companions(intent: Intent, lib: Mapping[str, Chunk]) -> list[Chunk]:
    """What a focused answer quotes besides its section: the variants' introduction."""
    if intent == "variants":
        return [
            c for c in first_parts(doc_chunks(lib, "definition-variants")) if not _is_version(c)
        ]
    return []


def _whole_intent(
    intent: Intent, audience: Audience | str, lib: Mapping[str, Chunk]
) -> list[Chunk]:
    """Sections of an unfocused structured answer (every hallmark, part, version or view)."""
    if intent == "hallmarks":
        return first_parts(doc_chunks(lib, "four-hallmarks"))
    if intent == "bottom_line":
        return first_parts(doc_chunks(lib, "bottom-line-test"))
    if intent == "variants":
        return first_parts(doc_chunks(lib, "definition-variants"))
    if intent == "stakeholder":
        own = first_parts(stakeholder_chunks(lib, audience))
        return own or audience_overview(lib)
    return []


def audience_overview(lib: Mapping[str, Chunk]) -> list[Chunk]:
    """How the definition fits each audience, then each stakeholder view's opening section."""
    overview = section_chunk(lib, *AUDIENCE_OVERVIEW)
    views = [
        chunks[0] for a in STAKEHOLDER_DOCS if (chunks := doc_chunks(lib, STAKEHOLDER_DOCS[a]))
    ]
    return ([overview] if overview else []) + views


def _is_version(chunk: Chunk) -> bool:
    return any(key in slug(chunk) for key in VARIANT_KEYS)


def _add(pins: Pins, chunks: Iterable[Chunk], rule: str) -> None:
    for chunk in chunks:
        pins.setdefault(chunk.chunk_id, rule)


__all__ = [
    "HALLMARK_KEYS",
    "STAKEHOLDER_DOCS",
    "VARIANT_KEYS",
    "Pins",
    "audience_overview",
    "doc_chunks",
    "first_parts",
    "focus_parts",
    "focus_section",
    "intent_sections",
    "lead_section",
    "named_terms",
    "pinned_sections",
    "section_chunk",
    "slug",
    "stakeholder_chunks",
]
