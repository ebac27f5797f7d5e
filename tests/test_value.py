"""Value: the chain-rule quiz, every operation's derivative, accumulation, and agreement with PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, reject, settings
from strategies import TORCH_RTOL, expression_graphs

from nnbook import Value


def _central(f, x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def quiz(x, z):
    """y = exp(xz) + xz/log(x) + sin(log(x))/(xz), for Values or floats."""
    if isinstance(x, Value):
        return (x * z).exp() + x * z / x.log() + x.log().sin() / (x * z)
    return math.exp(x * z) + x * z / math.log(x) + math.sin(math.log(x)) / (x * z)


def quiz_partials(x: float, z: float) -> tuple[float, float]:
    """The derivatives worked out by hand:

    dy/dx = z e^{xz} + z/ln x - z/ln^2 x + (cos ln x - sin ln x)/(x^2 z)
    dy/dz = x e^{xz} + x/ln x - sin(ln x)/(x z^2)
    """
    L = math.log(x)
    dx = z * math.exp(x * z) + z / L - z / L**2 + (math.cos(L) - math.sin(L)) / (x**2 * z)
    dz = x * math.exp(x * z) + x / L - math.sin(L) / (x * z**2)
    return dx, dz


def test_quiz_value_and_partials():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z)
    y.backward()
    assert y.data == pytest.approx(math.exp(6) + 6 / math.log(2) + math.sin(math.log(2)) / 6, rel=1e-15)
    dx, dz = quiz_partials(2.0, 3.0)
    assert x.grad == pytest.approx(dx, rel=1e-12)
    assert z.grad == pytest.approx(dz, rel=1e-12)
    assert x.grad == pytest.approx(_central(lambda t: quiz(t, 3.0), 2.0), rel=1e-8)
    assert z.grad == pytest.approx(_central(lambda t: quiz(2.0, t), 3.0), rel=1e-8)
    assert [round(x.grad), round(z.grad)] == [1208, 810]  # answer E of the quiz


def test_hand_derivative_agrees_with_finite_differences_elsewhere():
    for x, z in [(1.5, 0.7), (3.0, -0.4), (0.5, 2.0)]:
        dx, dz = quiz_partials(x, z)
        assert dx == pytest.approx(_central(lambda t: quiz(t, z), x), rel=1e-7)
        assert dz == pytest.approx(_central(lambda t: quiz(x, t), z), rel=1e-7)


def test_quiz_graph_as_in_the_slides():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    a = (x * z).named("a")
    b = x.log().named("b")
    c = b.sin().named("c")
    d = a.exp().named("d")
    e = (a / b).named("e")
    f = (c / a).named("f")
    y = (d + e + f).named("y")
    y.backward()
    # the slides' backward messages
    g_a = math.exp(a.data) + 1 / b.data - c.data / a.data**2
    g_b = math.cos(b.data) / a.data - a.data / b.data**2
    assert a.grad == pytest.approx(g_a, rel=1e-14)
    assert b.grad == pytest.approx(g_b, rel=1e-14)
    assert x.grad == pytest.approx(g_a * z.data + g_b / x.data, rel=1e-14)
    assert z.grad == pytest.approx(g_a * x.data, rel=1e-14)


UNARY = {
    "exp": (lambda v: v.exp(), math.exp, [-2.0, 0.3, 4.0]),
    "log": (lambda v: v.log(), math.log, [0.1, 1.0, 7.0]),
    "sin": (lambda v: v.sin(), math.sin, [-2.0, 0.3, 4.0]),
    "cos": (lambda v: v.cos(), math.cos, [-2.0, 0.3, 4.0]),
    "tanh": (lambda v: v.tanh(), math.tanh, [-2.0, 0.3, 4.0]),
    "sigmoid": (lambda v: v.sigmoid(), lambda t: 1 / (1 + math.exp(-t)), [-30.0, -2.0, 0.3, 4.0]),
    "relu": (lambda v: v.relu(), lambda t: max(t, 0.0), [-2.0, 0.3, 4.0]),
    "neg": (lambda v: -v, lambda t: -t, [-2.0, 0.3]),
    "square": (lambda v: v**2, lambda t: t**2, [-2.0, 0.3]),
    "cube": (lambda v: v**3, lambda t: t**3, [-2.0, 0.3]),
    "sqrt": (lambda v: v**0.5, math.sqrt, [0.3, 4.0]),
    "inverse": (lambda v: v**-1, lambda t: 1 / t, [-2.0, 0.3]),
    "radd": (lambda v: 2.5 + v, lambda t: 2.5 + t, [0.3]),
    "rsub": (lambda v: 2.5 - v, lambda t: 2.5 - t, [0.3]),
    "rmul": (lambda v: 2.5 * v, lambda t: 2.5 * t, [0.3]),
    "rdiv": (lambda v: 2.5 / v, lambda t: 2.5 / t, [0.3, -4.0]),
    "add const": (lambda v: v + 2.5, lambda t: t + 2.5, [0.3]),
    "sub const": (lambda v: v - 2.5, lambda t: t - 2.5, [0.3]),
    "div const": (lambda v: v / 2.5, lambda t: t / 2.5, [0.3]),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary_derivative_matches_finite_differences(name):
    op, ref, points = UNARY[name]
    for t in points:
        x = Value(t)
        y = op(x)
        assert y.data == pytest.approx(ref(t), rel=1e-14, abs=1e-300)
        y.backward()
        assert x.grad == pytest.approx(_central(ref, t), rel=1e-7, abs=1e-9), (name, t)


BINARY = {
    "+": (lambda a, b: a + b),
    "-": (lambda a, b: a - b),
    "*": (lambda a, b: a * b),
    "/": (lambda a, b: a / b),
}


@pytest.mark.parametrize("op", BINARY)
def test_binary_derivatives_match_finite_differences(op):
    f = BINARY[op]
    for s, t in [(1.5, -0.7), (-2.0, 3.0)]:
        a, b = Value(s), Value(t)
        y = f(a, b)
        assert y.data == pytest.approx(f(s, t), rel=1e-15)
        y.backward()
        assert a.grad == pytest.approx(_central(lambda u: f(u, t), s), rel=1e-8)
        assert b.grad == pytest.approx(_central(lambda u: f(s, u), t), rel=1e-8)


def test_a_node_used_twice_accumulates():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    x = Value(3.0)
    (x + x).backward()
    assert x.grad == 2.0
    x = Value(1.5)
    (x * 2.0 + x * 3.0).backward()  # two products of x: each adds its share
    assert x.grad == 5.0
    x = Value(0.5)
    y = x.exp() * x.sin() + x  # three paths
    y.backward()
    assert x.grad == pytest.approx(math.exp(0.5) * (math.sin(0.5) + math.cos(0.5)) + 1, rel=1e-15)


def test_backward_twice_gives_the_same_gradients():
    x, z = Value(2.0), Value(3.0)
    y = quiz(x, z)
    y.backward()
    first = (x.grad, z.grad)
    y.backward()
    assert (x.grad, z.grad) == first


def test_backward_from_an_intermediate_node():
    x = Value(2.0)
    a = x * 3
    y = a * a
    y.backward()
    a.backward()  # now the output is a, and x's gradient is da/dx only
    assert x.grad == 3.0
    assert a.grad == 1.0


def test_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(5000):
        y = y + x
    y.backward()
    assert y.data == 5001.0 and x.grad == 5001.0


def test_topological_order_puts_inputs_first():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z)
    order = y.topological_order()
    assert order[-1] is y
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            assert position[id(p)] < position[id(v)]
    assert len(order) == len({id(v) for v in order})


def test_repr_and_named():
    v = Value(1.5).named("w")
    assert v.label == "w"
    assert repr(v) == "Value(w=1.5, grad=0)"


def test_errors():
    with pytest.raises(ValueError, match="Value.log: argument must be positive, got -1.0"):
        Value(-1.0).log()
    with pytest.raises(ZeroDivisionError, match=r"Value: division by zero \(d is 0\)"):
        Value(1.0) / Value(0.0, "d")
    with pytest.raises(TypeError, match="only constant exponents"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match="Value: cannot combine with str"):
        Value(2.0) + "3"


def test_sigmoid_is_stable_at_large_inputs():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    assert np.isfinite(Value(-800.0).sigmoid().data)


def test_backward_steps_ends_where_backward_does():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z)
    order = y.topological_order()
    seen = list(y.backward_steps())
    assert seen == list(reversed(order))  # output first, then reverse topological order
    stepped = {id(v): v.grad for v in order}
    y.backward()
    assert all(stepped[id(v)] == v.grad for v in order)


def test_backward_steps_pauses_with_partial_sums():
    x = Value(3.0, "x")
    y = x * x + x.sin()  # x is used three times: its gradient is a sum of three paths
    grads = []
    for node in y.backward_steps():
        grads.append(x.grad)
    assert grads[-1] == pytest.approx(2 * 3.0 + math.cos(3.0))
    partial = [g for g in grads if g not in (0.0, grads[-1])]
    assert partial, "x's gradient should be seen half accumulated on the way"


# -- agreement with PyTorch's autograd on random expression graphs ------------------------------


def _run(steps, nodes, unary):
    """Append the node of each step to ``nodes`` (inputs first); ``unary[name](a)`` applies a function."""
    for op, i, arg in steps:
        a = nodes[i]
        if op in unary:
            out = unary[op](a)
        elif op == "**":
            out = a**arg
        elif op.startswith("c"):
            out = {"c+": lambda: arg + a, "c-": lambda: arg - a, "c*": lambda: arg * a, "c/": lambda: arg / a}[op]()
        else:
            b = nodes[arg]
            out = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[op]()
        nodes.append(out)
    return nodes


VALUE_OPS = {"neg": lambda a: -a, "exp": Value.exp, "log": Value.log, "sin": Value.sin, "cos": Value.cos,
             "tanh": Value.tanh, "sigmoid": Value.sigmoid, "relu": Value.relu}


@settings(max_examples=200)  # graphs are cheap, and each op should appear in many of them
@given(expression_graphs())
def test_values_and_gradients_match_pytorch_on_random_graphs(torch, graph):
    inputs, steps = graph
    leaves = [Value(x, f"x{k}") for k, x in enumerate(inputs)]
    try:
        nodes = _run(steps, list(leaves), VALUE_OPS)
        y = sum(nodes[len(inputs):], start=Value(0.0))  # every step's node reaches the output
        y.backward()
    except (ValueError, ZeroDivisionError, OverflowError):  # log of x <= 0, x / 0, exp of a huge x
        reject()
    assume(all(abs(v.data) < 1e8 and abs(v.grad) < 1e8 for v in nodes + [y]))  # far from a pole of / or log

    F = torch.nn.functional
    t_ops = {"neg": torch.neg, "exp": torch.exp, "log": torch.log, "sin": torch.sin, "cos": torch.cos,
             "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": F.relu}
    t_leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    t_nodes = _run(steps, list(t_leaves), t_ops)
    t_y = sum(t_nodes[len(inputs):], start=torch.tensor(0.0, dtype=torch.float64))
    if t_y.requires_grad:  # an output made of constants alone has no graph
        t_y.backward()
    values = np.array([v.data for v in nodes + [y]])
    np.testing.assert_allclose(values, [t.item() for t in t_nodes + [t_y]], rtol=TORCH_RTOL, atol=1e-12)
    grads = np.array([v.grad for v in leaves])
    t_grads = np.array([0.0 if t.grad is None else t.grad.item() for t in t_leaves])
    np.testing.assert_allclose(grads, t_grads, rtol=TORCH_RTOL, atol=1e-10 * max(1.0, np.abs(t_grads).max()))
