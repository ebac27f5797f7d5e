"""The chapter 6 exercise checkers: the model solutions pass, and each typical
wrong solution fails with the hint that names its mistake."""

from __future__ import annotations

import numpy as np
import pytest

import nnbook as nb
from nnbook.exercises import normalize_answer, ch06
from nnbook_key import ch06 as key  # the instructor's answer key (tests/conftest.py puts it on the path)
from nnbook_key.answers import ANSWERS

from exercise_helpers import assert_fails_with, assert_passes


# -- Exercise 1: the backward pass of a linear layer ----------------------------------------------

class MyLinear(key.ReferenceLinear):
    """The model solution (the reference layer itself)."""


def _linear_with(backward):
    class Variant(key.ReferenceLinear):
        pass

    Variant.backward = backward
    return Variant


def _overwrite(self, g):
    self.weight.grad = self.x.T @ g
    self.bias.grad = g.sum(axis=0)
    return g @ self.weight.value.T


def _overwrite_in_place(self, g):
    self.weight.grad[...] = self.x.T @ g
    self.bias.grad[...] = g.sum(axis=0)
    return g @ self.weight.value.T


def _transposed_dx(self, g):
    self.weight.grad += self.x.T @ g
    self.bias.grad += g.sum(axis=0)
    return g @ self.weight.value


def _transposed_dw(self, g):
    self.weight.grad += (self.x.T @ g).T
    self.bias.grad += g.sum(axis=0)
    return g @ self.weight.value.T


def _bias_not_summed(self, g):
    self.weight.grad += self.x.T @ g
    self.bias.grad += g
    return g @ self.weight.value.T


def _bias_mean(self, g):
    self.weight.grad += self.x.T @ g
    self.bias.grad += g.mean(axis=0)
    return g @ self.weight.value.T


def _no_return(self, g):
    self.weight.grad += self.x.T @ g
    self.bias.grad += g.sum(axis=0)


def _divided_by_n(self, g):
    n = g.shape[0]
    self.weight.grad += self.x.T @ g / n
    self.bias.grad += g.sum(axis=0) / n
    return g @ self.weight.value.T


def _local_name(self, g):
    grad_w = self.weight.grad + self.x.T @ g  # noqa: F841 - the mistake: a new array, the parameter's stays 0
    self.bias.grad += g.sum(axis=0)
    return g @ self.weight.value.T


def test_linear_reference_passes(capsys):
    for shape in [(5, 3, 4), (1, 2, 2), (7, 4, 1), (3, 3, 3)]:
        n, d_in, d_out = shape
        assert_passes(capsys, lambda c: ch06.check_linear_backward(c, MyLinear, n=n, d_in=d_in, d_out=d_out))


def test_linear_wrapping_nnbook_passes(capsys):
    class Wrapped(nb.Module):
        def __init__(self, d_in, d_out, rng=None):
            self.layer = nb.Linear(d_in, d_out, rng=rng)
            self.weight, self.bias = self.layer.weight, self.layer.bias

        def forward(self, x):
            return self.layer.forward(x)

        def backward(self, g):
            return self.layer.backward(g)

    assert_passes(capsys, lambda c: ch06.check_linear_backward(c, Wrapped))


@pytest.mark.parametrize("backward, fragments", [
    (_overwrite, ["overwrote it", "+="]),
    (_overwrite_in_place, ["overwrote it"]),
    (_transposed_dx, ["transposed product", "grad_out @ W.T"]),
    (_transposed_dw, ["weight.grad is transposed"]),
    (_bias_not_summed, ["summed over the batch, grad_out.sum(axis=0)"]),
    (_bias_mean, ["SUM of grad_out over the batch"]),
    (_no_return, ["backward returned None"]),
    (_divided_by_n, ["divided weight.grad by the batch size"]),
    (_local_name, ["still all zeros", "in place"]),
])
def test_linear_mistakes_fail_with_their_hint(capsys, backward, fragments):
    cls = _linear_with(backward)
    assert_fails_with(capsys, lambda c: ch06.check_linear_backward(c, cls, n=4, d_in=3, d_out=3), *fragments)


