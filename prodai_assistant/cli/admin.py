"""`prodai admin hash-password`: the value for PRODAI_ADMIN_PASSWORD (the Operations page)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import IO, Any

from ..errors import InputError
from ..passwords import hash_password

MIN_LENGTH = 8
_MAX_LINE = 1024


def register(subparsers: Any) -> None:
    """Add `prodai admin ...` to the `prodai` parser."""
    admin = subparsers.add_parser("admin", help="operator tasks")
    sub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    p = sub.add_parser(
        "hash-password",
        help="print a salted hash of an operator password for PRODAI_ADMIN_PASSWORD",
        description="Asks for the password twice (or reads one line from standard input when "
        "it is not a terminal) and prints its scrypt hash.",
    )
    p.set_defaults(func=cmd_hash_password)


def cmd_hash_password(args: argparse.Namespace, stdin: IO[str] | None = None) -> int:
    password = read_password(stdin or sys.stdin)
    print(hash_password(password))
    print("Set PRODAI_ADMIN_PASSWORD to the line above and restart the app.", file=sys.stderr)
    return 0


def read_password(stream: IO[str]) -> str:
    """The new password: typed twice on a terminal, else the first line of ``stream``."""
    if stream.isatty():
        password = getpass.getpass("Operator password: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("The two passwords differ; run the command again.")
    else:
        password = stream.readline(_MAX_LINE + 1).rstrip("\r\n")
    if len(password) > _MAX_LINE:
        raise InputError(f"The password is longer than {_MAX_LINE} characters.")
    if len(password) < MIN_LENGTH:
        raise InputError(f"Use a password of at least {MIN_LENGTH} characters.")
    return password


__all__ = ["MIN_LENGTH", "cmd_hash_password", "read_password", "register"]
