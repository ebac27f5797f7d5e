"""Weight initializers (chapter *Initialization and vanishing gradients*).

Every initializer has the signature ``f(shape, rng=None, **params) -> ndarray``
with ``shape = (fan_in, fan_out)`` for a weight matrix. ``rng`` is a
:class:`numpy.random.Generator`; the initializers that draw random numbers
(all but :func:`zeros` and :func:`constant`) raise ``ValueError`` without one,
as everything in ``nnbook`` that draws does (never an unseeded generator, never
NumPy's global seed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._rng import require_rng

__all__ = [
    "zeros", "constant", "normal", "uniform", "lecun_normal",
    "xavier_normal", "xavier_uniform", "he_normal", "he_uniform", "get", "fans",
]

Shape = tuple[int, ...]


def _rng(rng: np.random.Generator | None, where: str) -> np.random.Generator:
    return require_rng(rng, where, "drawing random weights", " (pass np.random.default_rng(seed))")


def _shape(shape: Shape | int) -> Shape:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"shape must have non-negative sizes, got {shape}")
    return shape


def fans(shape: Shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(fan_in, fan_out)``.

    A 1-D shape ``(n,)`` (a bias) counts as ``fan_in = fan_out = n``; for more
    than two axes the leading axes are treated as independent pieces (as in
    :class:`~nnbook.Maxout`) and the last two are ``(fan_in, fan_out)``.
    """
    shape = _shape(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[-2], shape[-1]


def zeros(shape: Shape, rng: np.random.Generator | None = None, *, dtype: Any = np.float64) -> np.ndarray:
    """All zeros."""
    return np.zeros(_shape(shape), dtype=dtype)


def constant(shape: Shape, rng: np.random.Generator | None = None, *, value: float = 0.0, dtype: Any = np.float64) -> np.ndarray:
    """Every entry equal to ``value`` (a constant initialization breaks no symmetry)."""
    return np.full(_shape(shape), value, dtype=dtype)


def normal(shape: Shape, rng: np.random.Generator | None = None, *, mean: float = 0.0, std: float = 1.0, dtype: Any = np.float64) -> np.ndarray:
    r""":math:`w \sim \mathcal N(\mathrm{mean}, \mathrm{std}^2)`."""
    if std < 0:
        raise ValueError(f"normal: std must be non-negative, got {std}")
    return _rng(rng, "normal").normal(mean, std, size=_shape(shape)).astype(dtype, copy=False)


def uniform(shape: Shape, rng: np.random.Generator | None = None, *, low: float = -1.0, high: float = 1.0, dtype: Any = np.float64) -> np.ndarray:
    r""":math:`w \sim \mathcal U(\mathrm{low}, \mathrm{high})`."""
    if not low <= high:
        raise ValueError(f"uniform: need low <= high, got low={low}, high={high}")
    return _rng(rng, "uniform").uniform(low, high, size=_shape(shape)).astype(dtype, copy=False)


def lecun_normal(shape: Shape, rng: np.random.Generator | None = None, *, gain: float = 1.0, dtype: Any = np.float64) -> np.ndarray:
    r"""Forward-pass variance preserving: :math:`w \sim \mathcal N(0, \mathrm{gain}^2 / n_{in})`.

    With :math:`\mathrm{Var}(s) = n_{in}\,\mathrm{Var}(x)\,\mathrm{Var}(w)`, this keeps
    :math:`\mathrm{Var}(s) = \mathrm{Var}(x)` for a linear (or tanh near 0) unit.
    """
    rng = _rng(rng, "lecun_normal")
    fan_in, _ = fans(shape)
    return normal(shape, rng, std=gain * np.sqrt(1.0 / fan_in), dtype=dtype)


def xavier_normal(shape: Shape, rng: np.random.Generator | None = None, *, gain: float = 1.0, dtype: Any = np.float64) -> np.ndarray:
    r"""Glorot & Bengio (2010): :math:`w \sim \mathcal N\!\left(0, \mathrm{gain}^2 \frac{2}{n_{in} + n_{out}}\right)`.

    The compromise between keeping the variance of activations (:math:`1/n_{in}`)
    and of back-propagated gradients (:math:`1/n_{out}`).
    """
    rng = _rng(rng, "xavier_normal")
    fan_in, fan_out = fans(shape)
    return normal(shape, rng, std=gain * np.sqrt(2.0 / (fan_in + fan_out)), dtype=dtype)


def xavier_uniform(shape: Shape, rng: np.random.Generator | None = None, *, gain: float = 1.0, dtype: Any = np.float64) -> np.ndarray:
    r"""Glorot & Bengio's normalized initialization: :math:`w \sim \mathcal U(-a, a)`, :math:`a = \mathrm{gain}\sqrt{6/(n_{in} + n_{out})}`.

    Its variance is :math:`a^2/3 = \mathrm{gain}^2 \cdot 2/(n_{in} + n_{out})`.
    """
    rng = _rng(rng, "xavier_uniform")
    fan_in, fan_out = fans(shape)
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return uniform(shape, rng, low=-a, high=a, dtype=dtype)


def he_normal(shape: Shape, rng: np.random.Generator | None = None, *, gain: float = np.sqrt(2.0), dtype: Any = np.float64) -> np.ndarray:
    r"""He et al. (2015) for ReLU units: :math:`w \sim \mathcal N(0, 2 / n_{in})`.

    ReLU zeroes half of its inputs, halving the variance; the factor 2 restores it.
    """
    rng = _rng(rng, "he_normal")
    fan_in, _ = fans(shape)
    return normal(shape, rng, std=gain / np.sqrt(fan_in), dtype=dtype)


def he_uniform(shape: Shape, rng: np.random.Generator | None = None, *, gain: float = np.sqrt(2.0), dtype: Any = np.float64) -> np.ndarray:
    r"""He et al. (2015), uniform: :math:`w \sim \mathcal U(-a, a)`, :math:`a = \sqrt{6 / n_{in}}` (variance :math:`2/n_{in}`)."""
    rng = _rng(rng, "he_uniform")
    fan_in, _ = fans(shape)
    a = gain * np.sqrt(3.0 / fan_in)
    return uniform(shape, rng, low=-a, high=a, dtype=dtype)


Initializer = Callable[..., np.ndarray]

_REGISTRY: dict[str, Initializer] = {
    f.__name__: f
    for f in (zeros, constant, normal, uniform, lecun_normal, xavier_normal, xavier_uniform, he_normal, he_uniform)
}

#: the registered initializers that draw nothing, and so need no ``rng``
_DRAW_NOTHING = frozenset({"zeros", "constant"})


def get(init: str | Initializer) -> Initializer:
    """Look an initializer up by name, or pass a callable through.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    if callable(init):
        return init
    if isinstance(init, str) and init in _REGISTRY:
        return _REGISTRY[init]
    raise ValueError(
        f"unknown initializer {init!r}; use one of {sorted(_REGISTRY)} or a callable f(shape, rng)"
    )
