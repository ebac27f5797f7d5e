"""nnbook.regularization: ridge as MAP, the log posterior and its gradient, BFGS, condition numbers, the lasso."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nnbook as nb
from nnbook import regularization as R


def problem(rng, n=40, d=5, noise=0.1, shift=3.0):
    X = rng.normal(size=(n, d)) + rng.normal(size=d)          # columns not centred
    w = rng.normal(size=d)
    y = X @ w + shift + noise * rng.normal(size=n)
    return X, y


def ridge_augmented(X, y, lam):
    """The normal equations with a column of ones and 0 for the bias on the penalty's diagonal."""
    A = np.hstack([X, np.ones((len(X), 1))])
    P = lam * np.eye(A.shape[1])
    P[-1, -1] = 0.0
    theta = np.linalg.solve(A.T @ A + P, A.T @ y)
    return theta[:-1], theta[-1]


# -- lambda ------------------------------------------------------------------------------------

def test_map_lambda_is_noise_variance_over_prior_variance():
    assert R.map_lambda(0.5, 2.0) == pytest.approx(0.0625, rel=1e-15)
    assert R.map_lambda(3.0, 1.0) == pytest.approx(9.0, rel=1e-15)


@pytest.mark.parametrize("args", [(0.0, 1.0), (1.0, 0.0), (-1.0, 1.0), (np.inf, 1.0), (1.0, np.nan)])
def test_map_lambda_rejects_bad_standard_deviations(args):
    with pytest.raises(ValueError, match="map_lambda"):
        R.map_lambda(*args)


def test_weight_decay_for_is_two_lambda_over_n():
    assert R.weight_decay_for(3.0, 12) == pytest.approx(0.5, rel=1e-15)
    with pytest.raises(ValueError, match="weight_decay_for: n"):
        R.weight_decay_for(1.0, 0)
    with pytest.raises(ValueError, match="weight_decay_for: lam"):
        R.weight_decay_for(-1.0, 10)


def test_nnbook_sgd_with_weight_decay_for_converges_to_ridge(rng):
    X, y = problem(rng, n=30, d=3)
    X = (X - X.mean(0)) / X.std(0)                    # well conditioned: fast convergence
    lam = 4.0
    w, b = R.ridge(X, y, lam)
    layer = nb.Linear(3, 1, rng=rng)
    opt = nb.SGD(layer.parameters(), lr=0.3, weight_decay=R.weight_decay_for(lam, len(X)))
    nb.fit(layer, nb.MSELoss(), opt, X, y[:, None], epochs=400)
    np.testing.assert_allclose(layer.weight.value[:, 0], w, rtol=0, atol=1e-12)
    assert layer.bias.value[0] == pytest.approx(b, abs=1e-12)


# -- ridge -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lam", [0.0, 0.01, 1.0, 100.0])
def test_ridge_agrees_with_the_augmented_normal_equations(rng, lam):
    X, y = problem(rng)
    w, b = R.ridge(X, y, lam)
    w2, b2 = ridge_augmented(X, y, lam)
    np.testing.assert_allclose(w, w2, rtol=1e-10, atol=1e-12)
    assert b == pytest.approx(b2, rel=1e-10)


def test_ridge_sets_the_gradient_of_the_objective_to_zero(rng):
    X, y = problem(rng)
    lam = 2.5
    w, b = R.ridge(X, y, lam)
    r = y - X @ w - b
    np.testing.assert_allclose(-2 * X.T @ r + 2 * lam * w, 0, atol=1e-10)
    assert abs(r.sum()) < 1e-10


def test_ridge_with_lambda_zero_is_least_squares(rng):
    X, y = problem(rng)
    w, b = R.ridge(X, y, 0.0)
    theta = np.linalg.lstsq(np.hstack([X, np.ones((len(X), 1))]), y, rcond=None)[0]
    np.testing.assert_allclose(np.r_[w, b], theta, rtol=1e-10)


