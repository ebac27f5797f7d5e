"""Checkers for the exercises of chapter 1, *From a single neuron to logistic regression*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they passed. When an answer is wrong, the hint names
the likely mistake: it compares the answer with a catalogue of the usual wrong
answers (a sum where a mean was meant, a flipped sign, a missing bias, an
overflowing exponential, ...) before falling back to
:func:`nnbook.exercises.diagnose`.
The expected answers come from the instructor's key (``nnbook_key.ch01``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> import numpy as np
>>> from nnbook.exercises import checks, ch01
>>> def sigmoid(z):
...     e = np.exp(-np.abs(z))
...     return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
>>> with checks("sigmoid") as c:
...     _ = ch01.check_sigmoid(c, sigmoid, [-1000.0, 0.0, 1000.0])
PASS  sigmoid on [-1000, 0, 1000]
sigmoid: all 1 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import functional as F
from . import Checks, FloatingPointTrouble, close, diagnose, strict
from ._oracle import oracle

_K = oracle("ch01")  # the expected answers: the instructor's key, or its table

__all__ = [
    "check_sigmoid", "check_logistic_gradient", "check_at_least", "SEPARABLE_HINT",
]

#: the hint of the conceptual question on separable data (it must not give the answer away)
SEPARABLE_HINT = (
    "not yet. Ask two questions. Can any finite w and b make every term -log sigma(z_i) "
    "(for y_i = 1) and -log(1 - sigma(z_i)) (for y_i = 0) exactly zero? And can a convex "
    "loss trap gradient descent with a small step in a bad local minimum?"
)


def _label(z: np.ndarray) -> str:
    if z.size <= 6:
        return "[" + ", ".join(f"{v:g}" for v in z.ravel()) + "]"
    return f"an array of shape {z.shape} with values in [{z.min():g}, {z.max():g}]"


# -- Exercise: a numerically stable sigmoid ------------------------------------------

def _overflows(fn: Callable[[np.ndarray], Any], v: float) -> bool:
    """Whether ``fn`` overflows (or makes a nan) on the one input ``v``."""
    try:
        strict(lambda: fn(np.array([v])))
    except FloatingPointTrouble:
        return True
    except Exception:  # noqa: BLE001 - other errors are reported elsewhere
        pass
    return False


def _overflow_hint(sigmoid: Callable[[np.ndarray], Any], z: np.ndarray) -> str:
    """Name the inputs where ``sigmoid`` overflows and the fix."""
    bad = [float(v) for v in z.ravel() if _overflows(sigmoid, float(v))]
    neg = [v for v in bad if v < 0]
    pos = [v for v in bad if v >= 0]
    parts = []
    if neg:
        parts.append(
            f"for large negative inputs (z = {min(neg):g}) e^(-z) = e^({-min(neg):g}) overflows: the largest "
            "float64 is about 1.8e308 = e^709.8. For z < 0 use the equal form e^z / (1 + e^z), whose "
            "exponential is at most 1"
        )
    if pos:
        parts.append(
            f"for large positive inputs (z = {max(pos):g}) e^z overflows and e^z / (1 + e^z) becomes inf/inf. "
            "For z >= 0 use 1 / (1 + e^(-z))"
        )
    if not parts:
        parts.append("an exponential overflows for some inputs (only when they are all computed together)")
    return (
        "overflow in exp: " + "; ".join(parts) + ". Compute e = np.exp(-np.abs(z)) once (it never "
        "overflows) and choose the form by the sign of z. Note that np.where(cond, a, b) evaluates both "
        "a and b for every entry, so each branch must be safe on its own."
    )


def _sigmoid_hint(z: np.ndarray, a: np.ndarray, e: np.ndarray) -> str | None:
    if a.shape != e.shape:
        return diagnose(a, e) + " (sigmoid must return an array of the same shape as z)"
    finite = np.isfinite(a)
    if not finite.all():
        where = z[~finite]
        if np.any(where >= 0):
            return (
                f"inf or nan at z = {where.max():g}: for large positive z, e^z overflows and "
                "e^z / (1 + e^z) is inf/inf. Use 1 / (1 + e^(-z)) for z >= 0."
            )
        return (
            f"inf or nan at z = {where.min():g}: for large negative z, e^(-z) overflows. "
            "Use e^z / (1 + e^z) for z < 0."
        )
    bad = ~np.isclose(a, e, rtol=1e-9, atol=1e-300)
    if np.all(z[bad] < 0) and np.all(np.abs(a[bad] - e[bad]) < 1e-12) and not close(a, 1 - e, 1e-6, 1e-12):
        v = float(z[bad].max())
        return (
            f"inaccurate for negative z: at z = {v:g} you return {a[bad][np.argmax(z[bad])]:.10g}, but "
            f"sigma({v:g}) = {float(_K.reference_sigmoid(np.array(v))):.10g}. Computing 1 - sigma(-z) subtracts two "
            "nearly equal numbers and loses most digits (cancellation); use e^z / (1 + e^z) for z < 0."
        )
    return None


def check_sigmoid(c: Checks, sigmoid: Callable[[np.ndarray], Any], z: Any, *, name: str | None = None) -> bool:
    """Check a student's ``sigmoid(z)`` on the array ``z``.

    The answer must have the shape of ``z``, raise no overflow (NumPy's
    floating-point errors are turned into exceptions while it runs), and agree
    with :func:`nnbook.functional.sigmoid` to a relative error of ``1e-9``
    everywhere, including the tiny values :math:`\\sigma(z)` takes for
    negative :math:`z`.
    """
    z = np.array(z, dtype=np.float64)
    name = name or f"sigmoid on {_label(z)}"
    expected = _K.reference_sigmoid(z)
    flipped = "you computed sigma(-z) = 1 - sigma(z): the exponent of sigma(z) = 1 / (1 + e^(-z)) is -z."
    with c.step(name, trouble=lambda exc: _overflow_hint(sigmoid, z)) as run:
        out = np.asarray(run(sigmoid, z.copy()), dtype=np.float64)
        c.array(name, out, expected, rtol=1e-9, atol=1e-300, hint=lambda a, e: _sigmoid_hint(z, a, e),
                mistakes=[(1 - expected, flipped)], mistake_tol=(1e-6, 1e-12))
    return run.ok


# -- Exercise: the gradient of logistic regression -----------------------------------

def _grad_w_hint(X: np.ndarray) -> Callable[[np.ndarray, np.ndarray], str | None]:
    n, d = X.shape

    def hint(a: np.ndarray, e: np.ndarray) -> str | None:
        if a.shape == e.shape:
            return None
        if a.shape == (1, d) and (n != 1):
            return (
                f"shape {a.shape} is the transpose of w's {e.shape}: (p - y).T @ X is a row; "
                "the gradient must have the shape of w, so use X.T @ (p - y)."
            )
        if a.shape == (d, n) and n > 1:
            return (
                f"shape {a.shape}: p - y must have shape (n, 1) = ({n}, 1). A flat p of shape (n,) minus "
                "y of shape (n, 1) broadcasts to an (n, n) matrix; keep both as columns."
            )
        if a.shape in ((n, d), (n, 1)) and n != d:
            return (
                f"shape {a.shape}: one row per example. Average over the examples: X.T @ (p - y) / n "
                "is the mean of the per-example gradients (sigma(z_i) - y_i) x_i."
            )
        if a.shape == (d,):
            return f"shape {a.shape} is flat: return the gradient in the shape of w, {e.shape}, so that w -= lr * grad_w works."
        return diagnose(a, e) + f" (grad_w must have the shape of w, {e.shape})"

    return hint


def _grad_b_hint(a: np.ndarray, e: np.ndarray) -> str | None:
    if a.shape != e.shape:
        return f"grad_b must hold one number (the shape of b is {e.shape}), got shape {a.shape}: sum or average over the examples."
    if not np.any(a) and np.any(e):
        return (
            "the bias gradient is zero: the bias is the weight of a constant input 1, so its gradient "
            "is the mean of sigma(z_i) - y_i."
        )
    return None


def check_logistic_gradient(
    c: Checks,
    gradient: Callable[..., Any],
    X: Any,
    y: Any,
    w: Any,
    b: Any,
    *,
    name: str | None = None,
) -> bool:
    """Check ``gradient(X, y, w, b) -> (grad_w, grad_b)`` against :func:`logistic_gradient`.

    ``X (n, d)``, ``y (n, 1)``, ``w (d, 1)``, ``b (1,)``. The student's
    function gets copies, so changing its arguments in place does no harm.
    ``grad_w`` must have the shape of ``w``; ``grad_b`` may be any array
    holding one number.
    """
    X, y, w, b = (np.array(v, dtype=np.float64) for v in (X, y, w, b))
    name = name or f"gradient on n = {X.shape[0]} examples with d = {X.shape[1]} inputs"
    expected_w, expected_b = _K.logistic_gradient(X, y, w, b)
    mistakes = _K.gradient_mistakes(X, y, w, b)
    ok, out = c.call(name, lambda: gradient(X.copy(), y.copy(), w.copy(), b.copy()))
    if not ok:
        return False
    if not (isinstance(out, (tuple, list)) and len(out) == 2 and all(o is not None for o in out)):
        return c.fail(
            f"{name}: returns (grad_w, grad_b)",
            f"return a pair: grad_w (shape of w, {w.shape}) and grad_b (shape of b, {b.shape}); got "
            f"{type(out).__name__}" + (" (the bias gradient is missing?)" if isinstance(out, np.ndarray) else ""),
        )
    gw, gb = out

    def grad_b() -> Any:
        a = np.asarray(gb)
        return a.reshape(b.shape) if a.size == 1 else a

    tol = (1e-6, 1e-12)
    ok_w = c.array(f"{name}: grad_w", lambda: gw, expected_w, hint=_grad_w_hint(X),
                   mistakes=[(mw, text) for mw, _, text in mistakes], mistake_tol=tol)
    ok_b = c.array(f"{name}: grad_b", grad_b, expected_b, hint=_grad_b_hint,
                   mistakes=[(mb, text) for _, mb, text in mistakes], mistake_tol=tol)
    return ok_w and ok_b


# -- Exercise: threshold logic ---------------------------------------------------------

def _ones(m: int) -> str:
    return f"{m} one" if m == 1 else f"{m} ones"


def _read_unit(out: Any, n: int) -> tuple[np.ndarray, float] | str:
    """``(w, b)`` from the student's answer, or the hint that says why it cannot be read."""
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return f"return a pair (w, b): w with one weight per input, shape ({n},), and a number b; got {type(out).__name__}."
    try:
        w = np.asarray(out[0], dtype=np.float64)
        b = np.asarray(out[1], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        return f"could not read w and b as numbers: {exc}"
    if w.shape != (n,):
        extra = " (one weight per input, as a flat array)" if w.size == n else ""
        return f"w must have shape ({n},){extra}, got {w.shape}."
    if b.size != 1:
        return f"b must be one number, got shape {b.shape}."
    if not (np.all(np.isfinite(w)) and np.isfinite(b).all()):
        return "w and b must be finite numbers."
    return w, float(b.reshape(()))


def check_at_least(c: Checks, at_least: Callable[[int, int], Any], k: int, n: int, *, name: str | None = None) -> bool:
    """Check that ``at_least(k, n) -> (w, b)`` gives a McCulloch-Pitts unit
    :math:`y = \\operatorname{step}(x \\cdot w + b)` that fires exactly when at least
    ``k`` of the ``n`` binary inputs are 1."""
    name = name or f"at least {k} of {n} inputs"
    X, expected = _K.at_least_table(k, n)
    ones = X.sum(axis=1)
    ok, out = c.call(name, lambda: at_least(k, n))
    if not ok:
        return False
    unit = _read_unit(out, n)
    if isinstance(unit, str):
        return c.fail(name, unit)
    w, b = unit
    z = X @ w + b

    def hint(a: np.ndarray, e: np.ndarray) -> str:
        wrong = a != e
        if np.all(wrong):
            return "the unit fires exactly when it should not: negate w and b."
        extra_fire = wrong & (a == 1)
        missing = wrong & (a == 0)
        if not missing.any() and set(ones[extra_fire]) == {k - 1}:
            return (
                f"the unit also fires with only {_ones(k - 1)}. It fires when z = x . w + b >= 0 "
                "(step(0) = 1 counts as firing), so the threshold must sit between k - 1 and k ones."
            )
        if not extra_fire.any() and set(ones[missing]) == {k}:
            zz = z[missing]
            return (
                f"the unit does not fire with exactly {_ones(k)} (z = {zz.max():g} there). With equal weights "
                "w = 1, z = (number of ones) + b, and step(0) = 1 counts as firing."
            )
        rows = np.flatnonzero(wrong)[:3]
        listed = "; ".join(f"x = {tuple(int(v) for v in X[i])}: z = {z[i]:g}, got {int(a[i])}, expected {int(e[i])}" for i in rows)
        return f"{int(wrong.sum())} of {len(e)} rows are wrong, e.g. {listed}. Does the output depend only on the number of ones?"

    return c.array(name, lambda: F.step(z), expected, hint=hint)
