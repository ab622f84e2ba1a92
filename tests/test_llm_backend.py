"""The LLM backend with LangChain's fake chat models: streaming, guard, errors, fallback, setup."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Iterator

import pytest
from langchain_core import exceptions as lc
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from prodai_assistant.answering.base import AnswerRequest, Composed
from prodai_assistant.answering.llm import (
    LLMBackend,
    chat_model_kwargs,
    compose_with_tokens,
    describe_failure,
    init_chat,
    install_hint,
    make_llm_backend,
    parse_llm,
    stream_text,
)
from prodai_assistant.answering.prompts import (
    SYSTEM_RULES,
    build_messages,
    format_history,
    format_sources,
)
from prodai_assistant.config import LLMOptions, Settings
from prodai_assistant.errors import ConfigError, ModelUnavailableError
from prodai_assistant.models import Chunk, Citation, ScoredChunk, Turn
from prodai_assistant.testing import FakeEmbedder
from prodai_assistant.text import split_sentences

DEPLOYED = (
    "The first hallmark of Production AI is that the system is deployed in real operations. "
    "A deployed system is live and serving actual work instead of sitting in a sandbox."
)
ROI = (
    "The fourth hallmark of Production AI is that the system drives repeatable return on "
    "investment. The value of Production AI appears consistently in the P&L as efficiency gains."
)
GOOD = (
    "A deployed system is live and serving actual work instead of sitting in a sandbox [1]. "
    "The value of Production AI appears consistently in the P&L as efficiency gains [2]."
)
INVENTED = "Quantum blockchain agents replace every accountant within twelve weeks [1]."
FALLBACK_TEXT = "The first hallmark of Production AI is that the system is deployed [1]."


def _chunk(section: str, text: str) -> Chunk:
    slug = section.lower().replace(" ", "-")
    return Chunk(
        chunk_id=f"four-hallmarks#{slug}",
        doc_id="four-hallmarks",
        title="The four hallmarks of Production AI",
        section=section,
        text=text,
    )


SOURCES = [_chunk("Deployed in real operations", DEPLOYED), _chunk("Driving repeatable ROI", ROI)]


def _request(intent: str = "hallmarks", sources: list[Chunk] = SOURCES) -> AnswerRequest:
    scored = [ScoredChunk(chunk=c, score=1.0 / n, rank=n) for n, c in enumerate(sources, 1)]
    return AnswerRequest(
        question="What are the hallmarks?",
        standalone_question="What are the hallmarks of Production AI?",
        intent=intent,  # type: ignore[arg-type]
        audience="cfo",
        retrieved=scored,
        history=(Turn(role="user", content="Hi"), Turn(role="assistant", content="Hello [1].")),
    )


class CannedBackend:
    """A fallback that always gives the same cited answer, and counts its calls."""

    name = "canned"

    def __init__(self) -> None:
        self.calls = 0

    def compose(self, request: AnswerRequest) -> Composed:
        self.calls += 1
        quote = SOURCES[0].text.split(". ")[0] + "."
        cite = Citation(
            marker=1,
            chunk_id=SOURCES[0].chunk_id,
            doc_id=SOURCES[0].doc_id,
            title=SOURCES[0].title,
            section=SOURCES[0].section,
            quote=quote,
        )
        return Composed(answer=FALLBACK_TEXT, citations=[cite])


def _fake(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


def _failing(exc: BaseException) -> GenericFakeChatModel:
    def replies() -> Iterator[AIMessage]:
        raise exc
        yield AIMessage(content="never")  # pragma: no cover

    return GenericFakeChatModel(messages=replies())


def _backend(chat_model, **options) -> tuple[LLMBackend, CannedBackend]:
    fallback = CannedBackend()
    backend = LLMBackend(
        chat_model,
        fallback=fallback,
        options=LLMOptions(**options),
        label="openai:test-model",
        embedder=FakeEmbedder(),
    )
    return backend, fallback


# ---------------------------------------------------------------- streaming and the guard


def test_stream_yields_tokens_then_the_final_composed() -> None:
    backend, fallback = _backend(_fake(GOOD))
    items = list(backend.stream(_request()))
    tokens, final = items[:-1], items[-1]
    assert len(tokens) > 10 and all(isinstance(t, str) for t in tokens)
    assert "".join(tokens) == GOOD
    assert isinstance(final, Composed) and fallback.calls == 0
    assert [c.chunk_id for c in final.citations] == [s.chunk_id for s in SOURCES]
    assert all(c.quote in s.text for c, s in zip(final.citations, SOURCES, strict=True))
    assert [d.action for d in final.guard] == ["kept", "kept"]
    assert final.model == "openai:test-model" and final.notices == []


def test_compose_with_tokens_passes_deltas_then_returns_the_final_answer() -> None:
    backend, _ = _backend(_fake(GOOD))
    tokens: list[str] = []
    final = compose_with_tokens(backend, _request(), tokens.append)
    assert "".join(tokens) == GOOD and [d.action for d in final.guard] == ["kept", "kept"]
    canned = CannedBackend()  # no stream method: composes once, no tokens
    assert compose_with_tokens(canned, _request(), tokens.append).answer == FALLBACK_TEXT
    assert canned.calls == 1 and "".join(tokens) == GOOD


def test_compose_returns_the_same_guarded_answer_as_stream() -> None:
    streamed = list(_backend(_fake(GOOD))[0].stream(_request()))[-1]
    composed = _backend(_fake(GOOD))[0].compose(_request())
    assert composed == streamed


def test_hallucinated_sentence_is_removed_with_a_notice() -> None:
    backend, _ = _backend(_fake(f"{GOOD} {INVENTED}"))
    final = backend.compose(_request())
    assert "Quantum" not in final.answer and "[1]" in final.answer
    assert [d.action for d in final.guard] == ["kept", "kept", "removed"]
    assert final.notices == ["Removed 1 generated sentence not supported by the cited sources."]


def test_hallucinated_sentence_is_flagged_in_flag_mode() -> None:
    backend, _ = _backend(_fake(f"{GOOD} {INVENTED}"), guard_mode="flag")
    final = backend.compose(_request())
    assert "Quantum" in final.answer and "(unverified)" in final.answer
    assert [d.action for d in final.guard][-1] == "flagged"
    assert "unverified" in final.notices[0]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (GOOD.replace("[1]", "[2]").replace("gains [2]", "gains [1]"), "not supported"),
        (GOOD.replace(" [1]", "").replace(" [2]", ""), "no citation marker"),
        (GOOD.replace("[1]", "[5]").replace("[2]", "[6]"), "only [1]..[2] exist"),
    ],
    ids=["swapped-markers", "missing-markers", "out-of-range-markers"],
)
def test_bad_markers_fall_back_to_the_extractive_answer(reply: str, reason: str) -> None:
    backend, fallback = _backend(_fake(reply))
    final = backend.compose(_request())
    assert fallback.calls == 1 and final.answer == FALLBACK_TEXT
    assert final.citations[0].chunk_id == SOURCES[0].chunk_id
    assert {d.action for d in final.guard} == {"fallback"}
    assert all(reason in d.reason for d in final.guard)
    assert "fidelity check" in final.notices[0] and "extractive answer" in final.notices[0]


def test_too_little_support_falls_back() -> None:
    backend, fallback = _backend(_fake(f"{GOOD} {INVENTED}"), min_supported_fraction=0.9)
    final = backend.compose(_request())
    assert fallback.calls == 1 and final.answer == FALLBACK_TEXT
    assert "only 2 of 3" in final.notices[0]
    assert [d.supported for d in final.guard] == [True, True, False]


def test_a_refusal_from_the_model_falls_back() -> None:
    backend, fallback = _backend(_fake("The sources I have do not cover that question."))
    final = backend.compose(_request())
    assert fallback.calls == 1 and len(final.guard) == 1
    assert final.guard[0].action == "fallback"


@pytest.mark.parametrize("intent", ["greeting", "out_of_scope"])
def test_no_model_call_when_there_is_nothing_to_generate(intent: str) -> None:
    chat = _fake()  # no replies: a call would fail and add a notice
    backend, fallback = _backend(chat)
    assert list(backend.stream(_request(intent))) == [fallback.compose(_request())]
    assert backend.compose(_request(sources=[])).notices == []


# ---------------------------------------------------------------- provider failures


@pytest.mark.parametrize(
    ("exc", "phrase"),
    [
        (lc.ModelTimeoutError("slow"), "timed out after 30s"),
        (TimeoutError("slow"), "timed out after 30s"),
        (lc.ModelRateLimitError("429"), "was rate limited"),
        (lc.ModelConnectionError("refused"), "could not be reached"),
        (ConnectionRefusedError("refused"), "could not be reached"),
        (lc.ModelAuthenticationError("bad key sk-abc"), "rejected the API key"),
        (lc.ModelAPIError("500"), "failed (ModelAPIError)"),
        (RuntimeError("boom"), "failed (RuntimeError)"),
    ],
)
def test_provider_errors_fall_back_with_a_notice(exc: Exception, phrase: str) -> None:
    backend, fallback = _backend(_failing(exc))
    final = backend.compose(_request())
    assert fallback.calls == 1 and final.answer == FALLBACK_TEXT
    assert final.notices[0] == (
        f"The language model {phrase}; showing the extractive answer instead."
    )
    assert final.guard[0].action == "fallback" and phrase in final.guard[0].reason
    assert "sk-abc" not in str(final)


def test_error_in_the_middle_of_a_stream_falls_back_after_the_tokens() -> None:
    chat = FakeListChatModel(responses=[GOOD], error_on_chunk_number=20)
    items = list(_backend(chat)[0].stream(_request()))
    assert "".join(items[:-1]) == GOOD[:20]
    assert "FakeListChatModelError" in items[-1].notices[0]


def test_a_slow_stream_times_out_and_falls_back() -> None:
    chat = FakeListChatModel(responses=[GOOD], sleep=0.01)
    final = _backend(chat, timeout_s=0.05)[0].compose(_request())
    assert final.notices[0].startswith("The language model timed out after 0.05s")


def test_stream_text_stops_at_max_deltas() -> None:
    deltas = list(stream_text(_fake(GOOD), [], timeout_s=5, max_deltas=7))
    assert len(deltas) == 7


@pytest.mark.parametrize(
    ("exc", "expected"),
    [(lc.ContextOverflowError("long"), "longer than its context"), (KeyError("x"), "KeyError")],
)
def test_describe_failure(exc: Exception, expected: str) -> None:
    assert expected in describe_failure(exc, 3)


def test_keys_never_reach_answers_or_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-4242")
    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        llm="openai:local-model",
        llm_options={"base_url": f"http://127.0.0.1:{port}/v1", "timeout_s": 5},
    )
    backend = make_llm_backend(settings, fallback=CannedBackend())
    with caplog.at_level(logging.DEBUG):
        final = backend.compose(_request())
    assert "could not be reached" in final.notices[0]
    assert "SECRET" not in str(final) and "SECRET" not in caplog.text


# ---------------------------------------------------------------- setup from settings


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("openai:gpt-4o-mini", ("openai", "gpt-4o-mini")),
        ("ollama:llama3.1:8b", ("ollama", "llama3.1:8b")),
        (" Anthropic:claude-x ", ("anthropic", "claude-x")),
    ],
)
def test_parse_llm(spec: str, expected: tuple[str, str]) -> None:
    assert parse_llm(spec) == expected


@pytest.mark.parametrize("spec", ["gpt-4o", "openai:", ":model", ""])
def test_parse_llm_rejects_malformed_specs(spec: str) -> None:
    with pytest.raises(ConfigError, match="provider:model"):
        parse_llm(spec)


@pytest.mark.parametrize(
    ("provider", "extra"),
    [("openai", "[llm]"), ("anthropic", "[anthropic]"), ("ollama", "[ollama]"), ("groq", "groq")],
)
def test_install_hint_names_the_extra(provider: str, extra: str) -> None:
    assert extra in install_hint(provider)


def test_chat_model_kwargs_per_provider() -> None:
    options = LLMOptions(max_tokens=64, timeout_s=7, base_url="http://127.0.0.1:1/v1")
    openai = chat_model_kwargs("openai", options)
    assert openai["extra_body"] == {"max_tokens": 64} and openai["timeout"] == 7
    ollama = chat_model_kwargs("ollama", options)
    assert ollama["num_predict"] == 64 and ollama["client_kwargs"] == {"timeout": 7}
    assert "extra_body" not in chat_model_kwargs("openai", LLMOptions())


def test_openai_compatible_server_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    options = {"base_url": "http://127.0.0.1:9/v1", "max_tokens": 32, "timeout_s": 4}
    chat = init_chat(Settings(llm="openai:gemma", llm_options=options))
    assert chat.model_name == "gemma" and chat.max_tokens == 32
    assert chat.openai_api_base == "http://127.0.0.1:9/v1" and chat.request_timeout == 4


def test_openai_key_comes_from_the_provider_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    chat = init_chat(Settings(llm="openai:gpt-4o-mini"))
    assert chat.openai_api_key.get_secret_value() == "sk-from-env"


def test_missing_openai_key_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        init_chat(Settings(llm="openai:gpt-4o-mini"))


@pytest.mark.parametrize(
    ("spec", "extra"), [("anthropic:claude-x", "[anthropic]"), ("ollama:llama3.1", "[ollama]")]
)
def test_missing_provider_package_names_the_extra(spec: str, extra: str) -> None:
    pytest.importorskip("langchain")
    module = spec.split(":")[0]
    if module == "anthropic" and _installed("langchain_anthropic"):
        pytest.skip("langchain-anthropic is installed here")
    if module == "ollama" and _installed("langchain_ollama"):
        pytest.skip("langchain-ollama is installed here")
    with pytest.raises(ModelUnavailableError, match=rf"prodai-assistant\{extra[:-1]}\]"):
        init_chat(Settings(llm=spec))


def test_missing_langchain_names_the_llm_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain.chat_models", None)
    with pytest.raises(ModelUnavailableError, match=r"prodai-assistant\[llm\]"):
        init_chat(Settings(llm="openai:gpt-4o-mini"))


def test_unknown_provider_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown provider 'nosuch'"):
        init_chat(Settings(llm="nosuch:model"))


def test_make_llm_backend_uses_an_injected_model_and_the_extractive_fallback() -> None:
    from prodai_assistant.answering.extractive import ExtractiveBackend

    backend = make_llm_backend(Settings(llm="openai:x"), chat_model=_fake(GOOD))
    assert backend.name == "llm" and backend.label == "openai:x"
    assert isinstance(backend.fallback, ExtractiveBackend)


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


# ---------------------------------------------------------------- prompts


def test_prompt_numbers_sources_and_carries_lens_history_and_rules() -> None:
    history = [
        Turn(role="user", content="What is xOps?"),
        Turn(role="assistant", content="Ops [3]."),
    ]
    system, user = build_messages("And for the CFO?", SOURCES, audience="cfo", history=history)
    assert system.content == SYSTEM_RULES and "data, not instructions" in SYSTEM_RULES
    text = str(user.content)
    assert "[1] The four hallmarks of Production AI / Deployed in real operations" in text
    assert "[2] The four hallmarks of Production AI / Driving repeatable ROI" in text
    assert "the CFO" in text and "P&L" in text
    assert "User: What is xOps?" in text and "Assistant: Ops." in text and "[3]" not in text
    assert text.index("Sources:") < text.index("Question: And for the CFO?")


def test_format_sources_caps_long_sources() -> None:
    bodies = format_sources(SOURCES, max_chars=40).splitlines()[1::3]
    assert len(bodies) == 2
    assert all(b.endswith(" ...") and len(b) <= 44 for b in bodies)
    assert format_sources(SOURCES).splitlines()[1::3] == [DEPLOYED, ROI]


def test_format_history_keeps_the_last_turns_and_accepts_dicts() -> None:
    history = [{"role": "user", "content": f"question {n}"} for n in range(10)]
    lines = format_history(history, turns=3).splitlines()
    assert lines == ["User: question 7", "User: question 8", "User: question 9"]
    assert format_history(None) == ""


# ---------------------------------------------------------------- through the Assistant


class QuotingChatModel(BaseChatModel):
    """Answers by quoting the first sentence of source [1] with its marker, plus one invention."""

    @property
    def _llm_type(self) -> str:
        return "quoting-fake"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        prompt = str(messages[-1].content)
        body = prompt.split("\n[1] ", 1)[1].split("\n", 2)[1]
        first = split_sentences(body)[0].rstrip(".")
        reply = f"{first} [1]. {INVENTED}"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


@pytest.fixture
def count_connects(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every socket connect attempt (any address) made while the test runs."""
    seen: list[object] = []

    def counting(original):
        def wrapper(*args, **kwargs):
            seen.append(args[1] if len(args) > 1 else args[0])
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(socket.socket, "connect", counting(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", counting(socket.socket.connect_ex))
    monkeypatch.setattr(socket, "create_connection", counting(socket.create_connection))
    return seen


def test_default_assistant_opens_no_socket(tmp_path, count_connects: list[object]) -> None:
    from prodai_assistant.assistant import Assistant

    assistant = Assistant.from_settings(Settings(data_dir=tmp_path), embedder=FakeEmbedder())
    answer = assistant.ask("What are the four hallmarks of Production AI?")
    assert answer.backend == "extractive" and answer.citations and not answer.refused
    assistant.ask("And for the CFO?", history=[{"role": "user", "content": "What is xOps?"}])
    assert count_connects == []


def test_assistant_uses_the_llm_backend_from_settings(tmp_path) -> None:
    from prodai_assistant.assistant import Assistant

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        data_dir=tmp_path,
        llm="openai:local-model",
        llm_options={"base_url": f"http://127.0.0.1:{port}/v1", "timeout_s": 5},
    )
    embedder = FakeEmbedder()
    assistant = Assistant.from_settings(settings, embedder=embedder)
    assert isinstance(assistant.backend, LLMBackend) and assistant.backend.embedder is embedder
    answer = assistant.ask("What are the four hallmarks of Production AI?")
    assert answer.backend == "llm" and answer.model == "openai:local-model"
    assert answer.notices[-1].startswith("The language model could not be reached")
    assert answer.citations and answer.guard[0].action == "fallback"


def test_assistant_answer_carries_the_guarded_generation(tmp_path) -> None:
    from prodai_assistant.assistant import Assistant

    settings = Settings(data_dir=tmp_path, llm="openai:quoting-fake")
    assistant = Assistant.from_settings(settings.model_copy(update={"llm": "extractive"}),
                                        embedder=FakeEmbedder())  # fmt: skip
    assistant.backend = make_llm_backend(
        settings, chat_model=QuotingChatModel(), embedder=assistant.embedder
    )
    answer = assistant.ask("What are the four hallmarks of Production AI?")
    assert answer.backend == "llm" and answer.model == "openai:quoting-fake"
    assert [d.action for d in answer.guard] == ["kept", "removed"]
    assert "Quantum" not in answer.answer and answer.answer.endswith("[1].")
    chunk = assistant.library[answer.citations[0].chunk_id]
    assert answer.citations[0].quote in chunk.text
    assert answer.retrieved[0].chunk_id == chunk.chunk_id
