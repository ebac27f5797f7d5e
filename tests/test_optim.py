"""SGD: plain steps, momentum, weight decay (weights only), L1, zero_grad, PyTorch, errors."""

from __future__ import annotations

import numpy as np
import pytest
from strategies import TORCH_RTOL, assert_close, numpy_of

import nnbook as nb


def _params(rng):
    w = nb.Parameter(rng.normal(size=(3, 2)))
    b = nb.Parameter(rng.normal(size=(2,)), decay=False)
    w.grad[:] = rng.normal(size=(3, 2))
    b.grad[:] = rng.normal(size=(2,))
    return w, b


def test_plain_step(rng):
    w, b = _params(rng)
    w0, b0 = w.value.copy(), b.value.copy()
    opt = nb.SGD([w, b], lr=0.1)
    opt.step()
    assert_close(w.value, w0 - 0.1 * w.grad)
    assert_close(b.value, b0 - 0.1 * b.grad)


def test_step_updates_in_place(rng):
    w, b = _params(rng)
    value = w.value
    nb.SGD([w, b], lr=0.1).step()
    assert w.value is value


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_plain_step_is_bit_for_bit_value_minus_lr_times_grad(dtype, rng):
    """In every float dtype: lr is cast to the parameter's dtype, as NumPy does with a Python float."""
    w = nb.Parameter(rng.normal(size=(3, 2)).astype(dtype))
    w.grad[:] = rng.normal(size=(3, 2))
    want = w.value.copy()
    want -= 0.1 * w.grad
    nb.SGD([w], lr=0.1).step()
    assert w.value.dtype == dtype
    assert w.value.tobytes() == want.tobytes()


def test_changing_lr_between_steps_takes_effect(rng):
    w, b = _params(rng)
    opt = nb.SGD([w, b], lr=0.1)
    opt.step()
    w1 = w.value.copy()
    opt.lr = 0.5
    opt.step()
    assert_close(w.value, w1 - 0.5 * w.grad, rtol=1e-15)
    opt.lr = 0.0
    w2 = w.value.copy()
    opt.step()
    assert np.array_equal(w.value, w2)


def test_plain_step_with_a_gradient_of_another_dtype_rounds_as_numpy_does(rng):
    w = nb.Parameter(rng.normal(size=(3, 2)).astype(np.float32))
    w.grad = rng.normal(size=(3, 2))  # float64, assigned by hand
    want = w.value.copy()
    want -= 0.1 * w.grad
    nb.SGD([w], lr=0.1).step()
    assert w.value.dtype == np.float32 and w.value.tobytes() == want.tobytes()


def test_momentum_accumulates_velocity(rng):
    w, b = _params(rng)
    lr, mu = 0.1, 0.9
    opt = nb.SGD([w, b], lr=lr, momentum=mu)
    expected, v = w.value.copy(), np.zeros_like(w.value)
    grads = [rng.normal(size=(3, 2)) for _ in range(4)]
    for g in grads:
        w.grad[:] = g
        opt.step()
        v = mu * v + g
        expected = expected - lr * v
        assert_close(w.value, expected, rtol=1e-14)


def test_momentum_with_a_constant_gradient_approaches_lr_over_1_minus_mu():
    w = nb.Parameter(np.zeros(1))
    opt = nb.SGD([w], lr=0.1, momentum=0.5)
    w.grad[:] = 1.0
    previous = 0.0
    for _ in range(60):
        opt.step()
        step, previous = previous - w.value[0], w.value[0]
    assert step == pytest.approx(0.1 / (1 - 0.5), rel=1e-12)


def test_weight_decay_shrinks_weights_and_leaves_biases(rng):
    w, b = _params(rng)
    w0, b0 = w.value.copy(), b.value.copy()
    lr, lam = 0.1, 0.01
    nb.SGD([w, b], lr=lr, weight_decay=lam).step()
    assert_close(w.value, (1 - lr * lam) * w0 - lr * w.grad, rtol=1e-14)
    assert_close(b.value, b0 - lr * b.grad)


def test_weight_decay_with_zero_gradient_is_pure_shrinkage(rng):
    w = nb.Parameter(rng.normal(size=(4,)))
    w0 = w.value.copy()
    opt = nb.SGD([w], lr=0.5, weight_decay=0.1)
    for _ in range(3):
        opt.step()
    assert_close(w.value, 0.95**3 * w0, rtol=1e-14)


def test_weight_decay_does_not_touch_the_gradient(rng):
    w, b = _params(rng)
    g = w.grad.copy()
    nb.SGD([w, b], lr=0.1, weight_decay=0.5, l1=0.5).step()
    assert_close(w.grad, g)


def test_linear_and_prelu_decay_flags_drive_the_optimizer(rng):
    model = nb.Sequential(nb.Linear(3, 2, rng=rng, bias_init="normal"), nb.PReLU())
    before = [p.value.copy() for p in model.parameters()]
    nb.SGD(model.parameters(), lr=0.1, weight_decay=0.3).step()  # every grad is zero
    w, b, a = (p.value for p in model.parameters())
    assert_close(w, 0.97 * before[0], rtol=1e-14)
    assert np.array_equal(b, before[1]) and np.array_equal(a, before[2])


def test_l1_uses_the_sign_as_subgradient():
    w = nb.Parameter(np.array([2.0, -3.0, 0.0]))
    b = nb.Parameter(np.array([1.0, -1.0]), decay=False)
    w.grad[:] = [0.5, 0.5, 0.5]
    nb.SGD([w, b], lr=0.1, l1=0.2).step()
    assert_close(w.value, np.array([2.0, -3.0, 0.0]) - 0.1 * (np.array([0.5, 0.5, 0.5]) + 0.2 * np.array([1.0, -1.0, 0.0])))
    assert_close(b.value, np.array([1.0, -1.0]))


