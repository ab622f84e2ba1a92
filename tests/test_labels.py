"""One verdict label table, shared by the chat answer, the app and the scorecard."""

from __future__ import annotations

from typing import get_args

from prodai_assistant import labels
from prodai_assistant.answering import assessment
from prodai_assistant.models import Verdict
from prodai_assistant.ui import render


def test_every_verdict_has_one_label() -> None:
    assert set(labels.VERDICT_LABELS) == set(get_args(Verdict))


def test_the_chat_answer_and_the_app_share_the_table() -> None:
    assert assessment.VERDICT_LABELS is labels.VERDICT_LABELS
    assert render.VERDICT_LABELS is labels.VERDICT_LABELS


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert labels.verdict_label("demo") == "Still a demo"
    assert labels.verdict_label("maybe") == "maybe"
