"""Checkers for the exercises of chapter 5, *Universality and depth*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they passed. A wrong answer is compared with the
usual mistakes (a bump upside down, steps not steep enough, a bias of
:math:`-a` where :math:`-s a` is meant, kinks at :math:`b/w` instead of
:math:`-b/w`, a unit with zero weight counted as a kink, slopes of the
sawtooth off by a factor, ...) so that the hint names the mistake.
The expected answers come from the instructor's key (``nnbook_key.ch05``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> import numpy as np, nnbook as nb
>>> from nnbook.exercises import checks, ch05
>>> from nnbook_key import ch05 as key  # the instructor's key: a reference solution passes
>>> with checks("kinks") as c:
...     _ = ch05.check_kinks(c, key.reference_kinks, [[1.0, -2.0]], [-0.5, 1.0], [[1.0], [1.0]])
PASS  kinks of a network with 2 hidden units
kinks: all 1 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..activations import ReLU, Sigmoid
from ..layers import Linear
from ..module import Module, Sequential
from ..universality import line_breakpoints, sawtooth_network
from . import Checks, diagnose, first_mistake
from ._oracle import oracle

_K = oracle("ch05")  # the expected answers: the instructor's key, or its table

__all__ = [
    "check_bump", "check_kinks", "check_shallow_sawtooth", "UAT_HINT",
]


#: the hint of the conceptual question (it must not give the answer away)
UAT_HINT = (
    "not yet. Reread the statement of the theorem in the chapter word by word: which functions (continuous), "
    "on which set (compact), which units (not linear ones), and what it asserts (that a network exists). "
    "Everything it does not mention (how to find the weights, how many units, what happens between the "
    "training points) it does not promise."
)


def _one_hidden_layer(model: Any, activation: type, what: str) -> str | None:
    """A hint if ``model`` is not ``Sequential(Linear(1, k), activation(), Linear(k, 1))``."""
    if isinstance(model, type):
        return f"got the class {model.__name__}; return an instance, e.g. nb.Sequential(...)."
    if not isinstance(model, Sequential):
        return f"return the network as nb.Sequential(Linear(1, k), {what}(), Linear(k, 1)); got {type(model).__name__}."
    layers = list(model)
    kinds = [type(m).__name__ for m in layers]
    if len(layers) != 3 or type(layers[0]) is not Linear or type(layers[1]) is not activation or type(layers[2]) is not Linear:
        return f"expected the layers Linear, {what}, Linear (one hidden layer); got {', '.join(kinds)}."
    first, last = layers[0], layers[2]
    if first.in_features != 1:
        return f"the network has one input: the first Linear layer needs in_features = 1, got {first.in_features}."
    if last.out_features != 1:
        return f"the network has one output: the last Linear layer needs out_features = 1, got {last.out_features}."
    if last.in_features != first.out_features:
        return (
            f"the layers do not chain: the first Linear layer has {first.out_features} outputs but the last "
            f"one takes {last.in_features} inputs."
        )
    return None


# -- Exercise: a bump from two sigmoid units ---------------------------------------------

def _bump_hint(model: Sequential, x: np.ndarray, left: float, right: float, height: float, margin: float,
               rtol: float) -> Callable[[np.ndarray, np.ndarray], str]:
    """The hint for a wrong bump: it names the mistake from the network's weights and its output on ``x``."""
    w = np.ravel(model[0].weight.value).astype(np.float64)
    b = np.ravel(model[0].bias.value).astype(np.float64) if model[0].bias is not None else np.zeros(2)
    tol = rtol * abs(height)
    need = np.log(1 / rtol - 1) / margin

    def hint(a: np.ndarray, e: np.ndarray) -> str:
        if a.shape != e.shape:
            return diagnose(a, e)
        y = a.ravel()
        if np.any(w == 0):
            return "a sigmoid unit with input weight 0 is a constant, not a step: give both units the input weight s (large)."
        where = np.sort(-b / w)
        target = np.array(sorted([left, right]))
        if np.any(np.abs(where - target) > margin / 2):
            text = (
                f"the steps are in the wrong places: your units switch at x = {where[0]:.4g} and {where[1]:.4g}, "
                f"not at {left:g} and {right:g}. A unit sigmoid(w x + b) switches where w x + b = 0, at "
                "x = -b / w, so a step at x = a needs the bias b = -w a"
            )
            if np.allclose(where, np.sort([left / w[0], right / w[1]]), rtol=1e-6, atol=1e-12):
                text += " (the biases are -a, so the steps sit at a / w instead)"
            elif np.allclose(where, -target[::-1], rtol=1e-6, atol=1e-12):
                text += " (the biases have the wrong sign, so the steps sit at -a)"
            return text + "."
        if np.allclose(y, -e.ravel(), atol=tol):
            return (
                f"the bump points the wrong way (a dip of depth {abs(height):g} instead of a bump of height "
                f"{height:g}): the rising step at x = left gets the output weight +height, the falling step at "
                "x = right gets -height."
            )
        far_right = x > right
        tail = float(np.median(y[far_right])) if np.any(far_right) else 0.0
        if abs(tail) > abs(height) / 2:
            return (
                f"the output does not come back to 0 after x = {right:g} (it is {tail:.4g} there): the bump is the "
                "*difference* of two steps, height * (step at left - step at right)."
            )
        if np.min(np.abs(w)) < need:
            worst = int(np.argmax(np.abs(y - e.ravel())))
            return (
                f"the steps are in the right places but not steep enough: at x = {x[worst]:.3f} the output is "
                f"{y[worst]:.4g}, the target {e.ravel()[worst]:g}. A step sigmoid(s (x - a)) is within {rtol:g} of "
                f"its limits only where |x - a| > ln({1 / rtol - 1:g}) / s, so at {margin:g} from the edges you "
                f"need a steepness s of at least about {need:.0f} (input weights s, biases -s a); yours is "
                f"{np.min(np.abs(w)):.4g}."
            )
        offset = float(np.median(y - e.ravel()))
        if abs(offset) > tol and np.allclose(y - offset, e.ravel(), atol=tol):
            return f"the whole output is shifted by {offset:.4g}: the output bias must be 0."
        return diagnose(a, e)

    return hint


