"""`prodai app`: start the Streamlit app from the installed package, as `make run` does."""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import netguard, resources
from ..errors import ConfigError

# The flags `make run` has always passed, plus loopback only: the app is for this machine.
FIXED_FLAGS = {"server.headless": "true", "browser.gatherUsageStats": "false"}


def register(subparsers: Any) -> None:
    """Add `prodai app` to the `prodai` parser."""
    parser = subparsers.add_parser(
        "app",
        help="start the browser app (Streamlit) on this machine",
        description="Start the Streamlit app shipped with the package: headless, usage "
        "statistics off, listening on 127.0.0.1 unless --address says otherwise. Arguments "
        "after -- go to `streamlit run` unchanged.",
    )
    parser.add_argument("--port", type=int, default=8501, help="default: 8501")
    parser.add_argument("--address", default="127.0.0.1", help="default: 127.0.0.1 (loopback)")
    parser.add_argument("streamlit_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=cmd_app)


def cmd_app(args: argparse.Namespace) -> int:
    script = resources.app_script()
    if not script.is_file():
        raise ConfigError(f"The app script is missing at {str(script)!r}: reinstall the package.")
    extra = [a for a in args.streamlit_args if a != "--"]
    argv = streamlit_argv(script, config_flags(resources.streamlit_config()), args, extra)
    if netguard.installed():
        print("offline guard: on (loopback connections only)", file=sys.stderr, flush=True)
    return run_streamlit(argv)


def streamlit_argv(
    script: Path, config: Mapping[str, str], args: argparse.Namespace, extra: list[str]
) -> list[str]:
    """`streamlit run` arguments: shipped settings, then the fixed flags, address and port."""
    options = {
        **config,
        **FIXED_FLAGS,
        "server.address": args.address,
        "server.port": str(args.port),
    }
    flags = [part for key, value in options.items() for part in (f"--{key}", value)]
    return ["run", str(script), *flags, *extra]


def config_flags(path: Path) -> dict[str, str]:
    """The shipped .streamlit/config.toml as 'section.key' -> value, so it applies from any
    folder (Streamlit itself reads that file only from the current one)."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read the app settings {str(path)!r}: {exc}.") from None
    return {
        f"{section}.{key}": _flag_value(value)
        for section, table in data.items()
        if isinstance(table, dict)
        for key, value in table.items()
    }


def _flag_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def run_streamlit(argv: list[str]) -> int:
    """Run Streamlit's own CLI in this process, so the offline guard covers the app too."""
    from streamlit.web import cli as streamlit_cli

    try:
        streamlit_cli.main.main(args=argv, prog_name="streamlit", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


__all__ = ["FIXED_FLAGS", "cmd_app", "config_flags", "register", "streamlit_argv"]
