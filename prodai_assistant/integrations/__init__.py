"""Adapters that let other frameworks call the assistant (LangChain: ``integrations.langchain``)."""
