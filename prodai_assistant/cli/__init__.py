"""`prodai` command line. Each sub-command group lives in its own module with a
``register(subparsers)`` function; commands are thin wrappers over the public API."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from typing import Any, Protocol

from .. import __version__, netguard
from ..errors import ProdAIError
from . import admin, app, audit, classify, core, evaluate, feedback


class CommandGroup(Protocol):
    """A module (or test fake) that adds sub-commands; each sets ``func`` on its parser."""

    def register(self, subparsers: Any) -> None: ...


# Modules that add sub-commands, in help order. Imported above, so a broken one fails loudly.
COMMAND_MODULES: tuple[CommandGroup, ...] = (core, classify, evaluate, audit, feedback, app, admin)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prodai", description="Is our AI real, or just a demo? Offline, cited answers."
    )
    parser.add_argument("--version", action="version", version=f"prodai {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: one clear line and exit code 2 on any expected error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        netguard.install_if_requested()  # PRODAI_OFFLINE_GUARD=1: loopback only, from here on
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a full disk shows here, not in the interpreter's final flush
        return code
    except ProdAIError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`prodai ask ... | head`): stop quietly, as shell tools do.
        _discard_stdout()
        return 141
    except OSError as exc:  # standard output on a full disk, over a file size limit, ...
        where = repr(exc.filename) if exc.filename else "standard output"
        _discard_stdout()
        return _fail(f"Cannot write {where}: {exc.strerror or exc}.")


def _fail(message: str) -> int:
    with suppress(OSError):  # when stderr is gone too, the exit code still says it
        print(f"error: {message}", file=sys.stderr)
    return 2


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail again."""
    with suppress(OSError, ValueError):  # no real stdout (captured, closed): nothing to flush
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
