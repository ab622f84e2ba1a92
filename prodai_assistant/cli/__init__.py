"""`prodai` command line. Each sub-command group lives in its own module with a
``register(subparsers)`` function; commands are thin wrappers over the public API."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, Protocol

from .. import __version__, netguard
from ..errors import ProdAIError
from . import app, audit, classify, core, evaluate, feedback


class CommandGroup(Protocol):
    """A module (or test fake) that adds sub-commands; each sets ``func`` on its parser."""

    def register(self, subparsers: Any) -> None: ...


# Modules that add sub-commands, in help order. Imported above, so a broken one fails loudly.
COMMAND_MODULES: tuple[CommandGroup, ...] = (core, classify, evaluate, audit, feedback, app)


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
        return int(args.func(args) or 0)
    except ProdAIError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`prodai ask ... | head`): stop quietly, as shell tools do.
        # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
