"""Checkers of chapter 8 (L2 regularization as MAP): correct solutions pass, typical mistakes fail with their hint."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import assert_fails_with, assert_passes

import nnbook as nb
from nnbook import regularization as R
from nnbook.exercises import normalize_answer, ch08
from nnbook_key import ch08 as key  # the instructor's answer key (tests/conftest.py puts it on the path)
from nnbook_key.answers import ANSWERS

ALL_CASES = list(ch08.RIDGE_CASES)


# -- Exercise 1: ridge with an unpenalized bias ------------------------------------------------

def ridge_centred(X, y, lam):
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ (y - ym))
    return w, ym - xm @ w


def ridge_augmented(X, y, lam):
    A = np.hstack([X, np.ones((len(X), 1))])
    P = lam * np.eye(A.shape[1])
    P[-1, -1] = 0
    theta = np.linalg.solve(A.T @ A + P, A.T @ y)
    return theta[:-1], theta[-1]


def ridge_stacked(X, y, lam):
    """Least squares on [Xc; sqrt(lam) I] and [yc; 0]: the same minimizer, never forming Xc^T Xc."""
    xm, ym = X.mean(axis=0), y.mean()
    d = X.shape[1]
    A = np.vstack([X - xm, np.sqrt(lam) * np.eye(d)])
    w = np.linalg.lstsq(A, np.r_[y - ym, np.zeros(d)], rcond=None)[0]
    return w, float(ym - xm @ w)


def ridge_package(X, y, lam):
    return R.ridge(X, y, lam)


@pytest.mark.parametrize("solution", [ridge_centred, ridge_augmented, ridge_stacked, ridge_package, key.ridge_reference])
def test_ridge_correct_solutions_pass_every_case(capsys, solution):
    out = assert_passes(capsys, lambda c: ch08.check_ridge(c, solution, cases=ALL_CASES))
    assert out.count("PASS") == len(ALL_CASES)


def test_ridge_returning_a_list_passes(capsys):
    assert_passes(capsys, lambda c: ch08.check_ridge(c, lambda X, y, lam: list(ridge_centred(X, y, lam))))


def ridge_bias_penalized(X, y, lam):
    A = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ y)
    return theta[:-1], theta[-1]


def ridge_no_bias(X, y, lam):
    return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y), 0.0


def ridge_uncentred(X, y, lam):
    w = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    return w, y.mean() - X.mean(axis=0) @ w


def scaled(f):
    return lambda X, y, lam: ridge_centred(X, y, f * lam)


def ridge_no_lambda(X, y, lam):
    xm, ym = X.mean(axis=0), y.mean()
    w = np.linalg.solve((X - xm).T @ (X - xm), (X - xm).T @ (y - ym))
    return w, ym - xm @ w


def ridge_lstsq_no_lambda(X, y, lam):
    xm, ym = X.mean(axis=0), y.mean()
    w = np.linalg.lstsq(X - xm, y - ym, rcond=None)[0]
    return w, ym - xm @ w


def bias_variant(rule):
    def fn(X, y, lam):
        w, _ = ridge_centred(X, y, lam)
        return w, rule(X, y, w)
    return fn


WRONG_RIDGE = {
    "bias penalized": (ridge_bias_penalized, "targets around 100", "the bias is penalized too"),
    "no bias": (ridge_no_bias, "lambda = 2", "there is no bias"),
    "not centred": (ridge_uncentred, "lambda = 2", "X and y were not centred"),
    "lambda / 2": (scaled(0.5), "lambda = 2", "penalty lambda / 2"),
    "2 lambda": (scaled(2.0), "lambda = 2", "penalty 2 lambda"),
    "n lambda": (scaled(12.0), "lambda = 2", "penalty n lambda"),
    "no lambda": (ridge_no_lambda, "two columns equal", "is lambda added"),
    "lstsq without lambda": (ridge_lstsq_no_lambda, "lambda = 2", "lambda is missing"),
    "bias = mean y": (bias_variant(lambda X, y, w: y.mean()), "lambda = 2", "not mean(y)"),
    "bias sign": (bias_variant(lambda X, y, w: X.mean(axis=0) @ w - y.mean()), "lambda = 2", "wrong sign"),
    "bias zero": (bias_variant(lambda X, y, w: 0.0), "lambda = 2", "b = 0"),
    "mean of all X": (bias_variant(lambda X, y, w: y.mean() - X.mean() * w.sum()), "lambda = 2", "mean(X, axis=0)"),
    "column weights": (lambda X, y, lam: (ridge_centred(X, y, lam)[0][:, None], ridge_centred(X, y, lam)[1]),
                       "lambda = 2", "return it with shape (3,)"),
    "only w": (lambda X, y, lam: ridge_centred(X, y, lam)[0], "lambda = 2", "return the pair (w, b)"),
    "raises": (lambda X, y, lam: np.linalg.solve(X, y), "lambda = 2", "your code raised LinAlgError"),
    "other": (lambda X, y, lam: (np.ones(X.shape[1]), 0.0), "lambda = 2", "the weights:"),
}


@pytest.mark.parametrize("mistake", list(WRONG_RIDGE))
def test_ridge_typical_mistakes_fail_with_their_hint(capsys, mistake):
    fn, case, fragment = WRONG_RIDGE[mistake]
    out = assert_fails_with(capsys, lambda c: ch08.check_ridge(c, fn, cases=ALL_CASES), fragment)
    fail_lines = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert any(case in line for line in fail_lines), out


def test_ridge_bias_penalty_is_caught_by_the_shifted_case_alone(capsys):
    # with targets near 0 the penalized bias hardly matters; with targets near 100 it does
    out = assert_fails_with(capsys, lambda c: ch08.check_ridge(c, ridge_bias_penalized, cases=["shifted"]),
                            "the bias is penalized too")
    assert "targets around 100" in out


def test_ridge_without_lambda_fails_on_the_collinear_and_wide_cases(capsys):
    out = assert_fails_with(capsys, lambda c: ch08.check_ridge(c, ridge_no_lambda, cases=["collinear", "wide"]))
    assert out.count("FAIL") == 2


def test_ridge_cases_have_the_stated_properties():
    X, y, lam = ch08.ridge_case("collinear")
    assert np.max(np.abs(X[:, 1] - X[:, 0])) < 1e-6
    assert R.ridge_condition(X, 0.0) > 1e12 and R.ridge_condition(X, lam) < 1e5
    X, y, _ = ch08.ridge_case("shifted")
    assert 90 < y.mean() < 110
    X, _, _ = ch08.ridge_case("wide")
    assert X.shape[0] < X.shape[1]


# -- Exercise 2: one SGD step with weight decay ------------------------------------------------

def step_in_place(params, lr, weight_decay):
    for p in params:
        if p.decay:
            p.value *= 1 - lr * weight_decay
        p.value -= lr * p.grad


def step_rebinding(params, lr, weight_decay):
    for p in params:
        p.value = p.value - lr * (p.grad + (weight_decay * p.value if p.decay else 0))


@pytest.mark.parametrize("solution", [step_in_place, step_rebinding, key.decay_step_reference])
@pytest.mark.parametrize("lr, wd", [(0.1, 0.05), (0.5, 0.3), (0.01, 2.0)])
def test_decay_step_correct_solutions_pass(capsys, solution, lr, wd):
    assert_passes(capsys, lambda c: ch08.check_decay_step(c, solution, lr=lr, weight_decay=wd))


def test_decay_step_reference_equals_nnbook_sgd_to_1e_15():
    model, _, _ = ch08.example_model()
    other, _, _ = ch08.example_model()
    key.decay_step_reference(model.parameters(), 0.1, 0.05)
    nb.SGD(other.parameters(), lr=0.1, weight_decay=0.05).step()
    for p, q in zip(model.parameters(), other.parameters()):
        np.testing.assert_allclose(p.value, q.value, rtol=0, atol=1e-15)


def rule(weights, biases):
    def fn(params, lr, wd):
        for p in params:
            p.value[...] = (weights if p.decay else biases)(p.value, p.grad, lr, wd)
    return fn


def plain(v, g, lr, wd):
    return v - lr * g


WRONG_STEP = {
    "biases decayed": (rule(lambda v, g, lr, wd: (1 - lr * wd) * v - lr * g,
                            lambda v, g, lr, wd: (1 - lr * wd) * v - lr * g), "biases were decayed too"),
    "no decay": (rule(plain, plain), "no weight decay at all"),
    "no lr in decay": (rule(lambda v, g, lr, wd: (1 - wd) * v - lr * g, plain), "not (1 - weight_decay)"),
    "decay sign": (rule(lambda v, g, lr, wd: (1 + lr * wd) * v - lr * g, plain), "the weights grew"),
    "factor on both": (rule(lambda v, g, lr, wd: (1 - lr * wd) * (v - lr * g), plain), "multiplies the gradient step too"),
    "halved": (rule(lambda v, g, lr, wd: (1 - lr * wd / 2) * v - lr * g, plain), "the decay is halved"),
    "uphill": (rule(lambda v, g, lr, wd: v + lr * g - lr * wd * v, lambda v, g, lr, wd: v + lr * g), "goes uphill"),
    "not in place": (lambda params, lr, wd: [(1 - lr * wd) * p.value - lr * p.grad for p in params], "did not change"),
    "raises": (lambda params, lr, wd: params.value, "your code raised AttributeError"),
    "other": (rule(lambda v, g, lr, wd: v - lr * g - 0.001, plain), "the first weight after the step"),
}


@pytest.mark.parametrize("mistake", list(WRONG_STEP))
def test_decay_step_typical_mistakes_fail_with_their_hint(capsys, mistake):
    fn, fragment = WRONG_STEP[mistake]
    assert_fails_with(capsys, lambda c: ch08.check_decay_step(c, fn), fragment)


def test_decay_step_that_clears_the_gradients_fails(capsys):
    def clears(params, lr, wd):
        key.decay_step_reference(params, lr, wd)
        for p in params:
            p.grad[...] = 0

    assert_fails_with(capsys, lambda c: ch08.check_decay_step(c, clears), "changed p.grad")


# -- Exercise 3: the weight decay of a Gaussian prior ------------------------------------------

def test_map_weight_decay_reference_is_the_package_formula():
    for s, s0, n in [(0.5, 0.25, 30), (2.0, 0.1, 3)]:
        assert key.map_weight_decay_reference(s, s0, n) == pytest.approx(
            R.weight_decay_for(R.map_lambda(s, s0), n), rel=1e-15)


def test_map_weight_decay_trains_nnbook_to_the_map_estimate():
    r = np.random.default_rng(3)
    X = r.normal(size=(20, 2))
    y = X @ np.array([1.0, -1.0]) + 0.5 + 0.4 * r.normal(size=20)
    s, s0 = 0.4, 0.3
    layer = nb.Linear(2, 1, rng=r)
    opt = nb.SGD(layer.parameters(), lr=0.2, weight_decay=key.map_weight_decay_reference(s, s0, 20))
    nb.fit(layer, nb.MSELoss(), opt, X, y[:, None], epochs=600)
    w, b = R.ridge(X, y, R.map_lambda(s, s0))
    np.testing.assert_allclose(layer.weight.value[:, 0], w, atol=1e-12)


@pytest.mark.parametrize("solution", [
    key.map_weight_decay_reference,
    lambda s, s0, n: 2 * (s / s0) ** 2 / n,
    lambda s, s0, n: np.float64(2 * s * s / s0 / s0 / n),
    lambda s, s0, n: np.array([2 * s**2 / (n * s0**2)]),
])
def test_map_weight_decay_correct_solutions_pass(capsys, solution):
    assert_passes(capsys, lambda c: ch08.check_map_weight_decay(c, solution))


WRONG_WD = {
    "inverted": (lambda s, s0, n: 2 * s0**2 / (n * s**2), "upside down"),
    "no 2": (lambda s, s0, n: s**2 / (n * s0**2), "a factor 2 is missing"),
    "no n": (lambda s, s0, n: 2 * s**2 / s0**2, "number of examples is missing"),
    "lambda itself": (lambda s, s0, n: s**2 / s0**2, "that is lambda = sigma^2 / sigma0^2 itself"),
    "not squared": (lambda s, s0, n: 2 * s / (n * s0), "standard deviations"),
    "2 on the wrong side": (lambda s, s0, n: s**2 / (2 * n * s0**2), "wrong side"),
    "times n": (lambda s, s0, n: 2 * s**2 * n / s0**2, "multiply by 1/n"),
    "prior only": (lambda s, s0, n: 1 / (n * s0**2), "the prior's term alone"),
    "array": (lambda s, s0, n: np.array([1.0, 2.0]), "expected one number"),
    "raises": (lambda s, s0, n: s / 0, "your code raised ZeroDivisionError"),
}


@pytest.mark.parametrize("mistake", list(WRONG_WD))
def test_map_weight_decay_typical_mistakes_fail_with_their_hint(capsys, mistake):
    fn, fragment = WRONG_WD[mistake]
    assert_fails_with(capsys, lambda c: ch08.check_map_weight_decay(c, fn), fragment)


# -- Exercise 4: limits ------------------------------------------------------------------------

def test_limits_fingerprint_is_the_set_of_true_statements():
    r = np.random.default_rng(4)
    X = r.normal(size=(30, 3)) + 2
    y = X @ np.array([1.0, 2.0, -1.0]) + 5 + 0.1 * r.normal(size=30)
    truths = set()
    w, b = R.ridge(X, y, 1e14)                                          # (a) lambda -> infinity
    if np.max(np.abs(w)) < 1e-9 and abs(b - y.mean()) < 1e-8:
        truths.add("a")
    w_ls, b_ls = R.ridge(X, y, 0.0)                                     # (b) sigma0 -> infinity
    w_big, b_big = R.ridge(X, y, R.map_lambda(0.1, 1e8))
    if np.allclose(w_big, w_ls, atol=1e-10) and abs(b_big - b_ls) < 1e-10:
        truths.add("b")
    if R.map_lambda(2 * 0.3, 1.0) == pytest.approx(2 * R.map_lambda(0.3, 1.0)):   # (c) doubling sigma
        truths.add("c")
    Xw = r.normal(size=(4, 10))                                         # (d) d > n, lambda > 0
    Xc = Xw - Xw.mean(0)
    if np.linalg.matrix_rank(Xc.T @ Xc + 1e-3 * np.eye(10)) == 10:
        truths.add("d")
    layer = nb.Linear(3, 1, rng=r)                                      # (e) SGD(l1=...) exact zeros
    nb.fit(layer, nb.MSELoss(), nb.SGD(layer.parameters(), lr=0.01, l1=5.0), X, y[:, None], epochs=500)
    if np.any(layer.weight.value == 0):
        truths.add("e")
    A = np.hstack([X, np.ones((30, 1))])                                # (f) penalized bias, shifted targets
    pen = lambda t: np.linalg.solve(A.T @ A + 10 * np.eye(4), A.T @ t)  # noqa: E731
    if np.allclose(A @ pen(y + 7) - A @ pen(y), 7):
        truths.add("f")
    assert truths == {"a", "b", "d"}
    assert ANSWERS["ch08-ex4"] == normalize_answer(truths)
    assert set("abcdef") == set(ch08.LIMITS_CHOICES)


def test_limits_hint_does_not_name_the_answer():
    for letter in "abcdef":
        assert f"({letter})" not in ch08.LIMITS_HINT


def test_module_examples_run():
    import doctest

    result = doctest.testmod(ch08)
    assert result.attempted > 0 and result.failed == 0
