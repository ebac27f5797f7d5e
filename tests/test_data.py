"""Toy data sets and mini-batches: shapes, dtypes, balance, geometry, reproducibility, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import assert_close

from nnbook import data

CLASSIFICATION = {
    "make_xor": lambda n, rng, **kw: data.make_xor(n, rng=rng, **kw),
    "make_circles": lambda n, rng, **kw: data.make_circles(n, rng=rng, **kw),
    "make_moons": lambda n, rng, **kw: data.make_moons(n, rng=rng, **kw),
    "make_spirals": lambda n, rng, **kw: data.make_spirals(n, rng=rng, **kw),
    "make_blobs": lambda n, rng, **kw: data.make_blobs(n, rng=rng, **kw),
}
REGRESSION = {
    "make_regression_1d": (lambda n, rng: data.make_regression_1d(n, rng=rng), 1),
    "make_regression_2d": (lambda n, rng: data.make_regression_2d(n, rng=rng), 2),
}
ALL = {**CLASSIFICATION, **{k: v[0] for k, v in REGRESSION.items()}}


def test_xor_points():
    X, y = data.xor()
    assert np.array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]]) and X.dtype == np.float64
    assert np.array_equal(y, [0, 1, 1, 0]) and y.dtype == np.int64


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_shapes_and_dtypes(name):
    X, y = CLASSIFICATION[name](101, np.random.default_rng(0))
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_shapes_and_dtypes(name):
    make, d = REGRESSION[name]
    X, y = make(50, np.random.default_rng(0))
    assert X.shape == (50, d) and X.dtype == np.float64
    assert y.shape == (50, 1) and y.dtype == np.float64


@pytest.mark.parametrize("name, kwargs, k", [
    ("make_circles", {}, 2), ("make_moons", {}, 2), ("make_spirals", {}, 3),
    ("make_spirals", {"n_classes": 5}, 5), ("make_blobs", {"centers": 4}, 4),
])
@pytest.mark.parametrize("n", [60, 61, 62])
def test_labels_are_balanced(name, kwargs, k, n):
    _, y = CLASSIFICATION[name](n, np.random.default_rng(1), **kwargs)
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k
    assert counts.max() - counts.min() <= 1
    assert counts.sum() == n


def test_xor_labels_are_roughly_balanced():
    _, y = data.make_xor(2000, rng=np.random.default_rng(2))
    assert abs(y.mean() - 0.5) < 0.05


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_data_and_different_seed_different_data(name):
    make = ALL[name]
    X1, y1 = make(40, np.random.default_rng(3))
    X2, y2 = make(40, np.random.default_rng(3))
    X3, _ = make(40, np.random.default_rng(4))
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_xor_labels_follow_the_quadrant_rule_without_noise():
    X, y = data.make_xor(200, noise=0.0, rng=np.random.default_rng(5))
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.all(np.abs(X) <= 1)


def test_circles_radii_without_noise():
    X, y = data.make_circles(100, noise=0.0, factor=0.3, rng=np.random.default_rng(6))
    r = np.hypot(X[:, 0], X[:, 1])
    assert_close(r[y == 0], np.ones((y == 0).sum()))
    assert_close(r[y == 1], np.full((y == 1).sum(), 0.3))


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = data.make_moons(100, noise=0.0, rng=np.random.default_rng(7))
    upper, lower = X[y == 0], X[y == 1]
    assert_close(np.hypot(upper[:, 0], upper[:, 1]), np.ones(len(upper)))
    assert np.all(upper[:, 1] >= 0)
    assert_close(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), np.ones(len(lower)))
    assert np.all(lower[:, 1] <= 0.5)


def test_spiral_arms_follow_their_angle_without_noise():
    k, turns = 3, 1.5
    X, y = data.make_spirals(300, n_classes=k, turns=turns, noise=0.0, rng=np.random.default_rng(8))
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all((r >= 0.05) & (r <= 1.0))
    expected = 2 * np.pi * (turns * r + y / k)
    # same angle modulo 2 pi
    assert_close(np.cos(np.arctan2(X[:, 1], X[:, 0]) - expected), np.ones(300), rtol=1e-9)


def test_blobs_around_given_centres():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]])
    X, y = data.make_blobs(400, centers=centers, std=0.1, rng=np.random.default_rng(9))
    assert X.shape == (400, 3)
    for c in range(2):
        assert_close(X[y == c].mean(axis=0), centers[c], atol=0.05)
        assert abs(X[y == c].std() - 0.1) < 0.02


def test_regression_1d_is_sorted_and_follows_f_without_noise():
    X, y = data.make_regression_1d(50, f=lambda x: 3 * x, noise=0.0, low=-2, high=2, rng=np.random.default_rng(10))
    assert np.all(np.diff(X[:, 0]) >= 0)
    assert np.all((X >= -2) & (X <= 2))
    assert_close(y, 3 * X)


def test_regression_2d_default_surface_without_noise():
    X, y = data.make_regression_2d(50, noise=0.0, rng=np.random.default_rng(11))
    assert_close(y[:, 0], np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1] / 2))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad_rng", [None, 0, "np.random.RandomState"])
def test_generators_need_a_generator(name, bad_rng):
    bad_rng = np.random.RandomState(0) if bad_rng == "np.random.RandomState" else bad_rng
    with pytest.raises(TypeError, match=rf"{name}: rng must be a numpy.random.Generator, e.g. np.random.default_rng\(0\)"):
        ALL[name](10, bad_rng)


@pytest.mark.parametrize("name", ALL)
def test_rng_is_keyword_only_and_required(name):
    f = getattr(data, name)
    with pytest.raises(TypeError):
        f(10)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad_n", [0, -3, 2.5, True])
def test_bad_sizes_raise(name, bad_n):
    with pytest.raises(ValueError, match=rf"{name}: n must be an integer >= \d, got {bad_n!r}"):
        ALL[name](bad_n, np.random.default_rng(0))


def test_other_bad_arguments_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"make_circles: factor must lie in \(0, 1\), got 1.5"):
        data.make_circles(10, factor=1.5, rng=rng)
    with pytest.raises(ValueError, match="make_spirals: n_classes must be an integer >= 2, got 1"):
        data.make_spirals(10, n_classes=1, rng=rng)
    with pytest.raises(ValueError, match="make_blobs: centers must be >= 1, got 0"):
        data.make_blobs(10, centers=0, rng=rng)
    with pytest.raises(ValueError, match=r"make_blobs: centers must be an int or an array \(k, d\), got shape \(3,\)"):
        data.make_blobs(10, centers=np.zeros(3), rng=rng)


# -- mini-batches ------------------------------------------------------------------


@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), seed=st.integers(0, 2**32 - 1))
def test_batches_cover_every_index_exactly_once(n, batch_size, seed):
    X = np.arange(n, dtype=float)[:, None] * np.ones((1, 2))
    y = np.arange(n)
    rng = np.random.default_rng(seed)
    for _ in range(2):  # two epochs, each a full cover
        seen = []
        sizes = []
        for Xb, yb in data.batches(X, y, batch_size, rng):
            assert np.array_equal(Xb[:, 0], yb)  # rows stay paired with their labels
            seen.extend(yb.tolist())
            sizes.append(len(yb))
        assert sorted(seen) == list(range(n))
        assert all(s == batch_size for s in sizes[:-1]) and 1 <= sizes[-1] <= batch_size


def test_batches_shuffle_differently_each_epoch_and_reproducibly():
    X, y = np.zeros((50, 1)), np.arange(50)
    rng = np.random.default_rng(12)
    first = np.concatenate([yb for _, yb in data.batches(X, y, 8, rng)])
    second = np.concatenate([yb for _, yb in data.batches(X, y, 8, rng)])
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, y)
    again = np.concatenate([yb for _, yb in data.batches(X, y, 8, np.random.default_rng(12))])
    assert np.array_equal(first, again)


def test_batches_without_shuffle_keep_the_order():
    X, y = np.arange(10.0)[:, None], np.arange(10)
    out = [yb.tolist() for _, yb in data.batches(X, y, 4, shuffle=False)]
    assert out == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_batches_errors():
    X, y = np.zeros((5, 2)), np.zeros(5)
    with pytest.raises(ValueError, match="batches: shuffle=True needs rng, a numpy.random.Generator"):
        list(data.batches(X, y, 2))
    with pytest.raises(TypeError, match="batches: rng must be a numpy.random.Generator"):
        list(data.batches(X, y, 2, rng=3))
    with pytest.raises(ValueError, match="batches: X has 5 rows but y has 4"):
        list(data.batches(X, y[:4], 2, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="batches: batch_size must be a positive integer, got 0"):
        list(data.batches(X, y, 0, np.random.default_rng(0)))


# -- splitting and scaling ---------------------------------------------------------------


@given(n=st.integers(2, 80), frac=st.floats(0.05, 0.95), seed=st.integers(0, 2**32 - 1))
def test_train_test_split_is_a_disjoint_cover(n, frac, seed):
    X = np.arange(n, dtype=float)[:, None]
    y = np.arange(n)
    X_tr, X_te, y_tr, y_te = data.train_test_split(X, y, test_fraction=frac, rng=np.random.default_rng(seed))
    assert set(y_tr).isdisjoint(y_te)
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(n))
    assert np.array_equal(X_tr[:, 0], y_tr) and np.array_equal(X_te[:, 0], y_te)
    assert len(y_te) == max(1, round(frac * n))


def test_train_test_split_is_reproducible():
    X, y = data.make_moons(50, rng=np.random.default_rng(0))
    a = data.train_test_split(X, y, rng=np.random.default_rng(1))
    b = data.train_test_split(X, y, rng=np.random.default_rng(1))
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


def test_train_test_split_errors():
    X, y = np.zeros((5, 2)), np.zeros(5)
    with pytest.raises(ValueError, match="train_test_split: X has 5 rows but y has 4"):
        data.train_test_split(X, y[:4], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"train_test_split: test_fraction must lie in \(0, 1\), got 1.0"):
        data.train_test_split(X, y, test_fraction=1.0, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="train_test_split: rng must be a numpy.random.Generator"):
        data.train_test_split(X, y, rng=None)


def test_standardize():
    rng = np.random.default_rng(13)
    X = rng.normal(loc=[5.0, -2.0, 0.0], scale=[3.0, 0.5, 1.0], size=(200, 3))
    X[:, 2] = 7.0  # a constant column must not divide by zero
    Z, mean, std = data.standardize(X)
    assert_close(Z[:, :2].mean(axis=0), np.zeros(2), atol=1e-12)
    assert_close(Z[:, :2].std(axis=0), np.ones(2), rtol=1e-12)
    assert np.array_equal(Z[:, 2], np.zeros(200))
    X_test = rng.normal(size=(10, 3))
    Z_test, m2, s2 = data.standardize(X_test, mean, std)
    assert m2 is mean or np.array_equal(m2, mean)
    assert_close(Z_test[:, :2], (X_test[:, :2] - mean[:2]) / std[:2])
