"""Knowledge base: every document the assistant answers from, with its sections and sources."""

import streamlit as st

from prodai_assistant.models import AUDIENCE_LABELS
from prodai_assistant.ui import knowledge, services

st.title("Knowledge base")
st.caption(
    "The assistant answers only from these documents. Each `##` section is one citable chunk; "
    "the sources are the published work each document draws on."
)

documents = services.assistant().documents()
query = st.text_input("Filter by title, topic or text", placeholder="e.g. CFO, xOps, pilot")
shown = knowledge.filter_documents(documents, query)
st.dataframe(knowledge.overview(shown), hide_index=True, width="stretch", height="content")
if not shown:
    st.info("No document matches that filter.")
for doc in shown:
    with st.expander(
        f"**{doc.title}** · {AUDIENCE_LABELS[doc.audience]} · {knowledge.topic_label(doc)}"
    ):
        st.markdown(knowledge.body_without_title(doc))
        if doc.sources:
            st.markdown("**Sources**")
            st.markdown(knowledge.sources_markdown(doc))
        st.caption(f"File: `{doc.path or doc.doc_id}` · id `{doc.doc_id}`")
