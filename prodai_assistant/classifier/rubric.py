"""The seven criteria, the rubric dimensions that feed them, and the maturity scale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CriterionKey = Literal[
    "deployed", "embedded", "governed", "roi", "data", "operations", "financials"
]
Dimension = Literal["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"]


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of the assessment and the corpus chunk that defines it."""

    key: CriterionKey
    name: str
    group: Literal["hallmark", "bottom_line"]
    chunk_id: str


# Order matters: it is the order of the scorecard and, for gaps, the order of blocking.
CRITERIA: tuple[CriterionSpec, ...] = (
    CriterionSpec(
        "deployed",
        "Deployed in real operations",
        "hallmark",
        "four-hallmarks#deployed-in-real-operations",
    ),
    CriterionSpec(
        "embedded",
        "Embedded in business processes",
        "hallmark",
        "four-hallmarks#embedded-in-business-processes",
    ),
    CriterionSpec(
        "governed",
        "Reliable and governed through xOps",
        "hallmark",
        "four-hallmarks#reliable-and-governed-through-xops",
    ),
    CriterionSpec(
        "roi", "Driving repeatable ROI", "hallmark", "four-hallmarks#driving-repeatable-roi"
    ),
    CriterionSpec(
        "data", "Wired into your data", "bottom_line", "bottom-line-test#wired-into-your-data"
    ),
    CriterionSpec(
        "operations",
        "Supported by your operations",
        "bottom_line",
        "bottom-line-test#supported-by-your-operations",
    ),
    CriterionSpec(
        "financials",
        "Visible in your financials",
        "bottom_line",
        "bottom-line-test#visible-in-your-financials",
    ),
)
CRITERION_KEYS: tuple[CriterionKey, ...] = tuple(spec.key for spec in CRITERIA)
SPECS: dict[str, CriterionSpec] = {spec.key: spec for spec in CRITERIA}

DIMENSION_NAMES: dict[Dimension, str] = {
    "D1": "live in real operations",
    "D2": "embedded in workflows and systems",
    "D3": "wired into real data",
    "D4": "operated through xOps",
    "D5": "governed, secure and audit-ready",
    "D6": "owned and supported",
    "D7": "measured, repeatable value",
    "D8": "copes with real-world variability",
}

# Which dimensions feed which criterion (the operations criterion also reads the support
# practices of D4; financials reads D7 through its own tags, see rules.py).
CRITERION_DIMENSIONS: dict[CriterionKey, tuple[Dimension, ...]] = {
    "deployed": ("D1", "D8"),
    "embedded": ("D2",),
    "governed": ("D4", "D5"),
    "roi": ("D7",),
    "data": ("D3",),
    "operations": ("D6",),
    "financials": ("D7",),
}

MATURITY_NAMES: tuple[str, ...] = ("concept or demo", "pilot", "deployed", "operated", "optimised")

__all__ = [
    "CRITERIA",
    "CRITERION_DIMENSIONS",
    "CRITERION_KEYS",
    "DIMENSION_NAMES",
    "MATURITY_NAMES",
    "SPECS",
    "CriterionKey",
    "CriterionSpec",
    "Dimension",
]
