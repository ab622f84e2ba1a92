import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from prodai_assistant import netguard
from prodai_assistant.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def test_guard_is_installed_for_the_whole_session() -> None:
    assert netguard.installed()


@pytest.mark.parametrize("host", ["203.0.113.7", "10.1.2.3", "example.org", "2001:db8::1"])
def test_outbound_addresses_are_refused_before_any_packet(host: str) -> None:
    assert netguard.installed()  # without the guard this test must not try to connect
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    with sock, pytest.raises(netguard.OutboundConnectionError):
        sock.connect((host, 9))


def test_dns_lookups_of_remote_names_are_refused() -> None:
    assert netguard.installed()
    with pytest.raises(netguard.OutboundConnectionError):
        socket.getaddrinfo("pypi.org", 443)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.5.5.5"])
def test_loopback_is_allowed(host: str) -> None:
    assert netguard.is_loopback(host)


def test_loopback_connection_really_works() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with server, socket.create_connection(server.getsockname(), timeout=2):
        pass


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), (" ON ", True), ("", False), ("0", False), ("off", False)],
)
def test_the_switch_reads_common_spellings(value: str, expected: bool) -> None:
    assert netguard.requested({netguard.SWITCH: value}) is expected
    assert netguard.requested({}) is False


def test_an_unclear_switch_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="PRODAI_OFFLINE_GUARD='maybe'"):
        netguard.requested({netguard.SWITCH: "maybe"})


# A fresh interpreter (the test session already has the guard): does the CLI install it?
CLI_THEN_CONNECT = """
import socket, sys
from prodai_assistant import cli, netguard
assert cli.main(["sources"]) == 0
print("installed", netguard.installed())
if netguard.installed():
    try:
        socket.create_connection(("203.0.113.7", 9), timeout=1)
    except netguard.OutboundConnectionError:
        print("blocked")
"""


def run_cli(switch: str | None, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != netguard.SWITCH}
    env["PYTHONPATH"] = str(REPO)
    if switch is not None:
        env[netguard.SWITCH] = switch
    return subprocess.run(
        [sys.executable, *(argv or ("-c", CLI_THEN_CONNECT))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_installs_the_guard_when_the_switch_is_on() -> None:
    done = run_cli("1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["installed True", "blocked"]


def test_the_cli_leaves_sockets_alone_when_the_switch_is_off() -> None:
    done = run_cli(None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "installed False"


def test_an_unclear_switch_stops_the_cli_with_one_line() -> None:
    done = run_cli("maybe", "-m", "prodai_assistant", "sources")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: PRODAI_OFFLINE_GUARD='maybe' is not understood: set it to 1 (on) or 0 (off).\n"
    )