def test_ridge_shifting_y_shifts_only_the_bias(rng):
    X, y = problem(rng)
    w, b = R.ridge(X, y, 5.0)
    w2, b2 = R.ridge(X, y + 100.0, 5.0)
    np.testing.assert_allclose(w2, w, rtol=1e-10)
    assert b2 - b == pytest.approx(100.0, rel=1e-12)


def test_ridge_weights_shrink_to_zero_and_bias_to_mean(rng):
    X, y = problem(rng)
    w, b = R.ridge(X, y, 1e12)
    assert np.max(np.abs(w)) < 1e-8
    assert b == pytest.approx(y.mean(), abs=1e-7)


def test_ridge_without_bias_solves_the_plain_system(rng):
    X, y = problem(rng)
    w, b = R.ridge(X, y, 0.7, fit_bias=False)
    np.testing.assert_allclose(w, np.linalg.solve(X.T @ X + 0.7 * np.eye(X.shape[1]), X.T @ y), rtol=1e-12)
    assert b == 0.0


def test_ridge_solves_more_features_than_examples(rng):
    X = rng.normal(size=(5, 20))
    y = rng.normal(size=5)
    w, b = R.ridge(X, y, 0.1)
    assert np.all(np.isfinite(w)) and np.isfinite(b)
    w2, b2 = ridge_augmented(X, y, 0.1)
    np.testing.assert_allclose(w, w2, rtol=1e-8, atol=1e-10)


def test_ridge_accepts_column_targets(rng):
    X, y = problem(rng)
    w, b = R.ridge(X, y, 1.0)
    w2, b2 = R.ridge(X, y[:, None], 1.0)
    np.testing.assert_array_equal(w, w2)
    assert b == b2


@pytest.mark.parametrize("X, y, lam, match", [
    (np.zeros(5), np.zeros(5), 1.0, r"ridge: X must have shape \(n, d\)"),
    (np.zeros((5, 2)), np.zeros(4), 1.0, r"ridge: X has shape \(5, 2\), so y must have shape \(5,\)"),
    (np.zeros((5, 2)), np.zeros(5), -1.0, "ridge: lam must be"),
    (np.full((5, 2), np.nan), np.zeros(5), 1.0, "ridge: X and y must be finite"),
])
def test_ridge_bad_input_raises(X, y, lam, match):
    with pytest.raises(ValueError, match=match):
        R.ridge(X, y, lam)


def test_ridge_agrees_with_torch(rng, torch):
    X, y = problem(rng)
    w, b = R.ridge(X, y, 3.0)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    Xc, yc = Xt - Xt.mean(0), yt - yt.mean()
    wt = torch.linalg.solve(Xc.T @ Xc + 3.0 * torch.eye(X.shape[1], dtype=torch.float64), Xc.T @ yc)
    np.testing.assert_allclose(w, wt.numpy(), rtol=1e-10)


# -- condition numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("lam", [0.0, 0.1, 10.0])
def test_ridge_condition_agrees_with_numpy_on_a_well_conditioned_matrix(rng, lam):
    X, _ = problem(rng)
    Xc = X - X.mean(0)
    expected = np.linalg.cond(Xc.T @ Xc + lam * np.eye(X.shape[1]))
    assert R.ridge_condition(X, lam) == pytest.approx(expected, rel=1e-9)


def test_ridge_condition_falls_towards_one(rng):
    X, _ = problem(rng)
    X[:, 1] = X[:, 0] + 1e-6 * rng.normal(size=len(X))
    kappa = R.ridge_condition(X, np.logspace(-8, 8, 17))
    assert kappa.shape == (17,)
    assert np.all(np.diff(kappa) < 0) and kappa[0] > 1e8 and kappa[-1] < 1.001


def test_ridge_condition_is_infinite_without_lambda_when_d_exceeds_n(rng):
    X = rng.normal(size=(4, 6))
    assert R.ridge_condition(X, 0.0) == np.inf
    assert np.isfinite(R.ridge_condition(X, 1e-3))
    assert R.ridge_condition(X, 0.0, fit_bias=False) == np.inf


