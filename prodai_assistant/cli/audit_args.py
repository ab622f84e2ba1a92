"""Values on the `prodai audit` and `prodai feedback` command lines: dates, ages, limits, heads.

Every bad value is an InputError (one `error:` line, exit 2), never a traceback: huge ages and
limits used to escape as OverflowError.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from ..errors import InputError

_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_LIMIT = 1_000_000  # --limit: far more than a terminal shows, far less than SQL integers hold
MAX_BENCH = 100_000


def parse_when(text: str, *, now: datetime | None = None, flag: str = "--since") -> datetime:
    """'2025-01-31', an ISO timestamp, 'today', or '7d' / '12h' / '30m' / '2w' ago (UTC)."""
    now = now or datetime.now(UTC)
    value = text.strip().lower()
    if value == "today":
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        match = _RELATIVE.match(value)
        if match:
            return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        moment = datetime.fromisoformat(text.strip())
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # an age reaching before year 1, or a timedelta too large to build
        raise InputError(
            f"{flag} {text!r} is out of range: give a date after year 1 or a smaller age"
        ) from None
    except ValueError:
        raise InputError(
            f"{flag} {text!r} is not a date: use YYYY-MM-DD, an ISO timestamp, 'today', "
            "or an age such as 7d, 12h, 30m, 2w"
        ) from None


def days_ago(days: int, flag: str) -> datetime:
    """Now minus ``days``; an InputError (not an OverflowError) when that is before year 1."""
    try:
        return datetime.now(UTC) - timedelta(days=days)
    except OverflowError:
        raise InputError(f"{flag} {days} is out of range: give fewer days") from None


def at_most(value: int, maximum: int, flag: str) -> int:
    if value > maximum:
        raise InputError(f"{flag} {value} is too large: give at most {maximum:,}")
    return value


_HEAD = re.compile(r"^(\d{1,18}):([0-9a-f]{8,64})$")


def parse_head(text: str) -> tuple[int, str]:
    """'120:3fa2c1d4e5f6a7b8' (as verify prints it) -> (120, '3fa2c1d4e5f6a7b8')."""
    match = _HEAD.match(text.strip().lower())
    if not match:
        raise InputError(
            f"--head {text!r} is not a head: give SEQ:HASH as `prodai audit verify` printed it, "
            "e.g. 120:3fa2c1d4e5f6a7b8"
        )
    return int(match.group(1)), match.group(2)


def when_range(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    since = parse_when(args.since) if getattr(args, "since", None) else None
    until = parse_when(args.until, flag="--until") if getattr(args, "until", None) else None
    return since, until


def add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="WHEN", help="YYYY-MM-DD, ISO time, today, or 7d/12h")
    parser.add_argument("--until", metavar="WHEN", help="end of the range (exclusive)")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


__all__ = [
    "MAX_BENCH",
    "MAX_LIMIT",
    "add_range",
    "at_most",
    "days_ago",
    "parse_head",
    "parse_when",
    "positive",
    "when_range",
]
