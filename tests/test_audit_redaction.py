"""Redaction of secrets and personal data: hits, near misses that must survive, and the corpus
in tests/data/redaction_corpus.yaml (every kind the README names, plus business prose)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prodai_assistant.audit import redact, redact_value
from prodai_assistant.audit.checks import iban_ok, luhn_ok
from prodai_assistant.audit.redaction import canonical, sanitize

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "data" / "redaction_corpus.yaml").read_text(encoding="utf-8")
)
POSITIVES: list[dict[str, str]] = CORPUS["positives"]
NEGATIVES: list[str] = CORPUS["negatives"]
# What the README promises to redact, each needing samples in the corpus.
PROMISED = {
    "aws_key", "aws_secret", "api_key", "anthropic_key", "stripe_key", "google_api_key",
    "gitlab_token", "huggingface_token", "github_token", "slack_token", "jwt", "bearer",
    "basic_auth", "private_key", "url_credentials", "secret", "card_number", "iban", "phone",
    "ssn", "email",
}  # fmt: skip

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


# -- the corpus ------------------------------------------------------------------------------------
def _expected(item: dict[str, str]) -> str:
    return item["text"].replace(item["secret"], f"[REDACTED:{item['kind']}]")


def _leaked(item: dict[str, str], out: str) -> bool:
    """The secret survives, also in a folded or zero-width-split form."""
    return canonical(item["secret"])[0] in canonical(out)[0]


def test_the_corpus_covers_every_promised_kind() -> None:
    assert len(POSITIVES) >= 100 and len(NEGATIVES) >= 50
    kinds = {item["kind"] for item in POSITIVES}
    assert kinds >= PROMISED
    assert all(sum(item["kind"] == kind for item in POSITIVES) >= 3 for kind in PROMISED)


def test_no_corpus_secret_leaks() -> None:
    leaks = [item["text"] for item in POSITIVES if _leaked(item, redact(item["text"]))]
    assert leaks == []


@pytest.mark.parametrize("item", POSITIVES, ids=lambda item: item["kind"])
def test_corpus_secret_is_cut_exactly(item: dict[str, str]) -> None:
    assert redact(item["text"]) == _expected(item)


def test_corpus_prose_false_positives_stay_under_two_percent() -> None:
    changed = [(text, redact(text)) for text in NEGATIVES if redact(text) != text]
    assert len(changed) <= 0.02 * len(NEGATIVES), changed


@pytest.mark.parametrize("offset", range(3))
def test_corpus_secrets_are_caught_inside_business_prose(offset: int) -> None:
    """Every secret after some prose: the prose survives, the secret does not."""
    for index, item in enumerate(POSITIVES):
        prose = NEGATIVES[(index * 3 + offset) % len(NEGATIVES)]
        assert redact(f"{prose} {item['text']}") == f"{prose} {_expected(item)}", item


# -- canonical matching, sanitising, checksums -----------------------------------------------------
def test_text_around_a_folded_secret_is_kept_as_written() -> None:
    fancy = "Grüße from the ﬁnance team ①, ｆｕｌｌ width"
    key = "sk-\u200b" + OPENAI[3:]
    assert redact(fancy) == fancy
    assert redact(f"{fancy}: {key} ok") == f"{fancy}: [REDACTED:api_key] ok"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("pair \ud83d\ude00 joined", "pair \U0001f600 joined"),
        ("nul\x00byte", "nulbyte"),
        ("plain", "plain"),
    ],
)
def test_sanitize_makes_text_storable(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean
    sanitize(raw).encode("utf-8")  # no UnicodeEncodeError


def test_redact_value_sanitises_keys_and_values() -> None:
    out: Any = redact_value({"k\x00": ["v\ud800", 1]})
    assert out == {"k": ["v\ufffd", 1]}


@pytest.mark.parametrize(
    ("number", "valid"),
    [("4111111111111111", True), ("4111111111111112", False), ("378282246310005", True)],
)
def test_luhn(number: str, valid: bool) -> None:
    assert luhn_ok(number) is valid


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("DE89370400440532013000", True),
        ("DE89370400440532013001", False),  # check digits do not match
        ("DE8937040044053201300", False),  # one character short for Germany
        ("GB29NWBK60161331926819", True),
        ("XX29NWBK60161331926819", False),  # no such country
    ],
)
def test_iban_check(iban: str, valid: bool) -> None:
    assert iban_ok(iban) is valid
