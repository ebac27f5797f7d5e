"""Checkers of chapter 10 (Regularization beyond the prior): correct solutions pass, typical mistakes fail
with their hint."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from exercise_helpers import assert_fails_with, assert_passes

import nnbook as nb
from nnbook.exercises import ch10


def test_doctests():
    assert doctest.testmod(ch10).failed == 0


# -- Exercise 1: dropout forward and backward ----------------------------------------------------


def forward(x, p, rng):
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask


def backward(grad_out, mask, p):
    return grad_out * mask / (1 - p)


def forward_with_the_package(x, p, rng):
    drop = nb.Dropout(p, rng=rng)
    out = drop(x)
    return out, drop.mask if drop.mask is not None else np.ones(x.shape, dtype=bool)   # None: nothing dropped (p = 0)


@pytest.mark.parametrize("fwd", [forward, forward_with_the_package])
def test_correct_dropout_passes(capsys, fwd):
    assert_passes(capsys, lambda c: ch10.check_dropout_forward(c, fwd))
    assert_passes(capsys, lambda c: ch10.check_dropout_forward(c, fwd, p=0.6, seed=11))
    assert_passes(capsys, lambda c: ch10.check_dropout_backward(c, fwd, backward))


def test_an_integer_mask_passes(capsys):
    assert_passes(capsys, lambda c: ch10.check_dropout_forward(
        c, lambda x, p, rng: (lambda o, m: (o, m.astype(int)))(*forward(x, p, rng))))


WRONG_FORWARD = {
    "no scaling": (lambda x, p, rng: (lambda m: (x * m, m))(rng.random(x.shape) >= p), "not scaled"),
    "scaled by 1/p": (lambda x, p, rng: (lambda m: (x * m / p, m))(rng.random(x.shape) >= p), "scaled by 1/p"),
    "keeps with probability p": (lambda x, p, rng: (lambda m: (x * m / (1 - p), m))(rng.random(x.shape) < p),
                                 "it looks like 1 - p"),
    "mask inverted": (lambda x, p, rng: (lambda m: (x * (1 - m) / (1 - p), m))(rng.random(x.shape) >= p),
                      "the mask is 1 where a unit is kept"),
    "ignores rng": (lambda x, p, rng: forward(x, p, np.random.default_rng(0)), "every call gave the same mask"),
    "only out": (lambda x, p, rng: forward(x, p, rng)[0], "return the pair (out, mask)"),
    "mask of another shape": (lambda x, p, rng: (forward(x, p, rng)[0], np.ones(3)), "mask has shape (3,)"),
    "raises": (lambda x, p, rng: rng.random(x.shape) >= p / 0, "your code raised ZeroDivisionError"),
}


@pytest.mark.parametrize("mistake", list(WRONG_FORWARD))
def test_typical_forward_mistakes_fail_with_their_hint(capsys, mistake):
    fn, fragment = WRONG_FORWARD[mistake]
    assert_fails_with(capsys, lambda c: ch10.check_dropout_forward(c, fn), fragment)


WRONG_BACKWARD = {
    "no scaling": (lambda g, m, p: g * m, "the gradient is not scaled"),
    "no mask": (lambda g, m, p: g / (1 - p), "the dropped units get a gradient"),
    "1/p": (lambda g, m, p: g * m / p, "scaled by 1/p"),
    "times (1 - p)": (lambda g, m, p: g * m * (1 - p), "multiplied by (1 - p)"),
    "None": (lambda g, m, p: None, "forget the return statement"),
}


@pytest.mark.parametrize("mistake", list(WRONG_BACKWARD))
def test_typical_backward_mistakes_fail_with_their_hint(capsys, mistake):
    fn, fragment = WRONG_BACKWARD[mistake]
    assert_fails_with(capsys, lambda c: ch10.check_dropout_backward(c, forward, fn), fragment)


def test_a_forward_pass_drawing_from_the_global_generator_fails_the_gradient_check(capsys):
    def global_forward(x, p, rng):
        mask = np.random.random(x.shape) >= p
        return x * mask / (1 - p), mask

    assert_fails_with(capsys, lambda c: ch10.check_dropout_backward(c, global_forward, backward), "draw the mask from")


# -- Exercise 2: the penalty of input dropout --------------------------------------------------------


def test_the_reference_penalty_is_the_monte_carlo_average(rng):
    X, w, p = rng.normal(size=(7, 3)), rng.normal(size=3), 0.3
    y = rng.normal(size=7)
    drop = nb.Dropout(p, rng=rng)
    draws = np.array([np.sum((y - drop(X) @ w) ** 2) for _ in range(100_000)])
    extra = draws.mean() - np.sum((y - X @ w) ** 2)
    assert abs(extra - ch10.input_dropout_penalty_reference(X, w, p)) < 5 * draws.std() / np.sqrt(len(draws))


def test_correct_penalties_pass(capsys):
    loop = lambda X, w, p: sum(p / (1 - p) * w[j] ** 2 * sum(X[i, j] ** 2 for i in range(len(X)))  # noqa: E731
                               for j in range(len(w)))
    for fn in (ch10.input_dropout_penalty_reference, loop,
               lambda X, w, p: p / (1 - p) * np.sum((X * w) ** 2)):
        assert_passes(capsys, lambda c: ch10.check_input_dropout_penalty(c, fn, cases=[0, 1, 2, 3]))


WRONG_PENALTY = {
    "factor p": (lambda X, w, p: p * np.sum(w**2 * np.sum(X**2, axis=0)), "not p"),
    "upside down": (lambda X, w, p: (1 - p) / p * np.sum(w**2 * np.sum(X**2, axis=0)), "upside down"),
    "mean": (lambda X, w, p: p / (1 - p) * np.mean(w**2 * np.sum(X**2, axis=0)) * len(w) / len(X), "the mean over"),
    "uncoupled": (lambda X, w, p: p / (1 - p) * np.sum(w**2) * np.sum(X**2), "each weight goes with its own input"),
    "square after sum": (lambda X, w, p: p / (1 - p) * np.sum(w**2 * np.sum(X, axis=0) ** 2), "square each x_ij"),
    "weights not squared": (lambda X, w, p: p / (1 - p) * np.sum(w * np.sum(X**2, axis=0)), "enter squared"),
    "an array": (lambda X, w, p: p / (1 - p) * w**2 * np.sum(X**2, axis=0), "expected one number"),
}


@pytest.mark.parametrize("mistake", list(WRONG_PENALTY))
def test_typical_penalty_mistakes_fail_with_their_hint(capsys, mistake):
    fn, fragment = WRONG_PENALTY[mistake]
    assert_fails_with(capsys, lambda c: ch10.check_input_dropout_penalty(c, fn), fragment)


# -- Exercise 3: the open experiment ---------------------------------------------------------------


def network(rng):
    return nb.Sequential(nb.Linear(1, 64, rng=rng), nb.Tanh(), nb.Linear(64, 64, rng=rng), nb.Tanh(),
                         nb.Linear(64, 1, rng=rng))


def augmented(X, y, rng):
    model = network(rng)
    nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3),
           np.r_[X, 1 - X], np.r_[y, -y], epochs=2500)
    return model


def unregularized(X, y, rng):
    model = network(rng)
    nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.1, momentum=0.9), X, y, epochs=2500)
    return model


@pytest.mark.parametrize("seed, target", ch10.HIDDEN_EXPERIMENTS)
def test_the_hidden_experiments_separate_a_regularized_network_from_an_unregularized_one(capsys, seed, target):
    data = ch10.experiment_data(seed)
    assert_passes(capsys, lambda c: ch10.check_regularized_training(c, augmented, *data, target=target, seed=seed))
    assert_fails_with(capsys, lambda c: ch10.check_regularized_training(c, unregularized, *data, target=target,
                                                                         seed=seed), "not below")


def test_the_experiment_checks_what_is_returned(capsys):
    data = ch10.experiment_data(101)
    assert_fails_with(capsys, lambda c: ch10.check_regularized_training(c, lambda X, y, rng: None, *data, target=0.1),
                      "return the trained nnbook model")
    assert_fails_with(capsys, lambda c: ch10.check_regularized_training(
        c, lambda X, y, rng: nb.Sequential(nb.Linear(1, 2, rng=rng)), *data, target=0.1), "has shape (200, 2)")
    assert_fails_with(capsys, lambda c: ch10.check_regularized_training(
        c, lambda X, y, rng: 1 / 0, *data, target=0.1), "ZeroDivisionError")


def test_the_experiment_measures_in_evaluation_mode(capsys):
    """A dropout network left in training mode by the student is still measured as the full network."""
    def with_dropout(X, y, rng):
        model = nb.Sequential(nb.Linear(1, 64, rng=rng), nb.Tanh(), nb.Linear(64, 64, rng=rng), nb.Tanh(),
                              nb.Dropout(0.2, rng=rng), nb.Linear(64, 1, rng=rng))
        nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.1, momentum=0.9),
               np.r_[X, 1 - X], np.r_[y, -y], epochs=500)
        return model.train()

    data = ch10.experiment_data(101)
    runs = []
    for _ in range(2):
        capsys.readouterr()
        ch10.check_regularized_training(nb.exercises.Checks("t"), with_dropout, *data, target=10.0)
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1] and "PASS" in runs[0]
