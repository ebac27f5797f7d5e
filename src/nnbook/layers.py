"""Layers with parameters: :class:`Linear` and :class:`Maxout`.

Shapes are batch first: an input ``X`` is ``(n, d_in)``, a weight is
``(d_in, d_out)`` and ``Z = X @ W + b`` (chapter *Notation* maps this to the
column-vector ``W x + b`` of many texts and to PyTorch's ``(out, in)`` weight).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import init as _init
from ._rng import require_rng
from .module import Module, Parameter

__all__ = ["Linear", "Maxout"]


def _as_input(layer: Module, x: np.ndarray, d_in: int, dtype: np.dtype) -> np.ndarray:
    """Check that ``x`` is ``(n, d_in)`` and cast it to the layer's dtype."""
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != d_in:
        hint = " (a single example needs shape (1, d_in): x.reshape(1, -1))" if x.ndim == 1 else ""
        raise ValueError(
            f"{layer!r}: expected input of shape (n, {d_in}), got {x.shape}{hint}"
        )
    if x.dtype != dtype:
        x = x.astype(dtype)
    return x


def _sizes_and_dtype(layer: str, dtype: Any, **sizes: Any) -> tuple[np.dtype, list[int]]:
    """Check a layer's sizes (positive integers) and dtype (float32 or float64); return them as ints and a dtype."""
    for name, v in sizes.items():
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{layer}: {name} must be a positive integer, got {v!r}")
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise ValueError(f"{layer}: dtype must be float32 or float64, got {dt}")
    return dt, [int(v) for v in sizes.values()]


def _make(init: Any, shape: tuple[int, ...], rng: np.random.Generator | None, dtype: Any, what: str) -> np.ndarray:
    if isinstance(init, (int, float)) and not isinstance(init, bool):
        return np.full(shape, init, dtype=dtype)
    initializer = _init.get(init)
    if rng is None and isinstance(init, str) and init not in _init._DRAW_NOTHING:
        layer, part = what.split(" ", 1)
        require_rng(rng, layer, f"the {part} initializer {init!r} draws random numbers and",
                    " (pass rng=np.random.default_rng(seed), or a constant such as init=0.0 for weights set by hand)")
    # a copy: an initializer returning the caller's array (init=lambda s, r: W0) must not
    # make the parameter an alias of W0, or of another layer built from the same W0
    value = np.array(initializer(shape, rng), dtype=dtype)
    if value.shape != shape:
        raise ValueError(f"{what} initializer returned shape {value.shape}, expected {shape}")
    return value


