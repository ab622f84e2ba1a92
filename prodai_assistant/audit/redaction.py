"""Redact secrets and e-mail addresses from free text before anything reaches the audit store.

Each hit becomes ``[REDACTED:kind]``. The patterns are deliberately specific (a fixed prefix, a
minimum length, a digit in generic values) so ordinary prose about keys and tokens survives.
"""

from __future__ import annotations

import re
from typing import Any

_MARK = "[REDACTED:{}]"

# (kind, cues, pattern), applied in order: whole-header forms first so their token is not
# half-matched by a later rule. A rule runs only if one of its lower-case cues is in the text:
# substring tests are far cheaper than regexes, and most strings in a record have no cue at all.
_RULES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "bearer",
        ("bearer",),
        re.compile(
            r"(?i)\b(?:authorization\s*[:=]\s*)?bearer\s+"
            r"(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*"
        ),
    ),
    (
        "jwt",
        ("eyj",),
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    ("anthropic_key", ("sk-ant-",), re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("api_key", ("sk-",), re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}")),
    ("aws_key", ("akia", "asia"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
    ),
    ("slack_token", ("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("url_credentials", ("://",), re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)")),
)

# "api_key=...", "token: ...", "password = '...'": keep the name, drop the value. The value must
# contain a digit or be long, so "token: required" in prose is left alone.
_ASSIGNMENT_CUES = ("key", "token", "secret", "passw", "pwd")
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


_ALL_CUES = tuple(sorted({"@", *_ASSIGNMENT_CUES, *(cue for _, cues, _ in _RULES for cue in cues)}))
_SHORTEST = 6  # no secret or e-mail address ("a@b.io") is shorter


def _has(lowered: str, cues: tuple[str, ...]) -> bool:
    return any(cue in lowered for cue in cues)


def redact(text: str) -> str:
    """Return ``text`` with API keys, tokens, credentials and e-mail addresses replaced."""
    if len(text) < _SHORTEST:
        return text
    lowered = text.lower()
    if not _has(lowered, _ALL_CUES):
        return text
    for kind, cues, pattern in _RULES:
        if _has(lowered, cues):
            text = pattern.sub(_MARK.format(kind), text)
    if _has(lowered, _ASSIGNMENT_CUES):
        text = _ASSIGNMENT.sub(
            lambda m: f"{m.group('name')}{m.group('sep')}{_MARK.format('secret')}", text
        )
    return _EMAIL.sub(_MARK.format("email"), text) if "@" in text else text


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
