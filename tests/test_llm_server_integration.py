"""The LLM backend against a real OpenAI-compatible server on loopback (llama-cpp-python).

The model is a 270M base model, so these tests check the contract, not answer quality:
tokens stream, the final answer is either guarded text with valid citations or the extractive
fallback with a notice, every guard decision is recorded, and a dead server means a fallback.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_server import LlamaServer, gguf_path, missing_requirements

from prodai_assistant.answering.base import AnswerRequest, Composed
from prodai_assistant.answering.llm import LLMBackend, make_llm_backend
from prodai_assistant.config import Settings
from prodai_assistant.models import Chunk, ScoredChunk
from prodai_assistant.testing import FakeEmbedder

pytestmark = pytest.mark.llm_server

MAX_TOKENS = 64
SOURCES = [
    Chunk(
        chunk_id="four-hallmarks#deployed-in-real-operations",
        doc_id="four-hallmarks",
        title="The four hallmarks of Production AI",
        section="Deployed in real operations",
        text="The first hallmark of Production AI is that the system is deployed in real "
        "operations. A deployed system is live and serving actual work instead of sitting "
        "in a sandbox.",
    ),
    Chunk(
        chunk_id="four-hallmarks#driving-repeatable-roi",
        doc_id="four-hallmarks",
        title="The four hallmarks of Production AI",
        section="Driving repeatable ROI",
        text="The fourth hallmark of Production AI is that the system drives repeatable return "
        "on investment. Its value appears in the P&L as measurable efficiency gains.",
    ),
]


@pytest.fixture(scope="session")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = missing_requirements()
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (`make llm-deps` installs them)")
    try:
        return gguf_path(Path.home() / ".cache" / "prodai-assistant")
    except OSError:  # read-only home: assemble in a temporary folder instead
        return gguf_path(tmp_path_factory.mktemp("gguf"))


@pytest.fixture(scope="session")
def llama_server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    log = tmp_path_factory.mktemp("llama") / "server.log"
    server = LlamaServer(model_path=gguf, log_path=log).start()
    print(f"\nllama server ready in {server.started_in_s:.2f}s at {server.base_url}")
    yield server
    server.stop()


def _settings(base_url: str, **extra: object) -> Settings:
    options = {"base_url": base_url, "max_tokens": MAX_TOKENS, "timeout_s": 180.0}
    return Settings(llm="openai:gemma-3-270m", llm_options=options, **extra)  # type: ignore[arg-type]


def _backend(base_url: str) -> LLMBackend:
    return make_llm_backend(_settings(base_url), embedder=FakeEmbedder())


def _request() -> AnswerRequest:
    return AnswerRequest(
        question="What does deployed in real operations mean?",
        standalone_question="What does deployed in real operations mean?",
        intent="hallmarks",
        retrieved=[ScoredChunk(chunk=c, score=1.0, rank=n) for n, c in enumerate(SOURCES, 1)],
    )


def _assert_contract(final: Composed, sources: dict[str, Chunk]) -> None:
    """Valid citations only, guard decisions recorded, fallback announced."""
    assert final.guard, "the guard records at least one decision"
    used = {int(m) for m in re.findall(r"\[(\d+)\]", final.answer)}
    assert used <= {c.marker for c in final.citations}
    for citation in final.citations:
        assert citation.chunk_id in sources
        assert citation.quote and citation.quote in sources[citation.chunk_id].text
    fell_back = any(d.action == "fallback" for d in final.guard)
    if fell_back:
        assert any("extractive answer" in n for n in final.notices)
    else:
        assert final.answer and all(d.action in {"kept", "removed", "flagged"} for d in final.guard)
        assert any(d.action == "kept" for d in final.guard)


def test_server_lists_the_model(llama_server: LlamaServer) -> None:
    assert llama_server.models()


def test_backend_streams_from_the_server_and_guards_the_answer(
    llama_server: LlamaServer,
) -> None:
    began = time.perf_counter()
    items = list(_backend(llama_server.base_url).stream(_request()))
    elapsed = time.perf_counter() - began
    tokens, final = items[:-1], items[-1]
    print(f"\nstreamed {len(tokens)} deltas in {elapsed:.2f}s")
    assert tokens and all(isinstance(t, str) for t in tokens)
    assert len(tokens) <= MAX_TOKENS
    assert isinstance(final, Composed) and final.model == "openai:gemma-3-270m"
    assert not any("language model" in n for n in final.notices), final.notices
    _assert_contract(final, {c.chunk_id: c for c in SOURCES})


def test_assistant_answers_through_the_server(llama_server: LlamaServer, tmp_path: Path) -> None:
    from prodai_assistant.assistant import Assistant

    settings = _settings(llama_server.base_url, data_dir=tmp_path, retrieval={"k": 2})
    embedder = FakeEmbedder()
    assistant = Assistant.from_settings(settings, embedder=embedder)
    assert isinstance(assistant.backend, LLMBackend) and assistant.backend.embedder is embedder
    answer = assistant.ask("What are the four hallmarks of Production AI?")
    assert not answer.refused and answer.backend == "llm"
    assert len([r for r in answer.retrieved if not r.pinned]) == 2  # k, plus pinned sections
    assert {c.chunk_id for c in answer.citations} <= {r.chunk_id for r in answer.retrieved}
    library = {c.chunk_id: c for c in assistant.index.chunks}
    composed = Composed(answer=answer.answer, citations=answer.citations, guard=answer.guard,
                        notices=answer.notices)  # fmt: skip
    _assert_contract(composed, library)


def test_killed_server_means_extractive_fallback(gguf: Path, tmp_path: Path) -> None:
    server = LlamaServer(model_path=gguf, log_path=tmp_path / "server.log").start()
    backend = _backend(server.base_url)  # built while the server is up
    assert server.models()
    server.stop()
    assert server.process is not None and server.process.poll() is not None
    began = time.perf_counter()
    items = list(backend.stream(_request()))
    print(f"\nfallback after the server died took {time.perf_counter() - began:.2f}s")
    final = items[-1]
    assert len(items) == 1 and isinstance(final, Composed)
    assert final.notices[0] == (
        "The language model could not be reached; showing the extractive answer instead."
    )
    assert final.guard[0].action == "fallback" and final.answer
    _assert_contract(final, {c.chunk_id: c for c in SOURCES})
