"""Is this AI project Production AI or a demo? A learned, calibrated, evidence-quoting classifier.

Pipeline: definitional checks (empty, binary, too short) -> clauses -> the learned reading
(MiniLM clause vectors; per clause and criterion: asserted, negated, planned, hedged, claimed
or silent; a calibrated verdict for the whole) -> the verdict policy (policy.py) -> scorecard.
The model is trained from ``banks/descriptions`` by
``python -m prodai_assistant.learning.train classifier``.
"""

from .engine import Classifier
from .rubric import CRITERIA, CRITERION_KEYS, MATURITY_NAMES, CriterionKey, CriterionSpec

__all__ = [
    "CRITERIA",
    "CRITERION_KEYS",
    "MATURITY_NAMES",
    "Classifier",
    "CriterionKey",
    "CriterionSpec",
]
