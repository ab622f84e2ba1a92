"""Conversations kept per browser under ``<data dir>/conversations``, one JSON file each.

A browser is known only by the random id it keeps in its own local storage; its folder is
named by a hash of that id, and every read or write goes through that folder, so no browser
can list, open or delete another's conversations, even knowing a conversation id. Ids are
checked against fixed patterns before they touch a path. Writes are atomic (write aside, then
rename), and each browser keeps its ``keep`` most recent conversations.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .chat import Conversation

CONVERSATION_ID = re.compile(r"[0-9a-f]{16}")
BROWSER_ID = re.compile(r"[0-9a-f]{32}")
FOLDER = "conversations"
log = logging.getLogger(__name__)


def valid_conversation_id(value: object) -> str | None:
    """``value`` when it is a well-formed conversation id, else None."""
    return value if isinstance(value, str) and CONVERSATION_ID.fullmatch(value) else None


def valid_browser_id(value: object) -> str | None:
    """``value`` when it is a well-formed browser id, else None."""
    return value if isinstance(value, str) and BROWSER_ID.fullmatch(value) else None


class ConversationSummary(BaseModel):
    """What the sidebar lists of a conversation."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    updated_at: datetime
    questions: int


class ConversationStore:
    """Save, load, list and delete one browser's conversations. Thread-safe."""

    def __init__(self, root: Path, *, keep: int = 50) -> None:
        self.root = root
        self.keep = keep
        self._lock = threading.Lock()

    def _folder(self, browser_id: str) -> Path:
        if valid_browser_id(browser_id) is None:
            raise ValueError("not a browser id")
        return self.root / hashlib.sha256(browser_id.encode()).hexdigest()[:32]

    def _file(self, browser_id: str, conversation_id: str) -> Path | None:
        if valid_conversation_id(conversation_id) is None:
            return None
        return self._folder(browser_id) / f"{conversation_id}.json"

    def save(self, browser_id: str, conversation: Conversation) -> None:
        """Write ``conversation`` (OSError when the disk refuses)."""
        path = self._file(browser_id, conversation.id)
        if path is None:
            raise ValueError("not a conversation id")
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as sink:
                    sink.write(conversation.model_dump_json())
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            self._prune(path.parent)

    def load(self, browser_id: str, conversation_id: str) -> Conversation | None:
        """This browser's conversation ``conversation_id``; None when absent or unreadable."""
        path = self._file(browser_id, conversation_id)
        if path is None or not path.is_file():
            return None
        try:
            return Conversation.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValidationError, ValueError):
            log.warning("conversation file %s is unreadable; ignoring it", path.name)
            return None

    def recent(self, browser_id: str, limit: int = 20) -> list[ConversationSummary]:
        """This browser's conversations, most recently changed first."""
        found = []
        for path in self._files(self._folder(browser_id))[:limit]:
            convo = self.load(browser_id, path.stem)
            if convo is not None and convo.entries:
                found.append(
                    ConversationSummary(
                        id=convo.id,
                        title=convo.title(),
                        updated_at=convo.updated_at,
                        questions=sum(e.role == "user" for e in convo.entries),
                    )
                )
        return sorted(found, key=lambda s: s.updated_at, reverse=True)

    def delete(self, browser_id: str, conversation_id: str) -> bool:
        """Remove one of this browser's conversations; False when there was none."""
        path = self._file(browser_id, conversation_id)
        if path is None or not path.is_file():
            return False
        with self._lock:
            path.unlink(missing_ok=True)
        return True

    def _files(self, folder: Path) -> list[Path]:
        if not folder.is_dir():
            return []
        files = [p for p in folder.glob("*.json") if valid_conversation_id(p.stem)]
        return sorted(files, key=_mtime, reverse=True)

    def _prune(self, folder: Path) -> None:
        for old in self._files(folder)[self.keep :]:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile (another tab deleted it)
        return 0.0


__all__ = [
    "BROWSER_ID",
    "CONVERSATION_ID",
    "FOLDER",
    "ConversationStore",
    "ConversationSummary",
    "valid_browser_id",
    "valid_conversation_id",
]
