"""The file edge of the command line: all-or-nothing writes.

A write goes to a temporary file beside its target and replaces the target only once complete,
so an interrupted or failed write (Ctrl-C, a full disk) leaves the old file as it was and no
partial file behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from .errors import OutputError


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


__all__ = ["atomic_output", "same_file"]
