"""Hypothesis strategies and small helpers shared by the tests.

Shapes come from :func:`hypothesis.extra.numpy.array_shapes`; float arrays
reach the extremes the package promises to survive (``|z|`` up to 1e4).
Gradient checks draw a shape and a seed from hypothesis and the values from a
seeded NumPy generator, so that every example is smooth enough to
differentiate numerically and hypothesis can still shrink the shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import nnbook as nb

#: the largest logit magnitude the package must handle
BIG = 1e4

#: gradient checks in float64 must agree to this relative error
FD_TOL = 1e-6

#: comparisons with PyTorch in float64
TORCH_RTOL = 1e-10

# -- strategies -------------------------------------------------------------------

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def batch_shapes(max_n: int = 5, max_d: int = 5, min_d: int = 1) -> st.SearchStrategy[tuple[int, int]]:
    """``(n, d)`` batch shapes, small enough for finite differences."""
    return array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=max(max_n, max_d)).filter(
        lambda s: s[0] <= max_n and min_d <= s[1] <= max_d
    )


def small_floats(bound: float = BIG) -> st.SearchStrategy[float]:
    """Finite floats in ``[-bound, bound]``."""
    return st.floats(min_value=-bound, max_value=bound, allow_nan=False, allow_infinity=False)


def float_arrays(
    min_dims: int = 1,
    max_dims: int = 3,
    min_side: int = 1,
    max_side: int = 6,
    bound: float = BIG,
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of any shape from ``array_shapes``, entries up to ``|z| = bound``."""
    return arrays(
        np.float64,
        array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side),
        elements=small_floats(bound),
    )


def logit_matrices(max_n: int = 6, max_k: int = 6, bound: float = BIG, min_k: int = 1) -> st.SearchStrategy[np.ndarray]:
    """``(n, k)`` float64 logits with entries up to ``|z| = bound``."""
    shapes = array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=max(max_n, max_k)).filter(
        lambda s: s[0] <= max_n and min_k <= s[1] <= max_k
    )
    return shapes.flatmap(lambda s: arrays(np.float64, s, elements=small_floats(bound)))


@st.composite
def logits_and_labels(draw: st.DrawFn, max_n: int = 6, max_k: int = 6, bound: float = BIG) -> tuple[np.ndarray, np.ndarray]:
    """``(n, k)`` logits and integer labels ``(n,)`` in ``[0, k)``."""
    z = draw(logit_matrices(max_n, max_k, bound, min_k=1))
    n, k = z.shape
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
    return z, y


# -- helpers ----------------------------------------------------------------------

