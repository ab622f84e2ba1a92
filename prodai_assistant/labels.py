"""Words shown to people for the product's codes: one table each, shared by the CLI, the chat
answer, the app and the exports."""

from __future__ import annotations

from .models import AUDIENCE_LABELS

# Keyed by str, not Verdict: audit records and CSV rows hand back plain strings.
VERDICT_LABELS: dict[str, str] = {
    "production": "Production AI",
    "demo": "Still a demo",
    "not_assessable": "Can't assess this",
}


def verdict_label(verdict: str) -> str:
    """'demo' -> 'Still a demo'; an unknown code is shown as it is."""
    return VERDICT_LABELS.get(verdict, verdict)


def audience_label(key: str) -> str:
    """'cfo' -> 'CFO'; an unknown key is shown as it is."""
    return next((label for audience, label in AUDIENCE_LABELS.items() if audience == key), key)


__all__ = ["AUDIENCE_LABELS", "VERDICT_LABELS", "audience_label", "verdict_label"]
