"""The frame around every page: navigation, the sidebar (lens, index status), error boundary."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ..models import AUDIENCE_LABELS, AUDIENCES
from . import services

PAGES_DIR = Path(__file__).resolve().parent / "pages"


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


def warm_up() -> bool:
    """Load the assistant in the main area, so a first-run index build shows its progress there."""
    with services.friendly_errors("preparing the knowledge base"):
        services.assistant()
        return True
    return False


def sidebar(ready: bool = True) -> None:
    """Stakeholder lens and index status (when the assistant is ``ready``), on every page."""
    with st.sidebar:
        st.selectbox(
            "Stakeholder lens",
            AUDIENCES,
            format_func=lambda key: AUDIENCE_LABELS[key],
            key=services.LENS_KEY,
            help="Frames answers and stakeholder notes for this audience.",
        )
        if ready:
            with services.friendly_errors("reading the index status"):
                _index_status()
        st.caption("Answers come only from the built-in knowledge base, with citations.")


def _index_status() -> None:
    status = services.assistant().status()
    with st.expander("Index status", expanded=False):
        st.markdown(
            f"- Documents: **{status.documents}**\n"
            f"- Chunks: **{status.chunks}**\n"
            f"- Corpus hash: `{status.corpus_hash[:12]}`\n"
            f"- Embedder: `{status.embedder}`\n"
            f"- Answer backend: `{services.settings().llm}`\n"
            f"- Built: {status.built_at[:19].replace('T', ' ')}"
        )
        if status.rebuilt:
            st.info("A damaged index was found and rebuilt from the corpus.")


def run(page: StreamlitPage) -> None:
    """Run the chosen page behind the error boundary."""
    with services.friendly_errors(f"showing the {page.title} page"):
        page.run()


__all__ = ["PAGES_DIR", "pages", "run", "sidebar", "warm_up"]
