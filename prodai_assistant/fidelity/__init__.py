"""Sentence-level support scoring: is each answer sentence backed by the chunk it cites?

Shared by the eval suite and the LLM answer guard. Offline and deterministic, no judge model:

- ``split_answer(markdown)`` -> the answer's sentences with their ``[n]`` markers;
- ``score_sentence(sentence, evidence)`` -> ``SupportResult`` against the best evidence window
  (one sentence of the evidence, or two adjacent ones);
- ``score_answer(answer, chunks)`` -> ``AnswerFidelity``: marker validity, per-sentence support,
  mean and minimum. A refusal is scored as a refusal (no claims), never as NaN.

A sentence is supported by a window when its content-word recall and embedding cosine reach the
thresholds below, every number and capitalised entity in it appears in the window, and both say
"not" the same number of times. Without an embedder the cosine test is skipped.
"""

from .answers import AnswerSentence, split_answer
from .claims import entities_in, negation_count, numbers_in, stems
from .scoring import (
    COSINE_MIN,
    RECALL_MIN,
    AnswerFidelity,
    SentenceFidelity,
    SupportResult,
    evidence_windows,
    score_answer,
    score_sentence,
)

__all__ = [
    "COSINE_MIN",
    "RECALL_MIN",
    "AnswerFidelity",
    "AnswerSentence",
    "SentenceFidelity",
    "SupportResult",
    "entities_in",
    "evidence_windows",
    "negation_count",
    "numbers_in",
    "score_answer",
    "score_sentence",
    "split_answer",
    "stems",
]
