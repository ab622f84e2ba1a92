"""Streamlit page scripts, run by ``st.navigation`` from ``app.py``; importing one runs it."""
