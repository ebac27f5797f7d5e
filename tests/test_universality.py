"""Tests of nnbook.universality: sigmoid bumps and staircases, activation patterns,
exact breakpoints along a line, region counts on a grid, the sawtooth and
Montufar's construction, and the Montufar bound."""

from __future__ import annotations

import doctest
from math import comb

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nnbook as nb
import nnbook.universality as U
from nnbook.logic import linear

F = lambda x: 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)  # noqa: E731


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def one_layer(W, b, a, c=0.0):
    """relu(x W + b) a + c as an nnbook network."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    return nb.Sequential(linear(W, b), nb.ReLU(), linear(np.reshape(a, (-1, 1)), [c]))


# -- bumps ----------------------------------------------------------------------------


def test_bump_network_is_the_difference_of_two_sigmoid_steps():
    net = U.bump_network([0.2, 0.5], [0.4, 0.9], [1.5, -0.7], steepness=30.0)
    x = np.linspace(-1, 2, 301)[:, None]
    expected = (1.5 * (sigmoid(30 * (x - 0.2)) - sigmoid(30 * (x - 0.4)))
                - 0.7 * (sigmoid(30 * (x - 0.5)) - sigmoid(30 * (x - 0.9))))
    np.testing.assert_allclose(net.forward(x), expected, rtol=1e-12, atol=1e-14)


def test_bump_network_has_the_architecture_of_the_theorem():
    net = U.bump_network([0.1, 0.3, 0.6], [0.3, 0.6, 0.8], [1, 2, 3], steepness=10.0)
    assert [type(m) for m in net] == [nb.Linear, nb.Sigmoid, nb.Linear]
    assert net[0].weight.shape == (1, 6) and net[2].weight.shape == (6, 1)
    assert net.forward(np.zeros((5, 1))).shape == (5, 1)


def test_a_steep_bump_is_its_height_inside_zero_outside_and_half_at_the_edges():
    net = U.bump_network([0.3], [0.7], [2.0], steepness=2000.0)
    inside = np.linspace(0.32, 0.68, 50)[:, None]
    outside = np.r_[np.linspace(-3, 0.28, 50), np.linspace(0.72, 4, 50)][:, None]
    np.testing.assert_allclose(net.forward(inside), 2.0, atol=1e-9)
    np.testing.assert_allclose(net.forward(outside), 0.0, atol=1e-9)
    np.testing.assert_allclose(net.forward(np.array([[0.3], [0.7]])), 1.0, atol=1e-9)


@pytest.mark.parametrize(
    "left, right, heights, steepness, match",
    [([0.5], [0.2], [1.0], 10.0, "left < right"), ([0.1, 0.2], [0.3], [1.0], 10.0, "same length"),
     ([0.1], [0.3], [1.0], 0.0, "steepness"), ([0.1], [0.3], [np.nan], 5.0, "finite"), ([], [], [], 1.0, "non-empty")],
)
def test_bump_network_rejects_bad_arguments(left, right, heights, steepness, match):
    with pytest.raises(ValueError, match=match):
        U.bump_network(left, right, heights, steepness=steepness)


def test_bump_approximation_error_shrinks_like_one_over_n():
    x = np.linspace(0, 1, 4001)[:, None]
    errors = [np.max(np.abs(U.bump_approximation(F, n, steepness=10.0 * n).forward(x) - F(x))) for n in (16, 64, 256)]
    assert errors[0] > errors[1] > errors[2]
    # a factor 4 more bumps, roughly a factor 4 less error
    assert 2.5 < errors[0] / errors[1] < 6 and 2.5 < errors[1] / errors[2] < 6


def test_steep_bump_approximation_is_the_staircase_of_midpoint_values():
    n = 10
    net = U.bump_approximation(F, n, steepness=1e5)
    cells = np.linspace(0, 1, n + 1)
    mid = (cells[:-1] + cells[1:]) / 2
    x = np.concatenate([np.linspace(a + 0.005, b - 0.005, 7) for a, b in zip(cells[:-1], cells[1:])])
    expected = np.repeat(F(mid), 7)
    np.testing.assert_allclose(net.forward(x[:, None]).ravel(), expected, atol=1e-9)


def test_bump_approximation_does_not_drop_to_half_height_at_the_ends():
    net = U.bump_approximation(lambda x: np.ones_like(x), 5, steepness=200.0, lo=-1.0, hi=3.0)
    np.testing.assert_allclose(net.forward(np.array([[-1.0], [3.0]])), 1.0, atol=1e-9)


def test_bump_approximation_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_bumps"):
        U.bump_approximation(F, 0, steepness=1.0)
    with pytest.raises(ValueError, match="lo < hi"):
        U.bump_approximation(F, 3, steepness=1.0, lo=1.0, hi=0.0)
    with pytest.raises(ValueError, match="same shape"):
        U.bump_approximation(lambda x: 1.0, 3, steepness=1.0)


# -- ReLU networks: layers and activation patterns ------------------------------------


def test_random_relu_network_shapes_biases_and_reproducibility():
    a = U.random_relu_network(2, [5, 4], rng=np.random.default_rng(3))
    b = U.random_relu_network(2, [5, 4], rng=np.random.default_rng(3))
    assert [type(m) for m in a] == [nb.Linear, nb.ReLU, nb.Linear, nb.ReLU, nb.Linear]
    assert [W.shape for W, _ in U.relu_layers(a)] == [(2, 5), (5, 4), (4, 1)]
    assert np.all(a[0].bias.value != 0)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.value, q.value)


def test_random_relu_network_rejects_bad_arguments():
    with pytest.raises(TypeError, match="Generator"):
        U.random_relu_network(1, [3], rng=0)
    with pytest.raises(ValueError, match="widths"):
        U.random_relu_network(1, [], rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    "model, match",
    [
        (nb.Sequential(nb.Linear(1, 3, init=0.0), nb.Sigmoid(), nb.Linear(3, 1, init=0.0)), "layer 1 is Sigmoid"),
        (nb.Sequential(nb.Linear(1, 3, init=0.0), nb.ReLU()), "odd number"),
        (nb.Sequential(nb.ReLU(), nb.Linear(1, 3, init=0.0), nb.ReLU()), "layer 0 is ReLU"),
        (nb.Sequential(nb.Linear(1, 3, init=0.0), nb.ReLU(), nb.Linear(4, 1, init=0.0)), "takes 4 inputs but the layer before has 3"),
        (nb.Linear(1, 1, init=0.0), "expected a Sequential"),
    ],
)
def test_relu_layers_names_what_does_not_fit(model, match):
    with pytest.raises(ValueError, match=match):
        U.relu_layers(model)


def test_relu_layers_treats_a_missing_bias_as_zero():
    net = nb.Sequential(nb.Linear(1, 2, bias=False, init=0.0), nb.ReLU(), nb.Linear(2, 1, init=0.0))
    np.testing.assert_array_equal(U.relu_layers(net)[0][1], [0.0, 0.0])


def test_activation_pattern_matches_the_forward_pass():
    net = U.random_relu_network(2, [4, 3], rng=np.random.default_rng(1))
    X = np.random.default_rng(2).normal(size=(50, 2))
    z1 = net[0].forward(X)
    z2 = net[2].forward(np.maximum(z1, 0))
    np.testing.assert_array_equal(U.activation_pattern(net, X), np.c_[z1 > 0, z2 > 0])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        U.activation_pattern(net, X[:, :1])


def test_region_ids_agree_with_numpy_unique_rows():
    net = U.random_relu_network(2, [12, 12, 12, 12, 12, 12], rng=np.random.default_rng(4))  # 72 units: two 64-bit words
    X = np.random.default_rng(5).uniform(-2, 2, size=(3000, 2))
    ids, count = U.region_ids(net, X)
    rows, inverse = np.unique(U.activation_pattern(net, X), axis=0, return_inverse=True)
    assert count == len(rows)
    np.testing.assert_array_equal(ids, inverse.ravel())


def test_three_lines_in_general_position_make_seven_regions_on_a_grid():
    # x1 = 0, x2 = 0 and x1 + x2 = 1/2 cross at (0, 0), (0, 1/2), (1/2, 0): 1 + 3 + 3 = 7 regions
    net = one_layer([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], [0.0, 0.0, -0.5], [1.0, 1.0, 1.0])
    assert U.count_regions_on_grid(net, (-1, 1), (-1, 1), 200) == 7
    # the window [0.6, 1]^2 sees one region only
    assert U.count_regions_on_grid(net, (0.6, 1), (0.6, 1), 50) == 1


def test_one_hidden_layer_in_the_plane_reaches_the_hyperplane_arrangement_count():
    # five lines tangent to a circle, at angles spread over less than pi: every pair crosses near the origin
    angles = np.linspace(0, 0.8 * np.pi, 5)
    W = np.vstack([np.cos(angles), np.sin(angles)])
    net = one_layer(W, -0.3 * np.ones(5), np.ones(5))
    assert U.count_regions_on_grid(net, (-2, 2), (-2, 2), 600) == U.montufar_bound(2, [5]) == 1 + 5 + 10


# -- exact breakpoints along a line ---------------------------------------------------


def test_breakpoints_of_one_hidden_layer_are_minus_b_over_w():
    net = one_layer([[2.0, -1.0, 4.0]], [-1.0, 0.25, 1.0], [1.0, -2.0, 0.5])
    np.testing.assert_allclose(U.line_breakpoints(net, -2, 2), [-0.25, 0.25, 0.5], rtol=0, atol=1e-12)
    assert U.count_regions_on_line(net, -2, 2) == 4
    # only the kinks inside the segment count
    np.testing.assert_allclose(U.line_breakpoints(net, 0.0, 0.4), [0.25], atol=1e-12)


def test_pieces_merge_pattern_changes_that_do_not_bend_the_output():
    # unit 2 switches at 0.5 but has output weight 0; units 3 and 4 together are linear: relu(z) - relu(-z) = z
    net = one_layer([[1.0, 1.0, 1.0, -1.0]], [-0.2, -0.5, -0.7, 0.7], [1.0, 0.0, 1.0, -1.0])
    np.testing.assert_allclose(U.line_breakpoints(net, 0, 1), [0.2, 0.5, 0.7], atol=1e-12)
    np.testing.assert_allclose(U.line_breakpoints(net, 0, 1, pieces=True), [0.2], atol=1e-12)
    assert U.count_pieces_on_line(net, 0, 1) == 2


def test_two_units_switching_at_the_same_point_give_one_breakpoint():
    net = one_layer([[1.0, 3.0]], [-0.5, -1.5], [1.0, 1.0])
    np.testing.assert_allclose(U.line_breakpoints(net, 0, 1), [0.5], atol=1e-12)


@given(st.integers(0, 10_000))
def test_breakpoints_agree_with_pattern_changes_on_a_fine_grid(seed):
    rng = np.random.default_rng(seed)
    net = U.random_relu_network(1, [5, 4, 3], rng=rng)
    found = U.line_breakpoints(net, -2, 2)
    t = np.linspace(-2, 2, 40_001)
    P = U.activation_pattern(net, t[:, None])
    changes = np.flatnonzero(np.any(P[1:] != P[:-1], axis=1))
    # every grid step with a pattern change contains a breakpoint, and every breakpoint
    # lies in such a step (unless two breakpoints are closer than the grid spacing)
    if np.all(np.diff(found) > 2 * (t[1] - t[0])):
        assert len(found) == len(changes)
        np.testing.assert_array_less(t[changes] - 1e-12, found)
        np.testing.assert_array_less(found, t[changes + 1] + 1e-12)


def test_the_network_is_affine_between_breakpoints():
    net = U.random_relu_network(1, [6, 6, 6], rng=np.random.default_rng(11))
    edges = np.r_[-2.0, U.line_breakpoints(net, -2, 2), 2.0]
    for a, b in zip(edges[:-1], edges[1:]):
        t = np.linspace(a, b, 7)[:, None]
        y = net.forward(t).ravel()
        np.testing.assert_allclose(np.diff(y, 2), 0.0, atol=1e-9 * (1 + np.max(np.abs(y))))


def test_breakpoints_along_a_line_in_the_plane():
    # lines x1 = 0 and x2 = 0; the segment from (-1, -0.5) in direction (1, 1) crosses x2 = 0 at t = 0.5, x1 = 0 at t = 1
    net = one_layer(np.eye(2), [0.0, 0.0], [1.0, 2.0])
    found = U.line_breakpoints(net, 0, 3, origin=[-1.0, -0.5], direction=[1.0, 1.0])
    np.testing.assert_allclose(found, [0.5, 1.0], atol=1e-12)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        U.line_breakpoints(net, 0, 1, origin=[0.0])
    with pytest.raises(ValueError, match="lo < hi"):
        U.line_breakpoints(net, 1, 0)


def test_max_breakpoints_stops_the_walk():
    with pytest.raises(RuntimeError, match="more than 10"):
        U.line_breakpoints(U.sawtooth_network(6), 0, 1, max_breakpoints=10)


# -- the sawtooth and Montufar's construction -----------------------------------------


def test_tent_map():
    np.testing.assert_allclose(U.tent(np.array([0, 0.25, 0.5, 0.75, 1.0])), [0, 0.5, 1, 0.5, 0])
    x = np.linspace(0, 1, 101)
    np.testing.assert_allclose(U.tent(x), 1 - np.abs(2 * x - 1), atol=1e-15)


@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_sawtooth_network_computes_the_tent_map_composed(depth):
    x = np.linspace(-0.5, 1.5, 1001)
    y = x.copy()
    for _ in range(depth):
        y = U.tent(y)
    net = U.sawtooth_network(depth)
    np.testing.assert_allclose(net.forward(x[:, None]).ravel(), y, atol=1e-12)
    assert net.num_parameters() == 4 + 6 * (depth - 1) + 3  # 2L hidden units


@pytest.mark.parametrize("depth", [1, 2, 5, 8])
def test_sawtooth_has_two_to_the_depth_pieces_on_the_unit_interval(depth):
    assert U.count_pieces_on_line(U.sawtooth_network(depth), 0, 1) == 2**depth
    # outside [0, 1]: a flat piece on the left; on the right the last tooth of a single tent
    # continues as the line 2 - 2x, while deeper sawtooths are flat there (the next tent maps x < 0 to 0)
    assert U.count_pieces_on_line(U.sawtooth_network(depth), -1, 2) == 2**depth + (1 if depth == 1 else 2)


@pytest.mark.parametrize("width, depth", [(24, 1), (12, 2), (8, 3), (6, 4), (2, 6), (3, 4), (5, 2)])
def test_montufar_network_attains_the_bound_for_one_input(width, depth):
    net = U.montufar_network(width, depth)
    assert [W.shape for W, _ in U.relu_layers(net)] == [(1, width)] + [(width, width)] * (depth - 1) + [(width, 1)]
    expected = U.montufar_bound(1, [width] * depth)
    assert expected == width ** (depth - 1) * (width + 1)
    assert U.count_pieces_on_line(net, 0, 1) == expected
    assert U.count_regions_on_line(net, 0, 1) == expected


def test_bad_depths_and_widths_are_rejected():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="depth"):
            U.sawtooth_network(bad)
        with pytest.raises(ValueError, match="width"):
            U.montufar_network(bad, 2)


# -- the bound ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n0, widths, expected",
    [
        (2, [24], 301), (2, [12, 12], 6**2 * (1 + 12 + 66)), (2, [8, 8, 8], 4**2 * 4**2 * (1 + 8 + 28)),
        (2, [6, 6, 6, 6], 3**6 * (1 + 6 + 15)), (1, [6, 6, 6, 6], 6**3 * 7), (3, [7, 5], 2**3 * (1 + 5 + 10 + 10)),
    ],
)
def test_montufar_bound_values(n0, widths, expected):
    assert U.montufar_bound(n0, widths) == expected


def test_montufar_bound_for_one_layer_is_the_hyperplane_arrangement_count():
    for n0 in (1, 2, 3):
        for n in range(n0, 10):
            assert U.montufar_bound(n0, [n]) == sum(comb(n, j) for j in range(n0 + 1))


def test_montufar_bound_rejects_narrow_layers():
    with pytest.raises(ValueError, match=">= n_inputs"):
        U.montufar_bound(3, [5, 2])
    with pytest.raises(ValueError, match="at least one hidden layer"):
        U.montufar_bound(2, [])


def test_doctests():
    assert doctest.testmod(U, raise_on_error=False).failed == 0
