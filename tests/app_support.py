"""Shared helpers for the AppTest suites (test_app*.py): start the app as a browser would, ask,
read what the page shows, decode its charts."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from prodai_assistant.audit import MemoryAuditStore
from prodai_assistant.config import Settings
from prodai_assistant.ui import services, sessions, startup

REPO = Path(__file__).resolve().parent.parent
MAIN = str(Path(startup.MAIN_SCRIPT))  # what `streamlit run app.py` serves
PAGES = Path("..") / "pages"  # switch_page paths are relative to the main script
BROWSER = "b" * 32  # a browser id, as the page's local storage would report it
OTHER_BROWSER = "c" * 32
OPERATOR_TERMS = re.compile(r"\b(hash|chunks?|paths?|backend)\b", re.IGNORECASE)


def start(
    tmp_path: Path,
    assistant: object | None = None,
    store: object | None = None,
    *,
    page: str | None = None,
    browser: str | None = BROWSER,
    params: dict[str, str] | None = None,
    settings: Settings | None = None,
    run: bool = True,
) -> AppTest:
    """The app in a new browser session (a new tab, or a reload when ``params`` say so)."""
    at = AppTest.from_file(MAIN, default_timeout=60)
    if assistant is not None:
        at.session_state[services.ASSISTANT_KEY] = assistant
    at.session_state[services.AUDIT_KEY] = store if store is not None else MemoryAuditStore()
    at.session_state[services.SETTINGS_KEY] = settings or Settings(data_dir=tmp_path / "data")
    if browser is not None:
        at.session_state[sessions.BROWSER_KEY] = browser
    for name, value in (params or {}).items():
        at.query_params[name] = value
    if not run:
        return at
    at.run()
    if page:
        at.switch_page(str(PAGES / f"{page}.py")).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def main_text(at: AppTest) -> str:
    """Every piece of text the main area shows (not the sidebar), for 'never shown' checks."""
    parts = [m.value for m in at.main.markdown] + [c.value for c in at.main.caption]
    parts += [e.value for e in at.main.error] + [w.value for w in at.main.warning]
    parts += [i.value for i in at.main.info] + [x.label for x in at.main.expander]
    parts += [b.label for b in at.main.button] + [m.label for m in at.main.metric]
    parts += [m.value for m in at.main.metric]
    return "\n".join(str(p) for p in parts)


def visible_words(markup: str) -> str:
    """Text of markdown/HTML as shown: tags, link targets and attributes dropped."""
    text = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"\]\([^)]*\)", "]", text)


def html_blocks(at: AppTest) -> list[str]:
    """The HTML the page shows (the app's one style block left out)."""
    return [
        m.value for m in at.markdown if m.proto.allow_html and not m.value.startswith("<style>")
    ]


def assistant_messages(at: AppTest) -> list[str]:
    return [
        "\n".join(m.value for m in msg.markdown)
        for msg in at.chat_message
        if msg.name == "assistant"
    ]


def user_messages(at: AppTest) -> list[str]:
    return [msg.markdown[0].value for msg in at.chat_message if msg.name == "user"]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data behind each Altair chart on the page, as the browser receives it."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return [
        convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)
        for chart in at.get("vega_lite_chart")
    ]


def badges(at: AppTest) -> list[tuple[str, str]]:
    """(colour, label) of every st.badge on the page."""
    found = []
    for m in at.markdown:
        found += re.findall(r":(\w+)-badge\[(?::material/\w+: )?([^\]]+)\]", m.value)
    return found
