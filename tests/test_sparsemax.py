"""Sparsemax (nnbook.functional.sparsemax, sparsemax_backward, nb.Sparsemax): outputs on the simplex,
sparse support, the projection property, the argmax rule, the backward pass against finite differences
and the closed-form Jacobian, and stability for logits of magnitude 1e4."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import BIG, FD_TOL, batch_shapes, seeds

import nnbook as nb

F = nb.functional


def logits(shape, seed, scale=3.0):
    return scale * np.random.default_rng(seed).normal(size=shape)


# -- values --------------------------------------------------------------------------------


def test_worked_examples():
    z = np.array([[1.0, 0.5, -1.0], [0.0, 0.0, 0.0], [3.0, 1.0, 0.2], [0.4, 0.2, 0.1]])
    # tau = (1 + 0.5 - 1) / 2 = 0.25; all equal: 1/3 each; a gap of 2 > 1: one-hot; tau = (0.7 - 1) / 3 = -0.1
    expected = [[0.75, 0.25, 0.0], [1 / 3, 1 / 3, 1 / 3], [1.0, 0.0, 0.0], [0.5, 0.3, 0.2]]
    np.testing.assert_allclose(F.sparsemax(z), expected, rtol=1e-14, atol=1e-15)


@given(batch_shapes(max_n=6, max_d=8), seeds, st.sampled_from([0.1, 1.0, 10.0, BIG]))
def test_outputs_lie_on_the_simplex(shape, seed, scale):
    p = F.sparsemax(logits(shape, seed, scale))
    assert p.shape == shape and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@given(batch_shapes(max_n=4, max_d=6), seeds)
def test_it_is_the_euclidean_projection_onto_the_simplex(shape, seed):
    """No point of the simplex is closer to z: the optimality condition <z - p, q - p> <= 0 for every vertex q."""
    z = logits(shape, seed)
    p = F.sparsemax(z)
    for k in range(shape[1]):
        q = np.zeros(shape)
        q[:, k] = 1.0
        assert np.all(np.sum((z - p) * (q - p), axis=1) <= 1e-12)


def test_the_support_is_sparse_where_softmax_is_full():
    z = np.array([[2.0, 1.8, 0.1, -1.0, -3.0]])
    p, s = F.sparsemax(z), F.softmax(z)
    assert np.count_nonzero(p) == 2 and np.all(p[0, 2:] == 0.0)      # exact zeros
    assert np.all(s > 0)


def test_small_logit_gaps_give_full_support_and_large_ones_a_one_hot():
    assert np.all(F.sparsemax(np.array([0.1, 0.0, -0.1])) > 0)
    np.testing.assert_array_equal(F.sparsemax(np.array([5.0, 0.0, -1.0])), [1.0, 0.0, 0.0])


@given(batch_shapes(max_n=6, max_d=8), seeds, st.floats(-1e3, 1e3))
def test_adding_a_constant_changes_nothing(shape, seed, c):
    z = logits(shape, seed)
    np.testing.assert_allclose(F.sparsemax(z + c), F.sparsemax(z), atol=1e-12)


@given(batch_shapes(max_n=6, max_d=8, min_d=2), seeds)
def test_the_predicted_class_is_the_argmax_of_the_logits_as_with_softmax(shape, seed):
    z = logits(shape, seed)
    np.testing.assert_array_equal(np.argmax(F.sparsemax(z), axis=1), np.argmax(z, axis=1))
    np.testing.assert_array_equal(np.argmax(F.sparsemax(z), axis=1), np.argmax(F.softmax(z, axis=1), axis=1))


def test_it_keeps_the_order_of_the_logits(rng):
    z = logits((20, 6), 4)
    p = F.sparsemax(z)
    order = np.argsort(z, axis=1)
    assert np.all(np.diff(np.take_along_axis(p, order, axis=1), axis=1) >= 0)


def test_the_axis_argument(rng):
    z = logits((3, 5, 4), 7)
    np.testing.assert_allclose(F.sparsemax(z, axis=1), np.moveaxis(F.sparsemax(np.moveaxis(z, 1, -1)), -1, 1))


def test_stable_at_logits_of_magnitude_1e4():
    z = np.array([[1e4, -1e4, 1e4 - 0.5], [-1e4, -1e4 + 0.3, -1e4 + 0.2], [1e4, 1e4, 1e4]])
    with np.errstate(all="raise"):
        p = F.sparsemax(z)
    np.testing.assert_allclose(p, [[0.75, 0.0, 0.25], [1 / 6, 0.3 + 1 / 6, 0.2 + 1 / 6], [1 / 3, 1 / 3, 1 / 3]], atol=1e-12)


def test_float32_stays_float32_and_integers_become_float64():
    assert F.sparsemax(np.ones((2, 3), dtype=np.float32)).dtype == np.float32
    assert F.sparsemax(np.array([[1, 0, 0]])).dtype == np.float64


def test_logits_far_from_zero_lose_no_digits():
    """Subtracting the maximum first keeps the digits of the gaps (without it, 1e10 costs about six)."""
    gaps = np.array([0.0, 0.25, 0.5])
    np.testing.assert_allclose(F.sparsemax(1e10 + gaps), F.sparsemax(gaps), atol=1e-15)
    np.testing.assert_allclose(F.sparsemax(gaps), [1 / 12, 4 / 12, 7 / 12], atol=1e-15)


def test_no_class_is_an_error():
    with pytest.raises(ValueError, match=r"sparsemax: need at least one class .* \(2, 0\)"):
        F.sparsemax(np.zeros((2, 0)))


# -- backward -------------------------------------------------------------------------------


def closed_form_jacobian(p_row):
    s = (p_row > 0).astype(float)
    return np.diag(s) - np.outer(s, s) / s.sum()


def finite_difference_jacobian(z_row, eps=1e-6):
    return np.stack([(F.sparsemax(z_row + eps * e) - F.sparsemax(z_row - eps * e)) / (2 * eps)
                     for e in np.eye(len(z_row))], axis=1)


@given(st.integers(1, 8), seeds)
def test_the_jacobian_is_the_closed_form_and_matches_finite_differences(k, seed):
    z = logits(k, seed)
    p = F.sparsemax(z)
    tau = z[p > 0][0] - p[p > 0][0]
    assume(np.all(np.abs(z - tau) > 1e-4))   # away from a kink, where the support changes and differences straddle it
    J = closed_form_jacobian(p)
    np.testing.assert_allclose(finite_difference_jacobian(z), J, atol=1e-8)
    vjp = np.stack([F.sparsemax_backward(p, e) for e in np.eye(k)])   # row i: e_i^T J
    np.testing.assert_allclose(vjp, J, atol=1e-15)


def test_module_gradients_match_finite_differences_in_a_network(rng):
    model = nb.Sequential(nb.Linear(3, 5, rng=rng), nb.Sparsemax())
    model[0].weight.value *= 3                     # a sparse support, with some zeros in the outputs
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 5))
    errors = nb.check_gradients(model, nb.MSELoss(), X, y)
    assert np.any(model.forward(X) == 0)
    assert max(errors.values()) < FD_TOL, errors


def test_the_module_is_the_function_and_checks_its_input(rng):
    z = logits((4, 6), 2)
    layer = nb.Sparsemax()
    np.testing.assert_array_equal(layer(z), F.sparsemax(z, axis=1))
    g = rng.normal(size=z.shape)
    np.testing.assert_array_equal(layer.backward(g), F.sparsemax_backward(layer(z), g, axis=1))
    with pytest.raises(ValueError, match=r"Sparsemax\(\): expected logits of shape \(n, K\).*\(6,\)"):
        layer(z[0])
    with pytest.raises(ValueError, match=r"Sparsemax\(\).*\(6, 4\).*\(4, 6\)"):
        layer.backward(g.T)


def test_backward_shapes_must_agree():
    with pytest.raises(ValueError, match=r"sparsemax_backward: p has shape \(2, 3\) but grad_out has shape \(3, 2\)"):
        F.sparsemax_backward(np.ones((2, 3)) / 3, np.ones((3, 2)))


def test_the_gradient_sums_to_zero_over_the_classes(rng):
    """Probabilities sum to 1 whatever z is, so moving every logit together changes no output."""
    z = logits((5, 7), 9)
    g = rng.normal(size=z.shape)
    np.testing.assert_allclose(F.sparsemax_backward(F.sparsemax(z), g).sum(axis=1), 0.0, atol=1e-12)
