"""Gradient checking by central finite differences.

.. math:: \\frac{\\partial f}{\\partial x_i} \\approx \\frac{f(x + h e_i) - f(x - h e_i)}{2h}

The error of this estimate is :math:`O(h^2)` from truncation plus
:math:`O(u/h)` from rounding (:math:`u \\approx 10^{-16}` in float64),
so :math:`h \\approx 10^{-6}` is a good step (chapter *Backpropagation*).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .losses import Loss
from .module import Module

__all__ = ["numerical_gradient", "finite_difference", "relative_error", "check_gradients"]


def _check_step(h: float, where: str) -> None:
    if not (isinstance(h, (int, float, np.floating)) and np.isfinite(h) and h > 0):
        raise ValueError(f"{where}: the step h must be a positive finite number, got {h!r}")


def _differences(at: Callable[[tuple[int, ...], float], float], shape: tuple[int, ...], h: float, kind: str) -> np.ndarray:
    """The finite-difference core: ``at(i, d)`` is ``f(x + d e_i)`` (``at((), 0.0)`` is ``f(x)``).

    Returns the float64 array of ``shape`` of central, :math:`(f(x + h e_i) - f(x - h e_i))/(2h)`,
    or forward, :math:`(f(x + h e_i) - f(x))/h`, differences.
    """
    grad = np.zeros(shape, dtype=np.float64)
    if kind == "forward":
        f0 = at((), 0.0)
    for i in np.ndindex(shape):
        f_plus = at(i, h)
        if kind == "forward":
            grad[i] = (f_plus - f0) / h
        else:
            grad[i] = (f_plus - at(i, -h)) / (2 * h)
    return grad


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    ``x`` is perturbed *in place*, one entry at a time, and restored, so ``f``
    may either use its argument or read ``x`` through a closure (for example a
    parameter's ``.value``). Costs two evaluations of ``f`` per entry.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    x : ndarray of floats
        The point; use float64, float32 is too coarse for ``h = 1e-6``.
    h : float
        The step, positive (the same name as in :func:`finite_difference`).
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("numerical_gradient: x must be a floating-point ndarray (it is perturbed in place)")
    _check_step(h, "numerical_gradient")

    def at(i: tuple[int, ...], d: float) -> float:
        old = x[i]
        x[i] = old + d
        try:
            return float(f(x))
        finally:
            x[i] = old

    return _differences(at, x.shape, h, "central")


def finite_difference(
    f: Callable[[Any], Any], x: Any, h: float = 1e-6, kind: str = "central"
) -> Any:
    r"""Forward or central finite-difference derivative of a scalar function.

    .. math::
        \text{forward: } \frac{f(x + h e_i) - f(x)}{h} \quad (\text{error } O(h)), \qquad
        \text{central: } \frac{f(x + h e_i) - f(x - h e_i)}{2h} \quad (\text{error } O(h^2)),

    plus a rounding error of order :math:`u/h` (:math:`u \approx 2.2\cdot10^{-16}`
    in float64) in both. For :math:`n` inputs the forward difference costs
    :math:`n + 1` evaluations of ``f``, the central one :math:`2n`
    (chapter *Backpropagation*).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. Unlike :func:`numerical_gradient`, ``x`` is not
        changed in place: ``f`` receives perturbed copies.
    x : float or ndarray of floats, any shape
        The point.
    h : float
        The step, positive.
    kind : {"central", "forward"}
        Which difference.

    Returns
    -------
    float or ndarray
        A float for a scalar ``x``, otherwise an array of ``x``'s shape.
    """
    if kind not in ("central", "forward"):
        raise ValueError(f"finite_difference: kind must be 'central' or 'forward', got {kind!r}")
    _check_step(h, "finite_difference")
    scalar = np.ndim(x) == 0
    x0 = np.array(x, dtype=np.float64)

    def at(i: tuple[int, ...], d: float) -> float:
        xd = x0.copy()
        if d:
            xd[i] += d
        return float(f(float(xd) if scalar else xd))

    grad = _differences(at, x0.shape, h, kind)
    return float(grad) if scalar else grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    r""":math:`\lVert a - b\rVert / (\lVert a\rVert + \lVert b\rVert)`, 0 when both are zero.

    Scale-free, and unlike an elementwise ratio it does not blow up on entries
    that are both nearly zero.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def check_gradients(model: Module, loss: Loss, X: np.ndarray, y: Any, h: float = 1e-6) -> dict[str, float]:
    """Compare backprop's gradients with central differences.

    Returns the relative error (:func:`relative_error`) for every named
    parameter (``"0.weight"``, ...) and for the input (``"input"``). In
    float64 a correct backward pass gives errors around 1e-9 or smaller;
    anything above 1e-6 points at a bug. ``h`` is the step of
    :func:`numerical_gradient`.
    """
    X = np.array(X, dtype=np.float64)
    # analytic
    model.zero_grad()
    loss(model.forward(X), y)
    grad_x = model.backward(loss.backward())
    analytic = {name: p.grad.copy() for name, p in model.named_parameters()}

    def f(_: np.ndarray) -> float:
        return loss(model.forward(X), y)

    errors = {}
    for name, p in model.named_parameters():
        errors[name] = relative_error(analytic[name], numerical_gradient(f, p.value, h))
    errors["input"] = relative_error(grad_x, numerical_gradient(f, X, h))
    # leave the model as backprop left it
    model.zero_grad()
    loss(model.forward(X), y)
    model.backward(loss.backward())
    return errors
