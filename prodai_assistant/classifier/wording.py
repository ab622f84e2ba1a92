"""The words of the scorecard: why a red flag matters, what each gap is, what to do next."""

from __future__ import annotations

from .rubric import CriterionKey

# Why a red flag (or a negated or planned claim) counts against a criterion.
FLAG_REASONS: dict[str, str] = {
    "sandbox": "it runs in a sandbox, test or staging environment",
    "concept": "it is a demo, prototype or proof of concept",
    "dev_machine": "it runs from a notebook or one person's machine",
    "pilot": "it is a time-boxed pilot, trial or shadow run",
    "limited": "only testers or a handful of insiders use it",
    "showed_leaders": "its success so far is a demo shown to leaders",
    "happy_path": "it has only been tried on hand-picked cases",
    "copy_paste": "people copy its output across by hand",
    "manual_step": "a manual step remains in the hand-off",
    "file_handoff": "results travel as files or e-mailed lists",
    "separate_tool": "it sits in a separate tool beside the workflow",
    "unused": "its output does not change the work",
    "synthetic": "it runs on synthetic or sample data",
    "static_export": "it runs on a one-off export rather than a live feed",
    "manual_ops": "it is kept running by hand, or not maintained at all",
    "shadow": "it is used without IT, security or legal approval (shadow AI)",
    "data_leak": "company or customer data is sent to a public AI service",
    "no_owner": "nobody is accountable for it",
    "builder_left": "the people who built or supported it have gone",
    "side_project": "it is somebody's side project",
    "not_measured": "its effect has not been measured",
    "not_in_books": "its value does not appear in any financial report",
    "vague": "its value is described as opinion, not measured",
    "offline_metric": "only offline accuracy is reported, not business effect",
    "projection": "the savings are projected or estimated, not measured",
    "buzzword": "the claim is buzzwords with nothing specific behind it",
    "similar": "the wording suggests it",
}

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

# A partial status with no positive quote: what the partial credit rests on (similarity,
# implication from live use, or a measured effect not yet in money).
IMPLIED: dict[CriterionKey, str] = {
    "deployed": "similar wording suggests live use, but nothing specific is quoted",
    "embedded": "similar wording suggests it is used in the workflow",
    "governed": "similar wording suggests some oversight",
    "roi": "value tracking is mentioned, but no measured effect",
    "data": "it works on real inputs, so real data is implied, but no automated feed is named",
    "operations": "similar wording suggests someone looks after it",
    "financials": "an effect is measured, but not in money terms, the P&L or a budget",
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
SHADOW_STEP = (
    "Bring the use under an approved enterprise licence with a security and legal review, "
    "and stop sending company data to personal or public AI accounts."
)

NOT_ASSESSABLE: dict[str, str] = {
    "empty": "The description is empty.",
    "binary": "The text looks like binary or garbled data rather than a project description.",
    "too_short": "The text is too short to assess.",
    "question": "This reads as a question rather than a description of a project.",
    "irrelevant": "This does not read as a description of an AI project.",
    "no_ai": "No AI component found: this reads as {hint} with no model that learns, "
    "predicts or generates.",
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
    "FLAG_REASONS",
    "GAP_OPENERS",
    "IMPLIED",
    "NEEDED_STEPS",
    "NEEDS",
    "NEXT_STEPS",
    "NOT_ASSESSABLE",
    "SHADOW_STEP",
]
