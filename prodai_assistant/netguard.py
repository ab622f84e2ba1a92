"""Refuse every outbound network connection except loopback. Used by the tests (always) and
available to users who want proof that the default mode stays local: with
``PRODAI_OFFLINE_GUARD=1`` the CLI and ``prodai app`` install it before anything else runs.

The switch is read here, straight from the environment, rather than from ``Settings``: it must
be in force before settings, models or libraries load, and it is a property of the process, not
of an answer.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ConfigError

SWITCH = "PRODAI_OFFLINE_GUARD"
_ON, _OFF = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class OutboundConnectionError(RuntimeError):
    """Raised instead of opening a connection that would leave this machine."""


def is_loopback(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="ignore")
    host = str(host).strip("[]").split("%")[0]
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(address: Any) -> None:
    """Raise unless ``address`` (a socket address) is loopback or a Unix socket path."""
    if isinstance(address, str | bytes):  # AF_UNIX path
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_loopback(host):
        raise OutboundConnectionError(f"blocked outbound connection to {address!r}: offline mode")


def _wrap(original: Callable[..., Any], pick: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check_address(pick(*args, **kwargs))
        return original(*args, **kwargs)

    guarded.__prodai_guard__ = True  # type: ignore[attr-defined]
    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


def install() -> None:
    """Patch socket so any non-loopback connect or DNS lookup raises. Idempotent."""
    if getattr(socket.socket.connect, "__prodai_guard__", False):
        return
    socket.socket.connect = _wrap(socket.socket.connect, lambda self, addr: addr)  # type: ignore[method-assign]
    socket.socket.connect_ex = _wrap(socket.socket.connect_ex, lambda self, addr: addr)  # type: ignore[method-assign]
    socket.create_connection = _wrap(socket.create_connection, lambda addr, *a, **k: addr)
    socket.getaddrinfo = _wrap(socket.getaddrinfo, lambda host, *a, **k: (host,))


def installed() -> bool:
    return bool(getattr(socket.socket.connect, "__prodai_guard__", False))


def requested(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``PRODAI_OFFLINE_GUARD`` asks for the guard; ConfigError for an unclear value."""
    raw = (os.environ if environ is None else environ).get(SWITCH, "")
    value = raw.strip().lower()
    if value not in _ON | _OFF:
        raise ConfigError(f"{SWITCH}={raw!r} is not understood: set it to 1 (on) or 0 (off).")
    return value in _ON


def install_if_requested(environ: Mapping[str, str] | None = None) -> bool:
    """Install the guard when ``PRODAI_OFFLINE_GUARD`` is on; True if it is now in force."""
    if requested(environ):
        install()
    return installed()


__all__ = [
    "SWITCH",
    "OutboundConnectionError",
    "check_address",
    "install",
    "install_if_requested",
    "installed",
    "is_loopback",
    "requested",
]
