"""Where the time goes from `streamlit run app.py` on a built index to the first cited answer.

    python benchmarks/browser_timeline.py [--rounds 3] [--data-dir DIR] [--bare] [--repo DIR]

Builds an index once in a temporary data dir (or uses ``--data-dir``), then restarts the app
``--rounds`` times the way the browser test's restart does
(``tests/test_browser_e2e.py::test_restart_on_a_built_index_to_first_answer``): `streamlit run
app.py` headless (through ``timeline_probe.py``, which records the server's side), polls the
health endpoint, opens the page in a new Chromium context as soon as it answers, asks one
question and waits for the answer's sources. Prints each event in seconds after the spawn, the
median over the rounds and the load average before and after; ``--json`` writes the rounds.
``--bare`` adds the same rounds for a bare Streamlit page (a title and a chat box): the floor any
Streamlit page costs on this machine. ``--repo`` runs the app of another checkout (e.g. an
export of main), repeated to take turns between checkouts; ``--profile DIR`` writes a cProfile
of every script run there.

Needs /usr/bin/chromium and the ``playwright`` package (never `playwright install`).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prodai_assistant.testing import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "timeline_probe.py"
QUESTION = "What is Production AI?"
BARE_PAGE = """import streamlit as st
st.title("Is our AI real, or just a demo?")
st.chat_input("Ask a question")
"""
# Rows of the report: (label, event). Server events come from timeline_probe.py; "first" and
# "last" pick the first start or the last end when an event happens more than once.
ROWS = [
    ("probe: interpreter up", "probe_start"),
    ("streamlit imported", "streamlit_imported"),
    ("app.py: startup module imported", "import:prodai_assistant.ui.startup:end"),
    ("lifespan entered (server start hook)", "lifespan:start"),
    ("lifespan yielded (server can serve)", "lifespan:entered"),
    ("health endpoint answers", "health"),
    ("browser: page requested", "goto"),
    ("browser: HTML served (responseEnd)", "html"),
    ("browser: DOMContentLoaded", "dom"),
    ("browser: websocket opened", "websocket"),
    ("session created", "session:start"),
    ("first script run: start", "script_run:start"),
    ("browser: chat box visible", "chat_box"),
    ("first script run: end", "script_run:end"),
    ("assistant build: start", "assistant_build:start"),
    ("  tokenizer loaded", "tokenizer:end"),
    ("  ONNX session: start", "onnx_session:start"),
    ("  ONNX session: end", "onnx_session:end"),
    ("  index open: start", "index_open:start"),
    ("  index open: end", "index_open:end"),
    ("assistant build: end (ready)", "assistant_build:end"),
    ("browser: question sent", "asked"),
    ("ask: start", "ask:start"),
    ("  router model loaded", "router_load:end"),
    ("ask: end", "ask:end"),
    ("browser: answer with sources drawn", "answer"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PROFILE: Path | None = None  # --profile
FILE_WATCHER = "none"  # --file-watcher; the browser test passes none


def env_for(data_dir: Path, log: Path | None = None, repo: Path = REPO) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODAI_")}
    path = os.pathsep.join(p for p in (str(repo), env.get("PYTHONPATH", "")) if p)
    env.update(
        PYTHONPATH=path,
        PRODAI_DATA_DIR=str(data_dir),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    if log is not None:
        env["PRODAI_TIMELINE_LOG"] = str(log)
    if PROFILE is not None:
        env["PRODAI_TIMELINE_PROFILE"] = str(PROFILE)
    return env


def build_index(data_dir: Path) -> None:
    print(f"building the index in {data_dir} ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "prodai_assistant", "index"],
        env=env_for(data_dir),
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("streamlit exited early")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return time.time()
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("streamlit was not healthy in time")


def one_round(
    browser: Any, data_dir: Path, work: Path, script: str, ask: bool, repo: Path = REPO
) -> dict[str, float]:
    """One restart: the events in seconds after the spawn, and the script runs' imports."""
    log = work / f"timeline-{time.time_ns()}.jsonl"
    port = free_port()
    command = [
        sys.executable, str(PROBE), "run", script, "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", FILE_WATCHER,
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    marks: dict[str, float] = {}
    spawned = time.time()
    with (work / "streamlit.log").open("ab") as sink:
        process = subprocess.Popen(
            command, cwd=repo, env=env_for(data_dir, log, repo), stdout=sink, stderr=sink
        )
    try:
        marks["health"] = wait_healthy(url, process)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.on("websocket", lambda _ws: marks.setdefault("websocket", time.time()))
        marks["goto"] = time.time()
        page.goto(url)
        timing = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return [performance.timeOrigin, n.responseEnd, n.domContentLoadedEventEnd]; }"
        )
        origin = timing[0] / 1000
        marks["html"], marks["dom"] = origin + timing[1] / 1000, origin + timing[2] / 1000
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=60_000)
        marks["chat_box"] = time.time()
        if ask:
            box.fill(QUESTION)
            box.press("Enter")
            marks["asked"] = time.time()
            answer = page.get_by_test_id("stChatMessage").nth(1)
            try:
                answer.locator("details.prodai-sources").wait_for(timeout=60_000)
            except Exception:
                page.screenshot(path=str(work / "no-answer.png"))
                raise
            marks["answer"] = time.time()
        context.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    extra: dict[str, Any] = {}
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        item = json.loads(line)
        if item["event"] == "script_run:end" and "first_run_imports" not in extra:
            extra["first_run_imports"], extra["first_run_roots"] = item["imported"], item["roots"]
        marks.setdefault(item["event"], item["t"])  # the first of each (first start, first end)
    result = {k: round(v - spawned, 3) for k, v in marks.items()}
    result.update(extra)
    return result


