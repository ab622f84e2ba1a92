"""The app on the real corpus with the real Assistant (MiniLM, Chroma, classifier): slow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from prodai_assistant.audit import MemoryAuditStore
from prodai_assistant.config import Settings
from prodai_assistant.ui import examples, services
from prodai_assistant.ui.pages import __file__ as pages_init

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = Path(pages_init).parent.relative_to(Path(APP).parent)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[object]:
    from prodai_assistant.assistant import Assistant

    settings = Settings(corpus_dir=corpus_dir, data_dir=tmp_path_factory.mktemp("real-app"))
    yield Assistant.from_settings(settings)


def start(real: object, tmp_path: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[services.ASSISTANT_KEY] = real
    at.session_state[services.AUDIT_KEY] = MemoryAuditStore()
    at.session_state[services.SETTINGS_KEY] = Settings(data_dir=tmp_path / "data")
    return at.run()


def test_real_answer_cites_real_chunks_and_follow_up_uses_the_lens(
    real: object, tmp_path: Path
) -> None:
    at = start(real, tmp_path)
    at.chat_input[0].set_value("What are the four hallmarks of Production AI?").run()
    assert not at.exception and not at.error
    labels = [e.label for e in at.expander if e.label.startswith("[")]
    assert labels and labels[0].startswith("[1] ")
    chunk_ids = {
        c.chunk_id for c in real.ask("What are the four hallmarks of Production AI?").citations
    }  # type: ignore[attr-defined]
    shown = "\n".join(m.value for e in at.expander for m in e.markdown)
    assert all(f"`{cid}`" in shown for cid in chunk_ids)
    at.selectbox(key=services.LENS_KEY).set_value("cfo").run()
    at.chat_input[0].set_value("How should the CFO think about it?").run()
    assert not at.exception and not at.error
    assert "Framed for: CFO" in [c.value for c in at.caption]


def test_real_refusal_for_an_off_topic_question(real: object, tmp_path: Path) -> None:
    at = start(real, tmp_path)
    at.chat_input[0].set_value("What is a good recipe for banana bread?").run()
    assert not at.exception and len(at.warning) == 1
    assert not [e for e in at.expander if e.label.startswith("[")]


def test_real_classifier_scores_the_examples(real: object, tmp_path: Path) -> None:
    at = start(real, tmp_path)
    at.switch_page(str(PAGES / "classify.py")).run()
    for example, verdict in (("production", "Production AI"), ("demo", "Still a demo")):
        at.text_area[0].set_value(examples.EXAMPLES[example])
        next(b for b in at.button if b.label == "Assess").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        shown = [m.value for m in at.markdown if "-badge[" in m.value]
        assert len(shown) == 1 and shown[0].endswith(f" {verdict}]")
        assert any(m.proto.allow_html and "<mark" in m.value for m in at.markdown)
