"""Initializers: the variance formulas hold empirically, reproducibility, errors."""

from __future__ import annotations

import numpy as np
import pytest

import nnbook as nb
from nnbook import init

# (fan_in, fan_out) with different sums, so that a formula using the wrong fan fails
SHAPES = [(400, 600), (1500, 100)]


def _moments_match(w: np.ndarray, mean: float, var: float) -> None:
    """Sample mean and variance of a large draw agree with the formula.

    With N >= 1.5e5 draws the standard error of the variance is below 0.4 %
    (normal or uniform), and of the mean below sqrt(var / N): 3 % and 6 standard
    errors leave room for nothing but a wrong formula.
    """
    n = w.size
    assert abs(w.var() - var) < 0.03 * var, (w.var(), var)
    assert abs(w.mean() - mean) < 6 * np.sqrt(var / n), (w.mean(), mean)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "name, variance",
    [
        ("xavier_normal", lambda fi, fo: 2 / (fi + fo)),
        ("xavier_uniform", lambda fi, fo: 2 / (fi + fo)),
        ("he_normal", lambda fi, fo: 2 / fi),
        ("he_uniform", lambda fi, fo: 2 / fi),
        ("lecun_normal", lambda fi, fo: 1 / fi),
    ],
)
def test_variance_formula(name, variance, shape):
    w = init.get(name)(shape, np.random.default_rng(1))
    assert w.shape == shape and w.dtype == np.float64
    _moments_match(w, 0.0, variance(*shape))


@pytest.mark.parametrize("name", ["xavier_normal", "xavier_uniform", "he_normal", "he_uniform", "lecun_normal"])
def test_gain_scales_the_standard_deviation(name):
    f = init.get(name)
    base = f((500, 300), np.random.default_rng(2), gain=1.0)
    scaled = f((500, 300), np.random.default_rng(2), gain=3.0)
    assert np.allclose(scaled, 3.0 * base, rtol=1e-12)


def test_uniform_bounds():
    fi, fo = 300, 200
    w = init.xavier_uniform((fi, fo), np.random.default_rng(3))
    a = np.sqrt(6 / (fi + fo))
    assert np.all(np.abs(w) <= a) and np.abs(w).max() > 0.99 * a
    w = init.he_uniform((fi, fo), np.random.default_rng(3))
    a = np.sqrt(6 / fi)
    assert np.all(np.abs(w) <= a) and np.abs(w).max() > 0.99 * a


@pytest.mark.parametrize("low, high", [(-1.0, 1.0), (0.5, 3.0), (-4.0, -2.0)])
def test_uniform_moments(low, high):
    w = init.uniform((500, 400), np.random.default_rng(4), low=low, high=high)
    assert np.all((w >= low) & (w <= high))
    _moments_match(w, (low + high) / 2, (high - low) ** 2 / 12)


@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (2.0, 0.1), (-1.0, 3.0)])
def test_normal_moments(mean, std):
    w = init.normal((500, 400), np.random.default_rng(5), mean=mean, std=std)
    _moments_match(w, mean, std**2)


def test_zeros_and_constant_are_exact():
    assert np.array_equal(init.zeros((3, 4)), np.zeros((3, 4)))
    assert np.array_equal(init.constant((3, 4), value=0.7), np.full((3, 4), 0.7))
    assert init.zeros((2,), dtype=np.float32).dtype == np.float32


def test_dtype_is_respected():
    for name in ["normal", "uniform", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform", "lecun_normal"]:
        assert init.get(name)((3, 4), np.random.default_rng(0), dtype=np.float32).dtype == np.float32


def test_fans():
    assert init.fans((3, 5)) == (3, 5)
    assert init.fans((7,)) == (7, 7)
    assert init.fans((4, 3, 5)) == (3, 5)  # Maxout: k pieces of (d_in, d_out)
    assert init.fans(()) == (1, 1)


def test_linear_weight_uses_in_features_as_fan_in():
    # a transposed weight would give variance 2 / 20 instead of 2 / 2000
    layer = nb.Linear(2000, 20, init="he_normal", rng=np.random.default_rng(6))
    _moments_match(layer.weight.value, 0.0, 2 / 2000)


def test_maxout_weight_uses_the_last_two_axes_as_fans():
    layer = nb.Maxout(1000, 50, k=3, init="xavier_normal", rng=np.random.default_rng(7))
    _moments_match(layer.weight.value, 0.0, 2 / 1050)


# -- reproducibility ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["normal", "uniform", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform", "lecun_normal"])
def test_same_seed_same_draw(name):
    f = init.get(name)
    a = f((20, 30), np.random.default_rng(42))
    b = f((20, 30), np.random.default_rng(42))
    c = f((20, 30), np.random.default_rng(43))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_same_seed_same_network():
    def build(seed):
        rng = np.random.default_rng(seed)
        return nb.Sequential(nb.Linear(3, 4, rng=rng), nb.Tanh(), nb.Linear(4, 2, init="he_normal", rng=rng))

    a, b, c = build(0), build(0), build(1)
    assert all(np.array_equal(p.value, q.value) for p, q in zip(a.parameters(), b.parameters()))
    assert not np.array_equal(a[0].weight.value, c[0].weight.value)


RANDOM = ["normal", "uniform", "lecun_normal", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform"]


@pytest.mark.parametrize("name", RANDOM)
def test_a_random_initializer_without_rng_raises_naming_itself(name):
    with pytest.raises(ValueError, match=rf"^{name}: drawing random weights needs rng, a numpy.random.Generator "
                                         r"\(pass np.random.default_rng\(seed\)\)$"):
        init.get(name)((3, 2))


def test_zeros_and_constant_need_no_rng():
    assert np.array_equal(init.zeros((2, 3)), np.zeros((2, 3)))
    assert np.array_equal(init.constant((2,), value=0.5), np.full(2, 0.5))


def test_the_global_numpy_seed_plays_no_part():
    np.random.seed(0)
    a = init.normal((10,), np.random.default_rng(1))
    np.random.seed(1)
    b = init.normal((10,), np.random.default_rng(1))
    assert np.array_equal(a, b)


# -- errors --------------------------------------------------------------------------------------


def test_get_passes_callables_through():
    def f(shape, rng=None):
        return np.ones(shape)

    assert init.get(f) is f
    assert init.get("he_normal") is init.he_normal


def test_unknown_name_lists_the_allowed_names():
    with pytest.raises(ValueError, match="unknown initializer 'kaiming'") as excinfo:
        init.get("kaiming")
    for name in ["zeros", "constant", "normal", "uniform", "lecun_normal", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform"]:
        assert repr(name) in str(excinfo.value)


@pytest.mark.parametrize("bad", [None, 3, ["he_normal"]])
def test_get_rejects_non_names(bad):
    with pytest.raises(ValueError, match="unknown initializer"):
        init.get(bad)


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator.*got int"):
        init.normal((2, 2), 42)
    with pytest.raises(TypeError, match="got RandomState"):
        init.he_normal((2, 2), np.random.RandomState(0))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="normal: std must be non-negative, got -1"):
        init.normal((2, 2), std=-1.0)
    with pytest.raises(ValueError, match="uniform: need low <= high, got low=1.0, high=0.0"):
        init.uniform((2, 2), low=1.0, high=0.0)
    with pytest.raises(ValueError, match=r"shape must have non-negative sizes, got \(2, -1\)"):
        init.zeros((2, -1))
