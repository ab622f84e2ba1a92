"""Is this AI project Production AI or a demo? A deterministic, evidence-quoting classifier.

Pipeline: gate (empty, junk, off-topic, no AI component) -> sentences and clauses ->
signals (lexicon cues plus similarity to plain-language prototypes, read through negation and
modality scope) -> weakest-link rules per criterion -> scorecard with citations.
"""

from .engine import Classifier
from .gate import looks_like_project_description
from .rubric import CRITERIA, CRITERION_KEYS, MATURITY_NAMES, CriterionKey, CriterionSpec

__all__ = [
    "CRITERIA",
    "CRITERION_KEYS",
    "MATURITY_NAMES",
    "Classifier",
    "CriterionKey",
    "CriterionSpec",
    "looks_like_project_description",
]
