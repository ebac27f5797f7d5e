"""RBF: the forward formula, gradients (finite differences and PyTorch), saturation, errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from strategies import FD_TOL, TORCH_RTOL, assert_close, batch_shapes, module_errors, numpy_of, seeds, to_torch

import nnbook as nb
from nnbook.rbf import RBF


def rbf_reference(X, C, s):
    """h_ij = exp(-||x_i - c_j||^2 / s_j^2), written with two loops."""
    n, k = X.shape[0], C.shape[1]
    H = np.empty((n, k))
    for i in range(n):
        for j in range(k):
            H[i, j] = np.exp(-np.sum((X[i] - C[:, j]) ** 2) / s[j] ** 2)
    return H


def test_rbf_is_exported_at_the_top_level():
    assert nb.RBF is RBF
    assert "RBF" in nb.__all__


def test_rbf_forward_is_a_gaussian_of_the_distance(rng):
    layer = RBF(3, 4, rng=rng)
    layer.width.value[:] = [0.5, 1.0, 2.0, 3.0]
    X = rng.normal(size=(5, 3))
    assert layer.centers.shape == (3, 4) and layer.width.shape == (4,)
    assert_close(layer(X), rbf_reference(X, layer.centers.value, layer.width.value))


def test_rbf_is_one_at_its_centre_and_one_over_e_at_one_width():
    layer = RBF(2, 1, init=lambda shape, rng: np.array([[1.0], [-2.0]]), width=0.5)
    X = np.array([[1.0, -2.0], [1.5, -2.0], [1.0, -2.5]])        # the centre, then one width away
    assert_close(layer(X), np.array([[1.0], [np.exp(-1)], [np.exp(-1)]]))


def test_rbf_default_init_is_uniform_centres_and_unit_widths(rng):
    layer = RBF(2, 500, rng=rng)
    c = layer.centers.value
    assert c.min() >= -1 and c.max() <= 1 and c.std() > 0.5
    assert np.array_equal(layer.width.value, np.ones(500))
    assert layer.centers.decay is True and layer.width.decay is False


def test_rbf_same_seed_same_centres():
    a = RBF(3, 4, rng=np.random.default_rng(7))
    b = RBF(3, 4, rng=np.random.default_rng(7))
    assert np.array_equal(a.centers.value, b.centers.value)


@given(shape=batch_shapes(max_n=5, max_d=4), d_out=batch_shapes(max_d=4).map(lambda s: s[1]), seed=seeds)
def test_rbf_gradients_match_finite_differences(shape, d_out, seed):
    rng = np.random.default_rng(seed)
    n, d_in = shape
    layer = RBF(d_in, d_out, rng=rng)
    layer.width.value[:] = rng.uniform(0.7, 2.0, size=d_out)
    errors = module_errors(layer, 0.7 * rng.normal(size=(n, d_in)), rng)
    assert set(errors) == {"input", "centers", "width"}
    assert max(errors.values()) < FD_TOL, errors


def test_rbf_gradient_check_inside_a_network(rng):
    model = nb.Sequential(nb.Linear(3, 4, rng=rng, bias_init="normal"), RBF(4, 5, rng=rng), nb.Linear(5, 2, rng=rng))
    X = rng.normal(size=(6, 3))
    errors = nb.check_gradients(model, nb.CrossEntropyLoss(), X, rng.integers(0, 2, size=6))
    assert max(errors.values()) < FD_TOL, errors


def test_rbf_backward_adds_into_grad(rng):
    layer = RBF(2, 3, rng=rng)
    X = rng.normal(size=(4, 2))
    G = rng.normal(size=(4, 3))
    layer(X)
    layer.backward(G)
    once = [p.grad.copy() for p in layer.parameters()]
    layer.backward(G)
    for p, g in zip(layer.parameters(), once):
        assert_close(p.grad, 2 * g)


def test_rbf_matches_pytorch(rng):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed, so the comparison with PyTorch is skipped")
    layer = RBF(3, 4, rng=rng)
    layer.width.value[:] = rng.uniform(0.5, 2.0, size=4)
    X = rng.normal(size=(6, 3))
    G = rng.normal(size=(6, 4))
    H = layer(X)
    grad_x = layer.backward(G)
    x, c, s = to_torch(torch, X, layer.centers.value, layer.width.value)
    sq = ((x[:, :, None] - c[None]) ** 2).sum(dim=1)
    h = torch.exp(-sq / s ** 2)
    (h * torch.tensor(G)).sum().backward()
    assert_close(H, numpy_of(h), rtol=TORCH_RTOL)
    assert_close(grad_x, numpy_of(x.grad), rtol=TORCH_RTOL)
    assert_close(layer.centers.grad, numpy_of(c.grad), rtol=TORCH_RTOL)
    assert_close(layer.width.grad, numpy_of(s.grad), rtol=TORCH_RTOL)


def test_rbf_saturates_far_from_every_centre():
    layer = RBF(1, 1, init=lambda shape, rng: np.zeros(shape), width=1.0)
    X = np.array([[0.5], [3.0], [30.0], [1e4]])
    H = layer(X)
    grad = layer.backward(np.ones_like(H))
    # d/dx exp(-x^2) = -2x exp(-x^2)
    assert_close(grad, -2 * X * np.exp(-X ** 2))
    assert abs(grad[1, 0]) < 1e-3 and H[2, 0] == 0 and grad[3, 0] == 0
    assert np.all(np.isfinite(layer.width.grad)) and np.all(np.isfinite(layer.centers.grad))


def test_rbf_float32_keeps_float32(rng):
    layer = RBF(2, 3, rng=rng, dtype=np.float32)
    H = layer(rng.normal(size=(4, 2)))
    assert H.dtype == np.float32 and layer.centers.dtype == np.float32
    assert layer.backward(np.ones((4, 3), dtype=np.float32)).dtype == np.float32


def test_rbf_wrong_input_shape_names_the_layer_and_shapes(rng):
    layer = RBF(3, 2, rng=rng)
    with pytest.raises(ValueError, match=re.escape("RBF(in_features=3, out_features=2): expected input of shape (n, 3), got (4, 2)")):
        layer(np.zeros((4, 2)))


def test_rbf_wrong_grad_shape_names_the_layer_and_shapes(rng):
    layer = RBF(3, 2, rng=rng)
    layer(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=re.escape("got grad_out of shape (4, 3), but the forward output had shape (4, 2)")):
        layer.backward(np.zeros((4, 3)))


def test_rbf_backward_before_forward_raises(rng):
    with pytest.raises(RuntimeError, match="before forward"):
        RBF(2, 2, rng=rng).backward(np.zeros((1, 2)))


@pytest.mark.parametrize("kwargs, message", [
    ({"in_features": 0, "out_features": 2}, "in_features must be a positive integer"),
    ({"in_features": 2, "out_features": 1.5}, "out_features must be a positive integer"),
    ({"in_features": 2, "out_features": 2, "width": 0.0}, "width must be a finite number > 0"),
    ({"in_features": 2, "out_features": 2, "width": -1.0}, "width must be a finite number > 0"),
    ({"in_features": 2, "out_features": 2, "dtype": np.int64}, "dtype must be float32 or float64"),
])
def test_rbf_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=re.escape("RBF: " + message)):
        RBF(**kwargs)
