"""Threshold logic: Boolean functions, McCulloch-Pitts units, and networks whose
weights are set by hand (chapters *From a single neuron to logistic regression*
and *Learning XOR*).

A McCulloch-Pitts unit computes :math:`y = \\mathrm{step}(x \\cdot w + b)` with
:math:`\\mathrm{step}(z) = 1` for :math:`z \\ge 0` and 0 otherwise. It splits the
inputs by the hyperplane :math:`x \\cdot w + b = 0`, so one unit computes a
Boolean function exactly when the function's true and false inputs are
*linearly separable*: 14 of the 16 functions of two inputs, all but XOR and
XNOR. Wired into layers, such units compute any Boolean function.

>>> import numpy as np, nnbook as nb
>>> AND = nb.logic.threshold_unit([1, 1], -1.5)
>>> nb.logic.truth_table(AND)
array([0., 0., 0., 1.])
>>> nb.logic.binary_inputs(2)
array([[0., 0.],
       [0., 1.],
       [1., 0.],
       [1., 1.]])
>>> nb.logic.find_threshold_unit([0, 1, 1, 1])      # OR
(array([1., 1.]), -0.5)
>>> nb.logic.find_threshold_unit([0, 1, 1, 0]) is None   # XOR
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .activations import Step
from .layers import Linear
from .module import Module, Sequential

__all__ = ["binary_inputs", "linear", "threshold_unit", "truth_table", "find_threshold_unit"]


def binary_inputs(n: int = 2, *, bipolar: bool = False) -> np.ndarray:
    """All :math:`2^n` inputs of a Boolean function of ``n`` variables, one a row.

    Row ``i`` is ``i`` written in binary with :math:`x_1` the most significant
    bit, so for ``n = 2`` the rows are ``(0,0), (0,1), (1,0), (1,1)``, the order
    of :func:`nnbook.data.xor`.

    Parameters
    ----------
    n : int
        The number of inputs, at least 1.
    bipolar : bool
        Code false and true as -1 and +1 instead of 0 and 1.

    Returns
    -------
    ndarray, shape ``(2**n, n)``, float64
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, (bool, np.bool_)) or n < 1:
        raise ValueError(f"binary_inputs: n must be a positive integer, got {n!r}")
    X = np.array(list(itertools.product((0.0, 1.0), repeat=int(n))), dtype=np.float64)
    return 2 * X - 1 if bipolar else X


def linear(W: Any, b: Any = None) -> Linear:
    r"""A :class:`~nnbook.Linear` layer with weights set by hand: :math:`Z = XW + b`.

    Parameters
    ----------
    W : array_like, shape ``(d_in, d_out)``
        The weight, batch-first as everywhere in nnbook. (The column-vector
        form :math:`W^\top x + b` of Goodfellow et al. uses the same matrix.)
    b : array_like, shape ``(d_out,)``, optional
        The bias; ``None`` gives a layer without bias.

    Returns
    -------
    Linear
        A float64 layer holding copies of ``W`` and ``b``; it can be trained
        like any other.
    """
    W = np.array(W, dtype=np.float64)
    if W.ndim != 2 or W.size == 0:
        raise ValueError(
            f"linear: the weight must be a 2-D array (d_in, d_out), got shape {W.shape}"
            + (" (one output unit needs shape (d_in, 1): np.reshape(w, (-1, 1)))" if W.ndim == 1 else "")
        )
    if not np.all(np.isfinite(W)):
        raise ValueError("linear: the weight must be finite")
    layer = Linear(W.shape[0], W.shape[1], init=0.0, bias=b is not None)
    layer.weight.value[...] = W
    if b is not None:
        b = np.array(b, dtype=np.float64)
        if b.ndim == 0 and W.shape[1] == 1:
            b = b.reshape(1)
        if b.shape != (W.shape[1],):
            raise ValueError(
                f"linear: a weight of shape {W.shape} has {W.shape[1]} outputs, so the bias must have "
                f"shape ({W.shape[1]},), got {b.shape}"
            )
        if not np.all(np.isfinite(b)):
            raise ValueError("linear: the bias must be finite")
        assert layer.bias is not None
        layer.bias.value[...] = b
    return layer


