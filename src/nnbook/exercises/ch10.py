"""Checkers for the exercises of chapter 10, *Regularization beyond the prior*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they all passed. The dropout checks need no
reference solution: the student's backward pass is compared with central
differences of the student's own forward pass (the mask held fixed by a
freshly seeded generator), and the forward pass with its own expectation.

>>> import numpy as np
>>> from nnbook.exercises import checks, ch10
>>> with checks("penalty") as c:
...     _ = ch10.check_input_dropout_penalty(c, ch10.input_dropout_penalty_reference, cases=[0])
PASS  penalty of 6 examples, 3 inputs, p = 0.2
penalty: all 1 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..data import make_regression_1d
from ..gradcheck import numerical_gradient, relative_error
from ..module import Module
from . import Checks, as_numbers, diagnose, first_mistake

__all__ = [
    "check_dropout_forward", "check_dropout_backward",
    "input_dropout_penalty_reference", "check_input_dropout_penalty",
    "experiment_data", "HIDDEN_EXPERIMENTS", "check_regularized_training",
]


def _run_forward(fn: Callable[..., Any], x: np.ndarray, p: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``fn(x, p, rng) -> (out, mask)`` as float arrays of ``x``'s shape, or a TypeError saying what is wrong."""
    with np.errstate(divide="ignore", invalid="ignore"):   # a 1/p at p = 0 is reported by the checks, not warned about
        result = fn(x.copy(), p, np.random.default_rng(seed))
    if isinstance(result, np.ndarray) or not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError("return the pair (out, mask)")
    out, mask = as_numbers(result[0], "out"), as_numbers(result[1], "mask")
    for name, a in (("out", out), ("mask", mask)):
        if a.shape != x.shape:
            raise TypeError(f"{name} has shape {a.shape}, expected the input's shape {x.shape}")
    if not np.all((mask == 0) | (mask == 1)):
        raise TypeError("the mask must hold only 0 and 1 (or False and True): 1 where a unit is kept")
    return out, mask


# -- Exercise 1: dropout forward and backward -------------------------------------------------------


def check_dropout_forward(c: Checks, fn: Callable[..., Any], *, p: float = 0.3, seed: int = 10) -> bool:
    r"""Check ``fn(x, p, rng) -> (out, mask)``: inverted dropout in training mode.

    Three checks: ``out`` is ``x * mask / (1 - p)``; the fraction of zeros in
    the mask is ``p``; the mean of ``out`` over many calls is ``x`` (each
    within five standard errors).
    """
    x = np.random.default_rng(seed).uniform(0.5, 2.0, size=(4, 5))
    label = f"out = x * mask / (1 - p), p = {p:g}"
    ok, got = c.call(label, lambda: _run_forward(fn, x, p, seed))
    if not ok:
        return False
    out, mask = got
    expected = x * mask / (1 - p)
    hint = None
    if not np.allclose(out, expected, rtol=1e-12, atol=0):
        if np.allclose(out, x * mask, rtol=1e-12):
            hint = "the kept units are not scaled: inverted dropout multiplies them by 1/(1 - p), so that E[out] = x."
        elif np.allclose(out, x * mask / p, rtol=1e-12):
            hint = "scaled by 1/p: p is the probability of dropping a unit, so the kept ones are scaled by 1/(1 - p)."
        elif np.allclose(out, x * (1 - mask) / (1 - p), rtol=1e-12):
            hint = "out keeps the units where the mask is 0: the mask is 1 where a unit is kept."
        else:
            hint = diagnose(out, expected)
    ok = c.true(label, hint is None, hint or "")
    ok0, got0 = c.call("p = 0 is the identity", lambda: _run_forward(fn, x, 0.0, seed))
    ok &= ok0 and c.true("p = 0 is the identity", bool(np.allclose(got0[0], x, rtol=1e-15, atol=0)),
                         "with p = 0 no unit is dropped and the scale is 1: out must equal x.")
    big = np.ones((200, 100))
    okb, got = c.call(f"fraction dropped is p = {p:g}", lambda: _run_forward(fn, big, p, seed + 1))
    if okb:
        dropped = 1 - float(got[1].mean())
        close = abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / big.size)
        swap = " (it looks like 1 - p: keep a unit with probability 1 - p, e.g. rng.random(shape) >= p)" \
            if abs(dropped - (1 - p)) < 0.02 else ""
        ok &= c.true(f"fraction dropped is p = {p:g}", close, f"{dropped:.3f} of the units were dropped{swap}.")
    else:
        ok = False
    seeds = np.random.default_rng(seed + 2).integers(0, 2**31, 4000)
    okm, draws = c.call("mean over 4000 calls is x", lambda: [_run_forward(fn, x, p, int(s))[0] for s in seeds])
    if okm:
        mean = np.mean(draws, axis=0)
        se = x * np.sqrt(p / (1 - p) / len(draws))
        fresh = len({np.asarray(d).tobytes() for d in draws[:50]}) > 1
        ok &= c.true("mean over 4000 calls is x", bool(np.all(np.abs(mean - x) < 5 * se)),
                     f"the mean of out is about {float(np.mean(mean / x)):.3f} x, not x"
                     + ("" if fresh else ": every call gave the same mask; draw it from the rng argument") + ".")
    else:
        ok = False
    return ok


