"""One scorecard, rendered four ways from the same view of an Assessment: terminal text (the
CLI), HTML (the app's page), Markdown (the app's download) and JSON (exactly the Assessment).

``scorecard_view`` builds the view: every word, number, colour and order a rendering shows is
decided here, once. ``templates/scorecard.txt.j2``, ``scorecard.html.j2`` and ``scorecard.md.j2``
only lay it out (Jinja2, autoescaped for HTML and Markdown; see ``rendering.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .labels import audience_label, verdict_label
from .models import AUDIENCES, Assessment, Citation, Criterion
from .rendering import render

STATUS_MARKS = {"evidenced": "[+]", "partial": "[~]", "missing": "[ ]", "contradicted": "[x]"}
STATUS_LABELS = {
    "evidenced": "Evidenced",
    "partial": "Partly evidenced",
    "missing": "Missing",
    "contradicted": "Contradicted",
}
STATUS_COLORS = {
    "evidenced": "#c8f2d0",
    "partial": "#fff1b8",
    "missing": "#eceff3",
    "contradicted": "#ffd6d6",
}
GROUP_LABELS = {"hallmark": "Hallmark", "bottom_line": "Bottom-line test"}
# One light colour per criterion, hues far apart so two overlapping ones stay distinguishable.
PALETTE = (
    "#a9cfff", "#b7e6a5", "#ffd27a", "#f4b3d3", "#9fe0d8", "#ffb98f", "#c9b6f2", "#d8d89a",
)  # fmt: skip
MATURITY_MEANINGS = {
    0: "An idea, notebook or hackathon entry: no real users yet.",
    1: "A time-limited pilot with real data or users, deployed by hand, no monitoring or owner.",
    2: "In sustained live use, built into the workflow, monitored and owned: the lowest level "
    "that can be Production AI.",
    3: "Operated: automated checks, alerts on quality or drift, an on-call rota and governance "
    "sign-off.",
    4: "Optimised: production signals trigger retraining or evaluation; full lineage and an "
    "audited, recurring return.",
}
NOT_ASSESSED = "Not assessed: the text does not say enough about an AI project to place it."
HTML_PARTS = ("summary", "criteria", "legend", "notes")

_VERDICT_OPENERS = ("Production AI: ", "Demo, not Production AI: ", "Not assessable: ")
_STATUS_OPENERS = ("evidenced: ", "partly evidenced: ", "partial: ", "missing: ", "contradicted: ")


def colours(criteria: Sequence[Criterion]) -> dict[str, str]:
    """A distinct highlight colour per criterion key, in scorecard order."""
    return {c.key: PALETTE[i % len(PALETTE)] for i, c in enumerate(criteria)}


@dataclass(frozen=True)
class EvidenceMark:
    """One piece of a criterion's evidence, where it is in the description."""

    start: int
    end: int
    polarity: str
    key: str
    name: str


def evidence_marks(text: str, criteria: Sequence[Criterion]) -> list[EvidenceMark]:
    """Evidence spans that really are substrings of ``text`` at their offsets; others dropped."""
    marks = []
    for c in criteria:
        for span in c.evidence:
            if 0 <= span.start < span.end <= len(text) and text[span.start : span.end] == span.text:
                marks.append(EvidenceMark(span.start, span.end, span.polarity, c.key, c.name))
    return marks


def lead(assessment: Assessment) -> str:
    """The reason without an opening that repeats the headline ("Demo, not Production AI: ")."""
    return _drop_opener(assessment.reason, _VERDICT_OPENERS, case=True)


def why(criterion: Criterion) -> str:
    """The rationale without an opening that repeats the status shown beside it."""
    return _drop_opener(criterion.rationale, _STATUS_OPENERS, case=False)


def _drop_opener(text: str, openers: Sequence[str], *, case: bool) -> str:
    for opener in openers:
        start = text if case else text.lower()
        if start.startswith(opener) and len(text) > len(opener):
            rest = text[len(opener) :]
            return rest[:1].upper() + rest[1:]
    return text


def confidence_meaning(confidence: float) -> str:
    if confidence >= 0.85:
        return "High: your text is clear on the points that decide it."
    if confidence >= 0.6:
        return "Fair: some of the deciding points are only partly clear."
    return "Low: your text leaves the deciding points open."


def maturity_meaning(assessment: Assessment) -> str:
    if assessment.verdict == "not_assessable":
        return NOT_ASSESSED
    return MATURITY_MEANINGS.get(assessment.maturity_level, assessment.maturity_name)


def maturity_figure(assessment: Assessment) -> str:
    """'Level 2 of 4 · deployed'."""
    if assessment.verdict == "not_assessable":
        return "Not assessed"
    return f"Level {assessment.maturity_level} of 4 · {assessment.maturity_name}"


def definition_citations(
    assessment: Assessment, citations: Sequence[Citation] | None = None
) -> tuple[list[Citation], dict[str, int]]:
    """The scorecard's sources, numbered; and each criterion's marker among them.

    ``citations`` are an answer's own (numbered by the assistant): they are the sources, and a
    criterion gets the marker of the one that is its definition. Without them the criteria's
    definitions are the sources, numbered here from 1, once per distinct quote.
    """
    found = list(citations or [])
    numbered: dict[tuple[str, str], int] = {(c.chunk_id, c.quote): c.marker for c in found}
    markers: dict[str, int] = {}
    for criterion in assessment.criteria:
        cite = criterion.citation
        if cite is None:
            continue
        key = (cite.chunk_id, cite.quote)
        if key not in numbered and citations is None:
            numbered[key] = len(numbered) + 1
            found.append(cite.model_copy(update={"marker": numbered[key]}))
        if key in numbered:
            markers[criterion.key] = numbered[key]
    return found, markers


