"""The Classifier contract: Assessment shape, citations, spans, limits, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodai_assistant.classifier import CRITERION_KEYS, Classifier
from prodai_assistant.config import ClassifierSettings
from prodai_assistant.errors import InputError
from prodai_assistant.models import Assessment, Chunk
from prodai_assistant.testing import FakeEmbedder

LIVE = (
    "Our claims triage model has scored every motor claim since March 2023, about 2,300 a "
    "week, and writes its score back into Guidewire so handlers see it in their queue. The "
    "claims operations team owns it; Datadog alerts page the on-call engineer on drift and "
    "model risk signed it off. Cycle time fell by 3 days against a holdout group, and finance "
    "books the EUR 2.4M annual saving in the claims P&L."
)
UNMEASURED = (
    "The document classification model has been live in our mailroom since 2022, sorting "
    "20,000 documents a day into SharePoint queues automatically. The records team owns it "
    "and monitors it with alerts. We have never measured what it saves."
)
STAGING = (
    "The credit model is fully built and sitting in our staging environment with CI/CD, an "
    "MLflow registry, drift alerts and a runbook reviewed by SRE. It has not been released to "
    "customers and nobody has decided who will own it."
)


def _chunk(chunk_id: str, text: str) -> Chunk:
    doc_id, _, section = chunk_id.partition("#")
    return Chunk(
        chunk_id=chunk_id,
        doc_id=doc_id,
        title=doc_id.replace("-", " ").title(),
        section=section.replace("-", " ").capitalize(),
        text=text,
    )


CHUNKS = {
    c.chunk_id: c
    for c in [
        _chunk(
            "four-hallmarks#deployed-in-real-operations",
            "A live system serves actual work. It copes with edge cases.",
        ),
        _chunk(
            "four-hallmarks#embedded-in-business-processes",
            "Embedded AI sits inside everyday tools. People meet it in their work.",
        ),
        _chunk(
            "four-hallmarks#reliable-and-governed-through-xops",
            "Reliable AI is run through xOps and is audit-ready.",
        ),
        _chunk("four-hallmarks#driving-repeatable-roi", "Value recurs and is measured."),
        _chunk("bottom-line-test#wired-into-your-data", "Real data arrives through feeds."),
        _chunk("bottom-line-test#supported-by-your-operations", "Someone owns and supports it."),
        # "visible in your financials" is left out on purpose: its citation must be None.
        _chunk(
            "stakeholder-cfo#questions-the-cfo-should-ask",
            "The CFO can ask a few questions.\n- Does the gain recur in the P&L?\n"
            "- Are running costs predictable?",
        ),
        _chunk(
            "stakeholder-cfo#the-financial-view-for-the-cfo",
            "For the CFO, measured recurring impact on the P&L is the test.",
        ),
    ]
}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(CHUNKS)


def test_a_clear_production_description(classifier: Classifier) -> None:
    result = classifier.classify(LIVE)
    assert isinstance(result, Assessment)
    assert result.verdict == "production"
    assert [c.key for c in result.criteria] == list(CRITERION_KEYS)
    assert all(c.status in ("evidenced", "partial") for c in result.criteria)
    assert result.maturity_level >= 2 and result.maturity_name
    assert 0.5 < result.confidence <= 1
    assert result.description_chars == len(LIVE)


def test_live_but_never_measured_is_a_demo_that_says_so(classifier: Classifier) -> None:
    result = classifier.classify(UNMEASURED)
    assert result.verdict == "demo"
    status = {c.key: c.status for c in result.criteria}
    assert status["deployed"] == "evidenced" and status["roi"] == "contradicted"
    assert result.gaps[0].startswith("Value never measured")
    assert "baseline" in result.next_steps[0]


def test_the_informal_slack_line_counts_but_is_still_a_demo(classifier: Classifier) -> None:
    text = (
        "the bot answers our customers' chats every day and the support team stopped doing "
        "it by hand"
    )
    result = classifier.classify(text)
    status = {c.key: c.status for c in result.criteria}
    assert status["deployed"] == "evidenced" and status["embedded"] == "evidenced"
    assert result.verdict == "demo"
    assert result.gaps[0].startswith("Value never measured")
    assert any(gap.startswith("No accountable owner") for gap in result.gaps)


def test_staging_is_a_demo_even_with_strong_engineering(classifier: Classifier) -> None:
    result = classifier.classify(STAGING)
    assert result.verdict == "demo"
    assert result.maturity_level == 3
    assert result.gaps[0].startswith("Not in sustained live use")


def test_citations_quote_the_first_sentence_of_the_defining_chunk(
    classifier: Classifier,
) -> None:
    result = classifier.classify(LIVE)
    for marker, criterion in enumerate(result.criteria, start=1):
        if criterion.key == "financials":
            assert criterion.citation is None
            continue
        assert criterion.citation is not None
        chunk = CHUNKS[criterion.citation.chunk_id]
        assert chunk.text.startswith(criterion.citation.quote)
        assert criterion.citation.quote.endswith(".") and criterion.citation.marker == marker
    assert result.criteria[0].citation.quote == "A live system serves actual work."  # type: ignore[union-attr]


def test_no_chunks_means_no_citations_and_no_crash() -> None:
    result = Classifier({}).classify(LIVE)
    assert all(c.citation is None for c in result.criteria)
    assert set(result.stakeholder_notes) == {"ceo", "cfo", "cto", "lob"}


def test_stakeholder_notes_draw_on_the_corpus_when_it_is_there(classifier: Classifier) -> None:
    notes = classifier.classify(UNMEASURED).stakeholder_notes
    assert set(notes) == {"ceo", "cfo", "cto", "lob"}
    assert "Does the gain recur in the P&L?" in notes["cfo"]
    assert "value never measured" in notes["cfo"]
    fallback = Classifier({}).classify(UNMEASURED).stakeholder_notes["cfo"]
    assert "Does the gain recur" not in fallback and "P&L" in fallback


def test_every_evidence_span_is_an_exact_substring(classifier: Classifier) -> None:
    for text in (LIVE, UNMEASURED, STAGING):
        result = classifier.classify(text)
        spans = [e for c in result.criteria for e in c.evidence]
        assert spans
        for span in spans:
            assert text[span.start : span.end] == span.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                LIVE,
                UNMEASURED,
                STAGING,
                " no ",
                "\n",
                " \u00e9\u00e8 ",
                "\t",
                ". ",
                "It will go live. ",
                "We never measured it; ",
                "\u2019",
                "\r\n",
            ]
        ),
        max_size=6,
    ),
    st.text(max_size=80),
)
def test_spans_stay_exact_on_arbitrary_text(parts: list[str], noise: str) -> None:
    text = noise.join(parts) + noise
    result = Classifier({}).classify(text)
    for criterion in result.criteria:
        for span in criterion.evidence:
            assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\x00\x01\x02PK\x03\x04\ufffd\ufffd\x07\x1b", "binary"),
        ("hello", "too short"),
        ("Mix the flour and butter, then bake the apples for 35 minutes.", "AI project"),
        (
            "We migrated all 22 entities to S/4HANA and closed the books two days faster.",
            "No AI component",
        ),
    ],
)
def test_not_assessable_text_gets_a_reason_that_asks_for_more(text: str, words: str) -> None:
    result = Classifier({}).classify(text)
    assert result.verdict == "not_assessable"
    assert words in result.reason
    assert result.next_steps and not result.criteria


def test_over_long_text_is_refused_with_the_limit_in_the_message() -> None:
    classifier = Classifier({}, settings=ClassifierSettings(max_chars=200))
    with pytest.raises(InputError, match="limit is 200"):
        classifier.classify("a" * 201)
    assert classifier.classify("a" * 200).verdict == "not_assessable"


def test_non_text_input_is_an_input_error() -> None:
    with pytest.raises(InputError):
        Classifier({}).classify(b"bytes")  # type: ignore[arg-type]


def test_results_are_deterministic(classifier: Classifier) -> None:
    first = classifier.classify(UNMEASURED).model_dump_json()
    assert all(classifier.classify(UNMEASURED).model_dump_json() == first for _ in range(3))


def test_gaps_and_steps_are_ordered_most_blocking_first(classifier: Classifier) -> None:
    text = (
        "At last month's hackathon we built a GPT bot on a laptop that answers HR questions "
        "from 40 sample policies. Nobody owns it and we have not measured anything."
    )
    result = classifier.classify(text)
    assert result.verdict == "demo"
    assert result.gaps[0].startswith("Not in sustained live use")
    assert len(result.next_steps) == len(set(result.next_steps)) >= 3


def test_the_assessment_round_trips_through_json(classifier: Classifier) -> None:
    result = classifier.classify(LIVE)
    assert Assessment.model_validate(json.loads(result.model_dump_json())) == result


def test_an_embedder_embeds_at_most_one_batch_per_description() -> None:
    embedder = FakeEmbedder()
    classifier = Classifier(CHUNKS, embedder=embedder)
    classifier.warm()
    assert embedder.calls == 1  # the prototypes, once
    classifier.classify(UNMEASURED)
    assert embedder.calls == 1  # every sentence has a strong cue: nothing left to embed
    before = embedder.texts_embedded
    classifier.classify("The bot is great and people like it. It answers chats. We trust it.")
    assert embedder.calls == 2 and embedder.texts_embedded - before == 3
    assert classifier.classify(LIVE).verdict == "production"


def test_the_dev_set_file_is_where_the_tests_expect_it() -> None:
    assert (Path(__file__).resolve().parent.parent / "evals" / "classification.jsonl").is_file()
