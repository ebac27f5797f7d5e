"""Checkers for the exercises of chapter 2, *Learning XOR*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they passed. A wrong answer is compared with the
usual mistakes (XOR for XNOR, a transposed weight, a missing bias, the wrong nonlinearity,
``np.max`` for ``np.maximum``, a threshold exactly on an integer, ...): the hint names it.
Expected answers: :func:`nnbook.exercises.oracle` (the instructor's key, or its stored answers).

>>> import numpy as np
>>> from nnbook.exercises import checks, ch02
>>> W1, b1 = np.ones((2, 2)), np.array([0.0, -1.0])
>>> W2, b2 = np.array([[-1.0], [2.0]]), np.array([1.0])
>>> with checks("XNOR") as c:
...     _ = ch02.check_xnor_weights(c, W1, b1, W2, b2, hidden=2)
PASS  2-2-1 ReLU network: shapes of W1, b1, W2, b2
PASS  2-2-1 ReLU network on the four inputs
XNOR: all 2 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..activations import ReLU, Step
from ..layers import Linear
from ..module import Module, Sequential
from ..logic import binary_inputs, linear
from . import Checks, as_numbers, close, diagnose, oracle

_K = oracle("ch02")  # the expected answers: the instructor's key, or its table

__all__ = ["XNOR", "check_xnor_weights", "check_forward", "parity", "check_threshold_network", "SEPARABLE_HINT"]


def parity(X: Any) -> np.ndarray:
    r"""The target of the parity exercise: :math:`x_1 \oplus \dots \oplus x_n` of binary rows, a column ``(n_rows, 1)``."""
    return (np.round(np.asarray(X, dtype=np.float64)).sum(axis=1, keepdims=True) % 2).astype(np.float64)


def _relu_network(X: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray) -> np.ndarray:
    return Sequential(linear(W1, b1), ReLU(), linear(W2, b2)).forward(X)  # the student's weights, nnbook's layers


#: XNOR on the inputs (0,0), (0,1), (1,0), (1,1), as a column
XNOR = np.array([[1.0], [0.0], [0.0], [1.0]])

#: the hint of the conceptual question on threshold units (it must not give the answer away)
SEPARABLE_HINT = (
    "not yet. For each function, either find w and b (nb.logic.find_threshold_unit "
    "searches a grid for you), or show that none exist: if some points where the function is 1 "
    "and some points where it is 0 have the same average, no line (plane) can separate them."
)


def _row(x: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:g}" for v in x) + ")"


# -- Exercise: XNOR with ReLU units, weights set by hand --------------------------------

def _shape_hint(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, hidden: int | None) -> str | None:
    """The first shape problem among the four arrays, as a hint (None if the shapes fit)."""
    if W1.ndim != 2 or 2 not in W1.shape:
        return f"W1 must have shape (2, k): one row per input, one column per hidden unit; got {W1.shape}."
    if W1.shape[0] != 2:
        return (
            f"W1 has shape {W1.shape}, the transpose of (2, {W1.shape[0]}): an nnbook Linear weight is "
            "(d_in, d_out), so that Z = X @ W1 + b1 (PyTorch stores (d_out, d_in))."
        )
    k = W1.shape[1]
    if hidden is not None and k != hidden:
        return f"use {hidden} hidden units: W1 must have shape (2, {hidden}), got {W1.shape}."
    if b1.shape != (k,):
        return f"b1 needs one bias per hidden unit, shape ({k},); got {b1.shape}."
    if W2.shape == (k,):
        return f"W2 must be a column of shape ({k}, 1) (d_in, d_out), not a flat array: np.reshape(W2, ({k}, 1))."
    if W2.shape == (1, k) and k != 1:
        return f"W2 has shape (1, {k}), the transpose of ({k}, 1): one row per hidden unit, one column for the output."
    if W2.shape != (k, 1):
        return f"W2 must have shape ({k}, 1): one row per hidden unit, one output column; got {W2.shape}."
    if b2.shape != (1,):
        return f"b2 is the bias of the one output unit, shape (1,); got {b2.shape}" + (
            " (write np.array([b]) for a number b)." if b2.ndim == 0 else "."
        )
    return None


def check_xnor_weights(c: Checks, W1: Any, b1: Any, W2: Any, b2: Any, *, hidden: int | None = None, exact: bool = False) -> bool:
    r"""Check weights that make :math:`\max(0, XW_1 + b_1)W_2 + b_2` compute XNOR on the four binary inputs.

    The outputs must be exactly 1, 0, 0, 1 on ``(0,0), (0,1), (1,0), (1,1)``
    (to ``1e-6``; to ``1e-12`` with ``exact=True``). ``hidden`` fixes the
    number of hidden units (any number when ``None``).
    """
    tag = f"2-{hidden}-1" if hidden else "2-k-1"
    try:
        W1, b1, W2, b2 = (as_numbers(v) for v in (W1, b1, W2, b2))
    except (TypeError, ValueError) as exc:
        return c.fail(f"{tag} ReLU network: W1, b1, W2, b2 are arrays of numbers", f"could not read the weights as numbers: {exc}")
    if not c.record(f"{tag} ReLU network: shapes of W1, b1, W2, b2", _shape_hint(W1, b1, W2, b2, hidden)):
        return False
    X = binary_inputs(2)
    out = _relu_network(X, W1, b1, W2, b2)
    H = np.maximum(X @ W1 + b1, 0.0)

    def hint(a: np.ndarray, e: np.ndarray) -> str:
        if close(a, 1 - e, 1e-6, 1e-9):
            return (
                "that is XOR, not XNOR. XNOR = 1 - XOR: negate W2 and add 1 to b2 "
                "(the output layer is linear, so this flips the outputs exactly)."
            )
        if W1.shape[0] == W1.shape[1] and not np.allclose(W1, W1.T) and close(_relu_network(X, W1.T, b1, W2, b2), e, 1e-6, 1e-9):
            return "W1 is transposed: row i of W1 holds the weights of input i (Z = X @ W1 + b1)."
        dev = float(np.max(np.abs(a - e)))
        if dev < 1e-3:
            return (
                f"almost: the outputs differ from 1, 0, 0, 1 by up to {dev:.1e}. Weights such as 1, -1 and 2 "
                "give the outputs exactly."
            )
        if np.array_equal(a > 0.5, e > 0.5):
            return (
                f"the right side of 1/2 on every input, but the outputs are {np.round(a.ravel(), 4)}. "
                "This network has a linear output unit: make the outputs exactly 1, 0, 0, 1."
            )
        bad = np.flatnonzero(~np.isclose(a.ravel(), e.ravel(), rtol=1e-6, atol=1e-9))
        i = int(bad[0])
        return (
            f"{len(bad)} of 4 outputs are wrong, e.g. at x = {_row(X[i])}: hidden h = relu(x W1 + b1) = "
            f"{_row(H[i])}, output h W2 + b2 = {a[i, 0]:g}, expected {e[i, 0]:g}. Start from a network for "
            "XOR and flip its output."
        )

    atol = 1e-12 if exact else 1e-9
    return c.array(f"{tag} ReLU network on the four inputs", out, XNOR, rtol=0 if exact else 1e-6, atol=atol, hint=hint)


# -- Exercise: the forward pass of a two-layer network in NumPy ------------------------

def _forward_error_hint(exc: BaseException, shapes: str) -> str | None:
    text = str(exc)
    if isinstance(exc, ValueError) and ("matmul" in text or "shapes" in text or "broadcast" in text):
        return (
            f"your code raised ValueError: {text}. With {shapes}, the product X @ W1 needs no transpose "
            "(a transposed weight, W1.T?), and H @ W2 neither."
        )
    return None


def check_forward(c: Checks, forward: Callable[..., Any], X: Any, W1: Any, b1: Any, W2: Any, b2: Any, *,
                  name: str | None = None) -> bool:
    """Check ``forward(X, W1, b1, W2, b2)`` against :func:`two_layer_forward` on one set of arrays.

    The student's function gets copies; the answer must have shape ``(n, m)``.
    """
    X, W1, b1, W2, b2 = (np.array(v, dtype=np.float64) for v in (X, W1, b1, W2, b2))
    shapes = f"X {X.shape}, W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}"
    name = name or f"forward with {shapes}"
    expected = _K.two_layer_forward(X, W1, b1, W2, b2)
    mistakes = _K.forward_mistakes(X, W1, b1, W2, b2)
    ok, out = c.call(name, lambda: forward(X.copy(), W1.copy(), b1.copy(), W2.copy(), b2.copy()),
                     hint=lambda exc: _forward_error_hint(exc, shapes))
    if not ok:
        return False
    n, k = X.shape[0], W1.shape[1]

    def hint(a: np.ndarray, e: np.ndarray) -> str | None:
        if a.shape == (n, k) and a.shape != e.shape:
            return f"shape {a.shape} is the hidden layer H (n, k); return the output H @ W2 + b2, shape {e.shape}."
        if a.shape == e.shape[1:] or (a.ndim == 1 and a.size == e.shape[1]) and n > 1:
            colmax = np.max(X @ W1 + b1, axis=0) @ W2 + b2
            if close(a.reshape(-1), colmax.reshape(-1), 1e-6, 1e-9):
                return (
                    f"shape {a.shape}, expected {e.shape}: np.max(Z, 0) takes the largest entry of each "
                    "column (a reduction over axis 0); the elementwise ReLU is np.maximum(Z, 0)."
                )
        if a.shape != e.shape:
            return diagnose(a, e) + f" (the output has one row per example and one column per output unit: {e.shape})"
        return None

    return c.array(name, lambda: out, expected, hint=hint, mistakes=mistakes)


# -- Exercise: a threshold network ------------------------------------------------------

def _layers(model: Module) -> list[Module]:
    if isinstance(model, Sequential):
        out: list[Module] = []
        for layer in model:
            out.extend(_layers(layer))
        return out
    return [model]


def _step_inputs(model: Module, X: np.ndarray) -> list[np.ndarray]:
    """The pre-activations that reach each Step unit of a Sequential on inputs X."""
    seen = []
    h = X
    for layer in _layers(model):
        if isinstance(layer, Step):
            seen.append(np.asarray(h))
        h = layer.forward(h)
    return seen


def _network_problem(model: Module) -> str | None:
    others = [type(m).__name__ for m in _layers(model) if not isinstance(m, (Linear, Step))]
    if others:
        return f"a threshold network uses only Linear layers and Step units; found {', '.join(sorted(set(others)))}."
    if not any(isinstance(m, Step) for m in _layers(model)):
        return "there is no Step unit: add nb.Step() after each Linear layer."
    return None


def _noisy_inputs(n_inputs: int, noise: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The inputs, the corner each one belongs to, and the rows of the unmoved corners: every corner, and
    with ``noise`` each corner with each input either kept or moved by ``noise`` towards the other value."""
    corners = binary_inputs(n_inputs)
    if not noise:
        return corners, corners, np.arange(len(corners))
    moves = noise * binary_inputs(n_inputs)
    X = (corners[:, None, :] + moves[None, :, :] * (1 - 2 * corners[:, None, :])).reshape(-1, n_inputs)
    return X, np.repeat(corners, len(moves), axis=0), np.arange(0, len(X), len(moves))


