"""One verdict label table, shared by the chat answer, the app and the scorecard."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from prodai_assistant import labels
from prodai_assistant.answering import assessment
from prodai_assistant.labels import framed_for
from prodai_assistant.models import Verdict

PACKAGE = Path(labels.__file__).resolve().parent


def test_every_verdict_has_one_label() -> None:
    assert set(labels.VERDICT_LABELS) == set(get_args(Verdict))


def test_the_chat_answer_and_the_app_share_the_table() -> None:
    assert assessment.VERDICT_LABELS is labels.VERDICT_LABELS


def test_the_app_takes_verdict_labels_from_labels_only() -> None:
    """No app module gets the table second hand (from a module that imported it)."""
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module != "labels":
                names = {alias.name for alias in node.names}
                assert not names & {"VERDICT_LABELS", "verdict_label"}, path


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert labels.verdict_label("demo") == "Still a demo"
    assert labels.verdict_label("maybe") == "maybe"


@pytest.mark.parametrize(
    ("key", "label"), [("cfo", "CFO"), ("lob", "Line-of-business leader"), ("x", "x")]
)
def test_audience_label(key: str, label: str) -> None:
    assert labels.audience_label(key) == label


def test_framing_names_every_audience_of_an_answer_in_parts() -> None:
    assert framed_for("all") is None and framed_for("all", []) is None
    assert framed_for("cfo") == "Framed for: CFO"
    assert framed_for("cfo", ["cfo", "cto"]) == "Framed for: CFO and CTO"
    assert framed_for("ceo", ["ceo", "cfo", "lob"]).startswith("Framed for: CEO")  # type: ignore[union-attr]
    assert framed_for("ceo", ["ceo", "cfo", "lob"]).count(",") == 1  # type: ignore[union-attr]