def threshold_unit(w: Any, b: Any) -> Sequential:
    r"""One McCulloch-Pitts unit :math:`y = \mathrm{step}(x \cdot w + b)`.

    Parameters
    ----------
    w : array_like, shape ``(d,)``
        One weight per input.
    b : float
        The bias (minus the threshold: the unit fires when :math:`x \cdot w \ge -b`).

    Returns
    -------
    Sequential
        ``Sequential(linear(w as a column, [b]), Step())``, mapping ``(n, d)`` to ``(n, 1)``.
    """
    w = np.array(w, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"threshold_unit: w must have shape (d,), one weight per input, got shape {w.shape}")
    b_arr = np.array(b, dtype=np.float64)
    if b_arr.size != 1:
        raise ValueError(f"threshold_unit: b must be one number, got shape {b_arr.shape}")
    return Sequential(linear(w.reshape(-1, 1), b_arr.reshape(1)), Step())


def truth_table(f: Module | Callable[[np.ndarray], Any], n: int = 2, *, bipolar: bool = False) -> np.ndarray:
    """The outputs of ``f`` on every row of :func:`binary_inputs` ``(n)``, as a flat array.

    Parameters
    ----------
    f : Module or callable
        A network (its ``forward`` is used) or a function of an ``(2**n, n)``
        array returning one number a row, shape ``(2**n,)`` or ``(2**n, 1)``.
    n : int
        The number of inputs.
    bipolar : bool
        Feed -1/+1 inputs instead of 0/1.

    Returns
    -------
    ndarray, shape ``(2**n,)``, float64
    """
    X = binary_inputs(n, bipolar=bipolar)
    forward = f.forward if isinstance(f, Module) else f
    out = np.asarray(forward(X), dtype=np.float64)
    if out.shape not in ((len(X),), (len(X), 1)):
        raise ValueError(
            f"truth_table: expected one output a row, shape ({len(X)},) or ({len(X)}, 1), got {out.shape}"
        )
    return out.reshape(-1)


def find_threshold_unit(
    y: Any,
    *,
    weights: Sequence[float] = (-2, -1, 0, 1, 2),
    biases: Sequence[float] | None = None,
) -> tuple[np.ndarray, float] | None:
    r"""Search a grid for one threshold unit that computes the Boolean function ``y``.

    Tries every weight vector with entries in ``weights`` and every bias in
    ``biases``, and among the units with
    :math:`\mathrm{step}(x \cdot w + b) = y(x)` on all :math:`2^n` binary inputs
    :math:`x` (:func:`binary_inputs`) returns the simplest: the smallest
    :math:`\sum_i |w_i|`, then the smallest :math:`|b|`.

    Parameters
    ----------
    y : array_like, shape ``(2**n,)``
        The truth table: 0 or 1 for each row of :func:`binary_inputs` ``(n)``.
    weights : sequence of float
        The values each weight may take.
    biases : sequence of float, optional
        The values the bias may take. The default is the half-integers between
        :math:`\pm(n \max|w| + \tfrac12)`: with integer weights no
        pre-activation is then exactly 0, so the answer does not depend on the
        convention :math:`\mathrm{step}(0) = 1`.

    Returns
    -------
    (w, b) or None
        ``w`` of shape ``(n,)`` and the bias ``b``. ``None`` only says that no
        unit *on this grid* computes ``y``; it is not a proof that none exists.
        (With the default grid and :math:`n \le 3`, the search finds every
        function a threshold unit can compute: 14 of the 16 with two inputs,
        104 of the 256 with three.)
    """
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n = int(round(np.log2(len(y)))) if len(y) else 0
    if len(y) < 2 or 2**n != len(y):
        raise ValueError(f"find_threshold_unit: a truth table of n inputs has 2**n entries, got {len(y)}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"find_threshold_unit: a truth table holds only 0 and 1, got {np.unique(y)}")
    w_values = np.asarray(weights, dtype=np.float64).reshape(-1)
    if w_values.size == 0 or not np.all(np.isfinite(w_values)):
        raise ValueError("find_threshold_unit: weights must be a non-empty sequence of finite numbers")
    if biases is None:
        top = n * float(np.max(np.abs(w_values))) + 0.5
        b_values = np.arange(-top, top + 0.5, 1.0)
    else:
        b_values = np.asarray(biases, dtype=np.float64).reshape(-1)
    X = binary_inputs(n)
    W = np.array(list(itertools.product(w_values, repeat=n)))          # (k, n)
    Z = X @ W.T                                                           # (2**n, k)
    fires = Z[:, :, None] + b_values[None, None, :] >= 0                 # (2**n, k, m)
    match = np.all(fires == (y == 1)[:, None, None], axis=0)             # (k, m)
    if not match.any():
        return None
    iw, ib = np.nonzero(match)
    # the simplest unit: smallest sum |w|, then smallest |b|, then the first in grid order
    best = np.lexsort((ib, iw, np.abs(b_values[ib]), np.abs(W[iw]).sum(axis=1)))[0]
    return W[iw[best]].copy(), float(b_values[ib[best]])
