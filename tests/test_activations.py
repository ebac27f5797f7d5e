"""Activation modules: values, gradients (finite differences and PyTorch), modes, dtypes, errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from strategies import (
    FD_TOL, TORCH_RTOL, assert_close, away_from, batch_shapes, module_errors, numpy_of, seeds, to_torch,
)

import nnbook as nb

# name -> (factory taking the number of units, kinks to sample away from)
DIFFERENTIABLE = {
    "Identity": (lambda d: nb.Identity(), ()),
    "Sigmoid": (lambda d: nb.Sigmoid(), ()),
    "Tanh": (lambda d: nb.Tanh(), ()),
    "ReLU": (lambda d: nb.ReLU(), (0.0,)),
    "LeakyReLU": (lambda d: nb.LeakyReLU(0.1), (0.0,)),
    "PReLU shared": (lambda d: nb.PReLU(1, init=0.3), (0.0,)),
    "PReLU per unit": (lambda d: nb.PReLU(d, init=0.3), (0.0,)),
    "RReLU eval": (lambda d: nb.RReLU(0.1, 0.4, rng=np.random.default_rng(0)).eval(), (0.0,)),
    "ELU": (lambda d: nb.ELU(0.7), (0.0,)),
    "Softplus": (lambda d: nb.Softplus(), ()),
    "HardTanh": (lambda d: nb.HardTanh(), (-1.0, 1.0)),
    "HardTanh(-2, 0.5)": (lambda d: nb.HardTanh(-2.0, 0.5), (-2.0, 0.5)),
    "Abs": (lambda d: nb.Abs(), (0.0,)),
}

# name -> (module, naive formula) checked at moderate inputs
FORMULAS = {
    "Identity": (nb.Identity(), lambda z: z),
    "Step": (nb.Step(), lambda z: (z >= 0).astype(float)),
    "Sigmoid": (nb.Sigmoid(), lambda z: 1 / (1 + np.exp(-z))),
    "Tanh": (nb.Tanh(), lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))),
    "ReLU": (nb.ReLU(), lambda z: np.where(z > 0, z, 0.0)),
    "LeakyReLU": (nb.LeakyReLU(0.2), lambda z: np.where(z > 0, z, 0.2 * z)),
    "PReLU": (nb.PReLU(1, init=0.25), lambda z: np.where(z > 0, z, 0.25 * z)),
    "RReLU eval": (nb.RReLU(0.1, 0.3).eval(), lambda z: np.where(z > 0, z, 0.2 * z)),
    "ELU": (nb.ELU(1.5), lambda z: np.where(z > 0, z, 1.5 * (np.exp(z) - 1))),
    "Softplus": (nb.Softplus(), lambda z: np.log(1 + np.exp(z))),
    "HardTanh": (nb.HardTanh(), lambda z: np.where(z > 1, 1.0, np.where(z < -1, -1.0, z))),
    "Abs": (nb.Abs(), lambda z: np.where(z < 0, -z, z)),
}

ALL_MODULES = {
    "Identity": nb.Identity, "Step": nb.Step, "Sigmoid": nb.Sigmoid, "Tanh": nb.Tanh, "ReLU": nb.ReLU,
    "LeakyReLU": nb.LeakyReLU, "PReLU": nb.PReLU,
    "RReLU": lambda: nb.RReLU(rng=np.random.default_rng(0)), "ELU": nb.ELU,
    "Softplus": nb.Softplus, "HardTanh": nb.HardTanh, "Abs": nb.Abs,
}


def _sample(rng: np.random.Generator, shape: tuple[int, ...], kinks, scale: float = 2.0) -> np.ndarray:
    return away_from(scale * rng.normal(size=shape), kinks)


@pytest.mark.parametrize("name", FORMULAS)
def test_forward_matches_the_formula(name):
    module, formula = FORMULAS[name]
    z = np.linspace(-3, 3, 25).reshape(5, 5)
    assert_close(module(z), formula(z))


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@given(shape=batch_shapes(max_n=5, max_d=6), seed=seeds)
def test_gradients_match_finite_differences(name, shape, seed):
    factory, kinks = DIFFERENTIABLE[name]
    rng = np.random.default_rng(seed)
    module = factory(shape[1])
    errors = module_errors(module, _sample(rng, shape, kinks), rng)
    assert max(errors.values()) < FD_TOL, errors


@pytest.mark.parametrize("name", ["Sigmoid", "Tanh", "Softplus", "ELU"])
def test_smooth_gradients_match_finite_differences_at_large_inputs(name, rng):
    module = DIFFERENTIABLE[name][0](4)
    errors = module_errors(module, rng.uniform(-30, 30, size=(6, 4)), rng)
    assert max(errors.values()) < FD_TOL, errors


@pytest.mark.parametrize("name", [n for n in DIFFERENTIABLE if not n.startswith("PReLU")])
def test_function_and_derivative_agree_with_forward_and_backward(name, rng):
    module = DIFFERENTIABLE[name][0](4)
    z = _sample(rng, (3, 4), DIFFERENTIABLE[name][1])
    out = module(z)
    assert_close(module.function(z), out)
    assert_close(module.derivative(z), module.backward(np.ones_like(z)))


def test_prelu_slope_gradient_shared(rng):
    prelu = nb.PReLU(1, init=0.3)
    z = away_from(rng.normal(size=(4, 3)), [0.0])
    G = rng.normal(size=(4, 3))
    prelu(z)
    grad_z = prelu.backward(G)
    assert prelu.weight.shape == (1,)
    assert_close(prelu.weight.grad, np.array([np.sum(G * np.minimum(z, 0))]))
    assert_close(grad_z, G * np.where(z > 0, 1.0, 0.3))


def test_prelu_slope_gradient_per_unit(rng):
    prelu = nb.PReLU(3, init=0.3)
    prelu.weight.value[:] = [0.1, 0.2, 0.5]
    z = away_from(rng.normal(size=(4, 3)), [0.0])
    G = rng.normal(size=(4, 3))
    out = prelu(z)
    prelu.backward(G)
    assert_close(out, np.where(z > 0, z, np.array([0.1, 0.2, 0.5]) * z))
    assert_close(prelu.weight.grad, np.sum(G * np.minimum(z, 0), axis=0))


def test_prelu_slope_is_a_parameter_without_decay():
    prelu = nb.PReLU(2)
    assert [name for name, _ in prelu.named_parameters()] == ["weight"]
    assert prelu.weight.decay is False
    assert_close(prelu.weight.value, np.full(2, 0.25))


def test_prelu_per_unit_rejects_the_wrong_width():
    with pytest.raises(ValueError, match=re.escape("PReLU(num_parameters=3): expected input of shape (n, 3), got (2, 4)")):
        nb.PReLU(3)(np.zeros((2, 4)))


def test_prelu_rejects_bad_num_parameters():
    with pytest.raises(ValueError, match="PReLU: num_parameters must be a positive integer, got 0"):
        nb.PReLU(0)


def test_rrelu_eval_uses_the_mean_slope():
    rrelu = nb.RReLU(0.1, 0.3, rng=np.random.default_rng(0)).eval()
    z = np.array([[-2.0, -1.0, 0.5]])
    assert_close(rrelu(z), np.array([[-0.4, -0.2, 0.5]]))
    assert_close(rrelu.backward(np.ones_like(z)), np.array([[0.2, 0.2, 1.0]]))


def test_rrelu_train_draws_slopes_in_range_and_backward_uses_them():
    lower, upper = 0.1, 0.3
    rrelu = nb.RReLU(lower, upper, rng=np.random.default_rng(1))
    assert rrelu.training
    z = -np.linspace(1, 2, 200).reshape(20, 10)
    out = rrelu(z)
    slopes = out / z
    assert np.all((slopes >= lower) & (slopes <= upper))
    assert np.unique(slopes).size > 100  # a fresh slope for each element
    G = np.random.default_rng(2).normal(size=z.shape)
    assert_close(rrelu.backward(G), G * slopes)


def test_rrelu_train_is_reproducible_with_the_same_seed():
    z = -np.ones((4, 5))
    a = nb.RReLU(rng=np.random.default_rng(7))(z)
    b = nb.RReLU(rng=np.random.default_rng(7))(z)
    c = nb.RReLU(rng=np.random.default_rng(8))(z)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_rrelu_switches_back_to_the_mean_slope_in_eval():
    rrelu = nb.RReLU(0.1, 0.3, rng=np.random.default_rng(3))
    z = -np.ones((2, 3))
    rrelu(z)
    rrelu.eval()
    assert_close(rrelu(z), -0.2 * np.ones((2, 3)))
    assert_close(rrelu.backward(np.ones((2, 3))), 0.2 * np.ones((2, 3)))


def test_rrelu_rejects_bad_bounds():
    with pytest.raises(ValueError, match="RReLU: need 0 <= lower <= upper, got lower=0.5, upper=0.2"):
        nb.RReLU(0.5, 0.2)


def test_rrelu_in_training_mode_needs_a_generator():
    unit = nb.RReLU(0.1, 0.3)
    x = np.array([[-1.0, 2.0]])
    with pytest.raises(ValueError, match=r"RReLU: training mode draws the negative slopes at random and needs rng, "
                                         r"a numpy.random.Generator \(build it as RReLU\(rng=rng\), or call .eval\(\)"):
        unit(x)
    assert_close(unit.eval()(x), np.array([[-0.2, 2.0]]))  # evaluation mode draws nothing


def test_rrelu_refuses_what_is_not_a_generator():
    with pytest.raises(TypeError, match="RReLU: rng must be a numpy.random.Generator, e.g. np.random.default_rng\\(0\\); got int"):
        nb.RReLU(rng=0)


def test_hardtanh_rejects_bad_limits():
    with pytest.raises(ValueError, match="HardTanh: need min_val < max_val, got 1.0 and -1.0"):
        nb.HardTanh(1.0, -1.0)


def test_step_forward_is_a_threshold():
    assert_close(nb.Step()(np.array([[-1.0, 0.0, 2.0]])), np.array([[0.0, 1.0, 1.0]]))


def test_step_backward_raises():
    step = nb.Step()
    step(np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="Step has no useful gradient.*Sigmoid"):
        step.backward(np.ones((2, 2)))


def test_relu_gradient_at_zero_is_zero_by_convention():
    relu = nb.ReLU()
    relu(np.array([[0.0, 1.0]]))
    assert_close(relu.backward(np.ones((1, 2))), np.array([[0.0, 1.0]]))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int64])
def test_relu_is_bit_for_bit_max_and_mask_product(dtype):
    """``max(z, 0)`` and ``grad_out * (z > 0)``, signed zeros and NaN included."""
    special = [0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan] if dtype != np.int64 else [0, 3, -4, 7, -1, 2, 5]
    z = np.array([special, special[::-1]], dtype=dtype)
    g = np.array([special[::-1], special], dtype=dtype)
    relu = nb.ReLU()
    with np.errstate(invalid="ignore"):
        out = relu(z)
        back = relu.backward(g)
        want_out, want_back = np.maximum(z, 0), g * (z > 0)
    assert out.dtype == want_out.dtype and out.tobytes() == want_out.tobytes()
    assert back.dtype == want_back.dtype and back.tobytes() == want_back.tobytes()


def test_relu_accepts_a_list():
    relu = nb.ReLU()
    assert np.array_equal(relu([[-1.0, 2.0]]), [[0.0, 2.0]])
    assert np.array_equal(relu.backward(np.array([[3.0, 3.0]])), [[0.0, 3.0]])


@pytest.mark.parametrize("name", [n for n in ALL_MODULES if n != "Step"])
def test_backward_before_forward_raises(name):
    module = ALL_MODULES[name]()
    with pytest.raises(RuntimeError, match=rf"{name}\(.*\): backward\(\) called before forward\(\)"):
        module.backward(np.ones((2, 3)))


@pytest.mark.parametrize("name", [n for n in ALL_MODULES if n != "Step"])
def test_backward_rejects_wrong_grad_shape(name):
    module = ALL_MODULES[name]()
    module(np.ones((2, 3)))
    msg = rf"{name}\(.*\): backward\(\) got grad_out of shape \(3, 2\), but the forward output had shape \(2, 3\)"
    with pytest.raises(ValueError, match=msg):
        module.backward(np.ones((3, 2)))


@pytest.mark.parametrize("name", list(DIFFERENTIABLE) + ["PReLU float32"])
def test_float32_stays_float32(name, rng):
    """Float32 in, float32 out, for every unit (PReLU's float64 slope included)."""
    module = nb.PReLU(1, dtype=np.float32) if name == "PReLU float32" else DIFFERENTIABLE[name][0](3)
    z = rng.normal(size=(4, 3)).astype(np.float32)
    out = module(z)
    assert out.dtype == np.float32
    assert module.backward(np.ones_like(out)).dtype == np.float32


# -- PyTorch --------------------------------------------------------------------------

F_TORCH = {
    "ReLU": (lambda d: nb.ReLU(), lambda F, x, m: F.relu(x), (0.0,)),
    "LeakyReLU": (lambda d: nb.LeakyReLU(0.05), lambda F, x, m: F.leaky_relu(x, 0.05), (0.0,)),
    "RReLU eval": (
        lambda d: nb.RReLU(0.1, 0.4).eval(), lambda F, x, m: F.rrelu(x, 0.1, 0.4, training=False), (0.0,),
    ),
    "ELU": (lambda d: nb.ELU(0.7), lambda F, x, m: F.elu(x, alpha=0.7), (0.0,)),
    "Tanh": (lambda d: nb.Tanh(), lambda F, x, m: F.tanh(x), ()),
    "Sigmoid": (lambda d: nb.Sigmoid(), lambda F, x, m: F.sigmoid(x), ()),
    "Hardtanh": (lambda d: nb.HardTanh(-0.5, 2.0), lambda F, x, m: F.hardtanh(x, -0.5, 2.0), (-0.5, 2.0)),
    "Abs": (lambda d: nb.Abs(), lambda F, x, m: x.abs(), (0.0,)),
    "Identity": (lambda d: nb.Identity(), lambda F, x, m: x.clone(), ()),
    # torch's softplus returns x itself above threshold=20 (an error of about 2e-9 there),
    # so it is compared exactly below the threshold ...
    "Softplus": (lambda d: nb.Softplus(), lambda F, x, m: F.softplus(x), ()),
}


@pytest.mark.parametrize("name", F_TORCH)
def test_matches_torch(name, torch, rng):
    factory, reference, kinks = F_TORCH[name]
    x = _sample(rng, (6, 5), kinks, scale=3.0)
    G = rng.normal(size=x.shape)
    module = factory(5)
    out = module(x)
    grad = module.backward(G)
    (tx,) = to_torch(torch, x)
    tout = reference(torch.nn.functional, tx, module)
    (tout * torch.from_numpy(G)).sum().backward()
    assert_close(out, numpy_of(tout), rtol=TORCH_RTOL)
    assert_close(grad, numpy_of(tx.grad), rtol=TORCH_RTOL)


def test_softplus_matches_torch_beyond_its_threshold(torch, rng):
    # ... and with the threshold raised out of the way for inputs up to 30.
    x = rng.uniform(-30, 30, size=(8, 5))
    G = rng.normal(size=x.shape)
    module = nb.Softplus()
    out = module(x)
    grad = module.backward(G)
    (tx,) = to_torch(torch, x)
    tout = torch.nn.functional.softplus(tx, beta=1.0, threshold=100.0)
    (tout * torch.from_numpy(G)).sum().backward()
    assert_close(out, numpy_of(tout), rtol=TORCH_RTOL)
    assert_close(grad, numpy_of(tx.grad), rtol=TORCH_RTOL)


@pytest.mark.parametrize("units", [1, 4])
def test_prelu_matches_torch(units, torch, rng):
    prelu = nb.PReLU(units)
    prelu.weight.value[:] = rng.uniform(0.05, 0.5, size=units)
    x = away_from(rng.normal(size=(6, 4)), [0.0])
    G = rng.normal(size=x.shape)
    out = prelu(x)
    grad = prelu.backward(G)
    tx, ta = to_torch(torch, x, prelu.weight.value)
    tout = torch.nn.functional.prelu(tx, ta)
    (tout * torch.from_numpy(G)).sum().backward()
    assert_close(out, numpy_of(tout), rtol=TORCH_RTOL)
    assert_close(grad, numpy_of(tx.grad), rtol=TORCH_RTOL)
    assert_close(prelu.weight.grad, numpy_of(ta.grad), rtol=TORCH_RTOL)
