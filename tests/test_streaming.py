"""Token streaming through Assistant.ask(on_token=...) and `prodai ask|chat`, with fake LLMs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from prodai_assistant.answering import streams
from prodai_assistant.answering.llm import make_llm_backend
from prodai_assistant.assistant import Assistant
from prodai_assistant.cli import build_parser, core, main
from prodai_assistant.config import Settings
from prodai_assistant.models import Answer
from prodai_assistant.testing import FakeEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUESTION = "What is xOps?"
XOPS = "glossary#xops"
XOPS_SENTENCE = (
    "xOps is an umbrella term for the operational disciplines, such as MLOps, LLMOps, DataOps "
    "and DevOps, that keep AI systems running reliably in production"
)
INVENTED = "Quantum ledgers replace every accountant within twelve weeks"


def fake_chat(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        corpus_dir=CORPUS,
        data_dir=tmp_path_factory.mktemp("stream-data"),
        retrieval={"min_dense_score": 0.05},
    )


@pytest.fixture(scope="module")
def assistant(settings: Settings) -> Iterator[Assistant]:
    built = Assistant.from_settings(settings, embedder=FakeEmbedder())
    yield built
    built.index.close()


def xops_marker(assistant: Assistant) -> int:
    """The number the prompt gives the xOps glossary entry: its place in rank order."""
    retrieved = sorted(assistant.ask(QUESTION).retrieved, key=lambda r: r.rank)
    return [r.chunk_id for r in retrieved].index(XOPS) + 1


def with_llm(assistant: Assistant, settings: Settings, *replies: str) -> Assistant:
    llm = settings.model_copy(update={"llm": "openai:fake"})
    backend = make_llm_backend(llm, chat_model=fake_chat(*replies), embedder=assistant.embedder)
    return Assistant(
        settings,
        index=assistant.index,
        retriever=assistant.retriever,
        embedder=assistant.embedder,
        backend=backend,
    )


# ---------------------------------------------------------------- Assistant.ask


def test_llm_tokens_reach_on_token_and_the_answer_is_the_guarded_one(
    assistant: Assistant, settings: Settings
) -> None:
    reply = f"{XOPS_SENTENCE} [{xops_marker(assistant)}]. {INVENTED} [1]."
    llm = with_llm(assistant, settings, reply)
    tokens: list[str] = []
    answer = llm.ask(QUESTION, on_token=tokens.append)
    assert len(tokens) > 5 and "".join(tokens) == reply
    assert answer.backend == "llm" and [d.action for d in answer.guard] == ["kept", "removed"]
    assert "Quantum" not in answer.answer and answer.citations[0].chunk_id == XOPS
    assert {c.chunk_id for c in answer.citations} <= {r.chunk_id for r in answer.retrieved}


def test_a_failed_generation_streams_then_falls_back(
    assistant: Assistant, settings: Settings
) -> None:
    tokens: list[str] = []
    answer = with_llm(assistant, settings, f"{INVENTED}.").ask(QUESTION, on_token=tokens.append)
    assert "".join(tokens) == f"{INVENTED}."
    assert answer.guard[0].action == "fallback" and answer.citations
    assert any("extractive answer" in n for n in answer.notices)


def test_the_extractive_backend_never_calls_on_token(assistant: Assistant) -> None:
    tokens: list[str] = []
    answer = assistant.ask(QUESTION, on_token=tokens.append)
    assert answer.citations and tokens == []
    assert not streams(assistant.backend)


@pytest.mark.parametrize("question", ["hello", "What's the weather in Oslo?"])
def test_refusals_and_greetings_do_not_stream(
    assistant: Assistant, settings: Settings, question: str
) -> None:
    tokens: list[str] = []
    llm = with_llm(assistant, settings, "never used [1].")
    llm.ask(question, on_token=tokens.append)
    assert tokens == []


def test_on_token_is_keyword_only(assistant: Assistant) -> None:
    with pytest.raises(TypeError):
        assistant.ask(QUESTION, None, None, print)  # type: ignore[misc]


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("PRODAI_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("PRODAI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PRODAI_RETRIEVAL__MIN_DENSE_SCORE", "0.05")
    monkeypatch.setattr(core, "make_embedder", lambda settings: FakeEmbedder())


@pytest.fixture
def llm_cli(cli_env: None, monkeypatch: pytest.MonkeyPatch, assistant: Assistant) -> str:
    """`prodai` with PRODAI_LLM set and LangChain's fake chat model behind it; the reply."""
    reply = f"{XOPS_SENTENCE} [{xops_marker(assistant)}]."
    monkeypatch.setenv("PRODAI_LLM", "openai:fake")
    monkeypatch.setattr(
        "prodai_assistant.answering.llm.init_chat", lambda settings: fake_chat(reply, reply)
    )
    return reply


def test_ask_streams_a_dimmed_draft_then_prints_the_verified_answer(
    llm_cli: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert err.startswith(core.Draft.LABEL) and llm_cli in err
    assert core.Draft.DONE in err and err.index(llm_cli) < err.index(core.Draft.DONE)
    assert "Draft" not in out and out.startswith("xOps is an umbrella term")
    assert "\nSources:\n[1] Glossary" in out


def test_ask_json_has_no_draft_and_only_the_answer_json(
    llm_cli: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", QUESTION, "--json"]) == 0
    out, err = capsys.readouterr()
    answer = Answer.model_validate_json(out)
    assert out == answer.model_dump_json(indent=2) + "\n" and answer.backend == "llm"
    assert "Draft" not in err and llm_cli not in err


def test_chat_streams_each_turn(llm_cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.StringIO(f"{QUESTION}\n{QUESTION}\n")
    assert core.cmd_chat(build_parser().parse_args(["chat"]), stdin=stdin) == 0
    out, err = capsys.readouterr()
    assert err.count(core.Draft.LABEL) == 2 and out.count("Sources:") == 2


def test_extractive_ask_prints_no_draft(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", QUESTION]) == 0
    _, err = capsys.readouterr()
    assert "Draft" not in err


# ---------------------------------------------------------------- the Draft printer


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draft_is_dimmed_on_a_terminal_and_reset_after() -> None:
    screen = Terminal()
    draft = core.Draft(screen)
    draft("Hello ")
    draft("world")
    draft.finish()
    text = screen.getvalue()
    assert re.fullmatch(
        rf"{re.escape(core.Draft.LABEL)}\n\x1b\[2mHello world\x1b\[0m\n\n"
        rf"{re.escape(core.Draft.DONE)}\n",
        text,
    )


def test_draft_without_tokens_prints_nothing_and_plain_streams_have_no_escapes() -> None:
    quiet, plain = io.StringIO(), io.StringIO()
    core.Draft(quiet).finish()
    draft = core.Draft(plain)
    draft("x")
    draft.finish()
    assert quiet.getvalue() == "" and "\x1b" not in plain.getvalue()
