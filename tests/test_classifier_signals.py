"""Signal detection: concepts from the rubric, read through negation and modality."""

from __future__ import annotations

import pytest

from prodai_assistant.classifier.lexicon import has_specifics, is_buzz_only
from prodai_assistant.classifier.rules import judge
from prodai_assistant.classifier.scope import sentence_units
from prodai_assistant.classifier.signals import Signal, add_semantic, detect, needs_similarity


def _signals(text: str) -> list[Signal]:
    return detect(text, sentence_units(text))


def _has(signals: list[Signal], dim: str, polarity: int) -> bool:
    return any(s.dim == dim and s.polarity == polarity for s in signals)


def _status(text: str, key: str) -> str:
    return judge(_signals(text)).statuses[key]  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "dim", "polarity"),
    [
        ("The model scores 9 million transactions a day.", "D1", 1),
        ("It has run in production since 2022.", "D1", 1),
        ("What started as a pilot in 2021 is now how the team works.", "D1", 1),
        ("It is a proof of concept in a notebook.", "D1", -1),
        ("It sits in our staging environment.", "D1", -1),
        ("Results are written back into Salesforce automatically.", "D2", 1),
        ("Agents no longer type replies from scratch.", "D2", 1),
        ("Staff used to sort the post by hand.", "D2", 1),
        ("Analysts copy the fields into the onboarding system.", "D2", -1),
        ("A data scientist e-mails the list to the fraud team.", "D2", -1),
        ("It is not yet integrated with Oracle.", "D2", -1),
        ("Features come from the warehouse via a nightly load.", "D3", 1),
        ("We trained it on synthetic images.", "D3", -1),
        ("Drift alerts page the on-call engineer.", "D4", 1),
        ("There is no monitoring.", "D4", -1),
        ("Model risk signed off the model and every decision is logged.", "D5", 1),
        ("Staff paste customer emails into the free version of ChatGPT.", "D5", -1),
        ("The claims operations team owns it.", "D6", 1),
        ("The data scientist who built it left last year.", "D6", -1),
        ("Cycle time fell from 5 days to 1.5 against the baseline.", "D7", 1),
        ("We have never measured what it saves.", "D7", -1),
        ("Finance projects savings of 3M a year.", "D7", -1),
        ("Low-confidence cases go to a human reviewer.", "D8", 1),
        ("We rolled the assistant out to all staff company-wide.", "D1", 1),
        ("The pilot is over; it is BAU for the claims team now.", "D1", 1),
        ("We retrain it quarterly and the CISO approved it.", "D4", 1),
        ("The CISO approved it before launch.", "D5", 1),
        ("The head of claims is accountable for it.", "D6", 1),
        ("A time study showed an ROI of 3.1x.", "D7", 1),
        ("We stopped paying the agency that did it before.", "D7", 1),
    ],
)
def test_concepts_are_detected_with_their_polarity(text: str, dim: str, polarity: int) -> None:
    assert _has(_signals(text), dim, polarity)


@pytest.mark.parametrize(
    ("text", "key", "status"),
    [
        (
            "The claims model is not live; it is deployed to our staging cluster.",
            "deployed",
            "contradicted",
        ),
        ("The model will go live across 14 sites in Q3.", "deployed", "missing"),
        ("A 12-week pilot with 15 underwriters on real submissions.", "deployed", "partial"),
        (
            "The model has scored every claim since March 2023, about 2,300 a week.",
            "deployed",
            "evidenced",
        ),
        (
            "Our enterprise-grade platform is fully integrated and production-ready.",
            "embedded",
            "missing",
        ),
        ("The model's savings are estimated at 2M a year.", "roi", "missing"),
        ("Nobody has measured whether the model saves time.", "roi", "contradicted"),
        ("Nobody internally is responsible for the model.", "operations", "contradicted"),
    ],
)
def test_scope_turns_claims_into_the_right_status(text: str, key: str, status: str) -> None:
    assert _status(text, key) == status


def test_a_finished_pilot_does_not_count_against_a_rollout() -> None:
    text = "After the pilot ended we rolled the assistant out to all 900 staff in March."
    assert _status(text, "deployed") == "evidenced"
    assert _status("The pilot ended in June and scaling is pending.", "deployed") == (
        "contradicted"
    )


def test_buzzwords_without_specifics_earn_no_credit() -> None:
    text = "Our AI-first, robust platform is fully integrated and monitored at scale."
    signals = _signals(text)
    assert signals and all(s.polarity < 0 for s in signals)
    assert {s.tag for s in signals} == {"buzzword"}


def test_the_same_words_with_specifics_do_count() -> None:
    text = "Our robust model is monitored in Datadog and writes scores into Salesforce."
    assert _has(_signals(text), "D4", 1) and _has(_signals(text), "D2", 1)


