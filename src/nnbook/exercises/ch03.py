"""Checkers for the exercises of chapter 3, *Output units and cost functions*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they passed. The student's function runs with
NumPy's overflow, division-by-zero and invalid-operation warnings turned into
errors, so an exponential that overflows or a logarithm of 0 is caught where it
happens, not only when it reaches the answer. A wrong answer is compared with
a catalogue of the usual mistakes (a sum where a mean was meant, a maximum
subtracted and never added back, the one-hot row forgotten, a transposed
result, ...) so that the hint names the mistake.
The expected answers come from the instructor's key (``nnbook_key.ch03``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> import numpy as np
>>> from nnbook.exercises import checks, ch03
>>> def cross_entropy(Z, y):
...     m = Z.max(axis=1, keepdims=True)
...     logp = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
...     return -logp[np.arange(len(y)), y].mean()
>>> with checks("cross-entropy") as c:
...     _ = ch03.check_cross_entropy(c, cross_entropy, [[1000.0, 0.0, -1000.0]], [2])
PASS  cross-entropy of 1 example with 3 classes
cross-entropy: all 1 checks passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import functional as F
from . import Checks, close, error_hint, first_mistake, strict
from ._oracle import oracle

_K = oracle("ch03")  # the expected answers: the instructor's key, or its table

__all__ = [
    "check_cross_entropy", "check_cross_entropy_grad", "check_sparsemax", "check_sparsemax_properties",
    "letters", "is_four_choices", "OUTPUT_UNITS_HINT", "FORMAT_HINT",
]


#: the hint of the conceptual question on output units (it must not give the answer away)
OUTPUT_UNITS_HINT = (
    "not yet. For each task ask three questions: is the target a real number or a class? If it is a "
    "class, is exactly one of the classes true for each example, or can several (or none) be true at "
    "once? And which distribution over the targets has that form: Gaussian, Bernoulli, categorical, "
    "or one Bernoulli per output?"
)

#: the hint when the answer to the conceptual question is not four letters from a to d
FORMAT_HINT = 'write four letters from a to d, one per task in the order of the tasks, as a string such as "aabb".'


# -- running the student's code -------------------------------------------------------------

def _runs(fn: Callable[..., Any], Z: np.ndarray, y: np.ndarray) -> bool:
    """Whether ``fn(Z, y)`` runs without an error, with NumPy's floating-point warnings turned into errors."""
    try:
        strict(lambda: fn(Z.copy(), y.copy()))
    except Exception:  # noqa: BLE001 - an overflow or any other error
        return False
    return True


def _trouble_hint(fn: Callable[..., Any], Z: np.ndarray, y: np.ndarray, message: str, what: str) -> str:
    """Name the floating-point problem behind ``message`` and the fix."""
    # does every row work on its own? Then the rows interfere: a max over the whole batch
    alone = [_runs(fn, Z[i:i + 1], y[i:i + 1]) for i in range(len(Z))] if len(Z) > 1 else []
    big = f"{np.abs(Z).max():g}"
    if alone and all(alone):
        return (
            f"{what} works on each example alone but not on the batch: you subtracted one maximum for the "
            "whole batch (Z.max()). Rows whose logits are far below it then have exp(z - m) = 0 in every "
            "entry, and the log of their sum is -inf. Subtract each row's own maximum: "
            "Z.max(axis=1, keepdims=True)."
        )
    if "overflow" in message:
        return (
            f"overflow in exp: with logits as large as {big}, exp(z) exceeds the largest float64 (about "
            "1.8e308 = e^709.8). Subtract the row's maximum m before exponentiating: "
            "logsumexp(z) = m + log(sum(exp(z - m))), and every exp(z - m) lies in (0, 1]."
        )
    if "divide" in message:
        return (
            "log of 0: a softmax probability rounded to 0 (its logit is more than about 745 below the "
            "largest), and np.log gives -inf. Never take the log of the softmax: use "
            "log softmax(z)_k = z_k - logsumexp(z), which needs no probability at all."
        )
    return (
        f"an invalid operation ({message}): inf - inf or inf / inf, after an exp overflowed? With logits as "
        f"large as {big}, subtract each row's maximum before exponentiating."
    )


def _index_hint(exc: BaseException) -> str | None:
    if isinstance(exc, IndexError) and re.search(r"index|bounds", str(exc)):
        return error_hint(exc) + ". Labels are class indices 0, ..., K - 1 (one per row of Z), used as Z[np.arange(n), y]."
    return None


def _run(c: Checks, name: str, fn: Callable[..., Any], Z: np.ndarray, y: np.ndarray, what: str) -> tuple[bool, Any]:
    """Run the student's function; on an exception, record a failed check whose hint names the problem."""
    out = None
    with c.step(name, trouble=lambda exc: _trouble_hint(fn, Z, y, str(exc), what), hint=_index_hint) as run:
        out = run(fn, Z.copy(), y.copy())
    return run.ok, out


