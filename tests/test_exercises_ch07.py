"""Checkers of chapter 7: the right answers pass, each usual mistake fails with its hint."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import assert_fails_with, assert_passes

import nnbook as nb
from nnbook import diagnostics as dg
from nnbook.exercises import normalize_answer, ch07
from nnbook_key import ch07 as key  # the instructor's answer key (tests/conftest.py puts it on the path)
from nnbook_key.answers import ANSWERS

# -- Exercise 1: a Xavier-uniform initializer --------------------------------------------------


def xavier_rng_uniform(d_in, d_out, rng):
    a = np.sqrt(6 / (d_in + d_out))
    return rng.uniform(-a, a, size=(d_in, d_out))


def xavier_scaled_random(d_in, d_out, rng):
    a = np.sqrt(6 / (d_in + d_out))
    return a * (2 * rng.random((d_in, d_out)) - 1)


def xavier_from_nnbook(d_in, d_out, rng):
    return nb.init.xavier_uniform((d_in, d_out), rng)


def _uniform_with_bound(bound):
    def fn(d_in, d_out, rng):
        a = bound(d_in, d_out)
        return rng.uniform(-a, a, size=(d_in, d_out))
    return fn


WRONG_XAVIER = {
    "std as bound": (_uniform_with_bound(lambda i, o: np.sqrt(2 / (i + o))), "bounds", "STANDARD DEVIATION", "a^2 / 3"),
    "fan in only": (_uniform_with_bound(lambda i, o: np.sqrt(6 / i)), "bounds", "fan-in only"),
    "lecun": (_uniform_with_bound(lambda i, o: np.sqrt(3 / i)), "bounds", "LeCun"),
    "fan out only": (_uniform_with_bound(lambda i, o: np.sqrt(6 / o)), "bounds", "fan-out alone"),
    "no sqrt": (_uniform_with_bound(lambda i, o: 6 / (i + o)), "bounds", "square root is missing"),
    "sqrt of 6 only": (_uniform_with_bound(lambda i, o: np.sqrt(6) / (i + o)), "bounds", "covers the whole fraction"),
    "halved": (_uniform_with_bound(lambda i, o: np.sqrt(6 / (i + o)) / 2), "bounds", "without halving"),
    "unit interval": (lambda i, o, rng: rng.uniform(-1, 1, size=(i, o)), "bounds", "without the bound"),
    "normal": (lambda i, o, rng: rng.normal(0, np.sqrt(2 / (i + o)), size=(i, o)), "bounds", "normally distributed"),
    "one sided": (lambda i, o, rng: rng.uniform(0, np.sqrt(6 / (i + o)), size=(i, o)), "bounds", "not from [0, a]"),
    "global rng": (lambda i, o, rng: np.random.uniform(-np.sqrt(6 / (i + o)), np.sqrt(6 / (i + o)), size=(i, o)),
                   "draws from the rng", "np.random.uniform"),
    "own seed": (lambda i, o, rng: xavier_rng_uniform(i, o, np.random.default_rng(0)), "draws from the rng",
                 "do not seed or create a generator"),
    "transposed": (lambda i, o, rng: xavier_rng_uniform(o, i, rng), "shape", "(d_out, d_in)"),
    "flat": (lambda i, o, rng: xavier_rng_uniform(i, o, rng).ravel(), "shape", "size=(d_in, d_out)"),
    "raises": (lambda i, o, rng: rng.uniform(-1, 1, size=(i, o)) @ np.ones(3), "shape", "your code raised ValueError"),
}


@pytest.mark.parametrize("solution", [xavier_rng_uniform, xavier_scaled_random, xavier_from_nnbook, key.xavier_uniform])
@pytest.mark.parametrize("d_in, d_out, seed", [(300, 500, 0), (784, 100, 3), (1000, 150, 8)])
def test_xavier_correct_solutions_pass(capsys, solution, d_in, d_out, seed):
    out = assert_passes(capsys, lambda c: ch07.check_xavier_uniform(c, solution, d_in, d_out, seed=seed))
    assert out.count("PASS") == 5


@pytest.mark.parametrize("mistake", list(WRONG_XAVIER))
def test_xavier_typical_mistakes_fail_with_their_hint(capsys, mistake):
    solution, check, *fragments = WRONG_XAVIER[mistake]
    out = assert_fails_with(capsys, lambda c: ch07.check_xavier_uniform(c, solution, 300, 500), *fragments)
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert check in failed[0], out


@pytest.mark.parametrize("d_in, d_out", [(784, 100), (1000, 150)])
@pytest.mark.parametrize("mistake", [m for m in WRONG_XAVIER if WRONG_XAVIER[m][1] == "bounds" and m != "normal"])
def test_xavier_mistaken_bounds_get_their_own_hint_on_the_book_shapes(capsys, mistake, d_in, d_out):
    solution, check, *fragments = WRONG_XAVIER[mistake]
    out = assert_fails_with(capsys, lambda c: ch07.check_xavier_uniform(c, solution, d_in, d_out), *fragments)
    assert "values must lie in [-a, a] and fill it" not in out   # not the generic hint


def test_xavier_reference_has_the_variance_of_glorot_and_bengio():
    W = key.xavier_uniform(400, 600, np.random.default_rng(0))
    assert W.shape == (400, 600)
    assert W.var() == pytest.approx(2 / 1000, rel=0.01)
    assert np.abs(W).max() <= np.sqrt(6 / 1000)


def test_xavier_always_equal_object_fails(capsys):
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    assert_fails_with(capsys, lambda c: ch07.check_xavier_uniform(c, lambda i, o, rng: AlwaysEqual(), 30, 50),
                      "your code raised TypeError")


def test_xavier_checker_restores_the_global_seed(capsys):
    np.random.seed(99)
    expected = np.random.random()
    np.random.seed(99)
    assert_passes(capsys, lambda c: ch07.check_xavier_uniform(c, xavier_rng_uniform, 300, 500))
    assert np.random.random() == expected


# -- Exercise 2: per-layer statistics of the activations -----------------------------------------

def profile_loop(model, X):
    rows, out = [], X
    for layer in model:
        out = layer.forward(out)
        if isinstance(layer, (nb.Tanh, nb.ReLU)):
            rows.append([out.std(), np.mean(np.abs(out) > 0.99)])
    return np.array(rows)


def profile_with_diagnostics(model, X):
    n_out = model[-1].weight.shape[1] if isinstance(model[-1], nb.Linear) else model[-2].weight.shape[1]
    stats = dg.layer_statistics(model, X, np.zeros((len(X), n_out)))
    return np.c_[stats.activation_std(), stats.saturated_fraction()][: len([m for m in model if isinstance(m, nb.Tanh)])]


def _profile(std, frac, which="act", every=False, with_input=False, transpose=False):
    def fn(model, X):
        rows, out = [], X
        if with_input:
            rows.append([std(X), frac(X)])
        for layer in model:
            before = out
            out = layer.forward(out)
            if every:
                rows.append([std(out), frac(out)])
            elif isinstance(layer, nb.Tanh):
                h = before if which == "pre" else out
                rows.append([std(h), frac(h)])
        r = np.array(rows)
        return r.T if transpose else r
    return fn


def sat(h):
    return np.mean(np.abs(h) > 0.99)


def profile_changes_weights(model, X):
    model[0].weight.value *= 0
    return profile_loop(model, X)


WRONG_PROFILE = {
    "pre-activations": (_profile(np.std, sat, "pre"), "PRE-activations"),
    "per-unit std": (_profile(lambda h: np.std(h, axis=0).mean(), sat), "per-unit standard deviations"),
    "per-example std": (_profile(lambda h: np.std(h, axis=1).mean(), sat), "per-example"),
    "variance": (_profile(np.var, sat), "is the variance"),
    "no abs": (_profile(np.std, lambda h: np.mean(h > 0.99)), "np.abs"),
    "percent": (_profile(np.std, lambda h: 100 * sat(h)), "in percent"),
    "not saturated": (_profile(np.std, lambda h: np.mean(np.abs(h) < 0.99)), "NOT saturated"),
    "count": (_profile(np.std, lambda h: float(np.sum(np.abs(h) > 0.99))), "number of saturated entries"),
    "swapped": (_profile(sat, np.std), "columns are swapped"),
    "every module": (_profile(np.std, sat, every=True), "Linear layers too"),
    "input as a layer": (_profile(np.std, sat, with_input=True), "the input X is not a layer"),
    "transposed": (_profile(np.std, sat, transpose=True), "transpose of (4, 2)"),
    "changes weights": (profile_changes_weights, "changed the model's parameters"),
    "raises": (lambda model, X: np.array([layer.forward(X) for layer in model]), "your code raised ValueError"),
    "other": (lambda model, X: np.ones((4, 2)), "entries differ"),
}


def test_activation_profile_reference_agrees_with_layer_statistics():
    model, X = ch07.example_network()
    stats = dg.layer_statistics(model, X, np.zeros((len(X), 60)))
    np.testing.assert_array_equal(key.activation_profile(model, X),
                                  np.c_[stats.activation_std(), stats.saturated_fraction()])


def test_activation_profile_example_is_partly_saturated():
    model, X = ch07.example_network()
    frac = key.activation_profile(model, X)[:, 1]
    assert np.all(frac > 0) and np.all(frac < 0.5)


@pytest.mark.parametrize("solution", [profile_loop, profile_with_diagnostics, key.activation_profile])
def test_activation_profile_correct_solutions_pass(capsys, solution):
    model, X = ch07.example_network()
    assert_passes(capsys, lambda c: ch07.check_activation_profile(c, solution, model, X))


@pytest.mark.parametrize("activation, scale", [("tanh", 1.0), ("tanh", 0.01), ("relu", 1.0)])
def test_activation_profile_correct_solution_passes_on_deep_networks(capsys, activation, scale):
    gen = np.random.default_rng(5)
    model = dg.deep_network(6, 80, activation=activation, init="normal", scale=scale, rng=gen)
    X = gen.standard_normal((100, 80))
    assert_passes(capsys, lambda c: ch07.check_activation_profile(c, profile_loop, model, X))


def test_activation_profile_ignores_an_output_layer(capsys):
    gen = np.random.default_rng(2)
    model = nb.Sequential(nb.Linear(3, 5, rng=gen), nb.Tanh(), nb.Linear(5, 4, rng=gen), nb.Tanh(), nb.Linear(4, 1, rng=gen))
    X = gen.standard_normal((20, 3))
    assert key.activation_profile(model, X).shape == (2, 2)
    assert_passes(capsys, lambda c: ch07.check_activation_profile(c, profile_loop, model, X))


@pytest.mark.parametrize("mistake", list(WRONG_PROFILE))
def test_activation_profile_typical_mistakes_fail_with_their_hint(capsys, mistake):
    solution, *fragments = WRONG_PROFILE[mistake]
    model, X = ch07.example_network()
    assert_fails_with(capsys, lambda c: ch07.check_activation_profile(c, solution, model, X), *fragments)


def test_activation_profile_checker_restores_weights_a_submission_changed(capsys):
    model, X = ch07.example_network()
    before = model[0].weight.value.copy()
    assert_fails_with(capsys, lambda c: ch07.check_activation_profile(c, profile_changes_weights, model, X), "changed")
    np.testing.assert_array_equal(model[0].weight.value, before)


def test_activation_profile_needs_an_activation():
    with pytest.raises(ValueError, match="no activation layer"):
        key.activation_profile(nb.Sequential(nb.Linear(2, 2, init=0.0)), np.zeros((3, 2)))


# -- Exercise 3: which choices keep the variance --------------------------------------------------

N_IN = 400


def _weights(kind, gen, n_out=N_IN):
    if kind == "var1":
        return gen.normal(0, np.sqrt(1 / N_IN), size=(N_IN, n_out))
    if kind == "var2":
        return gen.normal(0, np.sqrt(2 / N_IN), size=(N_IN, n_out))
    if kind == "var1.6":
        return gen.normal(0, np.sqrt(1.6 / N_IN), size=(N_IN, n_out))
    if kind == "u6":
        a = np.sqrt(6 / N_IN)
        return gen.uniform(-a, a, size=(N_IN, n_out))
    if kind == "u2":
        a = np.sqrt(2 / N_IN)
        return gen.uniform(-a, a, size=(N_IN, n_out))
    if kind == "xavier_2n":   # n_out = 2 n_in: 2 / (n_in + n_out) = 2 / (3 n_in)
        return gen.normal(0, np.sqrt(2 / (3 * N_IN)), size=(N_IN, n_out))
    raise AssertionError(kind)


OPTIONS = {   # letter: (unit, weights)
    "a": (lambda s: s, "var1"),
    "b": (lambda s: np.maximum(s, 0), "var1"),
    "c": (lambda s: np.maximum(s, 0), "var2"),
    "d": (lambda s: np.maximum(s, 0), "u6"),
    "e": (np.abs, "var2"),
    "f": (lambda s: np.maximum(s, 0), "u2"),
    "g": (lambda s: np.where(s > 0, s, 0.5 * s), "var1.6"),
    "h": (lambda s: s, "xavier_2n"),
}
KEEP = {"a", "c", "d", "g"}


def test_variance_answer_fingerprint_is_the_set_that_keeps_the_variance():
    assert ANSWERS["ch07-ex3"] == normalize_answer(KEEP)
    assert set(OPTIONS) == set(ch07.VARIANCE_CHOICES)


@pytest.mark.parametrize("letter", sorted(OPTIONS))
def test_variance_options_by_simulation(letter):
    unit, kind = OPTIONS[letter]
    gen = np.random.default_rng(ord(letter))
    s = gen.standard_normal((4000, N_IN))                      # the previous layer's pre-activations, Var 1
    W = _weights(kind, gen, n_out=2 * N_IN if kind == "xavier_2n" else N_IN)
    ratio = np.var(unit(s) @ W) / np.var(s)
    if letter in KEEP:
        assert ratio == pytest.approx(1.0, abs=0.03)
    else:
        assert abs(ratio - 1.0) > 0.2


def test_variance_hint_does_not_name_the_answer():
    for letter in "abcdefgh":
        assert f"({letter})" not in ch07.VARIANCE_HINT


def test_module_examples_run():
    import doctest

    result = doctest.testmod(ch07)
    assert result.attempted > 0 and result.failed == 0
