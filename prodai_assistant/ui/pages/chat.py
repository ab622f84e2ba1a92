"""Chat: questions answered from the knowledge base with citations; descriptions assessed."""

import streamlit as st

from prodai_assistant.ui import flows, services
from prodai_assistant.ui.chat import STARTER_QUESTIONS, conversation_markdown

st.title("Is our AI real, or just a demo?")
st.caption(
    "Ask about Production AI, its four hallmarks or how to frame it for your stakeholders; "
    "or paste a description of an AI project to have it assessed."
)

conversation = services.conversation()
for entry in conversation.entries:
    flows.show_entry(entry, conversation)

typed = st.chat_input("Ask a question, or paste a project description")
question = services.take_pending_question() or typed

if not conversation.entries and not question:
    st.markdown("**Try one of these:**")
    columns = st.columns(2)
    for i, starter in enumerate(STARTER_QUESTIONS):
        columns[i % 2].button(
            starter,
            key=f"starter-{i}",
            on_click=services.ask_later,
            args=(starter,),
            width="stretch",
        )

if question:
    flows.answer_question(question, conversation)

if conversation.entries:
    new, export, _ = st.columns([1, 1, 3])
    new.button(
        "New chat", icon=":material/add_comment:", on_click=services.new_chat, width="stretch"
    )
    export.download_button(
        "Export chat",
        conversation_markdown(conversation),
        file_name="production-ai-chat.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
