"""The offline eval suite behind `prodai eval`: data, tiny evaluators, gates, runner, reports.

``run_suite(settings)`` runs everything through the real Assistant; ``run_eval(answerer, data,
chunks)`` accepts any object with ``ask`` and ``classify`` (a test's broken answerer, say).
"""

from .datasets import EvalData, load_eval_data
from .gates import Gate, GateResult, load_baseline, load_gates
from .report import summary_table, write_reports
from .runner import Answerer, EvalReport, run_eval
from .suite import run_suite

__all__ = [
    "Answerer",
    "EvalData",
    "EvalReport",
    "Gate",
    "GateResult",
    "load_baseline",
    "load_eval_data",
    "load_gates",
    "run_eval",
    "run_suite",
    "summary_table",
    "write_reports",
]
