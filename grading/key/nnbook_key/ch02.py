"""The answer key of chapter 2, *Learning XOR*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch02` compares the student's answers with these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook import functional as F

__all__ = ["relu_network_output", "two_layer_forward", "forward_mistakes"]


def relu_network_output(X: Any, W1: Any, b1: Any, W2: Any, b2: Any) -> np.ndarray:
    r"""The output :math:`\max(0, XW_1 + b_1)\,W_2 + b_2` of a one-hidden-layer ReLU network.

    Shapes: ``X (n, d)``, ``W1 (d, k)``, ``b1 (k,)``, ``W2 (k, m)``, ``b2 (m,)``;
    returns ``(n, m)``.
    """
    X, W1, b1, W2, b2 = (np.asarray(v, dtype=np.float64) for v in (X, W1, b1, W2, b2))
    return np.maximum(X @ W1 + b1, 0.0) @ W2 + b2


def two_layer_forward(X: Any, W1: Any, b1: Any, W2: Any, b2: Any) -> np.ndarray:
    r"""The reference forward pass :math:`\hat Y = \max(0, XW_1 + b_1)\,W_2 + b_2` (same as :func:`relu_network_output`)."""
    return relu_network_output(X, W1, b1, W2, b2)


def forward_mistakes(X: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """(wrong output, hint) of the usual wrong forward passes."""
    Z = X @ W1 + b1
    relu = np.maximum(Z, 0.0)
    out = relu @ W2 + b2
    mistakes = [
        (np.maximum(X @ W1, 0.0) @ W2 + b2, "the hidden bias b1 is missing: H = relu(X @ W1 + b1)."),
        (relu @ W2, "the output bias b2 is missing: Y = H @ W2 + b2."),
        (np.maximum(X @ W1, 0.0) @ W2, "both biases are missing: Z = X @ W1 + b1 and Y = H @ W2 + b2."),
        ((np.maximum(X @ W1, 0.0) + b1) @ W2 + b2, "b1 is added after the ReLU; it belongs inside: H = relu(X @ W1 + b1)."),
        (Z @ W2 + b2, "there is no nonlinearity: without the ReLU the two layers collapse into one linear map. H = np.maximum(Z, 0)."),
        (np.maximum(out, 0.0), "the ReLU is applied to the output too: the output unit is linear, Y = H @ W2 + b2."),
        (F.sigmoid(Z) @ W2 + b2, "wrong nonlinearity: that is the sigmoid; the hidden units here are ReLUs, max(0, z)."),
        (np.tanh(Z) @ W2 + b2, "wrong nonlinearity: that is tanh; the hidden units here are ReLUs, max(0, z)."),
        (np.abs(Z) @ W2 + b2, "wrong nonlinearity: that is |z|; the ReLU is max(0, z)."),
    ]
    if Z.shape[0] > 0:
        colmax = np.max(Z, axis=0)
        mistakes.append((
            np.broadcast_to(colmax @ W2 + b2, out.shape),
            "np.max(Z, 0) is the largest entry of each column (a reduction over axis 0), not the ReLU; "
            "the elementwise maximum is np.maximum(Z, 0).",
        ))
    return mistakes
