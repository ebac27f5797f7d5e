"""Linear and Maxout: forward formulas, gradients (finite differences and PyTorch), errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from strategies import (
    FD_TOL, TORCH_RTOL, assert_close, batch_shapes, maxout_gap, module_errors, numpy_of, seeds, to_torch,
)

import nnbook as nb

# -- Linear -------------------------------------------------------------------------


def test_linear_forward_is_x_times_w_plus_b(rng):
    layer = nb.Linear(3, 2, rng=rng, bias_init="normal")
    X = rng.normal(size=(4, 3))
    W, b = layer.weight.value, layer.bias.value
    assert W.shape == (3, 2) and b.shape == (2,)
    assert np.any(b != 0)
    assert_close(layer(X), X @ W + b)


def test_linear_without_bias_has_only_a_weight(rng):
    layer = nb.Linear(3, 2, bias=False, rng=rng)
    X = rng.normal(size=(5, 3))
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert_close(layer(X), X @ layer.weight.value)
    grad_x = layer.backward(np.ones((5, 2)))
    assert_close(grad_x, np.ones((5, 2)) @ layer.weight.value.T)


def test_linear_bias_starts_at_zero_and_is_not_decayed(rng):
    layer = nb.Linear(4, 3, rng=rng)
    assert np.array_equal(layer.bias.value, np.zeros(3))
    assert layer.weight.decay is True
    assert layer.bias.decay is False


def test_linear_backward_formulas(rng):
    layer = nb.Linear(3, 2, rng=rng, bias_init="normal")
    X = rng.normal(size=(4, 3))
    layer(X)
    delta = rng.normal(size=(4, 2))
    grad_x = layer.backward(delta)
    assert_close(grad_x, delta @ layer.weight.value.T)
    assert_close(layer.weight.grad, X.T @ delta)
    assert_close(layer.bias.grad, delta.sum(axis=0))


def test_linear_backward_adds_into_grad(rng):
    layer = nb.Linear(3, 2, rng=rng)
    X = rng.normal(size=(4, 3))
    delta = rng.normal(size=(4, 2))
    layer(X)
    layer.backward(delta)
    once_w, once_b = layer.weight.grad.copy(), layer.bias.grad.copy()
    layer.backward(delta)
    assert_close(layer.weight.grad, 2 * once_w)
    assert_close(layer.bias.grad, 2 * once_b)
    layer.zero_grad()
    assert not np.any(layer.weight.grad) and not np.any(layer.bias.grad)


def _bits(a: np.ndarray) -> bytes:
    return np.asarray(a).tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_gradients_after_zero_grad_are_the_products_added_to_zeros(dtype, rng):
    """Bit for bit, a column of -0.0 included (adding it to zeros gives +0.0)."""
    layer = nb.Linear(3, 4, rng=rng, dtype=dtype)
    X = rng.normal(size=(5, 3)).astype(dtype)
    delta = rng.normal(size=(5, 4)).astype(dtype)
    delta[:, 1] = -0.0
    for _ in range(2):  # fresh, then after zero_grad
        layer(X)
        layer.backward(delta)
        want_w, want_b = np.zeros((3, 4), dtype), np.zeros(4, dtype)
        want_w += X.T @ delta
        want_b += delta.sum(axis=0)
        assert _bits(layer.weight.grad) == _bits(want_w)
        assert _bits(layer.bias.grad) == _bits(want_b)
        assert not np.signbit(layer.bias.grad[1])
        layer.zero_grad()


def test_linear_backward_twice_after_zero_grad_adds_bit_for_bit(rng):
    layer = nb.Linear(3, 2, rng=rng)
    X, delta = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.zero_grad()
    layer(X)
    layer.backward(delta)
    layer.backward(2 * delta)
    want = np.zeros((3, 2))
    want += X.T @ delta
    want += X.T @ (2 * delta)
    assert _bits(layer.weight.grad) == _bits(want)


def test_linear_backward_adds_to_what_was_written_into_grad_after_zero_grad(rng):
    layer = nb.Linear(3, 2, rng=rng)
    X, delta = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.zero_grad()
    layer.weight.grad += 1.0
    layer.bias.grad[:] = 2.0
    layer(X)
    layer.backward(delta)
    assert_close(layer.weight.grad, 1.0 + X.T @ delta)
    assert_close(layer.bias.grad, 2.0 + delta.sum(axis=0))


def test_linear_backward_adds_into_an_assigned_grad_array(rng):
    layer = nb.Linear(3, 2, rng=rng)
    X, delta = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.zero_grad()
    mine = np.full((3, 2), 3.0)
    layer.weight.grad = mine
    layer(X)
    layer.backward(delta)
    assert layer.weight.grad is mine
    assert_close(mine, 3.0 + X.T @ delta)


def test_linear_float32_gradient_from_a_float64_delta_rounds_as_adding_does(rng):
    layer = nb.Linear(3, 2, rng=rng, dtype=np.float32)
    X, delta = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(4, 2))
    layer(X)
    layer.backward(delta)
    want = np.zeros((3, 2), np.float32)
    want += X.T @ delta
    assert layer.weight.grad.dtype == np.float32
    assert _bits(layer.weight.grad) == _bits(want)


@given(shape=batch_shapes(max_n=5, max_d=5), d_out=batch_shapes().map(lambda s: s[1]), seed=seeds)
def test_linear_gradients_match_finite_differences(shape, d_out, seed):
    rng = np.random.default_rng(seed)
    n, d_in = shape
    layer = nb.Linear(d_in, d_out, rng=rng, bias_init="normal")
    errors = module_errors(layer, rng.normal(size=(n, d_in)), rng)
    assert set(errors) == {"input", "weight", "bias"}
    assert max(errors.values()) < FD_TOL, errors


def test_linear_float32_keeps_float32(rng):
    layer = nb.Linear(3, 2, rng=rng, dtype=np.float32)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    out = layer(rng.normal(size=(4, 3)))  # float64 input is cast to the layer's dtype
    assert out.dtype == np.float32
    grad_x = layer.backward(np.ones((4, 2), dtype=np.float32))
    assert grad_x.dtype == np.float32
    assert layer.weight.grad.dtype == np.float32


def test_linear_accepts_a_callable_initializer(rng):
    layer = nb.Linear(2, 3, init=lambda shape, rng: np.arange(6.0).reshape(shape), rng=rng)
    assert_close(layer.weight.value, np.arange(6.0).reshape(2, 3))


def test_linear_copies_the_array_an_initializer_returns(rng):
    W0 = rng.normal(size=(2, 3))
    a = nb.Linear(2, 3, init=lambda shape, rng: W0)
    b = nb.Linear(2, 3, init=lambda shape, rng: W0)  # e.g. two optimizers compared from one start
    a.weight.grad[:] = 1.0
    nb.SGD(a.parameters(), lr=0.1).step()
    assert np.array_equal(b.weight.value, W0)
    assert_close(a.weight.value, W0 - 0.1)
    assert not np.shares_memory(a.weight.value, W0)


def test_linear_matches_torch(torch, rng):
    n, d_in, d_out = 5, 4, 3
    layer = nb.Linear(d_in, d_out, rng=rng, bias_init="normal")
    X = rng.normal(size=(n, d_in))
    G = rng.normal(size=(n, d_out))
    out = layer(X)
    grad_x = layer.backward(G)

    tx, tw, tb = to_torch(torch, X, layer.weight.value.T, layer.bias.value)  # torch's weight is (out, in)
    tout = torch.nn.functional.linear(tx, tw, tb)
    (tout * torch.from_numpy(G)).sum().backward()

    assert_close(out, numpy_of(tout), rtol=TORCH_RTOL)
    assert_close(grad_x, numpy_of(tx.grad), rtol=TORCH_RTOL)
    assert_close(layer.weight.grad, numpy_of(tw.grad).T, rtol=TORCH_RTOL)
    assert_close(layer.bias.grad, numpy_of(tb.grad), rtol=TORCH_RTOL)


def test_linear_rejects_wrong_feature_count(rng):
    layer = nb.Linear(3, 2, rng=rng)
    msg = re.escape("Linear(in_features=3, out_features=2): expected input of shape (n, 3), got (4, 5)")
    with pytest.raises(ValueError, match=msg):
        layer(np.zeros((4, 5)))


def test_linear_rejects_1d_input_with_a_hint(rng):
    layer = nb.Linear(3, 2, rng=rng)
    with pytest.raises(ValueError, match=r"Linear\(in_features=3, out_features=2\).*\(n, 3\).*got \(3,\).*reshape\(1, -1\)"):
        layer(np.zeros(3))


def test_linear_backward_before_forward_raises(rng):
    layer = nb.Linear(3, 2, rng=rng)
    with pytest.raises(RuntimeError, match=r"Linear\(in_features=3, out_features=2\): backward\(\) called before forward\(\)"):
        layer.backward(np.zeros((1, 2)))


def test_linear_backward_rejects_wrong_grad_shape(rng):
    layer = nb.Linear(3, 2, rng=rng)
    layer(np.zeros((4, 3)))
    msg = re.escape("Linear(in_features=3, out_features=2): backward() got grad_out of shape (4, 3), but the forward output had shape (4, 2)")
    with pytest.raises(ValueError, match=msg):
        layer.backward(np.zeros((4, 3)))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_linear_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="Linear: in_features must be a positive integer"):
        nb.Linear(bad, 2)
    with pytest.raises(ValueError, match="Linear: out_features must be a positive integer"):
        nb.Linear(2, bad)


def test_linear_rejects_non_float_dtype():
    with pytest.raises(ValueError, match="Linear: dtype must be float32 or float64, got int32"):
        nb.Linear(2, 2, dtype=np.int32)


def test_linear_rejects_an_initializer_of_the_wrong_shape(rng):
    with pytest.raises(ValueError, match=re.escape("Linear weight initializer returned shape (3, 2), expected (2, 3)")):
        nb.Linear(2, 3, init=lambda shape, rng: np.zeros((3, 2)), rng=rng)


def test_linear_unknown_initializer_lists_the_names():
    with pytest.raises(ValueError, match=r"unknown initializer 'glorot'.*'he_normal'.*'xavier_uniform'"):
        nb.Linear(2, 3, init="glorot")


# -- Maxout -------------------------------------------------------------------------


def test_maxout_is_the_max_of_k_affine_pieces(rng):
    layer = nb.Maxout(3, 2, k=4, rng=rng)
    layer.bias.value[:] = rng.normal(size=(4, 2))
    X = rng.normal(size=(5, 3))
    pieces = np.stack([X @ layer.weight.value[p] + layer.bias.value[p] for p in range(4)])
    assert_close(layer(X), pieces.max(axis=0))


def test_maxout_with_one_piece_is_linear(rng):
    layer = nb.Maxout(3, 2, k=1, rng=rng)
    X = rng.normal(size=(5, 3))
    assert_close(layer(X), X @ layer.weight.value[0] + layer.bias.value[0])


def test_maxout_can_represent_relu_and_abs():
    X = np.array([[-2.0], [-0.5], [0.5], [3.0]])
    relu = nb.Maxout(1, 1, k=2, init=lambda shape, rng: np.array([[[1.0]], [[0.0]]]))
    absolute = nb.Maxout(1, 1, k=2, init=lambda shape, rng: np.array([[[1.0]], [[-1.0]]]))
    assert_close(relu(X), np.maximum(X, 0))
    assert_close(absolute(X), np.abs(X))


def test_maxout_gradient_goes_only_to_the_winning_piece(rng):
    layer = nb.Maxout(2, 1, k=2, init=lambda shape, rng: np.array([[[1.0], [0.0]], [[-1.0], [0.0]]]))
    X = np.array([[2.0, 1.0], [-3.0, 1.0]])  # row 0: piece 0 wins, row 1: piece 1 wins
    layer(X)
    layer.backward(np.array([[1.0], [10.0]]))
    assert_close(layer.weight.grad[0], X[:1].T @ np.array([[1.0]]))
    assert_close(layer.weight.grad[1], X[1:].T @ np.array([[10.0]]))
    assert_close(layer.bias.grad, np.array([[1.0], [10.0]]))


@given(shape=batch_shapes(max_n=5, max_d=4), d_out=batch_shapes(max_d=3).map(lambda s: s[1]), k=batch_shapes(max_d=3).map(lambda s: s[1]), seed=seeds)
def test_maxout_gradients_match_finite_differences(shape, d_out, k, seed):
    rng = np.random.default_rng(seed)
    n, d_in = shape
    layer = nb.Maxout(d_in, d_out, k=k, init="normal", rng=rng)
    layer.bias.value[:] = rng.normal(size=(k, d_out))
    x = rng.normal(size=(n, d_in))
    while maxout_gap(layer, x) < 1e-2:  # no two pieces within a step of a tie
        x = rng.normal(size=(n, d_in))
    errors = module_errors(layer, x, rng)
    assert set(errors) == {"input", "weight", "bias"}
    assert max(errors.values()) < FD_TOL, errors


def test_maxout_matches_torch(torch, rng):
    k, n, d_in, d_out = 3, 6, 4, 2
    layer = nb.Maxout(d_in, d_out, k=k, init="normal", rng=rng)
    layer.bias.value[:] = rng.normal(size=(k, d_out))
    X, G = rng.normal(size=(n, d_in)), rng.normal(size=(n, d_out))
    out = layer(X)
    grad_x = layer.backward(G)

    tx, tw, tb = to_torch(torch, X, layer.weight.value, layer.bias.value)
    pieces = torch.stack([tx @ tw[p] + tb[p] for p in range(k)])
    tout = pieces.max(dim=0).values
    (tout * torch.from_numpy(G)).sum().backward()

    assert_close(out, numpy_of(tout), rtol=TORCH_RTOL)
    assert_close(grad_x, numpy_of(tx.grad), rtol=TORCH_RTOL)
    assert_close(layer.weight.grad, numpy_of(tw.grad), rtol=TORCH_RTOL)
    assert_close(layer.bias.grad, numpy_of(tb.grad), rtol=TORCH_RTOL)


def test_maxout_rejects_wrong_feature_count(rng):
    layer = nb.Maxout(3, 2, k=2, rng=rng)
    with pytest.raises(ValueError, match=re.escape("Maxout(in_features=3, out_features=2, k=2): expected input of shape (n, 3), got (4, 2)")):
        layer(np.zeros((4, 2)))


def test_maxout_backward_before_forward_raises(rng):
    with pytest.raises(RuntimeError, match=r"Maxout\(.*\): backward\(\) called before forward\(\)"):
        nb.Maxout(3, 2, rng=rng).backward(np.zeros((1, 2)))


def test_maxout_backward_rejects_wrong_grad_shape(rng):
    layer = nb.Maxout(3, 2, rng=rng)
    layer(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=re.escape("got grad_out of shape (4, 1), but the forward output had shape (4, 2)")):
        layer.backward(np.zeros((4, 1)))


@pytest.mark.parametrize("field", ["in_features", "out_features", "k"])
def test_maxout_rejects_bad_sizes(field):
    sizes = {"in_features": 2, "out_features": 2, "k": 2, field: 0}
    with pytest.raises(ValueError, match=f"Maxout: {field} must be a positive integer"):
        nb.Maxout(**sizes)


def test_maxout_rejects_non_float_dtype():
    with pytest.raises(ValueError, match="Maxout: dtype must be float32 or float64, got int64"):
        nb.Maxout(2, 2, dtype=np.int64)


def test_maxout_float32_keeps_float32(rng):
    layer = nb.Maxout(3, 2, k=2, rng=rng, dtype=np.float32)
    out = layer(rng.normal(size=(4, 3)))
    assert out.dtype == np.float32 and layer.weight.dtype == np.float32
    assert layer.backward(np.ones((4, 2), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("make", [lambda **kw: nb.Linear(3, 2, **kw), lambda **kw: nb.Maxout(3, 2, **kw),
                                  lambda **kw: nb.RBF(3, 2, **kw)], ids=["Linear", "Maxout", "RBF"])
def test_a_layer_with_a_random_initializer_needs_rng(make):
    with pytest.raises(ValueError, match=r"^(Linear|Maxout|RBF): the (weight|centers) initializer '\w+' draws random "
                                         r"numbers and needs rng, a numpy.random.Generator \(pass rng="):
        make()
    layer = make(init=0.0)  # weights set by hand need no generator
    assert not np.any(layer.parameters()[0].value)
    a, b = make(rng=np.random.default_rng(5)), make(rng=np.random.default_rng(5))
    assert np.array_equal(a.parameters()[0].value, b.parameters()[0].value)