def test_linear_transposed_dx_on_a_rectangular_layer_names_the_shapes(capsys):
    cls = _linear_with(_transposed_dx)
    assert_fails_with(capsys, lambda c: ch06.check_linear_backward(c, cls, n=5, d_in=3, d_out=4),
                      "dX = grad_out @ W.T")


def test_linear_gradient_check_catches_a_wrong_gradient(capsys):
    def half_weight(self, g):
        self.weight.grad += 0.5 * self.x.T @ g
        self.bias.grad += g.sum(axis=0)
        return g @ self.weight.value.T

    out = assert_fails_with(capsys, lambda c: ch06.check_linear_backward(c, _linear_with(half_weight)),
                            "central differences", "weight (relative error")
    assert "input (relative" not in out


# -- Exercise 2: the two-layer tanh network --------------------------------------------------------

def test_two_layer_reference_passes(capsys):
    assert_passes(capsys, lambda c: ch06.check_two_layer_backward(c, key.two_layer_backward))
    assert_passes(capsys, lambda c: ch06.check_two_layer_backward(c, key.two_layer_backward, n=1, d_out=1, seed=3))


def test_two_layer_reference_agrees_with_nnbook(rng):
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    model = nb.Sequential(nb.Linear(3, 5, rng=rng), nb.Tanh(), nb.Linear(5, 2, rng=rng))
    for p in model.parameters():
        p.value[...] = rng.normal(size=p.shape)
    loss = nb.MSELoss()
    loss(model.forward(X), Y)
    model.backward(loss.backward())
    grads = key.two_layer_backward(X, Y, model[0].weight.value, model[0].bias.value,
                                    model[2].weight.value, model[2].bias.value)
    for g, p in zip(grads, model.parameters()):
        assert np.allclose(g, p.grad, rtol=1e-12, atol=1e-14)
    assert max(nb.check_gradients(model, loss, X, Y).values()) < 1e-7


