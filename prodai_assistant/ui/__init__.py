"""The Streamlit app's building blocks. ``render``, ``chat`` and ``portfolio`` are pure (no
Streamlit); ``services``, ``trail``, ``widgets``, ``flows`` and ``shell`` draw the page; the page
scripts in ``pages/`` are run by ``st.navigation`` from ``app.py`` and are not for importing."""