def check_bump(
    c: Checks,
    make_bump: Callable[[float, float, float], Any],
    left: float,
    right: float,
    height: float,
    *,
    margin: float = 0.02,
    rtol: float = 0.01,
    span: tuple[float, float] = (-1.0, 2.0),
) -> bool:
    r"""Check that ``make_bump(left, right, height)`` returns a network
    ``Sequential(Linear(1, 2), Sigmoid(), Linear(2, 1))`` whose output is
    within ``rtol * |height|`` of ``height`` at every :math:`x` in ``(left, right)``
    at least ``margin`` from both edges, and of 0 at every :math:`x` of ``span``
    at least ``margin`` outside them.
    """
    name = f"bump of height {height:g} on ({left:g}, {right:g})"
    ok, model = c.call(name, lambda: make_bump(left, right, height))
    if not ok:
        return False
    problem = _one_hidden_layer(model, Sigmoid, "Sigmoid")
    if problem is None and model[0].out_features != 2:
        problem = f"use exactly two sigmoid units (a rising and a falling step); got {model[0].out_features}."
    if problem:
        return c.fail(name, problem)
    x = np.linspace(span[0], span[1], 6001)
    keep = (np.abs(x - left) >= margin) & (np.abs(x - right) >= margin)
    x = x[keep]
    ok, out = c.call(name, lambda: model.forward(x[:, None]))
    if not ok:
        return False
    expected = _K.bump_target(x, left, right, height)[:, None]
    return c.array(name, lambda: out, expected, rtol=0, atol=rtol * abs(height), hint=_bump_hint(model, x, left, right, height, margin, rtol))


# -- Exercise: the kinks of a one-hidden-layer ReLU network ------------------------------

