"""Activations, softmax and friends as plain functions on arrays.

All functions are numerically stable: they stay finite and accurate for
inputs of magnitude ``1e4`` and beyond (chapter *Output units and cost
functions*).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid", "log_sigmoid", "softmax", "log_softmax", "logsumexp",
    "identity", "step", "relu", "leaky_relu", "elu", "softplus", "tanh",
    "hardtanh", "abs", "one_hot",
]


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid, :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    Computed from :math:`e^{-|z|}`, which never overflows.
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(z, np.float32), copy=False)


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    r""":math:`\log\sigma(z) = -\mathrm{softplus}(-z)`, stable for large :math:`|z|`."""
    return -softplus(-np.asarray(z))


def logsumexp(z: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    r""":math:`\log \sum_j e^{z_j}` computed as :math:`m + \log\sum_j e^{z_j - m}` with :math:`m = \max_j z_j`."""
    z = np.asarray(z)
    m = np.max(z, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\log \mathrm{softmax}(z)_i = z_i - \mathrm{logsumexp}(z)`."""
    z = np.asarray(z)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\mathrm{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}`, computed after subtracting :math:`\max_j z_j`."""
    z = np.asarray(z)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def identity(z: np.ndarray) -> np.ndarray:
    """The linear unit, :math:`g(z) = z`."""
    return np.asarray(z)


def step(z: np.ndarray) -> np.ndarray:
    r"""McCulloch-Pitts threshold: 1 where :math:`z \ge 0`, else 0."""
    z = np.asarray(z)
    return (z >= 0).astype(np.result_type(z, np.float32))


def relu(z: np.ndarray) -> np.ndarray:
    r""":math:`\max(0, z)`."""
    return np.maximum(z, 0)


def leaky_relu(z: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    r""":math:`z` for :math:`z > 0`, else :math:`\alpha z`."""
    z = np.asarray(z)
    return np.where(z > 0, z, negative_slope * z)


def elu(z: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r""":math:`z` for :math:`z > 0`, else :math:`\alpha (e^z - 1)`."""
    z = np.asarray(z)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


def softplus(z: np.ndarray) -> np.ndarray:
    r""":math:`\log(1 + e^z) = \max(z, 0) + \log(1 + e^{-|z|})`."""
    z = np.asarray(z)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def tanh(z: np.ndarray) -> np.ndarray:
    r""":math:`\tanh z = 2\sigma(2z) - 1`."""
    return np.tanh(z)


def hardtanh(z: np.ndarray, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    """:math:`\\max(\\min(z, 1), -1)` (with configurable limits)."""
    return np.clip(z, min_val, max_val)


def abs(z: np.ndarray) -> np.ndarray:  # noqa: A001 - mirrors the unit's name
    """Absolute-value rectification :math:`|z|`."""
    return np.abs(z)


def one_hot(y: np.ndarray, num_classes: int, dtype: type = np.float64) -> np.ndarray:
    """Rows of the identity matrix picked by integer labels ``y`` of shape ``(n,)``."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"one_hot: labels must have shape (n,), got {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes - 1}], got range [{y.min()}, {y.max()}]")
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out
