"""Radial basis function units (chapter *Hidden units*).

A radial basis function (RBF) unit does not follow the pattern "affine map,
then an elementwise function" of the other hidden units: it compares the input
with a template, its *centre* :math:`\\mathbf{c}_j`, and responds most
strongly when the input is close to it,

.. math:: h_j = \\exp\\!\\left(-\\frac{\\lVert \\mathbf{x} - \\mathbf{c}_j \\rVert^2}{\\sigma_j^2}\\right).

Far from every centre all units output almost 0 and their gradients vanish
with them, which makes RBF layers hard to train by gradient descent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .layers import _as_input, _make, _sizes_and_dtype
from .module import Module, Parameter

__all__ = ["RBF"]


class RBF(Module):
    r"""A layer of Gaussian radial basis function units with learned centres and widths.

    .. math::
        h_{ij} = \exp\!\left(-\frac{\lVert \mathbf{x}_i - \mathbf{c}_j \rVert^2}{\sigma_j^2}\right),
        \qquad i = 1..n, \quad j = 1..d_{out}

    Parameters
    ----------
    in_features, out_features : int
        :math:`d_{in}` (the dimension of the inputs and of the centres) and
        :math:`d_{out}` (the number of units).
    init : str or callable
        Initializer of the centres, a name from :mod:`nnbook.init` (default
        ``"uniform"``: every coordinate uniform on :math:`[-1, 1]`) or
        ``f(shape, rng) -> ndarray``.
    width : float
        The initial width :math:`\sigma_j` of every unit (default 1), > 0.
    rng : numpy.random.Generator, optional
        Source of randomness for the initializer.
    dtype : numpy dtype
        ``np.float64`` (default) or ``np.float32``; inputs are cast to it.

    Attributes
    ----------
    centers : Parameter
        Shape ``(d_in, d_out)``: column :math:`j` is the centre
        :math:`\mathbf{c}_j` of unit :math:`j`, the layout of a
        :class:`~nnbook.Linear` weight (the templates :math:`W_{:,j}` of
        Goodfellow et al., section 6.3.3).
    width : Parameter
        Shape ``(d_out,)``: the widths :math:`\sigma_j`. Only
        :math:`\sigma_j^2` enters the unit, so the sign of :math:`\sigma_j`
        does not matter.

    Notes
    -----
    With :math:`\mathbf{d}_{ij} = \mathbf{x}_i - \mathbf{c}_j` and
    :math:`g_{ij} = \partial L/\partial h_{ij}`, the backward pass sends

    .. math::
        \frac{\partial L}{\partial \mathbf{x}_i} = -\sum_j g_{ij} h_{ij}\,\frac{2\,\mathbf{d}_{ij}}{\sigma_j^2},
        \qquad
        \frac{\partial L}{\partial \mathbf{c}_j} = \sum_i g_{ij} h_{ij}\,\frac{2\,\mathbf{d}_{ij}}{\sigma_j^2},
        \qquad
        \frac{\partial L}{\partial \sigma_j} = \sum_i g_{ij} h_{ij}\,\frac{2\,\lVert\mathbf{d}_{ij}\rVert^2}{\sigma_j^3}.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        init: Any = "uniform",
        width: float = 1.0,
        rng: np.random.Generator | None = None,
        dtype: Any = np.float64,
    ) -> None:
        self.dtype, (self.in_features, self.out_features) = _sizes_and_dtype(
            "RBF", dtype, in_features=in_features, out_features=out_features)
        if not (isinstance(width, (int, float, np.floating, np.integer)) and np.isfinite(width) and width > 0):
            raise ValueError(f"RBF: width must be a finite number > 0, got {width!r}")
        self.centers = Parameter(_make(init, (self.in_features, self.out_features), rng, self.dtype, "RBF centers"))
        self.width = Parameter(np.full((self.out_features,), width, dtype=self.dtype), decay=False)
        self._x: np.ndarray | None = None

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _as_input(self, x, self.in_features, self.dtype)
        diff = x[:, :, None] - self.centers.value[None, :, :]       # (n, d_in, d_out): x_i - c_j
        sq = np.einsum("ndk,ndk->nk", diff, diff)                   # (n, d_out): squared distances
        h = np.exp(-sq / self.width.value ** 2)
        self._x, self._diff, self._sq, self._h = x, diff, sq, h
        return h

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        x = self._cached(self._x)
        self._check_grad(grad_out, (x.shape[0], self.out_features))
        s2 = self.width.value ** 2
        gh = grad_out * self._h                                      # (n, d_out): dL/dh * h
        g_sq = -gh / s2                                              # dL/d(squared distance)
        g_diff = 2 * g_sq[:, None, :] * self._diff                   # dL/d(x_i - c_j), (n, d_in, d_out)
        self.centers.grad -= g_diff.sum(axis=0)
        self.width.grad += (gh * 2 * self._sq).sum(axis=0) / (s2 * self.width.value)
        return g_diff.sum(axis=2)
