"""Extractive composer on a small hand-made library: verbatim citations, per-intent plans."""

from __future__ import annotations

import re
from typing import Any

import pytest

from prodai_assistant.answering import (
    HELP_TEXT,
    AnswerBackend,
    AnswerRequest,
    ExtractiveBackend,
    refusal_text,
)
from prodai_assistant.answering.extractive import Point, render, terms, units_of
from prodai_assistant.models import Chunk, ScoredChunk
from prodai_assistant.retrieval import fuse
from prodai_assistant.routing.pins import pinned_sections
from prodai_assistant.text import slugify

SECTIONS: list[tuple[str, str, str, str]] = [
    (
        "production-ai-definition",
        "all",
        "The core definition",
        "Production AI is AI put to work inside core business processes. "
        "Production AI automates decisions reliably and measurably.",
    ),
    (
        "four-hallmarks",
        "all",
        "The four hallmarks at a glance",
        "Production AI has four hallmarks that separate it from a demo.\n"
        "- Production AI is deployed in real operations.\n"
        "- Production AI is embedded in business processes.\n"
        "An AI project needs all four hallmarks to count as Production AI.",
    ),
    (
        "four-hallmarks",
        "all",
        "Deployed in real operations",
        "The first hallmark is that the system is deployed in real operations. "
        "A deployed system copes with edge cases.",
    ),
    (
        "four-hallmarks",
        "all",
        "Embedded in business processes",
        "The second hallmark is that the system is embedded in business processes.",
    ),
    (
        "four-hallmarks",
        "all",
        "Reliable and governed through xOps",
        "The third hallmark is that the system is reliable and governed. "
        "A governed system is supported by xOps and is audit-ready.",
    ),
    (
        "four-hallmarks",
        "all",
        "Driving repeatable ROI",
        "The fourth hallmark is that the system drives repeatable ROI in the P&L.",
    ),
    (
        "bottom-line-test",
        "all",
        "The three-part test",
        "The bottom line on Production AI is a three-part test.",
    ),
    (
        "bottom-line-test",
        "all",
        "Wired into your data",
        "The first part asks whether the AI system is wired into real data.",
    ),
    (
        "bottom-line-test",
        "all",
        "Supported by your operations",
        "The second part asks whether operations teams support the AI system.",
    ),
    (
        "bottom-line-test",
        "all",
        "Visible in your financials",
        "The third part asks whether the AI system is visible in the financials.",
    ),
    (
        "definition-variants",
        "all",
        "Choosing a version for the medium",
        "A white paper calls for the formal version of the definition. "
        "A conversation calls for the punchy version of the definition.",
    ),
    (
        "definition-variants",
        "all",
        "The formal version",
        "The formal version calls Production AI the operationalisation of AI in workflows.",
    ),
    (
        "definition-variants",
        "all",
        "The slide version",
        "The slide version calls Production AI a discipline of automating core processes.",
    ),
    (
        "definition-variants",
        "all",
        "The punchy version",
        "The punchy version says Production AI runs in production and shows up in the P&L. "
        "Anything short of that is just a demo.",
    ),
    (
        "stakeholder-cfo",
        "cfo",
        "The financial view for the CFO",
        "For the CFO, Production AI is a financial question. "
        "The financial view highlights cost predictability. "
        "The CFO should hear about systems managed through xOps.",
    ),
    (
        "stakeholder-cfo",
        "cfo",
        "Questions the CFO should ask",
        "The CFO can test an AI initiative with a few questions.\n"
        "- Are the running costs of the AI system predictable?\n"
        "- Do the efficiency gains appear in the financials?",
    ),
    (
        "glossary",
        "all",
        "xOps",
        "xOps is an umbrella term for MLOps, LLMOps and DataOps. "
        "Support through xOps is part of the third hallmark.",
    ),
]


def make_library() -> dict[str, Chunk]:
    chunks = [
        Chunk(
            chunk_id=f"{doc}#{slugify(section)}",
            doc_id=doc,
            title=doc.replace("-", " ").title(),
            section=section,
            audience=audience,  # type: ignore[arg-type]
            text=text,
            ordinal=i,
        )
        for i, (doc, audience, section, text) in enumerate(SECTIONS)
    ]
    return {c.chunk_id: c for c in chunks}


LIBRARY = make_library()


