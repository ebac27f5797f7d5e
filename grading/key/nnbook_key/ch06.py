"""The answer key of chapter 6, *Backpropagation*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch06` compares the student's answers with these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook import functional as F
from nnbook.module import Module, Parameter

__all__ = [
    "ReferenceLinear", "linear_gradients", "two_layer_gradients", "two_layer_backward", "cross_entropy_grad",
    "linear_mistakes", "two_layer_mistakes", "ce_mistakes",
]


class ReferenceLinear(Module):
    r"""The reference solution: :math:`Z = XW + b` with the three messages of the chapter.

    ``backward(G)`` adds :math:`X^\top G` into ``weight.grad`` and
    :math:`\sum_i G_i` into ``bias.grad``, and returns :math:`G W^\top`.
    """

    def __init__(self, in_features: int, out_features: int, rng: np.random.Generator | None = None) -> None:
        rng = rng if rng is not None else np.random.default_rng(0)
        self.weight = Parameter(rng.normal(scale=1 / np.sqrt(in_features), size=(in_features, out_features)))
        self.bias = Parameter(np.zeros(out_features), decay=False)
        self.x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x @ self.weight.value + self.bias.value

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        x = self._cached(self.x)
        self.weight.grad += x.T @ grad_out
        self.bias.grad += grad_out.sum(axis=0)
        return grad_out @ self.weight.value.T


def linear_gradients(X: np.ndarray, W: np.ndarray, G: np.ndarray) -> dict[str, np.ndarray]:
    """The reference gradients of a linear layer: ``dX`` returned, ``weight`` and ``bias`` added into ``.grad``."""
    return {"dX": G @ W.T, "weight": X.T @ G, "bias": G.sum(axis=0)}


def two_layer_gradients(
    X: np.ndarray, Y: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, *,
    scale: str = "mean", sign: float = 1.0, slope: str = "1-h^2", bias: str = "sum",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The matrix-form backward pass, with switches that reproduce the usual mistakes."""
    Z1 = X @ W1 + b1
    H = np.tanh(Z1)
    Yhat = H @ W2 + b2
    N = Yhat.size
    D2 = {"mean": 2 * (Yhat - Y) / N, "none": Yhat - Y, "half": (Yhat - Y) / N,
          "rows": 2 * (Yhat - Y) / X.shape[0]}[scale] * sign
    gprime = {"1-h^2": 1 - H**2, "(1-h)^2": (1 - H) ** 2, "1-z^2": 1 - Z1**2, "none": np.ones_like(H),
              "h": H}[slope]
    D1 = (D2 @ W2.T) * gprime
    red = (lambda D: D.sum(axis=0)) if bias == "sum" else (lambda D: D.mean(axis=0))
    return X.T @ D1, red(D1), H.T @ D2, red(D2)


