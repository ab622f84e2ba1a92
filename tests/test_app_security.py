"""The app's security (issues 8, 9 and 15): no user text is rendered as markdown or HTML, the
Operations page is behind an operator password, and `streamlit run app.py` listens on loopback
only and makes no outbound connection or DNS lookup of its own."""

from __future__ import annotations

import html
import http.client
import io
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from app_support import PAGES, start
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import TextInput

from prodai_assistant.audit import MemoryAuditStore, record_from_answer, settings_snapshot
from prodai_assistant.cli import main
from prodai_assistant.cli.admin import read_password
from prodai_assistant.config import Settings
from prodai_assistant.errors import ConfigError, InputError
from prodai_assistant.models import Assessment
from prodai_assistant.passwords import hash_password, verify_password
from prodai_assistant.testing import CHROMIUM, CHROMIUM_ARGS, FakeAssistant
from prodai_assistant.ui import access, render, services

REPO = Path(__file__).resolve().parent.parent
PAYLOAD = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    "![pixel](http://evil.example/p.png) # Heading **bold**"
)
DESCRIPTION = (
    "Our fraud model is live in production, integrated in the claims workflow, monitored by "
    "the MLOps team with an on-call rota, and its savings are booked in the P&L every quarter "
    "according to finance, who review the numbers with the operations team every month."
)
# Our own markup: bold labels, bullets, paragraphs and line breaks. Nothing a payload could add.
OWN_TAGS = {"p", "br", "strong", "ol", "ul", "li", "em"}
# What the payload would bring if any HTML block let it through as markup (raw, or as markdown
# a blank line in the block would hand to the markdown parser).
PAYLOAD_TAGS = {"script", "img", "h1", "iframe", "object", "embed"}
PAYLOAD_TEXT = html.escape("<script>alert(1)</script> <img src=x onerror=alert(2)>")


class QuotingAssistant(FakeAssistant):
    """A fake whose assessments quote the description in every text field, as a classifier
    quoting the user's words would. One step per gap: the scorecard shows each gap as the
    reason for its step."""

    def classify(self, description: str) -> Assessment:
        plain = super().classify(description)
        quoted = f"{plain.reason} ({PAYLOAD})"
        gaps = [f"Gap quoting {PAYLOAD}", *plain.gaps]
        return plain.model_copy(
            update={
                "reason": quoted,
                "gaps": gaps,
                "next_steps": [f"Step quoting {PAYLOAD}", *(f"Close: {g}" for g in gaps[1:])],
                "stakeholder_notes": {
                    k: f"{v} {PAYLOAD}" for k, v in plain.stakeholder_notes.items()
                }
                or {"cfo": f"Note {PAYLOAD}"},
            }
        )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        self.links.update(v or "" for name, v in attrs if name in ("href", "src", "action"))


def rendered_tags(markdown: str) -> _Tags:
    """The HTML tags a CommonMark renderer (raw HTML allowed) makes of ``markdown``."""
    parser = _Tags()
    parser.feed(MarkdownIt("commonmark", {"html": True}).render(markdown))
    return parser


def assert_inert(at: AppTest) -> None:
    """Every markdown element that shows the payload shows it as text; so does every block of
    our own HTML (the scorecard's verdict and criteria), where it must arrive HTML-escaped."""
    shown = [m for m in at.markdown if not m.proto.allow_html and "alert" in m.value]
    assert shown, "the payload is not on the page at all"
    for element in shown:
        parsed = rendered_tags(element.value)
        assert parsed.tags <= OWN_TAGS, (parsed.tags, element.value)
        assert not parsed.attrs, element.value
    blocks = [m.value for m in at.markdown if m.proto.allow_html and "alert" in m.value]
    assert any(PAYLOAD_TEXT in b for b in blocks), "the reason is not in the scorecard's HTML"
    for block in blocks:
        parsed = rendered_tags(block)
        assert not parsed.tags & PAYLOAD_TAGS, (parsed.tags, block)
        assert not {a for a in parsed.attrs if a.startswith("on") or a == "src"}, block
        assert not [u for u in parsed.links if re.match(r"[a-z][a-z0-9+.-]*:", u, re.I)], block