def test_ridge_condition_counts_the_dimension_centring_removes(rng):
    X = rng.normal(size=(5, 5))                      # square, but its centred columns have rank 4
    assert R.ridge_condition(X, 0.0) == np.inf
    assert np.isfinite(R.ridge_condition(X, 0.0, fit_bias=False))


def test_ridge_condition_rejects_negative_lambda(rng):
    with pytest.raises(ValueError, match="ridge_condition: lam"):
        R.ridge_condition(rng.normal(size=(5, 2)), -1.0)


# -- log posterior -----------------------------------------------------------------------------

def test_log_posterior_is_the_sum_of_gaussian_log_densities(rng):
    X, y = problem(rng, n=8, d=3)
    w, b, s, s0 = rng.normal(size=3), 0.4, 0.7, 1.3

    def log_normal(x, mean, sd):
        return -0.5 * np.log(2 * np.pi * sd**2) - (x - mean) ** 2 / (2 * sd**2)

    expected = np.sum(log_normal(y, X @ w + b, s)) + np.sum(log_normal(w, 0.0, s0))
    assert R.log_posterior(w, b, X, y, s, s0) == pytest.approx(expected, rel=1e-13)


def test_log_posterior_gradient_matches_finite_differences(rng):
    X, y = problem(rng, n=10, d=4)
    theta = rng.normal(size=5)
    s, s0 = 0.8, 1.7

    def f(t):
        return R.log_posterior(t[:4], t[4], X, y, s, s0)

    gw, gb = R.log_posterior_grad(theta[:4], theta[4], X, y, s, s0)
    numeric = nb.gradcheck.numerical_gradient(f, theta.copy())
    assert nb.gradcheck.relative_error(np.r_[gw, gb], numeric) < 1e-7


def test_log_posterior_gradient_agrees_with_torch(rng, torch):
    X, y = problem(rng, n=10, d=4)
    w0, b0, s, s0 = rng.normal(size=4), 0.3, 0.8, 1.7
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    f64 = dict(dtype=torch.float64)
    lik = torch.distributions.Normal(torch.tensor(X) @ w + b, torch.tensor(s, **f64)).log_prob(torch.tensor(y)).sum()
    prior = torch.distributions.Normal(torch.tensor(0.0, **f64), torch.tensor(s0, **f64)).log_prob(w).sum()
    total = lik + prior
    total.backward()
    assert R.log_posterior(w0, b0, X, y, s, s0) == pytest.approx(total.item(), rel=1e-12)
    gw, gb = R.log_posterior_grad(w0, b0, X, y, s, s0)
    np.testing.assert_allclose(gw, w.grad.numpy(), rtol=1e-10)
    assert gb == pytest.approx(float(b.grad), rel=1e-10)


def test_log_posterior_is_maximal_at_the_ridge_solution_with_map_lambda(rng):
    X, y = problem(rng)
    s, s0 = 0.3, 0.05
    w, b = R.ridge(X, y, R.map_lambda(s, s0))
    gw, gb = R.log_posterior_grad(w, b, X, y, s, s0)
    assert np.max(np.abs(gw)) < 1e-8 and abs(gb) < 1e-8
    best = R.log_posterior(w, b, X, y, s, s0)
    for _ in range(20):
        assert R.log_posterior(w + 1e-3 * rng.normal(size=w.shape), b + 1e-3 * rng.normal(), X, y, s, s0) < best


def test_log_posterior_bad_shapes_raise(rng):
    X, y = problem(rng, d=3)
    with pytest.raises(ValueError, match=r"log_posterior: X has 3 columns, so w must have shape \(3,\), got \(2,\)"):
        R.log_posterior(np.zeros(2), 0.0, X, y, 1.0, 1.0)
    with pytest.raises(ValueError, match="log_posterior_grad: sigma0"):
        R.log_posterior_grad(np.zeros(3), 0.0, X, y, 1.0, 0.0)


# -- BFGS --------------------------------------------------------------------------------------

def test_bfgs_finds_the_minimum_of_the_rosenbrock_function():
    def rosen(x):
        a, b = x
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2, np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])

    x, it = R.bfgs(rosen, [-1.2, 1.0], gtol=1e-12)
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-9)
    assert 0 < it < 200


