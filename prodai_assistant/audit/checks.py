"""Checks that confirm a pattern's match: checksums for numbers, decoding for tokens.

Each takes the ``re.Match`` and returns the span to redact, or None when the match is not one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

Span = tuple[int, int]
Check = Callable[[re.Match[str]], Span | None]


def whole(match: re.Match[str]) -> Span:
    return match.span()


def group(name: str) -> Check:
    def check(match: re.Match[str]) -> Span | None:
        return match.span(name) if match.group(name) else None

    return check


def from_group_to_end(name: str) -> Check:
    """From where group ``name`` starts (the whole match if it did not take part) to the end."""

    def check(match: re.Match[str]) -> Span | None:
        start = match.start(name) if match.group(name) is not None else match.start()
        return start, match.end()

    return check


def mixed_case_digit(match: re.Match[str]) -> Span | None:
    text = match.group()
    if any(c.isupper() for c in text) and any(c.islower() for c in text):
        return match.span() if any(c.isdigit() for c in text) else None
    return None


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


# Card number prefixes (IIN ranges) of the networks in use; with Luhn they keep order numbers out.
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]|2)|35|50|5[6-8]")


def card(match: re.Match[str]) -> Span | None:
    text = match.group()
    digits = re.sub(r"\D", "", text)
    separators = set(re.sub(r"\d", "", text))
    if not 13 <= len(digits) <= 19 or len(separators) > 1:
        return None
    if not _CARD_PREFIX.match(digits) or not luhn_ok(digits):
        return None
    return match.span()


# IBAN length per country (ISO 13616 registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_ok(iban: str) -> bool:
    """Country length and the ISO 7064 mod-97 check of an IBAN without spaces."""
    iban = iban.upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def iban(match: re.Match[str]) -> Span | None:
    """Take exactly the country's length of characters (spaces between groups allowed)."""
    start, text = match.start(), match.group()
    length = IBAN_LENGTHS.get(text[:2].upper())
    if length is None:
        return None
    taken, end = 0, 0
    for index, char in enumerate(text):
        if char.isalnum():
            taken += 1
            if taken == length:
                end = index + 1
                break
    if not end or (end < len(text) and text[end].isalnum()):
        return None
    compact = text[:end].replace(" ", "").replace("-", "")
    return (start, start + end) if iban_ok(compact) else None


def digit_count(low: int, high: int, group: str | None = None) -> Check:
    def check(match: re.Match[str]) -> Span | None:
        text = match.group(group) if group else match.group()
        count = sum(char.isdigit() for char in text)
        if not low <= count <= high:
            return None
        return match.span(group) if group else match.span()

    return check


def basic_credentials(match: re.Match[str]) -> Span | None:
    """A 'Basic' token that decodes to user:password (so 'basic understanding' is left alone)."""
    token = match.group("value")
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return match.span("value") if b":" in decoded else None


__all__ = [
    "IBAN_LENGTHS",
    "Check",
    "Span",
    "basic_credentials",
    "card",
    "digit_count",
    "from_group_to_end",
    "group",
    "iban",
    "iban_ok",
    "luhn_ok",
    "mixed_case_digit",
    "whole",
]
