"""Softmax heads over fixed features: fit (at training time), calibrate, predict (numpy only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SoftmaxHead:
    """p(class | x) = softmax((x @ weights + bias) / temperature)."""

    classes: tuple[str, ...]
    weights: np.ndarray  # (features, classes) float32
    bias: np.ndarray  # (classes,) float32
    temperature: float = 1.0

    def logits(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(np.asarray(features, dtype=np.float32) @ self.weights + self.bias)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return softmax(self.logits(features) / self.temperature)

    def with_temperature(self, temperature: float) -> SoftmaxHead:
        return SoftmaxHead(self.classes, self.weights, self.bias, float(temperature))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=-1, keepdims=True))


def fit_head(
    features: np.ndarray,
    labels: Sequence[str],
    classes: Sequence[str],
    *,
    c: float = 1.0,
    balanced: bool = True,
    sample_weight: np.ndarray | None = None,
) -> SoftmaxHead:
    """L2-regularised multinomial logistic regression (lbfgs: deterministic on CPU).

    A class absent from ``labels`` gets a very negative bias, so it is never predicted.
    """
    from sklearn.linear_model import LogisticRegression  # training only, never on the hot path

    present = sorted(set(labels), key=list(classes).index)
    y = np.array([present.index(label) for label in labels])
    weights = np.zeros((features.shape[1], len(classes)), dtype=np.float32)
    bias = np.full(len(classes), -30.0, dtype=np.float32)
    if len(present) == 1:
        bias[list(classes).index(present[0])] = 0.0
        return SoftmaxHead(tuple(classes), weights, bias)
    model = LogisticRegression(
        C=c, max_iter=3000, class_weight="balanced" if balanced else None, tol=1e-6
    )
    model.fit(features, y, sample_weight=sample_weight)
    coef, intercept = model.coef_, model.intercept_
    if len(present) == 2:  # sklearn keeps one row for two classes: expand to a softmax pair
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    for j, label in enumerate(present):
        k = list(classes).index(label)
        weights[:, k] = coef[j]
        bias[k] = intercept[j]
    return SoftmaxHead(tuple(classes), weights, bias)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises negative log-likelihood on held-out logits (grid)."""
    best, best_nll = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.25), np.log(8.0), 121)):
        p = softmax(logits / t)
        nll = -float(np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-12)))
        if nll < best_nll - 1e-12:
            best, best_nll = float(t), nll
    return best


__all__ = ["SoftmaxHead", "fit_head", "fit_temperature", "softmax"]