def test_bfgs_maximizes_the_log_posterior_to_the_ridge_solution(rng):
    X, y = problem(rng)
    s, s0 = 0.5, 0.2

    def neg(t):
        gw, gb = R.log_posterior_grad(t[:-1], t[-1], X, y, s, s0)
        return -R.log_posterior(t[:-1], t[-1], X, y, s, s0), -np.r_[gw, gb]

    t, _ = R.bfgs(neg, np.zeros(X.shape[1] + 1))
    w, b = R.ridge(X, y, R.map_lambda(s, s0))
    np.testing.assert_allclose(t, np.r_[w, b], rtol=1e-9, atol=1e-10)


def test_bfgs_reports_a_wrong_gradient():
    with pytest.raises(RuntimeError, match="bfgs"):
        R.bfgs(lambda x: (float(x @ x), -2 * x), np.ones(3), max_iter=50)


def test_bfgs_rejects_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"bfgs: fun returned a gradient of shape \(2,\)"):
        R.bfgs(lambda x: (0.0, np.zeros(2)), np.ones(3))


# -- L1 ----------------------------------------------------------------------------------------

def test_soft_threshold_values():
    np.testing.assert_array_equal(R.soft_threshold([-3.0, -0.5, 0.0, 0.2, 1.0, 2.5], 1.0),
                                  [-2.0, 0.0, 0.0, 0.0, 0.0, 1.5])


@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=20), st.floats(0, 1e3))
def test_soft_threshold_is_the_proximal_operator(values, t):
    # S_t(v) minimizes (u - v)^2 / 2 + t |u|, entry by entry: compare with a grid around the answer
    v = np.array(values)
    u = R.soft_threshold(v, t)
    obj = lambda z: 0.5 * (z - v) ** 2 + t * np.abs(z)  # noqa: E731
    for delta in (1e-3, -1e-3, 1.0, -1.0):
        assert np.all(obj(u) <= obj(u + delta) + 1e-9 * (1 + np.abs(v)) ** 2)


def test_lasso_satisfies_its_optimality_conditions(rng):
    X, y = problem(rng, n=50, d=8)
    lam = 30.0
    w, b = R.lasso(X, y, lam)
    corr = 2 * X.T @ (y - X @ w - b)                 # minus the gradient of the squared error
    on = w != 0
    assert 0 < on.sum() < len(w)                     # some weights exactly zero, some not
    np.testing.assert_allclose(corr[on], lam * np.sign(w[on]), rtol=1e-7, atol=1e-7)
    assert np.all(np.abs(corr[~on]) <= lam * (1 + 1e-9))
    assert abs(np.sum(y - X @ w - b)) < 1e-8


def test_lasso_with_orthonormal_columns_is_soft_thresholding(rng):
    Q, _ = np.linalg.qr(rng.normal(size=(20, 4)))
    y = Q @ np.array([3.0, -0.2, 1.0, 0.05])
    w, _ = R.lasso(Q, y, 1.0, fit_bias=False)
    np.testing.assert_allclose(w, R.soft_threshold(Q.T @ y, 0.5), atol=1e-10)


def test_lasso_with_lambda_zero_is_least_squares(rng):
    X, y = problem(rng, n=30, d=3)
    X = (X - X.mean(0)) / X.std(0)
    w, b = R.lasso(X, y, 0.0, tol=1e-14)
    w2, b2 = R.ridge(X, y, 0.0)
    np.testing.assert_allclose(w, w2, rtol=1e-9)


def test_lasso_large_lambda_gives_all_zeros(rng):
    X, y = problem(rng)
    w, b = R.lasso(X, y, 1e9)
    assert np.all(w == 0) and b == pytest.approx(y.mean(), rel=1e-12)


def test_lasso_bad_input_raises():
    with pytest.raises(ValueError, match="lasso: lam"):
        R.lasso(np.ones((3, 2)), np.ones(3), -1.0)
