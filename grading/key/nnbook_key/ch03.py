"""The answer key of chapter 3, *Output units and cost functions*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch03` compares the student's answers with these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook import functional as F

__all__ = ["cross_entropy", "cross_entropy_grad", "loss_mistakes", "grad_mistakes", "sparsemax", "sparsemax_mistakes"]


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


def sparsemax(Z: Any) -> np.ndarray:
    r"""The reference sparsemax of each row of ``Z (n, K)`` (Martins and Astudillo, 2016):

    .. math:: \mathrm{sparsemax}(z) = \max(z - \tau, 0), \qquad
        \tau = \frac{\sum_{j \le k(z)} z_{(j)} - 1}{k(z)},

    with :math:`z_{(1)} \ge \dots \ge z_{(K)}` and :math:`k(z)` the largest
    :math:`k` with :math:`1 + k z_{(k)} > \sum_{j \le k} z_{(j)}`.
    """
    return F.sparsemax(np.asarray(Z, dtype=np.float64), axis=1)


def _threshold_parts(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows sorted in decreasing order, their running sums, and the support size k(z) (n, 1)."""
    ordered = -np.sort(-Z, axis=1)
    cumulative = np.cumsum(ordered, axis=1)
    k = np.arange(1, Z.shape[1] + 1)
    k_z = np.sum(1 + k * ordered > cumulative, axis=1, keepdims=True)
    return ordered, cumulative, k_z


def sparsemax_mistakes(Z: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """(wrong output, hint) of the usual wrong sparsemax implementations."""
    Z = np.asarray(Z, dtype=np.float64)
    n, k = Z.shape
    ordered, cumulative, k_z = _threshold_parts(Z)
    top_sum = np.take_along_axis(cumulative, k_z - 1, axis=1)          # sum of the k(z) largest logits
    P = sparsemax(Z)
    return [
        (np.maximum(Z - (top_sum - 1), 0),
         "the threshold is missing its 1/k(z): tau = (sum of the k(z) largest logits - 1) / k(z). Without the "
         "division the outputs do not sum to 1 once more than one class is in the support."),
        (np.maximum(Z - top_sum / k_z, 0),
         "the -1 is missing from the threshold: tau = (sum_{j <= k(z)} z_(j) - 1) / k(z). The 1 is the total "
         "probability the support shares."),
        (-np.sort(-P, axis=1),
         "your output is sorted in decreasing order: the sort is only for finding tau. Apply max(z - tau, 0) "
         "to the logits in their original order, so that each class keeps its place."),
        (np.maximum(Z - (Z.max(axis=1, keepdims=True) - 1), 0),
         "your support always has size 1: k(z) is the LARGEST k with 1 + k z_(k) > sum_{j <= k} z_(j). "
         "np.argmax of the condition gives the first k where it holds (always k = 1); count them instead, "
         "the condition holds for k = 1, ..., k(z) and fails after."),
        (np.maximum(Z - (Z.sum(axis=1, keepdims=True) - 1) / k, 0),
         "your threshold uses all K logits, tau = (sum z - 1) / K, as if every class were in the support. "
         "Did you sort in increasing order (np.sort)? Then 1 + k z_(k) > sum_{j <= k} z_(j) holds for every k. "
         "Sort in decreasing order: -np.sort(-z, axis=1)."),
        (Z - np.take_along_axis(cumulative - 1, k_z - 1, axis=1) / k_z,
         "negative entries: sparsemax(z) = max(z - tau, 0), the classes below the threshold get exactly 0."),
        (F.sparsemax(Z, axis=0) if n > 1 else P + np.nan,
         "the sort and the threshold run over the wrong axis: each ROW of z is one distribution over the K "
         "classes, so sort with axis=1 and keep the (n, 1) shape of tau (keepdims=True)."),
        (F.softmax(Z, axis=1), "that is the softmax of z; sparsemax is max(z - tau, 0), with no exponential."),
    ]