def check_kinks(
    c: Checks,
    kinks: Callable[..., Any],
    W1: Any,
    b1: Any,
    W2: Any,
    *,
    name: str | None = None,
) -> bool:
    """Check ``kinks(W1, b1, W2)`` against :func:`reference_kinks` on one network.

    The student's function gets copies of ``W1 (1, k)``, ``b1 (k,)`` and ``W2 (k, 1)``;
    the answer must be a flat array in increasing order.
    """
    W1, b1, W2 = (np.array(v, dtype=np.float64) for v in (W1, b1, W2))
    k = W1.shape[-1]
    name = name or f"kinks of a network with {k} hidden units"
    expected = _K.reference_kinks(W1, b1, W2)
    ok, out = c.call(name, lambda: kinks(W1.copy(), b1.copy(), W2.copy()))
    if not ok:
        return False
    mistakes = _K.kink_mistakes(W1, b1, W2)

    def hint(a: np.ndarray, e: np.ndarray) -> str:
        flat = a.reshape(-1)
        if a.ndim != 1 and flat.shape == e.shape and np.allclose(np.sort(flat), e, rtol=1e-6, atol=1e-9):
            return f"return a flat array of shape {e.shape}, not {a.shape} (np.ravel)."
        if not np.all(np.isfinite(flat)):
            return ("the answer contains inf or nan: a unit with input weight w = 0 is constant and never "
                    "switches; leave it out instead of dividing by 0.")
        if flat.shape == e.shape and np.allclose(np.sort(flat), e, rtol=1e-6, atol=1e-9):
            return "the right kinks, but not in increasing order: sort them (np.sort)."
        return first_mistake(flat, e, mistakes) or diagnose(flat, e) + f" (expected the kinks {np.round(e, 4)})"

    return c.array(name, lambda: out, expected, hint=hint)


# -- Exercise: the sawtooth with one hidden layer ----------------------------------------

def check_shallow_sawtooth(c: Checks, build: Any, depth: int = 3, *, max_units: int | None = None) -> bool:
    r"""Check that ``build()`` (or ``build`` itself) is a one-hidden-layer ReLU network
    ``Sequential(Linear(1, k), ReLU(), Linear(k, 1))`` with at most ``max_units``
    (default :math:`2^L`) hidden units that equals the tent map composed ``depth``
    times, :math:`T^{(L)}`, everywhere on :math:`[0, 1]`.
    """
    max_units = 2**depth if max_units is None else max_units
    name = f"one hidden layer computing the tent map composed {depth} times on [0, 1]"
    model = build
    if callable(build) and not isinstance(build, (Module, type)):
        ok, model = c.call(name, build)
        if not ok:
            return False
    problem = _one_hidden_layer(model, ReLU, "ReLU")
    if problem is None and model[0].out_features > max_units:
        problem = (
            f"use at most {max_units} ReLU units, got {model[0].out_features}: one for the first slope and "
            f"one for each of the {2**depth - 1} kinks."
        )
    if problem:
        return c.fail(name, problem)
    teeth = 2**depth
    x = np.unique(np.r_[np.linspace(0.0, 1.0, 4001), np.arange(teeth + 1) / teeth])
    ok, out = c.call(name, lambda: model.forward(x[:, None]))
    if not ok:
        return False
    expected = sawtooth_network(depth).forward(x[:, None])

    def hint(a: np.ndarray, e: np.ndarray) -> str:
        if a.shape != e.shape:
            return diagnose(a, e)
        y = a.ravel()
        want = np.arange(1, teeth) / teeth
        try:
            found = line_breakpoints(model, 0.0, 1.0, pieces=True)
        except Exception:  # noqa: BLE001 - the hint is best effort
            found = None
        if found is not None and (found.shape != want.shape or not np.allclose(found, want, atol=1e-6)):
            shown = ", ".join(f"{v:.4g}" for v in found[:9]) + (" ..." if len(found) > 9 else "")
            return (
                f"the output bends at x = {shown or 'nowhere'} in (0, 1); T composed {depth} times bends at "
                f"x = k/{teeth} for k = 1, ..., {teeth - 1}. A unit max(0, x - a) switches at x = a: input weight 1, bias -a."
            )
        if abs(y[0]) > 1e-6:
            return f"the output at x = 0 is {y[0]:.4g}, not 0: check the output bias (0) and the units that are on at x = 0."
        slope = (y[1] - y[0]) / (x[1] - x[0])
        if not np.isclose(slope, teeth, rtol=1e-4):
            return (
                f"the first slope is {slope:.4g}, not {teeth}: each of the {teeth // 2} teeth rises from 0 to 1 over "
                f"1/{teeth}, so the slopes are +{teeth} and -{teeth} in turn."
            )
        return (
            f"the kinks and the first slope are right, but the slope must change by -{2 * teeth} and +{2 * teeth} "
            f"in turn (from +{teeth} to -{teeth} and back): {diagnose(a, e)}"
        )

    return c.array(name, lambda: out, expected, rtol=0, atol=1e-9, hint=hint)