def check_threshold_network(
    c: Checks,
    model: Any,
    target: Callable[[np.ndarray], np.ndarray],
    n_inputs: int,
    *,
    name: str | None = None,
    noise: float = 0.0,
) -> bool:
    """Check that ``model``, a network of :class:`~nnbook.Linear` and :class:`~nnbook.Step`
    layers (or a function without arguments that returns one), computes the
    Boolean function ``target`` on all ``2**n_inputs`` binary inputs.

    With ``noise > 0`` the network must also give each corner's answer at the
    points near it where any subset of the inputs is moved by ``noise``
    towards the other value (0 becomes ``noise``, 1 becomes ``1 - noise``):
    a network whose thresholds sit halfway between the integer values keeps
    working, one whose threshold lies exactly on an integer does not.
    """
    name = name or f"threshold network on the {2**n_inputs} inputs" + (f" and on points up to {noise:g} away" if noise else "")
    if isinstance(model, type):
        return c.fail(name, f"got the class {model.__name__}; build an instance, e.g. nb.Sequential(...), and pass that.")
    if callable(model) and not isinstance(model, Module):  # a function that builds the network
        ok, model = c.call(name, model)
        if not ok:
            return False
    if not isinstance(model, Module):
        return c.fail(name, f"expected a network (an nnbook Module such as nb.Sequential), got {type(model).__name__}.")
    problem = _network_problem(model)
    if problem:
        return c.fail(name, problem)
    X, corners, exact_rows = _noisy_inputs(n_inputs, noise)
    expected = np.asarray(target(corners), dtype=np.float64).reshape(-1, 1)

    def wrong_width(exc: BaseException) -> str | None:
        if isinstance(exc, ValueError) and "expected input of shape" in str(exc):
            return f"the network must take {n_inputs} inputs ({exc})."
        return None

    ok, out = c.call(name, lambda: model.forward(X.copy()), hint=wrong_width)
    if not ok:
        return False
    try:
        steps = _step_inputs(model, X.copy())
    except Exception:  # noqa: BLE001 - the forward pass above worked; this only feeds a hint
        steps = []
    last_is_step = bool(_layers(model)) and isinstance(_layers(model)[-1], Step)

    def hint(a: np.ndarray, e: np.ndarray) -> str:
        if a.shape != e.shape:
            return diagnose(a, e) + f" (one output unit: the last Linear layer has 1 column, output shape {e.shape})"
        if not last_is_step:
            return "the last layer must be a Step unit, so that the output is 0 or 1."
        if np.all(a != e):
            return "every output is flipped: negate the weights and the bias of the output unit."
        on_zero = [s for s in steps if np.any(s == 0)]
        if on_zero and not noise and not np.array_equal(a, e):
            return (
                "a Step unit gets exactly 0 on some input, and step(0) = 1. Put each threshold halfway "
                "between the values the weighted sum can take, e.g. a bias of -0.5 or -1.5."
            )
        if noise and np.array_equal(a[exact_rows], e[exact_rows]):
            return (
                f"the network is wrong when the inputs are off by {noise:g}: a threshold sits on an integer, "
                "so the unit decides on a knife's edge. Move every threshold halfway between the integer values "
                "(biases such as -0.5, -1.5, -2.5)."
            )
        bad = np.flatnonzero(a.ravel() != e.ravel())
        rows = "; ".join(f"x = {_row(corners[i])}: got {a[i, 0]:g}, expected {e[i, 0]:g}" for i in bad[:3])
        return f"{len(bad)} of {len(e)} outputs are wrong, e.g. {rows}."

    return c.array(name, lambda: out, expected, rtol=0, atol=0, hint=hint)
