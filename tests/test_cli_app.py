"""`prodai app`: the shipped script and settings, the fixed flags, and a real start on loopback."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from prodai_assistant import resources
from prodai_assistant.cli import app
from prodai_assistant.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def test_a_checkout_runs_its_own_app_script_and_settings() -> None:
    assert resources.app_script() == REPO / "app.py"
    assert resources.streamlit_config() == REPO / ".streamlit" / "config.toml"


def test_the_shipped_settings_become_flags() -> None:
    flags = app.config_flags(REPO / ".streamlit" / "config.toml")
    assert flags["client.showErrorDetails"] == "none"
    assert flags["browser.gatherUsageStats"] == "false"
    assert flags["server.maxUploadSize"] == "25"
    assert flags["server.fileWatcherType"] == "none"  # no per-session walk of every module
    assert flags["runner.postScriptGC"] == "false"  # no full collection after every page run


def test_bad_settings_are_one_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("[server\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Cannot read the app settings"):
        app.config_flags(broken)
    assert app.config_flags(tmp_path / "absent.toml") == {}


def test_headless_no_usage_stats_and_loopback_whatever_the_settings_say() -> None:
    args = argparse.Namespace(address="127.0.0.1", port=8600)
    config = {"server.headless": "false", "theme.primaryColor": "#000"}
    argv = app.streamlit_argv(Path("/x/app.py"), config, args, ["--logger.level", "error"])
    assert argv[:2] == ["run", "/x/app.py"]
    pairs = dict(zip(argv[2:-2:2], argv[3:-2:2], strict=True))
    assert pairs == {
        "--server.headless": "true",
        "--theme.primaryColor": "#000",
        "--browser.gatherUsageStats": "false",
        "--server.address": "127.0.0.1",
        "--server.port": "8600",
    }
    assert argv[-2:] == ["--logger.level", "error"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(port: int, proc: subprocess.Popen[str], seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                return str(r.read().decode())
        except OSError:
            time.sleep(0.3)
    return ""


def start_app(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.terminate()
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def test_prodai_app_serves_the_health_endpoint_from_another_folder(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PRODAI_OFFLINE_GUARD": "1",
        "PRODAI_DATA_DIR": str(tmp_path / "data"),
    }
    proc = start_app(
        [sys.executable, "-m", "prodai_assistant", "app", "--port", str(port)], tmp_path, env
    )
    try:
        health = wait_for_health(port, proc)
    finally:
        out, err = stop(proc)
    assert health == "ok", err
    # the shipped settings name the address to print (browser.serverAddress), so Streamlit
    # shows that one URL instead of looking up the machine's network and external addresses
    assert f"URL: http://localhost:{port}" in out
    assert "offline guard: on" in err
