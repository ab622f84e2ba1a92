"""The frame around every page: navigation, the sidebar (conversations, lens, about), the
settings check and the error boundary."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.navigation.page import StreamlitPage

from ..errors import ConfigError
from ..models import AUDIENCE_LABELS, AUDIENCES
from . import services, sessions

PAGES_DIR = Path(__file__).resolve().parent / "pages"
SIDEBAR_TITLE_CHARS = 42


def pages() -> dict[str, list[StreamlitPage]]:
    """The app's pages in navigation order, grouped into sections."""

    def page(name: str, title: str, icon: str, default: bool = False) -> StreamlitPage:
        path = PAGES_DIR / f"{name}.py"
        return st.Page(path, title=title, icon=icon, url_path=name, default=default)

    return {
        "Assistant": [
            page("chat", "Chat", ":material/chat:", default=True),
            page("classify", "Assess a project", ":material/fact_check:"),
            page("portfolio", "Portfolio review", ":material/table_chart:"),
        ],
        "Reference": [page("knowledge", "Knowledge base", ":material/menu_book:")],
        "Governance": [
            page("evaluation", "Evaluation", ":material/science:"),
            page("operations", "Operations", ":material/monitoring:"),
        ],
    }


def settings_ok() -> bool:
    """False (with the setting to fix shown) when the environment's settings are invalid."""
    try:
        services.settings()
    except ConfigError as exc:
        st.error(str(exc), icon=":material/error:")
        return False
    return True


def sidebar(page: StreamlitPage) -> DeltaGenerator | None:
    """The lens and what the assistant is; returns the place for this browser's conversations
    on the chat page (filled by ``conversations`` once the page has run, so a new one shows)."""
    with st.sidebar:
        slot = st.container() if page.url_path in ("", "chat") else None
        st.selectbox(
            "Stakeholder lens",
            AUDIENCES,
            format_func=lambda key: AUDIENCE_LABELS[key],
            key=services.LENS_KEY,
            on_change=sessions.lens_changed,
            help="Frames answers and stakeholder notes for this audience.",
        )
        with services.friendly_errors("reading about the assistant"):
            _about()
    return slot


def conversations(slot: DeltaGenerator | None) -> None:
    """New chat and this browser's recent conversations, to reopen or delete."""
    if slot is not None:
        with slot:
            _conversations()


def page_extras() -> None:
    """Last: the styles and the page component. Its report of the browser id reruns the app,
    which would cut short a run it arrived in the middle of."""
    with st.sidebar:
        sessions.mount_page_component()


def _conversations() -> None:
    st.button(
        "New chat",
        icon=":material/add_comment:",
        on_click=sessions.new_chat,
        width="stretch",
        key="new-chat",
    )
    items = sessions.recent()
    if not items:
        return
    st.caption("Recent conversations")
    current = services.conversation().id
    for item in items:
        title = item.title
        if len(title) > SIDEBAR_TITLE_CHARS:
            title = title[: SIDEBAR_TITLE_CHARS - 1].rstrip() + "…"
        with st.container(horizontal=True, gap="small", vertical_alignment="center", wrap=False):
            st.button(
                title,
                key=f"open-{item.id}",
                on_click=sessions.reopen,
                args=(item.id,),
                type="primary" if item.id == current else "secondary",
                width="stretch",
                help=f"{item.title} · {item.questions} message(s) · "
                f"{item.updated_at:%d %b %Y %H:%M} UTC",
            )
            st.button(
                "",
                icon=":material/delete:",
                key=f"delete-{item.id}",
                on_click=sessions.delete,
                args=(item.id,),
                type="tertiary",
                help="Delete this conversation",
            )


def _about() -> None:
    with st.expander("About this assistant", icon=":material/info:"):
        st.caption(
            "Answers come only from the built-in knowledge base about Production AI, with a "
            "numbered source for every sentence. Project descriptions are assessed against "
            "the four hallmarks and the bottom-line test."
        )
        ready = services.ready_assistant()
        if ready is None:
            st.caption("The knowledge base is being prepared.")
            return
        status = ready.status()
        cfg = services.settings()
        st.caption(
            "For operators: "
            f"{status.documents} documents, {status.chunks} chunks · "
            f"corpus hash `{status.corpus_hash[:12]}` · embedder `{status.embedder}` · "
            f"answer backend `{cfg.llm}` · index built {status.built_at[:19].replace('T', ' ')}"
            f" · data dir `{cfg.data_dir}`"
        )
        if status.rebuilt:
            st.info("A damaged index was found and rebuilt from the corpus.")


def run(page: StreamlitPage) -> None:
    """Run the chosen page behind the error boundary."""
    with services.friendly_errors(f"showing the {page.title} page"):
        page.run()


__all__ = ["PAGES_DIR", "conversations", "page_extras", "pages", "run", "settings_ok", "sidebar"]