def two_layer_backward(
    X: np.ndarray, Y: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""The reference solution: gradients of ``MSELoss`` (mean over all entries) for ``Linear-Tanh-Linear``.

    .. math::
        \delta_2 = \tfrac{2}{N}(\hat Y - Y),\quad
        \delta_1 = (\delta_2 W_2^\top) \odot (1 - H^2),\quad
        \partial W_2 = H^\top\delta_2,\ \partial b_2 = \textstyle\sum_i \delta_{2,i},\quad
        \partial W_1 = X^\top\delta_1,\ \partial b_1 = \textstyle\sum_i \delta_{1,i}.

    Returns ``(dW1, db1, dW2, db2)``.
    """
    return two_layer_gradients(X, Y, W1, b1, W2, b2)


def cross_entropy_grad(Z: Any, y: Any) -> np.ndarray:
    r"""The reference solution: :math:`(\mathrm{softmax}(Z) - \mathrm{onehot}(y))/n`, the gradient of
    ``CrossEntropyLoss`` (mean over the batch) at the logits ``Z`` of shape ``(n, k)``."""
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y)
    G = F.softmax(Z, axis=1)
    G[np.arange(Z.shape[0]), y] -= 1
    return G / Z.shape[0]


def linear_mistakes(X: np.ndarray, W: np.ndarray, G: np.ndarray, what: str) -> list[tuple[Any, str]]:
    n = X.shape[0]
    if what == "dX":
        out = [
            (G @ W.T / n, "you divided dL/dX by the batch size: the loss already averaged over the batch (its "
                          "gradient carries the 1/n), so a layer only applies the chain rule: dX = grad_out @ W.T."),
            (-(G @ W.T), "the sign is flipped: dX = grad_out @ W.T."),
            (G, "you returned grad_out unchanged; the input gradient is grad_out @ W.T (each input feeds every "
                "output through its row of W)."),
        ]
        if W.shape[0] == W.shape[1]:
            out.insert(0, (G @ W, "a transposed product: dL/dX = grad_out @ W.T (shape (n, d_out) times (d_out, "
                                  "d_in)), not grad_out @ W. With d_in = d_out both have the right shape; only "
                                  "the transpose is right."))
        return out
    if what == "weight":
        out = [
            (X.T @ G / n, "you divided weight.grad by the batch size: the loss already averaged over the batch, "
                          "so dW = X.T @ grad_out, with no further 1/n."),
            (-(X.T @ G), "the sign is flipped: dW = X.T @ grad_out."),
            (np.outer(X[-1], G[-1]), "only the last example of the batch: X.T @ grad_out sums the outer "
                                     "products x_i g_i^T over ALL examples."),
            (np.outer(X.sum(axis=0), G.sum(axis=0)), "you summed X and grad_out over the batch separately and "
                                                     "multiplied the sums; dW = X.T @ grad_out sums the product "
                                                     "of each example's x_i and g_i."),
        ]
        if W.shape[0] == W.shape[1]:
            out.insert(0, ((X.T @ G).T, "weight.grad is transposed: the weight is (d_in, d_out), so "
                                        "dW = X.T @ grad_out, not grad_out.T @ X."))
        return out
    # bias
    return [
        (G.mean(axis=0), "bias.grad is the SUM of grad_out over the batch (axis 0), not the mean: the loss "
                         "already averaged."),
        (G[-1], "only the last example: the bias is shared by all n examples, so its gradient is "
                "grad_out.sum(axis=0)."),
        (G[0], "only the first example: the bias is shared by all n examples, so its gradient is "
               "grad_out.sum(axis=0)."),
        (-G.sum(axis=0), "the sign is flipped: bias.grad += grad_out.sum(axis=0)."),
        (np.full(G.shape[1], G.sum()), "you summed over everything; sum over the batch only, "
                                       "grad_out.sum(axis=0), one number per output unit."),
    ]


TWO_LAYER_MISTAKES = [
    ({"scale": "none"}, "the output delta has no 2/N: MSELoss is the MEAN of (y_hat - y)^2 over all N = n * k "
                        "entries, so dL/dY_hat = 2 (Y_hat - Y) / N."),
    ({"scale": "half"}, "the factor 2 is missing: the derivative of (y_hat - y)^2 is 2 (y_hat - y); nnbook's "
                        "MSELoss has no 1/2 in front (dL/dY_hat = 2 (Y_hat - Y) / N)."),
    ({"scale": "rows"}, "you divided by the batch size n; MSELoss averages over all N = n * k entries of "
                        "Y_hat (Y_hat.size), so dL/dY_hat = 2 (Y_hat - Y) / N."),
    ({"sign": -1.0}, "the sign is flipped: dL/dY_hat = 2 (Y_hat - Y) / N, prediction minus target (with "
                     "y - y_hat gradient descent would climb the loss)."),
    ({"slope": "(1-h)^2"}, "the tanh slope is 1 - h^2, not (1 - h)^2: d tanh(z)/dz = 1 - tanh(z)^2."),
    ({"slope": "1-z^2"}, "the tanh slope 1 - tanh(z)^2 takes the hidden OUTPUT H = tanh(Z1), not the "
                         "pre-activation: use 1 - H**2, not 1 - Z1**2."),
    ({"slope": "none"}, "the hidden delta is missing the tanh slope: delta1 = (delta2 @ W2.T) * (1 - H**2)."),
    ({"slope": "h"}, "you multiplied by H, the tanh itself; multiply by its derivative 1 - H**2."),
    ({"bias": "mean"}, "a bias gradient is the SUM of the deltas over the batch (axis=0), not the mean: the "
                       "1/N is already in the output delta."),
]


def two_layer_mistakes(args: tuple[np.ndarray, ...]) -> list[tuple[tuple[np.ndarray, ...], str]]:
    """``((dW1, db1, dW2, db2), hint)`` of each of :data:`TWO_LAYER_MISTAKES` on the inputs ``args``."""
    return [(two_layer_gradients(*args, **kw), text) for kw, text in TWO_LAYER_MISTAKES]


def ce_mistakes(Z: np.ndarray, y: np.ndarray) -> list[tuple[Any, str]]:
    n, k = Z.shape
    with np.errstate(all="ignore"):
        S = F.softmax(Z, axis=1)
        S0 = F.softmax(Z, axis=0)
    onehot = np.eye(k)[y]
    return [
        (S - onehot, "no 1/n: CrossEntropyLoss is the MEAN over the n examples of the batch, so its gradient "
                     "at the logits is (softmax(Z) - onehot(y)) / n."),
        ((onehot - S) / n, "the sign is flipped: the gradient is (softmax(Z) - onehot(y)) / n, probabilities "
                           "minus targets."),
        (S / n, "the one-hot targets are missing: subtract 1 from the probability of the true class in each "
                "row, (softmax(Z) - onehot(y)) / n."),
        ((S - onehot) / (n * k), "you divided by n * k; the mean is over the n examples only (each row "
                                 "is one example's k logits): divide by n."),
        ((S0 - onehot) / n, "softmax over the wrong axis: each ROW is one example, so normalize over "
                            "the classes, axis=1 (every row of softmax sums to 1)."),
        (onehot / n - 1 / n, "that is (onehot - 1) / n: the probabilities softmax(Z) are missing."),
        ((np.log(np.maximum(S, 1e-300)) - onehot) / n, "you used log_softmax; the gradient contains the "
                                                       "probabilities softmax(Z) themselves."),
    ]
