"""The chapter 4 exercise checkers: the model solutions pass, and each typical
wrong solution fails with the hint that names its mistake."""

from __future__ import annotations

import numpy as np
import pytest

import nnbook as nb
from nnbook.exercises import normalize_answer, ch04, checks
from nnbook_key import ch04 as key  # the instructor's answer key (tests/conftest.py puts it on the path)
from nnbook_key.answers import ANSWERS

from exercise_helpers import assert_fails_with, assert_passes, run_checks  # noqa: F401


# -- Exercise 1: an ELU module --------------------------------------------------------------

class ELUWhere(nb.Module):
    """The model solution: np.where, with the exponential of min(z, 0) only."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha
        self.z = None

    def forward(self, z):
        self.z = z
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def backward(self, grad_out):
        return grad_out * np.where(self.z > 0, 1.0, self.alpha * np.exp(np.minimum(self.z, 0)))


class ELUMasks(nb.Module):
    """Another correct solution: boolean masks, keeping the output for the derivative g(z) + alpha."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def forward(self, z):
        neg = z <= 0
        h = z.astype(float)
        h[neg] = self.alpha * (np.exp(z[neg]) - 1)
        self.neg, self.h = neg, h
        return h

    def backward(self, grad_out):
        d = np.ones_like(self.h)
        d[self.neg] = self.h[self.neg] + self.alpha
        return grad_out * d


class ELUNnbook(nb.Module):
    """A correct solution that wraps nnbook's own ELU."""

    def __init__(self, alpha=1.0):
        self.unit = nb.ELU(alpha)

    def forward(self, z):
        return self.unit.forward(z)

    def backward(self, grad_out):
        return self.unit.backward(grad_out)


def _elu_variant(forward=None, backward=None, **extra):
    """An ELU module with the model solution's forward or backward replaced."""

    class Variant(ELUWhere):
        pass

    if forward is not None:
        def f(self, z):
            self.z = z
            return forward(z, self.alpha)
        Variant.forward = f
    if backward is not None:
        Variant.backward = lambda self, g: backward(self.z, g, self.alpha)
    for k, v in extra.items():
        setattr(Variant, k, v)
    return Variant


class ELUNaive(ELUWhere):
    """np.where with np.exp(z) for every entry: overflows at z = 1000."""

    def forward(self, z):
        self.z = z
        return np.where(z > 0, z, self.alpha * (np.exp(z) - 1))

    def backward(self, grad_out):
        return grad_out * np.where(self.z > 0, 1.0, self.alpha * np.exp(self.z))


class ELUNaiveSilenced(ELUNaive):
    """The same overflow, with NumPy's warnings silenced: inf * 0 gives a nan in backward."""

    def forward(self, z):
        with np.errstate(all="ignore"):
            self.z = z
            return np.where(z > 0, z, self.alpha * (np.exp(z) - 1))

    def backward(self, grad_out):
        with np.errstate(all="ignore"):
            return grad_out * np.where(self.z > 0, 1.0, 0.0) + grad_out * (self.z <= 0) * self.alpha * np.exp(self.z)


class ELUInPlace(ELUWhere):
    """Overwrites the caller's array."""

    def forward(self, z):
        self.z = z
        neg = z <= 0
        z[neg] = self.alpha * np.expm1(z[neg])
        return z


class ELUFirstCallOnly(ELUWhere):
    """Keeps the input of the first forward call only."""

    def forward(self, z):
        if self.z is None:
            self.z = z
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))


class ELUNoInit:
    """Forgot to take alpha."""

    def __init__(self):
        self.alpha = 1.0


