"""Checkers for the exercises of chapter 6, *Backpropagation*.

Each ``check_*`` function adds checks to an open :func:`nnbook.exercises.checks`
block and returns whether they all passed. The student's code runs with
NumPy's overflow and invalid-operation warnings turned into errors. A wrong
answer is compared with a catalogue of the usual mistakes (a transposed
product, the bias gradient not summed over the batch, ``=`` where ``+=`` was
meant, :math:`(1 - h)^2` for :math:`1 - h^2`, the mean taken twice or not at
all, ...) so that the hint names the mistake.
The expected answers come from the instructor's key (``nnbook_key.ch06``, not part of this package) or,
in a student's copy, from its answers on the visible tests' inputs (:func:`nnbook.exercises.oracle`).

>>> from nnbook.exercises import checks, ch06
>>> from nnbook_key import ch06 as key  # the instructor's key: a reference solution passes
>>> with checks("the reference layer") as c:
...     _ = ch06.check_linear_backward(c, key.ReferenceLinear, n=4, d_in=3, d_out=2)
PASS  MyLinear(3, 2), batch of 4: backward returns dL/dX
PASS  MyLinear(3, 2), batch of 4: weight.grad
PASS  MyLinear(3, 2), batch of 4: bias.grad
PASS  MyLinear(3, 2), batch of 4: gradient check against central differences
PASS  MyLinear(3, 2), batch of 4: a second backward adds into .grad
the reference layer: all 5 checks passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..module import Parameter
from . import Checks, as_numbers, close, error_hint
from ._oracle import oracle

_K = oracle("ch06")  # the expected answers: the instructor's key, or its table

__all__ = [
    "check_linear_backward", "check_two_layer_backward", "check_cross_entropy_grad", "MODES_HINT",
]


#: the hint of the forward/reverse question (it must not give the answer away)
MODES_HINT = (
    "not yet. For f: R^n -> R^m, forward mode gets one COLUMN of the Jacobian per sweep (the derivatives of all "
    "m outputs with respect to one input), so the whole Jacobian takes n sweeps; reverse mode gets one ROW per "
    "sweep (the gradient of one output with respect to all inputs), so it takes m sweeps. For each case, write "
    "down n and m and pick the mode with fewer sweeps."
)


# -- Exercise: the backward pass of a linear layer -----------------------------------------------

def _shape_hint(what: str, actual: tuple[int, ...], expected: tuple[int, ...]) -> str:
    text = f"{what} has shape {actual}, expected {expected}. "
    if what == "bias.grad":
        if actual == (expected[0],) or len(actual) == 2:
            return text + ("The bias is shared by every example of the batch, so its gradient is summed over "
                           "the batch: grad_out.sum(axis=0), shape (d_out,).")
        return text + "Sum grad_out over the batch (axis=0), not over the units (axis=1)."
    if what == "weight.grad":
        if actual == expected[::-1]:
            return text + "A transposed product: dW = X.T @ grad_out is (d_in, n) times (n, d_out)."
        return text + "dW = X.T @ grad_out: (d_in, n) times (n, d_out)."
    return text + "dL/dX has the shape of the input: grad_out @ W.T is (n, d_out) times (d_out, d_in)."


def _linear_error_hint(exc: BaseException) -> str:
    hint = error_hint(exc)
    if "non-broadcastable output operand" in str(exc):
        hint += (". What you add into a .grad must have the parameter's shape: bias.grad is (d_out,), so the "
                 "bias gradient is summed over the batch, grad_out.sum(axis=0); weight.grad is (d_in, d_out), "
                 "X.T @ grad_out.")
    elif "matmul" in str(exc) or "shapes" in str(exc) or "broadcast" in str(exc):
        hint += (". Check the shapes: X is (n, d_in), W is (d_in, d_out), grad_out is (n, d_out); "
                 "dX = grad_out @ W.T, dW = X.T @ grad_out, db = grad_out.sum(axis=0).")
    return hint


_WHAT = {"dX": "the returned dL/dX", "weight": "weight.grad", "bias": "bias.grad"}


def _check_one_pass(c: Checks, build: Callable[[], Any], X: np.ndarray, W: np.ndarray, G: np.ndarray, label: str) -> bool:
    """Checks 1-3: the returned dL/dX, weight.grad and bias.grad after one backward pass from zero."""
    names = {"dX": f"{label}: backward returns dL/dX", "weight": f"{label}: weight.grad", "bias": f"{label}: bias.grad"}
    with c.step(*names.values(), hint=_linear_error_hint) as run:
        m = build()
        run(m.forward, X.copy())
        back = run(m.backward, G.copy())
        results = {"dX": back, "weight": m.weight.grad.copy(), "bias": m.bias.grad.copy()}
    if not run.ok:
        return False
    expected = _K.linear_gradients(X, W, G)
    ok = True
    for key, name in names.items():
        try:
            a = as_numbers(results[key])
        except TypeError as exc:
            ok &= c.fail(name, ("backward returned None: it must RETURN dL/dX = grad_out @ W.T (the next layer down "
                                "needs it), after adding the parameter gradients into .grad.")
                         if key == "dX" and results[key] is None else f"could not read {_WHAT[key]} as numbers: {exc}")
            continue

        def hint(a: np.ndarray, e: np.ndarray, key: str = key) -> str | None:
            if a.shape != e.shape:
                return _shape_hint(_WHAT[key], a.shape, e.shape)
            if key != "dX" and not np.any(a):
                return (f"{_WHAT[key]} is still all zeros: add the gradient into it in place (self.{key}.grad += ...); "
                        "assigning a new array to a local name does not change the parameter.")
            return None

        ok &= c.array(name, a, expected[key], rtol=1e-8, atol=1e-11, hint=hint, mistakes=_K.linear_mistakes(X, W, G, key))
    return bool(ok)


def _check_accumulation(c: Checks, build: Callable[[], Any], X: np.ndarray, W: np.ndarray, b: np.ndarray,
                        G: np.ndarray, name: str) -> bool:
    """Check 5: a second forward-backward pass adds into .grad."""
    with c.step(name) as run:
        m = build()
        for _ in range(2):
            run(m.forward, X.copy())
            run(m.backward, G.copy())
        gw, gb = as_numbers(m.weight.grad), as_numbers(m.bias.grad)
        once = _K.linear_gradients(X, W, G)
        if close(gw, 2 * once["weight"], 1e-8, 1e-11) and close(gb, 2 * once["bias"], 1e-8, 1e-11):
            c.succeed(name)
        elif (gw.shape == W.shape and close(gw, once["weight"], 1e-8, 1e-11)) or (
                gb.shape == b.shape and close(gb, once["bias"], 1e-8, 1e-11)):
            c.fail(name, "after two forward-backward passes without zero_grad, .grad holds only the last pass: you "
                         "overwrote it (self.weight.grad = ...). Add into it (+=): gradients accumulate, as when a "
                         "parameter is used twice, and the optimizer's zero_grad() resets them between steps.")
        else:
            c.fail(name, "after two forward-backward passes without zero_grad, .grad should be twice the gradient of "
                         "one pass (X.T @ grad_out and grad_out.sum(axis=0), added twice).")
    return run.ok


def check_linear_backward(
    c: Checks, cls: Callable[..., Any], *, n: int = 5, d_in: int = 3, d_out: int = 4, seed: int = 6,
) -> bool:
    r"""Check a linear module ``cls(d_in, d_out, rng=...)`` whose ``backward`` the student wrote.

    The module must have ``weight`` (``(d_in, d_out)``) and ``bias``
    (``(d_out,)``) parameters and ``forward(x) = x @ W + b``. Five checks:
    the returned :math:`\partial L/\partial X = G W^\top`; ``weight.grad`` and
    ``bias.grad`` after one backward pass from zero; a gradient check of all
    three against central differences of :math:`\sum G \odot f(X)`; and a
    second forward-backward pass, which must *add* into ``.grad``.
    """
    label = f"MyLinear({d_in}, {d_out}), batch of {n}"
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, d_in))
    W = r.normal(size=(d_in, d_out))
    b = r.normal(size=d_out)
    G = r.normal(size=(n, d_out))

    def build() -> Any:
        m = cls(d_in, d_out, rng=np.random.default_rng(seed))
        for name in ("weight", "bias"):
            p = getattr(m, name, None)
            if not isinstance(p, Parameter):
                raise AttributeError(f"the module has no Parameter called {name!r}; keep the __init__ given "
                                     "in the exercise")
        m.weight.value[...] = W
        m.bias.value[...] = b
        m.weight.grad[...] = 0
        m.bias.grad[...] = 0
        return m

    ok = _check_one_pass(c, build, X, W, G, label)
    ok &= c.backward_check(f"{label}: gradient check against central differences", build, X, G,
                           params=("weight", "bias"))
    ok &= _check_accumulation(c, build, X, W, b, G, f"{label}: a second backward adds into .grad")
    return bool(ok)


# -- Exercise: the backward pass of a two-layer tanh network --------------------------------------

def _matmul_hint(exc: BaseException) -> str | None:
    if "matmul" in str(exc) or "broadcast" in str(exc):
        return error_hint(exc) + (". Shapes: X (n, d_in), H (n, width), deltas (n, width) and (n, d_out); dW = "
                                  "(input of the layer).T @ delta, delta1 = (delta2 @ W2.T) * (1 - H**2).")
    return None


def check_two_layer_backward(
    c: Checks, fn: Callable[..., Any], *, n: int = 6, d_in: int = 3, width: int = 5, d_out: int = 2, seed: int = 16,
) -> bool:
    r"""Check ``fn(X, Y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2)`` for ``Linear-Tanh-Linear`` with ``MSELoss``.

    One check for each of the four gradients against :func:`two_layer_backward`
    (which the chapter verifies against ``nnbook`` and finite differences), on
    random data of the given shapes. Returns whether all passed.
    """
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, d_in))
    Y = r.normal(size=(n, d_out))
    W1 = r.normal(size=(d_in, width))
    b1 = r.normal(scale=0.5, size=width)
    W2 = r.normal(size=(width, d_out))
    b2 = r.normal(scale=0.5, size=d_out)
    args = (X, Y, W1, b1, W2, b2)
    label = f"{d_in}-{width}-{d_out} tanh network, batch of {n}"
    names = ["dW1", "db1", "dW2", "db2"]
    expected = _K.two_layer_backward(*args)
    with c.step(f"{label}: all four gradients", hint=_matmul_hint) as run:
        out = run(fn, *(a.copy() for a in args))
    if not run.ok:
        return False
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        return c.fail(f"{label}: all four gradients", "return a tuple of four arrays, (dW1, db1, dW2, db2), in this order.")
    variants = _K.two_layer_mistakes(args)
    swapped = close(_safe(out[0]), expected[2], 1e-8, 1e-11) if expected[0].shape == expected[2].shape else False
    ok = True
    for i, nm in enumerate(names):
        def hint(a: np.ndarray, e: np.ndarray, nm: str = nm) -> str | None:
            if a.shape != e.shape:
                other = [k for k, ex in zip(names, expected) if ex.shape == a.shape]
                if other:
                    return (f"{nm} has shape {a.shape}, the shape of {other[0]} ({e.shape} expected): return "
                            "(dW1, db1, dW2, db2) in this order.")
                if a.shape == e.shape[::-1]:
                    return f"{nm} has shape {a.shape}, the transpose of {e.shape}: dW = (layer input).T @ delta."
                if nm.startswith("db"):
                    return f"{nm} has shape {a.shape}, expected {e.shape}: sum the deltas over the batch, axis=0."
            if swapped:
                return "the gradients are in the wrong order: return (dW1, db1, dW2, db2)."
            return None

        ok &= c.array(f"{label}: {nm}", lambda i=i: out[i], expected[i], rtol=1e-7, atol=1e-10, hint=hint,
                      mistakes=[(v[i], text) for v, text in variants])
    return bool(ok)


def _safe(x: Any) -> np.ndarray:
    try:
        return as_numbers(x)
    except (TypeError, ValueError):
        return np.array(np.nan)


# -- Exercise: the gradient of softmax cross-entropy at the logits ----------------------------------

_SOFTMAX_OVERFLOW = (
    "overflow in exp: np.exp(Z) overflows for logits near 1000 (inf / inf = nan). Subtract each row's maximum "
    "first, Z - Z.max(axis=1, keepdims=True): softmax does not change, and the largest exponent is exp(0) = 1."
)


def _labels_hint(exc: BaseException) -> str | None:
    if isinstance(exc, (ValueError, IndexError)) and ("broadcast" in str(exc) or "index" in str(exc)):
        return error_hint(exc) + (". Z is (n, k) and y holds n class indices: the one-hot rows are np.eye(k)[y], or "
                                  "subtract 1 at G[np.arange(n), y].")
    return None


def check_cross_entropy_grad(
    c: Checks, fn: Callable[..., Any], *, n: int = 5, k: int = 4, seed: int = 26, scale: float = 2.0, name: str | None = None,
) -> bool:
    """Check ``fn(Z, y)``, the gradient of ``CrossEntropyLoss`` (mean) at the logits, on random logits of the
    given ``scale`` (use ``scale=1000`` to test that large logits do not overflow)."""
    r = np.random.default_rng(seed)
    Z = r.normal(scale=scale, size=(n, k))
    y = r.integers(0, k, size=n)
    y[0] = k - 1
    label = name or f"batch of {n} with {k} classes, logits of size ~{scale:g}"
    with c.step(label, trouble=_SOFTMAX_OVERFLOW, hint=_labels_hint) as run:
        out = run(fn, Z.copy(), y.copy())
    if not run.ok:
        return False

    def hint(a: np.ndarray, e: np.ndarray) -> str | None:
        return _SOFTMAX_OVERFLOW if a.shape == e.shape and not np.all(np.isfinite(a)) else None

    return c.array(label, lambda: out, _K.cross_entropy_grad(Z, y), rtol=1e-7, atol=1e-12, hint=hint,
                   mistakes=_K.ce_mistakes(Z, y))
