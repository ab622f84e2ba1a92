"""Question understanding learned from ``banks/questions``: for a message and its conversation,
the intent, the audiences it implies, whether it is a question or a project description, the
form asked for, whether it leans on earlier turns, whether it carries an injection, and the
part it names. Numpy over the committed artifact; no wording rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..learning import artifact
from ..learning.banks import AUDIENCE_KEYS, FORMS, INTENTS, KINDS
from ..text import split_sentences

ARTIFACT = "router"
DIM = 384
YES_NO = ("no", "yes")
FLAGS = ("followup", "injection", *(f"audience.{a}" for a in AUDIENCE_KEYS))
Embed = Callable[[Sequence[str]], np.ndarray]
_ASSISTANT_CHARS = 600  # enough of the previous answer to know its topic
# A wrong form or focus costs more than none (it cuts or narrows a good answer): act on them
# only when the model is fairly sure.
FORM_P = 0.6
FOCUS_P = 0.7


@dataclass(frozen=True)
class Understanding:
    """What the model read in one message (probabilities kept for thresholds and reports)."""

    intent: str
    intent_p: float
    kind: str
    form: str
    audiences: tuple[str, ...]
    followup: bool
    injection: float
    focus: str | None
    audience_p: tuple[float, ...] = ()  # P(yes) per AUDIENCE_KEYS, for the combination rule
    retargeted: bool = False  # a follow-up whose own words name a new audience ("and the CFO?")

    @property
    def is_description(self) -> bool:
        return self.kind in ("description", "description_question")


def context_texts(message: str, history: Sequence[Mapping[str, str]]) -> tuple[str, str, str]:
    """The message, the last user turn before it, and the start of the last assistant turn."""
    last_user = next((t["content"] for t in reversed(history) if t.get("role") == "user"), "")
    last_bot = next((t["content"] for t in reversed(history) if t.get("role") == "assistant"), "")
    return message, last_user, last_bot[:_ASSISTANT_CHARS]


def last_sentence(message: str) -> str:
    """The message's last sentence: where a question after a long preamble sits ("" for a
    message of one sentence, which is its own last sentence)."""
    sentences = split_sentences(message)
    return sentences[-1] if len(sentences) > 1 else ""


def feature_texts(texts: tuple[str, str, str]) -> list[str]:
    """Every text ``features`` needs a vector for (embed these, then call it)."""
    wanted = [*texts, last_sentence(texts[0])]
    return list(dict.fromkeys(t for t in wanted if t))


def features(vectors: Mapping[str, np.ndarray], texts: tuple[str, str, str]) -> np.ndarray:
    """[message, its last sentence, last user turn, last answer, message x last user turn,
    has history]; the last sentence is the message itself when it has one."""
    zero = np.zeros(DIM, dtype=np.float32)
    message, user, bot = (vectors[t] if t else zero for t in texts)
    tail = last_sentence(texts[0])
    has = np.array([1.0 if texts[1] else 0.0], dtype=np.float32)
    return np.concatenate(
        [message, vectors[tail] if tail else message, user, bot, message * user, has]
    )


class RouterModel:
    def __init__(self, loaded: artifact.Artifact) -> None:
        self.artifact = loaded
        self.heads = loaded.heads

    @classmethod
    def load(cls) -> RouterModel:
        return cls(artifact.load(ARTIFACT))

    def understand(self, x: np.ndarray) -> Understanding:
        row = x[None, :]

        def best(name: str) -> tuple[str, float]:
            head = self.heads[name]
            p = head.predict_proba(row)[0]
            k = int(p.argmax())
            return head.classes[k], float(p[k])

        def yes(name: str) -> float:
            head = self.heads[name]
            return float(head.predict_proba(row)[0][head.classes.index("yes")])

        intent, intent_p = best("intent")
        focus, focus_p = best("focus")
        form, form_p = best("form")
        return Understanding(
            intent=intent,
            intent_p=intent_p,
            kind=best("kind")[0],
            form=form if form_p >= FORM_P else "default",
            audiences=tuple(a for a in AUDIENCE_KEYS if yes(f"audience.{a}") >= 0.5),
            audience_p=tuple(yes(f"audience.{a}") for a in AUDIENCE_KEYS),
            followup=bool(x[-1]) and yes("followup") >= 0.5,
            injection=yes("injection"),
            focus=focus if focus != "none" and focus_p >= FOCUS_P else None,
        )

    def injection_p(self, x: np.ndarray) -> float:
        head = self.heads["injection"]
        return float(head.predict_proba(x[None, :])[0][head.classes.index("yes")])


__all__ = [
    "ARTIFACT",
    "FLAGS",
    "FORMS",
    "INTENTS",
    "KINDS",
    "YES_NO",
    "RouterModel",
    "Understanding",
    "context_texts",
    "feature_texts",
    "features",
    "last_sentence",
]