#: the operations of a random scalar expression (Value, and the same in PyTorch)
UNARY_OPS = ("neg", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu")
BINARY_OPS = ("+", "-", "*", "/")
CONSTANT_OPS = ("c+", "c-", "c*", "c/")  # a constant on the left: 2.5 - x
POWERS = (2, 3, -1)


@st.composite
def expression_graphs(draw: st.DrawFn, max_inputs: int = 3, max_steps: int = 10) -> tuple[list[float], list[tuple]]:
    """A random scalar expression: ``(inputs, steps)``.

    Node ``k`` is input ``k`` for ``k < len(inputs)``; each step ``(op, i, arg)``
    makes the next node from node ``i`` and ``arg``: another node's index (a
    binary op), a constant (``"c+"``, ...), an exponent (``"**"``) or nothing
    (a function such as ``"exp"``). Operands are drawn from all earlier nodes,
    so nodes are reused and gradients must add up along several paths. The
    last node is the output. Some graphs leave a function's domain
    (``log`` of a negative number, division by zero): the test rejects those.
    """
    inputs = draw(st.lists(st.floats(-2, 2, allow_subnormal=False), min_size=1, max_size=max_inputs))
    steps: list[tuple] = []
    for k in range(draw(st.integers(1, max_steps))):
        node = st.integers(0, len(inputs) + k - 1)
        kind = draw(st.sampled_from(("unary", "binary", "constant", "power")))
        if kind == "unary":
            steps.append((draw(st.sampled_from(UNARY_OPS)), draw(node), None))
        elif kind == "binary":
            steps.append((draw(st.sampled_from(BINARY_OPS)), draw(node), draw(node)))
        elif kind == "constant":
            steps.append((draw(st.sampled_from(CONSTANT_OPS)), draw(node), draw(st.floats(-3, 3, allow_subnormal=False))))
        else:
            steps.append(("**", draw(node), draw(st.sampled_from(POWERS))))
    return inputs, steps


def assert_close(actual: np.ndarray, expected: np.ndarray, rtol: float = 1e-12, atol: float = 0.0) -> None:
    """Same shape and close entries (a shape mismatch never broadcasts through)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def away_from(x: np.ndarray, kinks: Iterable[float], margin: float = 1e-2) -> np.ndarray:
    """Move every entry of ``x`` at least ``margin`` away from each kink.

    Finite differences are meaningless across a kink (ReLU at 0, HardTanh at
    +-1), so gradient checks sample away from them; 1e-2 is far more than the
    largest step of :func:`central_gradient` (2e-4).
    """
    x = np.array(x, dtype=np.float64)
    for k in kinks:
        d = x - k
        close = np.abs(d) < margin
        x[close] = k + np.where(d[close] >= 0, margin, -margin)
    return x


def central_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    r"""Gradient of ``f`` at ``x`` by the fourth-order central difference

    .. math:: f'(x) \approx \frac{f(x - 2h) - 8 f(x - h) + 8 f(x + h) - f(x + 2h)}{12 h},

    written independently of :func:`nnbook.numerical_gradient`. Its truncation
    error is :math:`O(h^4)` and its rounding error :math:`O(u/h)`, so with
    :math:`h = 10^{-4}` both stay near 1e-12 even where the gradient is small
    compared with ``f`` itself (saturated units), where the two-point formula
    with :math:`h = 10^{-6}` can lose six digits to rounding. ``x`` is perturbed
    in place and restored, so ``f`` may read it through a closure.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        values = []
        for step in (-2 * h, -h, h, 2 * h):
            x[i] = old + step
            values.append(float(f(x)))
        x[i] = old
        # differences first, so that an f that does not depend on x[i] gives exactly 0
        grad[i] = (8 * (values[2] - values[1]) - (values[3] - values[0])) / (12 * h)
    return grad


def maxout_gap(layer: nb.Maxout, x: np.ndarray) -> float:
    """The smallest margin between the winning piece and the runner-up (a kink of Maxout)."""
    z = np.sort(np.matmul(x, layer.weight.value) + layer.bias.value[:, None, :], axis=0)
    return float(np.min(z[-1] - z[-2])) if layer.k > 1 else np.inf


def module_errors(module: nb.Module, x: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    """Relative errors of ``module``'s backward pass against central differences.

    The scalar checked is ``sum(G * module(x))`` for a fixed random ``G``, so
    every output entry gets a different weight (a gradient that mixes up
    entries cannot pass). Returns one error for the input and one for each
    parameter, by name.
    """
    x = np.array(x, dtype=np.float64)
    out = module.forward(x)
    G = rng.normal(size=out.shape)
    module.zero_grad()
    grad_x = module.backward(G.copy())
    analytic = {name: p.grad.copy() for name, p in module.named_parameters()}

    def f(_: np.ndarray) -> float:
        return float(np.sum(G * module.forward(x)))

    errors = {"input": nb.relative_error(grad_x, central_gradient(f, x))}
    for name, p in module.named_parameters():
        errors[name] = nb.relative_error(analytic[name], central_gradient(f, p.value))
    return errors


def loss_error(loss: nb.Loss, prediction: np.ndarray, target: np.ndarray) -> float:
    """Relative error of ``loss.backward()`` against central differences at ``prediction``."""
    prediction = np.array(prediction, dtype=np.float64)
    loss(prediction, target)
    analytic = loss.backward().copy()
    numeric = central_gradient(lambda p: loss(p, target), prediction)
    return nb.relative_error(analytic, numeric)


def to_torch(torch, *arrays: np.ndarray, grad: bool = True) -> list:
    """float64 leaf tensors (with ``requires_grad``) holding copies of ``arrays``."""
    return [torch.tensor(np.array(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad) for a in arrays]


def numpy_of(t) -> np.ndarray:
    """A tensor (or its gradient) as a float64 NumPy array."""
    return t.detach().cpu().numpy().astype(np.float64)

