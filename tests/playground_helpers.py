"""Small playground configurations and helpers shared by tests/test_playground*.py."""

from __future__ import annotations

import numpy as np

import nnbook as nb
from nnbook.playground import PlaygroundConfig

# small runs: few points, so the whole file stays quick
BINARY = PlaygroundConfig(dataset="circles", n_points=80, hidden=(6, 4), activation="tanh", lr=0.1, seed=3)
THREE_CLASS = PlaygroundConfig(dataset="spirals", n_classes=3, n_points=90, hidden=(8,), activation="relu", lr=0.1, seed=4)
REGRESSION_1D = PlaygroundConfig(dataset="regression_1d", features=("x1", "x1^2", "sin(x1)"), n_points=60, hidden=(8,),
                                 activation="elu", lr=0.1, seed=5)
REGRESSION_2D = PlaygroundConfig(dataset="regression_2d", n_points=60, hidden=(5, 5), activation="softplus", lr=0.05,
                                 batch_size=None, seed=6)
NO_HIDDEN = PlaygroundConfig(dataset="xor", features=("x1", "x2", "x1*x2"), hidden=(), n_points=60, lr=0.5, seed=7)
WIDE = PlaygroundConfig(dataset="blobs", n_classes=4, n_points=80, hidden=(12,) * 8, activation="leaky_relu", seed=8)
CONFIGS = {"binary": BINARY, "three-class": THREE_CLASS, "regression-1d": REGRESSION_1D,
           "regression-2d": REGRESSION_2D, "no-hidden": NO_HIDDEN, "wide": WIDE}


def _puor() -> np.ndarray:
    import matplotlib as mpl

    return mpl.colormaps["PuOr"](np.linspace(0, 1, 256), bytes=True)[:, :3]


#: the colours of the units view: orange negative, white zero, purple positive
PUOR = _puor()


def display_bundle(obj) -> dict:
    """What Jupyter shows for ``obj``: IPython's display formatter, as a notebook calls it."""
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(obj)
    return data


def params_of(model: nb.Module) -> list[np.ndarray]:
    return [p.value.copy() for p in model.parameters()]


