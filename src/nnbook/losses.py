"""Loss functions (chapter *Output units and cost functions*).

Calling a loss returns a Python float and remembers what :meth:`Loss.backward`
needs; ``loss.backward()`` returns :math:`\\partial L/\\partial \\hat y`, the
gradient with respect to the prediction, ready for ``model.backward``.

Each loss is the negative log-likelihood of an output distribution:

=========================  =====================  ===========================
output unit                distribution           loss
=========================  =====================  ===========================
linear                     Gaussian               :class:`MSELoss`
sigmoid                    Bernoulli              :class:`BCELoss`, :class:`BCEWithLogitsLoss`
softmax                    categorical            :class:`CrossEntropyLoss`
log-softmax                categorical            :class:`NLLLoss`
=========================  =====================  ===========================
"""

from __future__ import annotations

import numpy as np

from . import functional as F

__all__ = ["Loss", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"]

_REDUCTIONS = ("mean", "sum")

#: native integer dtypes and the unsigned type of their size: read as unsigned, a negative
#: label is larger than any class index, so one maximum checks both ends of the range
_UNSIGNED = {np.dtype(f"{kind}{bits}"): np.dtype(f"uint{bits}") for kind in ("int", "uint") for bits in (8, 16, 32, 64)}


def _row_max(z: np.ndarray) -> np.ndarray:
    """``z.max(axis=1, keepdims=True)`` of an ``(n, k)`` array, the same values.

    For a few classes, a maximum over two columns at a time is several times
    faster than NumPy's reduction along a short row (the maximum is exact, so
    the order does not change it).
    """
    k = z.shape[1]
    if k == 1 or k > 4:
        return z.max(axis=1, keepdims=True)
    m = np.maximum(z[:, :1], z[:, 1:2])
    for j in range(2, k):
        np.maximum(m, z[:, j:j + 1], out=m)
    return m


class Loss:
    """Base class: ``value = loss(prediction, target)``, then ``grad = loss.backward()``."""

    #: whether the loss belongs to a classifier (``fit`` then reports accuracy)
    is_classification = False

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction
        self._grad: np.ndarray | None = None

    def __call__(self, prediction: np.ndarray, target: np.ndarray) -> float:
        return self.forward(prediction, target)

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:  # pragma: no cover
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        """:math:`\\partial L/\\partial \\hat y`, same shape as the last prediction."""
        if self._grad is None:
            raise RuntimeError(f"{self!r}: backward() called before the loss was computed")
        return self._grad

    def predict(self, output: np.ndarray) -> np.ndarray:
        """Turn the network's output into predictions (class labels for classifiers)."""
        return output

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- helpers ---------------------------------------------------------------
    def _scale(self, n_terms: int) -> float:
        return 1.0 / n_terms if self.reduction == "mean" else 1.0

    def _match(self, pred: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predictions and targets of the same shape; ``(n,)`` targets fit ``(n, 1)`` predictions."""
        pred = np.asarray(pred)
        target = np.asarray(target)
        if not np.issubdtype(pred.dtype, np.floating):
            pred = pred.astype(np.float64)
        if pred.ndim == 0 or pred.shape[0] == 0:
            raise ValueError(f"{self!r}: predictions must have shape (n,) or (n, k) with n > 0, got {pred.shape}")
        if target.shape != pred.shape:
            if pred.ndim == 2 and pred.shape[1] == 1 and target.shape == (pred.shape[0],):
                target = target.reshape(pred.shape)
            elif pred.ndim == 1 and target.shape == (pred.shape[0], 1):
                target = target.reshape(pred.shape)
            else:
                raise ValueError(
                    f"{self!r}: predictions have shape {pred.shape} but targets have shape "
                    f"{target.shape}; they must match (a target of shape (n,) is accepted for "
                    f"predictions of shape (n, 1))"
                )
        return pred, target.astype(pred.dtype, copy=False)


def _class_labels(loss: Loss, target: np.ndarray, shape: tuple[int, int], what: str) -> np.ndarray:
    """Check that ``target`` holds one integer class index in ``[0, k)`` for each of the ``n`` rows of
    a ``shape = (n, k)`` input (``what``: ``"logits"`` or ``"log-probabilities"``); return it as ``(n,)``.

    A column ``(n, 1)`` and floats that are whole numbers are accepted.
    """
    n, k = shape
    y = np.asarray(target)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.reshape(-1)
    if y.shape != (n,):
        raise ValueError(
            f"{loss!r}: {what} have shape {shape}, so labels must have shape ({n},), got {y.shape}"
            + (" (labels are class indices, not one-hot rows: pass y.argmax(axis=1))" if y.shape == shape else "")
        )
    if y.dtype.kind not in "iu":  # not an integer dtype
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError(f"{loss!r}: labels must be integer class indices, got dtype {y.dtype} with non-integer values")
        y = y.astype(np.int64)
    # one reduction instead of two: read as unsigned, a negative label is larger than any k
    unsigned = _UNSIGNED.get(y.dtype)
    if (y.view(unsigned).max() >= k) if unsigned is not None else (y.min() < 0 or y.max() >= k):
        raise ValueError(
            f"{loss!r}: labels must lie in [0, {k - 1}] for {k} classes, got labels in [{y.min()}, {y.max()}]"
        )
    return y


class MSELoss(Loss):
    r"""Mean squared error :math:`\frac{1}{N}\sum (\hat y - y)^2` over all :math:`N` entries.

    The negative log-likelihood of a Gaussian output with fixed variance, up to
    a constant and a scale. Gradient: :math:`2(\hat y - y)/N`.
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        pred, y = self._match(prediction, target)
        diff = pred - y
        s = self._scale(diff.size)
        self._grad = (2 * s) * diff
        return float(np.sum(diff * diff) * s)


class BCELoss(Loss):
    r"""Binary cross-entropy on probabilities :math:`p = \sigma(z)`:

    .. math:: L = -\frac1n \sum_i \big[y_i \log p_i + (1 - y_i)\log(1 - p_i)\big].

    As in PyTorch, each log is clamped at -100 so that :math:`p = 0` or 1 gives a
    large finite loss instead of infinity. Prefer :class:`BCEWithLogitsLoss`,
    which never loses precision in the sigmoid.
    """

    is_classification = True

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        p, y = self._match(prediction, target)
        if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
            raise ValueError(
                f"{self!r}: predictions must be probabilities in [0, 1], got values in "
                f"[{np.nanmin(p):.4g}, {np.nanmax(p):.4g}] (pass logits to BCEWithLogitsLoss instead)"
            )
        if np.any((y < 0) | (y > 1)):
            raise ValueError(f"{self!r}: targets must lie in [0, 1], got values in [{y.min():.4g}, {y.max():.4g}]")
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)
            log_1mp = np.maximum(np.log1p(-p), -100)
        s = self._scale(p.size)
        self._grad = s * (p - y) / np.maximum(p * (1 - p), 1e-12)
        return float(-np.sum(y * log_p + (1 - y) * log_1mp) * s)

    def predict(self, output: np.ndarray) -> np.ndarray:
        out = np.asarray(output)
        labels = (out >= 0.5).astype(np.int64)
        return labels.reshape(-1) if out.ndim == 2 and out.shape[1] == 1 else labels


class BCEWithLogitsLoss(Loss):
    r"""Binary cross-entropy on logits :math:`z`, fused with the sigmoid:

    .. math:: L = \frac1n\sum_i \zeta(z_i) - y_i z_i = \frac1n \sum_i \max(z_i, 0) - y_i z_i + \log(1 + e^{-|z_i|}),

    equal to :math:`-\log\sigma((2y - 1)z)` for :math:`y \in \{0, 1\}`. Finite
    for any finite :math:`z`; gradient :math:`(\sigma(z) - y)/n`.
    """

    is_classification = True

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        z, y = self._match(prediction, target)
        if np.any((y < 0) | (y > 1)):
            raise ValueError(f"{self!r}: targets must lie in [0, 1], got values in [{y.min():.4g}, {y.max():.4g}]")
        s = self._scale(z.size)
        self._grad = s * (F.sigmoid(z) - y)
        return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))) * s)

    def predict(self, output: np.ndarray) -> np.ndarray:
        out = np.asarray(output)
        labels = (out >= 0).astype(np.int64)
        return labels.reshape(-1) if out.ndim == 2 and out.shape[1] == 1 else labels


