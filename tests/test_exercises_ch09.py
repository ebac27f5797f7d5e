"""The checkers of chapter 9's exercises: right answers pass, the usual wrong ones fail with the right hint."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.exercises import normalize_answer, ch09, checks
from nnbook.playground import FEATURES, Playground, PlaygroundConfig, features
from nnbook_key import ch09 as key  # the instructor's answer key (tests/conftest.py puts it on the path)

X = np.array([[0.3, -1.2], [1.5, 0.4], [-0.7, 2.1], [2.5, -0.2]])


def run(check, *args, **kwargs):
    """Run one checker in a checks block; return (passed, printed text)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            with checks("test") as c:
                check(c, *args, **kwargs)
            passed = True
        except AssertionError:
            passed = False
    return passed, out.getvalue()


# -- the feature map ------------------------------------------------------------------------------


def reference_feature_map(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])


def test_feature_map_reference_passes():
    ok, text = run(ch09.check_feature_map, reference_feature_map, X)
    assert ok, text
    np.testing.assert_array_equal(reference_feature_map(X), features(X, FEATURES))


@pytest.mark.parametrize("wrong, hint", [
    (lambda X: reference_feature_map(X).T, "transpose"),
    (lambda X: reference_feature_map(X)[:, [0, 1, 2, 3, 4, 6, 5]], "wrong order"),
    (lambda X: np.column_stack([X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] * X[:, 1],
                                np.sin(np.radians(X[:, 0])), np.sin(np.radians(X[:, 1]))]), "radians"),
    (lambda X: reference_feature_map(X)[:, :5], "5 columns, expected 7"),
    (lambda X: np.column_stack([X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] + X[:, 1],
                                np.sin(X[:, 0]), np.sin(X[:, 1])]), "column 4 (x1*x2) is wrong"),
    (lambda X: 1 / 0, "your code raised ZeroDivisionError"),
])
def test_feature_map_mistakes_fail_with_a_hint(wrong, hint):
    ok, text = run(ch09.check_feature_map, wrong, X)
    assert not ok
    assert hint in text, text


# -- counting parameters ------------------------------------------------------------------------------


def reference_count(config):
    sizes = config.layer_sizes
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


CONFIGS = [
    PlaygroundConfig(hidden=(4, 2)),
    PlaygroundConfig(dataset="spirals", n_classes=3, hidden=(8, 8)),
    PlaygroundConfig(dataset="xor", features=("x1", "x2", "x1*x2"), hidden=()),
    PlaygroundConfig(dataset="regression_2d", features=FEATURES, hidden=(5,)),
]


@pytest.mark.parametrize("config", CONFIGS)
def test_count_reference_passes_and_matches_the_network(config):
    assert reference_count(config) == Playground(config).model.num_parameters()
    ok, text = run(ch09.check_count_parameters, reference_count, config)
    assert ok, text


def test_count_examples_by_hand():
    # 2-4-2-1: (2+1)*4 + (4+1)*2 + (2+1)*1 = 12 + 10 + 3
    assert reference_count(PlaygroundConfig(hidden=(4, 2))) == 25
    # 2-8-8-3 softmax: 24 + 72 + 27
    assert reference_count(CONFIGS[1]) == 123


@pytest.mark.parametrize("wrong, config, hint", [
    (lambda c: sum(a * b for a, b in zip(c.layer_sizes[:-1], c.layer_sizes[1:])), CONFIGS[0], "also has a bias"),
    (lambda c: sum((a + 1) * b for a, b in zip(c.layer_sizes[:-2], c.layer_sizes[1:-1])), CONFIGS[0],
     "the output layer is missing"),
    (lambda c: reference_count(c.replace(features=("x1", "x2"))), CONFIGS[3], "not always x1 and x2"),
    (lambda c: reference_count(c.replace(dataset="circles", n_classes=2)), CONFIGS[1],
     "one unit a class"),
    (lambda c: "25", CONFIGS[0], "could not read"),
    (lambda c: None, CONFIGS[0], "could not read"),
])
def test_count_mistakes_fail_with_a_hint(wrong, config, hint):
    ok, text = run(ch09.check_count_parameters, wrong, config)
    assert not ok
    assert hint in text, text


def test_count_an_object_equal_to_everything_fails():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    ok, _ = run(ch09.check_count_parameters, lambda c: AlwaysEqual(), CONFIGS[0])
    assert not ok


# -- the spirals ------------------------------------------------------------------------------------------

SOLUTION = PlaygroundConfig(**ch09.SPIRAL_DATA, hidden=(16, 16), activation="relu", lr=0.1)


def test_spiral_reference_solution_passes():
    ok, text = run(ch09.check_spiral_config, SOLUTION)
    assert ok, text
    ok, text = run(ch09.check_spiral_config, SOLUTION, seed=1, target=0.85)
    assert ok, text


def test_spiral_default_network_underfits():
    ok, text = run(ch09.check_spiral_config, PlaygroundConfig(**ch09.SPIRAL_DATA))
    assert not ok
    assert "underfits" in text


def test_spiral_config_must_keep_the_data():
    ok, text = run(ch09.check_spiral_config, SOLUTION.replace(noise=0.0))
    assert not ok and "keep the data" in text and "'noise': 0.0" in text
    ok, text = run(ch09.check_spiral_config, SOLUTION.to_dict())
    assert not ok and "must be a nb.playground.PlaygroundConfig" in text


def test_spiral_diverging_config_gets_the_divergence_hint():
    bad = PlaygroundConfig(**ch09.SPIRAL_DATA, hidden=(8,), activation="identity", output="softmax", lr=10.0,
                           momentum=0.9, init_scale=5.0, batch_size=None)
    ok, text = run(ch09.check_spiral_config, bad)
    assert not ok
    assert "diverged" in text or "underfits" in text


# -- the conceptual question: what breaks the symmetry of a constant initialization ---------------------


@pytest.mark.parametrize("change, breaks", [
    ({"lr": 1.0}, False),
    ({"batch_size": 1}, False),
    ({"momentum": 0.9}, False),
    ({"l2": 0.01}, False),
    ({"init": "xavier_uniform"}, True),
])
def test_only_random_weights_break_the_symmetry(change, breaks):
    """The answer of the conceptual exercise, checked by training: with every weight equal, the
    hidden units of a layer stay equal whatever the learning rate, batch size, momentum or L2.

    Equal up to rounding: BLAS may sum the columns of a matrix product in blocks of different
    sizes, so units can differ in the last bit (about 1e-16), never more."""
    c = PlaygroundConfig(hidden=(6, 6), init="constant", init_scale=0.5, n_points=60).replace(**change)
    pg = Playground(c).train(20)
    W1, W2 = pg.model[0].weight.value, pg.model[2].weight.value
    spread = max(np.abs(W1 - W1[:, :1]).max(), np.abs(W2 - W2[0, 0]).max())
    if breaks:
        assert spread > 1e-3
    else:
        assert spread < 1e-12


def test_symmetry_answer_fingerprint():
    assert normalize_answer("d") == normalize_answer(" D ")
    assert normalize_answer("d") != normalize_answer("b")
    assert "d" not in ch09.SYMMETRY_HINT.split()
