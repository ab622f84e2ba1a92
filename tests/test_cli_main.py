"""The `prodai` entry point: sub-commands listed, argparse errors, one-line expected errors."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from prodai_assistant import cli
from prodai_assistant.cli import main
from prodai_assistant.errors import ConfigError, IndexError_, InputError, ProdAIError

REPO = Path(__file__).resolve().parent.parent
COMMANDS = [
    "index",
    "ask",
    "chat",
    "sources",
    "classify",
    "eval",
    "audit",
    "feedback",
    "app",
    "admin",
]


class FakeCommands:
    """A command group like cli/core.py: `prodai fake` raises or returns what the test set."""

    def __init__(self) -> None:
        self.outcome: BaseException | int | None = None
        self.calls: list[argparse.Namespace] = []

    def register(self, subparsers: Any) -> None:
        parser = subparsers.add_parser("fake", help="a command that only tests know")
        parser.add_argument("--flag", action="store_true")
        parser.set_defaults(func=self.run)

    def run(self, args: argparse.Namespace) -> int | None:
        self.calls.append(args)
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeCommands:
    commands = FakeCommands()
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, commands))
    return commands


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `prodai argv...`, whether it returns or exits."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits for --help and usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def listed_commands(help_text: str) -> list[str]:
    """Sub-command names from the help's COMMAND section, in order."""
    section = help_text.split("COMMAND\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^ {4}(\S+)", section, flags=re.MULTILINE)


def test_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: prodai ")
    assert listed_commands(out) == COMMANDS


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    import prodai_assistant

    assert prodai_assistant.__version__ == version("prodai-assistant")
    code, out, err = run(capsys, "--version")
    assert (code, out, err) == (0, f"prodai {prodai_assistant.__version__}\n", "")


def test_the_installed_module_entry_point_lists_every_command() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "prodai_assistant", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert listed_commands(done.stdout) == COMMANDS


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
        (["classify", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("usage: prodai") and message in err


def test_a_registered_command_runs_with_its_arguments(
    fake: FakeCommands, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "fake", "--flag") == (0, "", "")
    assert [args.flag for args in fake.calls] == [True]


@pytest.mark.parametrize("outcome", [0, 3, None])
def test_the_command_result_is_the_exit_code(
    fake: FakeCommands, capsys: pytest.CaptureFixture[str], outcome: int | None
) -> None:
    fake.outcome = outcome
    assert run(capsys, "fake")[0] == (outcome or 0)


@pytest.mark.parametrize(
    "error",
    [
        ProdAIError("something expected went wrong"),
        InputError("Paste a description of the AI project to classify."),
        ConfigError("Setting 'retrieval.k' is invalid: must be at least 1."),
        IndexError_("Cannot write the index under '/x' (Read-only file system): fix it."),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_prodai_error_is_one_error_line_and_exit_2(
    fake: FakeCommands, capsys: pytest.CaptureFixture[str], error: ProdAIError
) -> None:
    fake.outcome = error
    code, out, err = run(capsys, "fake")
    assert (code, out) == (2, "")
    assert err == f"error: {error}\n"


def test_ctrl_c_is_a_short_line_and_exit_130(
    fake: FakeCommands, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.outcome = KeyboardInterrupt()
    assert run(capsys, "fake") == (130, "", "interrupted\n")


def test_an_unexpected_error_is_not_swallowed(fake: FakeCommands) -> None:
    fake.outcome = RuntimeError("a bug")
    with pytest.raises(RuntimeError, match="a bug"):
        main(["fake"])


BROKEN_MODULE = """
import sys
sys.modules["prodai_assistant.cli.evaluate"] = None  # as if cli/evaluate.py failed to import
from prodai_assistant.cli import main
"""


def test_a_sub_command_module_that_cannot_import_fails_loudly() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_MODULE], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1
    assert "ModuleNotFoundError: import of prodai_assistant.cli.evaluate" in done.stderr


_FLOOD = """
import sys
from prodai_assistant import cli

class Flood:
    def register(self, subparsers):
        sub = subparsers.add_parser("flood")
        sub.set_defaults(func=lambda args: [print("line " * 20) for _ in range(200_000)] and 0)

cli.COMMAND_MODULES = (Flood(),)
sys.exit(cli.main(["flood"]))
"""


def test_a_closed_pipe_ends_quietly_without_a_traceback(tmp_path: Path) -> None:
    # `prodai ... | head -1`: the reader exits early; no BrokenPipeError traceback.
    (tmp_path / "flood.py").write_text(_FLOOD)
    proc = subprocess.run(
        f"{sys.executable} flood.py | head -n 1 >/dev/null; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert proc.returncode == 141
