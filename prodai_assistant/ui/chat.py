"""A chat conversation as plain data: entries, the history the assistant sees, Markdown export.

The app keeps the open ``Conversation`` in ``st.session_state`` and a copy of each one in the
conversation store (``convstore``), so a reload brings it back; nothing here touches Streamlit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from ..labels import framed_for, verdict_label
from ..models import Answer, Audience, Role

STARTER_QUESTIONS = (
    "What is Production AI?",
    "What are the four hallmarks of Production AI?",
    "How should I explain Production AI to the CFO?",
    "What is the difference between a pilot and production?",
)
TITLE_CHARS = 60


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def new_conversation_id() -> str:
    """16 hex characters: the id a conversation is known by in the URL and the store."""
    return uuid.uuid4().hex[:16]


def _now() -> datetime:
    return datetime.now(UTC)


class ChatEntry(BaseModel):
    """One message: a user question, or the assistant's answer (or the error shown instead)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    role: Role
    content: str = Field(description="What was typed, or the answer text shown.")
    answer: Answer | None = None
    error: str | None = Field(default=None, description="Friendly message shown instead.")
    record_id: str | None = Field(default=None, description="Audit record the answer is in.")
    feedback: int | None = Field(default=None, description="Thumbs given: 1 up, 0 down.")
    comment_saved: bool = False
    feedback_error: str | None = None


class Conversation(BaseModel):
    """The messages of one conversation, oldest first, and the lens it was held in."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_conversation_id)
    session_id: str = Field(
        default_factory=lambda: uuid.uuid4().hex, description="Audit-trail session id."
    )
    lens: Audience = "all"
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    entries: list[ChatEntry] = Field(default_factory=list)

    def add_question(self, text: str) -> ChatEntry:
        return self._add(ChatEntry(role="user", content=text))

    def add_answer(
        self, answer: Answer, record_id: str | None = None, *, entry_id: str | None = None
    ) -> ChatEntry:
        entry = ChatEntry(
            id=entry_id or new_id(),
            role="assistant",
            content=answer.answer,
            answer=answer,
            record_id=record_id,
        )
        return self._add(entry)

    def add_error(self, message: str) -> ChatEntry:
        return self._add(ChatEntry(role="assistant", content=message, error=message))

    def _add(self, entry: ChatEntry) -> ChatEntry:
        self.entries.append(entry)
        self.updated_at = _now()
        return entry

    def pending(self) -> ChatEntry | None:
        """The last question when nothing has answered it yet (asked while the app prepared)."""
        last = self.entries[-1] if self.entries else None
        return last if last is not None and last.role == "user" else None

    def title(self) -> str:
        """The first question, shortened to one line: how the sidebar lists the conversation."""
        first = next((e.content for e in self.entries if e.role == "user"), "New chat")
        line = " ".join(first.split())
        return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"

    def history(self) -> list[dict[str, str]]:
        """Turns for ``Assistant.ask``: answered questions only; failed ones are left out."""
        turns: list[dict[str, str]] = []
        for question, reply in zip(self.entries, self.entries[1:], strict=False):
            if question.role == "user" and reply.role == "assistant" and reply.error is None:
                turns += [
                    {"role": "user", "content": question.content},
                    {"role": "assistant", "content": reply.content},
                ]
        return turns

    def find(self, entry_id: str) -> ChatEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


def conversation_markdown(conversation: Conversation, *, now: datetime | None = None) -> str:
    """The conversation as a Markdown document, with each answer's sources listed under it."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Conversation with the Production AI assistant", "", f"Exported {stamp}."]
    for entry in conversation.entries:
        lines += ["", "## You" if entry.role == "user" else "## Assistant", ""]
        if entry.role == "user":
            lines += [f"> {line}" if line else ">" for line in entry.content.splitlines()]
        elif entry.answer is not None:
            lines += _answer_lines(entry.answer)
        else:
            lines.append(f"*{entry.content}*")
    return "\n".join(lines) + "\n"


def _answer_lines(answer: Answer) -> list[str]:
    lines = []
    framing = framed_for(answer.audience, answer.audiences)
    if framing:
        lines += [f"*{framing}*", ""]
    lines.append(answer.answer)
    if answer.assessment is not None:
        verdict = verdict_label(answer.assessment.verdict)
        lines += ["", f"**Verdict:** {verdict} ({answer.assessment.confidence:.0%} confidence)"]
    if answer.citations:
        lines += ["", "Sources:", ""]
        for c in answer.citations:
            quote = " ".join(c.quote.split())
            lines.append(f"{c.marker}. {c.title}, *{c.section}*: “{quote}”")
    return lines


__all__ = [
    "STARTER_QUESTIONS",
    "ChatEntry",
    "Conversation",
    "conversation_markdown",
    "new_conversation_id",
    "new_id",
]