def _label(Z: np.ndarray) -> str:
    n, k = Z.shape
    return f"{n} example{'s' if n != 1 else ''} with {k} class{'es' if k != 1 else ''}"


# -- Exercise: the cross-entropy from logits ------------------------------------------------

def check_cross_entropy(c: Checks, fn: Callable[..., Any], Z: Any, y: Any, *, name: str | None = None) -> bool:
    """Check ``fn(Z, y)``, the mean softmax cross-entropy of logits ``Z (n, K)`` and integer labels ``y (n,)``.

    The answer must be one finite number equal to :func:`cross_entropy` to a
    relative error of ``1e-9`` (``1e-6`` of the largest logit in absolute
    terms), and the code must raise no overflow, division by zero or invalid
    operation on the way (NumPy's warnings are turned into errors while it runs).
    """
    Z = np.array(Z, dtype=np.float64)
    y = np.array(y, dtype=np.int64)
    name = name or f"cross-entropy of {_label(Z)}"
    expected = _K.cross_entropy(Z, y)
    ok, out = _run(c, name, fn, Z, y, "cross_entropy")
    if not ok:
        return False
    try:
        a = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        return c.fail(name, f"could not read the answer as a number: {exc}")
    per_example = F.logsumexp(Z, axis=1) - Z[np.arange(len(y)), y]
    if a.size != 1:
        if a.size == len(y) and close(a.ravel(), per_example, 1e-6, 1e-9):
            return c.fail(name, f"you returned the {len(y)} per-example losses; return their mean, one number.")
        return c.fail(name, f"return one number (the mean over the batch), got an array of shape {a.shape}.")
    value = float(a.reshape(()))
    atol = 1e-12 + 1e-9 * float(np.abs(Z).max(initial=0.0))

    def hint(actual: np.ndarray, e: np.ndarray) -> str:
        if not np.isfinite(value):
            return (
                "the answer is inf or nan (with NumPy's warnings silenced?): an exp overflowed or a probability "
                "rounded to 0 before its log. Use log softmax(z) = z - logsumexp(z), with the row maximum "
                "subtracted inside the exponential."
            )
        return first_mistake(actual, e, lambda: _K.loss_mistakes(Z, y), rtol=1e-6, atol=atol) or (
            f"got {value:.6g}, expected {expected:.6g}. Compute log softmax(z) = z - logsumexp(z) for each row, "
            "pick each example's true class with [np.arange(n), y], and average the negatives."
        )

    return c.scalar(name, lambda: value, expected, rtol=1e-9, atol=atol, hint=hint)


# -- Exercise: the gradient at the logits ---------------------------------------------------

def check_cross_entropy_grad(c: Checks, fn: Callable[..., Any], Z: Any, y: Any, *, name: str | None = None) -> bool:
    """Check ``fn(Z, y)``, the gradient of the mean cross-entropy at the logits, against :func:`cross_entropy_grad`.

    The answer must have the shape of ``Z``, ``(n, K)``, and agree to a
    relative error of ``1e-9``; the code must raise no overflow, division by
    zero or invalid operation.
    """
    Z = np.array(Z, dtype=np.float64)
    y = np.array(y, dtype=np.int64)
    n, k = Z.shape
    name = name or f"gradient for {_label(Z)}"
    expected = _K.cross_entropy_grad(Z, y)
    ok, out = _run(c, name, fn, Z, y, "your gradient")
    if not ok:
        return False

    def hint(a: np.ndarray, e: np.ndarray) -> str | None:
        if a.shape != e.shape:
            if a.shape == (k, n):
                return (f"shape {a.shape} is the transpose of the expected (n, K) = {e.shape}: the gradient has the "
                        "shape of Z, one row per example.")
            if a.shape == (n, n):
                return (f"shape {a.shape}: an (n, n) array, from broadcasting a flat (n,) array against a column, "
                        "or from Z[:, y]? The gradient has the shape of Z, (n, K).")
            return f"the gradient must have the shape of Z, {e.shape}; got {a.shape}."
        if not np.all(np.isfinite(a)):
            return ("inf or nan in the gradient (with NumPy's warnings silenced?): an exp overflowed. "
                    "Subtract each row's maximum before exponentiating.")
        return None

    # a wrong formula may divide by a probability that rounded to 0: the mistakes are computed with warnings off
    return c.array(name, lambda: out, expected, rtol=1e-9, atol=1e-12, hint=hint,
                   mistakes=lambda: _K.grad_mistakes(Z, y), mistake_tol=(1e-6, 1e-12))


# -- Exercise: sparsemax ----------------------------------------------------------------------

