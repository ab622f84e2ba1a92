"""Redaction of secrets and e-mail addresses: hits, and near misses that must survive."""

from __future__ import annotations

import pytest

from prodai_assistant.audit import redact, redact_value

OPENAI = "sk-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
ANTHROPIC = "sk-ant-" + "api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2"
AWS = "AKIA" + "IOSFODNN7EXAMPLE"
GITHUB = "ghp_" + "a" * 20 + "B1c2D3e4F5g6H7i8"
SLACK = "xoxb-" + "123456789012-abcdefABCDEF"
JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N"


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        (f"my key is {OPENAI} thanks", "api_key", OPENAI),
        (f"OPENAI_API_KEY={OPENAI}", "api_key", OPENAI),
        (f"use sk-proj-{OPENAI[3:]}", "api_key", OPENAI[3:]),
        (f"anthropic {ANTHROPIC}", "anthropic_key", ANTHROPIC),
        (f"aws {AWS} in the config", "aws_key", AWS),
        (f"token {GITHUB}", "github_token", GITHUB),
        (f"slack {SLACK}", "slack_token", SLACK),
        (f"jwt {JWT}", "jwt", JWT),
        ("Authorization: Bearer abc123def456ghi789jkl", "bearer", "abc123def456ghi789jkl"),
        ("curl -H 'authorization: bearer Zm9vYmFyMTIzNDU2Nzg5MA=='", "bearer", "Zm9vYmFyMTIz"),
        (f"Authorization: Bearer {JWT}", "bearer", JWT),
        ("api_key=abc123secretvalue", "secret", "abc123secretvalue"),
        ("API-KEY: 'q8w7e6r5t4y3'", "secret", "q8w7e6r5t4y3"),
        ('{"password": "hunter2hunter"}', "secret", "hunter2hunter"),
        ("token: 9f8e7d6c5b4a", "secret", "9f8e7d6c5b4a"),
        ("client_secret = averyveryverylongsecretvalue", "secret", "averyveryverylongsecret"),
        ("mail jane.doe@example.com today", "email", "jane.doe@example.com"),
        ("Contact: J.Smith+ai@sub.corp.co.uk.", "email", "J.Smith+ai@sub.corp.co.uk"),
        ("postgresql://audit:s3cret@db.internal:5432/x", "url_credentials", "s3cret"),
    ],
)
def test_secret_is_replaced(text: str, kind: str, secret: str) -> None:
    out = redact(text)
    assert f"[REDACTED:{kind}]" in out
    assert secret not in out


@pytest.mark.parametrize(
    "text",
    [
        "The sk-learn library is not a key",  # too short after sk-
        "Ask about task-based APIs",
        "AKIA is a prefix; AKIA123 is too short",
        "the bearer of bad news carries responsibility",  # no digit, not a header token
        "bearer bonds: 12 of them",  # token too short
        "token: required",  # value without digits and short
        "the api key rotation policy is weekly",
        "password reset takes 5 minutes",
        "user@localhost is not routable",  # no top-level domain
        "@mention the CFO in the channel",
        "version 1.2.3 shipped on 2025-01-31",
        "Production AI is visible in the P&L [1].",
        "ghp_short is not a token",
        "xoxb- alone",
        "eyJ alone is not a JWT",
        "four-hallmarks#reliable-and-governed-through-xops",
        "3f2a9c1e0b7d4e6f8a9b0c1d2e3f4a5b",  # record ids and hashes stay
        "https://example.com/path?q=1",
    ],
)
def test_near_miss_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_several_secrets_in_one_text_are_all_replaced() -> None:
    out = redact(f"a@b.io and {OPENAI} and {AWS}")
    assert out == "[REDACTED:email] and [REDACTED:api_key] and [REDACTED:aws_key]"


def test_redaction_is_idempotent() -> None:
    once = redact(f"token: {OPENAI} from ops@example.org")
    assert redact(once) == once
    assert "[REDACTED:api_key]" in once


def test_empty_text_is_returned_as_is() -> None:
    assert redact("") == ""


def test_nested_values_are_redacted_and_keys_kept() -> None:
    value = {
        "password": "plain words",
        "notes": ["mail x.y@corp.com", ("tuple", OPENAI)],
        "n": 3,
        "ok": None,
    }
    out = redact_value(value)
    assert out["password"] == "plain words"
    assert out["notes"][0] == "mail [REDACTED:email]"
    assert out["notes"][1] == ["tuple", "[REDACTED:api_key]"]
    assert out["n"] == 3 and out["ok"] is None
