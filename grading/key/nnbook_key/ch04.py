"""The answer key of chapter 4, *Hidden units*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch04` compares the student's answers with these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook.activations import ReLU
from nnbook.module import Sequential

__all__ = [
    "elu", "elu_derivative", "relu_outputs", "dead_fraction", "forward_mistakes", "backward_mistakes",
    "dead_mistakes",
]


def elu(z: Any, alpha: float = 1.0) -> np.ndarray:
    r"""The reference ELU, :math:`z` for :math:`z > 0` and :math:`\alpha(e^z - 1)` otherwise."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z: Any, alpha: float = 1.0) -> np.ndarray:
    r"""The reference derivative of the ELU: 1 for :math:`z > 0`, :math:`\alpha e^z` otherwise."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def relu_outputs(model: Sequential, X: np.ndarray) -> list[np.ndarray]:
    """The output of every ReLU layer of ``model`` on ``X`` (one forward pass)."""
    out, outputs = np.asarray(X, dtype=np.float64), []
    for layer in model:
        out = layer.forward(out)
        if isinstance(layer, ReLU):
            outputs.append(out)
    return outputs


def dead_fraction(model: Sequential, X: Any) -> float:
    """The reference solution: the fraction of the ReLU units of ``model`` that output 0 on every row of ``X``.

    Units of all ``ReLU`` layers are pooled (a network with layers of 30 and
    10 units, 3 and 5 of them dead, has 8 of 40 units dead: 0.2).
    """
    outputs = relu_outputs(model, X)
    if not outputs:
        raise ValueError("dead_fraction: the model has no ReLU layer")
    dead = np.concatenate([np.all(h <= 0, axis=0) for h in outputs])
    return float(dead.mean())


def forward_mistakes(z: np.ndarray, alpha: float) -> list[tuple[np.ndarray, str]]:
    pos = z > 0
    with np.errstate(all="ignore"):
        ez = np.exp(np.minimum(z, 0.0))
        return [
            (np.maximum(z, 0.0), "that is the ReLU, 0 for z <= 0: the ELU is alpha * (exp(z) - 1) there."),
            (np.where(pos, z, ez - 1), f"alpha = {alpha:g} is missing: for z <= 0 the ELU is alpha * (exp(z) - 1), "
                                       "with the alpha the module was built with (self.alpha)."),
            (np.where(pos, z, alpha * ez), "the -1 is missing: for z <= 0 the ELU is alpha * (exp(z) - 1), which "
                                           "is 0 at z = 0 (the two branches meet there), not alpha * exp(z)."),
            (np.where(pos, z, alpha * z), "that is a leaky ReLU with slope alpha; for z <= 0 the ELU is the curve "
                                          "alpha * (exp(z) - 1), which levels off at -alpha."),
            (np.where(pos, alpha * (ez - 1), z), "the two branches are swapped: z for z > 0, alpha * (exp(z) - 1) "
                                                 "for z <= 0."),
            (-elu(z, alpha), "the sign is flipped."),
        ]


def backward_mistakes(z: np.ndarray, g: np.ndarray, alpha: float) -> list[tuple[np.ndarray, str]]:
    pos = z > 0
    ez = np.exp(np.minimum(z, 0.0))
    right = elu_derivative(z, alpha)
    return [
        (right, "you returned the derivative g'(z) itself: multiply it by grad_out, the gradient that arrives "
                "from above (chain rule: dL/dz = dL/dh * g'(z))."),
        (g * np.where(pos, 1.0, alpha * (ez - 1)), "for z <= 0 you used alpha * (exp(z) - 1), the ELU itself; its "
                                                   "derivative is alpha * exp(z) (= g(z) + alpha)."),
        (g * np.where(pos, 1.0, ez), f"the derivative for z <= 0 is alpha * exp(z): alpha = {alpha:g} is missing."),
        (g * pos, "that is the ReLU's derivative, 0 for z <= 0; the ELU's is alpha * exp(z) there, never 0."),
        (g, "you returned grad_out unchanged: multiply it by the derivative g'(z), which is not 1 for z <= 0."),
        (g * elu(z, alpha), "you multiplied grad_out by g(z), the ELU's value; multiply by its derivative g'(z): "
                            "1 for z > 0, alpha * exp(z) otherwise."),
        (g * np.where(pos, 1.0, alpha), "the derivative for z <= 0 is alpha * exp(z), "
                                                                "not the constant alpha."),
        (-g * right, "the sign is flipped."),
        (g * np.where(pos, 0.0, alpha * ez), "the derivative is 1 for z > 0 (the ELU is z there), not 0."),
    ]


def dead_mistakes(model: Sequential, X: np.ndarray) -> list[tuple[float, str]]:
    outs = relu_outputs(model, X)
    widths = [h.shape[1] for h in outs]
    dead = [np.all(h <= 0, axis=0) for h in outs]
    pooled = float(np.concatenate(dead).mean())
    total = int(np.concatenate(dead).sum())
    every: list[np.ndarray] = []                       # every layer's output, ReLU or not
    out = np.asarray(X, dtype=np.float64)
    for layer in model:
        out = layer.forward(out)
        every.append(np.all(out <= 0, axis=0))
    mistakes = [
        (float(np.concatenate([np.any(h <= 0, axis=0) for h in outs]).mean()),
         "that counts the units that are inactive on AT LEAST ONE input (np.any); a dead unit outputs 0 on "
         "EVERY input (np.all over the examples, axis=0)."),
        (float(np.mean([d.mean() for d in dead])),
         f"that is the mean of the layers' fractions; the layers have {widths} units, so pool the units of "
         "all layers (dead units / all units) instead of averaging the fractions."),
        (float(total), f"that is the number of dead units ({total}); return the fraction, dead units / all "
                       f"ReLU units ({sum(widths)})."),
        (1.0 - pooled, "that is the fraction of units that are ALIVE; return the fraction that are dead."),
        (float(dead[0].mean()), "that counts the first ReLU layer only; every ReLU layer of the network counts."),
        (float(dead[-1].mean()), "that counts the last ReLU layer only; every ReLU layer of the network counts."),
        (float(np.concatenate([(h <= 0).ravel() for h in outs]).mean()),
         "that is the fraction of zero ENTRIES of the hidden outputs (examples x units); a unit is dead when its "
         "whole column is 0: np.all(h <= 0, axis=0), then the mean over the units."),
        (float(np.concatenate(every).mean()),
         "that counts the outputs of every layer (Linear layers too); count only the units of the ReLU layers, "
         "the outputs of isinstance(layer, nb.ReLU)."),
        (0.0, "no dead unit found. Two usual causes: a test h < 0, never true because a ReLU's output is never "
              "negative (a dead unit outputs exactly 0: test h <= 0 or h == 0); or np.all over the wrong axis "
              "(axis=1 runs over the units of one example; a unit is a COLUMN: np.all(h <= 0, axis=0))."),
        (float(np.concatenate([np.all(h <= 0, axis=1) for h in outs]).mean()),
         "np.all over the wrong axis: axis=1 runs over the units of one example; a unit is a COLUMN of the "
         "layer's output, so take np.all(..., axis=0) over the examples."),
    ]
    return mistakes