def hits(*chunk_ids: str) -> list[ScoredChunk]:
    return [
        ScoredChunk(chunk=LIBRARY[cid], score=1.0 / rank, rank=rank, dense_score=0.6)
        for rank, cid in enumerate(chunk_ids, start=1)
    ]


def request(question: str, intent: str, **kw: Any) -> AnswerRequest:
    """A request whose ``retrieved`` holds the given hits plus the route's pinned sections."""
    library = kw.pop("library", LIBRARY)
    found = list(kw.pop("retrieved", []))
    pins = pinned_sections(intent, kw.get("focus"), kw.get("audience", "all"), library)  # type: ignore[arg-type]
    hits = [(s.chunk.chunk_id, s.score) for s in found]
    chunks = {**library, **{s.chunk.chunk_id: s.chunk for s in found}}
    retrieved = fuse(hits, hits, chunks, k=len(found), pinned=pins)
    return AnswerRequest(
        question=question,
        standalone_question=question,
        intent=intent,  # type: ignore[arg-type]
        retrieved=retrieved,
        **kw,
    )


def compose(question: str, intent: str, **kw: Any):  # type: ignore[no-untyped-def]
    return ExtractiveBackend().compose(request(question, intent, **kw))


def cited_ids(question: str, intent: str, **kw: Any) -> list[str]:
    return [c.chunk_id for c in compose(question, intent, **kw).citations]


def assert_verbatim(composed) -> None:  # type: ignore[no-untyped-def]
    """Every quote is in its chunk; every sentence shown is in the chunk its marker cites;
    markers all map, numbered by first use; each passage (chunk) is cited once."""
    by_marker = {c.marker: c for c in composed.citations}
    assert sorted(by_marker) == list(range(1, len(by_marker) + 1))
    used = [int(m) for m in re.findall(r"\[(\d+)\]", composed.answer)]
    assert set(used) == set(by_marker)
    assert list(dict.fromkeys(used)) == sorted(set(used)), "numbered in order of first use"
    chunks = [c.chunk_id for c in composed.citations]
    assert len(chunks) == len(set(chunks)), "each passage is cited once"
    for line in re.split(r"\n+", composed.answer):
        if re.fullmatch(r"\*\*[^*]+:\*\*", line):
            continue  # a label on its own line ("**The formal version:**")
        body = re.sub(r"^- ", "", line)
        pieces = re.findall(r"(.+?) \[(\d+)\]", body)
        assert pieces and body.endswith("]"), line
        for text, marker in pieces:
            text = re.sub(r"^\s*\*\*[^*]+\*\* ", "", text.strip())
            citation = by_marker[int(marker)]
            chunk = " ".join(LIBRARY[citation.chunk_id].text.split())
            assert citation.quote in LIBRARY[citation.chunk_id].text
            assert text in chunk, (text, citation.chunk_id)


ALL_INTENTS = [
    ("What is Production AI?", "definition", ()),
    ("What are the four hallmarks?", "hallmarks", ()),
    ("What is the bottom line test?", "bottom_line", ()),
    ("What are the versions of the definition?", "variants", ()),
    ("How should I explain Production AI to the CFO?", "stakeholder", ()),
    ("What is xOps?", "glossary", ()),
    ("How is xOps used for governed systems?", "general", ("glossary#xops",)),
]


@pytest.mark.parametrize(("question", "intent", "retrieved"), ALL_INTENTS)
def test_answers_are_verbatim_and_fully_cited(
    question: str, intent: str, retrieved: tuple[str, ...]
) -> None:
    focus = {"glossary": "term:xops", "stakeholder": "audience:cfo"}.get(intent)
    composed = compose(question, intent, retrieved=hits(*retrieved), focus=focus)
    assert not composed.refused
    assert composed.citations
    assert_verbatim(composed)


@pytest.mark.parametrize("audience", ["all", "cfo"])
@pytest.mark.parametrize(("question", "intent", "retrieved"), ALL_INTENTS)
def test_every_citation_is_a_retrieved_chunk(
    question: str, intent: str, retrieved: tuple[str, ...], audience: str
) -> None:
    focus = {"glossary": "term:xops", "stakeholder": "audience:cfo"}.get(intent)
    req = request(question, intent, retrieved=hits(*retrieved), focus=focus, audience=audience)
    composed = ExtractiveBackend().compose(req)
    assert composed.citations
    assert {c.chunk_id for c in composed.citations} <= {s.chunk.chunk_id for s in req.retrieved}


