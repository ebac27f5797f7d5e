"""Value: the chain-rule quiz, every operation's derivative, accumulation, trace, table and drawing."""

from __future__ import annotations

import math

import numpy as np
import pytest

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
        for p in v._parents:
            assert position[id(p)] < position[id(v)]
    assert len(order) == len({id(v) for v in order})


def test_trace_rows():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    a = (x * z).named("a")
    y = (a + x).named("y")
    y.backward()
    rows = y.trace()
    assert [r["name"] for r in rows][-1] == "y"
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"x", "z", "a", "y"}
    assert by_name["x"] == {"name": "x", "op": "input", "inputs": "", "value": 2.0, "grad": 4.0}
    assert by_name["a"] == {"name": "a", "op": "*", "inputs": "x, z", "value": 6.0, "grad": 1.0}
    assert by_name["y"]["inputs"] == "a, x" and by_name["y"]["value"] == 8.0
    assert by_name["z"]["grad"] == 2.0


def test_trace_names_unnamed_nodes_and_constants():
    x = Value(2.0, "x")
    y = (x * 3).exp()
    rows = y.trace()
    names = [r["name"] for r in rows]
    assert "3" in names  # a lifted constant is named by its value
    assert "v1" in names and "v2" in names
    ops = {r["name"]: r["op"] for r in rows}
    assert ops[names[-1]] == "exp"


def test_table_lists_every_node():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = (x * z + x).named("y")
    y.backward()
    table = y.table(digits=4)
    lines = table.splitlines()
    assert lines[0].split() == ["name", "op", "inputs", "value", "grad"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + len(y.trace())
    last = lines[-1].split()
    assert last[0] == "y" and last[1] == "+" and last[-2] == "8" and last[-1] == "1"
    assert any(line.split()[0] == "x" and line.split()[-1] == "4" for line in lines[2:])


def test_draw_returns_axes_with_a_box_per_node():
    import matplotlib
    import matplotlib.pyplot as plt

    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z).named("y")
    y.backward()
    ax = y.draw()
    assert isinstance(ax, matplotlib.axes.Axes)
    texts = [t.get_text() for t in ax.texts if t.get_text()]  # arrows are empty annotations
    order = y.topological_order()
    assert len(texts) == len(order)
    arrows = [t for t in ax.texts if not t.get_text()]
    assert len(arrows) == sum(len(v._parents) for v in order)
    assert any(t.startswith("y = +") for t in texts)
    assert any(t.startswith("x\n") and "grad 1208" in t for t in texts)
    _, given_ax = plt.subplots()
    assert y.draw(ax=given_ax) is given_ax


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


def test_draw_highlights_nodes():
    import matplotlib.pyplot as plt

    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z).named("y")
    y.backward()
    _, ax = plt.subplots()
    y.draw(ax=ax, highlight=x)
    colours = [t.get_bbox_patch().get_facecolor() for t in ax.texts if t.get_text()]
    bright = matplotlib_colour("#ffd54f")
    assert sum(c == bright for c in colours) == 1
    _, ax = plt.subplots()
    y.draw(ax=ax, highlight=[x, z, y])
    colours = [t.get_bbox_patch().get_facecolor() for t in ax.texts if t.get_text()]
    assert sum(c == bright for c in colours) == 3
    plt.close("all")


def matplotlib_colour(hex_colour):
    import matplotlib.colors

    return matplotlib.colors.to_rgba(hex_colour)


def test_draw_sets_the_size_of_the_boxes_text():
    import matplotlib.pyplot as plt

    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z).named("y")
    y.backward()
    for size in (8, 11):
        _, ax = plt.subplots()
        y.draw(ax=ax, fontsize=size)
        assert {t.get_fontsize() for t in ax.texts if t.get_text()} == {size}
    plt.close("all")
