"""The words of the scorecard: why a red flag matters, what each gap is, what to do next."""

from __future__ import annotations

from .rubric import CriterionKey

# What the description would need to show, per criterion.
NEEDS: dict[CriterionKey, str] = {
    "deployed": "the system running live on real work (volumes, users, sites or dates)",
    "embedded": "its output used inside the team's everyday systems or workflow",
    "governed": "monitoring, security review, audit trail or risk sign-off",
    "roi": "a measured, repeatable effect against a baseline",
    "data": "automated feeds from the organisation's real data",
    "operations": "an accountable owner and a support route",
    "financials": "the value in money terms, in the P&L or in a budget",
}

GAP_OPENERS: dict[CriterionKey, str] = {
    "deployed": "Not in sustained live use",
    "embedded": "Not embedded in the workflow",
    "governed": "Not shown to be reliable and governed",
    "roi": "Value not measured",
    "data": "Not wired into real data",
    "operations": "No accountable owner or support",
    "financials": "Not visible in the financials",
}

NEXT_STEPS: dict[CriterionKey, str] = {
    "deployed": (
        "Put it into live use for a defined group (say which team, volume and start date), "
        "with a rollback plan and an exception queue for cases it cannot handle."
    ),
    "embedded": (
        "Write its results straight into the system the team already works in and remove "
        "the manual hand-off (copying, e-mailed files, a separate tool)."
    ),
    "governed": (
        "Add monitoring with alerts, a tested release process, access control and decision "
        "logs, and get risk, security and legal sign-off."
    ),
    "roi": (
        "Agree a baseline or control group and measure the effect against it every month "
        "or quarter."
    ),
    "data": (
        "Replace samples, exports or synthetic data with an automated feed from the system "
        "of record, with data validation."
    ),
    "operations": (
        "Name an accountable business owner and a supporting team, with a budget line, "
        "an on-call or support route and a runbook."
    ),
    "financials": (
        "Have finance convert the measured effect into money and track it in the P&L or budget."
    ),
}
NOT_ASSESSABLE: dict[str, str] = {
    "empty": "The description is empty.",
    "binary": "The text looks like binary or garbled data rather than a project description.",
    "too_short": "The text is too short to assess.",
    "no_ai": "This does not describe an AI project: no system is described, or the one "
    "described has no model that learns, predicts or generates.",
}
ASK_FOR = (
    "Describe the AI project in a few sentences: what the model does, where it runs and for "
    "whom, which systems and data it is connected to, who owns and monitors it, and what "
    "measured effect it has had."
)
ASK_FOR_AI = (
    "The assessment covers AI systems: say which part uses machine learning, a language "
    "model or another trained model, and describe that part."
)
NEEDED_STEPS: tuple[str, ...] = (
    "Say what the AI does and which model or service it uses.",
    "Say where it runs (live, pilot, staging) and who uses it, with volumes and dates.",
    "Name the systems and data it is connected to and who owns and supports it.",
    "Give any measured effect against a baseline, and whether finance tracks it.",
)

__all__ = [
    "ASK_FOR",
    "ASK_FOR_AI",
    "GAP_OPENERS",
    "NEEDED_STEPS",
    "NEEDS",
    "NEXT_STEPS",
    "NOT_ASSESSABLE",
]
