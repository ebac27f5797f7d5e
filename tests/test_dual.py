"""Dual numbers (forward mode): every operation's tangent against finite differences, agreement with
reverse mode (Value) on the chain-rule quiz, forward_gradient's sweeps, and the errors."""

from __future__ import annotations

import math

import pytest

from nnbook import Value
from nnbook.dual import Dual, forward_gradient


def _central(f, x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def quiz(x, z):
    """y = exp(xz) + xz/log(x) + sin(log(x))/(xz), for Duals, Values or floats."""
    if isinstance(x, (Dual, Value)):
        return (x * z).exp() + x * z / x.log() + x.log().sin() / (x * z)
    return math.exp(x * z) + x * z / math.log(x) + math.sin(math.log(x)) / (x * z)


UNARY = {
    "exp": math.exp, "log": math.log, "sin": math.sin, "cos": math.cos, "tanh": math.tanh,
    "sigmoid": lambda t: 1 / (1 + math.exp(-t)), "relu": lambda t: max(t, 0.0),
    "square": lambda t: t**2, "cube root": lambda t: t ** (1 / 3), "neg": lambda t: -t,
}


def _dual_op(name, d):
    if name == "square":
        return d**2
    if name == "cube root":
        return d ** (1 / 3)
    if name == "neg":
        return -d
    return getattr(d, name)()


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("x", [0.3, 1.7, 2.9])
def test_unary_tangent_matches_finite_differences(name, x):
    out = _dual_op(name, Dual(x, 1.0))
    assert out.value == pytest.approx(UNARY[name](x), rel=1e-14)
    assert out.tangent == pytest.approx(_central(UNARY[name], x), rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "r+", "r-", "r*", "r/"])
def test_binary_tangents_match_finite_differences(op):
    f = {
        "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
        "r+": lambda a, b: 2.5 + a, "r-": lambda a, b: 2.5 - a, "r*": lambda a, b: 2.5 * a, "r/": lambda a, b: 2.5 / a,
    }[op]
    a, b = 1.3, -0.7
    # direction (1, 0): derivative in a; direction (0, 1): derivative in b
    assert f(Dual(a, 1.0), Dual(b, 0.0)).tangent == pytest.approx(_central(lambda t: f(t, b), a), rel=1e-8)
    if not op.startswith("r"):
        assert f(Dual(a, 0.0), Dual(b, 1.0)).tangent == pytest.approx(_central(lambda t: f(a, t), b), rel=1e-8)
        assert f(Dual(a), b).value == pytest.approx(f(a, b), rel=1e-15)


def test_a_general_direction_gives_the_directional_derivative():
    x, z = 2.0, 3.0
    gx, gz = forward_gradient(quiz, [x, z])
    out = quiz(Dual(x, 0.6), Dual(z, -0.8))
    assert out.tangent == pytest.approx(0.6 * gx - 0.8 * gz, rel=1e-12)


def test_forward_mode_agrees_with_reverse_mode_on_the_quiz():
    xv, zv = Value(2.0), Value(3.0)
    y = quiz(xv, zv)
    y.backward()
    gx, gz = forward_gradient(quiz, [2.0, 3.0])
    assert gx == pytest.approx(xv.grad, rel=1e-13)
    assert gz == pytest.approx(zv.grad, rel=1e-13)
    assert quiz(Dual(2.0, 1.0), Dual(3.0)).value == pytest.approx(y.data, rel=1e-15)
    assert [round(gx), round(gz)] == [1208, 810]


def test_forward_gradient_runs_one_sweep_per_input():
    calls = []

    def f(*xs):
        calls.append(1)
        return sum((x * x for x in xs), Dual(0.0))

    grad = forward_gradient(f, [1.0, -2.0, 0.5, 3.0])
    assert len(calls) == 4
    assert grad == pytest.approx([2.0, -4.0, 1.0, 6.0])


def test_forward_gradient_of_a_constant_is_zero():
    assert forward_gradient(lambda x, z: 3.0, [1.0, 2.0]) == [0.0, 0.0]


def test_errors():
    with pytest.raises(TypeError, match="Dual"):
        Dual("1")
    with pytest.raises(TypeError, match="cannot combine"):
        Dual(1.0) + "a"
    with pytest.raises(TypeError, match="constant exponents"):
        Dual(2.0) ** Dual(2.0)
    with pytest.raises(ValueError, match="Dual.log"):
        Dual(-1.0).log()
    with pytest.raises(ZeroDivisionError, match="Dual"):
        Dual(1.0) / Dual(0.0, 1.0)
    with pytest.raises(ValueError, match="forward_gradient"):
        forward_gradient(lambda: Dual(1.0), [])
    with pytest.raises(TypeError, match="one Dual"):
        forward_gradient(lambda x: [x, x], [1.0])


def test_sigmoid_is_stable_at_large_inputs():
    assert Dual(-1000.0, 1.0).sigmoid().value == 0.0
    assert Dual(1000.0, 1.0).sigmoid().tangent == 0.0


def test_repr():
    assert repr(Dual(2.0, 1.0)) == "Dual(2, tangent=1)"


def test_agrees_with_torch_forward_mode():
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as fwAD

    def tquiz(x, z):
        return torch.exp(x * z) + x * z / torch.log(x) + torch.sin(torch.log(x)) / (x * z)

    with fwAD.dual_level():
        x = fwAD.make_dual(torch.tensor(2.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
        z = torch.tensor(3.0, dtype=torch.float64)
        tangent = fwAD.unpack_dual(tquiz(x, z)).tangent.item()
    assert quiz(Dual(2.0, 1.0), Dual(3.0)).tangent == pytest.approx(tangent, rel=1e-13)
