"""The file edge of the command line: bounded reads and all-or-nothing writes.

A read stops one byte past its cap, whether the source is a file, a pipe or ``/dev/zero``, and
says what the limit is. A write goes to a temporary file beside its target and replaces the
target only once complete, so an interrupted or failed write (Ctrl-C, a full disk) leaves the
old file as it was and no partial file behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from .errors import InputError, OutputError

MAX_FILE_BYTES = 20 * 1024 * 1024  # a CSV portfolio, a history file: the app's upload limit too
_CHUNK = 1024 * 1024


def read_bounded(source: Path | IO[bytes], limit: int, *, name: str, hint: str = "") -> bytes:
    """At most ``limit`` bytes of ``source``; InputError when it holds more or cannot be read.

    ``name`` says what is read ("'notes.txt'", "standard input"); ``hint`` what to do instead.
    """
    try:
        if isinstance(source, Path):
            with source.open("rb") as handle:
                data = _read_upto(handle, limit + 1)
        else:
            data = _read_upto(source, limit + 1)
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    if len(data) > limit:
        raise InputError(f"{name[0].upper()}{name[1:]} is larger than {_size(limit)}{hint}.")
    return data


def _read_upto(handle: IO[bytes], count: int) -> bytes:
    """Read in chunks, so a huge or endless source never costs more than ``count`` bytes."""
    parts: list[bytes] = []
    left = count
    while left > 0:
        part = handle.read(min(_CHUNK, left))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.0f} MB"
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} bytes"


def same_file(first: Path, second: Path) -> bool:
    """True when both name one file: the same resolved path, or the same inode (a hard link)."""
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist yet
        return False


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 text stream whose content replaces ``path`` only when the block completes.

    Any error (or Ctrl-C) removes the temporary file and leaves ``path`` untouched; an OSError
    becomes an OutputError naming the file. An existing file keeps its permission bits.
    """
    target = path.resolve()
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(f"Cannot write {str(path)!r}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(FileNotFoundError):
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise OutputError(f"Cannot write {str(path)!r}: {exc.strerror or exc}.") from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: Path) -> None:
    with suppress(OSError):
        path.unlink()


__all__ = ["MAX_FILE_BYTES", "atomic_output", "read_bounded", "same_file"]