def _run_sparsemax(c: Checks, name: str, fn: Callable[..., Any], Z: np.ndarray) -> np.ndarray | None:
    """The student's ``fn(Z)`` as a float array of the shape of ``Z``, or ``None`` after a failed check."""
    out = None
    with c.step(name) as run:
        out = run(fn, Z.copy())
    if not run.ok:
        return None
    try:
        P = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        c.fail(name, f"could not read the answer as numbers: {exc}")
        return None
    if P.shape != Z.shape:
        c.fail(name, f"sparsemax returns one distribution per row, an array of the shape of z, {Z.shape}; "
                     f"got {P.shape}.")
        return None
    if not np.all(np.isfinite(P)):
        c.fail(name, "inf or nan in the output: sparsemax needs no exponential and no division by anything "
                     "but k(z) >= 1.")
        return None
    return P


def _projection_problem(Z: np.ndarray, P: np.ndarray, tol: float) -> str | None:
    """Why ``P`` is not ``max(Z - tau, 0)`` for one threshold tau per row (None when it is)."""
    support = P > tol
    if not np.all(support.any(axis=1)):
        return "a row has no positive entry, so it cannot sum to 1."
    gap = np.where(support, Z - P, np.nan)                       # z - p: the same tau on the whole support
    tau = np.nanmean(gap, axis=1, keepdims=True)
    spread = np.nanmax(np.abs(gap - tau))
    if spread > tol:
        return (f"on the classes with p > 0, z - p should be one number tau for the row; it varies by {spread:.3g}. "
                "The projection onto the simplex is max(z - tau, 0): shift the row by one threshold, then clip.")
    above = np.where(support, -np.inf, Z - tau).max()
    if above > tol:
        return (f"a class with p = 0 has a logit {above:.3g} above the threshold tau: every class with z > tau "
                "belongs to the support and gets z - tau > 0.")
    return None


def check_sparsemax_properties(c: Checks, fn: Callable[..., Any], Z: Any, *, name: str | None = None) -> bool:
    """Check the invariants of ``fn(Z)``, the sparsemax of each row of ``Z (n, K)``, without the reference.

    Each row must be non-negative and sum to 1 (a point of the simplex), keep
    the order of the logits, and be ``max(z - tau, 0)`` for one threshold per
    row, the condition for the Euclidean projection onto the simplex.
    """
    Z = np.array(Z, dtype=np.float64)
    name = name or f"sparsemax of {_label(Z)}"
    P = _run_sparsemax(c, name, fn, Z)
    if P is None:
        return False
    tol = 1e-9 * max(1.0, float(np.abs(Z).max(initial=0.0)))
    sums = P.sum(axis=1)
    checks = [
        ("non-negative", None if P.min() >= -tol else
         f"an entry is {P.min():.3g}: probabilities are never negative, clip with max(z - tau, 0)."),
        ("each row sums to 1", None if np.allclose(sums, 1, rtol=0, atol=tol) else
         f"the rows sum to {np.round(sums, 6).tolist()}: tau must make sum_k max(z_k - tau, 0) = 1. Did you "
         "divide by k(z)?"),
    ]
    order = Z[:, :, None] > Z[:, None, :]                            # z_i > z_j must give p_i >= p_j
    flipped = order & (P[:, :, None] < P[:, None, :] - tol)
    checks.append(("keeps the order of the logits", None if not flipped.any() else
                   "a class with a larger logit got a smaller probability: is your output still in sorted "
                   "order? Apply the threshold to z as it came."))
    checks.append(("is the projection max(z - tau, 0)", _projection_problem(Z, P, tol)))
    return all([c.record(f"{name}: {what}", problem) for what, problem in checks])


def check_sparsemax(c: Checks, fn: Callable[..., Any], Z: Any, *, name: str | None = None) -> bool:
    """Check ``fn(Z)`` against :func:`sparsemax` of each row of ``Z (n, K)``, to ``1e-9`` relative to the logits."""
    Z = np.array(Z, dtype=np.float64)
    name = name or f"sparsemax of {_label(Z)}"
    P = _run_sparsemax(c, name, fn, Z)
    if P is None:
        return False
    atol = 1e-12 + 1e-12 * float(np.abs(Z).max(initial=0.0))
    return c.array(name, P, _K.sparsemax(Z), rtol=1e-9, atol=atol,
                   mistakes=lambda: _K.sparsemax_mistakes(Z), mistake_tol=(1e-6, max(atol, 1e-9)))


# -- Exercise: choosing the output unit -------------------------------------------------------

def letters(answer: Any) -> Any:
    """The answer with spaces, commas and case removed (``" B, a c d"`` -> ``"bacd"``); other types unchanged."""
    if isinstance(answer, str):
        return re.sub(r"[\s,;]+", "", answer).lower()
    return answer


def is_four_choices(answer: Any) -> bool:
    """Whether ``answer`` is a string of four letters from a to d (spaces and commas allowed)."""
    return isinstance(answer, str) and re.fullmatch(r"[abcd]{4}", letters(answer)) is not None
