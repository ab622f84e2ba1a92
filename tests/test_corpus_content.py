"""Content contract of corpus/: documents, front matter, headings, sentences, no invented figures.

EXPECTED is the contract other areas rely on: each `##` heading becomes the chunk id
`<doc-id>#<slugify(heading)>`. Reads the files with plain yaml so it does not depend on corpus.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodai_assistant.text import slugify, split_sentences, strip_markdown

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

EXPECTED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "production-ai-definition": (
        "all",
        "definition",
        (
            "The core definition",
            "From the wow demo to the gold standard",
            "A proof of concept is not a strategy",
            "Definitions that fit the audience",
        ),
    ),
    "four-hallmarks": (
        "all",
        "hallmarks",
        (
            "The four hallmarks at a glance",
            "Deployed in real operations",
            "Embedded in business processes",
            "Reliable and governed through xOps",
            "Driving repeatable ROI",
        ),
    ),
    "definition-variants": (
        "all",
        "variants",
        (
            "Choosing a version for the medium",
            "The formal version",
            "The slide version",
            "The punchy version",
        ),
    ),
    "stakeholder-ceo-board": (
        "ceo",
        "stakeholder",
        (
            "The strategy view for the CEO and board",
            "What to emphasise with the board",
            "Questions the board should ask",
        ),
    ),
    "stakeholder-cfo": (
        "cfo",
        "stakeholder",
        (
            "The financial view for the CFO",
            "From one-time cost to recurring impact",
            "Questions the CFO should ask",
        ),
    ),
    "stakeholder-cto": (
        "cto",
        "stakeholder",
        (
            "The architectural view for the CTO",
            "Data pipelines, uptime and technical debt",
            "Questions the CTO should ask",
        ),
    ),
    "stakeholder-lob": (
        "lob",
        "stakeholder",
        (
            "The operational view for line-of-business leaders",
            "From experimental tool to rugged business asset",
            "Questions line-of-business leaders should ask",
        ),
    ),
    "bottom-line-test": (
        "all",
        "bottom_line",
        (
            "The three-part test",
            "Wired into your data",
            "Supported by your operations",
            "Visible in your financials",
            "Everything else is a demo",
        ),
    ),
    "pilot-vs-production": (
        "all",
        "comparison",
        (
            "Demo, pilot and proof of concept",
            "What changes in production",
            "Signs a project is still a demo",
        ),
    ),
    "assessment-rubric": (
        "all",
        "rubric",
        (
            "How the assessment works",
            "D1 Live in real operations",
            "D2 Embedded in workflows and systems",
            "D3 Wired into real data",
            "D4 Operated through xOps",
            "D5 Governed, secure and audit-ready",
            "D6 Owned and supported",
            "D7 Measured, repeatable value",
            "D8 Copes with real-world variability",
            "The weakest link decides",
            "Credit for evidence",
            "Negation, plans and future tense",
            "Buzzwords are not evidence",
            "The verdict policy",
            "When a project is a demo",
            "When a project is Production AI",
            "Unmentioned is a gap, contradicted is a failure",
            "Maturity agrees with the verdict",
            "Is there an AI component at all",
        ),
    ),
    "maturity-levels": (
        "all",
        "rubric",
        (
            "Maturity is not the verdict",
            "Level 0 concept or demo",
            "Level 1 pilot",
            "Level 2 deployed",
            "Level 3 operated",
            "Level 4 optimised",
        ),
    ),
    "why-pilots-stall": (
        "all",
        "statistics",
        (
            "How many pilots reach production",
            "Why pilots stall",
            "Reading these figures with care",
        ),
    ),
    "glossary": (
        "all",
        "glossary",
        (
            "xOps",
            "MLOps",
            "LLMOps",
            "Proof of concept (PoC)",
            "P&L",
            "ROI",
            "Tier-1 asset",
            "Audit-ready",
            "Edge cases",
            "Technical debt",
            "Sandbox",
            "Line of business",
        ),
    ),
}

AUDIENCES = {"all", "ceo", "cfo", "cto", "lob"}
TOPICS = {
    "definition",
    "hallmarks",
    "variants",
    "stakeholder",
    "comparison",
    "bottom_line",
    "rubric",
    "statistics",
    "glossary",
}
FRONT_MATTER_KEYS = {"id", "title", "audience", "topic", "sources"}
SOURCE_KEYS = {"title", "publisher", "url"}
SOURCE_ARTICLE = "The Definitive Definition of Production AI"
# Documents that carry no restatement of the source article.
NOT_FROM_ARTICLE = {"maturity-levels", "why-pilots-stall"}
# Digits belong only where sourced figures, level numbers or standard names live.
DIGITS_ALLOWED = {"why-pilots-stall", "maturity-levels", "assessment-rubric", "glossary"}
# Every number in why-pilots-stall must be one of the figures in the reference notes.
SOURCED_NUMBERS = {"30%", "54%", "40%", "95%", "699", "2022", "2024", "2025", "2027"}
FIGURE_OWNERS = ("Gartner", "MIT NANDA", "Pythian")
PRONOUN_START = re.compile(r"(?:It|Its|This|These|They|That|Those|He|She)\b")
HEADING = re.compile(r"^## (.+)$", re.MULTILINE)

DOC_IDS = list(EXPECTED)


def _read(doc_id: str) -> tuple[dict[str, Any], str]:
    """Front matter (as parsed by yaml.safe_load) and markdown body of one corpus file."""
    text = (CORPUS / f"{doc_id}.md").read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{doc_id}: file must open with YAML front matter"
    front, body = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(front)
    assert isinstance(meta, dict), f"{doc_id}: front matter must be a mapping"
    return meta, body


def _sections(body: str) -> list[tuple[str, str]]:
    """(heading, body) for every `##` section, in file order."""
    parts = HEADING.split(body)
    return [(h.strip(), b.strip()) for h, b in zip(parts[1::2], parts[2::2], strict=True)]


def _sentences(section_body: str) -> list[str]:
    return split_sentences(strip_markdown(section_body))


def _prose(body: str) -> str:
    """Body text without heading lines."""
    return "\n".join(line for line in body.splitlines() if not line.startswith("#"))


def test_corpus_holds_exactly_the_planned_documents() -> None:
    assert {p.stem for p in CORPUS.glob("*.md")} == set(EXPECTED)


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_front_matter_is_complete_and_valid(doc_id: str) -> None:
    meta, _ = _read(doc_id)
    audience, topic, _ = EXPECTED[doc_id]
    assert set(meta) == FRONT_MATTER_KEYS
    assert meta["id"] == doc_id
    assert isinstance(meta["title"], str) and meta["title"].strip()
    assert meta["audience"] in AUDIENCES and meta["audience"] == audience
    assert meta["topic"] in TOPICS and meta["topic"] == topic


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_sources_are_title_publisher_url(doc_id: str) -> None:
    sources = _read(doc_id)[0]["sources"]
    assert isinstance(sources, list) and sources
    for source in sources:
        assert set(source) == SOURCE_KEYS
        assert all(isinstance(source[key], str) for key in SOURCE_KEYS)
        assert source["title"].strip() and source["publisher"].strip()
        assert source["url"] == "" or source["url"].startswith("https://")


@pytest.mark.parametrize("doc_id", sorted(set(DOC_IDS) - NOT_FROM_ARTICLE))
def test_restating_documents_cite_the_source_article(doc_id: str) -> None:
    cited = [s for s in _read(doc_id)[0]["sources"] if s["title"] == SOURCE_ARTICLE]
    assert cited == [{"title": SOURCE_ARTICLE, "publisher": "Pythian", "url": ""}]


@pytest.mark.parametrize("doc_id", ["assessment-rubric", "maturity-levels"])
def test_rubric_documents_name_their_anchors(doc_id: str) -> None:
    urls = {s["url"] for s in _read(doc_id)[0]["sources"]}
    assert "https://research.google.com/pubs/pub45742.html" in urls
    assert any(u.startswith("https://cloud.google.com/") for u in urls)
    assert any(u.startswith("https://learn.microsoft.com/") for u in urls)


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_body_opens_with_the_title_heading(doc_id: str) -> None:
    meta, body = _read(doc_id)
    titles = [line for line in body.splitlines() if line.startswith("# ")]
    assert titles == [f"# {meta['title']}"]
    assert body.strip().splitlines()[0] == f"# {meta['title']}"


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_section_headings_follow_the_contract(doc_id: str) -> None:
    headings = [h for h, _ in _sections(_read(doc_id)[1])]
    assert headings == list(EXPECTED[doc_id][2])
    assert not re.search(r"^#{3,} ", _read(doc_id)[1], re.MULTILINE), "no ### sub-sections"


def test_chunk_ids_are_unique_and_match_the_brief_examples() -> None:
    ids = [f"{doc}#{slugify(h)}" for doc, (_, _, heads) in EXPECTED.items() for h in heads]
    assert len(ids) == len(set(ids))
    for example in (
        "four-hallmarks#reliable-and-governed-through-xops",
        "bottom-line-test#visible-in-your-financials",
        "stakeholder-cfo#the-financial-view-for-the-cfo",
        "glossary#p-l",
        "glossary#proof-of-concept-poc",
    ):
        assert example in ids


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_section_has_two_to_six_sentences(doc_id: str) -> None:
    most = 3 if doc_id == "glossary" else 6
    counts = {h: len(_sentences(b)) for h, b in _sections(_read(doc_id)[1])}
    assert all(2 <= n <= most for n in counts.values()), counts


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_sentences_name_their_subject(doc_id: str) -> None:
    """A quoted sentence must stand alone, so none opens with a bare pronoun."""
    bad = [
        s
        for _, body in _sections(_read(doc_id)[1])
        for s in _sentences(body)
        if PRONOUN_START.match(s)
    ]
    assert bad == []


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_no_tables_or_nested_lists(doc_id: str) -> None:
    lines = _read(doc_id)[1].splitlines()
    assert not [line for line in lines if line.lstrip().startswith("|")]
    assert not [line for line in lines if re.match(r"\s+[-*+] |\s+\d+\. ", line)]


@pytest.mark.parametrize("doc_id", sorted(set(DOC_IDS) - DIGITS_ALLOWED))
def test_no_digits_where_no_figures_belong(doc_id: str) -> None:
    """Guard against invented figures; 'Tier-1' is a term of the source, not a number."""
    text = (CORPUS / f"{doc_id}.md").read_text(encoding="utf-8")
    prose = _prose(text).replace("Tier-1", "Tier-one")
    assert re.findall(r"\S*\d\S*", prose) == []


def test_pilot_figures_are_only_the_sourced_ones() -> None:
    prose = _prose(_read("why-pilots-stall")[1])
    numbers = set(re.findall(r"\d+%?", prose))
    assert numbers and numbers <= SOURCED_NUMBERS


def test_every_percentage_is_attributed_in_its_own_sentence() -> None:
    for _, body in _sections(_read("why-pilots-stall")[1]):
        for sentence in _sentences(body):
            if "%" in sentence:
                assert any(owner in sentence for owner in FIGURE_OWNERS), sentence


def test_mit_nanda_figure_is_reported_and_disputed() -> None:
    body = _read("why-pilots-stall")[1]
    nanda = [s for _, b in _sections(body) for s in _sentences(b) if "MIT NANDA" in s]
    assert nanda
    assert any("reported" in s and "disputed" in s for s in nanda)


# Each fact of the source article must be carried by the section meant to hold it.
FACTS: dict[str, tuple[str, ...]] = {
    "production-ai-definition#the-core-definition": (
        "core business processes",
        "decisions and workflows",
        "reliably",
        "repeatably",
        "measurably",
    ),
    "production-ai-definition#from-the-wow-demo-to-the-gold-standard": (
        "controlled demo",
        "matures",
        "gold standard",
    ),
    "production-ai-definition#a-proof-of-concept-is-not-a-strategy": (
        "proof of concept",
        "strategy",
    ),
    "production-ai-definition#definitions-that-fit-the-audience": ("varies with the audience",),
    "four-hallmarks#deployed-in-real-operations": ("sandbox", "live", "variability", "edge cases"),
    "four-hallmarks#embedded-in-business-processes": ("applications and workflows", "everyday"),
    "four-hallmarks#reliable-and-governed-through-xops": (
        "xOps",
        "enterprise standards",
        "audit-ready",
    ),
    "four-hallmarks#driving-repeatable-roi": (
        "only once",
        "consistently",
        "P&L",
        "efficiency gains",
    ),
    "definition-variants#the-formal-version": (
        "core business workflows",
        "data and governance",
        "xOps",
        "decisions and on financial results",
        "experimental prototypes",
    ),
    "definition-variants#the-slide-version": (
        "live",
        "workflows, applications and governance",
        "explain to the board",
        "xOps",
        "fund",
    ),
    "definition-variants#the-punchy-version": (
        "runs in production",
        "how work gets done",
        "P&L",
        "just a demo",
    ),
    "stakeholder-ceo-board#the-strategy-view-for-the-ceo-and-board": (
        "experimental cost centres",
        "resilient assets",
        "core workflows",
        "risk",
        "long term",
    ),
    "stakeholder-cfo#the-financial-view-for-the-cfo": ("cost predictability", "xOps"),
    "stakeholder-cfo#from-one-time-cost-to-recurring-impact": ("one-time", "recurs", "P&L"),
    "stakeholder-cto#the-architectural-view-for-the-cto": ("AI-native architecture", "Tier-1"),
    "stakeholder-cto#data-pipelines-uptime-and-technical-debt": (
        "scalable",
        "governed",
        "uptime",
        "reduces technical debt",
    ),
    "stakeholder-lob#the-operational-view-for-line-of-business-leaders": (
        "experimental tools",
        "rugged business assets",
        "daily workflows",
        "team performance",
        "decision-making",
    ),
    "bottom-line-test#the-three-part-test": (
        "wired into",
        "supported by",
        "visible in",
        "just a demo",
    ),
}


@pytest.mark.parametrize("chunk_id", sorted(FACTS))
def test_source_facts_are_covered_where_expected(chunk_id: str) -> None:
    doc_id, slug = chunk_id.split("#")
    bodies = {slugify(h): b for h, b in _sections(_read(doc_id)[1])}
    missing = [term for term in FACTS[chunk_id] if term not in bodies[slug]]
    assert missing == []
