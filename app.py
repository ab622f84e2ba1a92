"""Production AI assistant in the browser: `streamlit run app.py`.

Streamlit serves ``prodai_assistant/ui/main.py`` for every page view; ``startup.lifespan``
begins preparing the knowledge base as the server starts, so the first page is ready at once.
"""

import streamlit as st

from prodai_assistant.ui import startup

app = st.App(startup.MAIN_SCRIPT, lifespan=startup.lifespan)
