"""Scorecard rows and evidence spans built by hand, for the render and scorecard tests."""

from __future__ import annotations

from prodai_assistant.models import Criterion, EvidenceSpan


def criterion(*spans: EvidenceSpan, name: str = "Deployed", key: str = "deployed") -> Criterion:
    """An evidenced hallmark row quoting ``spans``."""
    return Criterion(
        key=key, name=name, group="hallmark", status="evidenced", evidence=list(spans),
        rationale="r",
    )  # fmt: skip


def span(text: str, sub: str, polarity: str = "positive") -> EvidenceSpan:
    """The first occurrence of ``sub`` in ``text`` as an evidence span."""
    start = text.index(sub)
    return EvidenceSpan(text=sub, start=start, end=start + len(sub), polarity=polarity)  # type: ignore[arg-type]
