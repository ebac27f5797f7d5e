"""Parameter, Module and Sequential: the module tree, modes, composition and its gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FD_TOL, assert_close, batch_shapes, maxout_gap, module_errors, seeds

import nnbook as nb

# -- Parameter ------------------------------------------------------------------------


def test_parameter_grad_matches_value():
    p = nb.Parameter(np.ones((2, 3), dtype=np.float32))
    assert p.shape == (2, 3) and p.dtype == np.float32
    assert p.grad.shape == (2, 3) and p.grad.dtype == np.float32
    assert not np.any(p.grad)
    assert p.decay is True
    assert repr(p) == "Parameter(shape=(2, 3), dtype=float32)"


def test_parameter_makes_integers_float():
    p = nb.Parameter(np.array([1, 2, 3]))
    assert p.dtype == np.float64
    assert_close(p.value, np.array([1.0, 2.0, 3.0]))


def test_parameter_zero_grad_keeps_the_array():
    p = nb.Parameter(np.zeros(3), decay=False)
    grad = p.grad
    p.grad += 5
    p.zero_grad()
    assert p.grad is grad and not np.any(grad)
    assert p.decay is False


# -- Module ---------------------------------------------------------------------------


class TwoLayer(nb.Module):
    """A hand-written module holding sub-modules as attributes."""

    def __init__(self, rng):
        self.first = nb.Linear(2, 3, rng=rng)
        self.act = nb.RReLU(rng=rng)
        self.second = nb.Linear(3, 1, bias=False, rng=rng)

    def forward(self, x):
        return self.second(self.act(self.first(x)))

    def backward(self, g):
        return self.first.backward(self.act.backward(self.second.backward(g)))


def test_named_parameters_of_attributes(rng):
    m = TwoLayer(rng)
    assert [name for name, _ in m.named_parameters()] == ["first.weight", "first.bias", "second.weight"]
    assert m.parameters() == [m.first.weight, m.first.bias, m.second.weight]
    assert m.num_parameters() == 2 * 3 + 3 + 3


def test_train_and_eval_reach_every_submodule(rng):
    m = TwoLayer(rng)
    assert m.training and m.act.training
    assert m.eval() is m
    assert not m.training and not m.act.training and not m.first.training
    m.train()
    assert m.training and m.act.training


class Stack(nb.Module):
    """A hand-written module keeping sub-modules in a list and a tuple, and a parameter of its own."""

    def __init__(self, rng):
        self.scale = nb.Parameter(np.ones(1), decay=False)
        self.blocks = [nb.Linear(2, 3, rng=rng), nb.Sequential(nb.Tanh(), nb.PReLU())]
        self.pair = (nb.Linear(3, 1, rng=rng), "not a module")


def test_children_are_the_modules_held_directly(rng):
    m = Stack(rng)
    assert [name for name, _ in m.named_children()] == ["blocks.0", "blocks.1", "pair.0"]
    assert list(m.children()) == [m.blocks[0], m.blocks[1], m.pair[0]]
    assert list(m.blocks[1].children()) == list(m.blocks[1])


def test_modules_walk_the_tree_depth_first_each_module_before_its_children(rng):
    m = Stack(rng)
    names = [name for name, _ in m.named_modules()]
    assert names == ["", "blocks.0", "blocks.1", "blocks.1.0", "blocks.1.1", "pair.0"]
    assert list(m.modules())[0] is m and list(m.modules())[3] is m.blocks[1][0]


def test_parameters_are_found_in_list_attributes(rng):
    m = Stack(rng)
    names = [name for name, _ in m.named_parameters()]
    assert names == ["scale", "blocks.0.weight", "blocks.0.bias", "blocks.1.1.weight", "pair.0.weight", "pair.0.bias"]
    assert m.num_parameters() == 1 + 2 * 3 + 3 + 1 + 3 + 1


def test_a_module_used_twice_is_walked_and_counted_once(rng):
    shared = nb.Linear(2, 2, rng=rng)
    model = nb.Sequential(shared, nb.Tanh(), shared)
    assert [name for name, _ in model.named_modules()] == ["", "0", "1"]
    assert model.parameters() == [shared.weight, shared.bias]  # an optimizer steps each once
    assert model.num_parameters() == 6


def test_train_and_eval_reach_modules_in_lists(rng):
    m = Stack(rng)
    m.eval()
    assert [x.training for x in m.modules()] == [False] * 6
    m.blocks[1].train()
    assert [x.training for x in m.modules()] == [False, False, True, True, True, False]


def test_module_zero_grad_resets_every_parameter(rng):
    m = TwoLayer(rng)
    for p in m.parameters():
        p.grad += 1
    m.zero_grad()
    assert all(not np.any(p.grad) for p in m.parameters())


def test_module_is_callable(rng):
    layer = nb.Linear(2, 2, rng=rng)
    X = rng.normal(size=(3, 2))
    assert_close(layer(X), layer.forward(X))


# -- Sequential -------------------------------------------------------------------------


def test_sequential_forward_is_composition(rng):
    a, b, c = nb.Linear(3, 4, rng=rng), nb.Tanh(), nb.Linear(4, 2, rng=rng)
    model = nb.Sequential(a, b, c)
    X = rng.normal(size=(5, 3))
    assert_close(model(X), c(b(a(X))))


def test_sequential_backward_runs_the_chain_in_reverse(rng):
    model = nb.Sequential(nb.Linear(3, 4, rng=rng), nb.Sigmoid(), nb.Linear(4, 2, rng=rng))
    X = rng.normal(size=(5, 3))
    G = rng.normal(size=(5, 2))
    model(X)
    grad_x = model.backward(G)
    lin1, sig, lin2 = model
    s = sig.function(X @ lin1.weight.value + lin1.bias.value)
    expected = ((G @ lin2.weight.value.T) * s * (1 - s)) @ lin1.weight.value.T
    assert_close(grad_x, expected, rtol=1e-12)


def test_sequential_names_parameters_by_position(rng):
    inner = nb.Sequential(nb.Linear(2, 2, rng=rng), nb.PReLU())
    model = nb.Sequential(nb.Linear(3, 2, rng=rng), nb.ReLU(), inner)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.0.weight", "2.0.bias", "2.1.weight"]
    assert model.num_parameters() == 3 * 2 + 2 + 2 * 2 + 2 + 1


def test_sequential_container_protocol(rng):
    layers = [nb.Linear(2, 3, rng=rng), nb.ReLU(), nb.Linear(3, 1, rng=rng)]
    model = nb.Sequential(*layers)
    assert len(model) == 3
    assert model[1] is layers[1]
    assert list(model) == layers
    assert repr(model).splitlines()[1] == "  (0): Linear(in_features=2, out_features=3),"


def test_sequential_train_and_eval_reach_nested_layers(rng):
    rrelu = nb.RReLU(rng=rng)
    model = nb.Sequential(nb.Linear(2, 2, rng=rng), nb.Sequential(rrelu))
    model.eval()
    assert not rrelu.training
    model.train()
    assert rrelu.training


def test_sequential_rejects_a_class_instead_of_an_instance(rng):
    with pytest.raises(TypeError, match=r"Sequential: argument 1 is type, not a Module.*ReLU\(\)"):
        nb.Sequential(nb.Linear(2, 2, rng=rng), nb.ReLU, nb.Linear(2, 1, rng=rng))


def test_sequential_rejects_a_function():
    with pytest.raises(TypeError, match="Sequential: argument 0 is function, not a Module"):
        nb.Sequential(lambda x: x)


def test_sequential_reports_the_layer_that_got_the_wrong_shape(rng):
    model = nb.Sequential(nb.Linear(3, 4, rng=rng), nb.ReLU(), nb.Linear(5, 1, rng=rng))
    with pytest.raises(ValueError, match=r"Linear\(in_features=5, out_features=1\): expected input of shape \(n, 5\), got \(2, 4\)"):
        model(np.zeros((2, 3)))


# gradient of whole stacks, on random widths


SMOOTH = [nb.Tanh, nb.Sigmoid, nb.Softplus, nb.ELU, nb.Identity]
KINKED = [nb.ReLU, lambda: nb.LeakyReLU(0.1), nb.PReLU, nb.Abs]


@given(shape=batch_shapes(max_n=5, max_d=4), widths=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       acts=st.lists(st.sampled_from(SMOOTH), min_size=3, max_size=3), seed=seeds)
def test_sequential_stack_gradients_match_finite_differences(shape, widths, acts, seed):
    rng = np.random.default_rng(seed)
    n, d = shape
    layers, d_in = [], d
    for width, act in zip(widths, acts):
        layers += [nb.Linear(d_in, width, rng=rng, bias_init="normal"), act()]
        d_in = width
    model = nb.Sequential(*layers, nb.Linear(d_in, 2, rng=rng))
    errors = module_errors(model, rng.normal(size=(n, d)), rng)
    assert len(errors) == 1 + 2 * (len(widths) + 1)
    assert max(errors.values()) < FD_TOL, errors


@pytest.mark.parametrize("act", KINKED, ids=["ReLU", "LeakyReLU", "PReLU", "Abs"])
def test_sequential_with_kinked_units_gradients_match_finite_differences(act, rng):
    # weights and inputs with no pre-activation within 1e-2 of a kink, of the unit or of Maxout
    while True:
        model = nb.Sequential(nb.Linear(3, 5, rng=rng, bias_init="normal"), act(),
                              nb.Maxout(5, 4, k=3, init="normal", rng=rng), nb.Linear(4, 2, rng=rng))
        X = rng.normal(size=(6, 3))
        if np.min(np.abs(model[0](X))) > 1e-2 and maxout_gap(model[2], model[1](model[0](X))) > 1e-2:
            break
    errors = module_errors(model, X, rng)
    assert max(errors.values()) < FD_TOL, errors


# -- backward(grad_out, input_grad=False): the training shortcut that skips dL/dX -----------


def _tanh_net(rng):
    return nb.Sequential(nb.Linear(3, 5, rng=rng), nb.Tanh(), nb.Linear(5, 2, rng=rng))


def test_skipping_the_input_gradient_leaves_parameter_gradients_bit_identical():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7)
    a, b = _tanh_net(np.random.default_rng(1)), _tanh_net(np.random.default_rng(1))
    loss = nb.CrossEntropyLoss()
    loss(a.forward(X), y)
    grad_x = a.backward(loss.backward())
    loss(b.forward(X), y)
    skipped = b.backward(loss.backward(), input_grad=False)
    assert skipped is None
    assert grad_x.shape == X.shape
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert np.array_equal(p.grad, q.grad), name
