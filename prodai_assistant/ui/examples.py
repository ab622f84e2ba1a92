"""Example project descriptions and a portfolio template, so a first visit has something to try."""

from __future__ import annotations

import streamlit as st

from ..csvio import csv_bytes

EXAMPLES = {
    "production": (
        "Our invoice-matching model has been live in production for 14 months. It runs inside "
        "the accounts-payable workflow in SAP and clerks approve its matches in their normal "
        "queue. It reads the live ERP and supplier data through the same pipelines finance "
        "uses. The ML platform team monitors drift and latency, retrains it monthly through "
        "our MLOps pipeline and is on call around the clock. Access is role-based and every "
        "decision is logged for audit. The finance director owns it. It saves about 9,000 "
        "staff hours a year, and the savings show up in the shared-services budget every "
        "quarter."
    ),
    "demo": (
        "We built a generative AI chatbot prototype for customer service in a sandbox. It "
        "answers questions from a sample of last year's FAQs and impressed the board at the "
        "innovation day. We plan to connect it to the CRM next year and hope it will cut call "
        "volumes, but nobody has measured that yet."
    ),
}

TEMPLATE_ROWS = [
    ("Invoice matching", EXAMPLES["production"]),
    ("Service chatbot", EXAMPLES["demo"]),
]


def fill(key: str, kind: str) -> None:
    """Button callback: put the ``kind`` example into the text area stored under ``key``."""
    st.session_state[key] = EXAMPLES[kind]


def template_csv() -> bytes:
    """A two-row portfolio CSV showing the expected columns."""
    rows = [{"name": name, "description": text} for name, text in TEMPLATE_ROWS]
    return csv_bytes(["name", "description"], rows)


__all__ = ["EXAMPLES", "TEMPLATE_ROWS", "fill", "template_csv"]
