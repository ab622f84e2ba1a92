"""The audit trail of `prodai ask` and `prodai chat`: one record per answer, one session per run.

Auditing must never cost the user an answer, nor switch itself off unnoticed: a store that cannot be
opened prints one warning line on stderr and the run carries on without a trail; a write that fails
prints one warning line for that answer, and the next answer is written again.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import IO, Any

from ..audit import AuditStore, open_audit_store, record_from_answer
from ..config import Settings
from ..models import Answer, Turn

SESSION_ID = uuid.uuid4().hex  # every answer of one `prodai` process shares it


class AnswerTrail:
    """Records answers in the store ``settings.audit`` names; does nothing when auditing is off."""

    def __init__(
        self,
        settings: Settings,
        store: AuditStore | None,
        *,
        corpus_hash: str = "",
        warnings: IO[str] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.corpus_hash = corpus_hash
        self.warnings = warnings
        self.recorded: list[str] = []

    @classmethod
    def open(
        cls, settings: Settings, *, corpus_hash: str = "", warnings: IO[str] | None = None
    ) -> AnswerTrail:
        """The trail for ``settings``; a store that fails to open is one warning, no trail."""
        store: AuditStore | None = None
        if settings.audit.enabled:
            try:
                store = open_audit_store(settings)
            except Exception as exc:  # auditing must never cost the user their answer
                warn(exc, warnings)
        return cls(settings, store, corpus_hash=corpus_hash, warnings=warnings)

    def record(self, answer: Answer, history: Sequence[Mapping[str, Any]] = ()) -> str | None:
        """Store one answer with the conversation before it; the record id, or None."""
        if self.store is None:
            return None
        try:
            record = record_from_answer(
                answer,
                settings=self.settings,
                corpus_hash=self.corpus_hash,
                session_id=SESSION_ID,
                history=[Turn.model_validate(turn) for turn in history],
            )
            record_id = self.store.record(record)
        except Exception as exc:  # this answer is not recorded; the next one is tried again
            warn(exc, self.warnings)
            return None
        self.recorded.append(record_id)
        return record_id

    def close(self) -> None:
        store, self.store = self.store, None
        try:
            if store is not None:
                store.close()
        except Exception as exc:  # what was recorded is already committed
            warn(exc, self.warnings)

    def __enter__(self) -> AnswerTrail:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def warn(exc: BaseException, stream: IO[str] | None = None) -> None:
    """One line on stderr: the trail failed, the answer did not."""
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    print(
        f"warning: the audit trail failed ({reason}); the answer is not recorded",
        file=stream or sys.stderr,
    )


__all__ = ["SESSION_ID", "AnswerTrail", "warn"]
