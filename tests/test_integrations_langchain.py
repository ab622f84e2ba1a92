"""Assistant.as_retriever() and .as_runnable(): LangChain components over the real corpus
(FakeEmbedder, so no model), alone and inside LCEL chains."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from prodai_assistant import Assistant, Settings
from prodai_assistant.errors import InputError
from prodai_assistant.integrations.langchain import AskInput, AssistantRetriever
from prodai_assistant.models import Answer
from prodai_assistant.testing import FakeEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUESTION = "What are the four hallmarks of Production AI?"
SCORE_KEYS = {"score", "bm25_score", "bm25_rank", "dense_score", "dense_rank", "rank", "boosted"}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    settings = Settings(
        corpus_dir=CORPUS,
        data_dir=tmp_path_factory.mktemp("lc-data"),
        retrieval={"min_dense_score": 0.05},
        audit={"enabled": False},
    )
    built = Assistant.from_settings(settings, embedder=FakeEmbedder())
    yield built
    built.index.close()


def same(a: Answer, b: Answer) -> bool:
    return a.model_dump(exclude={"latency_ms"}) == b.model_dump(exclude={"latency_ms"})


# --- retriever -------------------------------------------------------------------------------


def test_the_retriever_is_a_base_retriever_over_the_hybrid_search(assistant: Assistant) -> None:
    retriever = assistant.as_retriever()
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke(QUESTION)
    hits = assistant.retriever.search(QUESTION)
    assert [d.id for d in docs] == [h.chunk.chunk_id for h in hits]
    for doc, hit in zip(docs, hits, strict=True):
        assert isinstance(doc, Document) and doc.page_content == hit.chunk.text
        meta = doc.metadata
        assert (meta["chunk_id"], meta["doc_id"], meta["section"]) == (
            hit.chunk.chunk_id,
            hit.chunk.doc_id,
            hit.chunk.section,
        )
        assert set(meta) >= SCORE_KEYS
        assert (meta["score"], meta["bm25_score"], meta["dense_score"]) == (
            hit.score,
            hit.bm25_score,
            hit.dense_score,
        )


def test_k_from_the_constructor_or_the_call(assistant: Assistant) -> None:
    assert len(assistant.as_retriever(k=2).invoke(QUESTION)) == 2
    assert len(assistant.as_retriever().invoke(QUESTION, k=7)) == 7
    assert len(assistant.as_retriever().invoke(QUESTION)) == assistant.settings.retrieval.k


def test_the_audience_lens_boosts_that_stakeholders_chunks(assistant: Assistant) -> None:
    question = "How should I explain Production AI?"
    plain = assistant.as_retriever(k=5).invoke(question)
    cfo = assistant.as_retriever(k=5, audience="cfo").invoke(question)
    assert any(d.metadata["boosted"] for d in cfo) and not any(d.metadata["boosted"] for d in plain)
    assert all(d.metadata["audience"] == "cfo" for d in cfo if d.metadata["boosted"])


def test_bad_queries_and_audiences_are_input_errors(assistant: Assistant) -> None:
    with pytest.raises(InputError):
        assistant.as_retriever().invoke("   ")
    with pytest.raises(InputError, match="audience"):
        assistant.as_retriever(audience="cmo").invoke(QUESTION)


def test_the_retriever_works_async(assistant: Assistant) -> None:
    docs = asyncio.run(assistant.as_retriever(k=3).ainvoke(QUESTION))
    assert [d.id for d in docs] == [d.id for d in assistant.as_retriever(k=3).invoke(QUESTION)]


# --- runnable --------------------------------------------------------------------------------


def test_the_runnable_answers_like_ask(assistant: Assistant) -> None:
    runnable = assistant.as_runnable()
    assert isinstance(runnable, Runnable)
    expected = assistant.ask(QUESTION)
    for given in (QUESTION, {"question": QUESTION}, AskInput(question=QUESTION)):
        answer = runnable.invoke(given)
        assert isinstance(answer, Answer) and same(answer, expected) and answer.citations


def test_history_and_audience_pass_through(assistant: Assistant) -> None:
    first = assistant.ask("How should I explain Production AI to the CFO?")
    history = [
        {"role": "user", "content": first.question},
        {"role": "assistant", "content": first.answer},
    ]
    follow = assistant.as_runnable().invoke(
        {"question": "And what about the CTO?", "history": history}
    )
    assert same(follow, assistant.ask("And what about the CTO?", history=history))
    framed = assistant.as_runnable().invoke({"question": "What is xOps?", "audience": "cto"})
    assert framed.audience == "cto"


def test_batch_and_stream(assistant: Assistant) -> None:
    runnable = assistant.as_runnable()
    questions = [QUESTION, "What is xOps?", "What's the weather in Paris tomorrow?"]
    batched = runnable.batch(questions, config={"max_concurrency": 2})
    assert [a.question for a in batched] == questions
    assert all(same(a, assistant.ask(q)) for a, q in zip(batched, questions, strict=True))
    assert batched[2].refused
    streamed = list(runnable.stream("What is xOps?"))
    assert len(streamed) == 1 and same(streamed[0], batched[1])  # only the verified answer


def test_the_runnable_declares_its_types(assistant: Assistant) -> None:
    runnable = assistant.as_runnable()
    assert runnable.InputType is AskInput and runnable.OutputType is Answer
    assert "question" in runnable.get_input_jsonschema()["properties"]
    assert "citations" in runnable.get_output_jsonschema()["properties"]


def test_bad_input_is_refused(assistant: Assistant) -> None:
    with pytest.raises(TypeError, match="question string"):
        assistant.as_runnable().invoke(42)
    with pytest.raises(InputError):
        assistant.as_runnable().invoke({"question": "x" * 5000})


# --- LCEL ------------------------------------------------------------------------------------


def test_an_lcel_chain_of_retriever_and_runnable(assistant: Assistant) -> None:
    sources = assistant.as_retriever(k=3) | RunnableLambda(
        lambda docs: [d.metadata["chunk_id"] for d in docs]
    )
    answer_and_sources = {
        "answer": {"question": RunnablePassthrough(), "audience": lambda _: "cfo"}
        | assistant.as_runnable(),
        "sources": sources,
    } | RunnableLambda(lambda out: (out["answer"], out["sources"]))
    assert isinstance(answer_and_sources, Runnable)
    answer, ids = answer_and_sources.invoke(QUESTION)
    assert answer.audience == "cfo" and answer.citations
    assert len(ids) == 3 and all("#" in cid for cid in ids)


def test_a_chain_can_post_process_the_answer(assistant: Assistant) -> None:
    cited = assistant.as_runnable() | RunnableLambda(
        lambda a: sorted(c.doc_id for c in a.citations)
    )
    assert cited.invoke(QUESTION) == sorted(c.doc_id for c in assistant.ask(QUESTION).citations)
    assert isinstance(AssistantRetriever(assistant=assistant, k=1).invoke(QUESTION)[0], Document)
