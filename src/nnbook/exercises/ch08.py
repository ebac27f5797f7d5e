"""Checkers for the exercises of chapter 8, *L2 regularization as MAP*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they all passed. A wrong answer is compared with a
catalogue of the usual mistakes (the bias penalized with the weights, the
ratio of the variances inverted, the factor 2 or the batch size forgotten,
the biases decayed, ...) so that the hint names the mistake.

>>> import numpy as np
>>> from nnbook.exercises import checks, ch08
>>> with checks("ridge") as c:
...     _ = ch08.check_ridge(c, ch08.ridge_reference, cases=["small"])
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
from ..optim import SGD
from . import Checks, as_numbers, close, diagnose, error_hint, first_mistake

__all__ = [
    "ridge_reference", "RIDGE_CASES", "ridge_case", "check_ridge",
    "decay_step_reference", "example_model", "check_decay_step",
    "map_weight_decay_reference", "check_map_weight_decay",
    "LIMITS_CHOICES", "LIMITS_FINGERPRINT", "LIMITS_HINT",
]


# -- Exercise 1: ridge regression with an unpenalized bias -------------------------------------

def ridge_reference(X: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """The reference solution: centre, solve, recover the bias (as :func:`nnbook.regularization.ridge`)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ (y - ym))
    return w, float(ym - xm @ w)


def _augmented(X: np.ndarray, y: np.ndarray, lam: float, bias_penalty: float) -> tuple[np.ndarray, float]:
    A = np.hstack([X, np.ones((len(X), 1))])
    P = lam * np.eye(A.shape[1])
    P[-1, -1] = bias_penalty
    theta = np.linalg.lstsq(A.T @ A + P, A.T @ y, rcond=None)[0]
    return theta[:-1], float(theta[-1])


def _ridge_mistakes(X: np.ndarray, y: np.ndarray, lam: float) -> list[tuple[tuple[np.ndarray, float], str]]:
    n, d = X.shape
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    mistakes: list[tuple[tuple[np.ndarray, float], str]] = []

    def add(thunk: Callable[[], tuple[np.ndarray, float]], text: str) -> None:
        try:
            with np.errstate(all="ignore"):
                w, b = thunk()
        except np.linalg.LinAlgError:
            return
        mistakes.append(((np.asarray(w, dtype=np.float64), float(b)), text))

    w_ref, _ = ridge_reference(X, y, lam)
    add(lambda: _augmented(X, y, lam, lam),
        "the bias is penalized too: with a column of ones appended, lambda must not be added to the bias's "
        "entry of the diagonal (use a 0 there), or centre X and y and solve for w alone. A penalized bias "
        "pulls b towards 0, so the fit changes when all targets are shifted.")
    add(lambda: (np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y), 0.0),
        "there is no bias: you solved (X^T X + lambda I) w = X^T y on the raw data and returned b = 0. "
        "Centre the columns of X and y first, then b = mean(y) - mean(X, axis=0) @ w.")
    add(lambda: (np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y), float(ym - xm @ np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y))),
        "X and y were not centred before solving: w must come from the centred data Xc = X - mean(X, axis=0), "
        "yc = y - mean(y); only then is b = mean(y) - mean(X, axis=0) @ w the unpenalized bias.")
    for factor, text in ((0.5, "lambda / 2"), (2.0, "2 lambda"), (float(n), "n lambda")):
        add(lambda f=factor: ridge_reference(X, y, f * lam),
            f"the weights are those of the penalty {text}: the objective is ||y - X w - b||^2 + lambda ||w||^2 "
            "(a sum, no 1/2, no mean), whose normal equations are (Xc^T Xc + lambda I) w = Xc^T yc.")
    add(lambda: (np.linalg.lstsq(Xc, y - ym, rcond=None)[0], float(ym - xm @ np.linalg.lstsq(Xc, y - ym, rcond=None)[0])),
        "lambda is missing: that is the least-squares fit. Add lambda to the diagonal of Xc^T Xc.")
    add(lambda: (w_ref, float(ym)),
        "the weights are right but the bias is not: b = mean(y) - mean(X, axis=0) @ w, not mean(y).")
    add(lambda: (w_ref, float(xm @ w_ref - ym)),
        "the weights are right but the bias has the wrong sign: b = mean(y) - mean(X, axis=0) @ w.")
    add(lambda: (w_ref, 0.0),
        "the weights are right but b = 0: recover the bias as b = mean(y) - mean(X, axis=0) @ w.")
    add(lambda: (w_ref, float(y.mean() - X.mean() * w_ref.sum())),
        "the weights are right but the bias is not: use the mean of each column, mean(X, axis=0), not the "
        "mean of all of X.")
    return mistakes


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
    w_ref, b_ref = ridge_reference(X, y, lam)
    scale = max(1.0, float(np.max(np.abs(w_ref))))
    if close(w, w_ref, 1e-6, 1e-8 * scale) and abs(b - b_ref) <= 1e-6 * max(1.0, abs(b_ref)):
        return None
    if not (np.all(np.isfinite(w)) and np.isfinite(b)):
        return "inf or nan in the answer: is lambda added to the diagonal (Xc^T Xc is singular here)?"
    mistakes = [(np.r_[mw, mb], text) for (mw, mb), text in _ridge_mistakes(X, y, lam)]
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

