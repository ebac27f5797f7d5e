"""The answer key of chapter 3, *Output units and cost functions*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch03` compares the student's answers with these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import functional as F

__all__ = ["cross_entropy", "cross_entropy_grad", "loss_mistakes", "grad_mistakes"]


def cross_entropy(Z: Any, y: Any) -> float:
    r"""The reference mean softmax cross-entropy of logits ``Z (n, K)`` and labels ``y (n,)``.

    .. math:: J = \frac1n \sum_{i=1}^n \Big(\mathrm{logsumexp}(z_i) - z_{i, y_i}\Big)
    """
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    logp = F.log_softmax(Z, axis=1)
    return float(-logp[np.arange(len(y)), y].mean())


def cross_entropy_grad(Z: Any, y: Any) -> np.ndarray:
    r"""The reference gradient of :func:`cross_entropy` at the logits, shape ``(n, K)``:

    .. math:: \frac{\partial J}{\partial Z} = \frac1n\big(\mathrm{softmax}(Z) - \mathrm{onehot}(y)\big)
    """
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    return (F.softmax(Z, axis=1) - F.one_hot(y, Z.shape[1])) / Z.shape[0]


def loss_mistakes(Z: np.ndarray, y: np.ndarray) -> list[tuple[float, str]]:
    """(wrong value, hint) of the usual wrong cross-entropies."""
    n, k = Z.shape
    rows = np.arange(n)
    lse = F.logsumexp(Z, axis=1)
    zy = Z[rows, y]
    per_example = lse - zy
    J = float(per_example.mean())
    m = Z.max(axis=1)
    lse_cols = F.logsumexp(Z, axis=0)                   # softmax over the examples instead of the classes
    logp = Z - lse[:, None]
    out = [
        (n * J, f"off by a factor n = {n}: you summed the per-example losses over the batch; the loss is their mean."),
        (J / k, f"off by a factor 1/K = 1/{k}: you averaged over all n * K entries (e.g. np.mean(onehot * log p)); "
                "sum over the classes, then average over the examples only."),
        (J / n, f"off by a factor 1/n = 1/{n}: you divided by the number of examples twice."),
        (-J, "the sign is flipped: the cross-entropy is the NEGATIVE log-probability of the true class, "
             "-log softmax(z)_y = logsumexp(z) - z_y, which is never negative."),
        (J - float(m.mean()), "you subtracted each row's maximum m inside the exponential but never added it back: "
                               "logsumexp(z) = m + log(sum(exp(z - m))), and the m matters."),
        (J - float(Z.max()), "you subtracted the batch's maximum inside the exponential but never added it back: "
                             "logsumexp(z) = m + log(sum(exp(z - m))). Use each row's own maximum and keep the m."),
        (float((lse_cols[y] - zy).mean()), "the softmax runs over the wrong axis: each ROW of Z is one example's "
                                           "logits, so normalize over axis=1 (the classes), with keepdims=True."),
        (float(-logp[:, y].mean()), "Z[:, y] (or logp[:, y]) picks whole columns, an (n, n) array; the logit of "
                                    "example i's own class is Z[np.arange(n), y]."),
        (J / np.log(2), "off by a factor 1/log(2): you used log base 2; the cross-entropy uses the natural log."),
        (J / np.log(10), "off by a factor 1/log(10): you used log base 10; the cross-entropy uses the natural log."),
        (float(lse.mean()), "the logit of the true class is missing: -log softmax(z)_y = logsumexp(z) - z_y."),
        (float(-zy.mean()), "the normalizer is missing: -log softmax(z)_y = logsumexp(z) - z_y, not just -z_y."),
        (float((lse - Z.mean(axis=1)).mean()), "you subtracted the average logit of each row; subtract the logit "
                                               "of the true class, Z[np.arange(n), y]."),
    ]
    if n > 1:
        out.append((float(per_example[0]), "that is the loss of the first example only: average over all n examples."))
    return out


def grad_mistakes(Z: np.ndarray, y: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """(wrong gradient, hint) of the usual wrong answers."""
    n, k = Z.shape
    S = F.softmax(Z, axis=1)
    Y = F.one_hot(y, k)
    G = (S - Y) / n
    return [
        (S / n, "the one-hot row of the label is missing: dJ/dz = (softmax(z) - onehot(y)) / n. The -1 at "
                "the true class comes from the z_y term of -log softmax(z)_y = logsumexp(z) - z_y."),
        (S, "the one-hot row is missing, and so is the 1/n of the mean: dJ/dZ = (softmax(Z) - onehot(y)) / n."),
        (n * G, f"off by a factor n = {n}: that is the gradient of the SUM of the losses; the loss is the mean, "
                "so divide by n."),
        (G / n, f"off by a factor 1/n = 1/{n}: you divided by the number of examples twice."),
        ((S - Y) / k, f"divided by K = {k}, the number of classes; the mean is over the n = {n} examples."),
        (G / k, f"divided by n * K = {n * k}: the mean is over the n examples only, not over all entries."),
        (-G, "the sign is flipped: onehot - softmax is the gradient of the log-likelihood; the loss is its "
             "negative, with gradient (softmax(z) - onehot(y)) / n."),
        ((S - 1) / n, "you subtracted 1 from every entry; subtract it only at each example's true class "
                      "(a one-hot row: np.eye(K)[y])."),
        ((S - y[:, None]) / n, "you subtracted the label number y itself from each row; subtract a one-hot row, "
                               "1 at the column y and 0 elsewhere (np.eye(K)[y])."),
        ((F.sigmoid(Z) - Y) / n, "that uses the sigmoid of each logit; the probabilities of a softmax output "
                                 "are softmax(z), which couples the K logits of a row."),
        ((F.softmax(Z, axis=0) - Y) / n, "the softmax runs over the wrong axis: normalize each ROW (axis=1), "
                                         "the K classes of one example."),
        (G * S * (1 - S), "you multiplied by s (1 - s), the diagonal of the softmax Jacobian. Through -log the "
                          "whole Jacobian diag(s) - s s^T collapses: dJ/dz = (s - onehot(y)) / n, nothing more."),
        (-Y / (n * np.where(Y > 0, S, 1.0)), "that is the gradient with respect to the probabilities s, "
                                              "-onehot / (n s); the exercise asks for the gradient at the logits."),
    ]
