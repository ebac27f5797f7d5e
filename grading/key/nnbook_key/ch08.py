"""The answer key of chapter 8, *L2 regularization as MAP*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch08` compares the student's answers with these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nnbook.optim import SGD

__all__ = [
    "ridge_reference", "ridge_mistakes", "decay_step_reference", "decay_step_expected", "decay_mistakes",
    "map_weight_decay_reference", "wd_mistakes",
]


def ridge_reference(X: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """The reference solution: centre, solve, recover the bias (as :func:`nnbook.regularization.ridge`)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ (y - ym))
    return w, float(ym - xm @ w)


def _augmented(X: np.ndarray, y: np.ndarray, lam: float, bias_penalty: float) -> tuple[np.ndarray, float]:
    A = np.hstack([X, np.ones((len(X), 1))])
    P = lam * np.eye(A.shape[1])
    P[-1, -1] = bias_penalty
    theta = np.linalg.lstsq(A.T @ A + P, A.T @ y, rcond=None)[0]
    return theta[:-1], float(theta[-1])


def ridge_mistakes(X: np.ndarray, y: np.ndarray, lam: float) -> list[tuple[tuple[np.ndarray, float], str]]:
    n, d = X.shape
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    mistakes: list[tuple[tuple[np.ndarray, float], str]] = []

    def add(thunk: Callable[[], tuple[np.ndarray, float]], text: str) -> None:
        try:
            with np.errstate(all="ignore"):
                w, b = thunk()
        except np.linalg.LinAlgError:
            return
        mistakes.append(((np.asarray(w, dtype=np.float64), float(b)), text))

    w_ref, _ = ridge_reference(X, y, lam)
    add(lambda: _augmented(X, y, lam, lam),
        "the bias is penalized too: with a column of ones appended, lambda must not be added to the bias's "
        "entry of the diagonal (use a 0 there), or centre X and y and solve for w alone. A penalized bias "
        "pulls b towards 0, so the fit changes when all targets are shifted.")
    add(lambda: (np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y), 0.0),
        "there is no bias: you solved (X^T X + lambda I) w = X^T y on the raw data and returned b = 0. "
        "Centre the columns of X and y first, then b = mean(y) - mean(X, axis=0) @ w.")
    add(lambda: (np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y), float(ym - xm @ np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y))),
        "X and y were not centred before solving: w must come from the centred data Xc = X - mean(X, axis=0), "
        "yc = y - mean(y); only then is b = mean(y) - mean(X, axis=0) @ w the unpenalized bias.")
    for factor, text in ((0.5, "lambda / 2"), (2.0, "2 lambda"), (float(n), "n lambda")):
        add(lambda f=factor: ridge_reference(X, y, f * lam),
            f"the weights are those of the penalty {text}: the objective is ||y - X w - b||^2 + lambda ||w||^2 "
            "(a sum, no 1/2, no mean), whose normal equations are (Xc^T Xc + lambda I) w = Xc^T yc.")
    add(lambda: (np.linalg.lstsq(Xc, y - ym, rcond=None)[0], float(ym - xm @ np.linalg.lstsq(Xc, y - ym, rcond=None)[0])),
        "lambda is missing: that is the least-squares fit. Add lambda to the diagonal of Xc^T Xc.")
    add(lambda: (w_ref, float(ym)),
        "the weights are right but the bias is not: b = mean(y) - mean(X, axis=0) @ w, not mean(y).")
    add(lambda: (w_ref, float(xm @ w_ref - ym)),
        "the weights are right but the bias has the wrong sign: b = mean(y) - mean(X, axis=0) @ w.")
    add(lambda: (w_ref, 0.0),
        "the weights are right but b = 0: recover the bias as b = mean(y) - mean(X, axis=0) @ w.")
    add(lambda: (w_ref, float(y.mean() - X.mean() * w_ref.sum())),
        "the weights are right but the bias is not: use the mean of each column, mean(X, axis=0), not the "
        "mean of all of X.")
    return mistakes


def decay_step_reference(params: Sequence[Any], lr: float, weight_decay: float) -> None:
    r"""The reference step, in place: :math:`w \leftarrow (1 - \eta\lambda) w - \eta\nabla w` for weights, :math:`b \leftarrow b - \eta\nabla b` for biases."""
    for p in params:
        if p.decay:
            p.value[...] = (1 - lr * weight_decay) * p.value - lr * p.grad
        else:
            p.value[...] = p.value - lr * p.grad


