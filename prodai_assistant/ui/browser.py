"""What runs in the browser: its id (kept in its own local storage), clickable source markers,
a new answer brought into view, a linked section scrolled to, and the app's shared styles.

One Streamlit component (``st.components.v2``, run in the page, no iframe), mounted last on
every page with the app's styles (``extras``): it reports the browser id once per page load
and acts on what the page asked for in this run (``reveal``, ``scroll_to``). It sends nothing
anywhere but back to this app. (One component and styles through ``st.markdown``: each
component and ``st.html`` cost a first page view about a tenth of a second of the browser's
time each on this machine.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from streamlit.components.v2.types import ComponentRenderer

_IDENTITY_JS = """
function reportBrowser(setStateValue) {
  const KEY = "prodai.browser";
  let id = null;
  try { id = window.localStorage.getItem(KEY); } catch (e) { id = null; }
  if (!/^[0-9a-f]{32}$/.test(id || "")) {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    try { window.localStorage.setItem(KEY, id); } catch (e) { /* private mode: this tab only */ }
  }
  setStateValue("browser", id);
}
"""

_HELPER_JS = """
const STATE = window.__prodai || (window.__prodai = {
  installed: false, revealed: new Set(), askedAt: 0, scrolledAt: 0, target: null,
});

function flash(el) {
  el.classList.remove("prodai-flash");
  void el.offsetWidth;
  el.classList.add("prodai-flash");
}

function openSource(id) {
  const anchor = document.getElementById(id);
  if (!anchor) return false;
  const details = anchor.closest("details");
  if (details) details.open = true;
  const card = anchor.closest(".prodai-source") || anchor;
  card.scrollIntoView({ block: "center" });
  flash(card);
  return true;
}

function newAnswerButton(message) {
  document.querySelectorAll(".prodai-new-answer").forEach((b) => b.remove());
  const button = document.createElement("button");
  button.className = "prodai-new-answer";
  button.type = "button";
  button.textContent = "\\u2193 New answer";
  const box = document.querySelector('[data-testid="stChatInput"]');
  const rect = box ? box.getBoundingClientRect() : null;
  const left = rect ? rect.left + rect.width / 2 : window.innerWidth / 2;
  const bottom = rect ? window.innerHeight - rect.top + 12 : 120;
  button.style.cssText = `position:fixed;left:${left}px;bottom:${bottom}px;` +
    "transform:translateX(-50%);" +
    "z-index:1000;padding:.45rem 1rem;border-radius:999px;border:1px solid #2452b8;" +
    "background:#2452b8;color:#fff;font:600 .9rem sans-serif;cursor:pointer;" +
    "box-shadow:0 2px 8px rgba(0,0,0,.25);";
  button.addEventListener("click", () => {
    message.scrollIntoView({ block: "start" });
    button.remove();
  });
  document.body.appendChild(button);
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { button.remove(); seen.disconnect(); }
  });
  seen.observe(message);
}

function revealAnswer(id) {
  const find = () => {
    const el = document.querySelector(".st-key-answer-" + id);
    return el && (el.closest('[data-testid="stChatMessage"]') || el);
  };
  const asked = STATE.askedAt;
  const attempt = (tries) => {
    const message = find();
    if (!message) {
      if (tries > 0) setTimeout(() => attempt(tries - 1), 100);
      return;
    }
    if (STATE.scrolledAt > asked && asked > 0) { newAnswerButton(message); return; }
    message.scrollIntoView({ block: "start" });
    // The page may still grow (charts, fonts); keep the answer's start in view meanwhile.
    [250, 700, 1500].forEach((ms) => setTimeout(() => {
      if (STATE.scrolledAt <= asked || asked === 0) message.scrollIntoView({ block: "start" });
    }, ms));
  };
  attempt(30);
}

function revealTarget(cls) {
  const attempt = (tries) => {
    const el = document.querySelector("." + cls);
    if (el) { el.scrollIntoView({ block: "start" }); flash(el); return; }
    if (tries > 0) setTimeout(() => attempt(tries - 1), 150);
  };
  attempt(40);
}

function install() {
  STATE.installed = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#src-"]');
    if (link && openSource(link.getAttribute("href").slice(1))) event.preventDefault();
    if (event.target.closest && event.target.closest(
      '[data-testid="stChatInputSubmitButton"], [class*="st-key-starter-"]')) {
      STATE.askedAt = Date.now();
    }
  }, true);
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest('[data-testid="stChatInput"]');
    if (typing && event.key === "Enter" && !event.shiftKey) STATE.askedAt = Date.now();
    if (!typing && ["PageUp", "ArrowUp", "Home"].includes(event.key)) STATE.scrolledAt = Date.now();
  }, true);
  const scrolled = () => { STATE.scrolledAt = Date.now(); };
  window.addEventListener("wheel", scrolled, { capture: true, passive: true });
  window.addEventListener("touchmove", scrolled, { capture: true, passive: true });
}

