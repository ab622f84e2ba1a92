"""The assessment as a scorecard that reads at a glance: the verdict in words, confidence and
maturity with what they mean, one criteria table, the description with each criterion's
evidence in its own colour (and a legend), what to confirm and the next steps, quoting the
user's own words. Pure: every function returns escaped HTML or plain text, no Streamlit.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..labels import VERDICT_LABELS
from ..models import Assessment, Citation, Criterion, EvidenceSpan
from .render import STATUS_COLORS, colours, evidence_marks

STATUS_LABELS = {
    "evidenced": "Evidenced",
    "partial": "Partly evidenced",
    "missing": "Missing",
    "contradicted": "Contradicted",
}
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
CONFIRM_QUESTIONS = {
    "deployed": "Is it in sustained use by real users today, not a pilot or a test?",
    "embedded": "Do people use its output inside the systems and workflow they already use?",
    "governed": "Is it monitored, with alerts, access control, an audit trail and risk sign-off?",
    "roi": "Is its effect measured against a baseline, period after period?",
    "data": "Does it run on automated feeds from your systems of record?",
    "operations": "Is there a named owner, a support route and a budget line?",
    "financials": "Does finance see its effect in the P&L or in a budget?",
}
QUOTE_CHARS = 160


def headline(assessment: Assessment) -> str:
    """'Production AI', 'Still a demo' or "Can't assess this"."""
    return VERDICT_LABELS.get(assessment.verdict, assessment.verdict)


_VERDICT_OPENERS = ("Production AI: ", "Demo, not Production AI: ", "Not assessable: ")


def lead(assessment: Assessment) -> str:
    """The reason without an opening that repeats the headline ("Demo, not Production AI: ")."""
    reason = assessment.reason
    for opener in _VERDICT_OPENERS:
        if reason.startswith(opener) and len(reason) > len(opener):
            rest = reason[len(opener) :]
            return rest[:1].upper() + rest[1:]
    return reason


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


def summary_html(assessment: Assessment, *, reason: bool = True) -> str:
    """The headline verdict, its reason, then confidence and maturity with their meanings."""
    e = html.escape
    verdict = e(assessment.verdict, quote=True)
    parts = [f'<div class="prodai-verdict {verdict}">{e(headline(assessment))}</div>']
    if reason:
        parts.append(f'<p class="prodai-reason">{e(lead(assessment))}</p>')
    parts.append(
        '<div class="prodai-levels">'
        f'<div><span class="prodai-figure">{assessment.confidence:.0%} confidence</span><br>'
        f'<span class="prodai-meaning">{e(confidence_meaning(assessment.confidence))}</span></div>'
        f'<div><span class="prodai-figure">Maturity: {e(maturity_figure(assessment))}</span><br>'
        f'<span class="prodai-meaning">{e(maturity_meaning(assessment))}</span></div></div>'
    )
    return "".join(parts)


_STATUS_OPENERS = ("evidenced: ", "partly evidenced: ", "partial: ", "missing: ", "contradicted: ")


def why(criterion: Criterion) -> str:
    """The rationale without an opening that repeats the status pill beside it."""
    text = criterion.rationale
    for opener in _STATUS_OPENERS:
        if text.lower().startswith(opener) and len(text) > len(opener):
            rest = text[len(opener) :]
            return rest[:1].upper() + rest[1:]
    return text


def criteria_table_html(
    assessment: Assessment, *, links: Mapping[str, tuple[str, int]] | None = None
) -> str:
    """One row per criterion: name (with its colour and definition marker), status, why.

    ``links`` maps a criterion key to (element id, marker) of the source defining it.
    """
    e = html.escape
    palette = colours(assessment.criteria)
    rows = []
    for c in assessment.criteria:
        found = bool(c.evidence)
        swatch = palette[c.key] if found else "transparent"
        marker = ""
        if links and c.key in links:
            target, number = links[c.key]
            marker = f' <a href="#{e(target, quote=True)}">[{number}]</a>'
        group = "Hallmark" if c.group == "hallmark" else "Bottom-line test"
        status = STATUS_COLORS.get(c.status, "#eceff3")
        rows.append(
            f'<tr><td class="prodai-name"><span class="prodai-swatch" style="background:{swatch}">'
            f'</span>{e(c.name)}{marker}<span class="prodai-group">{group}</span></td>'
            f'<td class="prodai-status"><span class="prodai-pill" style="background:{status}">'
            f"{e(STATUS_LABELS.get(c.status, c.status))}</span></td>"
            f"<td>{e(why(c))}</td></tr>"
        )
    return (
        '<table class="prodai-criteria"><thead><tr><th>Criterion</th><th>Status</th>'
        f"<th>What your text shows</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def legend_html(text: str, criteria: Sequence[Criterion]) -> str:
    """Which colour is which criterion (only those with evidence in the text)."""
    palette = colours(criteria)
    marks = evidence_marks(text, criteria)
    shown = [c for c in criteria if any(m.key == c.key for m in marks)]
    items = [
        f'<span><span class="prodai-swatch" style="background:{palette[c.key]}"></span>'
        f"{html.escape(c.name)}</span>"
        for c in shown
    ]
    if any(m.polarity == "negative" for m in marks):
        items.append(
            '<span><span style="text-decoration:underline wavy #d1343a;'
            'text-underline-offset:3px">wavy red underline</span>: a red flag or negated '
            "claim</span>"
        )
    if not items:
        items = ["No evidence for any criterion was found in the text."]
    return f'<div class="prodai-legend">{"".join(items)}</div>'


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ToConfirm:
    """One claim of the user's to check, in their own words, and what to ask about it."""

    quote: str
    questions: tuple[str, ...]
    criteria: tuple[str, ...]
    red_flag: bool


