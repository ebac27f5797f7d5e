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
    "hardtanh", "abs", "one_hot", "sparsemax", "sparsemax_backward",
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


def sparsemax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Sparsemax (Martins and Astudillo, 2016): the Euclidean projection of :math:`z` onto the simplex.

    .. math::
        \mathrm{sparsemax}(z) = \mathop{\mathrm{arg\,min}}_{p \in \Delta^{K-1}} \lVert p - z\rVert^2
        = \max(z - \tau, 0),

    with the threshold :math:`\tau` chosen so that the entries sum to 1: sort
    :math:`z_{(1)} \ge \dots \ge z_{(K)}`, let :math:`k(z)` be the largest
    :math:`k` with :math:`1 + k z_{(k)} > \sum_{j \le k} z_{(j)}`, and
    :math:`\tau = (\sum_{j \le k(z)} z_{(j)} - 1)/k(z)`. Unlike softmax, the
    output has exact zeros: the classes with :math:`z_i \le \tau` get
    probability 0. Computed after subtracting the maximum (sparsemax is
    unchanged by adding a constant to every entry), so it is accurate for
    logits of magnitude ``1e4`` and beyond. The gradient is
    :func:`sparsemax_backward`; :class:`nnbook.Sparsemax` is the layer.

    Parameters
    ----------
    z : ndarray
        Logits; each slice along ``axis`` is one distribution.
    axis : int
        The axis of the classes.
    """
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    if z.ndim == 0 or z.shape[axis] == 0:
        raise ValueError(f"sparsemax: need at least one class along axis {axis}, got shape {z.shape}")
    zt = np.moveaxis(z, axis, -1)
    shifted = zt - zt.max(axis=-1, keepdims=True)
    ordered = -np.sort(-shifted, axis=-1)                       # descending
    cumulative = np.cumsum(ordered, axis=-1)
    k = np.arange(1, zt.shape[-1] + 1, dtype=z.dtype)
    k_z = np.sum(1 + k * ordered > cumulative, axis=-1, keepdims=True)   # the support is a prefix, k_z >= 1
    tau = (np.take_along_axis(cumulative, k_z - 1, axis=-1) - 1) / k_z.astype(z.dtype)
    return np.moveaxis(np.maximum(shifted - tau, 0), -1, axis)


def sparsemax_backward(p: np.ndarray, grad_out: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""The gradient through sparsemax: given ``p = sparsemax(z)`` and :math:`g = \partial L/\partial p`,

    .. math::
        \frac{\partial L}{\partial z} = s \odot \Big(g - \frac{s^\top g}{s^\top s}\,\mathbf 1\Big),
        \qquad s_i = [p_i > 0],

    the product with the Jacobian :math:`\mathrm{diag}(s) - s s^\top/\lvert S\rvert`
    (:math:`S` the support), which is symmetric, so this is both the
    Jacobian-vector and the vector-Jacobian product.
    """
    p, g = np.asarray(p), np.asarray(grad_out)
    if p.shape != g.shape:
        raise ValueError(f"sparsemax_backward: p has shape {p.shape} but grad_out has shape {g.shape}")
    s = (p > 0).astype(np.result_type(g, np.float32))
    mean_on_support = np.sum(g * s, axis=axis, keepdims=True) / np.sum(s, axis=axis, keepdims=True)
    return s * (g - mean_on_support)