def _two_layer_variant(scale="mean", sign=1.0, slope="1-h^2", bias="sum"):
    """A student's backward pass for Linear-Tanh-Linear with MSELoss, with one of the usual mistakes."""
    def backward(X, Y, W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        H = np.tanh(Z1)
        Yhat = H @ W2 + b2
        D2 = sign * {"mean": 2 * (Yhat - Y) / Yhat.size, "none": Yhat - Y, "half": (Yhat - Y) / Yhat.size,
                     "rows": 2 * (Yhat - Y) / X.shape[0]}[scale]
        D1 = (D2 @ W2.T) * {"1-h^2": 1 - H**2, "(1-h)^2": (1 - H) ** 2, "1-z^2": 1 - Z1**2,
                            "none": np.ones_like(H), "h": H}[slope]
        reduce = (lambda D: D.sum(axis=0)) if bias == "sum" else (lambda D: D.mean(axis=0))
        return X.T @ D1, reduce(D1), H.T @ D2, reduce(D2)
    return backward


@pytest.mark.parametrize("kw, fragment", [
    ({"scale": "none"}, "no 2/N"),
    ({"scale": "half"}, "factor 2 is missing"),
    ({"scale": "rows"}, "divided by the batch size n"),
    ({"sign": -1.0}, "sign is flipped"),
    ({"slope": "(1-h)^2"}, "not (1 - h)^2"),
    ({"slope": "1-z^2"}, "not 1 - Z1**2"),
    ({"slope": "none"}, "missing the tanh slope"),
    ({"bias": "mean"}, "SUM of the deltas"),
])
def test_two_layer_mistakes_fail_with_their_hint(capsys, kw, fragment):
    assert_fails_with(capsys, lambda c: ch06.check_two_layer_backward(c, _two_layer_variant(**kw)), fragment)


def test_two_layer_variant_without_a_mistake_passes(capsys):
    assert_passes(capsys, lambda c: ch06.check_two_layer_backward(c, _two_layer_variant()))


def test_two_layer_wrong_order_and_wrong_return(capsys):
    def swapped(*args):
        dW1, db1, dW2, db2 = key.two_layer_backward(*args)
        return dW2, db2, dW1, db1

    assert_fails_with(capsys, lambda c: ch06.check_two_layer_backward(c, swapped), "in this order")
    assert_fails_with(capsys, lambda c: ch06.check_two_layer_backward(c, lambda *a: key.two_layer_backward(*a)[:2]),
                      "tuple of four arrays")

    def bias_kept(*args):
        X, Y, W1, b1, W2, b2 = args
        H = np.tanh(X @ W1 + b1)
        D2 = 2 * (H @ W2 + b2 - Y) / Y.size
        D1 = D2 @ W2.T * (1 - H**2)
        return X.T @ D1, D1, H.T @ D2, D2

    assert_fails_with(capsys, lambda c: ch06.check_two_layer_backward(c, bias_kept), "axis=0")


# -- Exercise 3: softmax cross-entropy at the logits ------------------------------------------------

def test_cross_entropy_reference_passes_and_agrees_with_nnbook(capsys, rng):
    for scale in (2.0, 1000.0):
        assert_passes(capsys, lambda c: ch06.check_cross_entropy_grad(c, key.cross_entropy_grad, scale=scale))
    Z, y = rng.normal(size=(7, 3)), rng.integers(0, 3, size=7)
    loss = nb.CrossEntropyLoss()
    loss(Z, y)
    assert np.allclose(key.cross_entropy_grad(Z, y), loss.backward(), rtol=1e-14, atol=1e-16)


def _naive_softmax(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("fn, scale, fragment", [
    (lambda Z, y: _naive_softmax(Z) - np.eye(Z.shape[1])[y], 2.0, "no 1/n"),
    (lambda Z, y: (np.eye(Z.shape[1])[y] - _naive_softmax(Z)) / len(y), 2.0, "sign is flipped"),
    (lambda Z, y: _naive_softmax(Z) / len(y), 2.0, "one-hot targets are missing"),
    (lambda Z, y: (_naive_softmax(Z) - np.eye(Z.shape[1])[y]) / Z.size, 2.0, "divided by n * k"),
    (lambda Z, y: (np.exp(Z) / np.exp(Z).sum(axis=0) - np.eye(Z.shape[1])[y]) / len(y), 2.0, "wrong axis"),
    (lambda Z, y: (_naive_softmax(Z) - np.eye(Z.shape[1])[y]) / len(y), 1000.0, "Subtract each row's maximum"),
])
def test_cross_entropy_mistakes_fail_with_their_hint(capsys, fn, scale, fragment):
    assert_fails_with(capsys, lambda c: ch06.check_cross_entropy_grad(c, fn, scale=scale), fragment)


def test_cross_entropy_silenced_overflow_still_gets_the_hint(capsys):
    def silenced(Z, y):
        with np.errstate(all="ignore"):
            return (_naive_softmax(Z) - np.eye(Z.shape[1])[y]) / len(y)

    assert_fails_with(capsys, lambda c: ch06.check_cross_entropy_grad(c, silenced, scale=1000.0),
                      "Subtract each row's maximum")


# -- Exercise 4: forward or reverse mode ------------------------------------------------------------

def test_modes_fingerprint():
    assert normalize_answer("rffr") == ANSWERS["ch06-ex4"]
    assert normalize_answer("RFFR") == ANSWERS["ch06-ex4"]
    for wrong in ("ffrr", "rfrr", "rrrr", "frrf"):
        assert normalize_answer(wrong) != ANSWERS["ch06-ex4"]
    assert "rffr" not in ch06.MODES_HINT.lower()