@pytest.fixture(autouse=True)
def _no_shared_assistant() -> Iterator[None]:
    services.set_assistant_factory(None)
    yield
    services.set_assistant_factory(None)


def open_app(tmp_path: Path, page: str | None = None) -> AppTest:
    """The app as a browser gets it (app_support.start), with the quoting assistant."""
    return start(tmp_path, QuotingAssistant(), MemoryAuditStore(), page=page)


# --- issue 15: the scorecard escapes what may quote the user --------------------------------


def test_the_scorecard_shows_reason_gaps_steps_and_notes_as_text(tmp_path: Path) -> None:
    at = open_app(tmp_path, "classify")
    at.text_area[0].set_value(DESCRIPTION)
    next(b for b in at.button if b.label == "Assess").click().run()
    assert not at.exception, at.exception
    assert_inert(at)
    values = "\n".join(m.value for m in at.markdown)
    for part in ("Gap quoting", "Step quoting", "Note "):  # each field is there, escaped
        assert part in values
    assert "\\<script\\>" in values and "\\[click\\]\\(javascript" in values


def test_an_assessment_in_the_chat_is_escaped_too(tmp_path: Path) -> None:
    at = open_app(tmp_path)
    at.chat_input[0].set_value(DESCRIPTION).run()
    assert not at.exception, at.exception
    assert_inert(at)
    values = "\n".join(m.value for m in at.markdown)
    for part in ("Gap quoting", "Step quoting", "Note "):  # the chat's scorecard shows them all
        assert part in values
    at.run()  # the history is drawn again, without streaming
    assert_inert(at)


def test_escape_fields_keeps_the_markup_around_the_fields() -> None:
    body = "**Verdict: Demo** because <b>x</b>.\n\n**Gaps:**\n- [a](http://e.example)"
    escaped = render.escape_fields(body, ["because <b>x</b>.", "[a](http://e.example)"])
    assert escaped.startswith("**Verdict: Demo** because \\<b\\>x")
    assert rendered_tags(escaped).tags <= OWN_TAGS


# --- issue 9: the Operations page is for operators ------------------------------------------

PASSWORD = "correct horse battery"
HASH = hash_password(PASSWORD, salt=b"a fixed salt")
SECRET_QUESTION = "Is the Falcon merger on, and what is our layoff plan?"


def recorded_store() -> MemoryAuditStore:
    """A trail holding one refused question that only operators may see."""
    store = MemoryAuditStore()
    fake = FakeAssistant()
    answer = fake.ask(SECRET_QUESTION)
    assert answer.refused
    store.record(record_from_answer(answer, settings=Settings(), corpus_hash="", session_id="s"))
    return store


def operations(tmp_path: Path, admin_password: str | None) -> AppTest:
    settings = Settings(data_dir=tmp_path / "data", admin_password=admin_password)
    return start(tmp_path, FakeAssistant(), recorded_store(), page="operations", settings=settings)


def shows_figures(at: AppTest) -> bool:
    text = "\n".join(str(d.value) for d in at.dataframe)
    return bool(at.metric or at.dataframe or at.get("vega_lite_chart")) or "Falcon" in text


def password_box(at: AppTest) -> TextInput:
    return next(t for t in at.main.text_input if t.label == "Operator password")


def log_in(at: AppTest, password: str) -> AppTest:
    password_box(at).set_value(password)
    next(b for b in at.main.button if b.label == "Unlock").click().run()
    assert not at.exception, at.exception
    return at


def test_without_a_password_set_the_page_says_how_and_shows_nothing(tmp_path: Path) -> None:
    at = operations(tmp_path, None)
    assert [i.value for i in at.info] == [access.HOW_TO_ENABLE]
    assert "prodai admin hash-password" in access.HOW_TO_ENABLE
    assert not shows_figures(at) and not at.text_input
    assert not [b for b in at.button if b.label == "Unlock"]


