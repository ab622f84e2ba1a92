"""Score any version of the classifier on labelled sets, through ``Assistant.classify``.

The metrics come from this checkout's ``evaluation/judgment.py`` (loaded by path), the
classifier from whatever ``prodai_assistant`` is importable, so an older commit can be scored
on a new blind set the same way:

    git worktree add /tmp/before 332b3bd
    PYTHONPATH=/tmp/before python benchmarks/score_classifier.py \
        evals/blind/classification_blind_b.jsonl
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "prodai_assistant" / "evaluation" / "judgment.py"


def _judgment() -> object:
    spec = importlib.util.spec_from_file_location("prodai_judgment", HERE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "prodai_assistant.evaluation"
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    from prodai_assistant import Assistant
    from prodai_assistant.config import Settings

    j = _judgment()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="prodai-score-"))
    assistant = Assistant.from_settings(Settings(data_dir=data_dir))
    results = j.score_classifier_files(args.files, assistant.classify)  # type: ignore[attr-defined]
    for name, scores in results.items():
        print(j.format_scores(name, scores))  # type: ignore[attr-defined]
        print(json.dumps(scores["confusion"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
