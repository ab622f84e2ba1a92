"""Production AI assistant in the browser: `streamlit run app.py`.

Streamlit serves ``prodai_assistant/ui/script/main.py`` for every page view. Nothing of the
package is imported here, so the server answers at once: ``lifespan`` imports it in a
background thread as the server starts, and that thread begins preparing the knowledge base
(``prodai_assistant.ui.startup.begin``), so the first page is ready at once.
"""

import importlib.util
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

# Found without running the package's code (importing it takes about a second).
_spec = importlib.util.find_spec("prodai_assistant")
assert _spec is not None and _spec.origin is not None, "prodai_assistant is not installed"
MAIN_SCRIPT = str(Path(_spec.origin).parent / "ui" / "script" / "main.py")


def _begin() -> None:
    from prodai_assistant.ui import startup

    startup.begin()


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """``st.App`` start-up hook: prepare the assistant in the background; serve meanwhile."""
    threading.Thread(target=_begin, name="prodai-startup", daemon=True).start()
    yield


app = st.App(MAIN_SCRIPT, lifespan=lifespan)
