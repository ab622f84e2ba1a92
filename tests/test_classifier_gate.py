"""The gate: empty, junk, questions, off-topic and non-AI text are not assessable."""

from __future__ import annotations

import pytest

from prodai_assistant.classifier import looks_like_project_description
from prodai_assistant.classifier.gate import AI_SIMILARITY, ai_component, basic_check, check
from prodai_assistant.classifier.scope import sentence_units
from prodai_assistant.classifier.signals import detect


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x01\x02\x03\x04PK\x05\x06\x07\x08\ufffd\ufffd", "binary"),
        ("#### ---- !!!! ???? %%%% ////", "binary"),
        ("hello", "too_short"),
        ("Is this production AI?", "too_short"),
        ("What is the difference between MLOps and LLMOps for a CTO?", "question"),
        ("Preheat the oven to 200C and bake the apples for 35 minutes.", "irrelevant"),
        ("I saw a documentary about AI and robots, and the weather was nice.", "irrelevant"),
        ("We migrated all 22 entities to S/4HANA and finance closes two days faster.", "no_ai"),
        ("The engine applies 350 business rules; there is no machine learning in it.", "no_ai"),
        (
            "The vendor markets it as 'AI-powered' but it is keyword rules our team configures.",
            "no_ai",
        ),
        ("We moved our warehouse to Snowflake; does this count as production AI for us?", "no_ai"),
        ("Can you assess our AI?", "question"),
        ("Our churn model scores every customer weekly for the retention team.", "ok"),
        ("The camera on the packing line kicks out boxes with a missing item, every shift.", "ok"),
        (
            "The bot answers our customers' chats every day and the team stopped doing it by hand.",
            "ok",
        ),
        # A figure between "answers" and "questions" still describes a system that answers.
        ("Our store helper answers about 3,000 questions a week for staff in 85 stores.", "ok"),
        # A denial spread over a list of model kinds.
        (
            "The rating engine prices every quote; there is no statistical or machine-learning "
            "model inside it, the actuaries set every factor.",
            "no_ai",
        ),
        ("The early-warning score alerts the nurse in charge 40 times a day.", "ok"),
    ],
)
def test_gate_kinds(text: str, kind: str) -> None:
    signals = detect(text, sentence_units(text))
    assert check(text, 5, signals=len(signals)).kind == kind


def test_rubric_cues_mark_text_as_a_project() -> None:
    text = "The camera on the line kicks out faulty boxes."
    assert check(text, 5).kind == "irrelevant"
    assert check(text, 5, signals=2).kind == "ok"


def test_ai_terms_are_case_aware_and_skip_denials() -> None:
    assert not ai_component("Our Power BI report is used daily by the team.")
    assert not ai_component("The tool does not use AI at all, our team said.")
    assert [s.text for s in ai_component("The team uses AI to rank CVs.")] == ["AI"]


def test_ai_spans_are_exact_substrings() -> None:
    text = "Our GPT-4 assistant and the churn model run daily."
    for span in ai_component(text):
        assert text[span.start : span.end] == span.text


def test_semantic_similarity_can_supply_the_missing_ai_component() -> None:
    text = "The system works out how much each store will sell and our planners order from it."
    assert check(text, 5).kind == "no_ai"
    assert check(text, 5, ai_similarity=AI_SIMILARITY + 0.01).kind == "ok"
    assert check(text, 5, ai_similarity=AI_SIMILARITY - 0.01).kind == "no_ai"


def test_min_words_comes_from_the_caller() -> None:
    assert basic_check("our churn model runs daily", 5) == "ok"
    assert basic_check("our churn model runs daily", 6) == "too_short"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We built a churn model in a notebook last month and our marketing team uses its "
            "scores. Is this production?",
            True,
        ),
        (
            "Our support chatbot has answered customer chats since 2022 and is owned by the "
            "CX team.",
            True,
        ),
        ("What is Production AI?", False),
        ("How should I explain Production AI to my CFO and the board of directors?", False),
        ("We migrated our ERP to the cloud last year and our users are happy with it.", False),
        ("", False),
    ],
)
def test_looks_like_project_description(text: str, expected: bool) -> None:
    assert looks_like_project_description(text) is expected
