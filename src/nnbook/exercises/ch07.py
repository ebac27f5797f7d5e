"""Checkers for the exercises of chapter 7, *Initialization and vanishing gradients*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they all passed. A wrong answer is compared with a
catalogue of the usual mistakes (the standard deviation used as the bound of
the uniform, the fan-in alone, a normal draw, NumPy's global generator, the
pre-activations measured instead of the activations, a mean of per-unit
standard deviations, a missing absolute value, ...) so that the hint names
the mistake.
The expected answers come from the instructor's key (``nnbook_key.ch07``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> import numpy as np
>>> from nnbook.exercises import checks, ch07
>>> from nnbook_key import ch07 as key  # the instructor's key: a reference solution passes
>>> with checks("Xavier") as c:
...     _ = ch07.check_xavier_uniform(c, key.xavier_uniform, 300, 500)
PASS  xavier_uniform(300, 500, rng): shape
PASS  xavier_uniform(300, 500, rng): draws from the rng it is given
PASS  xavier_uniform(300, 500, rng): bounds
PASS  xavier_uniform(300, 500, rng): mean and variance
PASS  xavier_uniform(300, 500, rng): uniform on [-a, a]
Xavier: all 5 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..diagnostics import deep_network
from ..module import Sequential
from . import Checks, as_numbers, first_mistake
from ._oracle import oracle

_K = oracle("ch07")  # the expected answers: the instructor's key, or its table

__all__ = [
    "check_xavier_uniform",
    "example_network", "check_activation_profile", "VARIANCE_HINT", "VARIANCE_CHOICES",
]

#: the letters of the conceptual question on preserving the variance
VARIANCE_CHOICES = frozenset("abcdefgh")


#: the hint of the conceptual question (it must not give the answer away)
VARIANCE_HINT = (
    "not yet. For zero-mean weights independent of the inputs, Var(s) = n_in Var(w) E[x^2], where x = g(s_prev) "
    "is the previous layer's output. For each option compute E[g(s)^2] for a symmetric, zero-mean s "
    "(for the identity it is Var(s); a ReLU keeps the positive half only), and the variance of the weights "
    "(a uniform U(-a, a) has variance a^2 / 3). The variance is kept when n_in Var(w) E[g(s)^2] = Var(s). "
    "You can also check an option by simulation: a wide layer, many samples, compare np.var before and after."
)


# -- Exercise: a Xavier (Glorot) uniform initializer -----------------------------------------

def _shape_problem(W: np.ndarray, d_in: int, d_out: int) -> str | None:
    if W.shape != (d_in, d_out):
        if W.shape == (d_out, d_in):
            return (f"shape {W.shape} is (d_out, d_in), PyTorch's layout; nnbook's weights are (d_in, d_out) = "
                    f"{(d_in, d_out)}, so that Z = X @ W.")
        if W.size == d_in * d_out:
            return f"shape {W.shape}, expected {(d_in, d_out)}: pass size=(d_in, d_out) to the generator."
        return f"shape {W.shape}, expected {(d_in, d_out)} (one weight for each input and each unit)."
    return None if np.all(np.isfinite(W)) else "inf or nan among the weights."


def _rng_problem(draw: Callable[[int], np.ndarray], seed: int) -> str | None:
    """Whether the draw comes from the generator it is given (NumPy's global seed is put back)."""
    state = np.random.get_state()
    try:
        np.random.seed(12345)
        first = draw(seed)
        np.random.seed(54321)
        again = draw(seed)
    finally:
        np.random.set_state(state)
    if not np.array_equal(first, again):
        return ("the same rng seed gave different weights: the draw does not come from the rng argument "
                "(np.random.uniform uses NumPy's global generator). Use rng.uniform(low, high, size=...).")
    if np.array_equal(first, draw(seed + 1)):
        return ("two different generators gave the same weights: draw them from rng, do not seed or "
                "create a generator inside the function.")
    return None


def _kurtosis(W: np.ndarray) -> float:
    return float(np.mean((W - W.mean()) ** 4) / max(np.var(W), 1e-300) ** 2)


def _bounds_problem(W: np.ndarray, a: float, d_in: int, d_out: int) -> str | None:
    top = float(np.max(np.abs(W)))
    if top <= a * (1 + 1e-12) and top >= 0.98 * a and W.min() < 0:
        return None
    if W.min() >= 0:
        return ("every value is >= 0: the weights must be centred at 0, drawn from [-a, a] "
                "(rng.uniform(-a, a, ...)), not from [0, a].")
    if _kurtosis(W) > 2.5:
        return (f"values up to {top:.4g} beyond the bound a = sqrt(6 / (d_in + d_out)) = {a:.4g}, and the "
                "values look normally distributed: Xavier-uniform draws from the uniform U(-a, a) "
                "(rng.uniform), not from a normal distribution.")
    return first_mistake(np.array(top), np.array(a), _K.bound_mistakes(d_in, d_out), rtol=0.03, atol=0.0) or (
        f"the largest |w| is {top:.4g}, but the bound is a = sqrt(6 / (d_in + d_out)) = {a:.4g}: "
        "values must lie in [-a, a] and fill it.")


def _moments_problem(W: np.ndarray, target_var: float) -> str | None:
    mean, var = float(W.mean()), float(W.var())
    if abs(mean) > 5 * np.sqrt(target_var / W.size):
        return f"the mean of the weights is {mean:.4g}, not 0: draw from [-a, a], symmetric around 0."
    if abs(var - target_var) > 0.03 * target_var:
        return (f"the variance of the weights is {var:.4g}, but Xavier's is 2 / (d_in + d_out) = "
                f"{target_var:.4g} (ratio {var / target_var:.3g}). A uniform U(-a, a) has variance a^2 / 3.")
    return None


def _uniform_problem(W: np.ndarray) -> str | None:
    inner = float(np.mean(np.abs(W) <= np.max(np.abs(W)) / 2))
    if abs(inner - 0.5) <= 0.02 and 1.6 < _kurtosis(W) < 2.0:
        return None
    return (f"{inner:.0%} of the values lie in the inner half [-m/2, m/2] of their range (m the largest "
            "|w|); a uniform distribution puts 50% there. Use rng.uniform(-a, a, size=(d_in, d_out)).")


def check_xavier_uniform(c: Checks, fn: Callable[..., Any], d_in: int, d_out: int, *, seed: int = 0, name: str | None = None) -> bool:
    r"""Check ``fn(d_in, d_out, rng)``, a draw from Glorot and Bengio's uniform initialization.

    Five checks: the shape ``(d_in, d_out)``; the draw comes from the given
    generator (the same seed gives the same array whatever NumPy's global
    seed, another seed another array); every value lies in :math:`[-a, a]`
    and the largest reaches :math:`a`; mean 0 and variance
    :math:`2/(d_{in} + d_{out})`; uniform, not normal (half of the values in
    :math:`[-a/2, a/2]`). Statistical checks need a large draw (use
    ``d_in * d_out`` of about :math:`10^5`). Returns whether all passed.
    """
    label = name or f"xavier_uniform({d_in}, {d_out}, rng)"

    def draw(s: int) -> np.ndarray:
        return as_numbers(fn(d_in, d_out, np.random.default_rng(s)))

    with c.step(f"{label}: shape", strict=False) as run:
        W = draw(seed)
        c.record(f"{label}: shape", _shape_problem(W, d_in, d_out))
    if not run.ok:
        return False
    with c.step(f"{label}: draws from the rng it is given", strict=False) as rng_run:
        c.record(f"{label}: draws from the rng it is given", _rng_problem(draw, seed))
    ok = c.record(f"{label}: bounds", _bounds_problem(W, float(np.sqrt(6.0 / (d_in + d_out))), d_in, d_out))
    ok &= c.record(f"{label}: mean and variance", _moments_problem(W, 2.0 / (d_in + d_out)))
    ok &= c.record(f"{label}: uniform on [-a, a]", _uniform_problem(W))
    return bool(ok and rng_run.ok)


# -- Exercise: per-layer statistics of the activations ------------------------------------------

def example_network() -> tuple[Sequential, np.ndarray]:
    """A tanh network of 4 hidden layers of 60 units with N(0, 0.3^2) weights, and 200 inputs from N(0, 1).

    Its layers are partly saturated (the fractions of ``|h| > 0.99`` lie
    between 0 and 1), so every usual mistake gives a different answer.
    """
    gen = np.random.default_rng(707)
    model = deep_network(4, 60, d_in=10, activation="tanh", init="normal", scale=0.3, rng=gen)
    return model, gen.standard_normal((200, 10))


def _profile_shape_problem(shape: tuple[int, ...], expected: tuple[int, ...]) -> str:
    L = expected[0]
    if shape == (2 * L, 2):
        return (f"{2 * L} rows for {L} hidden layers: you measured the output of every module, "
                "Linear layers too; one row a hidden layer, measured after its activation.")
    if shape == (L + 1, 2):
        return f"{L + 1} rows for {L} hidden layers: the input X is not a layer; start with the first activation."
    if shape == (2, L):
        return f"shape {shape} is the transpose of ({L}, 2): one ROW a layer, np.array([[std, fraction], ...])."
    return f"shape {shape}, expected {expected}: one row [std, fraction] for each of the {L} hidden layers."


def check_activation_profile(c: Checks, fn: Callable[..., Any], model: Sequential, X: Any, *, name: str | None = None) -> bool:
    """Check ``fn(model, X)`` against :func:`activation_profile`: shape ``(n_layers, 2)``, the values,
    and the model's parameters left unchanged."""
    X = np.array(X, dtype=np.float64)
    pre, act = _K.activations(model, X)
    label = name or f"activation_profile on a network with {len(act)} hidden layers"
    expected = _K.activation_profile(model, X)
    ok, out = c.call_on_model(label, fn, model, X)
    if not ok:
        return False
    try:
        a = as_numbers(out)
    except (TypeError, ValueError) as exc:
        return c.fail(label, f"could not read the answer as an array of numbers: {exc}")
    if a.shape != expected.shape:
        return c.fail(label, _profile_shape_problem(a.shape, expected.shape))
    return c.array(label, lambda: a, expected, rtol=1e-9, atol=1e-12, mistakes=lambda: _K.profile_mistakes(model, X),
                   mistake_tol=(1e-9, 1e-12))
