"""The chapter 1 exercise checkers: the model solutions pass, and each typical
wrong solution fails with the hint that names its mistake."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnbook as nb
from nnbook.exercises import normalize_answer, ch01, checks
from nnbook_key import ch01 as key  # the instructor's answer key (tests/conftest.py puts it on the path)

from exercise_helpers import assert_fails_with, assert_passes, run_checks  # noqa: F401


# -- Exercise 1: a stable sigmoid ----------------------------------------------------

Z_EXTREME = np.array([-1e4, -1000.0, -30.0, -1.0, 0.0, 2.0, 30.0, 1000.0, 1e4])


def sigmoid_stable(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))


def sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_other_form(z):
    return np.exp(z) / (1 + np.exp(z))


def sigmoid_where_both_branches(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def sigmoid_silenced(z):
    with np.errstate(all="ignore"):
        return np.exp(z) / (1 + np.exp(z))


def sigmoid_flipped(z):
    return nb.functional.sigmoid(-np.asarray(z))


def sigmoid_cancellation(z):
    s = 1 / (1 + np.exp(-np.abs(z)))
    return np.where(z >= 0, s, 1 - s)


def sigmoid_math_exp(z):
    return np.array([1 / (1 + math.exp(-v)) for v in np.ravel(z)])


def sigmoid_flat(z):
    return nb.functional.sigmoid(np.ravel(z))


@pytest.mark.parametrize("solution", [sigmoid_stable, sigmoid_logaddexp, nb.functional.sigmoid])
def test_sigmoid_correct_solutions_pass(capsys, solution):
    out = assert_passes(capsys, lambda c: ch01.check_sigmoid(c, solution, Z_EXTREME))
    assert "PASS  sigmoid on an array of shape (9,)" in out


def test_sigmoid_correct_solution_passes_on_a_matrix(capsys):
    z = np.linspace(-50, 50, 12).reshape(3, 4)
    assert_passes(capsys, lambda c: ch01.check_sigmoid(c, sigmoid_stable, z))


def test_sigmoid_naive_overflows_for_large_negative_inputs(capsys):
    out = assert_fails_with(
        capsys, lambda c: ch01.check_sigmoid(c, sigmoid_naive, [-1000.0, 0.0, 5.0]),
        "overflow in exp", "large negative inputs (z = -1000)", "e^z / (1 + e^z)",
    )
    assert "large positive" not in out


def test_sigmoid_other_form_overflows_for_large_positive_inputs(capsys):
    out = assert_fails_with(
        capsys, lambda c: ch01.check_sigmoid(c, sigmoid_other_form, [-1000.0, 0.0, 1000.0]),
        "overflow in exp", "large positive inputs (z = 1000)", "1 / (1 + e^(-z))",
    )
    assert "large negative" not in out


def test_sigmoid_np_where_evaluates_both_branches(capsys):
    assert_fails_with(
        capsys, lambda c: ch01.check_sigmoid(c, sigmoid_where_both_branches, Z_EXTREME),
        "large negative inputs (z = -10000)", "large positive inputs (z = 10000)", "np.where",
    )


def test_sigmoid_math_exp_overflow_is_reported_as_overflow(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_sigmoid(c, sigmoid_math_exp, [-1000.0, 1.0]), "overflow in exp", "large negative")


def test_sigmoid_silenced_nan_is_located(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_sigmoid(c, sigmoid_silenced, Z_EXTREME), "inf or nan at z = 10000", "1 / (1 + e^(-z))")


def test_sigmoid_flipped_sign(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_sigmoid(c, sigmoid_flipped, Z_EXTREME), "sigma(-z) = 1 - sigma(z)")


def test_sigmoid_cancellation_for_negative_inputs(capsys):
    assert_fails_with(
        capsys, lambda c: ch01.check_sigmoid(c, sigmoid_cancellation, [-30.0, 0.0, 30.0]),
        "inaccurate for negative z", "z = -30", "cancellation",
    )


def test_sigmoid_wrong_shape(capsys):
    z = np.linspace(-3, 3, 6).reshape(2, 3)
    assert_fails_with(capsys, lambda c: ch01.check_sigmoid(c, sigmoid_flat, z), "same shape as z")


def test_sigmoid_unimplemented_reports_the_error(capsys):
    def sigmoid(z):
        raise NotImplementedError()

    assert_fails_with(capsys, lambda c: ch01.check_sigmoid(c, sigmoid, [0.0]), "raised NotImplementedError")


def test_sigmoid_check_does_not_leave_errstate_changed():
    before = np.geterr()
    with pytest.raises(AssertionError):
        with checks("t") as c:
            ch01.check_sigmoid(c, sigmoid_naive, [-1000.0])
    assert np.geterr() == before


# -- Exercise 2: the logistic-regression gradient ------------------------------------

@pytest.fixture
def problem(rng):
    n, d = 7, 3
    X = rng.normal(size=(n, d))
    y = (rng.uniform(size=(n, 1)) < 0.5).astype(float)
    w = rng.normal(size=(d, 1))
    b = np.array([0.4])
    return X, y, w, b


def grad_correct(X, y, w, b):
    p = nb.functional.sigmoid(X @ w + b)
    n = X.shape[0]
    return X.T @ (p - y) / n, np.mean(p - y)


def test_reference_gradient_matches_finite_differences(problem):
    X, y, w, b = problem

    def loss():
        return nb.BCEWithLogitsLoss()(X @ w + b, y)

    gw, gb = key.logistic_gradient(X, y, w, b)
    assert nb.relative_error(gw, nb.numerical_gradient(lambda _: loss(), w)) < 1e-8
    assert nb.relative_error(gb, nb.numerical_gradient(lambda _: loss(), b)) < 1e-8


def test_reference_gradient_matches_nnbook_backprop(problem):
    X, y, w, b = problem
    layer = nb.Linear(3, 1, init=0.0)
    layer.weight.value[...] = w
    layer.bias.value[...] = b
    loss = nb.BCEWithLogitsLoss()
    loss(layer(X), y)
    layer.backward(loss.backward())
    gw, gb = key.logistic_gradient(X, y, w, b)
    np.testing.assert_allclose(gw, layer.weight.grad, rtol=1e-12)
    np.testing.assert_allclose(gb, layer.bias.grad, rtol=1e-12)


def test_reference_gradient_matches_pytorch(torch, problem):
    X, y, w, b = problem
    tw = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    z = torch.tensor(X, dtype=torch.float64) @ tw + tb
    torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(y, dtype=torch.float64)).backward()
    gw, gb = key.logistic_gradient(X, y, w, b)
    np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(gb, tb.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_gradient_correct_solution_passes(capsys, problem):
    out = assert_passes(capsys, lambda c: ch01.check_logistic_gradient(c, grad_correct, *problem))
    assert out.count("PASS") == 2


def test_gradient_correct_solution_with_a_one_element_bias_gradient(capsys, problem):
    def grad(X, y, w, b):
        gw, gb = grad_correct(X, y, w, b)
        return gw, np.array([[gb]])

    assert_passes(capsys, lambda c: ch01.check_logistic_gradient(c, grad, *problem))


def test_gradient_arguments_are_copies(capsys, problem):
    X = problem[0].copy()

    def grad(X, y, w, b):
        out = grad_correct(X, y, w, b)
        X[...] = 0  # vandalism the checker must survive
        return out

    assert_passes(capsys, lambda c: ch01.check_logistic_gradient(c, grad, *problem))
    np.testing.assert_array_equal(problem[0], X)


def _wrong(transform):
    def grad(X, y, w, b):
        return transform(X, y, w, b, nb.functional.sigmoid(X @ w + b), X.shape[0])

    return grad


WRONG_GRADIENTS = {
    "sum": (_wrong(lambda X, y, w, b, p, n: (X.T @ (p - y), np.sum(p - y))), "factor n = 7", "summed over the examples"),
    "mean twice": (_wrong(lambda X, y, w, b, p, n: (X.T @ (p - y) / n**2, np.mean(p - y) / n)), "divided by the number of examples twice"),
    "sign": (_wrong(lambda X, y, w, b, p, n: (X.T @ (y - p) / n, np.mean(y - p))), "sign is flipped", "log-likelihood"),
    "no bias in z": (
        _wrong(lambda X, y, w, b, p, n: (X.T @ (nb.functional.sigmoid(X @ w) - y) / n, np.mean(nb.functional.sigmoid(X @ w) - y))),
        "bias is missing from the pre-activation",
    ),
    "sigma prime": (
        _wrong(lambda X, y, w, b, p, n: (X.T @ ((p - y) * p * (1 - p)) / n, np.mean((p - y) * p * (1 - p)))),
        "multiplied by sigma'(z)", "cancels",
    ),
    "squared error": (
        _wrong(lambda X, y, w, b, p, n: (2 * X.T @ ((p - y) * p * (1 - p)) / n, 2 * np.mean((p - y) * p * (1 - p)))),
        "mean squared error",
    ),
    "z for sigma(z)": (
        _wrong(lambda X, y, w, b, p, n: (X.T @ (X @ w + b - y) / n, np.mean(X @ w + b - y))),
        "pre-activation z where the prediction sigma(z) belongs",
    ),
    "transposed": (_wrong(lambda X, y, w, b, p, n: ((p - y).T @ X / n, np.mean(p - y))), "transpose of w's (3, 1)", "X.T @ (p - y)"),
    "flat p broadcasts": (
        _wrong(lambda X, y, w, b, p, n: (X.T @ (p.ravel() - y) / n, np.mean(p - y))),
        "broadcasts to an (n, n) matrix",
    ),
    "no sum": (_wrong(lambda X, y, w, b, p, n: (X * (p - y), np.mean(p - y))), "one row per example"),
    "flat grad_w": (_wrong(lambda X, y, w, b, p, n: ((X.T @ (p - y) / n).ravel(), np.mean(p - y))), "is flat"),
    "zero bias gradient": (_wrong(lambda X, y, w, b, p, n: (X.T @ (p - y) / n, 0.0)), "bias gradient is zero"),
    "no bias gradient": (_wrong(lambda X, y, w, b, p, n: X.T @ (p - y) / n), "return a pair", "bias gradient is missing"),
    "bias gradient not reduced": (_wrong(lambda X, y, w, b, p, n: (X.T @ (p - y) / n, p - y)), "grad_b must hold one number"),
}


@pytest.mark.parametrize("mistake", list(WRONG_GRADIENTS))
def test_gradient_typical_mistakes_fail_with_their_hint(capsys, problem, mistake):
    solution, *fragments = WRONG_GRADIENTS[mistake]
    assert_fails_with(capsys, lambda c: ch01.check_logistic_gradient(c, solution, *problem), *fragments)


def test_gradient_unimplemented_reports_the_error(capsys, problem):
    def grad(X, y, w, b):
        raise NotImplementedError()

    assert_fails_with(capsys, lambda c: ch01.check_logistic_gradient(c, grad, *problem), "raised NotImplementedError")


# -- Exercise 3: threshold logic ------------------------------------------------------

def at_least_correct(k, n):
    return np.ones(n), -k


def at_least_half_threshold(k, n):
    return [1.0] * n, 0.5 - k


@pytest.mark.parametrize("solution", [at_least_correct, at_least_half_threshold])
@pytest.mark.parametrize("k, n", [(1, 1), (1, 3), (2, 3), (3, 3), (4, 6)])
def test_at_least_correct_solutions_pass(capsys, solution, k, n):
    assert_passes(capsys, lambda c: ch01.check_at_least(c, solution, k, n))


def test_at_least_table():
    X, y = key.at_least_table(2, 3)
    assert X.shape == (8, 3)
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 0, 1, 1, 1])


def test_at_least_off_by_one_fires_too_early(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: (np.ones(n), 1 - k), 2, 3), "also fires with only 1 one.", "step(0) = 1")


def test_at_least_strict_threshold_misses_exactly_k(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: (np.ones(n), -k - 0.5), 2, 3), "does not fire with exactly 2 ones")


def test_at_least_negated(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: (-np.ones(n), k - 0.5), 2, 3), "negate w and b")


def test_at_least_other_wrong_rows_are_listed(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: (np.array([2.0, 0.0, 0.0]), -1.0), 2, 3), "rows are wrong", "x = (0, 1, 1)")


def test_at_least_wrong_shapes(capsys):
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: (np.ones((n, 1)), -k), 2, 3), "w must have shape (3,)", "flat array")
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: (np.ones(n), [-k, 0]), 2, 3), "b must be one number")
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: np.ones(n), 2, 3), "return a pair (w, b)")
    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, lambda k, n: (np.ones(n), np.nan), 2, 3), "finite")


def test_at_least_unimplemented_reports_the_error(capsys):
    def at_least(k, n):
        raise NotImplementedError()

    assert_fails_with(capsys, lambda c: ch01.check_at_least(c, at_least, 2, 3), "raised NotImplementedError")


# -- Exercise 4: the conceptual question ----------------------------------------------

SEPARABLE_ID = "ch01-ex4"  # the grade id the chapter's hidden test passes


def test_separable_answer_in_the_key(capsys):
    assert_passes(capsys, lambda c: c.answer("q", lambda: " B ", SEPARABLE_ID))
    for wrong in "acd":
        assert_fails_with(capsys, lambda c: c.answer("q", lambda: wrong, SEPARABLE_ID, hint=ch01.SEPARABLE_HINT),
                          "Ask two questions")


def test_separable_hint_does_not_give_the_answer_away(capsys):
    assert_fails_with(
        capsys, lambda c: c.answer("q", lambda: "a", SEPARABLE_ID, hint=ch01.SEPARABLE_HINT), "Ask two questions",
    )
    assert "(b)" not in ch01.SEPARABLE_HINT


def test_separable_claim_holds_gradient_descent_grows_the_weights(rng):
    # the fact behind the answer: on separable data the loss keeps falling and ||w|| keeps growing
    X = np.r_[rng.normal(-2, 0.5, size=(20, 2)), rng.normal(2, 0.5, size=(20, 2))]
    y = np.r_[np.zeros(20), np.ones(20)].astype(np.int64)
    model = nb.Linear(2, 1, init=0.0)
    opt = nb.SGD(model.parameters(), lr=1.0)
    norms, losses = [], []
    for _ in range(4):
        h = nb.fit(model, nb.BCEWithLogitsLoss(), opt, X, y, epochs=250)
        norms.append(np.linalg.norm(model.weight.value))
        losses.append(h["loss"][-1])
    assert np.all(np.diff(norms) > 0.1) and np.all(np.diff(losses) < 0)
    assert losses[-1] > 0
