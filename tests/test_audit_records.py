"""Audit record builders, redaction of whole records, and settings snapshots for replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from prodai_assistant import __version__
from prodai_assistant.audit import (
    AuditRecord,
    record_from_answer,
    record_from_assessment,
    redact_record,
    settings_snapshot,
)
from prodai_assistant.audit.bench import sample_answer
from prodai_assistant.config import Settings
from prodai_assistant.models import Assessment, Criterion, EvidenceSpan, GuardDecision


def make_assessment(verdict: str = "demo", evidence: str = "runs in a sandbox") -> Assessment:
    return Assessment.model_validate(
        {
            "verdict": verdict,
            "reason": "It has not left the sandbox.",
            "confidence": 0.8,
            "maturity_level": 0,
            "maturity_name": "concept or demo",
            "criteria": [
                Criterion(
                    key="deployed",
                    name="Deployed in real operations",
                    group="hallmark",
                    status="missing",
                    evidence=[EvidenceSpan(text=evidence, start=0, end=len(evidence))],
                    rationale="No live use.",
                )
            ],
        }
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        corpus_dir=tmp_path / "corpus",
        audit={"database_url": "postgresql://u:pw@127.0.0.1/db"},
    )


def test_record_from_answer_copies_every_field(settings: Settings) -> None:
    answer = sample_answer(3).model_copy(
        update={
            "refused": True,
            "refusal_reason": "out of scope",
            "model": "m",
            "guard": [GuardDecision(sentence="s", supported=True, action="kept")],
            "notices": ["rebuilt"],
        }
    )
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    record = record_from_answer(
        answer, settings=settings, corpus_hash="c0ffee", session_id="s1", history=history
    )
    assert record.kind == "ask"
    assert record.question == answer.question
    assert record.standalone_question == answer.standalone_question
    assert [t.model_dump() for t in record.history] == history
    assert record.audience == answer.audience == "cfo"
    assert record.retrieved == answer.retrieved and record.citations == answer.citations
    assert record.answer == answer.answer
    assert record.refused and record.refusal_reason == "out of scope"
    assert (record.intent, record.backend, record.model) == ("stakeholder", "extractive", "m")
    assert record.guard == answer.guard and record.notices == ["rebuilt"]
    assert record.latency_ms == answer.latency_ms
    assert record.corpus_hash == "c0ffee" and record.session_id == "s1"
    assert record.settings_hash == settings.fingerprint()
    assert record.version == __version__
    assert len(record.id) == 32 and record.created_at.tzinfo is not None


def test_latency_override_wins(settings: Settings) -> None:
    record = record_from_answer(sample_answer(), settings=settings, latency_ms=12.5)
    assert record.latency_ms == 12.5


def test_record_from_assessment(settings: Settings) -> None:
    assessment = make_assessment("production")
    record = record_from_assessment(
        "We run it daily.", assessment, settings=settings, latency_ms=7.0, session_id="s"
    )
    assert record.kind == "classify" and record.question == "We run it daily."
    assert record.verdict == "production" and record.answer == assessment.reason
    assert record.latency_ms == 7.0 and record.settings_hash == settings.fingerprint()


def test_snapshot_leaves_out_paths_and_the_audit_section(settings: Settings) -> None:
    snapshot = settings_snapshot(settings)
    assert not {"data_dir", "corpus_dir", "audit"} & set(snapshot)
    assert snapshot["retrieval"]["k"] == settings.retrieval.k
    assert "pw" not in str(snapshot)


def test_redact_record_reaches_nested_fields(settings: Settings) -> None:
    email = "cfo@example.com"
    answer = sample_answer().model_copy(
        update={"question": f"mail {email}", "answer": f"sent to {email}", "notices": [email]}
    )
    record = record_from_answer(
        answer,
        settings=settings,
        history=[{"role": "user", "content": f"I am {email}"}],
    )
    record = record.model_copy(update={"assessment": make_assessment(evidence=f"owner {email}")})
    clean = redact_record(record)
    assert email not in clean.model_dump_json()
    assert clean.assessment is not None
    assert clean.assessment.criteria[0].evidence[0].text == "owner [REDACTED:email]"
    assert (clean.id, clean.created_at, clean.kind) == (record.id, record.created_at, record.kind)


def test_created_at_is_normalised_to_utc() -> None:
    paris = timezone(timedelta(hours=2))
    record = AuditRecord(
        kind="ask", question="q", created_at=datetime(2025, 6, 1, 12, tzinfo=paris)
    )
    assert record.created_at == datetime(2025, 6, 1, 10, tzinfo=UTC)
    assert record.created_at.utcoffset() == timedelta(0)
    naive = AuditRecord(kind="ask", question="q", created_at=datetime(2025, 6, 1, 12))
    assert naive.created_at.hour == 12 and naive.created_at.tzinfo is not None


def test_record_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="extra"):
        AuditRecord.model_validate({"kind": "ask", "question": "q", "colour": "red"})