class CrossEntropyLoss(Loss):
    r"""Softmax cross-entropy on logits ``(n, k)`` with integer labels ``(n,)``:

    .. math:: L = \frac1n \sum_i \Big(\mathrm{logsumexp}(z_i) - z_{i, y_i}\Big),

    computed through :func:`~nnbook.functional.log_softmax`. The gradient at the
    logits is :math:`(\mathrm{softmax}(z) - \mathrm{onehot}(y))/n`.
    """

    is_classification = True

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        z = np.asarray(prediction)
        if z.dtype.kind != "f":  # not floating point (dtype.kind is a cheap test, run every step)
            z = z.astype(np.float64)
        if z.ndim != 2 or z.shape[0] == 0:
            raise ValueError(f"{self!r}: logits must have shape (n, k) with n > 0, got {z.shape}")
        n, k = z.shape
        y = _class_labels(self, target, z.shape, "logits")
        # F.log_softmax(z, axis=1) and its exponential, written out with fewer passes and
        # temporaries; every value is the same, bit for bit
        shifted = z - _row_max(z)
        e = np.exp(shifted)
        # two classes: one addition a row, e0 + e1, as NumPy's (slower) reduction along a row
        # of two computes it (the same bits: an exponential is never -0.0)
        norm = np.add(e[:, :1], e[:, 1:]) if k == 2 else e.sum(axis=1, keepdims=True)
        np.log(norm, out=norm)
        logp = np.subtract(shifted, norm, out=shifted)
        offsets, one, s = self._constants(n, k, z.dtype)
        # the label entries of row i sit at i*k + y_i of the flattened (n, k) array
        at = offsets + (y if y.dtype == np.intp else y.astype(np.intp))
        grad = np.exp(logp, out=e)
        grad_flat = grad.reshape(-1)
        grad_flat[at] -= one
        grad *= s
        self._grad = grad
        return float(-logp.take(at).sum() * s)

    def _constants(self, n: int, k: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``k * arange(n)``, and 1 and the scale as 0-d arrays of ``dtype`` (which a ufunc
        takes faster than Python numbers, with the same values), kept from the last call:
        the batch shape rarely changes."""
        key = (n, k, dtype, self.reduction)
        cached = self.__dict__.get("_cached_constants")
        if cached is None or cached[0] != key:
            consts = (np.arange(0, n * k, k), np.asarray(1, dtype=dtype), np.asarray(self._scale(n), dtype=dtype))
            cached = self._cached_constants = (key, consts)
        return cached[1]

    def predict(self, output: np.ndarray) -> np.ndarray:
        return np.argmax(output, axis=1)


class NLLLoss(Loss):
    r"""Negative log-likelihood of integer labels ``(n,)`` under log-probabilities ``(n, K)``:

    .. math:: L = -\frac1n \sum_{i=1}^n \log p_{i, y_i}.

    The input must be log-probabilities, such as the output of
    :class:`~nnbook.LogSoftmax`; ``LogSoftmax()`` followed by ``NLLLoss()`` is
    :class:`CrossEntropyLoss`. The gradient with respect to the input
    is :math:`-1/n` at each example's label and 0 elsewhere.

    Raises
    ------
    ValueError
        If the shapes do not fit, a label is not a class index, or an input is
        clearly not a log-probability (above ``1e-3``: logits passed by mistake).
    """

    is_classification = True

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        logp = np.asarray(prediction)
        if logp.ndim != 2 or logp.shape[0] == 0 or logp.shape[1] == 0:
            raise ValueError(f"{self!r}: log-probabilities must have shape (n, K) with n, K > 0, got {logp.shape}")
        if logp.dtype.kind != "f":
            logp = logp.astype(np.float64)
        y = _class_labels(self, target, logp.shape, "log-probabilities")
        # a log-probability is <= 0; the margin leaves room for rounding and for the
        # small steps of a finite-difference check, and still catches logits passed by mistake
        if np.any(logp > 1e-3):
            raise ValueError(
                f"{self!r}: the input must be log-probabilities (<= 0), got values up to {logp.max():.4g}; "
                "apply LogSoftmax() first, or pass logits to CrossEntropyLoss instead"
            )
        n = len(y)
        rows = np.arange(n)
        s = self._scale(n)
        grad = np.zeros_like(logp)
        grad[rows, y] = -s
        self._grad = grad
        return float(-logp[rows, y].sum() * s)

    def predict(self, output: np.ndarray) -> np.ndarray:
        return np.argmax(output, axis=1)