def to_confirm(assessment: Assessment) -> list[ToConfirm]:
    """The user's words each criterion rests on, with the questions to check them; one item
    per quote, however many criteria rest on it."""
    found: dict[str, ToConfirm] = {}
    for c in assessment.criteria:
        span = _strongest(c.evidence)
        if span is None:
            continue
        quote = shorten(span.text)
        question = CONFIRM_QUESTIONS.get(c.key, f"Does this really hold: {c.name}?")
        known = found.get(quote)
        red = span.polarity == "negative"
        if known is None:
            found[quote] = ToConfirm(quote, (question,), (c.name,), red)
        else:
            found[quote] = ToConfirm(
                quote,
                known.questions + (question,),
                known.criteria + (c.name,),
                known.red_flag or red,
            )
    return list(found.values())


def _strongest(spans: Sequence[EvidenceSpan]) -> EvidenceSpan | None:
    """A red flag first (it decides more), else the first piece of evidence."""
    negative = [s for s in spans if s.polarity == "negative"]
    chosen = negative or list(spans)
    return chosen[0] if chosen else None


def not_mentioned(assessment: Assessment) -> list[str]:
    """Criteria the text says nothing about."""
    return [c.name for c in assessment.criteria if not c.evidence]


def definition_citations(
    assessment: Assessment, citations: Sequence[Citation] | None = None
) -> tuple[list[Citation], dict[str, int]]:
    """Where each criterion is defined, numbered; and each criterion's marker.

    ``citations`` are an answer's own (numbered the same way, by the assistant); without them
    the criteria's definitions are numbered here, once per distinct quote.
    """
    given = citations or []
    numbered: dict[tuple[str, str], int] = {(c.chunk_id, c.quote): c.marker for c in given}
    found = list(citations or [])
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


def steps_with_reasons(assessment: Assessment) -> list[tuple[str, str | None]]:
    """Each next step with the gap it closes (which quotes the user's text) when they pair up."""
    steps, gaps = assessment.next_steps, assessment.gaps
    if len(steps) == len(gaps):
        return list(zip(steps, gaps, strict=True))
    return [(step, None) for step in steps]


__all__ = [
    "CONFIRM_QUESTIONS",
    "MATURITY_MEANINGS",
    "STATUS_LABELS",
    "ToConfirm",
    "confidence_meaning",
    "criteria_table_html",
    "definition_citations",
    "headline",
    "lead",
    "legend_html",
    "maturity_figure",
    "maturity_meaning",
    "not_mentioned",
    "shorten",
    "steps_with_reasons",
    "summary_html",
    "to_confirm",
    "why",
]
