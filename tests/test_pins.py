"""Pinned sections: which corpus sections each route asks retrieval to include, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodai_assistant.chunking import chunk_documents
from prodai_assistant.corpus import load_corpus
from prodai_assistant.models import Chunk
from prodai_assistant.routing.pins import (
    first_parts,
    focus_parts,
    pinned_sections,
    section_chunk,
    stakeholder_chunks,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LIBRARY = {c.chunk_id: c for c in chunk_documents(load_corpus(CORPUS))}


def doc_of(chunk_id: str) -> str:
    return chunk_id.split("#", 1)[0]


@pytest.mark.parametrize(
    ("intent", "focus", "chunk_id"),
    [
        ("hallmarks", "hallmark:3", "four-hallmarks#reliable-and-governed-through-xops"),
        ("hallmarks", "hallmark:4", "four-hallmarks#driving-repeatable-roi"),
        ("bottom_line", "part:1", "bottom-line-test#wired-into-your-data"),
        ("bottom_line", "part:3", "bottom-line-test#visible-in-your-financials"),
        ("rubric", "dimension:4", "assessment-rubric#d4-operated-through-xops"),
        ("rubric", "level:0", "maturity-levels#level-0-concept-or-demo"),
        ("variants", "variant:punchy", "definition-variants#the-punchy-version"),
        ("glossary", "term:p-l", "glossary#p-l"),
        ("stakeholder", "audience:cto", "stakeholder-cto#the-architectural-view-for-the-cto"),
    ],
)
def test_the_focused_section_is_pinned_first(intent: str, focus: str, chunk_id: str) -> None:
    pins = pinned_sections(intent, focus, "all", LIBRARY)  # type: ignore[arg-type]
    assert next(iter(pins)) == chunk_id
    assert pins[chunk_id] == f"focus:{focus}"


@pytest.mark.parametrize(
    ("intent", "docs"),
    [
        ("hallmarks", {"four-hallmarks"}),
        ("bottom_line", {"bottom-line-test"}),
        ("variants", {"definition-variants"}),
        ("statistics", {"why-pilots-stall"}),
        ("comparison", {"pilot-vs-production", "production-ai-definition"}),
        ("definition", {"production-ai-definition", "four-hallmarks", "bottom-line-test"}),
        ("rubric", {"assessment-rubric", "maturity-levels"}),
    ],
)
def test_an_unfocused_intent_pins_its_documents(intent: str, docs: set[str]) -> None:
    pins = pinned_sections(intent, None, "all", LIBRARY)  # type: ignore[arg-type]
    assert pins and {doc_of(c) for c in pins} == docs
    assert set(pins.values()) <= {f"intent:{intent}", f"lead:{intent}"}


@pytest.mark.parametrize(
    ("intent", "lead"),
    [
        ("definition", "production-ai-definition#the-core-definition"),
        ("hallmarks", "four-hallmarks#the-four-hallmarks-at-a-glance"),
        ("bottom_line", "bottom-line-test#the-three-part-test"),
        ("variants", "definition-variants#choosing-a-version-for-the-medium"),
        ("stakeholder", "production-ai-definition#definitions-that-fit-the-audience"),
    ],
)
def test_an_unfocused_structured_answer_pins_its_lead_first(intent: str, lead: str) -> None:
    pins = pinned_sections(intent, None, "all", LIBRARY)  # type: ignore[arg-type]
    assert next(iter(pins.items())) == (lead, f"lead:{intent}")
    assert [c for c, rule in pins.items() if rule.startswith("lead:")] == [lead]


@pytest.mark.parametrize(
    ("intent", "focus", "audience"),
    [
        ("hallmarks", "hallmark:2", "all"),
        ("comparison", None, "all"),
        ("statistics", None, "all"),
        ("stakeholder", None, "cfo"),
        ("rubric", "dimension:4", "all"),
    ],
)
def test_no_lead_when_focused_or_without_a_fixed_overview(
    intent: str, focus: str | None, audience: str
) -> None:
    pins = pinned_sections(intent, focus, audience, LIBRARY)  # type: ignore[arg-type]
    assert not any(rule.startswith("lead:") for rule in pins.values())


@pytest.mark.parametrize("intent", ["general", "greeting", "out_of_scope", "glossary"])
def test_intents_without_fixed_sections_pin_nothing(intent: str) -> None:
    assert pinned_sections(intent, None, "all", LIBRARY) == {}  # type: ignore[arg-type]


def test_a_missing_focused_section_falls_back_to_the_whole_document() -> None:
    pins = pinned_sections("hallmarks", "hallmark:9", "all", LIBRARY)
    assert {doc_of(c) for c in pins} == {"four-hallmarks"} and len(pins) == 5


def test_a_focused_variant_also_pins_the_introduction_only() -> None:
    pins = pinned_sections("variants", "variant:slide", "all", LIBRARY)
    assert list(pins) == [
        "definition-variants#the-slide-version",
        "definition-variants#choosing-a-version-for-the-medium",
    ]


def test_the_audience_lens_pins_the_stakeholder_document() -> None:
    pins = pinned_sections("hallmarks", "hallmark:1", "cfo", LIBRARY)
    lens = [c for c, rule in pins.items() if rule == "lens:cfo"]
    assert lens and all(doc_of(c) == "stakeholder-cfo" for c in lens)
    assert "lens:cfo" not in pinned_sections("stakeholder", "audience:cfo", "cfo", LIBRARY).values()


def test_stakeholders_in_general_pin_an_overview_not_the_whole_library() -> None:
    pins = pinned_sections("stakeholder", None, "all", LIBRARY)
    assert list(pins) == [
        "production-ai-definition#definitions-that-fit-the-audience",
        "stakeholder-ceo-board#the-strategy-view-for-the-ceo-and-board",
        "stakeholder-cfo#the-financial-view-for-the-cfo",
        "stakeholder-cto#the-architectural-view-for-the-cto",
        "stakeholder-lob#the-operational-view-for-line-of-business-leaders",
    ]


def test_pins_are_deterministic_and_only_name_known_chunks() -> None:
    for intent in ("definition", "hallmarks", "stakeholder", "comparison"):
        first = pinned_sections(intent, None, "cto", LIBRARY)  # type: ignore[arg-type]
        assert first == pinned_sections(intent, None, "cto", LIBRARY)  # type: ignore[arg-type]
        assert set(first) <= set(LIBRARY)


def test_an_empty_library_pins_nothing() -> None:
    assert pinned_sections("hallmarks", "hallmark:2", "cfo", {}) == {}


def test_stakeholder_chunks_for_all_is_empty() -> None:
    assert stakeholder_chunks(LIBRARY, "all") == []
    assert stakeholder_chunks(LIBRARY, "cfo")[0].doc_id == "stakeholder-cfo"


def test_first_parts_drop_continuations_and_section_lookup() -> None:
    base = LIBRARY["glossary#xops"]
    part = base.model_copy(update={"chunk_id": "glossary#xops-2", "ordinal": 999})
    assert first_parts([base, part]) == [base]
    lone: list[Chunk] = [part]
    assert first_parts(lone) == lone
    assert (
        section_chunk(LIBRARY, "four-hallmarks", "roi")
        is LIBRARY["four-hallmarks#driving-repeatable-roi"]
    )


@pytest.mark.parametrize(
    ("focus", "parts"),
    [("hallmark:3", ("hallmark", "3")), (None, ("", "")), ("term:p-l", ("term", "p-l"))],
)
def test_focus_parts(focus: str | None, parts: tuple[str, str]) -> None:
    assert focus_parts(focus) == parts


def test_a_focus_naming_several_parts_pins_each_section_in_order() -> None:
    pins = pinned_sections("rubric", "level:2+3", "all", LIBRARY)  # type: ignore[arg-type]
    focused = [cid for cid, rule in pins.items() if rule == "focus:level:2+3"]
    assert focused == ["maturity-levels#level-2-deployed", "maturity-levels#level-3-operated"]
    parts = pinned_sections("bottom_line", "part:1+3", "all", LIBRARY)  # type: ignore[arg-type]
    assert [c for c, r in parts.items() if r == "focus:part:1+3"] == [
        "bottom-line-test#wired-into-your-data",
        "bottom-line-test#visible-in-your-financials",
    ]
