"""The answer key of chapter 1: the reference solutions, and the usual wrong answers computed from them.

:mod:`nnbook.exercises.ch01` compares the student's answers with these.
"""

from __future__ import annotations

import itertools

import numpy as np

from nnbook import functional as F

__all__ = ["reference_sigmoid", "logistic_gradient", "at_least_table", "gradient_mistakes"]


def reference_sigmoid(z: np.ndarray) -> np.ndarray:
    """The reference sigmoid: nnbook's stable one."""
    return F.sigmoid(z)


def logistic_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""The reference gradient of the mean cross-entropy of logistic regression.

    With :math:`z = Xw + b` and :math:`p = \sigma(z)`,

    .. math::
        \nabla_w L = \tfrac1n X^\top (p - y), \qquad \nabla_b L = \tfrac1n \textstyle\sum_i (p_i - y_i).

    Shapes: ``X (n, d)``, ``y (n, 1)``, ``w (d, 1)``, ``b (1,)``; returns
    ``(d, 1)`` and ``(1,)``, the shapes of ``w`` and ``b``.
    """
    X, y, w, b = (np.asarray(v, dtype=np.float64) for v in (X, y, w, b))
    n = X.shape[0]
    r = F.sigmoid(X @ w + b) - y
    return X.T @ r / n, r.sum(axis=0) / n


def at_least_table(k: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """All ``2**n`` binary inputs ``(2**n, n)`` and whether at least ``k`` of them are 1 (0/1 floats)."""
    X = np.array(list(itertools.product((0.0, 1.0), repeat=n)))
    return X, (X.sum(axis=1) >= k).astype(np.float64)


def gradient_mistakes(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(grad_w, grad_b, hint) of the usual wrong answers."""
    n = X.shape[0]
    z = X @ w + b
    p = F.sigmoid(z)
    gw, gb = logistic_gradient(X, y, w, b)
    p0 = F.sigmoid(X @ w)
    dsig = p * (1 - p)
    return [
        (n * gw, n * gb,
         f"off by a factor n = {n}: you summed over the examples, but the loss is the mean "
         "cross-entropy, so divide the sums by n."),
        (gw / n, gb / n,
         f"off by a factor 1/n = 1/{n}: you divided by the number of examples twice (a mean of X * (p - y) "
         "that is then divided by n again?)."),
        (-gw, -gb,
         "the sign is flipped: (y - sigma(z)) x is the gradient of the log-likelihood, which gradient "
         "ascent climbs; the loss is the negative log-likelihood, so its gradient is (sigma(z) - y) x."),
        (X.T @ (p0 - y) / n, (p0 - y).sum(axis=0) / n,
         "the bias is missing from the pre-activation: z = X @ w + b, and sigma(z) needs the b too."),
        (X.T @ ((p - y) * dsig) / n, ((p - y) * dsig).sum(axis=0) / n,
         "you multiplied by sigma'(z) = sigma(z) (1 - sigma(z)). That is the chain rule for the squared "
         "error of sigma(z); for the cross-entropy the factor cancels and dL/dz_i = (sigma(z_i) - y_i)/n."),
        (2 * X.T @ ((p - y) * dsig) / n, 2 * ((p - y) * dsig).sum(axis=0) / n,
         "this is the gradient of the mean squared error (sigma(z) - y)^2, not of the cross-entropy: "
         "for the cross-entropy dL/dz_i = (sigma(z_i) - y_i)/n, with no sigma'(z) factor."),
        (X.T @ (z - y) / n, (z - y).sum(axis=0) / n,
         "you used the pre-activation z where the prediction sigma(z) belongs: that is the gradient of "
         "linear regression (up to a factor 2), not of logistic regression."),
    ]