def test_l1_and_l2_together(rng):
    w, b = _params(rng)
    w0, g = w.value.copy(), w.grad.copy()
    nb.SGD([w, b], lr=0.05, weight_decay=0.1, l1=0.02).step()
    assert_close(w.value, w0 - 0.05 * (g + 0.1 * w0 + 0.02 * np.sign(w0)), rtol=1e-14)


def test_zero_grad_resets_every_gradient(rng):
    w, b = _params(rng)
    opt = nb.SGD([w, b], lr=0.1)
    opt.zero_grad()
    assert not np.any(w.grad) and not np.any(b.grad)


def test_accepts_a_generator_of_parameters(rng):
    w, b = _params(rng)
    opt = nb.SGD((p for p in [w, b]), lr=0.1)
    assert opt.params == [w, b]


def test_repr():
    assert repr(nb.SGD([nb.Parameter(np.zeros(1))], lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9, weight_decay=0.0)"


# -- errors -------------------------------------------------------------------------------


def test_empty_params_raise():
    with pytest.raises(ValueError, match=r"SGD: got an empty parameter list \(did you pass model.parameters\(\)\?\)"):
        nb.SGD([], lr=0.1)


def test_a_model_instead_of_its_parameters_raises(rng):
    with pytest.raises(TypeError, match=r"SGD: got the module Sequential itself; pass its parameters: "
                                        r"SGD\(sequential.parameters\(\), lr=...\)"):
        nb.SGD(nb.Sequential(nb.Linear(2, 2, rng=rng)), lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: got the module Linear itself; pass its parameters"):
        nb.SGD(nb.Linear(2, 2, rng=rng), lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: params must be an iterable of Parameters \(model.parameters\(\)\), got float"):
        nb.SGD(0.1, lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: expected Parameters, got Linear \(pass model.parameters\(\)\)"):
        nb.SGD([nb.Linear(2, 2, rng=rng)], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: expected Parameters, got ndarray \(pass model.parameters\(\)\)"):
        nb.SGD([np.zeros(3)], lr=0.1)


@pytest.mark.parametrize("field, value", [("lr", -0.1), ("lr", float("nan")), ("momentum", -0.5), ("weight_decay", -1.0),
                                          ("l1", float("inf"))])
def test_negative_or_non_finite_hyperparameters_raise(field, value):
    kwargs = {"lr": 0.1, field: value}
    with pytest.raises(ValueError, match=f"SGD: {field} must be a finite number >= 0, got {value!r}"):
        nb.SGD([nb.Parameter(np.zeros(1))], **kwargs)


def test_momentum_of_one_raises():
    with pytest.raises(ValueError, match="SGD: momentum must be < 1, got 1.0"):
        nb.SGD([nb.Parameter(np.zeros(1))], lr=0.1, momentum=1.0)


# -- PyTorch ------------------------------------------------------------------------------


def test_step_matches_torch_sgd_with_momentum_and_decay_on_weights_only(torch, rng):
    """Five training steps of a small MLP, ours and torch's, from the same start.

    torch gets two parameter groups, weights with weight decay and biases
    without, which is what ``decay=False`` on biases means here.
    """
    lr, mu, lam = 0.1, 0.9, 0.05
    model = nb.Sequential(nb.Linear(3, 4, rng=rng, bias_init="normal"), nb.Tanh(), nb.Linear(4, 2, rng=rng, bias_init="normal"))
    loss = nb.CrossEntropyLoss()
    opt = nb.SGD(model.parameters(), lr=lr, momentum=mu, weight_decay=lam)

    t_params = [torch.tensor(p.value.copy(), requires_grad=True) for p in model.parameters()]
    tw1, tb1, tw2, tb2 = t_params
    t_opt = torch.optim.SGD(
        [{"params": [tw1, tw2], "weight_decay": lam}, {"params": [tb1, tb2], "weight_decay": 0.0}], lr=lr, momentum=mu,
    )
    for _ in range(5):
        X = rng.normal(size=(8, 3))
        y = rng.integers(0, 2, size=8)

        opt.zero_grad()
        loss(model.forward(X), y)
        model.backward(loss.backward())
        opt.step()

        t_opt.zero_grad()
        tX = torch.from_numpy(X)
        logits = torch.tanh(tX @ tw1 + tb1) @ tw2 + tb2
        torch.nn.functional.cross_entropy(logits, torch.from_numpy(y)).backward()
        t_opt.step()

        for p, t in zip(model.parameters(), t_params):
            assert_close(p.value, numpy_of(t), rtol=TORCH_RTOL)


def test_single_step_matches_torch_with_identical_gradients(torch, rng):
    w, b = _params(rng)
    tw, tb = (torch.tensor(p.value.copy(), requires_grad=True) for p in (w, b))
    opt = nb.SGD([w, b], lr=0.2, momentum=0.5, weight_decay=0.1)
    t_opt = torch.optim.SGD([{"params": [tw], "weight_decay": 0.1}, {"params": [tb], "weight_decay": 0.0}], lr=0.2, momentum=0.5)
    for _ in range(3):
        gw, gb = rng.normal(size=w.shape), rng.normal(size=b.shape)
        w.grad[:], b.grad[:] = gw, gb
        tw.grad, tb.grad = torch.from_numpy(gw.copy()), torch.from_numpy(gb.copy())
        opt.step()
        t_opt.step()
        assert_close(w.value, numpy_of(tw), rtol=TORCH_RTOL)
        assert_close(b.value, numpy_of(tb), rtol=TORCH_RTOL)