def check_dropout_backward(c: Checks, forward: Callable[..., Any], backward: Callable[..., Any], *,
                           p: float = 0.4, seed: int = 20) -> bool:
    r"""Check ``backward(grad_out, mask, p)`` against central differences of
    :math:`x \mapsto \sum G \odot \mathrm{out}(x)`, with ``forward``'s mask held fixed
    (the same seed at every call)."""
    r = np.random.default_rng(seed)
    x, G = r.normal(size=(3, 6)), r.normal(size=(3, 6))
    label = f"backward against finite differences, p = {p:g}"
    ok, got = c.call(label, lambda: _run_forward(forward, x, p, seed))
    if not ok:
        return False
    _, mask = got
    if not np.array_equal(_run_forward(forward, x, p, seed)[1], mask):
        return c.fail(label, "two calls with generators of the same seed gave different masks: draw the mask from "
                              "the rng argument (e.g. rng.random(x.shape)), not from np.random.")

    def f(z: np.ndarray) -> float:
        return float(np.sum(G * _run_forward(forward, z, p, seed)[0]))

    ok, numeric = c.call(label, lambda: numerical_gradient(f, x.copy()))
    if not ok:
        return False
    ok, grad = c.call(label, lambda: as_numbers(backward(G.copy(), mask.astype(bool), p), "the gradient"))
    if not ok:
        return False
    if grad.shape == x.shape and relative_error(grad, numeric) < 1e-7:
        return c.succeed(label)
    mistakes = [
        (G * mask, "the gradient is not scaled: the forward pass multiplied by mask / (1 - p), so the backward pass does too."),
        (G / (1 - p), "the dropped units get a gradient: multiply by the mask too (their output did not depend on x)."),
        (G * mask / p, "scaled by 1/p; the forward pass scaled by 1/(1 - p)."),
        (G * mask * (1 - p), "multiplied by (1 - p); the forward pass divided by it, so the backward pass divides too."),
    ]
    hint = first_mistake(grad, numeric, mistakes, rtol=1e-9, atol=0.0) if grad.shape == x.shape else None
    return c.fail(label, hint or diagnose(grad, numeric))


# -- Exercise 2: the penalty of dropout on the inputs of a linear model --------------------------------


def input_dropout_penalty_reference(X: np.ndarray, w: np.ndarray, p: float) -> float:
    r""":math:`\frac{p}{1-p}\sum_j w_j^2 \sum_i x_{ij}^2`, the expected increase of the squared error."""
    X, w = np.asarray(X, dtype=np.float64), np.asarray(w, dtype=np.float64)
    return float(p / (1 - p) * np.sum(w**2 * np.sum(X**2, axis=0)))


#: (n, d, p, seed) of the penalty cases
_PENALTY_CASES = [(6, 3, 0.2, 30), (10, 4, 0.5, 31), (8, 2, 0.9, 32), (25, 6, 0.05, 33)]