def decay_step_reference(params: Sequence[Any], lr: float, weight_decay: float) -> None:
    r"""The reference step, in place: :math:`w \leftarrow (1 - \eta\lambda) w - \eta\nabla w` for weights, :math:`b \leftarrow b - \eta\nabla b` for biases."""
    for p in params:
        if p.decay:
            p.value[...] = (1 - lr * weight_decay) * p.value - lr * p.grad
        else:
            p.value[...] = p.value - lr * p.grad


def _decay_step_expected(seed: int, lr: float, weight_decay: float) -> list[np.ndarray]:
    """The parameters of :func:`example_model` after one step of ``nb.SGD(lr, weight_decay)``."""
    model, _, _ = example_model(seed)
    SGD(model.parameters(), lr=lr, weight_decay=weight_decay).step()
    return [p.value for p in model.parameters()]


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


def _decay_mistakes(state: list[tuple[np.ndarray, np.ndarray, bool]], lr: float, wd: float) -> list[tuple[list[np.ndarray], str]]:
    def new(rule: Callable[[np.ndarray, np.ndarray, bool], np.ndarray]) -> list[np.ndarray]:
        return [rule(v, g, decay) for v, g, decay in state]

    return [
        (new(lambda v, g, dec: (1 - lr * wd) * v - lr * g),
         "the biases were decayed too: weight decay applies only to the parameters with p.decay True (the "
         "weights); a bias gets the plain step b - lr * grad."),
        (new(lambda v, g, dec: v - lr * g),
         "no weight decay at all: that is the plain gradient step; weights shrink by the factor (1 - lr * weight_decay)."),
        (new(lambda v, g, dec: (1 - wd) * v - lr * g if dec else v - lr * g),
         "the decay factor is (1 - lr * weight_decay), not (1 - weight_decay): the decay is part of the "
         "gradient, lambda w, and is multiplied by the learning rate like the rest of it."),
        (new(lambda v, g, dec: (1 + lr * wd) * v - lr * g if dec else v - lr * g),
         "the weights grew: the gradient of (lambda/2)||w||^2 is +lambda w, and the step subtracts it: "
         "(1 - lr * weight_decay) w - lr * grad."),
        (new(lambda v, g, dec: (1 - lr * wd) * (v - lr * g) if dec else v - lr * g),
         "the decay factor multiplies the gradient step too: (1 - lr wd)(w - lr grad) differs from "
         "(1 - lr wd) w - lr grad by lr^2 wd grad."),
        (new(lambda v, g, dec: (1 - lr * wd / 2) * v - lr * g if dec else v - lr * g),
         "the decay is halved: SGD(weight_decay=wd) adds wd * w to the gradient (the gradient of (wd/2)||w||^2), "
         "so the factor is (1 - lr * wd)."),
        (new(lambda v, g, dec: v + lr * g - lr * wd * v if dec else v + lr * g),
         "the gradient step goes uphill: subtract lr * grad."),
        (new(lambda v, g, dec: v),
         "the parameters did not change: update p.value in place (p.value -= ... or p.value[...] = ...)."),
    ]


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
    expected = _decay_step_expected(seed, lr, weight_decay)
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
        mistakes = [(flat(wrong), text) for wrong, text in _decay_mistakes(state, lr, weight_decay)]
        hint = first_mistake(flat(got), flat(expected), mistakes, rtol=1e-9, atol=1e-12)
    names = ["first weight", "first bias", "second weight", "second bias"]
    for nm, a, e in zip(names, got, expected):
        if hint is None and not close(a, e, 0.0, 1e-14):
            hint = f"the {nm} after the step: {diagnose(a, e)}"
    return c.fail(label, hint or "the step does not match SGD(weight_decay=...).")


