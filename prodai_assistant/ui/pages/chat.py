"""Chat: questions answered from the knowledge base with citations; descriptions assessed."""

import streamlit as st

from prodai_assistant.ui import browser, flows, services, sessions, widgets
from prodai_assistant.ui.chat import STARTER_QUESTIONS, conversation_markdown

st.title("Is our AI real, or just a demo?")
st.caption(
    "Ask about Production AI, its four hallmarks or how to frame it for your stakeholders; "
    "or paste a description of an AI project to have it assessed."
)

# First, so the chat box is on the page at once (Streamlit pins it to the bottom anyway).
typed = st.chat_input(
    "Ask a question, or paste a project description",
    max_chars=services.settings().classifier.max_chars,
)
job = services.start_preparing()
ready = services.ready_assistant()
if ready is None and job is not None:
    if job.failed:
        with services.friendly_errors("preparing the knowledge base"):
            raise job.error  # type: ignore[misc]
        st.button(
            "Try again",
            key="retry-prepare",
            on_click=services.start_preparing,
            kwargs={"retry": True},
        )
    else:
        widgets.preparing(job)

conversation = services.conversation()
sessions.sync_url()
for entry in conversation.entries:
    flows.show_entry(entry, conversation)

question = services.take_pending_question() or typed
if question is not None and question.strip():  # whitespace alone is quietly ignored
    flows.submit(question, conversation)

reveal = sessions.take_reveal()
pending = conversation.pending()
if pending is not None and (ready is not None or (job is not None and job.failed)):
    reveal = flows.answer_pending(pending, conversation)  # after a failure: tries again
elif pending is not None:
    flows.waiting()
elif not conversation.entries and not sessions.waiting_for_browser():
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

if conversation.entries:
    st.download_button(
        "Export chat",
        conversation_markdown(conversation),
        file_name="production-ai-chat.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
    )
browser.reveal(reveal)
