"""What a playground run can be made of: data sets, input features, activations and initializers.

Each is one entry of one mapping, read by the configuration (:mod:`~nnbook.playground.config`:
the choices, the rules between fields, the app's menus) and by the run
(:mod:`~nnbook.playground.run`: the data, the inputs, the network). A new data set or
activation is one entry here and nothing else::

    DATA_SETS["ring"] = DataSet(lambda c, rng: my_ring(c.n_points, c.noise, rng))
    ACTIVATION_LAYERS["swish"] = lambda rng: Swish()

The public name lists (``DATASETS``, ``ACTIVATIONS``, ``FEATURES``,
``INITS``) are live views of these mappings.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import data as _data
from .. import init as _init
from ..activations import ELU, Abs, HardTanh, Identity, LeakyReLU, PReLU, ReLU, RReLU, Sigmoid, Softplus, Tanh
from ..module import Module

__all__ = [
    "DataSet", "DATA_SETS", "DATASETS", "Feature", "FEATURE_MAPS", "FEATURES", "ACTIVATION_LAYERS", "ACTIVATIONS",
    "INITS", "Names", "usable_features",
]


class Names(Sequence[str]):
    """The names of a mapping, in order, as a live read-only sequence (it follows new entries).

    Compares equal to the tuple of the names and prints like it.
    """

    def __init__(self, mapping: Mapping[str, Any] | Callable[[], Sequence[str]]) -> None:
        self._names = mapping if callable(mapping) else (lambda: tuple(mapping))

    def _all(self) -> tuple[str, ...]:
        return tuple(self._names())

    def __getitem__(self, i: Any) -> Any:
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __contains__(self, name: object) -> bool:
        return name in self._all()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (tuple, Names)) and self._all() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())


# -----------------------------------------------------------------------------
# Data sets
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DataSet:
    """A data set of the playground: how to draw it, and what kind of task it is."""

    #: ``make(config, rng) -> (X, y)``: ``config.n_points`` raw inputs ``(n, input_dim)``
    #: and their targets (class labels, or values ``(n, 1)`` for a regression), drawn
    #: from ``rng``; it may read ``config.noise`` and ``config.n_classes``
    make: Callable[[Any, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    #: ``"classification"`` or ``"regression"``
    task: str = "classification"
    #: 1 or 2 raw inputs
    input_dim: int = 2
    #: whether ``n_classes`` may be more than 2 (else the data set has 2 classes)
    any_classes: bool = False

    @property
    def regression(self) -> bool:
        """Whether the targets are values, not classes."""
        return self.task == "regression"


def _blob_centers(k: int, radius: float = 1.5) -> np.ndarray:
    angle = 2 * np.pi * np.arange(k) / k + np.pi / 4
    return radius * np.c_[np.cos(angle), np.sin(angle)]


#: data sets by name; the first five are classification, the last two regression
DATA_SETS: dict[str, DataSet] = {
    "xor": DataSet(lambda c, rng: _data.make_xor(c.n_points, noise=c.noise, rng=rng)),
    "circles": DataSet(lambda c, rng: _data.make_circles(c.n_points, noise=c.noise, rng=rng)),
    "blobs": DataSet(lambda c, rng: _data.make_blobs(c.n_points, centers=_blob_centers(c.n_classes), std=c.noise, rng=rng),
                     any_classes=True),
    "spirals": DataSet(lambda c, rng: _data.make_spirals(c.n_points, n_classes=c.n_classes, noise=c.noise, rng=rng),
                       any_classes=True),
    "moons": DataSet(lambda c, rng: _data.make_moons(c.n_points, noise=c.noise, rng=rng)),
    "regression_1d": DataSet(lambda c, rng: _data.make_regression_1d(c.n_points, noise=c.noise, rng=rng),
                             task="regression", input_dim=1),
    "regression_2d": DataSet(lambda c, rng: _data.make_regression_2d(c.n_points, noise=c.noise, rng=rng),
                             task="regression"),
}
#: names of the data sets
DATASETS = Names(DATA_SETS)


# -----------------------------------------------------------------------------
# Input features
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    """An input the network can be fed: ``fn(X)`` of the raw inputs ``X``, and its label in the views."""

    fn: Callable[[np.ndarray], np.ndarray]
    label: str  # plain Unicode, not mathtext: parsing TeX costs more than drawing a whole frame
    needs_x2: bool = True


FEATURE_MAPS: dict[str, Feature] = {
    "x1": Feature(lambda X: X[:, 0], "x₁", needs_x2=False),
    "x2": Feature(lambda X: X[:, 1], "x₂"),
    "x1^2": Feature(lambda X: X[:, 0] ** 2, "x₁²", needs_x2=False),
    "x2^2": Feature(lambda X: X[:, 1] ** 2, "x₂²"),
    "x1*x2": Feature(lambda X: X[:, 0] * X[:, 1], "x₁x₂"),
    "sin(x1)": Feature(lambda X: np.sin(X[:, 0]), "sin x₁", needs_x2=False),
    "sin(x2)": Feature(lambda X: np.sin(X[:, 1]), "sin x₂"),
}
#: input features the network can be fed
FEATURES = Names(FEATURE_MAPS)


def usable_features(input_dim: int) -> tuple[str, ...]:
    """The features that can be computed from ``input_dim`` raw inputs."""
    return tuple(f for f, feat in FEATURE_MAPS.items() if input_dim >= 2 or not feat.needs_x2)


# -----------------------------------------------------------------------------
# Activations and initializers
# -----------------------------------------------------------------------------

#: hidden-unit layers by name: ``factory(rng) -> Module`` (``"rrelu"`` draws its random
#: slopes from the run's generator)
ACTIVATION_LAYERS: dict[str, Callable[[np.random.Generator], Module]] = {
    "identity": lambda rng: Identity(),
    "sigmoid": lambda rng: Sigmoid(),
    "tanh": lambda rng: Tanh(),
    "relu": lambda rng: ReLU(),
    "leaky_relu": lambda rng: LeakyReLU(0.01),
    "prelu": lambda rng: PReLU(),
    "rrelu": lambda rng: RReLU(rng=rng),
    "elu": lambda rng: ELU(),
    "softplus": lambda rng: Softplus(),
    "hardtanh": lambda rng: HardTanh(),
    "abs": lambda rng: Abs(),
}
#: hidden-unit activations: every trainable one in :mod:`nnbook.activations`
ACTIVATIONS = Names(ACTIVATION_LAYERS)


def _is_initializer(name: str) -> bool:
    try:
        _init.get(name)
    except ValueError:
        return False
    return True


#: weight initializers: the public ones of :mod:`nnbook.init`, by name
INITS = Names(lambda: tuple(n for n in _init.__all__ if _is_initializer(n)))


# -----------------------------------------------------------------------------
# Small helpers shared by the modules of the package
# -----------------------------------------------------------------------------


def suggest(value: Any, options: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the option closest to a misspelt ``value``, or ``""``."""
    v = str(value).lower()
    opts = [str(o) for o in options]
    close = difflib.get_close_matches(v, [o.lower() for o in opts], n=1)
    if close:
        return f" (did you mean {opts[[o.lower() for o in opts].index(close[0])]!r}?)"
    prefixed = [o for o in opts if v.startswith(o.lower()) or o.lower().startswith(v)]
    return f" (did you mean {max(prefixed, key=len)!r}?)" if prefixed and v else ""


def is_int(v: Any) -> bool:
    """An integer, not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def is_number(v: Any) -> bool:
    """A finite int or float, not a bool."""
    return (is_int(v) or isinstance(v, (float, np.floating))) and math.isfinite(float(v))