@pytest.mark.parametrize(
    ("sentence", "specific"),
    [
        ("Live in 312 stores.", True),
        ("Owned by Dana Whitfield.", True),
        ("The claims team uses it.", True),
        ("Our team has launched an AI-first platform!", False),
        ("It is robust and scalable.", False),
    ],
)
def test_specifics(sentence: str, specific: bool) -> None:
    assert has_specifics(sentence) is specific


def test_is_buzz_only_needs_a_buzzword() -> None:
    assert not is_buzz_only("It is live.")
    assert is_buzz_only("It is enterprise-grade.")


def test_a_place_red_flag_cancels_live_claims_in_its_clause() -> None:
    signals = _signals("The model is deployed to the test environment for all 40 branches.")
    assert not _has(signals, "D1", 1)
    assert _has(signals, "D1", -1)


def test_longer_cue_wins_over_the_cue_inside_it() -> None:
    signals = _signals("Staff in the post room used to sort letters by hand.")
    d2 = [s for s in signals if s.dim == "D2"]
    assert d2 and all(s.polarity > 0 for s in d2)


def test_evidence_spans_are_exact_clauses() -> None:
    text = "It went live in May 2023; agents no longer retype answers. There is no owner."
    for signal in _signals(text):
        assert text[signal.span.start : signal.span.end] == signal.span.text
        start, end = signal.cue_span
        assert signal.span.start <= start < end <= signal.span.end


def test_semantic_scores_add_half_credit_only_where_the_lexicon_is_silent() -> None:
    text = "The bot helps people. It has run since 2022, 300 chats a day."
    sentences = sentence_units(text)
    lexical = detect(text, sentences)
    assert needs_similarity(lexical, len(sentences)) == [0]
    scores = {0: {("D2", 1): 0.8, ("D2", -1): 0.1}, 1: {("D1", 1): 0.9, ("D1", -1): 0.0}}
    combined = add_semantic(text, sentences, lexical, scores)
    semantic = [s for s in combined if s.source == "semantic"]
    assert [(s.dim, s.polarity, s.weight, s.sentence) for s in semantic] == [("D2", 1, 0.5, 0)]


def test_a_negated_sentence_turns_semantic_support_into_a_weak_red_flag() -> None:
    text = "People do not rely on it."
    sentences = sentence_units(text)
    combined = add_semantic(text, sentences, [], {0: {("D1", 1): 0.9, ("D1", -1): 0.2}})
    assert [(s.dim, s.polarity, s.weight) for s in combined] == [("D1", -1, 0.5)]


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        # Money or hours that land in a budget, the accounts or the P&L, after a comma too.
        (
            "The assistant has answered every HR question since 2022. It saves about 9,000 staff "
            "hours a year, and the savings show up in the shared-services budget every quarter.",
            "financials",
            "evidenced",
        ),
        (
            "The model has planned every route since 2021. Fuel use fell 12% against 2020, and "
            "the saving of 180.000 euro is in the cooperative accounts.",
            "financials",
            "evidenced",
        ),
        (
            "The model has planned every route since 2021. Fuel use fell 12% against 2020 and "
            "the figure is reported to the CFO every quarter.",
            "financials",
            "evidenced",
        ),
        # Hours measured but never booked, and value said to be outside the books.
        (
            "The model has planned every route since 2021. Planning takes 2 hours instead of 9, "
            "and we re-measure it every quarter.",
            "financials",
            "partial",
        ),
        (
            "The model has planned every route since 2021. Planning time fell 70% against 2020, "
            "but it has not been turned into a cash figure.",
            "financials",
            "contradicted",
        ),
        # A vendor's figure is second-hand.
        (
            "It has served every reader since 2023. The vendor's case studies claim 20% more "
            "clicks, but we have never tested it against our old list.",
            "roi",
            "contradicted",
        ),
        # Systems named by acronym or product name; qualifiers that undo embedding.
        ("The model books every slot straight into the YMS each night.", "embedded", "evidenced"),
        ("Forecasts are written to Endur by API every morning.", "embedded", "evidenced"),
        (
            "It runs inside Relativity, where the review team already works.",
            "embedded",
            "evidenced",
        ),
        ("Results are shown in a separate portal that planners open daily.", "embedded", "partial"),
        (
            "Marketing uploaded the file to the email tool by hand each week.",
            "embedded",
            "contradicted",
        ),
        ("no integration with the CRM, no owner, no budget.", "operations", "contradicted"),
        ("no integration with the CRM, no owner, no budget.", "embedded", "contradicted"),
        # Nouns that only look like cues.
        ("Customers logging into the app see a tariff suggestion.", "governed", "missing"),
        ("The bot answers questions from 30 of our FAQ pages.", "governed", "missing"),
        (
            "owner = Kev (inbound ops mgr), platform team carries the pager.",
            "operations",
            "evidenced",
        ),
    ],
)
def test_concepts_reach_the_right_status(text: str, key: str, expected: str) -> None:
    assert _status(text, key) == expected


def test_a_subset_of_sites_is_a_pilot_not_live_everywhere() -> None:
    text = "Since January three of our 28 centres have used the drafting tool every day."
    assert _status(text, "deployed") == "partial"
