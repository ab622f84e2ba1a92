"""The script Streamlit runs for every page view; ``app.py`` serves it (``streamlit run app.py``).

Page setup, restoring the conversation the URL names, the sidebar, then the chosen page (a
script in ``pages/``). Run by Streamlit, not imported.
"""

import streamlit as st

from prodai_assistant.ui import services, sessions, shell, startup

with startup.page_run():  # start-up's late imports wait until no page has run for a while
    st.set_page_config(page_title="Production AI assistant", page_icon="🏭", layout="wide")
    page = st.navigation(shell.pages())
    if shell.settings_ok():
        services.start_preparing()  # already under way when app.py started the server
        sessions.restore()  # before the sidebar draws the lens it brings back
        slot = shell.sidebar(page)
        shell.run(page)
        shell.conversations(slot)  # after the page, so a conversation it just began is listed
        shell.page_extras()
