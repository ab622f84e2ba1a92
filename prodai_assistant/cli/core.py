"""`prodai index`, `prodai ask`, `prodai chat`, `prodai sources`: thin wrappers over the API."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..config import Settings
from ..errors import InputError
from ..fileio import MAX_FILE_BYTES, read_bounded
from ..models import AUDIENCES, Answer
from ..validation import RAW_FACTOR

if TYPE_CHECKING:
    from ..answering import AnswerBackend
    from ..assistant import Assistant
    from ..embeddings import Embedder
    from .trail import AnswerTrail

_CHUNK_CHARS = 1024 * 1024
CHAT_HELP = (
    "Type a question. Commands: /audience all|ceo|cfo|cto|lob, /new (forget the conversation), "
    "/help, /quit."
)


def register(subparsers: Any) -> None:
    """Add the core sub-commands to the `prodai` parser."""
    index = subparsers.add_parser("index", help="build or update the index of the corpus")
    index.add_argument("--rebuild", action="store_true", help="re-embed every chunk from scratch")
    index.set_defaults(func=cmd_index)

    ask = subparsers.add_parser("ask", help="answer one question with citations")
    ask.add_argument("question", help="the question, in quotes, or - to read it from stdin")
    ask.add_argument("--audience", help="frame the answer for: " + ", ".join(AUDIENCES))
    ask.add_argument("--history", type=Path, metavar="FILE", help="JSON list of earlier turns")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.set_defaults(func=cmd_ask)

    chat = subparsers.add_parser("chat", help="an interactive conversation (reads stdin)")
    chat.add_argument("--audience", help="starting lens: " + ", ".join(AUDIENCES))
    chat.set_defaults(func=cmd_chat)

    sources = subparsers.add_parser("sources", help="list the documents of the knowledge base")
    sources.set_defaults(func=cmd_sources)


# ---------------------------------------------------------------------- commands


def cmd_index(args: argparse.Namespace) -> int:
    from ..index import VectorIndex

    settings = Settings.load()
    started = time.perf_counter()
    index = VectorIndex(settings, make_embedder(settings))
    status = index.build(rebuild=args.rebuild, progress=progress_printer())
    seconds = time.perf_counter() - started
    print_notes(index.notices)
    print(
        f"Indexed {status.documents} documents, {status.chunks} chunks "
        f"(embedded {status.embedded}, removed {status.removed}) in {seconds:.1f} s "
        f"-> {status.path}"
    )
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    question = read_question(args.question)
    history = read_history(args.history) if args.history else None
    assistant = open_assistant()
    draft = None if args.json else Draft.for_backend(assistant.backend)
    answer = assistant.ask(question, history=history, audience=args.audience, on_token=draft)
    if draft is not None:
        draft.finish()
    if args.json:
        print(answer.model_dump_json(indent=2), flush=True)
    else:
        print(format_answer(answer), flush=True)
        print_notices(answer)
    with open_trail(assistant) as trail:
        trail.record(answer, history or [])
    return 0


def cmd_chat(args: argparse.Namespace, stdin: IO[str] | None = None) -> int:
    from ..assistant import validate_audience

    stream = stdin or sys.stdin
    if isinstance(stream, io.TextIOWrapper):  # undecodable bytes become U+FFFD, not a traceback
        stream.reconfigure(errors="replace")
    audience: str | None = validate_audience(args.audience)
    assistant = open_assistant()
    with open_trail(assistant) as trail:
        return _converse(assistant, trail, stream, audience)


def _converse(
    assistant: Assistant, trail: AnswerTrail, stream: IO[str], audience: str | None
) -> int:
    """The chat loop: read a line, run a command or answer it, record the turn."""
    interactive = stream.isatty()
    history: list[dict[str, str]] = []
    if interactive:
        print(CHAT_HELP)
    while True:
        if interactive:
            print(f"\n[{audience or 'all'}] you> ", end="", flush=True)
        try:
            line = read_line(stream, RAW_FACTOR * assistant.settings.max_question_chars)
        except LineTooLongError as exc:
            print(f"error: {exc}")
            continue
        if line is None:
            return 0
        text = line.strip()
        if not text:
            continue
        if text.startswith("/"):
            outcome = chat_command(text)
            if outcome == "quit":
                return 0
            if outcome == "new":
                history.clear()
            elif outcome.startswith("audience:"):
                audience = outcome.split(":", 1)[1] or None
            continue
        draft = Draft.for_backend(assistant.backend)
        try:
            answer = assistant.ask(text, history=history, audience=audience, on_token=draft)
        except InputError as exc:
            print(f"error: {exc}")
            continue
        finally:
            if draft is not None:
                draft.finish()
        print(format_answer(answer), flush=True)
        print_notices(answer)
        trail.record(answer, history)
        history += [
            {"role": "user", "content": text},
            {"role": "assistant", "content": answer.answer},
        ]


class LineTooLongError(InputError):
    """One line of a conversation is too long; it was skipped and the chat goes on."""


def read_line(stream: IO[str], limit: int) -> str | None:
    """The next line of ``stream`` (None at its end), read at most ``limit`` characters at once.

    A longer line is read past in bounded pieces and raises LineTooLongError; a "line" of more
    than MAX_FILE_BYTES characters (binary data, /dev/zero) ends the conversation with an error.
    """
    line = stream.readline(limit + 1)
    if not line:
        return None
    if len(line) <= limit or line.endswith("\n"):
        return line
    skipped = len(line)
    while not line.endswith("\n"):
        line = stream.readline(_CHUNK_CHARS)
        skipped += len(line)
        if not line:
            break
        if skipped > MAX_FILE_BYTES:
            raise InputError(
                f"Standard input has a line of more than {MAX_FILE_BYTES:,} characters: "
                "pipe in text, one question per line."
            )
    raise LineTooLongError(
        f"That line is longer than {limit:,} characters, so it was skipped: shorten the "
        "question, or use `prodai classify FILE` for a long project description."
    )


def cmd_sources(args: argparse.Namespace) -> int:
    from ..corpus import load_corpus

    settings = Settings.load()
    for doc in load_corpus(settings.corpus_dir):
        print(f"{doc.doc_id}  [{doc.audience}]  {doc.title}")
        for source in doc.sources:
            where = f" <{source.url}>" if source.url else ""
            publisher = f" ({source.publisher})" if source.publisher else ""
            print(f"    source: {source.title}{publisher}{where}")
    return 0


# ---------------------------------------------------------------------- helpers


class Draft:
    """Prints a generated answer's tokens to stderr as they arrive, labelled as a draft.

    The terminal cannot take the draft back, so it is dimmed (on a terminal) and labelled; the
    verified answer (after the fidelity guard) follows on stdout with its sources, and stdout
    carries nothing else. Only streaming (LLM) backends get a draft.
    """

    LABEL = "Draft (unverified, streaming):"
    DONE = "Verified answer (checked against the sources):"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.out = stream or sys.stderr
        self.tty = self.out.isatty()
        self.started = False

    @classmethod
    def for_backend(cls, backend: AnswerBackend, stream: IO[str] | None = None) -> Draft | None:
        from ..answering import streams

        return cls(stream) if streams(backend) else None

    def __call__(self, token: str) -> None:
        if not self.started:
            self.started = True
            print(self.LABEL, file=self.out)
            if self.tty:
                self.out.write("\x1b[2m")  # dim until finish()
        self.out.write(token)
        self.out.flush()

    def finish(self) -> None:
        """End the draft (if any token came) and announce the verified answer."""
        if not self.started:
            return
        self.started = False
        if self.tty:
            self.out.write("\x1b[0m")
        print(f"\n\n{self.DONE}", file=self.out, flush=True)


def chat_command(text: str) -> str:
    """'quit', 'new', 'audience:<key>' or 'help' for a slash command; prints feedback."""
    name, _, value = text[1:].partition(" ")
    name, value = name.lower(), value.strip().lower()
    if name in {"quit", "exit", "q"}:
        return "quit"
    if name == "new":
        print("Started a new conversation.")
        return "new"
    if name == "audience":
        if value not in AUDIENCES:
            print(f"error: unknown audience {value!r}: use one of {', '.join(AUDIENCES)}.")
            return "help"
        print(f"Audience set to {value}.")
        return f"audience:{'' if value == 'all' else value}"
    print(CHAT_HELP)
    return "help"


def format_answer(answer: Answer) -> str:
    """The answer text, then a numbered Sources list with title, section and quote."""
    lines = [answer.answer]
    if answer.citations:
        lines += ["", "Sources:"]
        for citation in answer.citations:
            lines.append(f"[{citation.marker}] {citation.title} / {citation.section}")
            lines.append(f'    "{" ".join(citation.quote.split())}"')
    return "\n".join(lines)


def print_notices(answer: Answer) -> None:
    print_notes(answer.notices)


def print_notes(notices: list[str]) -> None:
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)


def read_question(argument: str, stdin: IO[bytes] | None = None) -> str:
    """The question as given, or all of stdin (UTF-8) when it is '-'."""
    if argument != "-":
        return argument
    from .classify import read_text  # one stdin reader for every command

    return read_text("-", stdin)


def read_history(path: Path) -> list[dict[str, Any]]:
    """A JSON list of {"role", "content"} turns from a file; InputError when unusable."""
    raw = read_bounded(path, MAX_FILE_BYTES, name=f"the history file {str(path)!r}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(
            f"The history file {str(path)!r} is not JSON: it must hold a list of "
            '{"role": "user"|"assistant", "content": "..."} objects.'
        ) from None
    if not isinstance(data, list):
        raise InputError(f"The history file {str(path)!r} must hold a JSON list of turns.")
    return data


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the commands use (tests substitute a fake here)."""
    from ..embeddings import make_embedder as from_settings

    return from_settings(settings)


