"""Words shown to people for the product's codes: one table each, shared by the CLI, the chat
answer, the app and the exports."""

from __future__ import annotations

from collections.abc import Sequence

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


def framed_for(audience: str, audiences: Sequence[str] = ()) -> str | None:
    """'Framed for: CFO and CTO' for an answer in parts, 'Framed for: CFO' for one lens, or
    None for a general answer."""
    keys = [k for k in audiences if k != "all"] or ([audience] if audience != "all" else [])
    if not keys:
        return None
    names = [audience_label(k) for k in keys]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Framed for: {joined}"


__all__ = ["AUDIENCE_LABELS", "VERDICT_LABELS", "audience_label", "framed_for", "verdict_label"]
