"""Softmax output layers and the loss that goes with a log-softmax (chapter *Output units and cost functions*).

A classifier over :math:`K` classes ends in a linear layer that produces one
*logit* a class, :math:`Z = XW + b` of shape ``(n, K)``, and a softmax that
turns each row into a probability distribution. There are two ways to write
the last steps in ``nnbook``, as in PyTorch:

* ``Sequential(..., Linear(d, K), Softmax())`` outputs the probabilities
  themselves, which is what a user of the trained model wants;
* ``Sequential(..., Linear(d, K), LogSoftmax())`` with :class:`~nnbook.NLLLoss` gives
  the cross-entropy, and is the same as a network that ends in the linear
  layer trained with :class:`~nnbook.CrossEntropyLoss`, which fuses the two.

For training, prefer the fused or the log-softmax form: a softmax probability
can round to 0 for logits of a few hundred, and its logarithm is then
:math:`-\\infty`, while :math:`\\log\\mathrm{softmax}(z)_i = z_i - \\mathrm{logsumexp}(z)`
is computed without ever forming the probability.

>>> import numpy as np, nnbook as nb
>>> z = np.array([[-1.0, 2.7, 0.5]])
>>> nb.Softmax()(z).round(4)
array([[0.0218, 0.8806, 0.0976]])
>>> loss = nb.NLLLoss()
>>> round(loss(nb.LogSoftmax()(z), np.array([1])), 4) == round(nb.CrossEntropyLoss()(z, np.array([1])), 4)
True
"""

from __future__ import annotations

import numpy as np

from . import functional as F
from .losses import NLLLoss  # noqa: F401  (the loss that goes with LogSoftmax lives with the losses)
from .module import Module

__all__ = ["Softmax", "Sparsemax", "LogSoftmax"]


def _as_logits(layer: object, x: np.ndarray) -> np.ndarray:
    """Check that ``x`` is a float batch of rows ``(n, K)``."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        hint = " (one example needs shape (1, K): z.reshape(1, -1))" if x.ndim == 1 else ""
        raise ValueError(f"{layer!r}: expected logits of shape (n, K) with n, K > 0, got {x.shape}{hint}")
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return x


class Softmax(Module):
    r"""Softmax of each row of an ``(n, K)`` input, a categorical distribution over :math:`K` classes.

    .. math::
        \mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^K e^{z_j}},

    computed after subtracting the row's maximum (:func:`nnbook.functional.softmax`),
    so that it is finite for any finite logits.

    Notes
    -----
    The Jacobian of one row is :math:`\partial s_k / \partial z_j = s_k(\delta_{kj} - s_j)`,
    that is :math:`\mathrm{diag}(s) - s s^\top`, so :meth:`backward` returns, row by row,

    .. math::
        \frac{\partial L}{\partial z} = s \odot \Big(g - (g^\top s)\,\mathbf{1}\Big),
        \qquad g = \frac{\partial L}{\partial s},

    without ever forming the :math:`K \times K` matrix. Chapter *Output units
    and cost functions* derives it.
    """

    def __init__(self) -> None:
        self._s: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        z = _as_logits(self, x)
        self._s = F.softmax(z, axis=1)
        return self._s

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        s = self._cached(self._s)
        grad_out = np.asarray(grad_out)
        self._check_grad(grad_out, s.shape)
        return s * (grad_out - np.sum(grad_out * s, axis=1, keepdims=True))


class Sparsemax(Module):
    r"""Sparsemax of each row of an ``(n, K)`` input (Martins and Astudillo, 2016): probabilities with exact zeros.

    .. math:: \mathrm{sparsemax}(z) = \max(z - \tau, 0), \qquad \textstyle\sum_k \max(z_k - \tau, 0) = 1,

    the Euclidean projection of the logits onto the probability simplex
    (:func:`nnbook.functional.sparsemax`). Like softmax it keeps the order of
    the logits, so the predicted class is still :math:`\arg\max_k z_k`.

    Notes
    -----
    On the support :math:`S = \{k : s_k > 0\}` the output is :math:`z - \tau`
    with :math:`\tau` the mean of :math:`z_S` minus :math:`1/\lvert S\rvert`, so
    the Jacobian is :math:`\mathrm{diag}(\mathbb 1_S) - \mathbb 1_S\mathbb 1_S^\top/\lvert S\rvert`
    and :meth:`backward` returns :math:`\mathbb 1_S \odot (g - \bar g_S)`
    (:func:`nnbook.functional.sparsemax_backward`).
    """

    def __init__(self) -> None:
        self._p: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._p = F.sparsemax(_as_logits(self, x), axis=1)
        return self._p

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        p = self._cached(self._p)
        grad_out = np.asarray(grad_out)
        self._check_grad(grad_out, p.shape)
        return F.sparsemax_backward(p, grad_out, axis=1)


class LogSoftmax(Module):
    r"""Log-softmax of each row of an ``(n, K)`` input: log-probabilities, for :class:`~nnbook.NLLLoss`.

    .. math::
        \log\mathrm{softmax}(z)_k = z_k - \mathrm{logsumexp}(z),
        \qquad \mathrm{logsumexp}(z) = m + \log\sum_j e^{z_j - m}, \quad m = \max_j z_j,

    finite for any finite logits (:func:`nnbook.functional.log_softmax`).

    Notes
    -----
    With :math:`s = \mathrm{softmax}(z)`, :math:`\partial \log s_k / \partial z_j = \delta_{kj} - s_j`,
    so :meth:`backward` returns, row by row,

    .. math::
        \frac{\partial L}{\partial z} = g - s \sum_k g_k, \qquad g = \frac{\partial L}{\partial \log s}.
    """

    def __init__(self) -> None:
        self._logp: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        z = _as_logits(self, x)
        self._logp = F.log_softmax(z, axis=1)
        return self._logp

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        logp = self._cached(self._logp)
        grad_out = np.asarray(grad_out)
        self._check_grad(grad_out, logp.shape)
        return grad_out - np.exp(logp) * np.sum(grad_out, axis=1, keepdims=True)
