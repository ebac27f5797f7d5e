"""Tests of nnbook.playground: configurations, features and data, runs and snapshots
(the views, the scrubber and the live app: tests/test_playground_views.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnbook as nb
from nnbook import playground as pgm
from nnbook.playground import Playground, PlaygroundConfig, build_model, features, make_data, plot_snapshot

from playground_helpers import BINARY, CONFIGS, NO_HIDDEN, REGRESSION_1D, REGRESSION_2D, THREE_CLASS, params_of


# -- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONFIGS))
def test_config_round_trips_through_a_dict(name):
    c = CONFIGS[name]
    assert PlaygroundConfig.from_dict(c.to_dict()) == c


@pytest.mark.parametrize("name", list(CONFIGS))
def test_config_round_trips_through_json(name):
    c = CONFIGS[name]
    text = json.dumps(c.to_dict())
    assert json.loads(text) == c.to_dict()  # to_dict holds only JSON types
    assert PlaygroundConfig.from_json(text) == c
    assert PlaygroundConfig.from_json(c.to_json()) == c


def test_to_dict_holds_plain_python_values():
    d = PlaygroundConfig(n_points=np.int64(50), lr=np.float64(0.1), hidden=[3, 2], batch_size=None).to_dict()
    for k, v in d.items():
        assert type(v) in (str, int, float, list, type(None)), f"{k} is a {type(v).__name__}"
    assert d["hidden"] == [3, 2] and d["n_points"] == 50 and type(d["lr"]) is float


def test_from_dict_fills_in_defaults():
    c = PlaygroundConfig.from_dict({"dataset": "xor", "hidden": [3]})
    assert c == PlaygroundConfig(dataset="xor", hidden=(3,))
    assert c.lr == PlaygroundConfig().lr


def test_unknown_key_names_the_closest_valid_one():
    with pytest.raises(ValueError, match=r"unknown key.*'lr_rate'.*did you mean 'lr'"):
        PlaygroundConfig.from_dict({"lr_rate": 0.1})
    with pytest.raises(ValueError, match="unknown key"):
        BINARY.replace(hiden=(3,))


@pytest.mark.parametrize("changes, message", [
    ({"dataset": "circle"}, r"unknown dataset 'circle' \(did you mean 'circles'\?\)"),
    ({"activation": "step"}, "no useful gradient"),
    ({"activation": "Relu"}, "unknown activation"),
    ({"init": "glorot"}, "unknown init"),
    ({"output": "softmx"}, "unknown output"),
    ({"n_points": 3}, "n_points must be an integer >= 4"),
    ({"n_points": 100.0}, "n_points must be an integer"),
    ({"n_points": True}, "n_points must be an integer"),
    ({"noise": -0.1}, "noise must be >= 0"),
    ({"noise": float("nan")}, "noise must be a finite number"),
    ({"test_fraction": 1.0}, "test_fraction must be < 1"),
    ({"test_fraction": 0.0}, "test_fraction must be > 0"),
    ({"lr": 0.0}, "lr must be > 0"),
    ({"lr": "fast"}, "lr must be a finite number"),
    ({"momentum": 1.0}, "momentum must be < 1"),
    ({"l2": -1e-3}, "l2 must be >= 0"),
    ({"l1": float("inf")}, "l1 must be a finite number"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1"),
    ({"seed": -1}, "seed must be an integer >= 0"),
    ({"hidden": (8, 0)}, "hidden must hold positive integers"),
    ({"hidden": 8}, "hidden must be a sequence"),
    ({"hidden": "8, 8"}, "hidden must be a sequence"),
    ({"features": ("x1", "x3")}, r"unknown feature 'x3'"),
    ({"features": ()}, "at least one input feature"),
    ({"features": ("x1", "x1")}, "must not repeat"),
    ({"features": "x1"}, "features must be a sequence"),
    ({"dataset": "regression_1d", "features": ("x1", "x2")}, r"one input x1.*\['x2'\]"),
    ({"dataset": "circles", "n_classes": 3}, "'circles' has 2 classes"),
    ({"dataset": "regression_2d", "n_classes": 3}, "n_classes does not apply"),
    ({"dataset": "spirals", "n_classes": 3, "output": "sigmoid"}, "use output='softmax'"),
    ({"dataset": "circles", "output": "linear"}, "'linear'.*is for the regression data sets"),
    ({"dataset": "regression_2d", "output": "softmax"}, "is for classification"),
    ({"n_points": 4, "test_fraction": 0.9}, "leaves no training points"),
])
def test_bad_config_raises_a_clear_error(changes, message):
    with pytest.raises(ValueError, match=message):
        PlaygroundConfig(**changes)


def test_from_json_rejects_broken_json_and_non_dicts():
    with pytest.raises(ValueError, match="not valid JSON"):
        PlaygroundConfig.from_json("{dataset: xor")
    with pytest.raises(TypeError, match="expected a dict"):
        PlaygroundConfig.from_dict([("dataset", "xor")])


def test_derived_properties():
    assert BINARY.task == "binary" and BINARY.output_unit == "sigmoid" and BINARY.layer_sizes == (2, 6, 4, 1)
    assert THREE_CLASS.task == "multiclass" and THREE_CLASS.output_unit == "softmax" and THREE_CLASS.n_outputs == 3
    assert REGRESSION_1D.task == "regression" and REGRESSION_1D.output_unit == "linear" and REGRESSION_1D.input_dim == 1
    assert PlaygroundConfig(output="softmax").layer_sizes == (2, 4, 2, 2)  # softmax over two classes
    assert NO_HIDDEN.layer_sizes == (3, 1)


# -- features and data ---------------------------------------------------------------------------


def test_features_computes_each_column():
    X = np.array([[0.5, -2.0], [1.5, 3.0]])
    F = features(X, ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"))
    expected = np.c_[X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] * X[:, 1], np.sin(X[:, 0]), np.sin(X[:, 1])]
    np.testing.assert_array_equal(F, expected)
    np.testing.assert_array_equal(features(X, ("x2", "x1")), X[:, ::-1])


def test_features_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"shape \(n, 1\) or \(n, 2\)"):
        features(np.zeros((3, 3)), ("x1",))
    with pytest.raises(ValueError, match="needs x2"):
        features(np.zeros((3, 1)), ("x1*x2",))
    with pytest.raises(ValueError, match=r"unknown feature 'x1\*\*2'"):
        features(np.zeros((3, 2)), ("x1**2",))


@pytest.mark.parametrize("dataset, n_classes", [("xor", 2), ("circles", 2), ("moons", 2), ("spirals", 4),
                                                ("blobs", 3), ("regression_1d", 2), ("regression_2d", 2)])
def test_make_data_gives_every_data_set_split(dataset, n_classes):
    feats = ("x1",) if dataset == "regression_1d" else ("x1", "x2")
    c = PlaygroundConfig(dataset=dataset, n_classes=n_classes, n_points=101, test_fraction=0.3, features=feats)
    X_tr, X_te, y_tr, y_te = make_data(c, np.random.default_rng(0))
    assert len(X_tr) + len(X_te) == 101 and len(X_te) == 30
    assert X_tr.shape[1] == c.input_dim
    if c.task == "regression":
        assert y_tr.shape == (71, 1)
    else:
        assert set(np.unique(np.r_[y_tr, y_te])) == set(range(n_classes))


def test_build_model_follows_the_config():
    c = PlaygroundConfig(features=("x1", "x2", "sin(x1)"), hidden=(5, 4), activation="prelu", init="constant",
                         init_scale=0.25, bias_init=0.1)
    m = build_model(c, np.random.default_rng(0))
    kinds = [type(layer).__name__ for layer in m]
    assert kinds == ["Linear", "PReLU", "Linear", "PReLU", "Linear"]
    assert [m[i].weight.shape for i in (0, 2, 4)] == [(3, 5), (5, 4), (4, 1)]
    assert np.all(m[0].weight.value == 0.25) and np.all(m[4].bias.value == 0.1)


def test_init_scale_multiplies_the_initial_weights():
    a = build_model(PlaygroundConfig(init="he_normal"), np.random.default_rng(1))
    b = build_model(PlaygroundConfig(init="he_normal", init_scale=3.0), np.random.default_rng(1))
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(pb.value, 3.0 * pa.value if pa.decay else pa.value)


# -- runs -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["binary", "three-class", "regression-1d", "no-hidden"])
def test_the_same_seed_gives_identical_runs(name):
    a, b = Playground(CONFIGS[name]), Playground(CONFIGS[name])
    a.step_epoch(6)
    b.step_epoch(2)
    b.step_epoch(4)
    assert a.history == b.history
    assert a.grad_norms == b.grad_norms
    for pa, pb in zip(a.model.parameters(), b.model.parameters()):
        np.testing.assert_array_equal(pa.value, pb.value)


def test_another_seed_gives_another_run():
    a, b = Playground(BINARY), Playground(BINARY.replace(seed=BINARY.seed + 1))
    assert not np.array_equal(a.X_train, b.X_train)
    a.step_epoch(3)
    b.step_epoch(3)
    assert a.history["loss"] != b.history["loss"]


def test_reset_starts_the_same_run_again():
    pg = Playground(BINARY)
    w0 = params_of(pg.model)
    pg.step_epoch(5)
    first = {k: list(v) for k, v in pg.history.items()}
    pg.reset()
    assert pg.epoch == 0 and pg.history["loss"] == [] and len(pg.grad_norms) == 1
    for a, b in zip(w0, params_of(pg.model)):
        np.testing.assert_array_equal(a, b)
    pg.step_epoch(5)
    assert pg.history == first


def test_training_equals_nb_fit_bit_for_bit():
    """The playground's numbers are nb.fit's: rebuild the run by hand and compare exactly."""
    c = PlaygroundConfig(dataset="circles", n_points=120, noise=0.15, test_fraction=0.25, hidden=(8, 8),
                         activation="tanh", lr=0.05, batch_size=16, momentum=0.9, l2=1e-3, l1=1e-4, seed=11)
    pg = Playground(c)
    for _ in range(12):  # twelve separate increments, as the live app trains
        pg.step_epoch()

    rng = np.random.default_rng(11)
    X, y = nb.data.make_circles(120, noise=0.15, rng=rng)
    X_tr, X_te, y_tr, y_te = nb.data.train_test_split(X, y, test_fraction=0.25, rng=rng)
    model = nb.Sequential(nb.Linear(2, 8, rng=rng), nb.Tanh(), nb.Linear(8, 8, rng=rng), nb.Tanh(), nb.Linear(8, 1, rng=rng))
    opt = nb.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3, l1=1e-4)
    history = nb.fit(model, nb.BCEWithLogitsLoss(), opt, X_tr, y_tr, epochs=12, batch_size=16, rng=rng,
                     validation_data=(X_te, y_te))

    assert pg.history == history  # exact float equality, every epoch
    for a, b in zip(pg.model.parameters(), model.parameters()):
        assert np.array_equal(a.value, b.value)


@pytest.mark.parametrize("config", [
    THREE_CLASS,
    REGRESSION_1D,
    REGRESSION_2D,
    NO_HIDDEN,
    PlaygroundConfig(dataset="moons", n_points=60, hidden=(6,), activation="rrelu", batch_size=7, seed=2),
    PlaygroundConfig(dataset="blobs", n_classes=3, n_points=60, hidden=(4,), init="he_uniform", init_scale=0.5,
                     bias_init=0.1, output="softmax", momentum=0.5, seed=9),
], ids=["three-class", "regression-1d", "regression-2d-full-batch", "features", "rrelu", "init-scale"])
def test_training_equals_nb_fit_for_other_configs(config):
    pg = Playground(config)
    pg.step_epoch(4)
    # snapshots and views between epochs must not disturb the run
    pg.snapshot()
    pg.step_epoch(3)

    rng = np.random.default_rng(config.seed)
    X_tr, X_te, y_tr, y_te = make_data(config, rng)
    model = build_model(config, rng)
    opt = nb.SGD(model.parameters(), lr=config.lr, momentum=config.momentum, weight_decay=config.l2, l1=config.l1)
    history = nb.fit(model, pgm.make_loss(config), opt, features(X_tr, config.features), y_tr, epochs=7,
                     batch_size=config.batch_size, rng=rng, validation_data=(features(X_te, config.features), y_te))
    assert pg.history == history
    for a, b in zip(pg.model.parameters(), model.parameters()):
        assert np.array_equal(a.value, b.value)


def test_history_initial_values_and_gradient_norms():
    pg = Playground(BINARY)
    fresh = build_model(BINARY, _rng_after_data(BINARY))
    ev_tr = nb.evaluate(fresh, nb.BCEWithLogitsLoss(), pg.inputs_train, pg.y_train)
    assert pg.initial["loss"] == ev_tr["loss"] and pg.initial["accuracy"] == ev_tr["accuracy"]
    pg.step_epoch(3)
    assert {k: len(v) for k, v in pg.history.items()} == {"loss": 3, "accuracy": 3, "val_loss": 3, "val_accuracy": 3}
    assert len(pg.grad_norms) == 4 and all(len(g) == 3 for g in pg.grad_norms)
    # the last entry is the norm of the full-batch gradient at the current weights
    loss = nb.BCEWithLogitsLoss()
    loss(pg.model.forward(pg.inputs_train), pg.y_train)
    pg.model.zero_grad()
    pg.model.backward(loss.backward())
    expected = [float(np.linalg.norm(pg.model[i].weight.grad)) for i in (0, 2, 4)]
    np.testing.assert_allclose(pg.grad_norms[-1], expected, rtol=1e-12)


def _rng_after_data(config):
    rng = np.random.default_rng(config.seed)
    make_data(config, rng)
    return rng


def test_a_training_setting_keeps_the_weights_and_anything_else_resets():
    pg = Playground(BINARY)
    pg.step_epoch(3)
    w = params_of(pg.model)
    pg.update(lr=0.5, momentum=0.9, l2=0.01)
    assert pg.epoch == 3 and pg.optimizer.lr == 0.5 and pg.optimizer.momentum == 0.9
    for a, b in zip(w, params_of(pg.model)):
        np.testing.assert_array_equal(a, b)
    pg.update(hidden=(3,))
    assert pg.epoch == 0 and pg.config.hidden == (3,) and pg.model[0].weight.shape == (2, 3)


def test_a_diverging_run_stops_quietly():
    c = PlaygroundConfig(dataset="regression_2d", n_points=60, hidden=(8,), activation="identity", lr=10.0,
                         batch_size=None, seed=1)
    pg = Playground(c)
    pg.step_epoch(30)  # no RuntimeWarning escapes (pytest turns those from nnbook into errors)
    assert pg.diverged
    e = pg.epoch
    pg.step_epoch(5)
    assert pg.epoch == e
    snap = pg.snapshot()
    assert snap.diverged and "diverged" in snap.summary()
    plot_snapshot(snap).canvas.draw()


def test_step_epoch_rejects_bad_counts():
    with pytest.raises(ValueError, match="non-negative integer"):
        Playground(BINARY).step_epoch(-1)


def test_playground_accepts_a_dict_and_changes():
    pg = Playground(BINARY.to_dict(), hidden=(3,))
    assert pg.config == BINARY.replace(hidden=(3,))


# -- snapshots ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONFIGS))
def test_snapshot_holds_what_the_views_need(name):
    c = CONFIGS[name]
    pg = Playground(c)
    pg.step_epoch(2)
    s = pg.snapshot()
    shape = (pg.resolution,) if c.input_dim == 1 else (pg.resolution, pg.resolution)
    assert s.epoch == 2 and len(s.train_loss) == len(s.test_loss) == 3 and s.grad_norms.shape == (3, len(c.layer_sizes) - 1)
    assert [u.shape for u in s.units] == [(n, *shape) for n in (len(c.features), *c.hidden)]
    assert [w.shape for w in s.weights] == list(zip(c.layer_sizes[:-1], c.layer_sizes[1:]))
    if c.task == "binary":
        assert s.output.shape == shape and np.all((s.output >= 0) & (s.output <= 1))
    elif c.task == "multiclass":
        assert s.output.shape == (*shape, c.n_classes)
        np.testing.assert_allclose(s.output.sum(axis=-1), 1.0)
    else:
        assert s.output.shape == shape and s.train_accuracy is None
    # the surface is the network's output on the grid
    grid = np.stack(np.meshgrid(*s.grid), axis=-1).reshape(-1, 2) if c.input_dim == 2 else s.grid[0][:, None]
    out = pg.model.forward(features(grid, c.features))
    if c.task == "binary":
        np.testing.assert_allclose(s.output.ravel(), nb.functional.sigmoid(out[:, 0]))
    elif c.task == "regression":
        np.testing.assert_allclose(s.output.ravel(), out[:, 0])


def test_snapshot_is_a_copy():
    pg = Playground(BINARY)
    s = pg.snapshot()
    w = s.weights[0].copy()
    pg.step_epoch(2)
    np.testing.assert_array_equal(s.weights[0], w)
    assert len(s.train_loss) == 1


def test_precompute_takes_snapshots_at_the_epochs():
    snaps = Playground(BINARY).precompute([0, 2, 5])
    assert [s.epoch for s in snaps] == [0, 2, 5]
    ref = Playground(BINARY)
    ref.step_epoch(5)
    np.testing.assert_array_equal(snaps[-1].weights[1], ref.model[2].weight.value)
    pg = Playground(BINARY)
    pg.step_epoch(3)
    with pytest.raises(ValueError, match="cannot go back"):
        pg.precompute([1, 4])
    with pytest.raises(ValueError, match="increasing"):
        pg.precompute([5, 4])