def _penalty_mistakes(X: np.ndarray, w: np.ndarray, p: float) -> list[tuple[float, str]]:
    s = np.sum(w**2 * np.sum(X**2, axis=0))
    return [
        (p * s, "the factor is p / (1 - p), not p: a kept input is scaled by 1/(1 - p), and the variance of "
                "m / (1 - p) with m ~ Bernoulli(1 - p) is p / (1 - p)."),
        ((1 - p) / p * s, "the factor is upside down: p / (1 - p) (no dropout, p = 0, must give no penalty)."),
        (p / (1 - p) * s / len(X), "that is the mean over the examples; the squared error is a sum over them."),
        (p / (1 - p) * np.sum(w**2) * np.sum(X**2), "each weight goes with its own input: sum_j w_j^2 sum_i x_ij^2, "
                                                     "not ||w||^2 times the sum of all x_ij^2."),
        (p / (1 - p) * np.sum(w**2 * np.sum(X, axis=0) ** 2), "square each x_ij before summing over the examples."),
        (p / (1 - p) * np.sum(w * np.sum(X**2, axis=0)), "the weights enter squared, w_j^2."),
    ]


def check_input_dropout_penalty(c: Checks, fn: Callable[..., Any], *, cases: Sequence[int] = (0, 1, 2)) -> bool:
    """Check ``fn(X, w, p)``, the expected increase of the squared error of a linear model whose inputs get dropout."""
    ok = True
    for i in cases:
        n, d, p, seed = _PENALTY_CASES[i]
        r = np.random.default_rng(seed)
        X, w = r.normal(size=(n, d)) + r.uniform(-1, 1, size=d), r.normal(size=d)
        expected = input_dropout_penalty_reference(X, w, p)
        label = f"penalty of {n} examples, {d} inputs, p = {p:g}"

        def hint(a: np.ndarray, e: np.ndarray, X: np.ndarray = X, w: np.ndarray = w, p: float = p) -> str:
            got = float(a.reshape(-1)[0]) if a.size == 1 else None
            for wrong, text in _penalty_mistakes(X, w, p):
                if got is not None and np.isclose(got, wrong, rtol=1e-9) and not np.isclose(wrong, float(e), rtol=1e-9):
                    return text
            return diagnose(a, e)

        ok &= c.scalar(label, lambda X=X, w=w, p=p: fn(X.copy(), w.copy(), p), expected, rtol=1e-9, hint=hint)
    return ok


# -- Exercise 3: an open experiment ---------------------------------------------------------------------


def experiment_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Twelve noisy samples of :math:`\\sin 2\\pi x` for training and 200 for validation: ``(X, y, X_val, y_val)``."""
    r = np.random.default_rng(seed)
    X, y = make_regression_1d(12, f=lambda x: np.sin(2 * np.pi * x), noise=0.2, rng=r)
    X_val, y_val = make_regression_1d(200, f=lambda x: np.sin(2 * np.pi * x), noise=0.2, rng=r)
    return X, y, X_val, y_val


#: (seed of :func:`experiment_data`, validation MSE to beat) of the graded runs; the unregularized
#: 1-64-64-1 network of the chapter reaches 0.32 and 0.095 on them, a mirror-augmented one 0.044 and 0.047
HIDDEN_EXPERIMENTS = [(101, 0.1), (106, 0.075)]


def check_regularized_training(c: Checks, fn: Callable[..., Any], X: np.ndarray, y: np.ndarray, X_val: np.ndarray,
                               y_val: np.ndarray, *, target: float, seed: int = 0, name: str | None = None) -> bool:
    """Check ``fn(X, y, rng) -> model``: the trained model's validation MSE, in evaluation mode, is below ``target``."""
    name = name or f"validation MSE below {target:g}"
    ok, model = c.call(name, lambda: fn(np.array(X, dtype=float), np.array(y, dtype=float), np.random.default_rng(seed)))
    if not ok:
        return False
    if not isinstance(model, Module):
        return c.true(name, False, f"return the trained nnbook model (a Module), got {type(model).__name__}.")
    model.eval()
    ok, out = c.call(name, lambda: as_numbers(model.forward(np.array(X_val, dtype=float)), "the model's output"))
    if not ok:
        return False
    if out.shape != np.shape(y_val):
        return c.true(name, False, f"the model's output on the validation inputs has shape {out.shape}, expected {np.shape(y_val)}.")
    mse = float(np.mean((out - y_val) ** 2))
    return c.true(name, bool(np.isfinite(mse) and mse < target),
                  f"validation MSE {mse:.4f}, not below {target:g}: the network still fits the noise (or underfits, if "
                  "its training error is large too). Try the chapter's regularizers, alone or together.")
