"""Forward-mode automatic differentiation with dual numbers.

A dual number :math:`a + \\dot a\\,\\varepsilon` with :math:`\\varepsilon^2 = 0`
carries a value and a *tangent*, the derivative of that value along one chosen
input direction. Arithmetic on dual numbers is the chain rule:

.. math::
    (a + \\dot a\\varepsilon)(b + \\dot b\\varepsilon) = ab + (\\dot a b + a\\dot b)\\varepsilon,
    \\qquad g(a + \\dot a\\varepsilon) = g(a) + g'(a)\\,\\dot a\\,\\varepsilon .

So one evaluation of :math:`f` on dual numbers (one *sweep*) gives the
derivatives of every output with respect to one input; the gradient of
:math:`f:\\mathbb R^n \\to \\mathbb R` takes :math:`n` sweeps, where reverse
mode (:class:`nnbook.Value`, backpropagation) takes one. ``Dual`` has the same
methods as :class:`nnbook.Value` (``exp``, ``log``, ``sin``, ...), so one
Python function can be run in either mode (chapter *Backpropagation*).

>>> from nnbook.dual import Dual
>>> x = Dual(2.0, 1.0)          # seed the direction dx = 1
>>> y = x * x + x.sin()
>>> round(y.value, 6), round(y.tangent, 6)   # x^2 + sin x and 2x + cos x at x = 2
(4.909297, 3.583853)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Union

__all__ = ["Dual", "forward_gradient"]

Number = Union[int, float]


class Dual:
    r"""A dual number :math:`a + \dot a\,\varepsilon`: a value and its tangent.

    Parameters
    ----------
    value : float
        :math:`a`, the value.
    tangent : float
        :math:`\dot a`, the derivative of the value along the seeded direction
        (1 for the input being differentiated, 0 for the others and for
        constants).
    """

    __slots__ = ("value", "tangent")

    def __init__(self, value: Number, tangent: Number = 0.0) -> None:
        for name, v in (("value", value), ("tangent", tangent)):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError(f"Dual: {name} must be a number, got {type(v).__name__}")
        self.value = float(value)
        self.tangent = float(tangent)

    @staticmethod
    def _lift(other: Dual | Number) -> Dual:
        if isinstance(other, Dual):
            return other
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return Dual(other, 0.0)
        raise TypeError(f"Dual: cannot combine with {type(other).__name__}")

    # -- arithmetic: the product, quotient and sum rules -------------------------------------
    def __add__(self, other: Dual | Number) -> Dual:
        o = self._lift(other)
        return Dual(self.value + o.value, self.tangent + o.tangent)

    def __sub__(self, other: Dual | Number) -> Dual:
        o = self._lift(other)
        return Dual(self.value - o.value, self.tangent - o.tangent)

    def __mul__(self, other: Dual | Number) -> Dual:
        o = self._lift(other)
        return Dual(self.value * o.value, self.tangent * o.value + self.value * o.tangent)

    def __truediv__(self, other: Dual | Number) -> Dual:
        o = self._lift(other)
        if o.value == 0:
            raise ZeroDivisionError("Dual: division by zero (the denominator's value is 0)")
        return Dual(self.value / o.value, (self.tangent * o.value - self.value * o.tangent) / o.value**2)

    def __pow__(self, k: Number) -> Dual:
        if isinstance(k, bool) or not isinstance(k, (int, float)):
            raise TypeError("Dual: only constant exponents are supported (x ** 2, not x ** y); use exp(y * log(x))")
        return Dual(self.value**k, k * self.value ** (k - 1) * self.tangent)

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.tangent)

    def __radd__(self, other: Number) -> Dual:
        return self + other

    def __rsub__(self, other: Number) -> Dual:
        return self._lift(other) - self

    def __rmul__(self, other: Number) -> Dual:
        return self * other

    def __rtruediv__(self, other: Number) -> Dual:
        return self._lift(other) / self

    # -- functions: g(a + a' eps) = g(a) + g'(a) a' eps --------------------------------------
    def _apply(self, value: float, derivative: float) -> Dual:
        return Dual(value, derivative * self.tangent)

    def exp(self) -> Dual:
        e = math.exp(self.value)
        return self._apply(e, e)

    def log(self) -> Dual:
        if self.value <= 0:
            raise ValueError(f"Dual.log: argument must be positive, got {self.value}")
        return self._apply(math.log(self.value), 1.0 / self.value)

    def sin(self) -> Dual:
        return self._apply(math.sin(self.value), math.cos(self.value))

    def cos(self) -> Dual:
        return self._apply(math.cos(self.value), -math.sin(self.value))

    def tanh(self) -> Dual:
        t = math.tanh(self.value)
        return self._apply(t, 1.0 - t * t)

    def sigmoid(self) -> Dual:
        x = self.value
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        return self._apply(s, s * (1 - s))

    def relu(self) -> Dual:
        return self._apply(max(self.value, 0.0), 1.0 if self.value > 0 else 0.0)

    def __repr__(self) -> str:
        return f"Dual({self.value:.6g}, tangent={self.tangent:.6g})"


def forward_gradient(f: Callable[..., Any], xs: Sequence[Number]) -> list[float]:
    r"""The gradient of a scalar function by forward mode: one sweep per input.

    Sweep :math:`i` runs ``f`` on dual numbers seeded with tangent 1 on input
    :math:`i` and 0 on the others, and reads :math:`\partial f/\partial x_i`
    from the output's tangent. So the cost is :math:`n` evaluations of ``f``
    (on dual numbers) for :math:`n` inputs.

    Parameters
    ----------
    f : callable
        ``f(*inputs)`` built from arithmetic and the methods of :class:`Dual`;
        returns one :class:`Dual` (or a number, if it does not depend on the inputs).
    xs : sequence of float
        The point.

    Returns
    -------
    list of float
        :math:`[\partial f/\partial x_1, \dots, \partial f/\partial x_n]`.
    """
    xs = [float(x) for x in xs]
    if not xs:
        raise ValueError("forward_gradient: xs is empty; give at least one input")
    grad = []
    for i in range(len(xs)):
        out = f(*(Dual(x, 1.0 if j == i else 0.0) for j, x in enumerate(xs)))
        if isinstance(out, (int, float)) and not isinstance(out, bool):
            grad.append(0.0)
        elif isinstance(out, Dual):
            grad.append(out.tangent)
        else:
            raise TypeError(f"forward_gradient: f must return one Dual (a scalar output), got {type(out).__name__}")
    return grad
