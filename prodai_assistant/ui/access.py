"""The operator password in front of the Operations page (PRODAI_ADMIN_PASSWORD).

The variable holds a salted scrypt hash (`prodai admin hash-password`), never the password.
Without it the page is off and says how to turn it on. A session that gave the password stays
unlocked until it locks the page again or the hash changes.
"""

from __future__ import annotations

import hashlib
import time

import streamlit as st

from ..passwords import verify_password
from . import services

UNLOCKED_KEY = "prodai.operator"
FAILURE_DELAY_S = 1.0  # each wrong guess costs the guesser a second
HOW_TO_ENABLE = (
    "The Operations page is off: it shows what people asked, so it is for operators only. To "
    "turn it on, run `prodai admin hash-password`, set `PRODAI_ADMIN_PASSWORD` to the line it "
    "prints and restart the app."
)


def require_operator() -> bool:
    """True for a session that gave the operator password; otherwise draw the lock and False."""
    secret = services.settings().admin_password
    if secret is None:
        st.info(HOW_TO_ENABLE, icon=":material/lock:")
        return False
    stored = secret.get_secret_value()
    if st.session_state.get(UNLOCKED_KEY) == _tag(stored):
        st.button("Lock the Operations page", icon=":material/lock:", on_click=lock)
        return True
    with st.form("operator-login"):
        password = st.text_input("Operator password", type="password")
        submitted = st.form_submit_button("Unlock", icon=":material/lock_open:")
    if submitted:
        if verify_password(password, stored):
            st.session_state[UNLOCKED_KEY] = _tag(stored)
            st.rerun()
        time.sleep(FAILURE_DELAY_S)
        st.error("That is not the operator password.", icon=":material/error:")
    return False


def lock() -> None:
    st.session_state.pop(UNLOCKED_KEY, None)


def _tag(stored: str) -> str:
    """What the session keeps: a digest of the hash, so changing the password locks it."""
    return hashlib.sha256(stored.encode()).hexdigest()


__all__ = ["FAILURE_DELAY_S", "HOW_TO_ENABLE", "UNLOCKED_KEY", "lock", "require_operator"]