# -- Exercise 3: the weight decay of a Gaussian prior ------------------------------------------

def map_weight_decay_reference(sigma: float, sigma0: float, n: int) -> float:
    r"""nnbook's ``weight_decay`` for the MAP estimate with :class:`~nnbook.MSELoss`: :math:`2\sigma^2/(n\sigma_0^2)`."""
    return 2.0 * sigma**2 / (n * sigma0**2)


_WD_CASES = [(0.5, 0.25, 30), (0.2, 1.0, 10), (1.5, 0.3, 7), (0.1, 0.1, 50)]


def _wd_mistakes(s: float, s0: float, n: int) -> list[tuple[float, str]]:
    return [
        (2 * s0**2 / (n * s**2), "the ratio is upside down: lambda = sigma^2 / sigma0^2 (noise variance over "
                                 "prior variance): more noise means a stronger pull towards 0."),
        (s**2 / (n * s0**2), "a factor 2 is missing: MSELoss's gradient is (2/n) X^T r, and weight_decay "
                             "adds wd * w, the gradient of (wd/2)||w||^2; matching (1/n)(||r||^2 + lambda||w||^2) "
                             "needs wd = 2 lambda / n."),
        (2 * s**2 / s0**2, "the number of examples is missing: MSELoss is a mean, (1/n)||r||^2, so the penalty "
                           "must be divided by n too: wd = 2 lambda / n."),
        (s**2 / s0**2, "that is lambda = sigma^2 / sigma0^2 itself, the penalty of the sum ||r||^2 + lambda||w||^2; "
                       "nnbook's weight_decay goes with the mean squared error and the gradient wd * w: wd = 2 lambda / n."),
        (2 * s / (n * s0), "sigma and sigma0 are standard deviations: the variances sigma^2 and sigma0^2 enter lambda."),
        (s**2 / (2 * n * s0**2), "the factor 2 is on the wrong side: wd = 2 lambda / n."),
        (2 * s**2 * n / s0**2, "multiply by 1/n, not n: MSELoss divides the sum of squares by n."),
        (1 / (n * s0**2), "that is the prior's term alone (divided by n): the likelihood's 1/sigma^2 must be "
                          "scaled away too, so lambda = sigma^2 / sigma0^2."),
    ]


def check_map_weight_decay(c: Checks, fn: Callable[..., Any], *, cases: Sequence[tuple[float, float, int]] | None = None) -> bool:
    """Check ``fn(sigma, sigma0, n)``, the ``weight_decay`` of nnbook's SGD that gives the MAP estimate."""
    ok = True
    for s, s0, n in (cases or _WD_CASES):
        label = f"map_weight_decay(sigma={s:g}, sigma0={s0:g}, n={n})"
        with c.step(label, strict=False) as run:
            got = as_numbers(fn(s, s0, n), "the answer")
        if run.ok:
            ok &= c.scalar(label, got, map_weight_decay_reference(s, s0, n), rtol=1e-9, atol=0.0,
                           mistakes=_wd_mistakes(s, s0, n), mistake_tol=(1e-9, 0.0))
        ok &= run.ok
    return ok


# -- Exercise 4: limits ------------------------------------------------------------------------

#: the letters of the conceptual question
LIMITS_CHOICES = frozenset("abcdef")

#: the fingerprint (:func:`nnbook.exercises.answer_hash`) of the set of true statements
LIMITS_FINGERPRINT = "dda603690dce3134"

#: the hint of the conceptual question (it must not give the answer away)
LIMITS_HINT = (
    "not yet. Go through the statements with the formulas of the chapter: w = (Xc^T Xc + lambda I)^(-1) Xc^T yc "
    "and b = mean(y) - mean(x) @ w with lambda = sigma^2 / sigma0^2. What do w and b tend to when lambda grows "
    "without bound, or when sigma0 does? Which matrices are invertible? What does SGD's l1 add to the gradient? "
    "You can also try each statement with nb.regularization.ridge on random data."
)
