"""`prodai index|ask|chat|sources` through cli.main, on the repo corpus with FakeEmbedder."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from prodai_assistant.cli import core, main
from prodai_assistant.models import Answer
from prodai_assistant.testing import FakeEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-data")


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Point the CLI at the repo corpus, a temp data dir and the hashed fake embedder."""
    monkeypatch.setenv("PRODAI_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("PRODAI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PRODAI_RETRIEVAL__MIN_DENSE_SCORE", "0.05")
    monkeypatch.setattr(core, "make_embedder", lambda settings: FakeEmbedder())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_index_reports_counts_then_embeds_nothing_when_unchanged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "index", "--rebuild")
    assert code == 0 and out.startswith("Indexed 13 documents")
    assert "removed 0" in out and "embedded 0" not in out
    code, out, _ = run(capsys, "index")
    assert code == 0 and "(embedded 0, removed 0)" in out


def test_ask_json_prints_exactly_the_answer_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "What is xOps?", "--json")
    answer = Answer.model_validate_json(out)
    assert code == 0 and out == answer.model_dump_json(indent=2) + "\n"
    assert answer.intent == "glossary" and answer.citations


def stdin_bytes(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_ask_dash_reads_the_question_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin_bytes(monkeypatch, "\ufeffWhat is xOps?\n".encode())
    code, out, _ = run(capsys, "ask", "-", "--json")
    answer = Answer.model_validate_json(out)
    assert code == 0 and answer.question == "What is xOps?" and answer.citations


def test_ask_dash_refuses_stdin_that_is_not_utf8(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin_bytes(monkeypatch, b"What is \xff?")
    assert run(capsys, "ask", "-") == (
        2,
        "",
        "error: Standard input is not UTF-8 text; save it as UTF-8 and try again.\n",
    )


def test_a_question_argument_is_used_as_it_is() -> None:
    assert core.read_question("What is xOps?", stdin=io.BytesIO(b"ignored")) == "What is xOps?"
    assert core.read_question("-", stdin=io.BytesIO(b"From stdin?")) == "From stdin?"


def test_ask_prints_answer_then_numbered_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "What are the four hallmarks of Production AI?")
    body, sources = out.split("\nSources:\n")
    assert code == 0 and "[1]" in body
    lines = sources.splitlines()
    assert lines[0].startswith("[1] The four hallmarks of Production AI / ")
    assert lines[1].startswith('    "') and lines[1].endswith('"')


def test_ask_with_audience(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "ask", "What is the bottom line test?", "--audience", "cfo", "--json"
    )
    assert code == 0 and Answer.model_validate_json(out).audience == "cfo"


def test_ask_with_history_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps([{"role": "user", "content": "How should I explain Production AI to the CFO?"}])
    )
    code, out, _ = run(
        capsys, "ask", "And what about the CTO?", "--history", str(history), "--json"
    )
    answer = Answer.model_validate_json(out)
    assert code == 0
    assert answer.standalone_question == "How should I explain Production AI to the CTO?"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", ""], "Ask a question"),
        (["ask", "What is xOps?", "--audience", "boss"], "Unknown audience 'boss'"),
        (["ask", "What is xOps?", "--history", "/nonexistent/h.json"], "Cannot read the history"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "is not JSON"), ('{"role": "user"}', "must hold a JSON list")],
)
def test_bad_history_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    history = tmp_path / "h.json"
    history.write_text(content)
    code, _, err = run(capsys, "ask", "What is xOps?", "--history", str(history))
    assert code == 2 and message in err


def test_bad_setting_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODAI_RETRIEVAL__K", "many")
    code, _, err = run(capsys, "ask", "What is xOps?")
    assert code == 2 and "retrieval.k" in err and err.count("\n") == 1


def test_chat_keeps_history_and_handles_commands(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script = "\n".join(
        [
            "How should I explain Production AI to the CFO?",
            "And what about the CTO?",
            "/audience boss",
            "/audience cfo",
            "/new",
            "",
            "What is the bottom line test?",
            "/quit",
            "What is xOps?",
        ]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(script + "\n"))
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert "Production AI for the CTO" in out  # the follow-up was answered for the CTO
    assert "error: unknown audience 'boss'" in out
    assert "Audience set to cfo." in out and "Started a new conversation." in out
    assert "Production AI for the CFO / " in out.split("Started a new conversation.")[1]
    assert "xOps is an umbrella term" not in out  # nothing after /quit


def test_chat_reports_bad_input_and_goes_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("x" * 5000 + "\nWhat is xOps?\n"))
    code, out, _ = run(capsys, "chat")
    assert code == 0 and "error: The question is 5000 characters long" in out
    assert "Sources:" in out


def test_sources_lists_documents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sources")
    assert code == 0
    assert "four-hallmarks  [all]  The four hallmarks of Production AI" in out
    assert "stakeholder-cfo  [cfo]" in out and "    source: " in out


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/quit", "quit"),
        ("/exit", "quit"),
        ("/new", "new"),
        ("/audience cto", "audience:cto"),
        ("/audience all", "audience:"),
        ("/help", "help"),
        ("/what", "help"),
    ],
)
def test_chat_command(command: str, expected: str) -> None:
    assert core.chat_command(command) == expected