export default function ({ data, setStateValue }) {
  const wanted = data || {};
  // Only when the app does not know it yet: each report reruns the app, and a rerun arriving
  // while the next question is being answered would cut that answer short.
  if (!wanted.known) reportBrowser(setStateValue);
  if (!STATE.installed) install();
  if (wanted.answer && !STATE.revealed.has(wanted.answer)) {
    STATE.revealed.add(wanted.answer);
    revealAnswer(wanted.answer);
  }
  if (wanted.target && STATE.target !== wanted.target) {
    STATE.target = wanted.target;
    revealTarget(wanted.target);
  }
}
"""

STYLES = """
<style>
[data-testid="stChatMessage"], [class*="st-key-kb-"] { scroll-margin-top: 4.5rem; }
.st-key-prodai-extras { display: none; }
a[href^="#src-"] {
  text-decoration: none; font-size: .78em; font-weight: 600; vertical-align: super;
  padding: 0 .1em; border-radius: 3px;
}
a[href^="#src-"]:hover { background: rgba(36, 82, 184, .12); }
details.prodai-sources { margin: .25rem 0 .5rem; font-size: .92rem; }
details.prodai-sources > summary {
  cursor: pointer; color: #4b5563; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; list-style-position: inside;
}
details.prodai-sources > summary b { color: #1d232c; }
.prodai-source {
  border-left: 3px solid #c9d3e6; padding: .35rem .7rem; margin: .5rem 0;
  border-radius: 2px; scroll-margin-top: 5rem;
}
.prodai-source-head { font-weight: 600; margin-bottom: .2rem; overflow-wrap: anywhere; }
.prodai-source-head .prodai-where { font-weight: 400; color: #4b5563; }
.prodai-passage { color: #30343b; line-height: 1.55; overflow-wrap: anywhere; }
.prodai-passage mark { background: #fff1a8; color: inherit; padding: 0 1px; border-radius: 2px; }
.prodai-flash { animation: prodai-flash 1.6s ease-out; }
@keyframes prodai-flash { 0% { background: rgba(255, 214, 10, .45); } 100% { background: none; } }
.prodai-verdict { font-size: 1.55rem; font-weight: 700; line-height: 1.25; margin: .1rem 0 .35rem; }
.prodai-verdict.production { color: #1f7a3d; }
.prodai-verdict.demo { color: #b35c00; }
.prodai-verdict.not_assessable { color: #59606b; }
.prodai-levels { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: .3rem 0 .6rem; }
.prodai-levels > div { flex: 1 1 16rem; border: 1px solid #dde2ea; border-radius: .5rem;
  padding: .45rem .7rem; }
.prodai-levels .prodai-figure { font-size: 1.15rem; font-weight: 700; }
.prodai-levels .prodai-meaning { color: #4b5563; font-size: .9rem; }
table.prodai-criteria { width: 100%; border-collapse: collapse; font-size: .92rem; }
table.prodai-criteria th { text-align: left; font-weight: 600; color: #4b5563;
  border-bottom: 2px solid #dde2ea; padding: .35rem .5rem; }
table.prodai-criteria td { vertical-align: top; border-bottom: 1px solid #eceff3;
  padding: .45rem .5rem; overflow-wrap: anywhere; }
table.prodai-criteria td.prodai-name { width: 30%; font-weight: 600; }
table.prodai-criteria td.prodai-status { width: 9rem; white-space: nowrap; }
.prodai-group { display: block; font-weight: 400; color: #6b7280; font-size: .8rem; }
.prodai-pill { display: inline-block; border-radius: 999px; padding: 0 .55rem;
  font-size: .82rem; font-weight: 600; color: #1d232c; }
.prodai-swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 3px;
  margin-right: .35rem; vertical-align: -1px; border: 1px solid rgba(0,0,0,.15); }
.prodai-legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem;
  margin: .2rem 0 .5rem; color: #30343b; }
.prodai-evidence mark { color: #1d232c; border-radius: 3px; padding: 0 2px; }
.prodai-evidence mark.negative {
  text-decoration: underline wavy #d1343a; text-underline-offset: 3px;
}
.prodai-quote { color: #1d232c; font-style: italic; }
@media (max-width: 640px) {
  table.prodai-criteria thead { display: none; }
  table.prodai-criteria, table.prodai-criteria tbody, table.prodai-criteria tr,
  table.prodai-criteria td { display: block; width: auto !important; }
  table.prodai-criteria tr { border-bottom: 1px solid #dde2ea; padding: .35rem 0; }
  table.prodai-criteria td { border: none; padding: .1rem .25rem; white-space: normal; }
  .prodai-verdict { font-size: 1.3rem; }
}
</style>
"""


REQUEST_KEY = "prodai.page_request"


def _component(name: str, js: str) -> ComponentRenderer:
    # Registered on each run: AppTest (and each server) has its own component registry.
    return st.components.v2.component(name, html="<span></span>", js=js)


def reveal(answer: str | None) -> None:
    """Ask the page to bring the answer of chat entry ``answer`` into view (once)."""
    st.session_state.setdefault(REQUEST_KEY, {})["answer"] = answer


def scroll_to(target: str | None) -> None:
    """Ask the page to scroll to (and mark) the element with CSS class ``target``."""
    st.session_state.setdefault(REQUEST_KEY, {})["target"] = target


def extras(key: str, *, known: bool) -> None:
    """Last on every page: the shared styles and the page component (the browser id into
    ``st.session_state[key]`` unless the app ``known`` it, and this run's reveal / scroll
    requests)."""
    wanted = st.session_state.pop(REQUEST_KEY, {})
    data = {"answer": wanted.get("answer"), "target": wanted.get("target"), "known": known}
    with st.container(key="prodai-extras"):
        # Built here from constants only: the one style block of the app.
        st.markdown(STYLES, unsafe_allow_html=True)
        _component("prodai_page", _IDENTITY_JS + _HELPER_JS)(
            key=key, data=data, default={"browser": None}, on_browser_change=lambda: None, height=0
        )


__all__ = ["REQUEST_KEY", "STYLES", "extras", "reveal", "scroll_to"]
