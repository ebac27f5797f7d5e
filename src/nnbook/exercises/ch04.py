"""Checkers for the exercises of chapter 4, *Hidden units*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they all passed. The student's code runs with
NumPy's overflow and invalid-operation warnings turned into errors, so an
exponential that overflows is caught where it happens, even in a branch of
``np.where`` that is thrown away. A wrong answer is compared with a catalogue
of the usual mistakes (the derivative of the wrong branch, the incoming
gradient never multiplied in, ``any`` where ``all`` was meant, a mean of the
layers' fractions, ...) so that the hint names the mistake.
The expected answers come from the instructor's key (``nnbook_key.ch04``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> import numpy as np
>>> import nnbook as nb
>>> from nnbook.exercises import checks, ch04
>>> from nnbook_key import ch04 as key  # the instructor's key: a reference solution passes
>>> model, X = ch04.example_network()
>>> with checks("dead units") as c:
...     _ = ch04.check_dead_fraction(c, key.dead_fraction, model, X)
PASS  dead_fraction on a network with 2 ReLU layers (9 units)
dead units: all 1 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..activations import ReLU
from ..layers import Linear
from ..module import Sequential
from . import Checks, as_numbers, close, diagnose, error_hint, first_mistake
from ._oracle import oracle

_K = oracle("ch04")  # the expected answers: the instructor's key, or its table

__all__ = [
    "check_elu_module", "example_network", "check_dead_fraction", "MAXOUT_HINT", "MAXOUT_CHOICES",
]

#: the letters of the conceptual question on maxout units
MAXOUT_CHOICES = frozenset("abcdefghij")


#: the hint of the conceptual question on maxout units (it must not give the answer away)
MAXOUT_HINT = (
    "not yet. A maximum of two affine functions max(w1 z + b1, w2 z + b2) is convex, piecewise linear, and "
    "has at most one kink. For each function ask: is it convex (does its slope never decrease as z grows)? "
    "Is it made of straight pieces? How many kinks does it have? You can also try: set the weights of an "
    "nb.Maxout(1, 1, k=2, init=0.0) layer by hand and compare it with the function on a grid."
)


# -- Exercise: an ELU module -----------------------------------------------------------------

_OVERFLOW_HINT = (
    "overflow in exp for a large input: np.where(z > 0, z, alpha * (np.exp(z) - 1)) computes BOTH branches "
    "for every entry before choosing, so np.exp(1000) overflows even though that value is thrown away (a "
    "RuntimeWarning with NumPy's default settings, an inf or nan as soon as it is multiplied by 0). Only "
    "the entries z <= 0 need the exponential: use np.exp(np.minimum(z, 0)) (or np.expm1 of it)."
)


def _elu_hint(actual: np.ndarray, expected: np.ndarray) -> str | None:
    """The hint for a wrong shape or an inf or nan, the mistakes a catalogue cannot name."""
    if actual.shape != expected.shape:
        return (f"shape {actual.shape}, expected {expected.shape}: an activation acts entry by entry, so its "
                "output (and the gradient it sends back) has the shape of its input.")
    if not np.all(np.isfinite(actual)):
        return "inf or nan in the answer (with NumPy's warnings silenced?): " + _OVERFLOW_HINT
    return None


def _grid(alpha: float, shape: tuple[int, int] = (4, 5), seed: int = 4) -> np.ndarray:
    """Inputs on both sides of 0 and away from it (finite differences do not cross the kink)."""
    r = np.random.default_rng(seed)
    z = r.uniform(0.2, 3.5, size=shape) * r.choice([-1.0, 1.0], size=shape)
    z.flat[0], z.flat[1] = 2.0, -1.5                 # both signs always present
    return z


def _alpha_hint(exc: BaseException) -> str | None:
    if isinstance(exc, TypeError) and "alpha" in str(exc):
        return error_hint(exc) + ". The module is built as MyELU(alpha=...): its __init__ takes alpha and keeps it."
    return None


def _keep_hint(exc: BaseException) -> str | None:
    if isinstance(exc, AttributeError):
        return error_hint(exc) + ". forward must keep what backward needs (e.g. self.z = z) before it returns."
    return None


def _check_forward(c: Checks, make: Callable[[], Any], z: np.ndarray, alpha: float, name: str) -> bool:
    with c.step(name, trouble=_OVERFLOW_HINT, hint=_alpha_hint) as run:
        module = make()
        z_in = z.copy()
        out = run(module.forward, z_in)
        if not np.array_equal(z_in, z):
            c.fail(name, "forward changed its input array in place (e.g. z[z < 0] = ...); compute a new array "
                         "instead (np.where), so that the caller's z, and the one you keep for backward, stay intact.")
        else:
            c.array(name, as_numbers(out), _K.elu(z, alpha), rtol=1e-9, atol=1e-12, hint=_elu_hint,
                    mistakes=lambda: _K.forward_mistakes(z, alpha))
    return run.ok


def _check_backward(c: Checks, make: Callable[[], Any], z: np.ndarray, G: np.ndarray, alpha: float, name: str) -> bool:
    with c.step(name, trouble=_OVERFLOW_HINT, hint=_keep_hint) as run:
        module = make()
        run(module.forward, z.copy())
        back = as_numbers(run(module.backward, G.copy()))
        c.array(name, back, G * _K.elu_derivative(z, alpha), rtol=1e-9, atol=1e-12, hint=_elu_hint,
                mistakes=lambda: _K.backward_mistakes(z, G, alpha))
    return run.ok


def _check_against_forward(c: Checks, make: Callable[[], Any], z: np.ndarray, G: np.ndarray, name: str) -> bool:
    def hint(bad: dict[str, tuple[np.ndarray, np.ndarray]]) -> str:
        analytic, numeric = bad["input"]
        if analytic.shape != numeric.shape:
            return f"backward returned shape {analytic.shape}; the input had shape {numeric.shape}."
        worst = np.unravel_index(np.argmax(np.abs(analytic - numeric)), z.shape)
        side = "z > 0" if z[worst] > 0 else "z <= 0"
        return (
            f"backward does not match your forward: at z = {z[worst]:.4g} ({side}) backward gives "
            f"{analytic[worst]:.6g} but the central difference (f(z + eps) - f(z - eps)) / (2 eps) of "
            f"sum(grad_out * forward(z)) gives {numeric[worst]:.6g}. Differentiate the branch of "
            f"forward used for {side}, and multiply by grad_out."
        )

    return c.backward_check(name, make, z, G, hint=hint, trouble=_OVERFLOW_HINT)


def _check_large_inputs(c: Checks, make: Callable[[], Any], alpha: float, name: str) -> bool:
    big = np.array([[1000.0, -1000.0, 30.0, -30.0, 0.5, -0.5]])
    Gb = np.array([[1.0, -2.0, 0.5, 3.0, -1.0, 2.0]])

    def problem(what: str, a: np.ndarray, e: np.ndarray, mistakes: Callable[[], Any]) -> str | None:
        if close(a, e, 1e-9, 1e-12):
            return None
        if a.shape == e.shape and not np.all(np.isfinite(a)):
            return _OVERFLOW_HINT
        return f"{what} at large inputs: " + (_elu_hint(a, e) or first_mistake(a, e, mistakes) or diagnose(a, e))

    with c.step(name, trouble=_OVERFLOW_HINT) as run:
        module = make()
        out = as_numbers(run(module.forward, big.copy()))
        back = as_numbers(run(module.backward, Gb.copy()))
        c.record(name, problem("forward", out, _K.elu(big, alpha), lambda: _K.forward_mistakes(big, alpha))
                 or problem("backward", back, Gb * _K.elu_derivative(big, alpha), lambda: _K.backward_mistakes(big, Gb, alpha)))
    return run.ok


def _check_latest_input(c: Checks, make: Callable[[], Any], z: np.ndarray, G: np.ndarray, alpha: float,
                        forward_ok: bool, name: str) -> bool:
    z1 = -np.abs(z) - 0.5
    first = [(G * _K.elu_derivative(z1, alpha), "backward used the input of the FIRST forward call: store the input on "
                                             "every call of forward (self.z = z), not only once.")]
    with c.step(name, trouble=_OVERFLOW_HINT) as run:
        module = make()
        run(module.forward, z1.copy())
        run(module.forward, z.copy())
        back = as_numbers(run(module.backward, G.copy()))
        c.array(name, back, G * _K.elu_derivative(z, alpha), rtol=1e-9, atol=1e-12, hint=_elu_hint,
                mistakes=lambda: (first if forward_ok else []) + _K.backward_mistakes(z, G, alpha))
    return run.ok


def check_elu_module(
    c: Checks,
    cls: Callable[..., Any],
    *,
    alpha: float = 1.0,
    shape: tuple[int, int] = (4, 5),
    seed: int = 4,
    stability: bool = True,
    name: str | None = None,
) -> bool:
    r"""Check an ELU module ``cls(alpha=alpha)`` with ``forward(z)`` and ``backward(grad_out)``.

    Five checks: the forward values on a batch of shape ``shape``; the
    gradient ``backward(G)`` against :math:`G \odot g'(z)`; a gradient check of
    ``backward`` against central finite differences of the student's own
    ``forward``; (with ``stability``) both passes on inputs of magnitude
    1000, which must run without an overflow; and a backward pass that uses
    the input of the latest forward pass. Returns whether all passed.
    """
    label = name or f"ELU(alpha={alpha:g})"
    z = _grid(alpha, shape, seed)
    G = np.random.default_rng(seed + 1).normal(size=shape)

    def make() -> Any:
        return cls(alpha=alpha)

    forward_ok = _check_forward(c, make, z, alpha, f"{label}: forward on a batch of shape {shape}")
    ok = forward_ok
    ok &= _check_backward(c, make, z, G, alpha, f"{label}: backward(grad_out) after forward")
    ok &= _check_against_forward(c, make, z, G, f"{label}: backward agrees with finite differences of your forward")
    if stability:
        ok &= _check_large_inputs(c, make, alpha, f"{label}: forward and backward at z = +-1000, +-30 (no overflow)")
    ok &= _check_latest_input(c, make, z, G, alpha, forward_ok, f"{label}: backward uses the input of the latest forward")
    return bool(ok)


# -- Exercise: the fraction of dead ReLU units ---------------------------------------------------

def example_network() -> tuple[Sequential, np.ndarray]:
    """A small ReLU network with weights set by hand, and six inputs.

    Layer 1 has 5 units: two always active, one dead (its bias is -10), two
    active on some of the inputs only. Layer 2 has 4 units: one always active,
    one dead, two active on some inputs only. So 2 of the 9 ReLU units are
    dead: 2/9.
    """
    def linear(W: Any, b: Any) -> Linear:
        W = np.asarray(W, dtype=np.float64)
        layer = Linear(W.shape[0], W.shape[1], init=0.0)
        layer.weight.value[...] = W
        layer.bias.value[...] = np.asarray(b, dtype=np.float64)
        return layer

    first = linear([[1.0, 1.0, 1.0, -1.0, 0.0],
                    [0.0, 1.0, -1.0, 1.0, 1.0]], [5.0, -10.0, 0.0, 0.0, 5.0])
    second = linear([[1.0, 0.0, 0.0, 1.0],
                     [0.0, 0.0, 0.0, 0.0],
                     [0.0, 1.0, 0.0, 0.0],
                     [0.0, 0.0, 1.0, 0.0],
                     [0.0, 0.0, 0.0, 0.0]], [-100.0, -0.5, 0.0, 0.0])
    out = linear([[1.0], [2.0], [-1.0], [0.5]], [0.0])
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 2.0], [2.0, -1.0], [1.0, 1.0]])
    return Sequential(first, ReLU(), second, ReLU(), out), X


def check_dead_fraction(c: Checks, fn: Callable[..., Any], model: Sequential, X: Any, *, name: str | None = None) -> bool:
    """Check ``fn(model, X)``, the fraction of the ReLU units of ``model`` that output 0 on every row of ``X``.

    The answer must be one number equal to :func:`dead_fraction`; ``fn`` must
    not change the model's parameters.
    """
    X = np.array(X, dtype=np.float64)
    n_layers = sum(isinstance(layer, ReLU) for layer in model)
    n_units = sum(h.shape[1] for h in _K.relu_outputs(model, X))
    label = name or f"dead_fraction on a network with {n_layers} ReLU layer{'s' if n_layers != 1 else ''} ({n_units} units)"
    expected = _K.dead_fraction(model, X)
    ok, out = c.call_on_model(label, fn, model, X)
    if not ok:
        return False
    try:
        a = as_numbers(out)
    except (TypeError, ValueError) as exc:
        return c.fail(label, f"could not read the answer as a number: {exc}")
    if a.size != 1:
        return c.fail(label, f"return one number, the fraction over all ReLU units; got an array of shape {a.shape} "
                             "(the per-unit or per-layer values? pool them into one fraction).")
    value = float(a.reshape(()))

    def hint(actual: np.ndarray, e: np.ndarray) -> str:
        return first_mistake(actual, e, lambda: _K.dead_mistakes(model, X), rtol=1e-9, atol=1e-12) or (
                f"got {value:.6g}, expected {expected:.6g}. Run X through the layers one by one; after each ReLU "
                "layer mark the units whose output is 0 on every example (np.all(h <= 0, axis=0)); return the "
                "number of marked units divided by the number of ReLU units.")

    return c.scalar(label, lambda: value, expected, rtol=1e-9, atol=1e-12, hint=hint)