def test_the_page_is_locked_until_the_password_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "FAILURE_DELAY_S", 0.0)
    at = operations(tmp_path, HASH)
    box = password_box(at)
    assert not shows_figures(at) and box.proto.type == box.proto.PASSWORD
    log_in(at, "wrong guess")
    assert not shows_figures(at) and "not the operator password" in at.error[0].value
    log_in(at, PASSWORD)
    assert shows_figures(at) and not at.error
    at.run()  # stays unlocked for this session
    assert shows_figures(at)
    next(b for b in at.button if b.label == "Lock the Operations page").click().run()
    assert not shows_figures(at) and password_box(at)


def test_a_new_password_hash_locks_an_unlocked_session(tmp_path: Path) -> None:
    at = log_in(operations(tmp_path, HASH), PASSWORD)
    assert shows_figures(at)
    at.session_state[services.SETTINGS_KEY] = Settings(
        data_dir=tmp_path / "data", admin_password=hash_password("another password")
    )
    at.run()
    assert not shows_figures(at)


def test_the_hash_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODAI_ADMIN_PASSWORD", HASH)
    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path / "data"))
    at = start(tmp_path, FakeAssistant(), recorded_store(), run=False)
    del at.session_state[services.SETTINGS_KEY]  # no override: the app reads the environment
    at.run()
    at.switch_page(str(PAGES / "operations.py")).run()
    assert not at.exception, at.exception
    assert not shows_figures(at) and password_box(at)
    assert shows_figures(log_in(at, PASSWORD))


def test_a_plain_password_in_the_variable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODAI_ADMIN_PASSWORD", PASSWORD)
    with pytest.raises(ConfigError, match="not a password hash") as error:
        Settings.load()
    assert PASSWORD not in str(error.value)


def test_the_hash_is_in_no_dump_fingerprint_or_audit_snapshot() -> None:
    with_hash, without = Settings(admin_password=HASH), Settings()
    assert with_hash.fingerprint() == without.fingerprint()
    assert "admin_password" not in with_hash.model_dump_json()
    assert "admin_password" not in settings_snapshot(with_hash)
    assert HASH not in repr(with_hash)


def test_hash_password_command_prints_a_verifiable_salted_hash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = []
    for _ in range(2):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["admin", "hash-password"]) == 0
        out, err = capsys.readouterr()
        hashes.append(out.strip())
        assert "PRODAI_ADMIN_PASSWORD" in err and PASSWORD not in out
    assert hashes[0] != hashes[1]  # a new salt each time
    assert all(verify_password(PASSWORD, h) and not verify_password("x", h) for h in hashes)
    assert Settings(admin_password=hashes[0]).admin_password is not None


@pytest.mark.parametrize(("typed", "message"), [("short\n", "at least 8"), ("\n", "at least 8")])
def test_hash_password_refuses_a_weak_password(typed: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_password(io.StringIO(typed))


# --- issue 8: loopback only, and no look-up of the machine's addresses ----------------------


def test_the_config_binds_loopback_and_names_the_address() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["serverAddress"] == "localhost"  # no IP look-up at start-up
    assert config["server"]["enableAgentApi"] is False
    assert set(config["server"]["allowedHosts"]) == {"localhost", "127.0.0.1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail("streamlit was not healthy within 90 s")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group ``process`` leads (strace alone would leave its tracee
    running), then SIGKILL whatever is left after 30 s."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp, tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                raw = bytes.fromhex(address)
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(words)))
    return found


# strace's rendering of a socket address: inet_addr("1.2.3.4") or inet_pton(AF_INET6, "::1", ...)
_INET = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"')
_DNS = re.compile(r"htons\(53\)|nscd|resolve|io\.systemd")


