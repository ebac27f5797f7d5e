"""Dropout (chapter *Regularization beyond the prior*).

While training, :class:`Dropout` sets each unit of its input to 0 with
probability :math:`p`, drawing a fresh mask at every forward pass, and scales
the units it keeps by :math:`1/(1 - p)` (*inverted* dropout), so that the
expected output equals the input; in evaluation mode (``model.eval()``) it is
the identity. :func:`nnbook.fit` trains in training mode and
:func:`nnbook.evaluate` measures in evaluation mode, as in PyTorch.

>>> import numpy as np, nnbook as nb
>>> drop = nb.Dropout(0.5, rng=np.random.default_rng(0))
>>> drop(np.ones((1, 6)))
array([[2., 0., 0., 0., 2., 2.]])
>>> drop.eval()(np.ones((1, 6)))
array([[1., 1., 1., 1., 1., 1.]])
"""

from __future__ import annotations

import numbers

import numpy as np

from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    r"""Inverted dropout with drop probability ``p`` (Srivastava et al., 2014).

    In training mode, for an input :math:`x` of any shape,

    .. math::
        y = \frac{m \odot x}{1 - p}, \qquad m_i \sim \mathrm{Bernoulli}(1 - p)
        \text{ independently, drawn afresh at every forward pass},

    so :math:`\mathbb E[y] = x`; in evaluation mode :math:`y = x`. The
    backward pass applies the same mask and scale,
    :math:`\partial L/\partial x = (m \odot \partial L/\partial y)/(1 - p)`.

    Parameters
    ----------
    p : float
        The probability of dropping a unit, in :math:`[0, 1)`. ``p = 0`` is
        the identity in both modes (and draws nothing).
    rng : numpy.random.Generator
        Draws the masks. Required: a network with dropout is random, and the
        randomness is passed in.

    Attributes
    ----------
    rng : numpy.random.Generator
        The generator the masks come from; set a freshly seeded one before
        each forward pass to repeat a mask (a gradient check needs that).
        The keep mask of the last forward pass is :attr:`mask`.

    Raises
    ------
    ValueError
        If ``p`` is not a number in :math:`[0, 1)`, or ``rng`` is not a
        :class:`numpy.random.Generator`.

    Notes
    -----
    Same semantics as PyTorch's ``torch.nn.Dropout(p)``: PyTorch draws keep
    masks with probability :math:`1 - p` and scales by :math:`1/(1 - p)` too.
    Chapter *Regularization beyond the prior* explains why it regularizes.
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator) -> None:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= float(p) < 1:
            raise ValueError(
                f"Dropout: p is the probability of dropping a unit and must be a number in [0, 1), got {p!r}"
            )
        if not isinstance(rng, np.random.Generator):
            raise ValueError(
                f"Dropout: rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)), got {type(rng).__name__}"
            )
        self.p = float(p)
        self.rng = rng
        self._keep: np.ndarray | None = None    # the keep mask of the last forward pass; None: identity
        self._scale = 1.0
        self._shape: tuple[int, ...] | None = None

    def extra_repr(self) -> str:
        return f"p={self.p}"

    @property
    def mask(self) -> np.ndarray | None:
        """The keep mask (``True`` where a unit was kept) of the last forward pass, a copy; ``None``
        when that pass was the identity (evaluation mode, or ``p = 0``)."""
        return None if self._keep is None else self._keep.copy()

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if x.dtype.kind not in "fiub":
            raise ValueError(f"{self!r}: expected a numeric array, got dtype {x.dtype}")
        if x.dtype.kind != "f":
            x = x.astype(np.float64)
        self._shape = x.shape
        if not self.training or self.p == 0.0:
            self._keep = None
            return x
        self._keep = self.rng.random(x.shape) >= self.p
        self._scale = 1.0 / (1.0 - self.p)
        return x * self._multiplier(x.dtype)

    def _multiplier(self, dtype: np.dtype) -> np.ndarray:
        """The mask times the scale, :math:`m/(1 - p)`, in ``dtype``."""
        return self._keep.astype(dtype) * dtype.type(self._scale)  # type: ignore[union-attr]

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        shape = self._cached(self._shape)
        grad_out = np.asarray(grad_out)
        self._check_grad(grad_out, shape)
        if self._keep is None:
            return grad_out
        dtype = grad_out.dtype if grad_out.dtype.kind == "f" else np.dtype(np.float64)
        return grad_out * self._multiplier(dtype)
