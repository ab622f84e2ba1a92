"""Score the assistant on a question set (blind or tuned) as a careful reader would: key facts
present, right audience, right form, refusals on both sides; with each item's faults.

    python benchmarks/score_questions.py evals/blind/qa_blind_b.jsonl [--faults]

The answers come from whatever ``prodai_assistant`` is importable, so an older commit can be
scored on a new set the same way (``PYTHONPATH=<checkout> python benchmarks/score_questions.py``).
"""

from __future__ import annotations

import argparse
import collections
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--faults", action="store_true", help="print each faulty item")
    args = parser.parse_args()
    from prodai_assistant import Assistant
    from prodai_assistant.config import Settings
    from prodai_assistant.evaluation.judgment import read_jsonl, score_answers

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="prodai-score-"))
    assistant = Assistant.from_settings(Settings(data_dir=data_dir))
    for path in args.files:
        rows = read_jsonl(path)
        answers = [assistant.ask(r["question"], history=r.get("history") or []) for r in rows]
        scores = score_answers(rows, answers)
        print(
            f"{path.name}: n={scores['n']} answered well {scores['answered_well']:.3f} "
            f"false refusals {scores['false_refusal_rate']:.3f} "
            f"refusal recall {scores['refusal_recall']:.3f}"
        )
        by_category: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        for row in rows:
            by_category[row["category"]][1] += 1
            by_category[row["category"]][0] += not scores["faults"].get(row["id"])
        print("  " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(by_category.items())))
        if args.faults:
            for row in rows:
                if scores["faults"].get(row["id"]):
                    print(f"  {row['id']} [{row['category']}] {row['question'][:90]!r}")
                    print(f"      {'; '.join(scores['faults'][row['id']])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