def test_unpinned_sections_are_never_quoted() -> None:
    """Without the pins, a structured answer can only use what search returned."""
    only = hits("four-hallmarks#deployed-in-real-operations", "glossary#xops")
    req = AnswerRequest(
        question="What are the four hallmarks?",
        standalone_question="What are the four hallmarks?",
        intent="hallmarks",
        retrieved=only,
    )
    cited = {c.chunk_id for c in ExtractiveBackend().compose(req).citations}
    assert cited and cited <= {s.chunk.chunk_id for s in only}


def test_stakeholders_in_general_get_one_line_per_stakeholder() -> None:
    library = dict(LIBRARY)
    overview = Chunk(
        chunk_id="production-ai-definition#definitions-that-fit-the-audience",
        doc_id="production-ai-definition",
        title="Definition",
        section="Definitions that fit the audience",
        text="The wording of the definition varies with the audience of the conversation.",
        ordinal=70,
    )
    library[overview.chunk_id] = overview
    composed = compose("How do I explain it to executives?", "stakeholder", library=library)
    assert [c.chunk_id for c in composed.citations] == [
        overview.chunk_id,
        "stakeholder-cfo#the-financial-view-for-the-cfo",
    ]
    assert composed.answer.split("\n\n")[-1].startswith("For the CFO")


@pytest.mark.parametrize(("question", "intent", "retrieved"), ALL_INTENTS)
def test_composition_is_deterministic(
    question: str, intent: str, retrieved: tuple[str, ...]
) -> None:
    assert compose(question, intent, retrieved=hits(*retrieved)) == compose(
        question, intent, retrieved=hits(*retrieved)
    )


def test_hallmarks_cite_all_four_sections_in_order() -> None:
    assert cited_ids("What are the four hallmarks?", "hallmarks") == [
        "four-hallmarks#the-four-hallmarks-at-a-glance",
        "four-hallmarks#deployed-in-real-operations",
        "four-hallmarks#embedded-in-business-processes",
        "four-hallmarks#reliable-and-governed-through-xops",
        "four-hallmarks#driving-repeatable-roi",
    ]


def test_hallmark_bullets_carry_the_section_name() -> None:
    answer = compose("What are the four hallmarks?", "hallmarks").answer
    assert "- **Deployed in real operations:** The first hallmark" in answer


def test_single_hallmark_leads_with_its_section() -> None:
    composed = compose("What is the third hallmark?", "hallmarks", focus="hallmark:3")
    assert composed.citations[0].chunk_id == "four-hallmarks#reliable-and-governed-through-xops"
    assert "xOps" in composed.answer


def test_a_focused_hallmark_adds_no_point_about_another_hallmark() -> None:
    question = "What is the third hallmark?"
    sibling = hits("four-hallmarks#embedded-in-business-processes")
    ids = cited_ids(question, "hallmarks", focus="hallmark:3", retrieved=sibling)
    assert ids == ["four-hallmarks#reliable-and-governed-through-xops"]
    related = hits("four-hallmarks#embedded-in-business-processes", "glossary#xops")
    ids = cited_ids(question, "hallmarks", focus="hallmark:3", retrieved=related)
    assert ids[1:] == ["glossary#xops"]  # a related point from another document is welcome


def test_bottom_line_is_the_three_part_test() -> None:
    assert cited_ids("What is the bottom line?", "bottom_line") == [
        "bottom-line-test#the-three-part-test",
        "bottom-line-test#wired-into-your-data",
        "bottom-line-test#supported-by-your-operations",
        "bottom-line-test#visible-in-your-financials",
    ]


@pytest.mark.parametrize("variant", ["formal", "slide", "punchy"])
def test_asked_for_variant_leads(variant: str) -> None:
    ids = cited_ids("that version", "variants", focus=f"variant:{variant}")
    assert ids[0] == f"definition-variants#the-{variant}-version"
    assert all(
        f"the-{other}-version" not in i
        for i in ids
        for other in {"formal", "slide", "punchy"} - {variant}
    )


def test_punchy_variant_keeps_its_run_on_sentences_together() -> None:
    composed = compose("punchy?", "variants", focus="variant:punchy")
    assert composed.citations[0].quote.endswith("Anything short of that is just a demo.")
    assert_verbatim(composed)


