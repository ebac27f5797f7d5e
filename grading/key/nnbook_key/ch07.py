"""The answer key of chapter 7, *Initialization and vanishing gradients*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch07` compares the student's answers with these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook.activations import Elementwise, PReLU
from nnbook.layers import Linear
from nnbook.module import Sequential

__all__ = ["xavier_uniform", "bound_mistakes", "activations", "activation_profile", "profile_mistakes"]


def xavier_uniform(d_in: int, d_out: int, rng: np.random.Generator) -> np.ndarray:
    r"""The reference: :math:`w \sim \mathcal U(-a, a)`, :math:`a = \sqrt{6/(d_{in} + d_{out})}`, shape ``(d_in, d_out)``."""
    a = np.sqrt(6.0 / (d_in + d_out))
    return rng.uniform(-a, a, size=(d_in, d_out))


def bound_mistakes(d_in: int, d_out: int) -> list[tuple[float, str]]:
    """Bounds a of U(-a, a) that the usual mistakes give, with the hint for each."""
    n = d_in + d_out
    return [
        (np.sqrt(2.0 / n), "your bound is sqrt(2 / (d_in + d_out)), the STANDARD DEVIATION Xavier asks for. A uniform "
                           "U(-a, a) has variance a^2 / 3, so to get the variance 2 / (d_in + d_out) the bound must be "
                           "a = sqrt(3 * 2 / (d_in + d_out)) = sqrt(6 / (d_in + d_out))."),
        (np.sqrt(1.0 / n), "your bound is sqrt(1 / (d_in + d_out)); Xavier's bound is sqrt(6 / (d_in + d_out)) (variance "
                           "a^2 / 3 = 2 / (d_in + d_out))."),
        (np.sqrt(6.0 / d_in), "your bound is sqrt(6 / d_in), which counts the fan-in only (it is He's uniform bound, for "
                              "ReLU units); Xavier's compromise between the forward and the backward pass uses "
                              "d_in + d_out: a = sqrt(6 / (d_in + d_out))."),
        (np.sqrt(3.0 / d_in), "your bound is sqrt(3 / d_in), variance 1 / d_in: that keeps the forward pass only "
                              "(LeCun's uniform); Xavier's uses both fans: a = sqrt(6 / (d_in + d_out))."),
        (np.sqrt(6.0 / d_out), "your bound is sqrt(6 / d_out), the fan-out alone; use d_in + d_out: "
                               "a = sqrt(6 / (d_in + d_out))."),
        (6.0 / n, "your bound is 6 / (d_in + d_out): the square root is missing, a = sqrt(6 / (d_in + d_out))."),
        (np.sqrt(6.0) / n, "your bound is sqrt(6) / (d_in + d_out); the square root covers the whole fraction: "
                           "a = sqrt(6 / (d_in + d_out))."),
        (np.sqrt(6.0 / n) / 2, "your bound is half of sqrt(6 / (d_in + d_out)): U(-a, a) already spans 2a, so draw "
                               "rng.uniform(-a, a) (or a * (2 * rng.random(shape) - 1)) without halving."),
        (1.0, "your values lie in [-1, 1] (or [0, 1]): rng.uniform() or rng.random() without the bound. Draw from "
              "[-a, a] with a = sqrt(6 / (d_in + d_out))."),
    ]


def activations(model: Sequential, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Pre-activations (Linear outputs) and activations (outputs of the modules after each Linear)."""
    pre, act = [], []
    out = np.asarray(X, dtype=np.float64)
    layers = list(model)
    for i, layer in enumerate(layers):
        out = layer.forward(out)
        if isinstance(layer, Linear):
            pre.append(out)
        nxt = layers[i + 1] if i + 1 < len(layers) else None
        if isinstance(layer, (Elementwise, PReLU)) and not isinstance(nxt, (Elementwise, PReLU)):
            act.append(out)
    return pre, act


def activation_profile(model: Sequential, X: Any) -> np.ndarray:
    """The reference: for each hidden layer, the standard deviation of its activations (all entries) and
    the fraction of the entries with ``|h| > 0.99``, as an array of shape ``(n_layers, 2)``.

    A hidden layer is a ``Linear`` layer followed by an activation; its
    activation is the output of that activation module.
    """
    _, act = activations(model, X)
    if not act:
        raise ValueError("activation_profile: the model has no activation layer")
    return np.array([[np.std(h), np.mean(np.abs(h) > 0.99)] for h in act])


def profile_mistakes(model: Sequential, X: np.ndarray) -> list[tuple[np.ndarray, str]]:
    pre, act = activations(model, X)
    rows = lambda f, g, arrays=act: np.array([[f(h), g(h)] for h in arrays])  # noqa: E731
    sat = lambda h: np.mean(np.abs(h) > 0.99)  # noqa: E731
    return [
        (rows(np.std, sat, pre), "those are the statistics of the PRE-activations s = x W + b (the Linear layers' "
                                 "outputs); measure the activations h = g(s), the outputs of the activation layers."),
        (np.array([[np.std(h), sat(s)] for h, s in zip(act, pre)]),
         "the fraction (column 1) is computed on the pre-activations s; saturation is |h| > 0.99 for the "
         "activations h = g(s)."),
        (np.array([[np.std(s), sat(h)] for h, s in zip(act, pre)]),
         "the standard deviation (column 0) is that of the pre-activations s; take it of the activations h = g(s)."),
        (rows(lambda h: np.std(h, axis=0).mean(), sat), "column 0 is the mean of the per-unit standard deviations "
                                                        "(np.std(h, axis=0).mean()); take the standard deviation of "
                                                        "ALL the entries of the layer's output: np.std(h)."),
        (rows(lambda h: np.std(h, axis=1).mean(), sat), "column 0 is the mean of the per-example standard deviations "
                                                        "(axis=1); take the standard deviation of all the entries: np.std(h)."),
        (rows(np.var, sat), "column 0 is the variance; return the standard deviation, np.std(h)."),
        (rows(np.std, lambda h: np.mean(h > 0.99)), "the fraction counts h > 0.99 only; a tanh unit saturates on both "
                                                    "sides: count |h| > 0.99 (np.abs)."),
        (rows(np.std, lambda h: 100 * sat(h)), "the fraction is in percent; return it as a number between 0 and 1."),
        (rows(np.std, lambda h: np.mean(np.abs(h) < 0.99)), "column 1 is the fraction of entries that are NOT "
                                                            "saturated; count those with |h| > 0.99."),
        (rows(np.std, lambda h: float(np.sum(np.abs(h) > 0.99))), "column 1 is the number of saturated entries; "
                                                                  "divide by the number of entries (np.mean of the test)."),
        (rows(sat, np.std), "the two columns are swapped: column 0 the standard deviation, column 1 the fraction."),
    ]