def outbound(trace: str) -> list[str]:
    """Calls in an strace log that reach past loopback, or look a name up."""
    bad = []
    for line in trace.splitlines():
        if not re.search(r"\b(connect|sendto|sendmsg)\(", line):
            continue
        addresses = [a or b for a, b in _INET.findall(line)]
        if _DNS.search(line) or any(not ipaddress.ip_address(a).is_loopback for a in addresses):
            bad.append(line)
    return bad


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace (make system-deps)")
def test_streamlit_run_listens_on_loopback_and_connects_nowhere(tmp_path: Path) -> None:
    port, trace, log = free_port(), tmp_path / "strace.log", tmp_path / "streamlit.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODAI_")}
    env |= {"PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    command = [
        "strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg",
        "-o", str(trace),
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
        "--server.headless", "true", "--server.fileWatcherType", "none",
    ]  # fmt: skip  # the address and the URL come from .streamlit/config.toml alone
    with log.open("wb") as sink:  # its own process group: strace and streamlit stop together
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=sink, stderr=sink, start_new_session=True
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as reply:
            assert reply.status == 200
        listening = listening_addresses(port)
    finally:
        stop_group(process)
    assert outbound(trace.read_text(errors="replace")) == []
    printed = log.read_text(errors="replace")
    assert "Network URL" not in printed and "External URL" not in printed
    assert f"URL: http://localhost:{port}" in printed
    assert listening == {"127.0.0.1"}


def test_the_trace_check_sees_the_lookups_streamlit_used_to_make() -> None:
    # What strace showed for `streamlit run app.py` before server.address/serverAddress were set.
    before = (
        '7407  connect(15, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("8.8.8.8")}'
        ", 16) = 0\n"
        '7407  connect(15, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1\n'
        '7407  connect(15, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")'
        "}, 16) = 0\n"
        '7407  connect(9, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")'
        "}, 16) = 0\n"
    )
    assert len(outbound(before)) == 3


# --- the documented reverse proxy -----------------------------------------------------------

DEPLOY = REPO / "docs" / "deploy.md"
HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def nginx_example() -> str:
    found = re.search(r"```nginx\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    assert found, "docs/deploy.md has no nginx block"
    return found.group(1)


def test_the_nginx_example_sets_every_header_and_blocks_metrics() -> None:
    example = nginx_example()
    for name, value in HEADERS.items():
        assert re.search(rf'add_header {name} "[^"]*{re.escape(value)}[^"]*" always;', example)
    assert re.search(r"location = /_stcore/metrics \{\s*deny all;", example)


def local_example(streamlit_port: int, https_port: int, http_port: int) -> str:
    """The documented configuration on loopback ports, without TLS."""
    example = nginx_example().replace(
        "server 127.0.0.1:8501;", f"server 127.0.0.1:{streamlit_port};"
    )
    example = example.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port};")
    example = example.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    return "\n".join(line for line in example.splitlines() if "ssl_certificate" not in line)


