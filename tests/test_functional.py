"""nnbook.functional: stability properties (hypothesis) up to |z| = 1e4, and agreement with PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import BIG, TORCH_RTOL, assert_close, float_arrays, logit_matrices, small_floats

import nnbook.functional as F

# -- softmax, log_softmax, logsumexp ---------------------------------------------------


@given(z=logit_matrices())
def test_softmax_rows_are_finite_probabilities_summing_to_one(z):
    p = F.softmax(z, axis=1)
    assert p.shape == z.shape
    assert np.all(np.isfinite(p))
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@given(z=logit_matrices(), c=small_floats())
def test_softmax_is_shift_invariant(z, c):
    assert_close(F.softmax(z + c, axis=1), F.softmax(z, axis=1), rtol=0, atol=1e-9)


@given(z=logit_matrices())
def test_log_softmax_is_finite_and_exponentiates_to_one(z):
    logp = F.log_softmax(z, axis=1)
    assert np.all(np.isfinite(logp))
    assert np.all(logp <= 0)
    np.testing.assert_allclose(np.exp(logp).sum(axis=1), 1.0, rtol=0, atol=1e-12)


@given(z=logit_matrices(), c=small_floats())
def test_log_softmax_is_shift_invariant(z, c):
    assert_close(F.log_softmax(z + c, axis=1), F.log_softmax(z, axis=1), rtol=1e-12, atol=1e-8)


@given(z=logit_matrices())
def test_log_softmax_is_the_log_of_softmax_where_softmax_does_not_underflow(z):
    p = F.softmax(z, axis=1)
    ok = p > 1e-300
    assert_close(F.log_softmax(z, axis=1)[ok], np.log(p[ok]), rtol=1e-12, atol=1e-12)


@given(z=float_arrays(min_dims=1, max_dims=3))
def test_softmax_along_any_axis(z):
    for axis in range(z.ndim):
        p = F.softmax(z, axis=axis)
        np.testing.assert_allclose(p.sum(axis=axis), 1.0, atol=1e-12)
        assert_close(np.log(np.maximum(p, 1e-300)), np.maximum(F.log_softmax(z, axis=axis), np.log(1e-300)), atol=1e-12)


@given(z=float_arrays(min_dims=1, max_dims=3))
def test_logsumexp_lies_between_max_and_max_plus_log_k(z):
    for axis in range(z.ndim):
        lse = F.logsumexp(z, axis=axis)
        m = z.max(axis=axis)
        k = z.shape[axis]
        assert np.all(np.isfinite(lse))
        assert np.all(lse >= m - 1e-12 * np.abs(m))
        assert np.all(lse <= m + np.log(k) + 1e-12 * np.abs(m) + 1e-12)
        assert_close(lse, np.logaddexp.reduce(z, axis=axis), rtol=1e-12, atol=1e-12)


@given(z=logit_matrices(bound=1e3), gap=st.floats(50, BIG), data=st.data())
def test_logsumexp_is_the_max_when_one_entry_dominates(z, gap, data):
    n, k = z.shape
    j = data.draw(st.integers(0, k - 1))
    z = z.copy()
    z[:, j] = z.max(axis=1) + gap
    lse = F.logsumexp(z, axis=1)
    # logsumexp - max = log(1 + sum of e^(z_i - max)) <= (k - 1) e^(-gap)
    assert np.all(np.abs(lse - z[:, j]) <= k * np.exp(-gap) + 1e-15 * np.abs(z[:, j]))


def test_logsumexp_keepdims_and_axis():
    z = np.arange(6.0).reshape(2, 3)
    assert F.logsumexp(z, axis=1, keepdims=True).shape == (2, 1)
    assert F.logsumexp(z, axis=0).shape == (3,)
    assert_close(F.logsumexp(z, axis=1), np.log(np.exp(z).sum(axis=1)), rtol=1e-14)


def test_softmax_at_1e4_logits():
    z = np.array([[BIG, 0.0, -BIG], [BIG, BIG, -BIG]])
    assert_close(F.softmax(z, axis=1), np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]))
    assert_close(F.log_softmax(z, axis=1), np.array([[0.0, -BIG, -2 * BIG], [-np.log(2), -np.log(2), -2 * BIG - np.log(2)]]))


# -- sigmoid and friends ------------------------------------------------------------------


@given(z=float_arrays())
def test_sigmoid_is_in_0_1_and_symmetric(z):
    s = F.sigmoid(z)
    assert np.all(np.isfinite(s))
    assert np.all((s >= 0) & (s <= 1))
    assert_close(F.sigmoid(-z), 1 - s, rtol=0, atol=1e-15)


@given(z=float_arrays())
def test_sigmoid_is_accurate_in_the_tails(z):
    exact = np.exp(-np.logaddexp(0, -z))  # sigma(z) = exp(-softplus(-z)), an independent stable form
    assert_close(F.sigmoid(z), exact, rtol=1e-12, atol=1e-300)


@given(z=float_arrays())
def test_log_sigmoid_and_softplus_are_finite_and_consistent(z):
    ls = F.log_sigmoid(z)
    sp = F.softplus(z)
    assert np.all(np.isfinite(ls)) and np.all(np.isfinite(sp))
    assert np.all(ls <= 0)
    assert np.all(sp >= np.maximum(z, 0))
    assert_close(sp, np.logaddexp(0, z), rtol=1e-14, atol=1e-300)
    assert_close(F.softplus(z) - F.softplus(-z), z, rtol=1e-12, atol=1e-12)
    assert_close(ls, -sp + z, rtol=1e-12, atol=1e-12)


def test_log_sigmoid_at_minus_1e4():
    assert F.log_sigmoid(np.array(-BIG)) == -BIG
    assert F.log_sigmoid(np.array(BIG)) == 0.0


def test_sigmoid_keeps_float32_and_casts_integers():
    assert F.sigmoid(np.zeros(3, dtype=np.float32)).dtype == np.float32
    assert F.sigmoid(np.array([0, 1])).dtype == np.float64
    assert_close(F.sigmoid(np.array([0])), np.array([0.5]))


def test_elementwise_functions_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    assert_close(F.identity(z), z)
    assert_close(F.step(z), np.array([0.0, 0.0, 1.0, 1.0, 1.0]))
    assert_close(F.relu(z), np.array([0.0, 0.0, 0.0, 0.5, 2.0]))
    assert_close(F.leaky_relu(z, 0.1), np.array([-0.2, -0.05, 0.0, 0.5, 2.0]))
    assert_close(F.elu(z, 2.0), np.array([2 * np.expm1(-2.0), 2 * np.expm1(-0.5), 0.0, 0.5, 2.0]))
    assert_close(F.tanh(z), np.tanh(z))
    assert_close(F.hardtanh(z, -1.0, 1.0), np.array([-1.0, -0.5, 0.0, 0.5, 1.0]))
    assert_close(F.abs(z), np.array([2.0, 0.5, 0.0, 0.5, 2.0]))
    assert_close(F.tanh(z), 2 * F.sigmoid(2 * z) - 1, rtol=1e-14, atol=1e-15)


@given(z=float_arrays())
def test_elu_and_softplus_are_finite_at_extremes(z):
    assert np.all(np.isfinite(F.elu(z)))
    assert np.all(F.elu(z) >= -1)


def test_one_hot():
    assert_close(F.one_hot(np.array([2, 0, 1]), 3), np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=float))
    assert F.one_hot(np.array([0]), 2, dtype=np.float32).dtype == np.float32


def test_one_hot_errors():
    with pytest.raises(ValueError, match=r"one_hot: labels must have shape \(n,\), got \(2, 1\)"):
        F.one_hot(np.array([[0], [1]]), 2)
    with pytest.raises(ValueError, match=r"one_hot: labels must lie in \[0, 1\], got range \[0, 2\]"):
        F.one_hot(np.array([0, 2]), 2)


# -- PyTorch -----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [3.0, BIG])
def test_softmax_family_matches_torch(scale, torch, rng):
    z = scale * rng.normal(size=(6, 5))
    t = torch.from_numpy(z)
    assert_close(F.softmax(z, axis=1), torch.softmax(t, dim=1).numpy(), rtol=TORCH_RTOL, atol=1e-300)
    assert_close(F.log_softmax(z, axis=1), torch.log_softmax(t, dim=1).numpy(), rtol=TORCH_RTOL)
    assert_close(F.logsumexp(z, axis=1), torch.logsumexp(t, dim=1).numpy(), rtol=TORCH_RTOL)
    assert_close(F.softmax(z, axis=0), torch.softmax(t, dim=0).numpy(), rtol=TORCH_RTOL, atol=1e-300)
    assert_close(F.logsumexp(z, axis=0), torch.logsumexp(t, dim=0).numpy(), rtol=TORCH_RTOL)


@pytest.mark.parametrize("scale", [3.0, BIG])
def test_sigmoid_family_matches_torch(scale, torch, rng):
    z = scale * rng.normal(size=(6, 5))
    t = torch.from_numpy(z)
    Ft = torch.nn.functional
    assert_close(F.sigmoid(z), torch.sigmoid(t).numpy(), rtol=TORCH_RTOL, atol=1e-300)
    assert_close(F.log_sigmoid(z), Ft.logsigmoid(t).numpy(), rtol=TORCH_RTOL, atol=1e-300)
    # torch's softplus returns x above its threshold (default 20) and overflows without it:
    # a high threshold for moderate inputs, the default one where almost every |z| > 40
    threshold = 20.0 if scale == BIG else 100.0
    assert_close(F.softplus(z), Ft.softplus(t, threshold=threshold).numpy(), rtol=TORCH_RTOL, atol=1e-300)
    assert_close(F.elu(z, 0.7), Ft.elu(t, alpha=0.7).numpy(), rtol=TORCH_RTOL)
    assert_close(F.leaky_relu(z, 0.05), Ft.leaky_relu(t, 0.05).numpy(), rtol=TORCH_RTOL)
    assert_close(F.hardtanh(z, -0.5, 2.0), Ft.hardtanh(t, -0.5, 2.0).numpy(), rtol=TORCH_RTOL)
    assert_close(F.tanh(z), torch.tanh(t).numpy(), rtol=TORCH_RTOL)
