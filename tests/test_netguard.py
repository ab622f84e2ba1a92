import socket

import pytest

from prodai_assistant import netguard


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
