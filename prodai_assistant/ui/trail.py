"""The app's side of the audit trail: record answers and assessments, attach feedback, read stats.

Recording never costs the user their answer: if the store fails, the answer is still shown with
a warning that it was not recorded. Tests inject a store via ``st.session_state[AUDIT_KEY]``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import streamlit as st

from ..config import Settings
from ..errors import AuditError, ProdAIError
from ..models import Answer, Assessment
from . import services

if TYPE_CHECKING:
    from ..audit import AuditRecord, AuditStore, OpsStats

log = logging.getLogger(__name__)
NOT_RECORDED = "This result was not recorded in the audit trail: {reason}"


def audit_available() -> bool:
    """False when the audit package is not installed (the app then runs without a trail)."""
    try:
        import prodai_assistant.audit  # noqa: F401
    except ImportError:
        return False
    return True


@st.cache_resource(show_spinner=False)
def _open_store(data_dir: str, database_url: str, enabled: bool, _settings: Settings) -> AuditStore:
    from ..audit import open_audit_store

    return open_audit_store(_settings)


def store() -> AuditStore | None:
    """The session's injected store, else the shared one for the current settings."""
    injected = st.session_state.get(services.AUDIT_KEY)
    if injected is not None:
        return injected  # type: ignore[no-any-return]
    if not audit_available():
        return None
    cfg = services.settings()
    audit = cfg.audit
    return _open_store(str(cfg.data_dir), audit.database_url or "", audit.enabled, cfg)


def _corpus_hash() -> str:
    try:
        return services.assistant().status().corpus_hash
    except Exception:  # the hash is context, not a reason to lose the record
        return ""


def record_answer(
    answer: Answer, *, session_id: str, history: list[dict[str, str]], latency_ms: float
) -> str | None:
    """Store the record of one ask; its id, or None (with a warning shown) when that failed."""

    def build() -> AuditRecord:
        from ..audit import record_from_answer

        return record_from_answer(
            answer,
            settings=services.settings(),
            corpus_hash=_corpus_hash(),
            session_id=session_id,
            history=history,
            latency_ms=answer.latency_ms if answer.latency_ms is not None else latency_ms,
        )

    return _record(build)


def record_assessment(
    description: str,
    assessment: Assessment,
    *,
    session_id: str,
    latency_ms: float,
    quiet: bool = False,
) -> str | None:
    """Store the record of one classify; its id, or None (with a warning unless ``quiet``)."""

    def build() -> AuditRecord:
        from ..audit import record_from_assessment

        return record_from_assessment(
            description,
            assessment,
            settings=services.settings(),
            corpus_hash=_corpus_hash(),
            session_id=session_id,
            latency_ms=latency_ms,
        )

    return _record(build, quiet=quiet)


def _record(build: Callable[[], AuditRecord], *, quiet: bool = False) -> str | None:
    try:
        target = store()
        return None if target is None else target.record(build())
    except ProdAIError as exc:
        reason = str(exc)
        log.warning("writing an audit record failed: %s", exc)
    except Exception:
        reason = "an internal error (logged)"
        log.exception("writing an audit record failed")
    if not quiet:
        st.warning(NOT_RECORDED.format(reason=reason), icon=":material/edit_note:")
    return None


def save_feedback(record_id: str, score: int, comment: str | None, session_id: str) -> None:
    """Attach a thumbs up (+1) or down (-1) and an optional comment to an audit record."""
    target = store()
    if target is None:
        raise AuditError("Feedback cannot be stored: the audit trail is not installed.")
    target.add_feedback(record_id, score, comment, session_id=session_id)


def stats(since: datetime | None, until: datetime | None) -> OpsStats | None:
    """Operations figures for ``[since, until)``; None when there is no audit trail."""
    target = store()
    return None if target is None else target.stats(since, until)


__all__ = [
    "NOT_RECORDED",
    "audit_available",
    "record_answer",
    "record_assessment",
    "save_feedback",
    "stats",
    "store",
]