def decay_step_expected(model: Any, lr: float, weight_decay: float) -> list[np.ndarray]:
    """The parameters of ``model`` after one step of ``nb.SGD(lr=lr, weight_decay=weight_decay)`` (in place)."""
    SGD(model.parameters(), lr=lr, weight_decay=weight_decay).step()
    return [p.value for p in model.parameters()]


def decay_mistakes(state: list[tuple[np.ndarray, np.ndarray, bool]], lr: float, wd: float) -> list[tuple[list[np.ndarray], str]]:
    def new(rule: Callable[[np.ndarray, np.ndarray, bool], np.ndarray]) -> list[np.ndarray]:
        return [rule(v, g, decay) for v, g, decay in state]

    return [
        (new(lambda v, g, dec: (1 - lr * wd) * v - lr * g),
         "the biases were decayed too: weight decay applies only to the parameters with p.decay True (the "
         "weights); a bias gets the plain step b - lr * grad."),
        (new(lambda v, g, dec: v - lr * g),
         "no weight decay at all: that is the plain gradient step; weights shrink by the factor (1 - lr * weight_decay)."),
        (new(lambda v, g, dec: (1 - wd) * v - lr * g if dec else v - lr * g),
         "the decay factor is (1 - lr * weight_decay), not (1 - weight_decay): the decay is part of the "
         "gradient, lambda w, and is multiplied by the learning rate like the rest of it."),
        (new(lambda v, g, dec: (1 + lr * wd) * v - lr * g if dec else v - lr * g),
         "the weights grew: the gradient of (lambda/2)||w||^2 is +lambda w, and the step subtracts it: "
         "(1 - lr * weight_decay) w - lr * grad."),
        (new(lambda v, g, dec: (1 - lr * wd) * (v - lr * g) if dec else v - lr * g),
         "the decay factor multiplies the gradient step too: (1 - lr wd)(w - lr grad) differs from "
         "(1 - lr wd) w - lr grad by lr^2 wd grad."),
        (new(lambda v, g, dec: (1 - lr * wd / 2) * v - lr * g if dec else v - lr * g),
         "the decay is halved: SGD(weight_decay=wd) adds wd * w to the gradient (the gradient of (wd/2)||w||^2), "
         "so the factor is (1 - lr * wd)."),
        (new(lambda v, g, dec: v + lr * g - lr * wd * v if dec else v + lr * g),
         "the gradient step goes uphill: subtract lr * grad."),
        (new(lambda v, g, dec: v),
         "the parameters did not change: update p.value in place (p.value -= ... or p.value[...] = ...)."),
    ]


def map_weight_decay_reference(sigma: float, sigma0: float, n: int) -> float:
    r"""nnbook's ``weight_decay`` for the MAP estimate with :class:`~nnbook.MSELoss`: :math:`2\sigma^2/(n\sigma_0^2)`."""
    return 2.0 * sigma**2 / (n * sigma0**2)


def wd_mistakes(s: float, s0: float, n: int) -> list[tuple[float, str]]:
    return [
        (2 * s0**2 / (n * s**2), "the ratio is upside down: lambda = sigma^2 / sigma0^2 (noise variance over "
                                 "prior variance): more noise means a stronger pull towards 0."),
        (s**2 / (n * s0**2), "a factor 2 is missing: MSELoss's gradient is (2/n) X^T r, and weight_decay "
                             "adds wd * w, the gradient of (wd/2)||w||^2; matching (1/n)(||r||^2 + lambda||w||^2) "
                             "needs wd = 2 lambda / n."),
        (2 * s**2 / s0**2, "the number of examples is missing: MSELoss is a mean, (1/n)||r||^2, so the penalty "
                           "must be divided by n too: wd = 2 lambda / n."),
        (s**2 / s0**2, "that is lambda = sigma^2 / sigma0^2 itself, the penalty of the sum ||r||^2 + lambda||w||^2; "
                       "nnbook's weight_decay goes with the mean squared error and the gradient wd * w: wd = 2 lambda / n."),
        (2 * s / (n * s0), "sigma and sigma0 are standard deviations: the variances sigma^2 and sigma0^2 enter lambda."),
        (s**2 / (2 * n * s0**2), "the factor 2 is on the wrong side: wd = 2 lambda / n."),
        (2 * s**2 * n / s0**2, "multiply by 1/n, not n: MSELoss divides the sum of squares by n."),
        (1 / (n * s0**2), "that is the prior's term alone (divided by n): the likelihood's 1/sigma^2 must be "
                          "scaled away too, so lambda = sigma^2 / sigma0^2."),
    ]
