"""The chapter 5 exercise checkers: the model solutions pass, and each typical
wrong solution fails with the hint that names its mistake."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import nnbook as nb
import nnbook.exercises.ch05 as ch05_module
import nnbook.universality as U
from nnbook.exercises import normalize_answer, ch05, checks
from nnbook.logic import linear
from nnbook_key import ch05 as key  # the instructor's answer key (tests/conftest.py puts it on the path)
from nnbook_key.answers import ANSWERS

from exercise_helpers import assert_fails_with, assert_passes, run_checks  # noqa: F401


# -- Exercise 1: a bump from two sigmoid units --------------------------------------


def bump(left, right, height, *, s=1000.0, w=None, b=None, out=None, c=0.0):
    W1 = np.array([[s, s]]) if w is None else np.array([w], dtype=float)
    b1 = np.array([-s * left, -s * right]) if b is None else np.array(b, dtype=float)
    W2 = np.array([[height], [-height]]) if out is None else np.array(out, dtype=float).reshape(2, 1)
    return nb.Sequential(linear(W1, b1), nb.Sigmoid(), linear(W2, [c]))


BUMPS = [(0.3, 0.7, 2.0), (0.1, 0.25, -0.5), (0.45, 0.5, 0.25), (-0.4, 0.2, 3.0)]


@pytest.mark.parametrize("left, right, height", BUMPS)
def test_bump_solution_passes(capsys, left, right, height):
    assert_passes(capsys, lambda c: ch05.check_bump(c, bump, left, right, height))


def test_bump_made_of_a_rising_and_a_falling_unit_passes(capsys):
    # sigma(s (x - a)) + sigma(-s (x - b)) - 1 is the same bump
    def make(left, right, height):
        return bump(left, right, height, w=[1000.0, -1000.0], b=[-1000 * left, 1000 * right], out=[height, height],
                    c=-height)
    assert_passes(capsys, lambda c: ch05.check_bump(c, make, 0.3, 0.7, 2.0))


def test_bump_steepness_just_enough_passes_and_just_too_little_fails(capsys):
    need = np.log(99) / 0.02                                  # about 230
    assert_passes(capsys, lambda c: ch05.check_bump(c, lambda a, b, h: bump(a, b, h, s=1.1 * need), 0.3, 0.7, 2.0))
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, lambda a, b, h: bump(a, b, h, s=0.8 * need), 0.3, 0.7, 2.0),
                      "not steep enough", "at least about 230")


def test_bump_upside_down_fails_with_the_sign_hint(capsys):
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, lambda a, b, h: bump(a, b, -h), 0.3, 0.7, 2.0),
                      "points the wrong way")
    # the two steps swapped: a dip between them
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, lambda a, b, h: bump(b, a, h), 0.3, 0.7, 2.0),
                      "points the wrong way")


def test_bump_with_bias_minus_a_fails_with_the_centring_hint(capsys):
    make = lambda a, b, h: bump(a, b, h, b=[-a, -b])  # noqa: E731
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, make, 0.3, 0.7, 2.0),
                      "wrong places", "x = -b / w", "the biases are -a")


def test_bump_with_biases_of_the_wrong_sign_fails_with_the_centring_hint(capsys):
    make = lambda a, b, h: bump(a, b, h, b=[1000 * a, 1000 * b])  # noqa: E731
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, make, 0.3, 0.7, 2.0),
                      "wrong places", "the biases have the wrong sign")


def test_bump_as_a_sum_of_steps_fails_with_the_difference_hint(capsys):
    make = lambda a, b, h: bump(a, b, h, out=[h, h])  # noqa: E731
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, make, 0.3, 0.7, 2.0), "does not come back to 0", "difference")


def test_bump_not_steep_enough_fails_with_the_steepness_hint(capsys):
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, lambda a, b, h: bump(a, b, h, s=1.0), 0.3, 0.7, 2.0),
                      "not steep enough", "yours is 1")


def test_bump_with_an_output_bias_fails_with_the_shift_hint(capsys):
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, lambda a, b, h: bump(a, b, h, c=0.5), 0.3, 0.7, 2.0),
                      "shifted by 0.5")


def test_bump_with_a_constant_unit_fails(capsys):
    make = lambda a, b, h: bump(a, b, h, w=[1000.0, 0.0])  # noqa: E731
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, make, 0.3, 0.7, 2.0), "input weight 0 is a constant")


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda a, b, h: nb.Sequential(nb.Linear(1, 3, init=0.0), nb.Sigmoid(), nb.Linear(3, 1, init=0.0)), "exactly two sigmoid units"),
        (lambda a, b, h: nb.Sequential(nb.Linear(1, 2, init=0.0), nb.ReLU(), nb.Linear(2, 1, init=0.0)), "Linear, Sigmoid, Linear"),
        (lambda a, b, h: nb.Sequential(nb.Linear(2, 2, init=0.0), nb.Sigmoid(), nb.Linear(2, 1, init=0.0)), "in_features = 1"),
        (lambda a, b, h: nb.Sequential, "got the class Sequential"),
        (lambda a, b, h: None, "got NoneType"),
        (lambda a, b, h: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_bump_of_the_wrong_form_fails_with_a_hint(capsys, make, fragment):
    assert_fails_with(capsys, lambda c: ch05.check_bump(c, make, 0.3, 0.7, 2.0), fragment)


def test_bump_target():
    np.testing.assert_array_equal(key.bump_target(np.array([0.0, 0.3, 0.5, 0.7, 1.0]), 0.3, 0.7, 2.0), [0, 1, 2, 1, 0])


# -- Exercise 2: the kinks of a one-hidden-layer ReLU network ------------------------


def solution_kinks(W1, b1, W2):
    w, b, a = np.ravel(W1), np.ravel(b1), np.ravel(W2)
    live = w != 0
    where = -b[live] / w[live]
    change = a[live] * np.abs(w[live])
    points = np.unique(where)
    total = np.array([change[where == p].sum() for p in points])
    return points[np.abs(total) > 1e-12]


CASES = {
    "three units": ([[2.0, -1.0, 4.0]], [-1.0, 0.25, 1.0], [[1.0], [-2.0], [0.5]]),
    "zero weights": ([[1.0, 0.0, -2.0, 1.0]], [-0.5, 1.0, 0.5, -0.1], [[1.0], [3.0], [1.0], [0.0]]),
    "shared": ([[1.0, 2.0, 1.0, 3.0]], [-0.2, -0.4, -0.6, -0.9], [[1.0], [1.0], [2.0], [-1.0]]),
    "cancelling": ([[1.0, -1.0, 1.0]], [-0.6, 0.6, 0.1], [[2.0], [-2.0], [1.0]]),
}


def test_reference_kinks_by_hand():
    np.testing.assert_allclose(key.reference_kinks(*CASES["three units"]), [-0.25, 0.25, 0.5])
    np.testing.assert_allclose(key.reference_kinks(*CASES["zero weights"]), [0.25, 0.5])
    np.testing.assert_allclose(key.reference_kinks(*CASES["shared"]), [0.2, 0.3, 0.6])  # 0.2 twice
    np.testing.assert_allclose(key.reference_kinks(*CASES["cancelling"]), [-0.1])


@pytest.mark.parametrize("seed", range(5))
def test_reference_kinks_agree_with_the_exact_walk_of_the_package(seed):
    rng = np.random.default_rng(seed)
    W1, b1, W2 = rng.normal(size=(1, 9)), rng.normal(size=9), rng.normal(size=(9, 1))
    model = nb.Sequential(linear(W1, b1), nb.ReLU(), linear(W2, [0.0]))
    expected = key.reference_kinks(W1, b1, W2)
    assert np.all(np.abs(expected) < 1e4)
    np.testing.assert_allclose(expected, U.line_breakpoints(model, -1e4, 1e4, pieces=True), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_kinks_solution_passes(capsys, case):
    assert_passes(capsys, lambda c: ch05.check_kinks(c, solution_kinks, *CASES[case], name=case))
    assert_passes(capsys, lambda c: ch05.check_kinks(c, key.reference_kinks, *CASES[case], name=case))


def live_points(W1, b1):
    w, b = np.ravel(W1), np.ravel(b1)
    return -b[w != 0] / w[w != 0]


@pytest.mark.parametrize(
    "wrong, case, fragment",
    [
        (lambda W1, b1, W2: np.sort(-live_points(W1, b1)), "three units", "x = -b / w"),
        (lambda W1, b1, W2: np.sort(live_points(W1, b1)), "zero weights", "every unit's switching point"),
        (lambda W1, b1, W2: np.unique(live_points(W1, b1)), "zero weights", "output weight is 0"),
        (lambda W1, b1, W2: np.unique(live_points(W1, b1)[np.ravel(W2)[np.ravel(W1) != 0] != 0]), "cancelling",
         "add up to 0"),
        (lambda W1, b1, W2: np.sort(live_points(W1, b1)[np.ravel(W2)[np.ravel(W1) != 0] != 0]), "shared",
         "merge equal positions"),
        (lambda W1, b1, W2: -np.ravel(b1) / np.ravel(W1), "zero weights", "inf or nan"),
        (lambda W1, b1, W2: solution_kinks(W1, b1, W2)[::-1], "three units", "not in increasing order"),
        (lambda W1, b1, W2: solution_kinks(W1, b1, W2)[None, :], "three units", "flat array"),
        (lambda W1, b1, W2: solution_kinks(W1, b1, W2) + 0.1, "three units", "expected the kinks"),
    ],
    ids=["sign", "all points", "unique only", "no cancelling", "no merging", "divide by zero", "unsorted", "2-d",
         "shifted"],
)
def test_kinks_typical_mistakes_fail_with_their_hint(capsys, wrong, case, fragment):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_fails_with(capsys, lambda c: ch05.check_kinks(c, wrong, *CASES[case], name=case), fragment)


def test_kinks_that_raise_fail_with_the_error(capsys):
    def broken(W1, b1, W2):
        raise IndexError("boom")
    assert_fails_with(capsys, lambda c: ch05.check_kinks(c, broken, *CASES["three units"]), "IndexError", "boom")


def test_kinks_gets_copies(capsys):
    def mutating(W1, b1, W2):
        W1[...] = 0
        return solution_kinks(np.ones((1, 3)), [-0.1, -0.2, -0.3], np.ones((3, 1)))
    W1, b1, W2 = (np.array(v) for v in CASES["three units"])
    run_checks(capsys, lambda c: ch05.check_kinks(c, mutating, W1, b1, W2))
    np.testing.assert_array_equal(W1, CASES["three units"][0])


# -- Exercise 3: the sawtooth with one hidden layer ----------------------------------


def shallow(slope0=8.0, jump=16.0, positions=None, c=0.0, units=8):
    k = np.arange(units)
    p = np.r_[0.0, np.arange(1, units) / 8] if positions is None else np.asarray(positions)
    a = np.where(k == 0, slope0, np.where(k % 2 == 1, -jump, jump))
    return nb.Sequential(linear(np.ones((1, units)), -p), nb.ReLU(), linear(a[:, None], [c]))


def test_shallow_sawtooth_solution_passes(capsys):
    assert_passes(capsys, lambda c: ch05.check_shallow_sawtooth(c, shallow, 3))
    assert_passes(capsys, lambda c: ch05.check_shallow_sawtooth(c, shallow(), 3))        # the network itself


def test_shallow_sawtooth_other_solution_passes(capsys):
    # the first unit switches at -1 instead of 0 (it is on over all of [0, 1]); the output bias makes up for it
    def other():
        net = shallow(positions=np.r_[-1.0, np.arange(1, 8) / 8], c=-8.0)
        return net
    assert_passes(capsys, lambda c: ch05.check_shallow_sawtooth(c, other, 3))


def test_shallow_sawtooth_depth_two(capsys):
    def four():
        return nb.Sequential(linear(np.ones((1, 4)), [0.0, -0.25, -0.5, -0.75]), nb.ReLU(),
                             linear([[4.0], [-8.0], [8.0], [-8.0]], [0.0]))
    assert_passes(capsys, lambda c: ch05.check_shallow_sawtooth(c, four, 2))


@pytest.mark.parametrize(
    "build, fragment",
    [
        (lambda: shallow(slope0=1.0, jump=2.0), "the first slope is 1, not 8"),
        (lambda: shallow(jump=8.0), "must change by -16 and +16"),
        (lambda: shallow(positions=-np.r_[0.0, np.arange(1, 8) / 8]), "bends at x = nowhere"),
        (lambda: shallow(positions=np.r_[0.0, np.arange(1, 8) / 7]), "bends at x = k/8"),
        (lambda: shallow(c=1.0), "output at x = 0 is 1"),
        (lambda: shallow(units=9), "at most 8 ReLU units"),
        (lambda: U.sawtooth_network(3), "one hidden layer"),
        (lambda: nb.Sequential(nb.Linear(1, 8, init=0.0), nb.Tanh(), nb.Linear(8, 1, init=0.0)), "Linear, ReLU, Linear"),
        (lambda: nb.Sequential(nb.Linear(1, 8, init=0.0), nb.ReLU(), nb.Linear(8, 2, init=0.0)), "out_features = 1"),
        (lambda: nb.Sequential(nb.Linear(1, 8, init=0.0), nb.ReLU(), nb.Linear(7, 1, init=0.0)), "do not chain"),
        (lambda: None, "got NoneType"),
    ],
    ids=["slope 1", "jumps 8", "bias sign", "kinks k/7", "output bias", "9 units", "deep", "tanh", "two outputs",
         "sizes", "none"],
)
def test_shallow_sawtooth_mistakes_fail_with_their_hint(capsys, build, fragment):
    assert_fails_with(capsys, lambda c: ch05.check_shallow_sawtooth(c, build, 3), fragment)


# -- Exercise 4: the conceptual question ---------------------------------------------


def test_the_fingerprint_is_that_of_the_answer():
    assert ANSWERS["ch05-ex4"] == normalize_answer({"a", "g"})
    for wrong in ({"a"}, {"g"}, {"a", "b", "g"}, {"a", "d", "g"}, {"a", "e", "g"}, set("abcdefg")):
        assert normalize_answer(wrong) != ANSWERS["ch05-ex4"]


def test_the_hint_does_not_give_the_letters_away():
    assert not any(f"({letter})" in ch05.UAT_HINT for letter in "abcdefg")


def test_doctests():
    assert doctest.testmod(ch05_module, raise_on_error=False).failed == 0