def fetch(url: str, host: str = "localhost") -> tuple[int, dict[str, str]]:
    """Status and headers of a GET, redirects not followed."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=10)
    try:
        connection.request("GET", parsed.path or "/", headers={"Host": host})
        reply = connection.getresponse()
        reply.read()
        return reply.status, dict(reply.headers)
    finally:
        connection.close()


def websocket_handshake(port: int) -> str:
    """The status line nginx returns for Streamlit's WebSocket upgrade."""
    request = (
        "GET /_stcore/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n"
        f"Origin: http://localhost:{port}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).decode(errors="replace").split("\r\n", 1)[0]


@dataclass(frozen=True)
class Proxied:
    app: int  # Streamlit's own port
    https: int  # the documented TLS server, here plain HTTP on loopback
    http: int  # the documented redirect server


@contextmanager
def proxied_app(tmp_path: Path, script: Path) -> Iterator[Proxied]:
    """`streamlit run script` behind the documented nginx configuration, both stopped after."""
    ports = Proxied(free_port(), free_port(), free_port())
    example = local_example(ports.app, ports.https, ports.http)
    example = example.replace("wss://prodai.example.com", f"ws://localhost:{ports.https}")
    (tmp_path / "prodai.conf").write_text(example)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log {tmp_path}/access.log;\n"
        + "".join(f"  {kind}_temp_path {tmp_path}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {tmp_path}/prodai.conf;\n}}\n"
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODAI_")}
    env |= {"PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path)}
    app_log = tmp_path / "streamlit.log"
    with app_log.open("wb") as sink:
        app = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(ports.app),
             "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=REPO, env=env, stdout=sink, stderr=sink, start_new_session=True,
        )  # fmt: skip
    proxy = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        wait_healthy(f"http://127.0.0.1:{ports.app}", app, app_log)
        for _ in range(50):  # nginx starts in well under a second
            if proxy.poll() is not None:
                pytest.fail(proxy.stderr.read().decode() if proxy.stderr else "nginx exited")
            try:
                fetch(f"http://127.0.0.1:{ports.https}/_stcore/health")
                break
            except OSError:
                time.sleep(0.1)
        yield ports
    finally:
        stop_group(proxy)
        stop_group(app)


needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None, reason="needs nginx")


@needs_nginx
def test_the_nginx_example_in_front_of_streamlit(tmp_path: Path) -> None:
    with proxied_app(tmp_path, REPO / "app.py") as ports:
        base = f"http://127.0.0.1:{ports.https}"
        status, headers = fetch(f"{base}/")
        assert status == 200
        for name, value in HEADERS.items():
            assert value in headers.get(name, ""), (name, headers.get(name))
        assert fetch(f"{base}/_stcore/health")[0] == 200
        assert fetch(f"http://127.0.0.1:{ports.app}/_stcore/metrics")[0] == 200  # it exists...
        assert fetch(f"{base}/_stcore/metrics")[0] == 403  # ...but not through the proxy
        assert fetch(f"{base}/_stcore/agent/openapi.json")[0] == 404
        assert websocket_handshake(ports.https).startswith("HTTP/1.1 101")
        assert fetch(f"http://127.0.0.1:{ports.http}/")[0] == 301


FAKE_FACTORY = """
from prodai_assistant.testing import FakeAssistant
from prodai_assistant.ui import services

services.set_assistant_factory(lambda settings, progress: FakeAssistant())
"""


def fake_app(folder: Path) -> Path:
    """app.py's own text, after the lines that set a fake assistant factory. Not exec'd from
    a wrapper: `streamlit run` finds the st.App by reading the script's source (an ``app =
    st.App(...)`` in the file itself); a wrapper is run as a plain script, whose page stays
    empty."""
    script = folder / "fake_app.py"
    script.write_text(FAKE_FACTORY + (REPO / "app.py").read_text(encoding="utf-8"), "utf-8")
    return script


@needs_nginx
@pytest.mark.browser
def test_the_documented_csp_lets_the_app_and_its_charts_run(tmp_path: Path) -> None:
    """Chromium through the proxy: a cited answer, the in-page components and the portfolio
    charts, no CSP violation."""
    from playwright.sync_api import sync_playwright

    from prodai_assistant.ui import examples

    script = fake_app(tmp_path)
    (tmp_path / "portfolio.csv").write_bytes(examples.template_csv())
    with proxied_app(tmp_path, script) as ports, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(60_000)
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.goto(f"http://localhost:{ports.https}/")
        page.get_by_test_id("stChatInputTextArea").fill("What does the CFO see in the P&L?")
        page.keyboard.press("Enter")
        page.get_by_test_id("stChatMessage").nth(1).wait_for()
        # the in-page components (st.components.v2, loaded as blob: modules) ran: the identity
        # one keeps the browser's id in its local storage
        page.wait_for_function(
            "() => /^[0-9a-f]{32}$/.test(localStorage.getItem('prodai.browser'))"
        )
        page.get_by_test_id("stSidebarNavLink").filter(has_text="Portfolio review").click()
        page.set_input_files('input[type="file"]', str(tmp_path / "portfolio.csv"))
        page.get_by_role("button", name=re.compile(r"Assess \d+ projects")).click()
        chart = '[data-testid="stVegaLiteChart"]'
        page.locator(f"{chart} canvas, {chart} svg").first.wait_for()  # drawn by Vega
        assert page.locator(chart).count() >= 2
        browser.close()
    assert [m for m in console if "Content Security Policy" in m] == []