def open_trail(assistant: Assistant) -> AnswerTrail:
    """The audit trail for this process's answers (nothing is recorded when auditing is off)."""
    from .trail import AnswerTrail

    return AnswerTrail.open(assistant.settings, corpus_hash=assistant.status().corpus_hash)


def open_assistant() -> Assistant:
    from ..assistant import Assistant

    settings = Settings.load()
    assistant = Assistant.from_settings(
        settings, embedder=make_embedder(settings), progress=progress_printer()
    )
    print_notes(assistant.index.notices)  # once per run, not after every answer
    return assistant


def progress_printer(stream: IO[str] | None = None) -> Any:
    """A progress callback that writes 'stage done/total' lines to stderr."""
    out = stream or sys.stderr

    def report(stage: str, done: int, total: int) -> None:
        if out.isatty():
            end = "\n" if done >= total else ""
            print(f"\r{stage}: {done}/{total}", end=end, file=out, flush=True)
        elif done >= total:
            print(f"{stage}: {done}/{total}", file=out)

    return report


__all__ = [
    "Draft",
    "LineTooLongError",
    "chat_command",
    "cmd_ask",
    "cmd_chat",
    "cmd_index",
    "cmd_sources",
    "format_answer",
    "read_history",
    "read_line",
    "read_question",
    "register",
]