@dataclass(frozen=True)
class CriterionRow:
    """One criterion as every rendering shows it."""

    marker: int | None  # its [n] in Sources, when it cites one
    mark: str  # [+] [~] [ ] [x]
    criterion: Criterion
    status_label: str  # Evidenced, Partly evidenced, Missing, Contradicted
    status_colour: str
    group_label: str  # Hallmark, Bottom-line test
    colour: str  # its evidence's highlight colour
    why: str  # the rationale without the status repeated
    in_text: bool  # some of its evidence is marked in the description

    @property
    def quotes(self) -> list[str]:
        return [span.text for span in self.criterion.evidence]

    @property
    def swatch(self) -> str:
        """Its colour beside its name, when it has evidence to colour."""
        return self.colour if self.criterion.evidence else "transparent"


@dataclass(frozen=True)
class ScorecardView:
    """Everything a scorecard shows, in the order it shows it."""

    assessment: Assessment
    verdict_code: str  # PRODUCTION, DEMO, NOT ASSESSABLE
    verdict_label: str  # Production AI, Still a demo, Can't assess this
    lead: str  # the reason, without the verdict repeated
    confidence_percent: str  # 90%
    confidence_meaning: str
    maturity_figure: str  # Level 2 of 4 · deployed
    maturity_meaning: str
    rows: list[CriterionRow]
    notes: list[tuple[str, str]]  # (audience label, note), the chosen lens first
    sources: list[Citation]
    description: str | None
    red_flag_in_text: bool  # a red flag or negated claim is marked in the description

    @property
    def legend(self) -> list[CriterionRow]:
        """The criteria whose evidence is marked in the description, each with its colour."""
        return [row for row in self.rows if row.in_text]


def scorecard_view(
    assessment: Assessment,
    description: str | None = None,
    lens: str | None = None,
    citations: Sequence[Citation] | None = None,
) -> ScorecardView:
    """The view all renderings share; ``lens`` puts that audience's note first; ``citations``
    (an answer's) number the sources as the answer does (see ``definition_citations``)."""
    sources, markers = definition_citations(assessment, citations)
    palette = colours(assessment.criteria)
    marks = evidence_marks(description, assessment.criteria) if description else []
    marked = {m.key for m in marks}
    rows = [
        CriterionRow(
            marker=markers.get(c.key),
            mark=STATUS_MARKS.get(c.status, "[?]"),
            criterion=c,
            status_label=STATUS_LABELS.get(c.status, c.status),
            status_colour=STATUS_COLORS.get(c.status, STATUS_COLORS["missing"]),
            group_label=GROUP_LABELS.get(c.group, c.group),
            colour=palette[c.key],
            why=why(c),
            in_text=c.key in marked,
        )
        for c in assessment.criteria
    ]
    return ScorecardView(
        assessment=assessment,
        verdict_code=assessment.verdict.upper().replace("_", " "),
        verdict_label=verdict_label(assessment.verdict),
        lead=lead(assessment),
        confidence_percent=f"{assessment.confidence:.0%}",
        confidence_meaning=confidence_meaning(assessment.confidence),
        maturity_figure=maturity_figure(assessment),
        maturity_meaning=maturity_meaning(assessment),
        rows=rows,
        notes=_notes(assessment.stakeholder_notes, lens),
        sources=sources,
        description=description,
        red_flag_in_text=any(m.polarity == "negative" for m in marks),
    )


def _notes(notes: Mapping[str, str], lens: str | None) -> list[tuple[str, str]]:
    order: dict[str, int] = {key: i for i, key in enumerate(AUDIENCES)}
    keys = sorted(notes, key=lambda k: (k != lens, order.get(k, len(order)))) if lens else notes
    return [(audience_label(key), notes[key]) for key in keys]


def render_text(assessment: Assessment) -> str:
    """The CLI scorecard: 100 columns, criteria with marks, gaps, next steps, notes, sources."""
    return render("scorecard.txt.j2", card=scorecard_view(assessment))


def render_markdown(
    assessment: Assessment,
    description: str | None = None,
    lens: str | None = None,
    citations: Sequence[Citation] | None = None,
) -> str:
    """The scorecard as a Markdown document (the app's download; HTML in any text is escaped,
    and no text can open a block or break a table row)."""
    card = scorecard_view(assessment, description, lens, citations)
    return render("scorecard.md.j2", card=card) + "\n"


def render_html(card: ScorecardView, part: str, anchors: Mapping[int, str] | None = None) -> str:
    """One part of the scorecard on the page (``HTML_PARTS``: the summary, the criteria table,
    the evidence legend, the stakeholder notes) as one line of escaped HTML. ``anchors`` maps a
    source marker to the element id its ``[n]`` in the table links to."""
    if part not in HTML_PARTS:
        raise ValueError(f"no scorecard part {part!r}; the parts are {', '.join(HTML_PARTS)}")
    return render("scorecard.html.j2", card=card, part=part, anchors=dict(anchors or {}))


def render_json(assessment: Assessment) -> str:
    """The JSON download: exactly the Assessment, as `prodai classify --json` prints it."""
    return assessment.model_dump_json(indent=2)


__all__ = [
    "GROUP_LABELS",
    "HTML_PARTS",
    "MATURITY_MEANINGS",
    "NOT_ASSESSED",
    "PALETTE",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "STATUS_MARKS",
    "CriterionRow",
    "EvidenceMark",
    "ScorecardView",
    "colours",
    "confidence_meaning",
    "definition_citations",
    "evidence_marks",
    "lead",
    "maturity_figure",
    "maturity_meaning",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "scorecard_view",
    "why",
]
