"""Running the eval suite from the Evaluation page: in the background, one run per process at
a time, with its progress in plain words. The report goes to ``<data dir>/eval``, one of the
places the page reads reports from. Tests replace the runner with ``set_runner``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from ..config import Settings
from .jobs import Job

Say = Callable[[str], None]
Runner = Callable[[Settings, Any, Say], Path]  # (settings, assistant, progress) -> report dir
ESTIMATE_S = 300.0
# The runner's own progress messages, in order: how far each one is, and what it means.
STAGES = (
    ("opening", 0.02, "Opening the knowledge base"),
    ("asking", 0.05, "Asking the test questions"),
    ("scoring", 0.35, "Checking every answer against its sources"),
    ("classifying", 0.6, "Assessing the test project descriptions"),
    ("repeating", 0.72, "Asking everything again, to check the results do not change"),
    ("writing", 0.97, "Writing the report"),
)


def _default_runner(settings: Settings, assistant: Any, say: Say) -> Path:
    from ..evaluation import run_suite, write_reports

    report = run_suite(settings, assistant=assistant, progress=say)
    say("writing the report")
    folder = settings.data_dir / "eval"
    write_reports(report, folder)
    return folder


_runner: Runner = _default_runner


def set_runner(runner: Runner | None) -> None:
    """Run evals with ``runner`` (None restores the real suite); forgets earlier runs."""
    global _runner
    _runner = runner or _default_runner
    _job.clear()


@st.cache_resource(show_spinner=False)
def _job(data_dir: str) -> Job:
    return Job("eval", ESTIMATE_S)


def job_for(cfg: Settings) -> Job:
    return _job(str(cfg.data_dir))


def stage(message: str) -> tuple[str, float | None]:
    """A runner message in plain words, and the progress it stands for."""
    for prefix, fraction, words in STAGES:
        if message.lower().startswith(prefix):
            return words, fraction
    return message[:1].upper() + message[1:], None


def start(cfg: Settings, get_assistant: Callable[[], Any]) -> bool:
    """Begin a run unless one is under way; True when this call started it."""
    job = job_for(cfg)
    runner = _runner

    def work(j: Job) -> Path:
        j.report(*stage("opening"))
        assistant = get_assistant()
        return runner(cfg, assistant, lambda message: j.report(*stage(message)))

    return job.start(work, again=True)


__all__ = ["ESTIMATE_S", "STAGES", "job_for", "set_runner", "stage", "start"]
