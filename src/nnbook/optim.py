"""Stochastic gradient descent with momentum, L2 weight decay and L1.

Chapter *L2 regularization as MAP* derives weight decay as the gradient of a
Gaussian prior on the weights.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .module import Module, Parameter

__all__ = ["SGD"]


class SGD:
    r"""Gradient descent on a list of :class:`~nnbook.Parameter`.

    With learning rate :math:`\eta`, momentum :math:`\mu`, weight decay
    :math:`\lambda` and L1 strength :math:`\lambda_1`, one :meth:`step` does

    .. math::
        g &= \nabla_w L + \lambda w + \lambda_1 \operatorname{sign}(w) \\
        v &\leftarrow \mu v + g \\
        w &\leftarrow w - \eta v

    so that without momentum and L1, :math:`w \leftarrow (1 - \eta\lambda) w - \eta \nabla_w L`:
    the gradient step on :math:`L + \frac{\lambda}{2}\lVert w\rVert^2`. Weight decay and
    L1 apply to weights only (parameters with ``decay=True``), never to biases.
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        l1: float = 0.0,
    ) -> None:
        if isinstance(params, Module):
            raise TypeError(
                f"SGD: got the module {type(params).__name__} itself; pass its parameters: "
                f"SGD({type(params).__name__.lower()}.parameters(), lr=...)"
            )
        try:
            self.params = list(params)
        except TypeError:
            raise TypeError(
                f"SGD: params must be an iterable of Parameters (model.parameters()), got {type(params).__name__}"
            ) from None
        if not self.params:
            raise ValueError("SGD: got an empty parameter list (did you pass model.parameters()?)")
        for p in self.params:
            if not isinstance(p, Parameter):
                raise TypeError(f"SGD: expected Parameters, got {type(p).__name__} (pass model.parameters())")
        for name, v in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay), ("l1", l1)):
            if not np.isfinite(v) or v < 0:
                raise ValueError(f"SGD: {name} must be a finite number >= 0, got {v!r}")
        if momentum >= 1:
            raise ValueError(f"SGD: momentum must be < 1, got {momentum!r}")
        self.lr, self.momentum, self.weight_decay, self.l1 = float(lr), float(momentum), float(weight_decay), float(l1)
        self._velocity = [np.zeros_like(p.value) for p in self.params] if momentum else None

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter to zero."""
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Update every parameter in place."""
        lr, mu, wd, l1 = self.lr, self.momentum, self.weight_decay, self.l1
        if not (mu or wd or l1):  # plain gradient descent: w <- w - lr * grad
            # lr as a 0-d array of each parameter's dtype, made again when lr changes: a ufunc
            # takes it faster than a Python float, which it would cast to that dtype anyway
            cached = self.__dict__.get("_lr_arrays")
            if cached is None or cached[0] != lr:
                dtypes = {p.grad.dtype for p in self.params if p.grad.dtype.kind == "f"}
                cached = self._lr_arrays = (lr, {dt: np.asarray(lr, dtype=dt) for dt in dtypes})
            rates = cached[1]
            for p in self.params:
                grad = p.grad
                p.value -= rates.get(grad.dtype, lr) * grad
            return
        for i, p in enumerate(self.params):
            g = p.grad
            if p.decay and (wd or l1):
                g = g + wd * p.value if wd else g.copy()
                if l1:
                    g += l1 * np.sign(p.value)
            if mu:
                v = self._velocity[i]  # type: ignore[index]
                v *= mu
                v += g
                g = v
            p.value -= lr * g

    def __repr__(self) -> str:
        return (
            f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay}"
            + (f", l1={self.l1}" if self.l1 else "") + ")"
        )