def test_all_three_variants_without_focus() -> None:
    ids = cited_ids("What are the versions of the definition?", "variants")
    assert ids[1:] == [
        "definition-variants#the-formal-version",
        "definition-variants#the-slide-version",
        "definition-variants#the-punchy-version",
    ]


def test_stakeholder_answer_uses_only_that_stakeholder_document() -> None:
    ids = cited_ids(
        "How should I explain Production AI to the CFO?",
        "stakeholder",
        focus="audience:cfo",
        retrieved=hits("glossary#xops"),
    )
    assert ids and all(i.startswith("stakeholder-cfo#") for i in ids)


def test_stakeholder_question_naming_a_section_quotes_that_section() -> None:
    composed = compose("What questions should the CFO ask?", "stakeholder", focus="audience:cfo")
    # the core view leads, then the section the question names, whole
    assert [c.chunk_id for c in composed.citations] == [
        "stakeholder-cfo#the-financial-view-for-the-cfo",
        "stakeholder-cfo#questions-the-cfo-should-ask",
    ]
    assert "predictable?" in composed.answer


def test_audience_lens_adds_a_closing_point_for_that_stakeholder() -> None:
    composed = compose("What are the four hallmarks?", "hallmarks", audience="cfo")
    assert composed.citations[-1].doc_id == "stakeholder-cfo"
    assert composed.answer.split("\n\n")[-1].startswith("For the CFO")


def test_no_lens_for_the_general_audience() -> None:
    composed = compose("What are the four hallmarks?", "hallmarks", audience="all")
    assert all(c.doc_id != "stakeholder-cfo" for c in composed.citations)


def test_glossary_term_leads_with_its_entry() -> None:
    composed = compose("What is xOps?", "glossary", focus="term:xops")
    assert composed.citations[0].chunk_id == "glossary#xops"


def test_general_question_leads_with_the_top_retrieved_chunk() -> None:
    ids = cited_ids(
        "Which hallmark needs audit-ready governance?",
        "general",
        retrieved=hits("four-hallmarks#reliable-and-governed-through-xops", "glossary#xops"),
    )
    assert ids[0] == "four-hallmarks#reliable-and-governed-through-xops"


def test_general_points_must_share_words_with_the_question() -> None:
    composed = compose(
        "Which hallmark needs audit-ready governance?",
        "general",
        retrieved=hits(
            "four-hallmarks#reliable-and-governed-through-xops",
            "bottom-line-test#the-three-part-test",
        ),
    )
    assert all(c.chunk_id != "bottom-line-test#the-three-part-test" for c in composed.citations)


def test_nothing_retrieved_and_no_library_is_refused() -> None:
    composed = compose("How is xOps staffed?", "general", library={})
    assert composed.refused and composed.refusal_reason == "no_evidence"
    assert composed.answer == refusal_text("no_evidence")


def test_greeting_gets_the_help_text() -> None:
    composed = compose("hello", "greeting")
    assert (composed.answer, composed.refused, composed.citations) == (HELP_TEXT, False, [])


def test_out_of_scope_is_refused_without_citations() -> None:
    composed = compose("weather?", "out_of_scope")
    assert composed.refused and not composed.citations


def test_backend_satisfies_the_protocol() -> None:
    assert isinstance(ExtractiveBackend(), AnswerBackend)
    assert ExtractiveBackend().name == "extractive"


def test_units_strip_bullets_and_flag_list_intros() -> None:
    glance = LIBRARY["four-hallmarks#the-four-hallmarks-at-a-glance"]
    units = units_of(glance, intros=True)
    assert [u.intro for u in units] == [True, False, False, False]
    assert units[1].text == "Production AI is deployed in real operations."
    assert [u.text for u in units_of(glance)][0] == units[1].text
    for unit in units:
        assert glance.text[unit.start : unit.end] == unit.text


@pytest.mark.parametrize(
    "text",
    ["## A heading inside the text", "| a | table | row | here |", "Too short.", "Intro line:"],
)
def test_units_skip_unquotable_lines(text: str) -> None:
    chunk = Chunk(chunk_id="d#s", doc_id="d", title="T", section="S", text=text)
    assert units_of(chunk) == []


def test_a_named_bottom_line_part_is_quoted_from_its_section() -> None:
    composed = compose(
        "What does supported by your operations mean?", "bottom_line", focus="part:2"
    )
    assert composed.citations[0].chunk_id == "bottom-line-test#supported-by-your-operations"


