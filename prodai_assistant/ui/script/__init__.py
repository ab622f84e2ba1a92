"""Holds ``main.py``, the script Streamlit runs for every page view. It lives in a folder of
its own because Streamlit treats a ``pages/`` folder beside the main script as the old
multipage layout and would then skip the main script on reruns."""
