"""The chapter 2 exercise checkers: the model solutions pass, and each typical
wrong solution fails with the hint that names its mistake."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest

import nnbook as nb
import nnbook.exercises.ch02 as ch02_module
from nnbook.exercises import normalize_answer, ch02, checks
from nnbook.logic import binary_inputs, find_threshold_unit
from nnbook_key import ch02 as key  # the instructor's answer key (tests/conftest.py puts it on the path)
from nnbook_key.answers import ANSWERS

from exercise_helpers import assert_fails_with, assert_passes, run_checks  # noqa: F401


def linear(W, b):
    layer = nb.Linear(*np.shape(W), init=0.0)
    layer.weight.value[...] = W
    layer.bias.value[...] = b
    return layer


# -- Exercise 1: XNOR with ReLU units -----------------------------------------------

XNOR_SOLUTION = (np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[-1.0], [2.0]]), np.array([1.0]))
XOR_GOODFELLOW = (np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[1.0], [-2.0]]), np.array([0.0]))


def test_xnor_solution_passes(capsys):
    out = assert_passes(capsys, lambda c: ch02.check_xnor_weights(c, *XNOR_SOLUTION, hidden=2, exact=True))
    assert out.count("PASS") == 2


def test_xnor_another_solution_with_three_hidden_units_passes(capsys):
    # 1 - relu(x1 + x2 - 0) + 2 relu(x1 + x2 - 1), with a third unit that is never active
    W1 = np.array([[1.0, 1.0, -1.0], [1.0, 1.0, -1.0]])
    b1 = np.array([0.0, -1.0, -5.0])
    W2 = np.array([[-1.0], [2.0], [7.0]])
    assert_passes(capsys, lambda c: ch02.check_xnor_weights(c, W1, b1, W2, np.array([1.0])))


def test_xnor_reference_output_is_xnor():
    X = binary_inputs(2)
    np.testing.assert_array_equal(key.relu_network_output(X, *XNOR_SOLUTION), ch02.XNOR)
    np.testing.assert_array_equal(key.relu_network_output(X, *XOR_GOODFELLOW), 1 - ch02.XNOR)


def test_xnor_xor_instead_fails_with_the_flip_hint(capsys):
    assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, *XOR_GOODFELLOW, hidden=2), "that is XOR, not XNOR", "negate W2")


def test_xnor_transposed_first_weight_is_named(capsys):
    # a solution with a non-symmetric W1: h1 = relu(x1 + x2), h2 = relu(2 x1 + 2 x2 - 2)
    W1 = np.array([[1.0, 2.0], [1.0, 2.0]])
    b1, W2, b2 = np.array([0.0, -2.0]), np.array([[-1.0], [1.0]]), np.array([1.0])
    assert_passes(capsys, lambda c: ch02.check_xnor_weights(c, W1, b1, W2, b2))
    # the same weights written one row per hidden unit (PyTorch's layout)
    assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, W1.T, b1, W2, b2), "W1 is transposed")


@pytest.mark.parametrize(
    "W1, b1, W2, b2, fragment",
    [
        (np.ones((3, 2)), np.zeros(2), np.ones((2, 1)), np.zeros(1), "the transpose of (2, 3)"),
        (np.ones(2), np.zeros(2), np.ones((2, 1)), np.zeros(1), "W1 must have shape (2, k)"),
        (np.ones((2, 2)), np.zeros(3), np.ones((2, 1)), np.zeros(1), "b1 needs one bias per hidden unit, shape (2,)"),
        (np.ones((2, 2)), np.zeros(2), np.ones(2), np.zeros(1), "W2 must be a column of shape (2, 1)"),
        (np.ones((2, 2)), np.zeros(2), np.ones((1, 2)), np.zeros(1), "W2 has shape (1, 2), the transpose"),
        (np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), np.float64(1.0), "np.array([b])"),
    ],
    ids=["W1-transposed-shape", "W1-flat", "b1-size", "W2-flat", "W2-row", "b2-scalar"],
)
def test_xnor_shape_mistakes_are_named(capsys, W1, b1, W2, b2, fragment):
    assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, W1, b1, W2, b2), fragment)


def test_xnor_wrong_number_of_hidden_units(capsys):
    W1 = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
    args = (W1, np.array([0.0, -1.0, 0.0]), np.array([[-1.0], [2.0], [0.0]]), np.array([1.0]))
    assert_passes(capsys, lambda c: ch02.check_xnor_weights(c, *args))
    assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, *args, hidden=2), "use 2 hidden units")


def test_xnor_right_side_of_a_half_but_not_exact(capsys):
    W2, b2 = np.array([[-0.5], [1.0]]), np.array([0.9])  # outputs 0.9, 0.4, 0.4, 0.9
    assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, XNOR_SOLUTION[0], XNOR_SOLUTION[1], W2, b2), "right side of 1/2", "exactly 1, 0, 0, 1")


def test_xnor_other_wrong_weights_show_the_hidden_values(capsys):
    out = assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), np.zeros(1)), "outputs are wrong")
    assert "hidden h = relu(x W1 + b1)" in out


def test_xnor_not_numbers(capsys):
    assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, "W1", *XNOR_SOLUTION[1:]), "could not read the weights as numbers")


def test_xnor_exact_mode_rejects_a_tiny_error(capsys):
    b2 = np.array([1.0 + 1e-10])
    assert_passes(capsys, lambda c: ch02.check_xnor_weights(c, *XNOR_SOLUTION[:3], b2))
    assert_fails_with(capsys, lambda c: ch02.check_xnor_weights(c, *XNOR_SOLUTION[:3], b2, exact=True), "almost", "by up to 1.0e-10")


# -- Exercise 2: the forward pass ------------------------------------------------------


def forward_ok(X, W1, b1, W2, b2):
    return np.maximum(X @ W1 + b1, 0) @ W2 + b2


def forward_transposed(X, W1, b1, W2, b2):
    return np.maximum(X @ W1.T + b1, 0) @ W2 + b2


def forward_no_b1(X, W1, b1, W2, b2):
    return np.maximum(X @ W1, 0) @ W2 + b2


def forward_no_b2(X, W1, b1, W2, b2):
    return np.maximum(X @ W1 + b1, 0) @ W2


def forward_bias_after_relu(X, W1, b1, W2, b2):
    return (np.maximum(X @ W1, 0) + b1) @ W2 + b2


def forward_linear(X, W1, b1, W2, b2):
    return (X @ W1 + b1) @ W2 + b2


def forward_sigmoid(X, W1, b1, W2, b2):
    return 1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2


def forward_tanh(X, W1, b1, W2, b2):
    return np.tanh(X @ W1 + b1) @ W2 + b2


def forward_relu_out(X, W1, b1, W2, b2):
    return np.maximum(np.maximum(X @ W1 + b1, 0) @ W2 + b2, 0)


def forward_np_max(X, W1, b1, W2, b2):
    return np.max(X @ W1 + b1, 0) @ W2 + b2


def forward_hidden(X, W1, b1, W2, b2):
    return np.maximum(X @ W1 + b1, 0)


def forward_in_place(X, W1, b1, W2, b2):
    Z = X @ W1
    Z += b1
    Z[Z < 0] = 0
    return Z @ W2 + b2


def case(seed=0, n=5, d=3, k=4, m=2):
    r = np.random.default_rng(seed)
    return r.normal(size=(n, d)), r.normal(size=(d, k)), r.normal(size=k), r.normal(size=(k, m)), r.normal(size=m)


def test_forward_reference_on_the_hand_coded_xor_network():
    X, y = nb.data.xor()
    np.testing.assert_array_equal(key.two_layer_forward(X, *XOR_GOODFELLOW).ravel(), y)


@pytest.mark.parametrize("solution", [forward_ok, forward_in_place], ids=["plain", "in-place"])
def test_forward_correct_solutions_pass(capsys, solution):
    X, _ = nb.data.xor()
    assert_passes(capsys, lambda c: ch02.check_forward(c, solution, X, *XOR_GOODFELLOW))
    assert_passes(capsys, lambda c: ch02.check_forward(c, solution, *case()))
    assert_passes(capsys, lambda c: ch02.check_forward(c, solution, *case(1, n=1, d=2, k=3, m=1)))


@pytest.mark.parametrize(
    "wrong, fragment",
    [
        (forward_transposed, "a transposed weight, W1.T?"),
        (forward_no_b1, "the hidden bias b1 is missing"),
        (forward_no_b2, "the output bias b2 is missing"),
        (forward_bias_after_relu, "b1 is added after the ReLU"),
        (forward_linear, "there is no nonlinearity"),
        (forward_sigmoid, "that is the sigmoid"),
        (forward_tanh, "that is tanh"),
        (forward_relu_out, "the ReLU is applied to the output too"),
        (forward_np_max, "np.maximum(Z, 0)"),
        (forward_hidden, "is the hidden layer H"),
    ],
    ids=lambda v: getattr(v, "__name__", "")[:30],
)
def test_forward_typical_mistakes_get_their_hint(capsys, wrong, fragment):
    assert_fails_with(capsys, lambda c: ch02.check_forward(c, wrong, *case()), fragment)


def test_forward_np_max_with_one_output_is_named(capsys):
    assert_fails_with(capsys, lambda c: ch02.check_forward(c, forward_np_max, *case(2, m=1)), "np.maximum(Z, 0)")


def test_forward_gets_copies_so_in_place_changes_do_no_harm(capsys):
    args = case()
    before = [a.copy() for a in args]
    assert_passes(capsys, lambda c: ch02.check_forward(c, forward_in_place, *args))
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)


def test_forward_other_errors_are_reported(capsys):
    def broken(X, W1, b1, W2, b2):
        raise KeyError("oops")

    assert_fails_with(capsys, lambda c: ch02.check_forward(c, broken, *case()), "your code raised KeyError")


# -- Exercise 3: a threshold network for 3-bit parity -------------------------------


def parity_network(b1=(-0.5, -1.5, -2.5), b2=-0.5):
    return nb.Sequential(
        linear(np.ones((3, 3)), np.array(b1)), nb.Step(),
        linear(np.array([[1.0], [-1.0], [1.0]]), np.array([b2])), nb.Step(),
    )


def xor_of_xor_network():
    # layer 1: OR and NAND of (x1, x2), x3 passed on; layer 2: XOR(x1, x2) = AND, x3; then XOR with x3
    l1 = linear(np.array([[1.0, -1.0, 0.0], [1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]), np.array([-0.5, 1.5, -0.5]))
    l2 = linear(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.array([-1.5, -0.5]))
    l3 = linear(np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5]))
    l4 = linear(np.array([[1.0], [1.0]]), np.array([-1.5]))
    return nb.Sequential(l1, nb.Step(), l2, nb.Step(), l3, nb.Step(), l4, nb.Step())


def test_parity_reference():
    np.testing.assert_array_equal(ch02.parity(binary_inputs(3)).ravel(), [0, 1, 1, 0, 1, 0, 0, 1])


@pytest.mark.parametrize("build", [parity_network, xor_of_xor_network], ids=["counting", "xor-of-xor"])
def test_threshold_network_solutions_pass_with_and_without_noise(capsys, build):
    model = build()
    assert_passes(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3))
    assert_passes(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3, noise=0.1))


def test_threshold_network_on_the_integer_thresholds_passes_exact_but_not_noisy(capsys):
    # step(0) = 1, so biases -1, -2, -3 and output bias 0... still computes parity on exact inputs
    model = parity_network(b1=(-1.0, -2.0, -3.0), b2=-1.0)
    assert_passes(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3))
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3, noise=0.1), "knife's edge")


def test_threshold_network_off_by_one_threshold_names_step_of_zero(capsys):
    model = parity_network(b1=(-0.0, -1.0, -2.0), b2=-0.5)  # fires one count too early
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "step(0) = 1")


def test_threshold_network_flipped_output(capsys):
    model = parity_network()
    model[2].weight.value *= -1
    model[2].bias.value *= -1
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "every output is flipped")


def test_threshold_network_with_relu_is_rejected(capsys):
    model = parity_network()
    model.layers[1] = nb.ReLU()
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "only Linear layers and Step units; found ReLU")


def test_threshold_network_without_final_step(capsys):
    model = nb.Sequential(*parity_network().layers[:3])
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "the last layer must be a Step unit")


def test_threshold_network_without_any_step(capsys):
    model = nb.Sequential(linear(np.ones((3, 1)), np.zeros(1)))
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "there is no Step unit")


def test_threshold_network_wrong_input_width(capsys):
    model = nb.Sequential(linear(np.ones((2, 2)), np.array([-0.5, -1.5])), nb.Step(), linear(np.array([[1.0], [-1.0]]), np.array([-0.5])), nb.Step())
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "must take 3 inputs")


def test_threshold_network_wrong_function_lists_the_rows(capsys):
    model = nb.Sequential(linear(np.ones((3, 1)), np.array([-1.5])), nb.Step())  # majority
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "6 of 8 outputs are wrong, e.g. x = (0, 0, 1): got 0, expected 1")


def test_threshold_network_from_a_builder_function(capsys):
    assert_passes(capsys, lambda c: ch02.check_threshold_network(c, parity_network, ch02.parity, 3))

    def not_written_yet():
        raise NotImplementedError()

    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, not_written_yet, ch02.parity, 3), "your code raised NotImplementedError")


def test_threshold_network_class_or_non_module(capsys):
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, nb.Sequential, ch02.parity, 3), "got the class Sequential")
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, [1, 2], ch02.parity, 3), "expected a network")


def test_threshold_network_two_outputs(capsys):
    model = nb.Sequential(linear(np.ones((3, 2)), np.array([-0.5, -1.5])), nb.Step())
    assert_fails_with(capsys, lambda c: ch02.check_threshold_network(c, model, ch02.parity, 3), "one output unit")


# -- Exercise 4: which functions one threshold unit computes ----------------------------

CHOICES = {
    "a": lambda x1, x2, x3: x1 and x2 and x3,
    "b": lambda x1, x2, x3: x1 + x2 + x3 >= 2,
    "c": lambda x1, x2, x3: (x1 + x2 + x3) % 2 == 1,
    "d": lambda x1, x2, x3: x1 + x2 + x3 == 1,
    "e": lambda x1, x2, x3: x1 or (x2 and x3),
    "f": lambda x1, x2, x3: (x1 and x2) or ((not x1) and x3),
    "g": lambda x1, x2, x3: (x1 and not x2) or x3,
}


def table(f):
    return [float(bool(f(*(int(v) for v in row)))) for row in binary_inputs(3)]


def test_separable_answer_is_what_the_search_finds():
    found = {k for k, f in CHOICES.items() if find_threshold_unit(table(f)) is not None}
    assert normalize_answer(found) == ANSWERS["ch02-ex4"]


@pytest.mark.parametrize("letter", ["c", "d", "f"])
def test_the_others_are_not_separable_by_the_midpoint_argument(letter):
    # two true points and two false points with the same midpoint: no plane separates them
    y = np.array(table(CHOICES[letter]))
    X = binary_inputs(3)
    pos, neg = X[y == 1], X[y == 0]
    mids_pos = {tuple((a + b) / 2) for a, b in itertools.combinations(pos, 2)}
    mids_neg = {tuple((a + b) / 2) for a, b in itertools.combinations(neg, 2)}
    assert mids_pos & mids_neg


def test_separable_hint_does_not_give_the_answer_away():
    for letter in "abcdefg":
        assert f"({letter})" not in ch02.SEPARABLE_HINT
    assert "parity" not in ch02.SEPARABLE_HINT.lower()


def test_wrong_answers_fail(capsys):
    assert_passes(capsys, lambda c: c.answer("answer", {"a", "b", "e", "g"}, "ch02-ex4"))
    assert_passes(capsys, lambda c: c.answer("answer", ["G", "e", "b", "a"], "ch02-ex4"))
    for wrong in ({"a", "b"}, {"a", "b", "c", "e", "g"}, set("abcdefg"), "abeg"):
        assert_fails_with(capsys, lambda c: c.answer("answer", wrong, "ch02-ex4", ch02.SEPARABLE_HINT), "not yet")


def test_module_examples_run():
    result = doctest.testmod(ch02_module)
    assert result.attempted > 0 and result.failed == 0