def test_a_named_rubric_dimension_is_quoted_from_its_section() -> None:
    library = dict(LIBRARY)
    d3 = Chunk(
        chunk_id="assessment-rubric#d3-wired-into-real-data",
        doc_id="assessment-rubric",
        title="Rubric",
        section="D3 Wired into real data",
        text="Dimension D3 asks whether the AI system uses real data. Synthetic data is a flag.",
        ordinal=50,
    )
    library[d3.chunk_id] = d3
    ids = cited_ids(
        "What are the red flags for D3?", "rubric", focus="dimension:3", library=library
    )
    assert ids[0] == d3.chunk_id


def test_top_section_excerpt_keeps_the_sentences_closest_to_the_question() -> None:
    chunk = Chunk(
        chunk_id="pilot-vs-production#x",
        doc_id="pilot-vs-production",
        title="T",
        section="S",
        text="Early work takes many forms today. Budgets vary from team to team. "
        "Sponsors change their minds quite often. A sandbox tool is not embedded anywhere yet.",
        ordinal=60,
    )
    composed = compose(
        "Is a sandbox tool embedded?",
        "general",
        retrieved=[ScoredChunk(chunk=chunk, score=1, rank=1)],
    )
    assert composed.answer.startswith("Early work takes many forms today.")
    assert "A sandbox tool is not embedded anywhere yet." in composed.answer


def test_structured_answer_adds_the_overview_closing_when_asked_about() -> None:
    composed = compose("Does an AI project need all four hallmarks to count?", "hallmarks")
    ids = [c.chunk_id for c in composed.citations]
    # the closing comes from the overview the answer opens with: cited again as [1]
    assert ids[0] == "four-hallmarks#the-four-hallmarks-at-a-glance" and len(ids) == 5
    assert composed.answer.rstrip().endswith("[1]")


def test_continuation_parts_count_once_in_structured_answers() -> None:
    library = dict(LIBRARY)
    part = LIBRARY["four-hallmarks#driving-repeatable-roi"]
    library["four-hallmarks#driving-repeatable-roi-2"] = part.model_copy(
        update={"chunk_id": "four-hallmarks#driving-repeatable-roi-2", "ordinal": 99}
    )
    ids = cited_ids("What are the four hallmarks?", "hallmarks", library=library)
    assert len(ids) == 5 and not any(i.endswith("-2") for i in ids)


def test_general_lead_is_a_statement_not_a_question() -> None:
    composed = compose(
        "Which questions test running costs?",
        "general",
        retrieved=hits("stakeholder-cfo#questions-the-cfo-should-ask"),
    )
    assert not composed.answer.split("\n")[0].rstrip(" [1]").endswith("?")


def test_render_quotes_and_cites_a_passage_once() -> None:
    unit = units_of(LIBRARY["glossary#xops"])[0]
    answer, citations = render([Point((unit,)), Point((unit,))])
    assert answer.count("[1]") == 1 and answer.count(unit.text) == 1 and len(citations) == 1
    # two sentences of one passage picked as separate points: one point, in the passage's order
    first, second = units_of(LIBRARY["four-hallmarks#deployed-in-real-operations"])[:2]
    other = units_of(LIBRARY["glossary#xops"])[0]
    answer, citations = render([Point((other,)), Point((second,)), Point((first,))])
    assert answer.count("[2]") == 1 and [c.marker for c in citations] == [1, 2]
    assert answer.index(first.text) < answer.index(second.text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hallmarks", {"hallmark"}),
        ("business", {"business"}),
        ("xOps", {"xops"}),
        ("the CFO's questions", {"cfo", "question"}),
    ],
)
def test_terms_fold_plurals_carefully(text: str, expected: set[str]) -> None:
    assert terms(text) == expected


# ---------------------------------------------------------------- composition (issue 11)


def test_stakeholder_answer_leads_with_the_whole_core_view() -> None:
    composed = compose(
        "How should I explain Production AI to the CFO?", "stakeholder", focus="audience:cfo"
    )
    core = LIBRARY["stakeholder-cfo#the-financial-view-for-the-cfo"]
    assert composed.citations[0].quote == core.text  # one passage, one marker
    assert composed.answer.split("\n\n")[0].endswith("[1]")
    assert composed.answer.count("[1]") == 1
    assert_verbatim(composed)


