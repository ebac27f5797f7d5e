"""Toy data sets and mini-batches.

Every random function takes ``rng``, a :class:`numpy.random.Generator`, so a
notebook with one ``rng = np.random.default_rng(seed)`` is reproducible.
Inputs are float64 arrays ``(n, d)``; class labels are int64 arrays ``(n,)``;
regression targets are ``(n, 1)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ._rng import check_rng as _check_rng
from ._rng import require_rng

__all__ = [
    "xor", "make_xor", "make_circles", "make_moons", "make_spirals", "make_blobs",
    "make_regression_1d", "make_regression_2d", "train_test_split", "batches", "standardize",
]


def _check_n(n: int, where: str, minimum: int = 1) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < minimum:
        raise ValueError(f"{where}: n must be an integer >= {minimum}, got {n!r}")
    return int(n)


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four points of XOR: ``X = [[0,0],[0,1],[1,0],[1,1]]``, ``y = [0,1,1,0]``."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def make_xor(n: int, *, noise: float = 0.1, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform on ``[-1, 1]^2``, class 1 where ``x1 * x2 < 0``, with Gaussian input noise."""
    n = _check_n(n, "make_xor")
    rng = _check_rng(rng, "make_xor")
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + noise * rng.normal(size=X.shape), y


def make_circles(n: int, *, noise: float = 0.05, factor: float = 0.5, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 the outer (radius 1), class 1 the inner (radius ``factor``)."""
    n = _check_n(n, "make_circles", 2)
    rng = _check_rng(rng, "make_circles")
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must lie in (0, 1), got {factor}")
    n_in = n // 2
    y = np.r_[np.zeros(n - n_in, dtype=np.int64), np.ones(n_in, dtype=np.int64)]
    t = rng.uniform(0, 2 * np.pi, size=n)
    r = np.where(y == 1, factor, 1.0)
    X = np.c_[r * np.cos(t), r * np.sin(t)] + noise * rng.normal(size=(n, 2))
    perm = rng.permutation(n)
    return X[perm], y[perm]


def make_moons(n: int, *, noise: float = 0.1, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles."""
    n = _check_n(n, "make_moons", 2)
    rng = _check_rng(rng, "make_moons")
    n1 = n // 2
    y = np.r_[np.zeros(n - n1, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    t = rng.uniform(0, np.pi, size=n)
    X = np.where(
        (y == 0)[:, None],
        np.c_[np.cos(t), np.sin(t)],
        np.c_[1 - np.cos(t), 0.5 - np.sin(t)],
    ) + noise * rng.normal(size=(n, 2))
    perm = rng.permutation(n)
    return X[perm], y[perm]


def make_spirals(n: int, *, n_classes: int = 3, turns: float = 1.0, noise: float = 0.2, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms, ``n`` points in all (as evenly split as possible).

    Arm ``c`` follows radius ``r in [0, 1]`` at angle ``2*pi*(turns*r + c/n_classes)``,
    with Gaussian noise of standard deviation ``noise`` on the angle.
    """
    n = _check_n(n, "make_spirals", 2)
    rng = _check_rng(rng, "make_spirals")
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"make_spirals: n_classes must be an integer >= 2, got {n_classes!r}")
    y = np.arange(n, dtype=np.int64) % n_classes
    r = rng.uniform(0.05, 1.0, size=n)
    angle = 2 * np.pi * (turns * r + y / n_classes) + noise * rng.normal(size=n)
    X = np.c_[r * np.cos(angle), r * np.sin(angle)]
    perm = rng.permutation(n)
    return X[perm], y[perm]


def make_blobs(
    n: int,
    *,
    centers: int | np.ndarray = 3,
    std: float = 0.5,
    box: float = 3.0,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters in 2-D: ``centers`` is a number of clusters (placed uniformly in
    ``[-box, box]^2``) or an array ``(k, d)`` of centres."""
    n = _check_n(n, "make_blobs")
    rng = _check_rng(rng, "make_blobs")
    if isinstance(centers, (int, np.integer)):
        if centers < 1:
            raise ValueError(f"make_blobs: centers must be >= 1, got {centers}")
        C = rng.uniform(-box, box, size=(int(centers), 2))
    else:
        C = np.asarray(centers, dtype=np.float64)
        if C.ndim != 2:
            raise ValueError(f"make_blobs: centers must be an int or an array (k, d), got shape {C.shape}")
    y = np.arange(n, dtype=np.int64) % len(C)
    X = C[y] + std * rng.normal(size=(n, C.shape[1]))
    perm = rng.permutation(n)
    return X[perm], y[perm]


def _default_f(x: np.ndarray) -> np.ndarray:
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def make_regression_1d(
    n: int,
    *,
    f: Callable[[np.ndarray], np.ndarray] | None = None,
    noise: float = 0.05,
    low: float = 0.0,
    high: float = 1.0,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """``x ~ U(low, high)`` of shape ``(n, 1)`` and ``y = f(x) + noise * N(0, 1)`` of shape ``(n, 1)``.

    The default ``f`` is the universality chapter's
    ``0.2 + 0.4 x^2 + 0.3 x sin(15 x) + 0.05 cos(50 x)``.
    """
    n = _check_n(n, "make_regression_1d")
    rng = _check_rng(rng, "make_regression_1d")
    f = f or _default_f
    x = np.sort(rng.uniform(low, high, size=n))[:, None]
    y = f(x) + noise * rng.normal(size=x.shape)
    return x, y


def make_regression_2d(
    n: int,
    *,
    f: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    noise: float = 0.05,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """``X ~ U([-1, 1]^2)`` and ``y = f(x1, x2) + noise * N(0, 1)``, shape ``(n, 1)``.

    The default surface is ``sin(pi x1) * cos(pi x2 / 2)``.
    """
    n = _check_n(n, "make_regression_2d")
    rng = _check_rng(rng, "make_regression_2d")
    X = rng.uniform(-1, 1, size=(n, 2))
    f = f or (lambda a, b: np.sin(np.pi * a) * np.cos(np.pi * b / 2))
    y = f(X[:, 0], X[:, 1])[:, None] + noise * rng.normal(size=(n, 1))
    return X, y


def train_test_split(X: np.ndarray, y: np.ndarray, *, test_fraction: float = 0.25, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A random split: ``X_train, X_test, y_train, y_test``."""
    rng = _check_rng(rng, "train_test_split")
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} rows but y has {len(y)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must lie in (0, 1), got {test_fraction}")
    perm = rng.permutation(len(X))
    n_test = max(1, int(round(test_fraction * len(X))))
    te, tr = perm[:n_test], perm[n_test:]
    return X[tr], X[te], y[tr], y[te]


def batches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    rng: np.random.Generator | None = None,
    shuffle: bool = True,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield mini-batches ``(X_b, y_b)`` covering the data once (the last may be smaller).

    With ``shuffle=True`` (the default) the order is a fresh permutation drawn from ``rng``.
    """
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"batches: X has {n} rows but y has {len(y)}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive integer, got {batch_size!r}")
    if shuffle:
        idx = require_rng(rng, "batches", "shuffle=True").permutation(n)
        for start in range(0, n, batch_size):
            j = idx[start:start + batch_size]
            yield X[j], y[j]
    else:
        for start in range(0, n, batch_size):
            yield X[start:start + batch_size], y[start:start + batch_size]


def standardize(X: np.ndarray, mean: np.ndarray | None = None, std: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zero mean, unit variance per column: returns ``(X_std, mean, std)``.

    Pass the training set's ``mean`` and ``std`` to standardize a test set the same way.
    """
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0) if mean is None else np.asarray(mean)
    std = X.std(axis=0) if std is None else np.asarray(std)
    return (X - mean) / np.where(std > 0, std, 1.0), mean, std
