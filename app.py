"""Production AI assistant in the browser: `streamlit run app.py`.

Page setup, navigation and the sidebar only; the pages are scripts in prodai_assistant/ui/pages/
and everything they do lives in the prodai_assistant.ui package.
"""

import streamlit as st

from prodai_assistant.ui import shell

st.set_page_config(page_title="Production AI assistant", page_icon="🏭", layout="wide")
page = st.navigation(shell.pages())
ready = shell.warm_up()
shell.sidebar(ready)
shell.run(page)