def test_stakeholder_section_named_by_the_question_follows_the_core_view() -> None:
    composed = compose(
        "What questions should the CFO ask?", "stakeholder", focus="audience:cfo", form="bullets"
    )
    ids = [c.chunk_id for c in composed.citations]
    assert ids == [
        "stakeholder-cfo#the-financial-view-for-the-cfo",
        "stakeholder-cfo#questions-the-cfo-should-ask",
    ]
    assert "cost predictability" in composed.answer and "predictable?" in composed.answer


def test_two_named_versions_are_two_labelled_parts() -> None:
    composed = compose(
        "Put the formal and the punchy version side by side", "variants", form="two_versions"
    )
    lines = composed.answer.splitlines()
    assert "**The formal version:**" in lines and "**The punchy version:**" in lines
    assert "Anything short of that is just a demo." in composed.answer
    assert all("slide" not in c.chunk_id for c in composed.citations)
    assert_verbatim(composed)


def test_a_shorter_answer_keeps_to_three_sentences_and_450_characters() -> None:
    long = " ".join(
        f"Sentence number {w} says something about Production AI here." for w in "abcdefg"
    )
    chunk = Chunk(
        chunk_id="glossary#long",
        doc_id="glossary",
        title="G",
        section="Long",
        text=long,
        ordinal=70,
    )
    composed = compose(
        "Tell me about it",
        "general",
        form="shorter",
        retrieved=[ScoredChunk(chunk=chunk, score=1, rank=1)],
    )
    plain = re.sub(r"\s*\[\d+\]", "", composed.answer)
    assert len(re.findall(r"[.!?](?:\s|$)", plain)) <= 3 and len(plain) <= 450


def test_a_follow_up_in_bullets_restates_the_last_answer_from_its_passage() -> None:
    previous = (
        "xOps is the umbrella for MLOps, LLMOps and DataOps. "
        "Support through xOps belongs to the third hallmark."
    )
    composed = compose(
        "as bullets",
        "bottom_line",
        form="bullets",
        previous_answer=previous,
        retrieved=hits("glossary#xops"),
    )
    assert [c.chunk_id for c in composed.citations] == ["glossary#xops"]
    assert composed.answer.count("\n- ") + composed.answer.startswith("- ") >= 2
    assert_verbatim(composed)


def test_why_after_an_answer_gives_its_whole_passage() -> None:
    previous = "The punchy version says it runs in production and shows up in the P&L."
    composed = compose(
        "why?",
        "definition",
        previous_answer=previous,
        retrieved=hits("definition-variants#the-punchy-version"),
    )
    assert composed.citations[0].quote == LIBRARY["definition-variants#the-punchy-version"].text


def test_append_part_renumbers_after_the_answer_and_cites_a_shared_passage_once() -> None:
    from prodai_assistant.answering import Composed, append_part
    from prodai_assistant.models import Citation

    xops = LIBRARY["glossary#xops"]
    first = [Citation.of(xops, 1, xops.text)]
    part = compose("What is xOps?", "glossary", focus="term:xops")
    extra = Composed(
        answer=part.answer + " More [2]",
        citations=[
            *part.citations,
            Citation.of(
                LIBRARY["bottom-line-test#the-three-part-test"],
                2,
                "The bottom line on Production AI is a three-part test.",
            ),
        ],
    )
    body, citations = append_part("Scorecard [1]", first, extra, "Your question:")
    assert "\n\n**Your question:**\n\n" in body
    # xOps is quoted whole in both parts, so it keeps [1]; the new passage becomes [2]
    assert [(c.marker, c.chunk_id) for c in citations] == [
        (1, "glossary#xops"),
        (2, "bottom-line-test#the-three-part-test"),
    ]
    assert body.endswith("More [2]")


def test_a_focus_naming_several_parts_quotes_each_labelled_and_nothing_else() -> None:
    composed = compose(
        "What is the difference between the first and the third part?",
        "bottom_line",
        focus="part:3+1",
    )
    assert_verbatim(composed)
    ids = [c.chunk_id for c in composed.citations]
    assert ids == [
        "bottom-line-test#wired-into-your-data",
        "bottom-line-test#visible-in-your-financials",
    ]
    assert composed.answer.count("**") == 4  # two labels, each once
