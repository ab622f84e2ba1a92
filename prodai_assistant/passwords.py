"""Salted scrypt hashes for the operator password (PRODAI_ADMIN_PASSWORD); hashlib only.

A hash reads ``scrypt:<n>:<r>:<p>:<salt hex>:<key hex>``: no ``$``, so it needs no quoting in a
shell or an env file. ``prodai admin hash-password`` prints one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # 16 MiB and about 50 ms per check: slow to guess, quick to log in
_SALT_BYTES, _KEY_BYTES = 16, 32
_MAX_N = 2**17  # a hash from the environment cannot make a check take gigabytes


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A new salted hash of ``password``."""
    salt = salt if salt is not None else secrets.token_bytes(_SALT_BYTES)
    key = _derive(password, salt, N, R, P)
    return f"{SCHEME}:{N}:{R}:{P}:{salt.hex()}:{key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (compared in constant time)."""
    n, r, p, salt, key = parse_hash(stored)
    return hmac.compare_digest(_derive(password, salt, n, r, p), key)


def parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """(n, r, p, salt, key) of a hash; ValueError saying how to make one when it is not."""
    parts = stored.strip().split(":")
    try:
        scheme, n, r, p, salt, key = parts
        parsed = (int(n), int(r), int(p), bytes.fromhex(salt), bytes.fromhex(key))
    except ValueError:
        raise ValueError(_NOT_A_HASH) from None
    n_, r_, p_, salt_, key_ = parsed
    sane = 2**10 <= n_ <= _MAX_N and n_ & (n_ - 1) == 0 and 1 <= r_ <= 32 and 1 <= p_ <= 4
    if scheme != SCHEME or not sane or len(salt_) < 8 or len(key_) != _KEY_BYTES:
        raise ValueError(_NOT_A_HASH)
    return parsed


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=129 * r * n * p + 2**20,
        dklen=_KEY_BYTES,
    )


_NOT_A_HASH = (
    "not a password hash: run `prodai admin hash-password` and set the variable to the "
    "line it prints (never to the password itself)"
)

__all__ = ["hash_password", "parse_hash", "verify_password"]
