"""Gradient checking: numerical_gradient, relative_error and check_gradients, including a broken layer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from strategies import FD_TOL, assert_close, batch_shapes, seeds

import nnbook as nb


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.normal(size=(3, 4))
    A = rng.normal(size=(3, 4))

    def f(x):
        return np.sum(np.sin(x)) + np.sum(A * x**2) + x[0, 0] * x[2, 3]

    expected = np.cos(x) + 2 * A * x
    expected[0, 0] += x[2, 3]
    expected[2, 3] += x[0, 0]
    assert_close(nb.numerical_gradient(f, x), expected, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_is_exact_for_quadratics():
    # the central difference has no truncation error on a quadratic
    x = np.array([1.0, -2.0, 0.5])
    grad = nb.numerical_gradient(lambda v: float(v @ v), x, h=1e-3)
    assert_close(grad, 2 * x, rtol=1e-9)


def test_numerical_gradient_reads_through_a_closure_and_restores_x(rng):
    layer = nb.Linear(3, 2, rng=rng)
    X = rng.normal(size=(4, 3))
    w0 = layer.weight.value.copy()

    def f(_):
        return float(np.sum(layer(X)))

    grad = nb.numerical_gradient(f, layer.weight.value)
    assert np.array_equal(layer.weight.value, w0)
    assert_close(grad, np.tile(X.sum(axis=0)[:, None], (1, 2)), rtol=1e-8)


def test_numerical_gradient_needs_a_float_array():
    with pytest.raises(TypeError, match="numerical_gradient: x must be a floating-point ndarray"):
        nb.numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(TypeError, match="numerical_gradient: x must be a floating-point ndarray"):
        nb.numerical_gradient(lambda v: 0.0, [1.0, 2.0])


def test_relative_error():
    a = np.array([3.0, 4.0])
    assert nb.relative_error(a, a) == 0.0
    assert nb.relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert nb.relative_error(a, -a) == pytest.approx(1.0)
    assert nb.relative_error(a, 2 * a) == pytest.approx(5 / 15)
    assert nb.relative_error(1e-20 * a, 2e-20 * a) == pytest.approx(5 / 15)  # scale-free
    with pytest.raises(ValueError, match=r"relative_error: shapes differ, \(2,\) and \(2, 1\)"):
        nb.relative_error(a, a[:, None])


def _mlp(rng, d_in=3, hidden=4, d_out=3):
    return nb.Sequential(
        nb.Linear(d_in, hidden, rng=rng, bias_init="normal"), nb.Tanh(),
        nb.Linear(hidden, hidden, rng=rng, bias_init="normal"), nb.Sigmoid(),
        nb.Linear(hidden, d_out, rng=rng, bias_init="normal"),
    )


@pytest.mark.parametrize("loss_name", ["mse", "ce", "bce"])
def test_check_gradients_of_a_correct_model(loss_name, rng):
    X = rng.normal(size=(5, 3))
    if loss_name == "mse":
        model, loss, y = _mlp(rng), nb.MSELoss(), rng.normal(size=(5, 3))
    elif loss_name == "ce":
        model, loss, y = _mlp(rng), nb.CrossEntropyLoss(), rng.integers(0, 3, size=5)
    else:
        model, loss, y = _mlp(rng, d_out=1), nb.BCEWithLogitsLoss(), rng.integers(0, 2, size=5)
    errors = nb.check_gradients(model, loss, X, y)
    assert set(errors) == {name for name, _ in model.named_parameters()} | {"input"}
    assert list(errors)[-1] == "input"
    assert max(errors.values()) < FD_TOL, errors


@given(shape=batch_shapes(max_n=4, max_d=4), seed=seeds)
def test_check_gradients_on_random_shapes(shape, seed):
    rng = np.random.default_rng(seed)
    n, d = shape
    model = _mlp(rng, d_in=d, hidden=3, d_out=2)
    # MSE to random targets keeps the gradient from vanishing next to the loss: the two-point
    # difference loses about 1e-16 |L| / (h |grad|) to rounding, and h = 1e-5 (one digit
    # less rounding than 1e-6, truncation still below 1e-9) keeps saturated examples under 1e-6
    errors = nb.check_gradients(model, nb.MSELoss(), rng.normal(size=(n, d)), rng.normal(size=(n, 2)), h=1e-5)
    assert max(errors.values()) < FD_TOL, errors


def test_check_gradients_leaves_backprop_gradients_in_place(rng):
    model = _mlp(rng)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 3, size=5)
    w0 = [p.value.copy() for p in model.parameters()]
    nb.check_gradients(model, nb.CrossEntropyLoss(), X, y)
    after = [p.grad.copy() for p in model.parameters()]
    assert all(np.array_equal(p.value, w) for p, w in zip(model.parameters(), w0))
    loss = nb.CrossEntropyLoss()
    model.zero_grad()
    loss(model(X), y)
    model.backward(loss.backward())
    assert all(np.array_equal(p.grad, g) for p, g in zip(model.parameters(), after))


class NoBiasGradLinear(nb.Linear):
    """A broken layer: forgets the bias gradient."""

    def backward(self, grad_out):
        before = self.bias.grad.copy()
        grad_x = super().backward(grad_out)
        self.bias.grad[...] = before  # what backward added to it is lost
        return grad_x


class HalfWeightGradLinear(nb.Linear):
    """A broken layer: the weight gradient is off by a factor 1/2 (a stray mean over two terms)."""

    def backward(self, grad_out):
        grad_x = super().backward(grad_out)
        self.weight.grad *= 0.5
        return grad_x


class WrongInputGradSigmoid(nb.Sigmoid):
    """A broken unit: multiplies by sigma(z) instead of sigma(z) (1 - sigma(z))."""

    def forward(self, x):
        self.s = super().forward(x)
        return self.s

    def backward(self, grad_out):
        return grad_out * self.s


@pytest.mark.parametrize(
    "broken, bad_key",
    [(NoBiasGradLinear, "2.bias"), (HalfWeightGradLinear, "2.weight")],
)
def test_check_gradients_catches_a_broken_layer(broken, bad_key, rng):
    model = nb.Sequential(nb.Linear(3, 4, rng=rng), nb.Tanh(), broken(4, 3, rng=rng, bias_init="normal"))
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    errors = nb.check_gradients(model, nb.CrossEntropyLoss(), X, y)
    assert errors[bad_key] > 1e-3, errors
    assert errors["0.weight"] < FD_TOL  # the layers before it still get the right gradient


def test_check_gradients_catches_a_broken_activation(rng):
    model = nb.Sequential(nb.Linear(3, 4, rng=rng, bias_init="normal"), WrongInputGradSigmoid(), nb.Linear(4, 2, rng=rng))
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)
    errors = nb.check_gradients(model, nb.CrossEntropyLoss(), X, y)
    assert errors["0.weight"] > 1e-3 and errors["input"] > 1e-3, errors
    assert errors["2.weight"] < FD_TOL


# -- finite_difference: forward and central differences ----------------------------------------

def test_finite_difference_central_and_forward_on_a_scalar():
    d_central = nb.gradcheck.finite_difference(np.exp, 1.0, h=1e-5)
    d_forward = nb.gradcheck.finite_difference(np.exp, 1.0, h=1e-8, kind="forward")
    assert isinstance(d_central, float) and isinstance(d_forward, float)
    assert d_central == pytest.approx(np.e, rel=1e-9)
    assert d_forward == pytest.approx(np.e, rel=1e-7)


def test_finite_difference_error_orders():
    # truncation error: forward ~ h/2 f'', central ~ h^2/6 f''' (f = exp at 0: all derivatives 1)
    for h in (1e-2, 1e-3):
        fwd = nb.gradcheck.finite_difference(np.exp, 0.0, h=h, kind="forward") - 1.0
        ctr = nb.gradcheck.finite_difference(np.exp, 0.0, h=h) - 1.0
        assert fwd == pytest.approx(h / 2, rel=0.02)
        assert ctr == pytest.approx(h**2 / 6, rel=0.02)


def test_finite_difference_on_an_array_and_the_number_of_evaluations(rng):
    A = rng.normal(size=(3, 4))
    calls = []

    def f(x):
        calls.append(1)
        return float(np.sum(A * x**2))

    x = rng.normal(size=(3, 4))
    x_before = x.copy()
    g = nb.gradcheck.finite_difference(f, x)
    assert g.shape == x.shape and np.allclose(g, 2 * A * x, rtol=1e-7, atol=1e-9)
    assert len(calls) == 2 * x.size
    assert np.array_equal(x, x_before)  # not perturbed in place
    calls.clear()
    g = nb.gradcheck.finite_difference(f, x, h=1e-7, kind="forward")
    assert np.allclose(g, 2 * A * x, rtol=1e-5, atol=1e-6)
    assert len(calls) == x.size + 1


def test_finite_difference_agrees_with_numerical_gradient(rng):
    x = rng.normal(size=5)

    def f(v):
        return float(np.sum(np.sin(v) * v))

    assert np.allclose(nb.gradcheck.finite_difference(f, x), nb.numerical_gradient(f, x.copy()), rtol=1e-12, atol=1e-14)


def test_finite_difference_errors():
    with pytest.raises(ValueError, match="finite_difference: kind"):
        nb.gradcheck.finite_difference(np.exp, 1.0, kind="backward")
    for h in (0.0, -1e-3, float("nan")):
        with pytest.raises(ValueError, match="finite_difference: the step h"):
            nb.gradcheck.finite_difference(np.exp, 1.0, h=h)


def test_numerical_gradient_rejects_a_bad_step():
    for h in (0.0, -1e-3, float("nan")):
        with pytest.raises(ValueError, match="numerical_gradient: the step h must be a positive finite number"):
            nb.numerical_gradient(lambda v: float(v @ v), np.ones(2), h=h)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError, match="boom"):
        nb.numerical_gradient(f, x)
    assert np.array_equal(x, [1.0, 2.0])
