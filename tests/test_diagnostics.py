"""nnbook.diagnostics: deep networks, per-layer statistics of one forward and backward pass."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import nnbook as nb
from nnbook import diagnostics as dg
from strategies import FD_TOL, TORCH_RTOL


# -- deep_network --------------------------------------------------------------------------

def test_deep_network_alternates_linear_layers_and_activations(rng):
    model = dg.deep_network(4, 7, d_in=3, activation="relu", rng=rng)
    assert len(model) == 8
    assert [type(m) for m in model] == [nb.Linear, nb.ReLU] * 4
    assert model[0].weight.shape == (3, 7)
    assert all(model[i].weight.shape == (7, 7) for i in (2, 4, 6))
    assert all(np.all(model[i].bias.value == 0) for i in (0, 2, 4, 6))


def test_deep_network_normal_scale_is_the_standard_deviation():
    model = dg.deep_network(2, 400, init="normal", scale=0.01, rng=np.random.default_rng(1))
    w = np.concatenate([model[i].weight.value.ravel() for i in (0, 2)])
    assert w.std() == pytest.approx(0.01, rel=0.01)
    assert abs(w.mean()) < 1e-4


def test_deep_network_draws_the_same_weights_as_the_initializer_scaled():
    model = dg.deep_network(2, 5, d_in=3, init="he_normal", scale=0.5, rng=np.random.default_rng(3))
    gen = np.random.default_rng(3)
    first = 0.5 * nb.init.he_normal((3, 5), gen)
    second = 0.5 * nb.init.he_normal((5, 5), gen)
    assert np.array_equal(model[0].weight.value, first)
    assert np.array_equal(model[2].weight.value, second)


@pytest.mark.parametrize("init, variance", [("xavier_normal", 2 / 600), ("xavier_uniform", 2 / 600),
                                            ("he_normal", 2 / 300), ("lecun_normal", 1 / 300)])
def test_deep_network_initializers_have_their_variance(init, variance):
    model = dg.deep_network(1, 300, init=init, rng=np.random.default_rng(5))
    assert model[0].weight.value.var() == pytest.approx(variance, rel=0.02)


def test_deep_network_accepts_a_factory_and_no_bias(rng):
    model = dg.deep_network(2, 3, activation=nb.Softplus, bias=False, rng=rng)
    assert isinstance(model[1], nb.Softplus) and model[0].bias is None


def test_deep_network_same_seed_same_network():
    a = dg.deep_network(3, 6, rng=np.random.default_rng(9))
    b = dg.deep_network(3, 6, rng=np.random.default_rng(9))
    assert all(np.array_equal(p.value, q.value) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("kwargs, message", [
    ({"depth": 0}, "depth must be a positive integer"),
    ({"width": 2.5}, "width must be a positive integer"),
    ({"d_in": -1}, "d_in must be a positive integer"),
    ({"scale": -1.0}, "scale must be a finite number"),
    ({"scale": float("nan")}, "scale must be a finite number"),
    ({"activation": "tahn"}, "unknown activation 'tahn'"),
    ({"init": "glorot"}, "deep_network: unknown initializer 'glorot'"),
    ({"activation": lambda: 3}, "returned int, not a Module"),
    ({"rng": 0}, "rng must be a numpy.random.Generator"),
])
def test_deep_network_bad_arguments_raise_clear_errors(kwargs, message):
    args = {"depth": 2, "width": 3, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        dg.deep_network(**args)


# -- layer_statistics: the same numbers as the layers called by hand -------------------------

def by_hand(model, X, G):
    """Forward and backward through a Linear/tanh/ReLU chain, written out."""
    hs, ss, xs = [], [], []
    x = X
    for i in range(0, len(model), 2):
        W, b = model[i].weight.value, model[i].bias.value
        s = x @ W + b
        h = np.tanh(s) if isinstance(model[i + 1], nb.Tanh) else np.maximum(s, 0)
        xs.append(x), ss.append(s), hs.append(h)
        x = h
    gh, gs, gw = [None] * len(hs), [None] * len(hs), [None] * len(hs)
    g = G
    for l in reversed(range(len(hs))):
        gh[l] = g
        act = model[2 * l + 1]
        gs[l] = g * (1 - hs[l] * hs[l]) if isinstance(act, nb.Tanh) else g * (ss[l] > 0)
        gw[l] = xs[l].T @ gs[l]
        g = gs[l] @ model[2 * l].weight.value.T
    return xs, ss, hs, gh, gs, gw


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_layer_statistics_are_bit_identical_to_the_layers_called_by_hand(activation):
    gen = np.random.default_rng(11)
    model = dg.deep_network(4, 6, d_in=3, activation=activation, init="xavier_normal", rng=gen)
    X, G = gen.standard_normal((5, 3)), gen.standard_normal((5, 6))
    stats = dg.layer_statistics(model, X, G)
    for got, want in zip([stats.inputs, stats.pre_activations, stats.activations, stats.grad_activations,
                          stats.grad_pre_activations, stats.grad_weights], by_hand(model, X, G)):
        assert len(got) == len(want) == 4
        for a, b in zip(got, want):
            assert a.shape == b.shape
            assert np.array_equal(a, b)


def test_layer_statistics_shapes(rng):
    model = dg.deep_network(3, 8, d_in=2, rng=rng)
    stats = dg.layer_statistics(model, rng.standard_normal((10, 2)), np.ones((10, 8)))
    assert len(stats) == 3
    assert [x.shape for x in stats.inputs] == [(10, 2), (10, 8), (10, 8)]
    assert [w.shape for w in stats.grad_weights] == [(2, 8), (8, 8), (8, 8)]
    assert all(h.shape == (10, 8) for h in stats.activations + stats.grad_pre_activations)
    for f in (stats.activation_std, stats.pre_activation_std, stats.saturated_fraction, stats.zero_fraction,
              stats.grad_norms):
        assert f().shape == (3,)


def test_layer_statistics_weight_gradients_match_finite_differences():
    gen = np.random.default_rng(4)
    model = dg.deep_network(3, 4, d_in=2, activation="tanh", init="xavier_normal", rng=gen)
    X, G = gen.standard_normal((6, 2)), gen.standard_normal((6, 4))
    stats = dg.layer_statistics(model, X, G)
    eps = 1e-6
    for l in range(3):
        W = model[2 * l].weight.value
        numeric = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = np.sum(G * model.forward(X))
            W[idx] = old - eps
            down = np.sum(G * model.forward(X))
            W[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        assert nb.relative_error(stats.grad_weights[l], numeric) < FD_TOL


def test_layer_statistics_input_gradient_matches_finite_differences():
    gen = np.random.default_rng(6)
    model = dg.deep_network(2, 3, d_in=2, activation="tanh", init="normal", scale=0.8, rng=gen)
    X, G = gen.standard_normal((4, 2)), gen.standard_normal((4, 3))
    stats = dg.layer_statistics(model, X, G)
    # dL/dh^1 from dL/ds^2: the gradient with respect to the first layer's activation
    h1 = stats.activations[0]
    numeric = nb.numerical_gradient(lambda h: np.sum(G * np.tanh(h @ model[2].weight.value + model[2].bias.value)), h1.copy())
    assert nb.relative_error(stats.grad_activations[0], numeric) < FD_TOL


def test_layer_statistics_with_a_loss_equals_its_gradient(rng):
    model = nb.Sequential(nb.Linear(3, 5, rng=rng), nb.Tanh(), nb.Linear(5, 2, rng=rng))
    X, y = rng.standard_normal((7, 3)), rng.integers(0, 2, size=7)
    ce = nb.CrossEntropyLoss()
    stats = dg.layer_statistics(model, X, loss=ce, target=y)
    ce(model.forward(X), y)
    G = ce.backward()
    again = dg.layer_statistics(model, X, G)
    assert len(stats) == 2
    assert stats.activations[1] is stats.pre_activations[1]           # the output layer has no activation
    for a, b in zip(stats.grad_weights, again.grad_weights):
        assert np.array_equal(a, b)


def test_layer_statistics_leaves_the_parameter_gradients_alone(rng):
    model = dg.deep_network(2, 3, rng=rng)
    for p in model.parameters():
        p.grad[...] = 7.0
    dg.layer_statistics(model, rng.standard_normal((4, 3)), np.ones((4, 3)))
    assert all(np.all(p.grad == 7.0) for p in model.parameters())


def test_layer_statistics_summaries():
    model = dg.deep_network(1, 4, d_in=1, activation="tanh", init=lambda s, r: np.array([[1.0, 2.0, -3.0, 0.5]]),
                            bias=False, rng=np.random.default_rng(0))
    X = np.array([[3.0], [-0.1]])
    stats = dg.layer_statistics(model, X, np.ones((2, 4)))
    h = np.tanh(X @ np.array([[1.0, 2.0, -3.0, 0.5]]))
    assert stats.saturated_fraction()[0] == np.mean(np.abs(h) > 0.99) == 3 / 8
    assert stats.saturated_fraction(0.5)[0] == np.mean(np.abs(h) > 0.5)
    assert stats.activation_std()[0] == np.std(h)
    assert stats.pre_activation_std()[0] == np.std(X @ np.array([[1.0, 2.0, -3.0, 0.5]]))
    assert stats.grad_norms("activations")[0] == np.sqrt(8)
    assert stats.grad_norms("pre_activations")[0] == np.linalg.norm(1 - h**2)
    relu = dg.deep_network(1, 2, d_in=1, activation="relu", init=lambda s, r: np.array([[1.0, -1.0]]),
                           rng=np.random.default_rng(0))
    assert dg.layer_statistics(relu, np.array([[2.0], [3.0]]), np.ones((2, 2))).zero_fraction()[0] == 0.5


def test_grad_norms_rejects_an_unknown_kind(rng):
    stats = dg.layer_statistics(dg.deep_network(1, 2, rng=rng), np.ones((1, 2)), np.ones((1, 2)))
    with pytest.raises(ValueError, match="of must be one of"):
        stats.grad_norms("biases")


def test_variance_shrinks_geometrically_with_small_weights():
    """sigma0 = 0.01, 500 units: the std of s shrinks by sqrt(500) * 0.01 a layer (chapter 7)."""
    gen = np.random.default_rng(7)
    model = dg.deep_network(4, 500, activation="tanh", init="normal", scale=0.01, rng=gen)
    stats = dg.layer_statistics(model, gen.standard_normal((400, 500)), gen.standard_normal((400, 500)))
    ratios = stats.activation_std()[1:] / stats.activation_std()[:-1]
    np.testing.assert_allclose(ratios, np.sqrt(500) * 0.01, rtol=0.02)
    back = stats.grad_norms("activations")
    np.testing.assert_allclose(back[:-1] / back[1:], np.sqrt(500) * 0.01, rtol=0.02)


@pytest.mark.parametrize("call, message", [
    (lambda m, X, G: dg.layer_statistics([m[0]], X, G), "model must be an nb.Sequential, got list"),
    (lambda m, X, G: dg.layer_statistics(nb.Sequential(nb.Tanh(), *m.layers), X, G), "must start with a Linear layer"),
    (lambda m, X, G: dg.layer_statistics(nb.Sequential(*m.layers, nb.Maxout(3, 2, init=0.0)), X, G), "neither Linear nor an elementwise"),
    (lambda m, X, G: dg.layer_statistics(m, X[:, :2], G), r"X must have shape \(n, 3\) for the first layer Linear\(in_features=3, out_features=3\), got \(4, 2\)"),
    (lambda m, X, G: dg.layer_statistics(m, X[0], G), r"got \(3,\)"),
    (lambda m, X, G: dg.layer_statistics(m, X, G[:, :2]), r"grad_output must have the shape of the model's output \(4, 3\), got \(4, 2\)"),
    (lambda m, X, G: dg.layer_statistics(m, X), "give either grad_output .* not neither"),
    (lambda m, X, G: dg.layer_statistics(m, X, G, loss=nb.MSELoss(), target=G), "not both"),
    (lambda m, X, G: dg.layer_statistics(m, X, loss=nb.MSELoss()), "loss= needs target="),
])
def test_layer_statistics_bad_input_raises_clear_errors(rng, call, message):
    model = dg.deep_network(2, 3, rng=rng)
    X, G = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    with pytest.raises(ValueError, match=message):
        call(model, X, G)


def test_layer_statistics_needs_a_linear_layer():
    with pytest.raises(ValueError, match="must start with a Linear layer|has no Linear layer"):
        dg.layer_statistics(nb.Sequential(), np.ones((1, 1)), np.ones((1, 1)))


def test_layer_statistics_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    gen = np.random.default_rng(21)
    model = dg.deep_network(3, 5, d_in=4, activation="tanh", init="normal", scale=0.7, rng=gen)
    X, G = gen.standard_normal((6, 4)), gen.standard_normal((6, 5))
    stats = dg.layer_statistics(model, X, G)
    Ws = [torch.tensor(model[i].weight.value, requires_grad=True) for i in (0, 2, 4)]
    bs = [torch.tensor(model[i].bias.value, requires_grad=True) for i in (0, 2, 4)]
    h = torch.tensor(X)
    hs = []
    for W, b in zip(Ws, bs):
        h = torch.tanh(h @ W + b)
        h.retain_grad()
        hs.append(h)
    (torch.tensor(G) * h).sum().backward()
    for l in range(3):
        np.testing.assert_allclose(stats.activations[l], hs[l].detach().numpy(), rtol=TORCH_RTOL, atol=1e-14)
        np.testing.assert_allclose(stats.grad_weights[l], Ws[l].grad.numpy(), rtol=TORCH_RTOL, atol=1e-14)
        np.testing.assert_allclose(stats.grad_activations[l], hs[l].grad.numpy(), rtol=TORCH_RTOL, atol=1e-14)


# -- plotting -----------------------------------------------------------------------------

def test_plot_layer_histograms_draws_one_axis_a_layer(rng):
    import matplotlib.pyplot as plt

    stats = dg.layer_statistics(dg.deep_network(3, 4, rng=rng), rng.standard_normal((5, 4)), np.ones((5, 4)))
    axes = dg.plot_layer_histograms(stats)
    assert len(axes) == 3 and axes[2].get_title() == "layer 3"
    axes = dg.plot_layer_histograms(stats, which="pre_activations", layers=[1, 3])
    assert [a.get_title() for a in axes] == ["layer 1", "layer 3"]
    with pytest.raises(ValueError, match="counted from 1 to 3"):
        dg.plot_layer_histograms(stats, layers=[0])
    with pytest.raises(ValueError, match="which must be"):
        dg.plot_layer_histograms(stats, which="grads")
    axes = dg.plot_layer_histograms(stats.activations[:2])
    assert len(axes) == 2 and axes[1].get_title() == "layer 2"
    with pytest.raises(ValueError, match="no layers to show"):
        dg.plot_layer_histograms([])
    _, two = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="3 layers but 2 axes"):
        dg.plot_layer_histograms(stats, axes=two)
    plt.close("all")


def test_module_examples_run():
    result = doctest.testmod(dg)
    assert result.attempted > 0 and result.failed == 0
