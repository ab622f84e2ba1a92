"""Knowledge base: every document the assistant answers from, with its sections and sources.

``?doc=<id>&section=<slug>`` (the links under each answer's sources) opens that document and
scrolls to that section, marked.
"""

import streamlit as st

from prodai_assistant.models import AUDIENCE_LABELS
from prodai_assistant.ui import browser, knowledge, services

st.title("Knowledge base")
st.caption(
    "The assistant answers only from these documents, and cites them section by section. "
    "The sources are the published work each document draws on."
)

documents = services.assistant().documents()
wanted_doc = st.query_params.get("doc")
wanted_section = st.query_params.get("section")
query = st.text_input("Filter by title, topic or text", placeholder="e.g. CFO, xOps, pilot")
shown = knowledge.filter_documents(documents, query)
st.dataframe(knowledge.overview(shown), hide_index=True, width="stretch", height="content")
if not shown:
    st.info("No document matches that filter.")
target = None
for doc in shown:
    opened = doc.doc_id == wanted_doc
    label = f"**{doc.title}** · {AUDIENCE_LABELS[doc.audience]} · {knowledge.topic_label(doc)}"
    with st.expander(label, expanded=opened):
        intro, sections = knowledge.split_sections(doc)
        if intro:
            st.markdown(intro)
        for heading, body in sections:
            key = knowledge.anchor_key(doc.doc_id, heading)
            marked = opened and knowledge.slug(heading) == wanted_section
            target = key if marked else target
            with st.container(key=key, border=marked):
                st.markdown(f"#### {heading}")
                st.markdown(body)
        if doc.sources:
            st.markdown("**Sources**")
            st.markdown(knowledge.sources_markdown(doc))
browser.scroll_to(f"st-key-{target}" if target else None)
