"""Words shown to people for the product's codes: one table each, shared by the CLI, the chat
answer, the app and the exports."""

from __future__ import annotations

# Keyed by str, not Verdict: audit records and CSV rows hand back plain strings.
VERDICT_LABELS: dict[str, str] = {
    "production": "Production AI",
    "demo": "Still a demo",
    "not_assessable": "Not assessable",
}


def verdict_label(verdict: str) -> str:
    """'demo' -> 'Still a demo'; an unknown code is shown as it is."""
    return VERDICT_LABELS.get(verdict, verdict)


__all__ = ["VERDICT_LABELS", "verdict_label"]
