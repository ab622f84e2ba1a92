"""The assistant as LangChain components: a retriever over its hybrid search and a Runnable
over ``ask``. Get them from ``Assistant.as_retriever()`` and ``Assistant.as_runnable()``.

``AssistantRetriever`` is search only (BM25 + dense + reciprocal rank fusion, the audience
lens): no routing, no pinned sections, no evidence gate, so it ranks exactly what the index
holds. Each Document is one chunk, its text verbatim, with the chunk id, document, section and
every score in ``metadata``.

``AssistantRunnable`` is the whole pipeline: its input is a question (a string, a mapping or
``AskInput``) and its output the ``Answer`` with citations, refusals and guard decisions.
``batch`` runs questions on threads (the Assistant is thread-safe); ``stream`` yields the one
verified Answer, never unverified draft text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from pydantic import BaseModel, ConfigDict, Field

from ..models import Answer, ScoredChunk, Turn

if TYPE_CHECKING:
    from ..assistant import Assistant


class AskInput(BaseModel):
    """What ``AssistantRunnable`` accepts (a bare string is the question alone)."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question, as a user would type it.")
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, oldest first.")
    audience: str | None = Field(default=None, description="Stakeholder lens, e.g. 'cfo'.")


def to_document(scored: ScoredChunk) -> Document:
    """One retrieved chunk as a LangChain Document (text verbatim, scores in metadata)."""
    chunk = scored.chunk
    metadata = {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "section": chunk.section,
        "audience": chunk.audience,
        "topic": chunk.topic,
        "rank": scored.rank,
        "score": scored.score,  # fused: reciprocal rank fusion, then the audience lens
        "bm25_score": scored.bm25_score,
        "bm25_rank": scored.bm25_rank,
        "dense_score": scored.dense_score,  # cosine similarity
        "dense_rank": scored.dense_rank,
        "boosted": scored.boosted,
    }
    return Document(id=chunk.chunk_id, page_content=chunk.text, metadata=metadata)


class AssistantRetriever(BaseRetriever):
    """The assistant's hybrid search as a LangChain retriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any = Field(description="The Assistant whose index and retriever are searched.")
    k: int | None = Field(default=None, ge=1, description="Chunks per query; None: settings.")
    audience: str | None = Field(default=None, description="Boost this stakeholder's chunks.")

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        audience: str | None = None,
    ) -> list[Document]:
        from ..validation import validate_audience, validate_question

        assistant = self.assistant
        text = validate_question(query, assistant.settings.max_question_chars).text
        lens = validate_audience(audience if audience is not None else self.audience)
        hits = assistant.retriever.search(text, k=k or self.k, audience=lens)
        return [to_document(hit) for hit in hits]


class AssistantRunnable(RunnableSerializable[Any, Answer]):
    """``Assistant.ask`` as a Runnable: question (+ history, audience) in, Answer out."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any = Field(description="The Assistant that answers.")

    @property
    def InputType(self) -> type[AskInput]:  # noqa: N802 (LangChain's name)
        return AskInput

    @property
    def OutputType(self) -> type[Answer]:  # noqa: N802 (LangChain's name)
        return Answer

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        return self._call_with_config(self._ask, input, config, run_type="chain", **kwargs)

    def _ask(self, input: Any) -> Answer:
        request = as_ask_input(input)
        answer: Answer = self.assistant.ask(
            request.question, history=request.history, audience=request.audience
        )
        return answer


def as_ask_input(value: Any) -> AskInput:
    """A question string, a mapping with 'question' (and 'history', 'audience'), or AskInput."""
    if isinstance(value, AskInput):
        return value
    if isinstance(value, str):
        return AskInput(question=value)
    if isinstance(value, Mapping):
        return AskInput.model_validate(dict(value))
    raise TypeError(
        f"Pass a question string or a mapping with 'question', not {type(value).__name__!r}."
    )


def as_retriever(assistant: Assistant, **kwargs: Any) -> AssistantRetriever:
    return AssistantRetriever(assistant=assistant, **kwargs)


def as_runnable(assistant: Assistant) -> AssistantRunnable:
    return AssistantRunnable(assistant=assistant)


__all__ = [
    "AskInput",
    "AssistantRetriever",
    "AssistantRunnable",
    "as_ask_input",
    "as_retriever",
    "as_runnable",
    "to_document",
]
