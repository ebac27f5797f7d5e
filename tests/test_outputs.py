"""Softmax and LogSoftmax: values, gradients (finite differences and PyTorch), stability at
1e4 logits, LogSoftmax with NLLLoss against CrossEntropyLoss, and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from strategies import (
    BIG, FD_TOL, TORCH_RTOL, assert_close, batch_shapes, logit_matrices, logits_and_labels, loss_error,
    module_errors, numpy_of, seeds, to_torch,
)

import nnbook as nb

MODULES = {"Softmax": nb.Softmax, "LogSoftmax": nb.LogSoftmax}


# -- values -------------------------------------------------------------------------


def test_softmax_of_the_worked_example():
    s = nb.Softmax()(np.array([[-1.0, 2.7, 0.5]]))
    e = np.exp([-1.0, 2.7, 0.5])
    assert_close(s, (e / e.sum())[None, :], rtol=1e-15)
    np.testing.assert_array_equal(s.round(4), [[0.0218, 0.8806, 0.0976]])


def test_log_softmax_is_the_log_of_softmax_for_moderate_logits(rng):
    z = 3 * rng.normal(size=(5, 4))
    assert_close(nb.LogSoftmax()(z), np.log(nb.Softmax()(z)), rtol=1e-12)


@given(logit_matrices())
def test_softmax_rows_are_probabilities_even_at_1e4(z):
    s = nb.Softmax()(z)
    assert s.shape == z.shape and np.all(np.isfinite(s))
    assert np.all((s >= 0) & (s <= 1))
    assert_close(s.sum(axis=1), np.ones(len(z)), rtol=1e-12)


@given(logit_matrices())
def test_log_softmax_is_finite_and_nonpositive_at_1e4(z):
    logp = nb.LogSoftmax()(z)
    assert np.all(np.isfinite(logp)) and np.all(logp <= 0)
    assert_close(np.exp(logp).sum(axis=1), np.ones(len(z)), rtol=1e-12)


def test_log_softmax_keeps_tiny_probabilities_that_softmax_rounds_to_zero():
    z = np.array([[0.0, -1000.0]])
    assert nb.Softmax()(z)[0, 1] == 0.0
    assert nb.LogSoftmax()(z)[0, 1] == pytest.approx(-1000.0, rel=1e-15)


def test_integer_logits_are_accepted():
    assert_close(nb.Softmax()(np.array([[0, 0]])), np.array([[0.5, 0.5]]))


# -- gradients ----------------------------------------------------------------------


@pytest.mark.parametrize("name", MODULES)
@given(shape=batch_shapes(max_n=4, max_d=5), seed=seeds)
def test_backward_matches_finite_differences(name, shape, seed):
    rng = np.random.default_rng(seed)
    errors = module_errors(MODULES[name](), 2 * rng.normal(size=shape), rng)
    assert errors["input"] < FD_TOL, errors


def test_softmax_backward_is_the_jacobian_transpose_times_grad(rng):
    z, g = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    layer = nb.Softmax()
    s = layer(z)
    expected = np.stack([(np.diag(si) - np.outer(si, si)).T @ gi for si, gi in zip(s, g)])
    assert_close(layer.backward(g), expected, rtol=1e-12, atol=1e-15)


def test_softmax_backward_sends_nothing_back_along_a_constant_gradient(rng):
    # softmax(z + c) = softmax(z): moving all logits together changes nothing
    layer = nb.Softmax()
    layer(rng.normal(size=(4, 3)))
    assert_close(layer.backward(np.ones((4, 3))), np.zeros((4, 3)), atol=1e-15)


@given(logits_and_labels())
def test_log_softmax_then_nll_is_cross_entropy_even_at_1e4(zy):
    z, y = zy
    fused, layer, nll = nb.CrossEntropyLoss(), nb.LogSoftmax(), nb.NLLLoss()
    value = nll(layer(z), y)
    assert np.isfinite(value)
    assert value == pytest.approx(fused(z, y), rel=1e-12, abs=1e-12)
    assert_close(layer.backward(nll.backward()), fused.backward(), rtol=1e-9, atol=1e-12)


def test_softmax_then_minus_log_has_the_gradient_softmax_minus_one_hot(rng):
    z = 2 * rng.normal(size=(5, 3))
    y = np.array([0, 2, 1, 1, 0])
    layer = nb.Softmax()
    s = layer(z)
    n = len(y)
    grad_s = np.zeros_like(s)
    grad_s[np.arange(n), y] = -1 / (n * s[np.arange(n), y])   # d/ds of -mean(log s_y)
    assert_close(layer.backward(grad_s), (s - np.eye(3)[y]) / n, rtol=1e-10, atol=1e-15)


def test_a_softmax_classifier_trains_with_log_softmax_and_nll(rng):
    X, y = nb.data.make_blobs(90, centers=np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 3.0]]), std=0.5, rng=rng)
    model = nb.Sequential(nb.Linear(2, 3, rng=rng), nb.LogSoftmax())
    history = nb.fit(model, nb.NLLLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=60)
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    assert history["accuracy"][-1] > 0.95


def test_modules_and_loss_match_pytorch(torch, rng):
    z, g = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    y = np.array([4, 0, 2, 2])
    (zt,) = to_torch(torch, z)
    s = torch.softmax(zt, dim=1)
    s.backward(torch.tensor(g))
    layer = nb.Softmax()
    assert_close(layer(z), numpy_of(s), rtol=TORCH_RTOL)
    assert_close(layer.backward(g), numpy_of(zt.grad), rtol=1e-9, atol=1e-14)

    (zt,) = to_torch(torch, z)
    logp = torch.log_softmax(zt, dim=1)
    logp.backward(torch.tensor(g))
    layer = nb.LogSoftmax()
    assert_close(layer(z), numpy_of(logp), rtol=TORCH_RTOL)
    assert_close(layer.backward(g), numpy_of(zt.grad), rtol=1e-9, atol=1e-14)

    (lt,) = to_torch(torch, nb.functional.log_softmax(z, axis=1))
    value = torch.nn.functional.nll_loss(lt, torch.tensor(y))
    value.backward()
    loss = nb.NLLLoss()
    assert loss(numpy_of(lt), y) == pytest.approx(value.item(), rel=TORCH_RTOL)
    assert_close(loss.backward(), numpy_of(lt.grad), rtol=TORCH_RTOL)


def test_modules_match_pytorch_at_1e4(torch):
    z = np.array([[BIG, -BIG, 0.0], [-BIG, -BIG, BIG - 1]])
    g = np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]])
    for ours, theirs in ((nb.Softmax(), torch.softmax), (nb.LogSoftmax(), torch.log_softmax)):
        (zt,) = to_torch(torch, z)
        out = theirs(zt, dim=1)
        out.backward(torch.tensor(g))
        assert_close(ours(z), numpy_of(out), rtol=TORCH_RTOL)
        assert_close(ours.backward(g), numpy_of(zt.grad), rtol=1e-9, atol=1e-12)


# -- errors -------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODULES)
def test_a_flat_input_is_refused_with_the_shape(name):
    with pytest.raises(ValueError, match=rf"{name}\(\): expected logits of shape \(n, K\).*got \(3,\).*reshape\(1, -1\)"):
        MODULES[name]()(np.zeros(3))


@pytest.mark.parametrize("name", MODULES)
def test_backward_before_forward_is_refused(name):
    with pytest.raises(RuntimeError, match="before forward"):
        MODULES[name]().backward(np.zeros((2, 3)))


@pytest.mark.parametrize("name", MODULES)
def test_a_gradient_of_the_wrong_shape_is_refused(name):
    layer = MODULES[name]()
    layer(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"grad_out of shape \(3, 2\).*\(2, 3\)"):
        layer.backward(np.zeros((3, 2)))
