"""Extractive backend: answers assembled from corpus sentences, each cited. No LLM. Pure.

Every sentence of an answer is a verbatim copy of a sentence of the chunk its marker cites
(list bullets stripped, whitespace collapsed); only short labels such as "For the CFO:" are
added. Selection is rule-based per intent (``planners``, ``lens``), then ranked by word overlap
with the question (``pool``, ``sentences``). Only chunks in ``request.retrieved`` are ever
quoted: search hits, plus the sections the route pinned (``prodai_assistant.routing.pins``), so
every citation points at a retrieved chunk.
"""

from __future__ import annotations

from .base import AnswerRequest, Composed, greeting, refusal
from .lens import LENS_LABELS, fits_lens, lens_point
from .planners import plan_points, plan_restated
from .pool import Evidence
from .sentences import Point, Unit, render, terms, units_of


class ExtractiveBackend:
    """The default backend: deterministic, offline, citations correct by construction."""

    name = "extractive"

    def compose(self, request: AnswerRequest) -> Composed:
        if request.intent == "greeting":
            return greeting()
        if request.intent == "out_of_scope":
            return refusal("off_topic")
        evidence = Evidence.of(request)
        points = plan_restated(evidence) if request.previous_answer else []
        points = points or plan_points(evidence)
        if not points:
            return refusal("no_evidence")
        lens = lens_point(evidence, points) if fits_lens(request) else None
        answer, citations = render(points, lens, request.form)
        return Composed(answer=answer, citations=citations)


__all__ = [
    "LENS_LABELS",
    "Evidence",
    "ExtractiveBackend",
    "Point",
    "Unit",
    "plan_points",
    "plan_restated",
    "render",
    "terms",
    "units_of",
]
