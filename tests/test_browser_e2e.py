"""End to end in a real browser: `streamlit run app.py` headless on loopback, driven with Debian's
Chromium through Playwright. Cold start (empty data dir, so the index is built) to first answer is
measured and printed; screenshots go to artifacts/screenshots/.

Needs /usr/bin/chromium (`make system-deps` installs it). Never runs `playwright install`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 120
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .every(chart => chart.querySelector("svg, canvas"))"""
ANSWER_TIMEOUT_MS = 300_000  # the first answer waits for the index build on a cold data dir

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is absent: run `make system-deps` (apt-get install chromium)",
    ),
]


@dataclass
class Server:
    url: str
    started: float
    process: subprocess.Popen[bytes]
    log: Path
    data_dir: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{server.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit was not healthy within {START_TIMEOUT_S}s")


@contextmanager
def streamlit_run(data_dir: Path, log: Path) -> Iterator[Server]:
    """`streamlit run app.py` headless on a free loopback port, stopped on exit."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PRODAI_")},
        "PRODAI_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Other work may edit package files meanwhile; a reload would rebuild the assistant.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=sink, stderr=sink)
    srv = Server(f"http://127.0.0.1:{port}", started, process, log, data_dir)
    try:
        wait_healthy(srv)
        yield srv
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One app on an empty data dir: its first visitor triggers the index build."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    with streamlit_run(data_dir, tmp_path_factory.mktemp("browser-log") / "streamlit.log") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # only when the browser tests really run

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: object, server: Server, first_run_shot: bool = False):  # type: ignore[no-untyped-def]
    """A new browser session on the chat page, once the chat input is there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    page.goto(server.url)
    if first_run_shot:  # on a cold data dir the first visitor watches the index being built
        try:
            page.get_by_text("Preparing the knowledge base").wait_for(timeout=30_000)
            page.screenshot(path=str(SHOTS / "first-run.png"))
        except PlaywrightTimeout:
            pass  # the build finished before the page drew its progress
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=ANSWER_TIMEOUT_MS)
    return page


def settle(page, quiet_ms: int = 1200) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page stops changing (Streamlit streams elements in over a websocket)."""
    last, stable_since = -1, time.monotonic()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        size = page.evaluate("() => document.body.innerHTML.length")
        if size != last:
            last, stable_since = size, time.monotonic()
        elif (time.monotonic() - stable_since) * 1000 >= quiet_ms:
            page.evaluate("() => document.fonts.ready.then(() => true)")  # icon font loaded
            page.wait_for_function(CHARTS_DRAWN)
            return
        page.wait_for_timeout(200)


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")


def test_chat_then_classify_in_a_real_browser(browser: object, server: Server) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, server, first_run_shot=True)
    ask(page, "What are the four hallmarks of Production AI?")
    messages = page.get_by_test_id("stChatMessage")
    citation = page.get_by_test_id("stExpander").filter(has_text="[1]").first
    citation.wait_for(timeout=ANSWER_TIMEOUT_MS)
    first_answer_s = time.monotonic() - server.started
    print(f"\nstreamlit run -> first answer with citation: {first_answer_s:.1f} s (cold data dir)")
    assert messages.count() == 2
    assert "hallmark" in messages.nth(1).inner_text().lower()
    page.get_by_test_id("stFeedback").first.wait_for()
    settle(page)
    page.screenshot(path=str(SHOTS / "chat.png"))

    page.get_by_test_id("stFeedback").first.locator("button").first.click()  # thumbs up
    page.get_by_label("Anything to add? (optional)").fill("Clear and well sourced.")
    page.get_by_role("button", name="Send comment").click()
    page.get_by_text("Thanks, your feedback and comment were saved.").wait_for()

    citation.locator("summary").click()
    citation.locator("blockquote").first.wait_for()
    assert citation.locator("blockquote").first.inner_text().strip()
    page.screenshot(path=str(SHOTS / "chat-citation.png"))

    started = time.monotonic()
    ask(page, "And how should the CFO think about it?")
    page.get_by_test_id("stChatMessage").nth(3).wait_for()
    page.get_by_test_id("stFeedback").nth(1).wait_for()
    print(f"warm follow-up answer: {time.monotonic() - started:.1f} s")
    assert "cfo" in messages.nth(3).inner_text().lower()

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Assess a project").click()
    page.get_by_role("button", name="Example: in production").click()
    expect(page.get_by_label("Project description")).to_have_value(re.compile("invoice"))
    settle(page)
    page.get_by_role("button", name="Assess").click()
    verdict = page.get_by_test_id("stMetric").filter(has_text="Criteria evidenced")
    error = page.get_by_test_id("stAlertContentError")
    verdict.or_(error).first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert error.count() == 0, error.first.inner_text()
    page.get_by_role("button", name="Download scorecard (JSON)").wait_for()  # the scorecard's end
    settle(page)
    assert page.locator("mark").count() >= 3
    # The badge's text is its icon's ligature name, then the verdict.
    verdicts = re.compile(r"^(?:\w+\s+)?(Production AI|Still a demo|Not assessable)$")
    badge = page.get_by_test_id("stMarkdownContainer").filter(has_text=verdicts)
    assert badge.count() == 1, "the verdict badge"
    page.set_viewport_size({"width": 1400, "height": 3200})  # the scorecard is long
    settle(page)
    page.screenshot(path=str(SHOTS / "classify.png"))

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Operations").click()
    rated = page.get_by_test_id("stMetric").filter(has_text="Positive feedback")
    expect(rated).to_contain_text("100%")  # the thumbs up, read back from the SQLite audit store


def test_sessions_are_isolated_and_html_stays_inert(browser: object, server: Server) -> None:
    first, second = new_page(browser, server), new_page(browser, server)
    payload = '<img src=x onerror="window.__pwned=1"> What is Production AI?'
    ask(first, payload)
    first.get_by_test_id("stChatMessage").nth(1).wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert first.evaluate("window.__pwned === undefined")
    assert "<img src=x" in first.get_by_test_id("stChatMessage").first.inner_text()
    second.reload()
    second.get_by_test_id("stChatInputTextArea").wait_for()
    assert second.get_by_test_id("stChatMessage").count() == 0
    second.close()
    first.close()


def test_knowledge_evaluation_and_operations_pages_render(browser: object, server: Server) -> None:
    page = new_page(browser, server)
    shown = '[data-testid="stMetric"], [data-testid="stAlert"]'  # figures, or "nothing yet"
    for title, ready, shot in [
        ("Portfolio review", '[data-testid="stFileUploaderDropzone"]', "portfolio.png"),
        ("Knowledge base", '[data-testid="stDataFrame"]', "knowledge.png"),
        ("Evaluation", shown, "evaluation.png"),
        ("Operations", shown, "operations.png"),
    ]:
        page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
        page.get_by_role("heading", name=title).first.wait_for()
        page.locator(ready).first.wait_for()
        settle(page)
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=str(SHOTS / shot), full_page=True)
    page.close()


def test_restart_on_a_built_index_to_first_answer(
    browser: object, server: Server, tmp_path: Path
) -> None:
    """A second `streamlit run` on the data dir the first one built: the warm start figure."""
    with streamlit_run(server.data_dir, tmp_path / "streamlit.log") as warm:
        page = new_page(browser, warm)
        ask(page, "What is Production AI?")
        page.get_by_test_id("stExpander").filter(has_text="[1]").first.wait_for(
            timeout=ANSWER_TIMEOUT_MS
        )
        print(f"\nstreamlit run -> first answer, index already built: "
              f"{time.monotonic() - warm.started:.1f} s")  # fmt: skip
        page.close()