class Linear(Module):
    r"""Affine layer :math:`Z = XW + b`.

    Parameters
    ----------
    in_features, out_features : int
        :math:`d_{in}` and :math:`d_{out}`.
    init : str or callable
        Weight initializer, a name from :mod:`nnbook.init` (default
        ``"xavier_uniform"``) or ``f(shape, rng) -> ndarray``.
    bias : bool
        Whether to add a bias :math:`b` of shape ``(d_out,)``.
    bias_init : float, str or callable
        A constant (default 0) or an initializer for the bias.
    rng : numpy.random.Generator, optional
        Source of randomness for the initializer.
    dtype : numpy dtype
        ``np.float64`` (default) or ``np.float32``; inputs are cast to it.

    Notes
    -----
    The three messages (chapter *Backpropagation*), with :math:`\delta = \partial L/\partial Z`:

    .. math::
        \frac{\partial L}{\partial X} = \delta W^\top, \qquad
        \frac{\partial L}{\partial W} = X^\top \delta, \qquad
        \frac{\partial L}{\partial b} = \textstyle\sum_i \delta_i .
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        init: Any = "xavier_uniform",
        bias: bool = True,
        bias_init: Any = 0.0,
        rng: np.random.Generator | None = None,
        dtype: Any = np.float64,
    ) -> None:
        self.dtype, (self.in_features, self.out_features) = _sizes_and_dtype(
            "Linear", dtype, in_features=in_features, out_features=out_features)
        self.weight = Parameter(_make(init, (self.in_features, self.out_features), rng, self.dtype, "Linear weight"))
        self.bias = (
            Parameter(_make(bias_init, (self.out_features,), rng, self.dtype, "Linear bias"), decay=False)
            if bias else None
        )
        self._x: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}" + (
            "" if self.bias is not None else ", bias=False"
        )

    def forward(self, x: np.ndarray) -> np.ndarray:
        # the common case (a 2-D array of the layer's dtype) is checked inline, run every step
        if type(x) is not np.ndarray or x.ndim != 2 or x.shape[1] != self.in_features or x.dtype != self.dtype:
            x = _as_input(self, x, self.in_features, self.dtype)
        self._x = x
        z = x @ self.weight.value
        bias = self.bias
        if bias is not None:
            z += bias.value
        return z

    #: ``backward(grad_out, input_grad=False)`` skips :math:`\delta W^\top` (see :meth:`Sequential.backward`)
    @property
    def skips_input_grad(self) -> bool:  # not for a subclass that overrides backward(grad_out)
        return type(self).backward is Linear.backward

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        r"""Add :math:`X^\top\delta` and :math:`\sum_i\delta_i` into the ``.grad`` of weight and bias.

        Returns :math:`\delta W^\top`, shape ``(n, d_in)``; with
        ``input_grad=False`` (the first layer of a network, whose input is the
        data) that product is skipped and ``None`` is returned.
        """
        x = self._x
        if x is None:
            self._cached(x)  # raises: backward before forward
        if grad_out.shape != (x.shape[0], self.out_features):
            self._check_grad(grad_out, (x.shape[0], self.out_features))
        weight, bias = self.weight, self.bias
        # Right after zero_grad the products go straight into .grad (0 + v is v: the same
        # bits, without a temporary and a pass); otherwise they are added, as always.
        if weight._zeroed and grad_out.dtype == weight._grad.dtype:
            np.matmul(x.T, grad_out, out=weight._grad)
            weight._zeroed = False
        else:
            weight.grad += x.T @ grad_out
        if bias is not None:
            if bias._zeroed and grad_out.dtype == bias._grad.dtype:
                # initial=0.0: a column of -0.0 sums to 0.0, as adding it to zeros gives, whatever
                # value NumPy's reduction starts from
                np.add.reduce(grad_out, axis=0, out=bias._grad, initial=0.0)
                bias._zeroed = False
            else:
                bias.grad += grad_out.sum(axis=0)
        return grad_out @ weight.value.T if input_grad else None


class Maxout(Module):
    r"""Maxout units (Goodfellow et al., 2013): each output is the max of ``k`` affine pieces.

    .. math::
        h_j = \max_{p = 1..k} \left( X W^{(p)} + b^{(p)} \right)_j

    With ``k = 2`` a maxout unit can represent ReLU (:math:`\max(0, z)`),
    absolute value (:math:`\max(z, -z)`) and PReLU (:math:`\max(z, a z)`);
    in general it is any convex piecewise-linear function with ``k`` pieces.

    ``weight`` has shape ``(k, d_in, d_out)`` and ``bias`` ``(k, d_out)``.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        k: int = 2,
        *,
        init: Any = "xavier_uniform",
        rng: np.random.Generator | None = None,
        dtype: Any = np.float64,
    ) -> None:
        self.dtype, (self.in_features, self.out_features, self.k) = _sizes_and_dtype(
            "Maxout", dtype, in_features=in_features, out_features=out_features, k=k)
        self.weight = Parameter(_make(init, (self.k, self.in_features, self.out_features), rng, self.dtype, "Maxout weight"))
        self.bias = Parameter(np.zeros((self.k, self.out_features), dtype=self.dtype), decay=False)
        self._x: np.ndarray | None = None
        self._mask: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, k={self.k}"

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _as_input(self, x, self.in_features, self.dtype)
        z = np.matmul(x, self.weight.value) + self.bias.value[:, None, :]  # (k, n, d_out)
        idx = np.argmax(z, axis=0)                                         # (n, d_out)
        self._x = x
        self._mask = np.arange(self.k)[:, None, None] == idx[None]         # (k, n, d_out)
        return np.take_along_axis(z, idx[None], axis=0)[0]

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        x = self._cached(self._x)
        self._check_grad(grad_out, (x.shape[0], self.out_features))
        dz = self._mask * grad_out[None]                                   # (k, n, d_out)
        self.weight.grad += np.matmul(x.T, dz)
        self.bias.grad += dz.sum(axis=1)
        return np.matmul(dz, self.weight.value.transpose(0, 2, 1)).sum(axis=0)
