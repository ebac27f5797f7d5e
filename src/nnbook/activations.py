"""Activation functions as modules, so a network reads like its diagram:
``Sequential(Linear(2, 4), ReLU(), Linear(4, 1))`` (chapter *Hidden units*).

Each elementwise activation :math:`h = g(z)` sends back
:math:`\\partial L/\\partial z = \\partial L/\\partial h \\odot g'(z)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import functional as F
from ._rng import check_rng, require_rng
from .module import Module, Parameter

__all__ = [
    "Identity", "Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "RReLU",
    "ELU", "Softplus", "HardTanh", "Abs", "Elementwise",
]


class Elementwise(Module):
    """Base class of elementwise activations.

    Subclasses define :meth:`function` and :meth:`derivative`; ``forward`` keeps
    the input, ``backward`` multiplies by the derivative at it.
    """

    def __init__(self) -> None:
        self._z: np.ndarray | None = None

    def function(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def derivative(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        self._z = x
        return self.function(x)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        z = self._cached(self._z)
        if grad_out.shape != z.shape:
            self._check_grad(grad_out, z.shape)
        return grad_out * self.derivative(z)


class Identity(Elementwise):
    """The linear unit :math:`g(z) = z`."""

    def function(self, z: np.ndarray) -> np.ndarray:
        return z

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.ones_like(z)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        z = self._cached(self._z)
        self._check_grad(grad_out, z.shape)
        return grad_out


class Step(Elementwise):
    r"""The McCulloch-Pitts threshold unit: :math:`g(z) = 1` if :math:`z \ge 0`, else 0.

    Its derivative is zero everywhere except at 0, where it does not exist, so
    gradient descent cannot train through it: :meth:`backward` raises.
    """

    def function(self, z: np.ndarray) -> np.ndarray:
        return F.step(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.zeros_like(z, dtype=np.result_type(z, np.float32))

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        raise RuntimeError(
            "Step has no useful gradient: its derivative is 0 everywhere except at 0, where it "
            "is undefined, so backpropagation would send back only zeros. Train with a smooth "
            "unit such as Sigmoid() instead, or set the weights of a threshold network by hand."
        )


class Sigmoid(Elementwise):
    r""":math:`\sigma(z) = 1/(1 + e^{-z})`, with :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        self._z = x
        self._s = F.sigmoid(x)
        return self._s

    def function(self, z: np.ndarray) -> np.ndarray:
        return F.sigmoid(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        s = F.sigmoid(z)
        return s * (1 - s)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        z = self._cached(self._z)
        if grad_out.shape != z.shape:
            self._check_grad(grad_out, z.shape)
        s = self._s
        return grad_out * s * (1 - s)


class Tanh(Elementwise):
    r""":math:`\tanh z`, with derivative :math:`1 - \tanh^2 z`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        self._z = x
        self._t = np.tanh(x)
        return self._t

    def function(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return 1 - np.tanh(z) ** 2

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        z = self._cached(self._z)
        if grad_out.shape != z.shape:
            self._check_grad(grad_out, z.shape)
        t = self._t
        return grad_out * (1 - t * t)


class ReLU(Elementwise):
    r"""Rectified linear unit :math:`\max(0, z)`; derivative 1 for :math:`z > 0`, else 0 (0 at 0 by convention)."""

    # 0 as a 0-d array of each float dtype: a ufunc takes it faster than the Python 0 (same values)
    _ZEROS = {np.dtype(t): np.zeros((), dtype=t) for t in (np.float16, np.float32, np.float64)}

    def forward(self, x: np.ndarray) -> np.ndarray:
        if type(x) is not np.ndarray:
            x = np.asarray(x)
        self._z = x
        return np.maximum(x, self._ZEROS.get(x.dtype, 0))

    def function(self, z: np.ndarray) -> np.ndarray:
        return np.maximum(z, 0)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return (z > 0).astype(z.dtype)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        z = self._z
        if z is None:
            self._cached(z)  # raises: backward before forward
        if grad_out.shape != z.shape:
            self._check_grad(grad_out, z.shape)
        # grad_out * (z > 0), with the mask made 0.0/1.0 first: multiplying by a boolean
        # array casts it inside the loop, which is slower (the same products)
        mask = (z > self._ZEROS.get(z.dtype, 0)).astype(grad_out.dtype)
        return np.multiply(grad_out, mask, out=mask)


class LeakyReLU(Elementwise):
    r""":math:`z` for :math:`z > 0`, else :math:`\alpha z` (Maas et al., 2013)."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"

    def function(self, z: np.ndarray) -> np.ndarray:
        return F.leaky_relu(z, self.negative_slope)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, 1.0, self.negative_slope).astype(z.dtype, copy=False)


