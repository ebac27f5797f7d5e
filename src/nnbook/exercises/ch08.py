"""Checkers for the exercises of chapter 8, *L2 regularization as MAP*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they all passed. A wrong answer is compared with a
catalogue of the usual mistakes (the bias penalized with the weights, the
ratio of the variances inverted, the factor 2 or the batch size forgotten,
the biases decayed, ...) so that the hint names the mistake.
The expected answers come from the instructor's key (``nnbook_key.ch08``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> import numpy as np
>>> from nnbook.exercises import checks, ch08
>>> from nnbook_key import ch08 as key  # the instructor's key: a reference solution passes
>>> with checks("ridge") as c:
...     _ = ch08.check_ridge(c, key.ridge_reference, cases=["small"])
PASS  ridge on 12 examples with 3 features, lambda = 2
ridge: all 1 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..layers import Linear
from ..losses import MSELoss
from ..module import Sequential
from ..activations import Tanh
from . import Checks, as_numbers, close, diagnose, error_hint, first_mistake
from ._oracle import oracle

_K = oracle("ch08")  # the expected answers: the instructor's key, or its table

__all__ = [
    "RIDGE_CASES", "ridge_case", "check_ridge", "example_model", "check_decay_step", "check_map_weight_decay",
    "LIMITS_CHOICES", "LIMITS_HINT",
]


# -- Exercise 1: ridge regression with an unpenalized bias -------------------------------------

#: the test cases of :func:`check_ridge`: name -> (n, d, lambda, kind, seed)
RIDGE_CASES: dict[str, tuple[int, int, float, str, int]] = {
    "small": (12, 3, 2.0, "plain", 80),
    "shifted": (15, 4, 0.5, "shifted", 81),
    "collinear": (25, 3, 0.1, "collinear", 82),
    "wide": (6, 10, 0.3, "plain", 83),
    "large lambda": (20, 3, 1e6, "plain", 84),
    "hidden": (30, 5, 3.0, "plain", 85),
}


def ridge_case(name: str) -> tuple[np.ndarray, np.ndarray, float]:
    """The data ``(X, y, lam)`` of one of :data:`RIDGE_CASES` (columns with nonzero means, so the bias matters)."""
    n, d, lam, kind, seed = RIDGE_CASES[name]
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, d)) * r.uniform(0.5, 2.0, size=d) + r.uniform(-3, 3, size=d)
    if kind == "collinear":
        X[:, 1] = X[:, 0] + 1e-7 * r.normal(size=n)   # two columns equal to 7 digits
    y = X @ r.normal(size=d) + 2.5 + 0.3 * r.normal(size=n)
    if kind == "shifted":
        y = y + 100.0
    return X, y, lam


def _describe_ridge(name: str) -> str:
    n, d, lam, kind, _ = RIDGE_CASES[name]
    extra = {"shifted": ", targets around 100", "collinear": ", two columns equal to 7 digits"}.get(kind, "")
    return f"ridge on {n} examples with {d} features{extra}, lambda = {lam:g}"


def _read_ridge(result: Any, d: int) -> tuple[np.ndarray, float]:
    if isinstance(result, np.ndarray) or not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError("return the pair (w, b): w an array of shape (d,), b a number")
    w = as_numbers(result[0], "w")
    b = as_numbers(result[1], "b")
    if b.size != 1:
        raise TypeError(f"b must be one number, got an array of shape {b.shape}")
    if w.shape != (d,):
        if w.size == d:
            raise TypeError(f"w has shape {w.shape}; return it with shape ({d},) (for example w.ravel())")
        raise TypeError(f"w has shape {w.shape}, expected ({d},): one weight per column of X")
    return w, float(b.reshape(()))


def _singular_hint(exc: BaseException) -> str | None:
    if isinstance(exc, np.linalg.LinAlgError):
        return error_hint(exc) + (". Xc^T Xc is singular here; Xc^T Xc + lambda I is not, for lambda > 0: is lambda "
                                  "added to the diagonal?")
    return None


def _ridge_problem(name: str, X: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray, b: float) -> str | None:
    """``None`` when ``(w, b)`` is the ridge solution, else the hint that names the likely mistake."""
    w_ref, b_ref = _K.ridge_reference(X, y, lam)
    scale = max(1.0, float(np.max(np.abs(w_ref))))
    if close(w, w_ref, 1e-6, 1e-8 * scale) and abs(b - b_ref) <= 1e-6 * max(1.0, abs(b_ref)):
        return None
    if not (np.all(np.isfinite(w)) and np.isfinite(b)):
        return "inf or nan in the answer: is lambda added to the diagonal (Xc^T Xc is singular here)?"
    mistakes = [(np.r_[mw, mb], text) for (mw, mb), text in _K.ridge_mistakes(X, y, lam)]
    hint = first_mistake(np.r_[w, b], np.r_[w_ref, b_ref], mistakes, rtol=1e-5, atol=1e-7 * scale)
    if hint is None and RIDGE_CASES[name][3] == "collinear":
        if np.max(np.abs(w)) > 100 * scale:
            hint = ("huge weights: that is (close to) the least-squares fit of two almost equal columns, which "
                    "Xc^T Xc alone cannot pin down; is lambda added to the diagonal?")
        else:
            hint = ("two columns are almost equal here, so Xc^T Xc is nearly singular: solve "
                    "(Xc^T Xc + lambda I) w = Xc^T yc with np.linalg.solve (not np.linalg.inv). " + diagnose(w, w_ref))
    if hint is None and X.shape[0] <= X.shape[1]:
        hint = ("more features than examples: Xc^T Xc is singular, only Xc^T Xc + lambda I can be solved; is "
                "lambda added to the diagonal? " + diagnose(w, w_ref))
    if hint is None:
        if close(w, w_ref, 1e-6, 1e-8 * scale):
            hint = f"the weights are right, the bias is not: got b = {b:.6g}, expected {b_ref:.6g}."
        else:
            hint = "the weights: " + diagnose(w, w_ref)
    return hint


def check_ridge(c: Checks, fn: Callable[..., Any], *, cases: Sequence[str] = ("small", "shifted", "collinear", "wide")) -> bool:
    r"""Check ``fn(X, y, lam) -> (w, b)``, ridge regression with an unpenalized bias, on the named cases.

    The answer must agree with :func:`ridge_reference` to a relative 1e-6.
    The cases (:data:`RIDGE_CASES`) include targets far from 0 (a penalized
    bias fails there), two nearly equal columns (needs lambda and a solve),
    and more features than examples.
    """
    ok = True
    for name in cases:
        X, y, lam = ridge_case(name)
        label = _describe_ridge(name)
        with c.step(label, hint=_singular_hint, strict=False) as run, np.errstate(all="ignore"):
            result = fn(X.copy(), y.copy(), lam)
        if not run.ok:
            ok = False
            continue
        try:
            w, b = _read_ridge(result, X.shape[1])
        except (TypeError, ValueError) as exc:
            ok &= c.fail(label, str(exc))
            continue
        ok &= c.record(label, _ridge_problem(name, X, y, lam, w, b))
    return ok


# -- Exercise 2: one SGD step with weight decay ------------------------------------------------

def example_model(seed: int = 8) -> tuple[Sequential, np.ndarray, np.ndarray]:
    """A small tanh network with its gradients computed on a random batch: ``(model, X, y)``."""
    r = np.random.default_rng(seed)
    model = Sequential(Linear(3, 4, rng=r, bias_init=0.3), Tanh(), Linear(4, 2, rng=r, bias_init=-0.2))
    X, y = r.normal(size=(6, 3)), r.normal(size=(6, 2))
    loss = MSELoss()
    model.zero_grad()
    loss(model.forward(X), y)
    model.backward(loss.backward())
    return model, X, y


def _snapshot(model: Sequential) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    return [(p.value.copy(), p.grad.copy(), p.decay) for p in model.parameters()]


def check_decay_step(c: Checks, fn: Callable[..., Any], *, lr: float = 0.1, weight_decay: float = 0.05, seed: int = 8,
                     name: str | None = None) -> bool:
    """Check ``fn(params, lr, weight_decay)``, one in-place step, against ``nb.SGD(params, lr, weight_decay=...)``.

    The step runs on the parameters of :func:`example_model` (two weights and
    two biases, gradients filled in); every parameter must then equal the one
    :class:`~nnbook.SGD` produces, to 1e-14, and the gradients must be left as
    they were.
    """
    label = name or f"one step with lr = {lr:g}, weight_decay = {weight_decay:g} on a 3-4-2 network"
    model, _, _ = example_model(seed)
    state = _snapshot(model)
    expected = _K.decay_step_expected(example_model(seed)[0], lr, weight_decay)
    with c.step(label, strict=False) as run:
        fn(model.parameters(), lr, weight_decay)
        got = [as_numbers(p.value, "p.value") for p in model.parameters()]
    if not run.ok:
        return False
    if all(close(a, e, 0.0, 1e-14) for a, e in zip(got, expected)):
        grads_kept = all(np.array_equal(p.grad, g) for p, (_, g, _) in zip(model.parameters(), state))
        return c.record(label, None if grads_kept else "the values are right, but the step changed p.grad: leave "
                                                       "the gradients alone.")
    hint = None
    if [a.shape for a in got] == [e.shape for e in expected]:
        flat = lambda arrays: np.concatenate([np.ravel(v) for v in arrays])  # noqa: E731
        mistakes = [(flat(wrong), text) for wrong, text in _K.decay_mistakes(state, lr, weight_decay)]
        hint = first_mistake(flat(got), flat(expected), mistakes, rtol=1e-9, atol=1e-12)
    names = ["first weight", "first bias", "second weight", "second bias"]
    for nm, a, e in zip(names, got, expected):
        if hint is None and not close(a, e, 0.0, 1e-14):
            hint = f"the {nm} after the step: {diagnose(a, e)}"
    return c.fail(label, hint or "the step does not match SGD(weight_decay=...).")


# -- Exercise 3: the weight decay of a Gaussian prior ------------------------------------------

_WD_CASES = [(0.5, 0.25, 30), (0.2, 1.0, 10), (1.5, 0.3, 7), (0.1, 0.1, 50)]


def check_map_weight_decay(c: Checks, fn: Callable[..., Any], *, cases: Sequence[tuple[float, float, int]] | None = None) -> bool:
    """Check ``fn(sigma, sigma0, n)``, the ``weight_decay`` of nnbook's SGD that gives the MAP estimate."""
    ok = True
    for s, s0, n in (cases or _WD_CASES):
        label = f"map_weight_decay(sigma={s:g}, sigma0={s0:g}, n={n})"
        with c.step(label, strict=False) as run:
            got = as_numbers(fn(s, s0, n), "the answer")
        if run.ok:
            ok &= c.scalar(label, got, _K.map_weight_decay_reference(s, s0, n), rtol=1e-9, atol=0.0,
                           mistakes=_K.wd_mistakes(s, s0, n), mistake_tol=(1e-9, 0.0))
        ok &= run.ok
    return ok


# -- Exercise 4: limits ------------------------------------------------------------------------

#: the letters of the conceptual question
LIMITS_CHOICES = frozenset("abcdef")


#: the hint of the conceptual question (it must not give the answer away)
LIMITS_HINT = (
    "not yet. Go through the statements with the formulas of the chapter: w = (Xc^T Xc + lambda I)^(-1) Xc^T yc "
    "and b = mean(y) - mean(x) @ w with lambda = sigma^2 / sigma0^2. What do w and b tend to when lambda grows "
    "without bound, or when sigma0 does? Which matrices are invertible? What does SGD's l1 add to the gradient? "
    "You can also try each statement with nb.regularization.ridge on random data."
)
