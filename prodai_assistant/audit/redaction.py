"""Redact secrets and e-mail addresses from free text before anything reaches the audit store.

Each hit becomes ``[REDACTED:kind]``. The patterns are deliberately specific (a fixed prefix, a
minimum length, a digit in generic values) so ordinary prose about keys and tokens survives.
"""

from __future__ import annotations

import re
from typing import Any

_MARK = "[REDACTED:{}]"

# Applied in order: whole-header forms first so their token is not half-matched by a later rule.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bearer",
        re.compile(
            r"(?i)\b(?:authorization\s*[:=]\s*)?bearer\s+"
            r"(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*"
        ),
    ),
    (
        "jwt",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    ("anthropic_key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("api_key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}")),
    ("aws_key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("url_credentials", re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)")),
)

# "api_key=...", "token: ...", "password = '...'": keep the name, drop the value. The value must
# contain a digit or be long, so "token: required" in prose is left alone.
_ASSIGNMENT = re.compile(
    r"(?i)\b(?P<name>api[_-]?key|access[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token"
    r"|refresh[_-]?token|client[_-]?secret|private[_-]?key|token|secret|password|passwd|pwd)"
    r"(?P<sep>[\"']?\s*[:=]\s*[\"']?)"
    r"(?P<value>(?!\[REDACTED)(?:(?=[^\s\"',;]*\d)[^\s\"',;]{6,}|[^\s\"',;]{16,}))"
)

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b"
)


def redact(text: str) -> str:
    """Return ``text`` with API keys, tokens, credentials and e-mail addresses replaced."""
    if not text:
        return text
    for kind, pattern in _RULES:
        text = pattern.sub(_MARK.format(kind), text)
    text = _ASSIGNMENT.sub(
        lambda m: f"{m.group('name')}{m.group('sep')}{_MARK.format('secret')}", text
    )
    return _EMAIL.sub(_MARK.format("email"), text)


def redact_value(value: Any) -> Any:
    """Redact every string inside nested dicts, lists and tuples (keys are left as they are)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


__all__ = ["redact", "redact_value"]