class RReLU(Elementwise):
    r"""Randomized leaky ReLU (Xu et al., 2015).

    In training mode each element's negative slope is drawn from
    :math:`\mathcal U(\mathrm{lower}, \mathrm{upper})` at every forward pass; in
    evaluation mode (``.eval()``) the slope is the mean, :math:`(l + u)/2`.

    ``rng``, a :class:`numpy.random.Generator`, is where the slopes come from;
    a forward pass in training mode without one raises ``ValueError``.
    """

    def __init__(self, lower: float = 1 / 8, upper: float = 1 / 3, *, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0 <= lower <= upper:
            raise ValueError(f"RReLU: need 0 <= lower <= upper, got lower={lower}, upper={upper}")
        self.lower, self.upper = float(lower), float(upper)
        self.rng = None if rng is None else check_rng(rng, "RReLU")
        self._slope: np.ndarray | float = (self.lower + self.upper) / 2

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}"

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        self._z = x
        if self.training:
            rng = require_rng(self.rng, "RReLU", "training mode draws the negative slopes at random and",
                              " (build it as RReLU(rng=rng), or call .eval() for the mean slope)")
            self._slope = rng.uniform(self.lower, self.upper, size=x.shape).astype(x.dtype)
        else:
            self._slope = (self.lower + self.upper) / 2
        return np.where(x > 0, x, self._slope * x)

    def function(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, (self.lower + self.upper) / 2 * z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        slope = self._slope if np.shape(self._slope) == z.shape else (self.lower + self.upper) / 2
        return np.where(z > 0, 1.0, slope).astype(z.dtype, copy=False)


class PReLU(Module):
    r"""Parametric ReLU (He et al., 2015): :math:`z` for :math:`z > 0`, else :math:`a z` with :math:`a` learned.

    Parameters
    ----------
    num_parameters : int
        1 (one slope shared by all units, default) or the number of units
        (one slope per unit).
    init : float
        The initial slope (0.25, as in the paper).

    Notes
    -----
    :math:`\partial L/\partial a = \sum \partial L/\partial h \cdot \min(z, 0)`,
    summed over the batch (and over units when the slope is shared).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *, dtype: Any = np.float64) -> None:
        if not isinstance(num_parameters, (int, np.integer)) or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be a positive integer, got {num_parameters!r}")
        self.num_parameters = int(num_parameters)
        self.weight = Parameter(np.full((self.num_parameters,), init, dtype=dtype), decay=False)
        self._z: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if self.num_parameters != 1 and (x.ndim != 2 or x.shape[1] != self.num_parameters):
            raise ValueError(
                f"{self!r}: expected input of shape (n, {self.num_parameters}), got {x.shape}"
            )
        self._z = x
        return np.where(x > 0, x, self._slope(x.dtype) * x)

    def _slope(self, dtype: Any) -> np.ndarray:
        """The slope in the input's float dtype, so that a float32 model stays float32."""
        a = self.weight.value
        return a.astype(dtype, copy=False) if np.issubdtype(dtype, np.floating) else a

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        z = self._cached(self._z)
        self._check_grad(grad_out, z.shape)
        g_a = grad_out * np.minimum(z, 0)
        if self.num_parameters == 1:
            self.weight.grad += g_a.sum()
        else:
            self.weight.grad += g_a.sum(axis=0)
        return grad_out * np.where(z > 0, 1.0, self._slope(z.dtype))


class ELU(Elementwise):
    r"""Exponential linear unit (Clevert et al., 2016): :math:`z` for :math:`z > 0`, else :math:`\alpha(e^z - 1)`."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"

    def function(self, z: np.ndarray) -> np.ndarray:
        return F.elu(z, self.alpha)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0))).astype(z.dtype, copy=False)


class Softplus(Elementwise):
    r""":math:`\zeta(z) = \log(1 + e^z)`, a smooth ReLU; :math:`\zeta'(z) = \sigma(z)`."""

    def function(self, z: np.ndarray) -> np.ndarray:
        return F.softplus(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return F.sigmoid(z)


class HardTanh(Elementwise):
    r""":math:`\max(-1, \min(1, z))`; derivative 1 strictly inside the limits, else 0."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        if not min_val < max_val:
            raise ValueError(f"HardTanh: need min_val < max_val, got {min_val} and {max_val}")
        self.min_val, self.max_val = float(min_val), float(max_val)

    def function(self, z: np.ndarray) -> np.ndarray:
        return F.hardtanh(z, self.min_val, self.max_val)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return ((z > self.min_val) & (z < self.max_val)).astype(z.dtype)


class Abs(Elementwise):
    r"""Absolute-value rectification :math:`|z|` (a generalized ReLU with slope -1); derivative :math:`\mathrm{sign}(z)`."""

    def function(self, z: np.ndarray) -> np.ndarray:
        return np.abs(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.sign(z)
