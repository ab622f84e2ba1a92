"""What the redactor looks for: one table of rules; ``checks.py`` confirms their matches.

A rule is a kind (shown as ``[REDACTED:kind]``), cues (lower-case substrings, at least one of
which must be in the text for the rule to run, or a pattern that must match; ``None`` = always
run), a pattern, and optionally a check that confirms a match (Luhn for cards, mod 97 for IBANs)
and may narrow it to a group.
Patterns run on canonical text (NFKC, no invisible characters); see ``redaction.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .checks import (
    Check,
    Span,
    basic_credentials,
    card,
    digit_count,
    from_group_to_end,
    group,
    iban,
    mixed_case_digit,
    whole,
)

# Not preceded by a letter or digit: "\b" would fail after "_" (DB_PASSWORD) or succeed inside
# "task-based" (sk-...), so every token pattern states its own left edge.
_L = r"(?<![A-Za-z0-9])"
_R = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class Rule:
    kind: str
    cues: tuple[str, ...] | re.Pattern[str] | None
    pattern: re.Pattern[str]
    check: Check | None = None


# Seven digits, with at most a little punctuation between them: every number rule needs that many,
# so they all skip texts without (searched once per text, not once per rule).
DIGITS = re.compile(r"\d(?:[^\S\n]?[().+/-]?[^\S\n]?\d){6}")

_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the at in on of to for by not no none null nil empty unset set required optional "
        "needed missing wrong invalid expired hidden redacted same different mandatory changed "
        "reset stored rotated long short strong weak secure safe",
    )
)
_METADATA = re.compile(
    r"(?i)(?:name|type|length|len|expiry|expires(?:_?at|_?in)?|ttl|count|limit|policy|version"
    r"|hint|url|uri|endpoint|file|path|id|tokens|keys|secrets)$|^(?:max|min|num|n)[_-]"
)
_LENGTH_WORDS = re.compile(r"(?i)\s*(?:characters?|chars?|digits?|letters?|long|minimum|days?)\b")


def _spoken_value(match: re.Match[str]) -> Span | None:
    """'my password is hunter2': a value that looks chosen, not a word of the sentence."""
    value = match.group("value").rstrip(".,;:)")
    end = match.start("value") + len(value)
    if value.lower() in _STOPWORDS or _LENGTH_WORDS.match(match.string, end):
        return None
    quoted = bool(match.group("quote"))
    looks_chosen = bool(re.search(r"[\d\W_]|.[A-Z]", value))
    possessive = bool(match.group("owner"))
    plain_word = value.isalpha() and value.islower() and not value.endswith(("ed", "ing"))
    if quoted or looks_chosen or (possessive and plain_word and len(value) >= 4):
        return match.start("value"), end
    return None


def _assigned_value(match: re.Match[str]) -> Span | None:
    """``name = value``: compound names (DB_PASSWORD) take any value, bare ones a chosen one."""
    name, value = match.group("name"), match.group("value") or match.group("quoted")
    if not value or value.startswith("[REDACTED") or value.lower() in _STOPWORDS:
        return None
    # SharedAccessKeyName, token_type, max_tokens, password_length: about a secret, not one
    if not _SECRET_NAME.search(name) or _METADATA.search(name):
        return None
    compound = bool(re.search(r"[_.-]|[a-z][A-Z]", name)) or name.isupper()
    chosen = bool(re.search(r"\d|[^\w\s]", value)) or len(value) >= 12
    if (compound and len(value) >= 3) or (chosen and len(value) >= 6):
        return match.span("value") if match.group("value") else match.span("quoted")
    return None


# --- names that mark a secret value --------------------------------------------------------------
_SECRET_WORD = (
    r"pass(?:word|wd|phrase)|pwd|secret|token|credentials?|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|account[_-]?key|shared[_-]?access[_-]?key|signing[_-]?key"
    r"|encryption[_-]?key|master[_-]?key|client[_-]?secret|auth[_-]?key|authkey"
)
_SECRET_NAME = re.compile(rf"(?i:{_SECRET_WORD})|[A-Z0-9]_KEY$|^(?:AccountKey|SharedAccessKey)$")
# The name is matched loosely and confirmed by the check: a pattern that looked for the secret
# word inside every identifier would be many times slower on ordinary text.
_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_.-])(?P<name>[A-Za-z_][A-Za-z0-9_.-]{1,80})[\"']?[ \t]*(?::=|=>|[:=])[ \t]*"
    r"(?:(?P<q>[\"'`])(?P<quoted>[^\"'`\n]{1,200})(?P=q)"
    r"|(?P<value>(?:[^\s\"'`,;&<>]|&(?![A-Za-z_][\w.-]*=))+))"
)

RULES: tuple[Rule, ...] = (
    # Whole blocks and headers first, so their insides are not half-matched by later rules.
    Rule(
        "private_key",
        ("private key",),
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"|[A-Za-z0-9+/=\s:,\\-]*)"
        ),
    ),
    Rule(
        "bearer",
        ("bearer",),
        re.compile(
            # In a header any token; in prose ("the bearer of ...") only one with a digit.
            r"(?i)(?:authorization[\"']?\s*[:=]\s*[\"']?(?P<header>bearer\s+)"
            r"|(?<![A-Za-z0-9])bearer\s+(?=[A-Za-z0-9._~+/-]*\d))[A-Za-z0-9._~+/-]{16,}=*"
        ),
        from_group_to_end("header"),
    ),
    Rule(
        "jwt",
        ("eyj",),
        re.compile(rf"{_L}eyJ[A-Za-z0-9_-]{{8,}}\.eyJ[A-Za-z0-9_-]{{8,}}\.[A-Za-z0-9_-]{{8,}}"),
    ),
    Rule(
        "basic_auth",
        ("basic",),
        re.compile(r"(?i)(?<![A-Za-z0-9])basic\s+(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])"),
        basic_credentials,
    ),
    Rule(
        "authorization",
        ("authorization",),
        re.compile(
            r"(?i)(?<![A-Za-z0-9])authorization[\"']?\s*[:=]\s*[\"']?(?:[A-Za-z0-9-]+\s+)?"
            r"(?P<value>(?=[A-Za-z0-9._~+/=:-]*\d)[A-Za-z0-9._~+/=:-]{12,})"
        ),
        group("value"),
    ),
    # Provider tokens: fixed prefixes, so they are caught anywhere.
    Rule("anthropic_key", ("sk-ant-",), re.compile(rf"{_L}sk-ant-[A-Za-z0-9_-]{{20,}}")),
    Rule(
        "api_key",
        ("sk-",),
        re.compile(rf"{_L}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{{20,}}"),
    ),
    Rule(
        "stripe_key",
        ("_live_", "_test_", "whsec_"),
        re.compile(
            rf"{_L}(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{{10,}}|whsec_[A-Za-z0-9]{{20,}})"
        ),
    ),
    Rule(
        "aws_key",
        ("akia", "asia", "abia", "acca", "agpa", "aida", "aipa", "anpa", "anva", "aroa"),
        re.compile(
            rf"{_L}(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[0-9A-Z]{{16}}{_R}"
        ),
    ),
    Rule("google_api_key", ("aiza",), re.compile(rf"{_L}AIza[0-9A-Za-z_-]{{30,}}")),
    Rule("google_oauth", ("ya29.",), re.compile(rf"{_L}ya29\.[0-9A-Za-z_-]{{20,}}")),
    Rule(
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(rf"{_L}(?:gh[pousr]_[A-Za-z0-9]{{30,}}|github_pat_[A-Za-z0-9_]{{40,}})"),
    ),
    Rule(
        "gitlab_token",
        ("gl",),
        re.compile(rf"{_L}gl(?:pat|dt|rt|ptt|cbt|imt|oas|ft|soat|agent)-[0-9A-Za-z_-]{{20,}}"),
    ),
    Rule("huggingface_token", ("hf_",), re.compile(rf"{_L}hf_[A-Za-z0-9]{{30,}}")),
    Rule(
        "slack_token",
        ("xox", "xapp-", "hooks.slack.com"),
        re.compile(
            rf"{_L}(?:xox[abposr]-[A-Za-z0-9-]{{10,}}|xapp-[A-Za-z0-9-]{{10,}}"
            r"|hooks\.slack\.com/services/[A-Za-z0-9/]{20,})"
        ),
    ),
    Rule(
        "package_token",
        ("npm_", "pypi-", "sg.", "dop_v1_", "shpat_", "dapi"),
        re.compile(
            rf"{_L}(?:npm_[A-Za-z0-9]{{36}}|pypi-AgE[A-Za-z0-9_-]{{30,}}"
            r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|do[opr]_v1_[a-f0-9]{64}"
            r"|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|dapi[a-f0-9]{32})"
        ),
    ),
    Rule(
        "url_credentials",
        ("://",),
        re.compile(r"(?<=://)[^/\s:@]*:(?P<value>[^/\s@]+)(?=@)"),
        group("value"),
    ),
    Rule(
        "signature",
        ("sig=",),
        re.compile(r"(?i)(?<=[?&;])sig=(?P<value>[^&\s\"'<>]{16,})"),
        group("value"),
    ),
    Rule("secret", None, _ASSIGNMENT, _assigned_value),
    Rule(
        "secret",
        ("pass", "pwd", "pin", "secret", "token", "key", "code"),
        re.compile(
            r"(?i)(?<![A-Za-z0-9])(?P<owner>(?:my|our|his|her|their|your)\s+)?"
            r"(?:\w+\s+)?(?:password|passwd|passphrase|passcode|pwd|pin|secret|token|api\s+key)"
            r"(?:\s+(?:for|of|to|on|at)(?:\s+[\w.@-]+){1,3}?)?"  # "password for the vpn is"
            r"\s+(?:is|was|=)\s*(?::\s*)?(?:now\s+)?"
            r"(?P<quote>[\"'“‘`])?(?P<value>[^\s\"'”’`]{3,64})"
        ),
        _spoken_value,
    ),
    # A 40-character AWS secret access key: both cases and a digit, nothing alphanumeric around.
    Rule(
        "aws_secret",
        None,
        re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
        mixed_case_digit,
    ),
    # Personal data. Numbers are confirmed by checksum or shape so amounts and ids survive.
    Rule(
        "card_number",
        DIGITS,
        re.compile(r"(?<![\d.,-])\d(?:[ -]?\d){12,18}(?![\d-]|[.,]\d)"),
        card,
    ),
    Rule(
        "iban",
        DIGITS,
        re.compile(r"(?i)(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,34}"),
        iban,
    ),
    Rule(
        "ssn",
        DIGITS,
        re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])"),
    ),
    Rule(
        "ssn",
        ("ssn", "social security"),
        re.compile(
            r"(?i)(?:ssn|social security(?: number| no\.?)?)\s*(?:is|:|#)?\s*"
            r"(?P<value>(?!000|666|9\d\d)\d{3}[ ]?\d{2}[ ]?\d{4})(?!\d)"
        ),
        group("value"),
    ),
    Rule(
        "phone",
        DIGITS,
        re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\)|[ .-]?\d{1,5}){2,6}(?![\w-]|[.,]\d)"),
        digit_count(8, 15),
    ),
    Rule(
        "phone",
        DIGITS,
        re.compile(r"(?<![\w.-])(?:\(\d{3}\)[ ]?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-]|[.,]\d)"),
    ),
    Rule(
        "phone",
        DIGITS,
        re.compile(
            r"(?<![\w.,-])0(?:[1-9](?:[ .-]\d{2}){4}|\d{2,4}[ /-]\d{3,4}[ -]\d{3,4}"
            r"|\d{2,4}[ /-]\d{6,8})(?![\w-]|[.,]\d)"
        ),
    ),
    Rule(
        "phone",
        ("phone", "tel", "mobile", "cell", "fax", "whatsapp", "call", "text me", "reach me"),
        re.compile(
            r"(?i)(?:phone|tel|telephone|mobile|cell|fax|whatsapp|call(?: me)?|text me|reach me)"
            r"(?:\s+(?:number|no\.?|nr\.?|on|at))?\s*[:#]?\s*"
            r"(?P<value>\+?\(?\d[\d ().-]{5,18}\d)(?![\w-]|[.,]\d)"
        ),
        digit_count(7, 15, "value"),
    ),
    Rule(
        "email",
        ("@",),
        re.compile(
            r"(?<![\w.+/-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b"
        ),
    ),
)


def spans(rule: Rule, text: str) -> list[Span]:
    """Where ``rule`` matches ``text`` (after its check), in order."""
    found = []
    for match in rule.pattern.finditer(text):
        span = (rule.check or whole)(match)
        if span is not None and span[1] > span[0]:
            found.append(span)
    return found


__all__ = ["DIGITS", "RULES", "Rule", "spans"]
