"""Input validation for the public API: questions, conversation history, audience keys.

Bad input becomes an InputError whose message says what is accepted, never a stack trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from .errors import InputError
from .models import AUDIENCES, Audience, Turn
from .text import clean_input, looks_binary, replace_surrogates

MAX_HISTORY_TURNS = 20


def validate_question(question: object, limit: int) -> str:
    """Cleaned question text, or InputError saying what is accepted."""
    if not isinstance(question, str):
        raise InputError(f"The question must be text, not {type(question).__name__}.")
    if looks_binary(question):
        raise InputError("The question looks like binary data: type or paste plain text.")
    text = clean_input(question)
    if not text:
        raise InputError("Ask a question about Production AI, e.g. 'What is Production AI?'.")
    if len(text) > limit:
        raise InputError(
            f"The question is {len(text)} characters long; the limit is {limit} "
            "(PRODAI_MAX_QUESTION_CHARS). Shorten it, or use `prodai classify` for long "
            "project descriptions."
        )
    return text


def validate_history(history: Iterable[Mapping[str, Any] | Turn] | None) -> list[Turn]:
    """History as Turn objects (most recent turns only), or InputError naming the bad item."""
    if history is None:
        return []
    if isinstance(history, str | bytes | Mapping):
        raise InputError(
            "history must be a list of {'role': 'user'|'assistant', 'content': text} items."
        )
    turns: list[Turn] = []
    for number, item in enumerate(history, start=1):
        try:
            turn = item if isinstance(item, Turn) else Turn.model_validate(item)
        except ValidationError:
            raise InputError(
                f"history item {number} is not valid ({str(item)[:80]!r}): expected "
                "{'role': 'user' or 'assistant', 'content': text}."
            ) from None
        if looks_binary(turn.content):
            raise InputError(f"history item {number} looks like binary data: use plain text.")
        turns.append(Turn(role=turn.role, content=clean_input(turn.content)))
    return turns[-MAX_HISTORY_TURNS:]


def validate_audience(audience: str | None) -> Audience | None:
    """A known audience key (None for no lens), or InputError listing the valid values."""
    if audience is None:
        return None
    key = str(audience).strip().lower()
    for valid in AUDIENCES:
        if key == valid:
            return None if valid == "all" else valid
    raise InputError(f"Unknown audience {audience!r}: use one of {', '.join(AUDIENCES)}.")


def validate_description(description: object) -> str:
    """The caller's own description text, or InputError when it is not usable text.

    Only lone surrogates are replaced (same length), so evidence offsets point into the text
    the caller passed.
    """
    if not isinstance(description, str) or looks_binary(description):
        raise InputError("The description must be plain text: paste the project description.")
    if not clean_input(description):
        raise InputError("Paste a description of the AI project to classify.")
    return replace_surrogates(description)


__all__ = [
    "MAX_HISTORY_TURNS",
    "validate_audience",
    "validate_description",
    "validate_history",
    "validate_question",
]
