"""Answer backends behind one Protocol; ``extractive`` (no LLM) is the default."""

from __future__ import annotations

from ..config import Settings
from ..embeddings import Embedder
from .base import (
    HELP_TEXT,
    SCOPE_TEXT,
    AnswerBackend,
    AnswerRequest,
    Composed,
    StreamingBackend,
    TokenSink,
    append_part,
    compose_with_tokens,
    greeting,
    merge_audiences,
    part_form,
    refusal,
    refusal_text,
    streams,
)
from .extractive import ExtractiveBackend


def make_backend(settings: Settings, *, embedder: Embedder | None = None) -> AnswerBackend:
    """The backend named by ``settings.llm``: 'extractive' or 'provider:model'."""
    if settings.llm == "extractive":
        return ExtractiveBackend()
    # The LLM module imports LangChain lazily and raises ConfigError for a malformed spec.
    from .llm import make_llm_backend

    return make_llm_backend(settings, embedder=embedder)


__all__ = [
    "HELP_TEXT",
    "SCOPE_TEXT",
    "AnswerBackend",
    "AnswerRequest",
    "Composed",
    "ExtractiveBackend",
    "StreamingBackend",
    "TokenSink",
    "append_part",
    "compose_with_tokens",
    "greeting",
    "make_backend",
    "merge_audiences",
    "part_form",
    "refusal",
    "refusal_text",
    "streams",
]