class ELUNoCache(nb.Module):
    """Forgot to keep z in forward."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def forward(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def backward(self, grad_out):
        return grad_out * np.where(self.z > 0, 1.0, self.alpha * np.exp(np.minimum(self.z, 0)))


def _neg(z):
    return np.exp(np.minimum(z, 0))


WRONG_FORWARD = {
    "relu": (lambda z, a: np.maximum(z, 0), 1.0, "that is the ReLU"),
    "no alpha": (lambda z, a: np.where(z > 0, z, _neg(z) - 1), 0.5, "alpha = 0.5 is missing"),
    "no -1": (lambda z, a: np.where(z > 0, z, a * _neg(z)), 1.0, "the -1 is missing"),
    "leaky": (lambda z, a: np.where(z > 0, z, a * z), 1.0, "leaky ReLU"),
    "swapped": (lambda z, a: np.where(z > 0, a * (_neg(z) - 1), z), 1.0, "branches are swapped"),
    "sign": (lambda z, a: -key.elu(z, a), 1.0, "sign is flipped"),
    "shape": (lambda z, a: key.elu(z, a).ravel(), 1.0, "has the shape of its input"),
}

WRONG_BACKWARD = {
    "no grad_out": (lambda z, g, a: key.elu_derivative(z, a), 1.0, "multiply it by grad_out"),
    "forward as derivative": (lambda z, g, a: g * np.where(z > 0, 1.0, a * (_neg(z) - 1)), 1.0,
                              "its derivative is alpha * exp(z)"),
    "no alpha": (lambda z, g, a: g * np.where(z > 0, 1.0, _neg(z)), 2.0, "alpha = 2 is missing"),
    "relu derivative": (lambda z, g, a: g * (z > 0), 1.0, "the ReLU's derivative"),
    "grad_out unchanged": (lambda z, g, a: g, 1.0, "returned grad_out unchanged"),
    "times value": (lambda z, g, a: g * key.elu(z, a), 1.0, "multiplied grad_out by g(z)"),
    "constant alpha": (lambda z, g, a: g * np.where(z > 0, 1.0, a), 0.5, "not the constant alpha"),
    "sign": (lambda z, g, a: -g * key.elu_derivative(z, a), 1.0, "sign is flipped"),
    "zero for positive": (lambda z, g, a: g * np.where(z > 0, 0.0, a * _neg(z)), 1.0, "the derivative is 1 for z > 0"),
}


@pytest.mark.parametrize("cls", [ELUWhere, ELUMasks, ELUNnbook])
@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_elu_correct_solutions_pass(capsys, cls, alpha):
    out = assert_passes(capsys, lambda c: ch04.check_elu_module(c, cls, alpha=alpha))
    assert out.count("PASS") == 5


def test_elu_correct_solution_passes_on_other_shapes(capsys):
    assert_passes(capsys, lambda c: ch04.check_elu_module(c, ELUWhere, alpha=0.3, shape=(7, 2), seed=11))


def test_elu_references_agree_with_nnbook():
    z = np.linspace(-20, 20, 401).reshape(1, -1)
    for alpha in (0.5, 1.0, 2.0):
        unit = nb.ELU(alpha)
        np.testing.assert_allclose(key.elu(z, alpha), unit.forward(z), rtol=1e-15)
        np.testing.assert_allclose(key.elu_derivative(z, alpha), unit.backward(np.ones_like(z)), rtol=1e-15)


@pytest.mark.parametrize("mistake", list(WRONG_FORWARD))
def test_elu_forward_mistakes_fail_with_their_hint(capsys, mistake):
    forward, alpha, fragment = WRONG_FORWARD[mistake]
    cls = _elu_variant(forward=forward)
    assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, cls, alpha=alpha), "forward on a batch", fragment)


@pytest.mark.parametrize("mistake", list(WRONG_BACKWARD))
def test_elu_backward_mistakes_fail_with_their_hint(capsys, mistake):
    backward, alpha, fragment = WRONG_BACKWARD[mistake]
    cls = _elu_variant(backward=backward)
    out = assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, cls, alpha=alpha), fragment)
    assert "PASS  ELU" in out and "forward on a batch" in out.split("FAIL")[0]   # forward itself passed
    assert "FAIL  ELU(alpha=" in out and "finite differences of your forward" in out


def test_elu_gradient_check_reports_where_backward_and_forward_disagree(capsys):
    cls = _elu_variant(backward=lambda z, g, a: g * np.where(z > 0, 1.0, a * (_neg(z) - 1)))
    out = assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, cls), "backward does not match your forward",
                            "(z <= 0)")
    assert "central difference" in out


def test_elu_overflow_in_discarded_branch_is_caught(capsys):
    out = assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, ELUNaive), "no overflow",
                            "computes BOTH branches", "np.exp(np.minimum(z, 0))")
    assert out.count("PASS") == 4   # right on moderate inputs


def test_elu_silenced_overflow_is_caught_by_its_nan(capsys):
    assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, ELUNaiveSilenced), "no overflow", "BOTH branches")


def test_elu_in_place_forward_fails(capsys):
    assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, ELUInPlace), "changed its input array in place")


def test_elu_backward_must_use_the_latest_input(capsys):
    out = assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, ELUFirstCallOnly), "FIRST forward call")
    assert out.count("FAIL") == 1


def test_elu_module_without_alpha_is_explained(capsys):
    assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, ELUNoInit), "takes alpha and keeps it")


def test_elu_module_that_forgets_its_input_is_explained(capsys):
    assert_fails_with(capsys, lambda c: ch04.check_elu_module(c, ELUNoCache), "forward must keep what backward needs")


def test_elu_without_stability_check_runs_four_checks(capsys):
    out = assert_passes(capsys, lambda c: ch04.check_elu_module(c, ELUNaive, stability=False))
    assert out.count("PASS") == 4


# -- Exercise 2: the fraction of dead units --------------------------------------------------

def dead_loop(model, X):
    dead, total = 0, 0
    out = X
    for layer in model:
        out = layer.forward(out)
        if isinstance(layer, nb.ReLU):
            dead += int(np.sum(np.all(out == 0, axis=0)))
            total += out.shape[1]
    return dead / total


def dead_preactivations(model, X):
    """Tests the pre-activations of the layer before each ReLU instead: the same units."""
    masks, out, z = [], X, None
    for layer in model:
        if isinstance(layer, nb.ReLU):
            masks.append(np.all(out <= 0, axis=0))
        out = layer.forward(out)
    return float(np.concatenate(masks).mean())


def _wrong(mask_of, combine="pool"):
    def fn(model, X):
        masks, out = [], X
        for layer in model:
            out = layer.forward(out)
            if isinstance(layer, nb.ReLU):
                masks.append(mask_of(out))
        if combine == "pool":
            return float(np.concatenate(masks).mean())
        if combine == "mean":
            return float(np.mean([m.mean() for m in masks]))
        if combine == "count":
            return int(np.concatenate(masks).sum())
        if combine == "first":
            return float(masks[0].mean())
        if combine == "last":
            return float(masks[-1].mean())
        if combine == "alive":
            return 1 - float(np.concatenate(masks).mean())
        if combine == "per-unit":
            return np.concatenate(masks).astype(float)
        raise AssertionError(combine)
    return fn


def dead_every_layer(model, X):
    masks, out = [], X
    for layer in model:
        out = layer.forward(out)
        masks.append(np.all(out <= 0, axis=0))
    return float(np.concatenate(masks).mean())


def dead_changes_weights(model, X):
    model[0].weight.value *= 0
    return dead_loop(model, X)


def dead_not_iterating(model, X):
    return len(model.layers[0])


def all_cols(h):
    return np.all(h <= 0, axis=0)


WRONG_DEAD = {
    "any": (_wrong(lambda h: np.any(h <= 0, axis=0)), "AT LEAST ONE input"),
    "mean of layers": (_wrong(all_cols, "mean"), "mean of the layers' fractions", "[5, 4] units"),
    "count": (_wrong(all_cols, "count"), "number of dead units (2)", "(9)"),
    "alive": (_wrong(all_cols, "alive"), "ALIVE"),
    "first layer": (_wrong(all_cols, "first"), "first ReLU layer only"),
    "last layer": (_wrong(all_cols, "last"), "last ReLU layer only"),
    "entries": (_wrong(lambda h: (h <= 0).ravel()), "zero ENTRIES"),
    "strict": (_wrong(lambda h: np.all(h < 0, axis=0)), "never negative"),
    "axis": (_wrong(lambda h: np.all(h <= 0, axis=1)), "wrong axis"),
    "every layer": (dead_every_layer, "every layer (Linear layers too)"),
    "per unit": (_wrong(all_cols, "per-unit"), "return one number", "shape (9,)"),
    "changes weights": (dead_changes_weights, "changed the model's parameters"),
    "raises": (dead_not_iterating, "your code raised TypeError"),
    "other": (lambda model, X: 0.5, "got 0.5, expected 0.222222"),
}


def trained_relu_network(seed, lr, bias_init, depth=2, width=12, epochs=60):
    gen = np.random.default_rng(seed)
    X, y = nb.data.make_moons(80, rng=gen)
    layers, d = [], 2
    for _ in range(depth):
        layers += [nb.Linear(d, width, rng=gen, bias_init=bias_init), nb.ReLU()]
        d = width
    model = nb.Sequential(*layers, nb.Linear(d, 2, rng=gen))
    with np.errstate(all="ignore"):
        nb.fit(model, nb.CrossEntropyLoss(), nb.SGD(model.parameters(), lr=lr, momentum=0.9), X, y, epochs=epochs)
    return model, X


@pytest.mark.parametrize("solution", [dead_loop, dead_preactivations, key.dead_fraction])
def test_dead_fraction_correct_solutions_pass_on_the_example(capsys, solution):
    model, X = ch04.example_network()
    assert_passes(capsys, lambda c: ch04.check_dead_fraction(c, solution, model, X))


def test_dead_fraction_example_has_two_of_nine_dead():
    model, X = ch04.example_network()
    H1 = np.maximum(X @ model[0].weight.value + model[0].bias.value, 0)
    H2 = np.maximum(H1 @ model[2].weight.value + model[2].bias.value, 0)
    assert H1.shape == (6, 5) and H2.shape == (6, 4)
    assert np.all(H1 == 0, axis=0).tolist() == [False, True, False, False, False]
    assert np.all(H2 == 0, axis=0).tolist() == [True, False, False, False]
    assert key.dead_fraction(model, X) == pytest.approx(2 / 9, rel=1e-15)


@pytest.mark.parametrize("seed, lr, bias_init, depth", [(0, 0.1, 0.0, 2), (1, 3.0, 0.0, 3), (2, 0.1, -0.5, 2), (3, 2.0, 0.1, 1)])
def test_dead_fraction_correct_solutions_pass_on_trained_networks(capsys, seed, lr, bias_init, depth):
    model, X = trained_relu_network(seed, lr, bias_init, depth)
    for solution in (dead_loop, dead_preactivations):
        assert_passes(capsys, lambda c: ch04.check_dead_fraction(c, solution, model, X))


def test_dead_fraction_trained_networks_cover_healthy_and_dying():
    fractions = [key.dead_fraction(*trained_relu_network(s, lr, b, d))
                 for s, lr, b, d in [(0, 0.1, 0.0, 2), (1, 3.0, 0.0, 3)]]
    assert fractions[0] < 0.2 < fractions[1]


def test_dead_fraction_ignores_other_units(capsys):
    rng = np.random.default_rng(12345)
    model = nb.Sequential(nb.Linear(2, 3, rng=rng, bias_init=-50.0), nb.Tanh(), nb.Linear(3, 4, rng=rng),
                          nb.ReLU(), nb.Linear(4, 1, rng=rng))
    X = rng.normal(size=(10, 2))
    expected = float(np.all(model[3].forward(model[2].forward(model[1].forward(model[0].forward(X)))) <= 0, axis=0).mean())
    assert key.dead_fraction(model, X) == expected == 0.5
    assert dead_every_layer(model, X) == pytest.approx(10 / 15)   # the tanh layer's 3 units counted too
    assert_passes(capsys, lambda c: ch04.check_dead_fraction(c, dead_loop, model, X))
    assert_fails_with(capsys, lambda c: ch04.check_dead_fraction(c, dead_every_layer, model, X), "FAIL")


def test_dead_fraction_needs_a_relu_layer(rng):
    with pytest.raises(ValueError, match="no ReLU layer"):
        key.dead_fraction(nb.Sequential(nb.Linear(2, 2, rng=rng)), np.zeros((3, 2)))


@pytest.mark.parametrize("mistake", list(WRONG_DEAD))
def test_dead_fraction_typical_mistakes_fail_with_their_hint(capsys, mistake):
    solution, *fragments = WRONG_DEAD[mistake]
    model, X = ch04.example_network()
    assert_fails_with(capsys, lambda c: ch04.check_dead_fraction(c, solution, model, X), *fragments)


def test_dead_fraction_checker_restores_weights_a_submission_changed(capsys):
    model, X = ch04.example_network()
    before = model[0].weight.value.copy()
    assert_fails_with(capsys, lambda c: ch04.check_dead_fraction(c, dead_changes_weights, model, X), "changed")
    np.testing.assert_array_equal(model[0].weight.value, before)


# -- Exercise 3: what maxout with two pieces can compute --------------------------------------

Z = np.linspace(-5, 5, 2001)

#: the options of the conceptual question, as functions of z
OPTIONS = {
    "a": lambda z: np.maximum(0, z),                       # ReLU
    "b": np.abs,                                           # |z|
    "c": lambda z: np.where(z > 0, z, 0.01 * z),           # leaky ReLU
    "d": lambda z: z,                                      # identity
    "e": lambda z: np.clip(z, -1, 1),                      # hard tanh
    "f": lambda z: np.minimum(0, z),                       # min(0, z)
    "g": lambda z: key.elu(z, 1.0),                       # ELU, alpha = 1
    "h": lambda z: np.logaddexp(0, z),                     # softplus
    "i": lambda z: np.maximum(0, z - 1) + 1,               # max(0, z - 1) + 1
    "j": lambda z: np.where(z > 0, z, 2 * z),              # PReLU with slope 2
}

#: maxout weights (w1, b1, w2, b2) for the options that two pieces represent
PIECES = {"a": (1, 0, 0, 0), "b": (1, 0, -1, 0), "c": (1, 0, 0.01, 0), "d": (1, 0, 1, 0), "i": (1, 0, 0, 1)}


def maxout_1d(w1, b1, w2, b2):
    layer = nb.Maxout(1, 1, k=2, init=0.0)
    layer.weight.value[:, 0, 0] = [w1, w2]
    layer.bias.value[:, 0] = [b1, b2]
    return layer.forward(Z[:, None])[:, 0]


def test_maxout_answer_fingerprint_is_the_set_of_representable_options():
    assert ANSWERS["ch04-ex3"] == normalize_answer(set(PIECES))
    assert set(OPTIONS) == set(ch04.MAXOUT_CHOICES)


@pytest.mark.parametrize("letter", sorted(PIECES))
def test_maxout_with_two_pieces_computes_the_right_options(letter):
    np.testing.assert_allclose(maxout_1d(*PIECES[letter]), OPTIONS[letter](Z), atol=1e-12)


@pytest.mark.parametrize("letter", sorted(set(OPTIONS) - set(PIECES)))
def test_the_other_options_are_not_a_maximum_of_two_lines(letter):
    # a maximum of two affine functions is convex with at most one kink: its second differences are
    # >= 0 everywhere and nonzero at no more than two neighbouring grid points
    second = np.diff(OPTIONS[letter](Z), 2)
    not_convex = np.any(second < -1e-9)
    too_many_kinks = np.count_nonzero(np.abs(second) > 1e-9) > 2
    assert not_convex or too_many_kinks


def test_maxout_hint_does_not_name_the_answer():
    for letter in "abcdefghij":
        assert f"({letter})" not in ch04.MAXOUT_HINT


def test_module_examples_run():
    import doctest

    result = doctest.testmod(ch04)
    assert result.attempted > 0 and result.failed == 0
