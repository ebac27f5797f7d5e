"""Dropout: the expectation and the drop rate, the backward pass (finite differences with the mask held
fixed), PyTorch's semantics, modes (training, evaluation, fit, evaluate), p = 0, shapes, dtypes and errors."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from strategies import FD_TOL

import nnbook as nb
import nnbook.dropout as dropout_module


def test_doctests():
    assert doctest.testmod(dropout_module).failed == 0


# -- what it computes ------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_kept_units_are_scaled_by_one_over_one_minus_p_and_the_rest_are_zero(rng, p):
    x = rng.uniform(0.5, 2.0, size=(40, 30))          # no zeros, so a zero in the output means dropped
    y = nb.Dropout(p, rng=rng)(x)
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1 - p), rtol=1e-15)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_the_fraction_dropped_is_p(rng, p):
    n = 200_000
    y = nb.Dropout(p, rng=rng)(np.ones((n // 100, 100)))
    dropped = float(np.mean(y == 0))
    assert abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / n)    # five standard errors


@pytest.mark.parametrize("p", [0.3, 0.75])
def test_the_mean_of_the_output_is_the_input(rng, p):
    x = rng.normal(size=(3, 4))
    drop = nb.Dropout(p, rng=rng)
    draws = np.stack([drop(x) for _ in range(40_000)])
    se = np.abs(x) * np.sqrt(p / (1 - p) / len(draws))   # standard error of the mean of x m / (1 - p)
    assert np.all(np.abs(draws.mean(axis=0) - x) < 5 * se)


def test_a_fresh_mask_every_forward_pass_and_the_mask_property_reports_it(rng):
    drop = nb.Dropout(0.5, rng=rng)
    x = np.ones((4, 50))
    first, m1 = drop(x), drop.mask
    second, m2 = drop(x), drop.mask
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, 2.0 * m1)
    np.testing.assert_array_equal(second, 2.0 * m2)
    assert m2.dtype == bool and m2.shape == x.shape


def test_the_same_seed_gives_the_same_masks():
    x = np.ones((5, 7))
    a = [nb.Dropout(0.4, rng=np.random.default_rng(3))(x) for _ in range(2)]
    np.testing.assert_array_equal(a[0], a[1])


# -- backward ---------------------------------------------------------------------------


def test_backward_applies_the_forward_mask_and_scale(rng):
    drop = nb.Dropout(0.3, rng=rng)
    drop(rng.normal(size=(6, 5)))
    g = rng.normal(size=(6, 5))
    np.testing.assert_allclose(drop.backward(g), g * drop.mask / 0.7, rtol=1e-15)


def test_gradients_match_finite_differences_with_the_mask_held_fixed(rng):
    model = nb.Sequential(nb.Linear(4, 8, rng=rng), nb.Tanh(), nb.Dropout(0.4, rng=rng), nb.Linear(8, 3, rng=rng))
    drop = model[2]
    X, y = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    loss = nb.MSELoss()

    def run() -> float:
        drop.rng = np.random.default_rng(11)      # the same seed, the same mask, at every evaluation
        return loss(model.forward(X), y)

    model.zero_grad()
    run()
    assert 0 < drop.mask.sum() < drop.mask.size    # some units dropped, some kept
    grad_x = model.backward(loss.backward())
    analytic = {name: p.grad.copy() for name, p in model.named_parameters()}
    for name, p in model.named_parameters():
        numeric = nb.gradcheck.numerical_gradient(lambda _: run(), p.value)
        assert nb.relative_error(analytic[name], numeric) < FD_TOL, name
    numeric_x = nb.gradcheck.numerical_gradient(lambda _: run(), X)
    assert nb.relative_error(grad_x, numeric_x) < FD_TOL


def test_backward_before_forward_and_a_wrong_gradient_shape_are_clear_errors(rng):
    drop = nb.Dropout(0.5, rng=rng)
    with pytest.raises(RuntimeError, match="before forward"):
        drop.backward(np.ones((2, 3)))
    drop(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Dropout\(p=0.5\).*\(3, 2\).*\(2, 3\)"):
        drop.backward(np.ones((3, 2)))


# -- modes --------------------------------------------------------------------------------


def test_evaluation_mode_is_the_identity_forward_and_backward(rng):
    drop = nb.Dropout(0.6, rng=rng).eval()
    x, g = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    np.testing.assert_array_equal(drop(x), x)
    np.testing.assert_array_equal(drop.backward(g), g)
    assert drop.mask is None
    drop.train()
    assert np.any(drop(x) == 0)


def test_backward_uses_the_mode_of_its_forward_pass(rng):
    drop = nb.Dropout(0.5, rng=rng)
    x = np.ones((3, 8))
    y = drop(x)
    drop.eval()                                     # switching modes between the passes changes nothing
    np.testing.assert_array_equal(drop.backward(np.ones_like(x)), y)


def test_p_zero_is_the_identity_and_draws_nothing(rng):
    drop = nb.Dropout(0.0, rng=np.random.default_rng(5))
    x = rng.normal(size=(3, 4))
    np.testing.assert_array_equal(drop(x), x)
    np.testing.assert_array_equal(drop.backward(x), x)
    assert drop.rng.random() == np.random.default_rng(5).random()


def test_model_train_and_eval_reach_a_dropout_inside_a_sequential(rng):
    model = nb.Sequential(nb.Linear(3, 20, rng=rng), nb.Dropout(0.5, rng=rng), nb.Linear(20, 1, rng=rng))
    X = rng.normal(size=(10, 3))
    model.eval()
    np.testing.assert_array_equal(model.forward(X), model.forward(X))
    model.train()
    assert not np.array_equal(model.forward(X), model.forward(X))


def test_fit_trains_with_dropout_even_after_eval_and_evaluate_does_not_drop(rng):
    """fit trains in training mode whatever the mode before, and restores that mode afterwards."""
    model = nb.Sequential(nb.Linear(2, 16, rng=rng), nb.ReLU(), nb.Dropout(0.5, rng=rng), nb.Linear(16, 1, rng=rng))
    X, y = rng.normal(size=(30, 2)), rng.normal(size=(30, 1))
    model.eval()
    masks = []
    nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.01), X, y, epochs=3,
           callback=lambda e, m, h: masks.append(m[2].mask))
    assert all(mask is not None and not mask.all() for mask in masks)      # units were dropped in every epoch
    assert not model[2].training                                            # and gives each module its mode back
    loss = nb.evaluate(model, nb.MSELoss(), X, y)["loss"]
    assert loss == nb.evaluate(model, nb.MSELoss(), X, y)["loss"]
    model.eval()
    assert loss == nb.MSELoss()(model.forward(X), y)


# -- shapes, dtypes, errors -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 5)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_any_shape_and_the_dtype_is_kept(rng, shape, dtype):
    drop = nb.Dropout(0.5, rng=rng)
    x = rng.normal(size=shape).astype(dtype)
    y = drop(x)
    g = drop.backward(np.ones(shape, dtype=dtype))
    assert y.shape == shape and y.dtype == dtype and g.dtype == dtype


def test_integer_input_becomes_float(rng):
    y = nb.Dropout(0.5, rng=rng)(np.ones((2, 4), dtype=np.int64))
    assert y.dtype == np.float64 and set(np.unique(y)) <= {0.0, 2.0}


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5, float("nan"), "0.5", None, True, [0.5]])
def test_a_bad_p_is_a_value_error_naming_the_layer(rng, p):
    with pytest.raises(ValueError, match=r"Dropout: p .* \[0, 1\)"):
        nb.Dropout(p, rng=rng)


def test_numpy_numbers_are_accepted_as_p(rng):
    assert nb.Dropout(np.float32(0.25), rng=rng).p == 0.25


@pytest.mark.parametrize("bad", [None, 0, np.random.RandomState(0)])
def test_rng_is_required_and_must_be_a_generator(bad):
    with pytest.raises(ValueError, match="Dropout: rng must be a numpy.random.Generator"):
        nb.Dropout(0.5, rng=bad)
    with pytest.raises(TypeError):
        nb.Dropout(0.5)  # type: ignore[call-arg]


# -- PyTorch's semantics -----------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.25, 0.5, 0.9])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_pytorch_scales_drops_and_backpropagates_the_same_way(torch, rng, p, dtype):
    x = rng.uniform(0.5, 2.0, size=(300, 40)).astype(dtype)
    g = rng.normal(size=x.shape).astype(dtype)
    xt = torch.tensor(x, requires_grad=True)
    yt = torch.nn.functional.dropout(xt, p=p, training=True)
    yt.backward(torch.tensor(g))
    y_torch, gx_torch = yt.detach().numpy(), xt.grad.numpy()
    keep_torch = y_torch != 0
    drop = nb.Dropout(p, rng=rng)
    y = drop(x)
    keep = drop.mask
    # the same rule given each one's mask: out = x * m / (1 - p) and grad = g * m / (1 - p), in the input's dtype
    for out, grad, m in [(y_torch, gx_torch, keep_torch), (y, drop.backward(g), keep)]:
        assert out.dtype == x.dtype
        np.testing.assert_allclose(out, np.where(m, x / x.dtype.type(1 - p), 0), rtol=2 * np.finfo(dtype).eps)
        np.testing.assert_allclose(grad, np.where(m, g / g.dtype.type(1 - p), 0), rtol=2 * np.finfo(dtype).eps)
    # and the same drop rate, within five standard errors of each other
    se = np.sqrt(2 * p * (1 - p) / x.size)
    assert abs(np.mean(~keep_torch) - np.mean(~keep)) < 5 * se


def test_pytorch_evaluation_mode_is_the_identity_too(torch, rng):
    x = rng.normal(size=(4, 6))
    module = torch.nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(module(torch.tensor(x)).numpy(), x)
    np.testing.assert_array_equal(nb.Dropout(0.5, rng=rng).eval()(x), x)
