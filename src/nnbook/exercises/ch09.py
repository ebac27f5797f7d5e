"""Checkers for the exercises of chapter 9, *The playground*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they passed; a wrong answer gets a hint that names
the likely mistake (columns in the wrong order, a transposed result, biases or
the output layer left out of a count, a network too small to learn spirals, ...).
The expected answers come from the instructor's key (``nnbook_key.ch09``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> import numpy as np
>>> from nnbook.exercises import checks, ch09
>>> def count(config):
...     sizes = config.layer_sizes
...     return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
>>> from nnbook.playground import PlaygroundConfig
>>> with checks("count") as c:
...     _ = ch09.check_count_parameters(c, count, PlaygroundConfig(hidden=(4, 2)))
PASS  parameters of a 2-4-2-1 network
count: all 1 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..playground import FEATURES, Playground, PlaygroundConfig
from . import Checks, diagnose, first_mistake
from ._oracle import oracle

_K = oracle("ch09")  # the expected answers: the instructor's key, or its table

__all__ = [
    "check_feature_map", "check_count_parameters", "check_spiral_config",
    "SPIRAL_DATA", "SPIRAL_EPOCHS", "SPIRAL_TARGET", "SYMMETRY_HINT",
]

#: the data settings of the spiral exercise, which a solution must leave as they are
SPIRAL_DATA = {"dataset": "spirals", "n_points": 200, "noise": 0.1, "test_fraction": 0.5, "n_classes": 2, "seed": 0}
#: the most epochs the spiral exercise trains for
SPIRAL_EPOCHS = 200
#: the test accuracy a solution of the spiral exercise must reach
SPIRAL_TARGET = 0.9

#: the hint of the conceptual question on symmetry (it must not give the answer away)
SYMMETRY_HINT = (
    "not yet. With every weight equal, two units of a layer compute the same function. Follow one "
    "update: do the two units receive the same gradient? Which of the changes makes the gradients "
    "of two such units differ at all, rather than only larger, smaller or noisier for both alike?"
)


# -- Exercise: the feature map -------------------------------------------------------------

def check_feature_map(c: Checks, feature_map: Callable[[np.ndarray], Any], X: Any, *, name: str | None = None) -> bool:
    """Check ``feature_map(X)`` against the playground's seven features of ``X (n, 2)``,
    in the order of :data:`nnbook.playground.FEATURES`: ``x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)``."""
    X = np.array(X, dtype=np.float64)
    name = name or f"feature_map on {X.shape[0]} points"
    expected = _K.feature_map_reference(X)
    ok, out = c.call(name, lambda: feature_map(X.copy()))
    if not ok:
        return False

    def hint(a: np.ndarray, e: np.ndarray) -> str:
        if a.shape == e.T.shape and a.shape != e.shape:
            return (
                f"shape {a.shape} is the transpose of the expected {e.shape}: one row a point and one column a "
                "feature. np.array([f1, f2, ...]) stacks the features as rows; use np.column_stack or .T."
            )
        if a.shape == (e.shape[0], e.shape[1] - 2) or a.shape == (e.shape[0], e.shape[1] - 1):
            return f"{a.shape[1]} columns, expected {e.shape[1]}: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)."
        if a.shape != e.shape:
            return diagnose(a, e) + " (one row a point, seven columns)"
        for j, fname in enumerate(FEATURES):
            if not np.allclose(a[:, j], e[:, j], rtol=1e-9, atol=1e-12):
                holds = [FEATURES[k] for k in range(e.shape[1]) if np.allclose(a[:, j], e[:, k], rtol=1e-9, atol=1e-12)]
                if holds:
                    return f"column {j} should be {fname} but holds {holds[0]}: the columns are in the wrong order."
                if fname.startswith("sin") and np.allclose(a[:, j], np.sin(np.radians(X[:, int(fname[-2]) - 1]))):
                    return f"column {j} ({fname}) treats the input as degrees; np.sin works in radians."
                return f"column {j} ({fname}) is wrong. " + diagnose(a[:, j], e[:, j])
        return diagnose(a, e)

    return c.array(name, lambda: out, expected, rtol=1e-9, atol=1e-12, hint=hint)


# -- Exercise: counting parameters -----------------------------------------------------------


def check_count_parameters(c: Checks, count: Callable[[PlaygroundConfig], Any], config: PlaygroundConfig, *, name: str | None = None) -> bool:
    """Check ``count(config)`` against the number of trainable scalars of the playground's network."""
    sizes = config.layer_sizes
    name = name or f"parameters of a {'-'.join(str(s) for s in sizes)} network"
    expected = _K.count_parameters_reference(config)
    ok, out = c.call(name, lambda: count(config))
    if not ok:
        return False
    def hint(a: np.ndarray, e: np.ndarray) -> str:
        return first_mistake(a, e, _K.count_mistakes(config), rtol=0.0, atol=0.0) or (
            f"got {a.reshape(-1)[0]:g}, expected {e.reshape(())!s}: sum (inputs + 1) * outputs over the layers.")

    return c.scalar(name, lambda: out, expected, rtol=0, atol=0, hint=hint)


# -- Exercise: learning the spirals -----------------------------------------------------------


def check_spiral_config(c: Checks, config: Any, *, seed: int | None = None, target: float = SPIRAL_TARGET,
                        name: str | None = None) -> bool:
    """Train ``config`` (a :class:`~nnbook.playground.PlaygroundConfig` on the data of
    :data:`SPIRAL_DATA`) for :data:`SPIRAL_EPOCHS` epochs and check the final test accuracy.

    ``seed`` trains the same settings from another seed (other data, other initial weights).
    """
    name = name or "test accuracy on the spirals" + (f" with seed {seed}" if seed is not None else "")
    if not isinstance(config, PlaygroundConfig):
        return c.fail(name, f"spiral_config must be a nb.playground.PlaygroundConfig, got {type(config).__name__}.")
    changed = {k: getattr(config, k) for k, v in SPIRAL_DATA.items() if getattr(config, k) != v}
    if changed:
        return c.fail(name, f"keep the data as given ({SPIRAL_DATA}); you changed {changed}.")
    if seed is not None:
        config = config.replace(seed=seed)
    epochs_needed = SPIRAL_EPOCHS
    ok, run = c.call(name, lambda: Playground(config).train(epochs_needed))
    if not ok:
        return False
    acc = run.history["val_accuracy"][-1] if run.history["val_accuracy"] else 0.0
    train_acc = run.history["accuracy"][-1] if run.history["accuracy"] else 0.0
    if run.diverged:
        hint = "the run diverged (the loss became infinite): lower the learning rate."
    elif train_acc < target:
        hint = (
            f"test accuracy {acc:.3f} after {SPIRAL_EPOCHS} epochs, and the training accuracy is only "
            f"{train_acc:.3f}: the network underfits. Two spiral arms need a boundary that winds around the "
            "origin: give it more units or layers, a larger learning rate, or features such as sin(x1) and sin(x2)."
        )
    else:
        hint = (
            f"test accuracy {acc:.3f} (training {train_acc:.3f}): it fits the training points but not the test "
            "points. Try a smoother model: fewer units, or some L2."
        )
    return c.true(name, bool(acc >= target), hint)