def report(title: str, rounds: list[dict[str, Any]]) -> None:
    print(f"\n{title}: seconds after `streamlit run` was spawned ({len(rounds)} rounds)")
    print(f"{'event':42s} {'median':>7s}   rounds")
    for label, key in ROWS:
        values = [r[key] for r in rounds if key in r]
        if not values:
            continue
        each = " ".join(f"{v:6.2f}" for v in values)
        print(f"{label:42s} {statistics.median(values):7.2f}   {each}")
    derived = [
        ("page opened -> chat box", "goto", "chat_box"),
        ("question sent -> answer drawn", "asked", "answer"),
        ("ask() itself", "ask:start", "ask:end"),
        ("assistant build", "assistant_build:start", "assistant_build:end"),
    ]
    print("-- spans")
    for label, start, end in derived:
        spans = [r[end] - r[start] for r in rounds if start in r and end in r]
        if spans:
            each = " ".join(f"{v:6.2f}" for v in spans)
            print(f"{label:42s} {statistics.median(spans):7.2f}   {each}")
    for r in rounds[:1]:
        if "first_run_imports" in r:
            roots = ", ".join(r["first_run_roots"][:25])
            print(f"first script run imported {r['first_run_imports']} modules ({roots})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="a data dir with a built index")
    parser.add_argument("--bare", action="store_true", help="also time a bare Streamlit page")
    parser.add_argument("--json", type=Path, help="write the rounds here")
    parser.add_argument("--keep", type=Path, help="keep the logs in this folder")
    parser.add_argument(
        "--repo",
        type=Path,
        action="append",
        help="run the app from this checkout instead (repeat to compare checkouts in turn)",
    )
    parser.add_argument("--profile", type=Path, help="cProfile every script run into here")
    parser.add_argument(
        "--file-watcher", default="none", help="server.fileWatcherType (default: none, as the test)"
    )
    args = parser.parse_args()
    global PROFILE, FILE_WATCHER
    PROFILE, FILE_WATCHER = args.profile, args.file_watcher
    if PROFILE is not None:
        PROFILE.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="prodai-timeline-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data_dir = args.data_dir or work / "data"
        if args.data_dir is None:
            build_index(data_dir)
        bare = work / "bare.py"
        bare.write_text(BARE_PAGE, encoding="utf-8")
        load_before = os.getloadavg()
        repos = [r.resolve() for r in args.repo or [REPO]]
        results: dict[str, list[dict[str, Any]]] = {str(r): [] for r in repos}
        results["bare"] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.rounds):  # in turn, so a changing load falls on all alike
                if args.bare:
                    results["bare"].append(one_round(browser, work, work, str(bare), ask=False))
                for repo in repos:
                    run = one_round(browser, data_dir, work, "app.py", ask=True, repo=repo)
                    results[str(repo)].append(run)
            browser.close()
        load_after = os.getloadavg()
    for repo in repos:
        report(f"app.py on a built index ({repo})", results[str(repo)])
    if args.bare:
        report("bare Streamlit page", results["bare"])
    print(
        "\nload average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
