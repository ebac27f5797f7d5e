"""Tests of nnbook.logic: binary inputs, layers set by hand, McCulloch-Pitts units,
truth tables, and which Boolean functions one threshold unit computes."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest

import nnbook as nb
import nnbook.logic as logic
from nnbook.logic import binary_inputs, find_threshold_unit, linear, threshold_unit, truth_table


def fires(X, w, b):
    return (X @ w + b >= 0).astype(float)


def test_binary_inputs_are_in_counting_order_like_the_xor_data():
    X = binary_inputs(3)
    assert X.shape == (8, 3) and X.dtype == np.float64
    np.testing.assert_array_equal(X @ [4, 2, 1], np.arange(8))
    np.testing.assert_array_equal(binary_inputs(2), nb.data.xor()[0])


def test_binary_inputs_bipolar():
    np.testing.assert_array_equal(binary_inputs(2, bipolar=True), [[-1, -1], [-1, 1], [1, -1], [1, 1]])


@pytest.mark.parametrize("n", [0, -2, 2.0, True])
def test_binary_inputs_rejects_a_bad_n(n):
    with pytest.raises(ValueError, match="positive integer"):
        binary_inputs(n)


@pytest.mark.parametrize(
    "table, w, b",
    [([0, 0, 0, 1], [1, 1], -1.5), ([0, 1, 1, 1], [1, 1], -0.5), ([1, 1, 1, 0], [-1, -1], 1.5), ([1, 0, 0, 0], [-1, -1], 0.5)],
    ids=["AND", "OR", "NAND", "NOR"],
)
def test_the_simplest_unit_is_returned(table, w, b):
    found = find_threshold_unit(table)
    assert found is not None
    np.testing.assert_array_equal(found[0], w)
    assert found[1] == b


def test_the_smallest_bias_magnitude_breaks_ties():
    found = find_threshold_unit([0, 0, 0, 0])  # any negative bias works; -0.5 is the simplest
    assert found is not None
    np.testing.assert_array_equal(found[0], [0, 0])
    assert found[1] == -0.5


@pytest.mark.parametrize("n, expected", [(1, 4), (2, 14), (3, 104)])
def test_counts_the_known_number_of_threshold_functions(n, expected):
    # 4, 14, 104: the numbers of linearly separable Boolean functions of 1, 2, 3 inputs
    X = binary_inputs(n)
    count = 0
    for table in itertools.product((0, 1), repeat=2**n):
        found = find_threshold_unit(table)
        if found is not None:
            np.testing.assert_array_equal(fires(X, *found), table)
            count += 1
    assert count == expected


@pytest.mark.parametrize("table", [[0, 1, 1, 0], [1, 0, 0, 1], [0, 1, 1, 0, 1, 0, 0, 1]], ids=["XOR", "XNOR", "parity3"])
def test_no_unit_for_parity_even_on_a_finer_grid(table):
    assert find_threshold_unit(table) is None
    assert find_threshold_unit(table, weights=np.linspace(-3, 3, 13), biases=np.linspace(-5, 5, 41)) is None


def test_custom_biases_and_the_convention_step_of_zero_is_one():
    # with b = -1 and w = (1, 0), x1 = 1 gives z = 0 exactly, which fires
    found = find_threshold_unit([0, 0, 1, 1], weights=(0, 1), biases=(-1.0,))
    assert found is not None
    np.testing.assert_array_equal(found[0], [1, 0])
    assert found[1] == -1.0
    assert find_threshold_unit([0, 0, 1, 1], weights=(0, 1), biases=(-2.0,)) is None


@pytest.mark.parametrize(
    "table, message",
    [([0, 1, 1], "2\\*\\*n entries"), ([1], "2\\*\\*n entries"), ([0, 2, 1, 0], "only 0 and 1")],
)
def test_rejects_a_bad_truth_table(table, message):
    with pytest.raises(ValueError, match=message):
        find_threshold_unit(table)


def test_rejects_an_empty_weight_grid():
    with pytest.raises(ValueError, match="weights"):
        find_threshold_unit([0, 0, 0, 1], weights=())


# -- linear: a layer with weights set by hand ---------------------------------------------

def test_linear_holds_copies_of_the_given_weights():
    W, b = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([0.5, -0.5, 0.0])
    layer = linear(W, b)
    assert isinstance(layer, nb.Linear) and (layer.in_features, layer.out_features) == (2, 3)
    W[0, 0] = 100.0  # changing the caller's array afterwards does not change the layer
    np.testing.assert_array_equal(layer.weight.value, [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(layer(np.array([[1.0, 1.0]])), [[5.5, 6.5, 9.0]])


def test_linear_without_bias_and_with_a_scalar_bias_for_one_output():
    assert linear([[1.0], [2.0]]).bias is None
    np.testing.assert_array_equal(linear([[1.0], [2.0]], 3.0)(np.array([[1.0, 1.0]])), [[6.0]])


def test_linear_is_trainable_like_any_layer():
    layer = linear(np.ones((2, 1)), [0.0])
    layer.forward(np.array([[1.0, 2.0]]))
    layer.backward(np.array([[1.0]]))
    np.testing.assert_array_equal(layer.weight.grad, [[1.0], [2.0]])
    np.testing.assert_array_equal(layer.bias.grad, [1.0])


@pytest.mark.parametrize(
    "W, b, message",
    [
        ([1.0, 2.0], None, r"2-D array \(d_in, d_out\), got shape \(2,\) \(one output unit needs shape"),
        ([[1.0, 2.0]], [1.0], r"bias must have shape \(2,\), got \(1,\)"),
        ([[np.nan]], None, "finite"),
        ([[1.0]], [np.inf], "finite"),
    ],
)
def test_linear_rejects_bad_weights(W, b, message):
    with pytest.raises(ValueError, match=message):
        linear(W, b)


# -- threshold units and truth tables -------------------------------------------------------

@pytest.mark.parametrize(
    "w, b, expected",
    [([1, 1], -1.5, [0, 0, 0, 1]), ([1, 1], -0.5, [0, 1, 1, 1]), ([-1, -1], 1.5, [1, 1, 1, 0]), ([1, -1], -0.5, [0, 0, 1, 0])],
    ids=["AND", "OR", "NAND", "x1 and not x2"],
)
def test_threshold_unit_computes_two_input_gates(w, b, expected):
    unit = threshold_unit(w, b)
    assert unit(binary_inputs(2)).shape == (4, 1)
    np.testing.assert_array_equal(truth_table(unit), expected)


def test_threshold_unit_fires_at_exactly_the_threshold():
    np.testing.assert_array_equal(threshold_unit([1.0], -1.0)(np.array([[0.0], [1.0]])).ravel(), [0.0, 1.0])


def test_threshold_unit_is_linear_then_step():
    unit = threshold_unit([2.0, -1.0, 0.5], 0.25)
    assert isinstance(unit[0], nb.Linear) and isinstance(unit[1], nb.Step)
    np.testing.assert_array_equal(unit[0].weight.value, [[2.0], [-1.0], [0.5]])
    np.testing.assert_array_equal(unit[0].bias.value, [0.25])


def test_threshold_unit_with_bipolar_inputs_matches_a_worked_example():
    # y = x2 AND (x1 OR NOT x3) with inputs in {-1, +1}: v = -2 + 2 x1 + 4 x2 - x3
    X = binary_inputs(3, bipolar=True)
    t = X > 0
    expected = t[:, 1] & (t[:, 0] | ~t[:, 2])
    np.testing.assert_array_equal(truth_table(threshold_unit([2, 4, -1], -2), 3, bipolar=True), expected)


@pytest.mark.parametrize("w, b, message", [([[1.0, 2.0]], 0.0, r"shape \(d,\)"), ([], 0.0, r"shape \(d,\)"), ([1.0], [1.0, 2.0], "one number")])
def test_threshold_unit_rejects_bad_parameters(w, b, message):
    with pytest.raises(ValueError, match=message):
        threshold_unit(w, b)


def test_threshold_unit_rejects_inputs_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"expected input of shape \(n, 2\), got \(4, 3\)"):
        threshold_unit([1.0, 1.0], 0.0)(np.zeros((4, 3)))


def test_truth_table_of_a_function_and_its_shape_check():
    np.testing.assert_array_equal(truth_table(lambda X: X[:, 0] * X[:, 1]), [0, 0, 0, 1])
    np.testing.assert_array_equal(truth_table(lambda X: X.sum(axis=1, keepdims=True), 3), [0, 1, 1, 2, 1, 2, 2, 3])
    with pytest.raises(ValueError, match=r"one output a row"):
        truth_table(lambda X: X)


def test_module_examples_run():
    result = doctest.testmod(logic, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
