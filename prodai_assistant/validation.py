"""Input validation for the public API: questions, conversation history, audience keys.

Bad input becomes an InputError whose message says what is accepted, never a stack trace. What
the assistant reasons on is the canonical text (``text.canonicalize``): invisible characters,
compatibility forms and look-alike letters cannot change a route, a verdict or a gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from .errors import InputError
from .models import AUDIENCES, Audience, Turn
from .text import Canonical, canonicalize, clean_input, looks_binary, replace_surrogates

MAX_HISTORY_TURNS = 20
# Raw text longer than this many times the limit is refused before any work is done on it
# (invisible characters are removed first, so the limit itself applies to the canonical text).
RAW_FACTOR = 4


def validate_question(question: object, limit: int) -> Canonical:
    """The question as typed (``.original``, cleaned) and as read (``.text``), or InputError."""
    if not isinstance(question, str):
        raise InputError(f"The question must be text, not {type(question).__name__}.")
    if len(question) > RAW_FACTOR * limit:
        raise _question_too_long(len(question), limit)
    if looks_binary(question):
        raise InputError("The question looks like binary data: type or paste plain text.")
    canonical = canonicalize(clean_input(question))
    if not canonical.text.strip():
        raise InputError("Ask a question about Production AI, e.g. 'What is Production AI?'.")
    if len(canonical.text) > limit:
        raise _question_too_long(len(canonical.text), limit)
    return canonical


def _question_too_long(length: int, limit: int) -> InputError:
    return InputError(
        f"The question is {length} characters long; the limit is {limit} "
        "(PRODAI_MAX_QUESTION_CHARS). Shorten it, or use `prodai classify` for long "
        "project descriptions."
    )


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
        content = canonicalize(clean_input(turn.content)).text
        turns.append(Turn(role=turn.role, content=content))
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


def validate_description(description: object, limit: int | None = None) -> Canonical:
    """The caller's description (``.original``) and its canonical text, or InputError.

    Only lone surrogates are replaced in ``.original`` (same length), so evidence offsets
    mapped back with ``to_original`` point into the text the caller passed. ``limit`` is the
    classifier's; text many times longer is refused before it is read.
    """
    if not isinstance(description, str) or looks_binary(description):
        raise InputError("The description must be plain text: paste the project description.")
    if limit is not None and len(description) > RAW_FACTOR * limit:
        raise InputError(
            f"The description is {len(description):,} characters long; the limit is "
            f"{limit:,} (PRODAI_CLASSIFIER__MAX_CHARS). Shorten it to the essentials."
        )
    canonical = canonicalize(replace_surrogates(description))
    if not clean_input(canonical.text):
        raise InputError("Paste a description of the AI project to classify.")
    return canonical


__all__ = [
    "MAX_HISTORY_TURNS",
    "RAW_FACTOR",
    "validate_audience",
    "validate_description",
    "validate_history",
    "validate_question",
]
