"""The chat answer for a pasted project description: verdict, criteria, gaps, audience note."""

from __future__ import annotations

from collections.abc import Sequence

from ..labels import VERDICT_LABELS
from ..models import Assessment, Audience, Citation, Retrieved
from .lens import LENS_LABELS


def criteria_sources(citations: Sequence[Citation]) -> list[Retrieved]:
    """The rubric sections an assessment cites, listed as pinned by the classifier."""
    ids = list(dict.fromkeys(c.chunk_id for c in citations))
    return [
        Retrieved(chunk_id=cid, score=0.0, rank=rank, pinned=True, pinned_by="intent:assessment")
        for rank, cid in enumerate(ids, start=1)
    ]


def assessment_summary(
    assessment: Assessment, audience: Audience = "all"
) -> tuple[str, list[Citation]]:
    """Short markdown summary of an assessment; markers point at the criteria's definitions."""
    from ..scorecard import definition_citations  # the one numbering of a scorecard's sources

    citations, markers = definition_citations(assessment)
    lines = [
        f"**Verdict: {VERDICT_LABELS.get(assessment.verdict, assessment.verdict)}** "
        f"(maturity level {assessment.maturity_level}, {assessment.maturity_name}). "
        f"{assessment.reason}"
    ]
    if assessment.criteria:
        lines.append("")
        for criterion in assessment.criteria:
            number = markers.get(criterion.key)
            marker = f" [{number}]" if number is not None else ""
            lines.append(f"- **{criterion.name}**: {criterion.status}{marker}")
    if assessment.gaps:
        lines += ["", "**Gaps:**", *(f"- {gap}" for gap in assessment.gaps)]
    note = assessment.stakeholder_notes.get(audience)
    if note:
        lines += ["", f"**{LENS_LABELS[audience]}** {note}"]
    return "\n".join(lines), citations


__all__ = ["VERDICT_LABELS", "assessment_summary", "criteria_sources"]
