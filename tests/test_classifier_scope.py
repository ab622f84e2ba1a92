"""Sentence units, clauses and the negation/modality scope of the classifier."""

from __future__ import annotations

import pytest

from prodai_assistant.classifier.scope import (
    Modality,
    clause_spans,
    has_future,
    has_negation,
    is_past_state,
    lead_in,
    modality,
    sentence_units,
)
from prodai_assistant.text import Span


def _modality_of(text: str, phrase: str) -> Modality:
    """Modality of ``phrase`` inside the clause of ``text`` that contains it."""
    start = text.index(phrase)
    sentence = next(s for s in sentence_units(text) if s.start <= start < s.end)
    clauses = clause_spans(text, sentence)
    at = next(i for i, c in enumerate(clauses) if c.start <= start < c.end)
    context = lead_in(text, clauses, at)
    return modality(text, clauses[at], (start, start + len(phrase)), (), context)


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("It is integrated with Salesforce.", "integrated", Modality.ASSERTED),
        ("It is not yet integrated with Salesforce.", "integrated", Modality.NEGATED),
        ("There is no monitoring.", "monitoring", Modality.NEGATED),
        ("We never measured the savings.", "measured", Modality.NEGATED),
        ("It will go live in Q3.", "go live", Modality.PLANNED),
        ("Once approved, it goes into the WMS.", "goes into the WMS", Modality.PLANNED),
        ("Finance projects savings of 3M.", "savings", Modality.PLANNED),
        ("It could save 1M a year.", "save 1M", Modality.PLANNED),
        ("Live since May 2023.", "Live since", Modality.ASSERTED),
        ("It routes every ticket, with no extra system.", "routes every ticket", Modality.ASSERTED),
        ("It resolves chats without a human.", "resolves chats", Modality.ASSERTED),
        ("It runs without monitoring.", "monitoring", Modality.NEGATED),
        ("Agents review the ones it isn't sure about.", "review", Modality.ASSERTED),
        ("At first there was no monitoring.", "monitoring", Modality.PAST),
        ("It is live, but it is not integrated.", "live", Modality.ASSERTED),
        ("It is live, but it is not integrated.", "integrated", Modality.NEGATED),
        ("The roadmap is to automate it: a pipeline and an owner.", "an owner", Modality.PLANNED),
        ("No-shows fell from 11% to 7%.", "fell", Modality.ASSERTED),
        # A denial inside a conditional or relative clause says nothing about the main claim.
        (
            "Loads run each night from the database, with checks that halt if counts do not match.",
            "from the database",
            Modality.ASSERTED,
        ),
        (
            "Since 2023 it answers staff questions and passes anything it cannot answer on.",
            "Since 2023",
            Modality.ASSERTED,
        ),
        (
            "If the feed does not arrive, the on-call engineer is paged.",
            "on-call",
            Modality.ASSERTED,
        ),
        (
            "The team owns it, with alerts if the plan isn't produced by 3pm.",
            "owns",
            Modality.ASSERTED,
        ),
        ("The model that we built is not monitored.", "monitored", Modality.NEGATED),
        (
            "It is live in the portal, which is not integrated with SAP.",
            "integrated",
            Modality.NEGATED,
        ),
        # "estimate" and "plan" hedge only as a hedge, not as the model's own output.
        ("The model estimates the repair cost from photos.", "repair cost", Modality.ASSERTED),
        ("It saves an estimated 4,000 hours a year.", "saves", Modality.PLANNED),
        ("We estimate it saves 4,000 hours.", "saves", Modality.PLANNED),
        (
            "It has produced the labour plan for our 11 sites since 2023.",
            "since 2023",
            Modality.ASSERTED,
        ),
        ("We plan to roll it out to all stores.", "roll it out", Modality.PLANNED),
        ("Trained on a public dataset, not our data.", "public dataset", Modality.ASSERTED),
    ],
)
def test_modality_of_a_phrase(text: str, phrase: str, expected: Modality) -> None:
    assert _modality_of(text, phrase) is expected


def test_an_exempt_range_does_not_negate_its_neighbours() -> None:
    text = "Nobody retypes replies and it handles 900 emails a day."
    clause = Span(text, 0, len(text))
    start = text.index("handles")
    own = (0, text.index(" and"))
    assert modality(text, clause, (start, start + 7), [own]) is Modality.ASSERTED
    assert modality(text, clause, (start, start + 7)) is Modality.NEGATED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we never did", True),
        ("it isn't there", True),
        ("not just a demo", False),
        ("no doubt it works", False),
        ("no-shows fell", False),
        ("it is not sure", False),
        ("without a human", True),
    ],
)
def test_has_negation(text: str, expected: bool) -> None:
    assert has_negation(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we will launch", True),
        ("go-live is planned", True),
        ("an estimated saving", True),
        ("it may help", True),
        ("live since May 2023", False),
        ("used to plan fertiliser", False),
        ("retraining runs weekly", False),
    ],
)
def test_has_future(text: str, expected: bool) -> None:
    assert has_future(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What started as a pilot in 2021 is now how the team works.", True),
        ("After a pilot it was rolled out to all plants.", True),
        ("The pilot ended in June.", False),
        ("The pilot was a success and now we want to roll it out.", False),
    ],
)
def test_past_red_flags_need_a_present_upgrade(text: str, expected: bool) -> None:
    sentence = Span(text, 0, len(text))
    assert is_past_state(sentence, sentence) is expected


@pytest.mark.parametrize(
    "text",
    [
        "First line.\nsecond line. third one? Fourth!",
        "e.g. this stays together. And this is two.",
        "  padded  \n\n  text  ",
        "",
        "- a bullet\n- another bullet",
    ],
)
def test_sentence_units_are_exact_substrings(text: str) -> None:
    for unit in sentence_units(text):
        assert text[unit.start : unit.end] == unit.text
        assert unit.text == unit.text.strip() and unit.text


def test_informal_lower_case_sentences_are_split() -> None:
    units = sentence_units("it runs daily. the team uses it. e.g. for claims.")
    assert [u.text for u in units] == ["it runs daily.", "the team uses it.", "e.g. for claims."]


def test_clauses_split_on_contrast_and_keep_negated_lists_whole() -> None:
    text = "It is live, but there is no SLA, no alerts and no runbook; owner: none."
    clauses = [c.text for c in clause_spans(text, Span(text, 0, len(text)))]
    assert clauses == ["It is live", "there is no SLA, no alerts and no runbook", "owner", "none."]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("The saving of 2,1 Mio. EUR is in the plan. It is reviewed.", 2),
        ("Costs fell 3 bn. The board noted it.", 2),
        ("It runs daily. Owners review it.", 2),
    ],
)
def test_an_abbreviated_multiplier_does_not_end_a_sentence(text: str, count: int) -> None:
    units = sentence_units(text)
    assert len(units) == count
    assert all(text[u.start : u.end] == u.text for u in units)
