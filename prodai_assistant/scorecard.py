"""One scorecard, rendered three ways from the same view of an Assessment: terminal text (the
CLI), Markdown (the app and its download) and JSON (exactly the Assessment).

``scorecard_view`` builds the view; ``templates/scorecard.txt.j2`` and ``scorecard.md.j2``
lay it out (Jinja2, autoescaped for Markdown; see ``rendering.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .labels import audience_label, verdict_label
from .models import AUDIENCES, Assessment, Citation, Criterion
from .rendering import render

STATUS_MARKS = {"evidenced": "[+]", "partial": "[~]", "missing": "[ ]", "contradicted": "[x]"}


@dataclass(frozen=True)
class CriterionRow:
    """One criterion as every rendering shows it."""

    marker: int | None  # its [n] in Sources, when it cites the corpus
    mark: str  # [+] [~] [ ] [x]
    criterion: Criterion

    @property
    def quotes(self) -> list[str]:
        return [span.text for span in self.criterion.evidence]


@dataclass(frozen=True)
class ScorecardView:
    """Everything a scorecard shows, in the order it shows it."""

    assessment: Assessment
    verdict_code: str  # PRODUCTION, DEMO, NOT ASSESSABLE
    verdict_label: str  # Production AI, Still a demo, Not assessable
    rows: list[CriterionRow]
    notes: list[tuple[str, str]]  # (audience label, note), the chosen lens first
    sources: list[Citation]
    description: str | None = None


def scorecard_view(
    assessment: Assessment, description: str | None = None, lens: str | None = None
) -> ScorecardView:
    """The view all renderings share; ``lens`` puts that audience's note first."""
    rows, sources = [], []
    for number, criterion in enumerate(assessment.criteria, start=1):
        marker = number if criterion.citation else None
        rows.append(CriterionRow(marker, STATUS_MARKS.get(criterion.status, "[?]"), criterion))
        if criterion.citation is not None:
            sources.append(criterion.citation.model_copy(update={"marker": number}))
    return ScorecardView(
        assessment=assessment,
        verdict_code=assessment.verdict.upper().replace("_", " "),
        verdict_label=verdict_label(assessment.verdict),
        rows=rows,
        notes=_notes(assessment.stakeholder_notes, lens),
        sources=sources,
        description=description,
    )


def _notes(notes: Mapping[str, str], lens: str | None) -> list[tuple[str, str]]:
    order: dict[str, int] = {key: i for i, key in enumerate(AUDIENCES)}
    keys = sorted(notes, key=lambda k: (k != lens, order.get(k, len(order)))) if lens else notes
    return [(audience_label(key), notes[key]) for key in keys]


def render_text(assessment: Assessment) -> str:
    """The CLI scorecard: 100 columns, criteria with marks, gaps, next steps, notes, sources."""
    return render("scorecard.txt.j2", card=scorecard_view(assessment))


def render_markdown(
    assessment: Assessment, description: str | None = None, lens: str | None = None
) -> str:
    """The scorecard as a Markdown document (the app's download; HTML in any text is escaped)."""
    return render("scorecard.md.j2", card=scorecard_view(assessment, description, lens)) + "\n"


def render_json(assessment: Assessment) -> str:
    """The JSON download: exactly the Assessment, as `prodai classify --json` prints it."""
    return assessment.model_dump_json(indent=2)


__all__ = [
    "STATUS_MARKS",
    "CriterionRow",
    "ScorecardView",
    "render_json",
    "render_markdown",
    "render_text",
    "scorecard_view",
]
