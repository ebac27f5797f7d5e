"""The playground's dropout option: ``PlaygroundConfig(dropout=p)`` puts ``nb.Dropout(p)`` after every hidden
activation, with masks drawn from the run's generator while training and evaluation mode for the rest."""

from __future__ import annotations

import numpy as np
import pytest

import nnbook as nb
from nnbook import playground as pgm
from nnbook.playground import Playground, PlaygroundConfig, build_model, features, make_data

from playground_helpers import BINARY, THREE_CLASS, params_of

DROPPED = BINARY.replace(dropout=0.3, batch_size=8)


def _by_hand(config: PlaygroundConfig, epochs: int, dropout: float) -> tuple[nb.Sequential, dict]:
    """``config``'s run built from nnbook's pieces, with ``Dropout(dropout)`` written in (none for 0)."""
    rng = np.random.default_rng(config.seed)
    X_tr, X_te, y_tr, y_te = make_data(config, rng)
    sizes = config.layer_sizes
    layers: list[nb.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nb.Linear(a, b, rng=rng))
        if i < len(sizes) - 2:
            layers.append(pgm.ACTIVATION_LAYERS[config.activation](rng))
            if dropout:
                layers.append(nb.Dropout(dropout, rng=rng))
    model = nb.Sequential(*layers)
    opt = nb.SGD(model.parameters(), lr=config.lr, momentum=config.momentum, weight_decay=config.l2, l1=config.l1)
    history = nb.fit(model, pgm.make_loss(config), opt, features(X_tr, config.features), y_tr, epochs=epochs,
                     batch_size=config.batch_size, rng=rng, validation_data=(features(X_te, config.features), y_te))
    return model, history


def _without_dropout(pg: Playground) -> nb.Sequential:
    """A network with ``pg``'s weights and no dropout layer."""
    model = build_model(pg.config.replace(dropout=0.0), np.random.default_rng(0))
    for p, q in zip(model.parameters(), pg.model.parameters()):
        p.value[...] = q.value
    return model


def test_dropout_is_a_field_of_the_config_and_its_dict():
    assert PlaygroundConfig().dropout == 0.0 and "dropout" in pgm.TRAINING_FIELDS
    d = DROPPED.to_dict()
    assert d["dropout"] == 0.3
    assert PlaygroundConfig.from_dict(d) == DROPPED
    assert PlaygroundConfig.from_dict({"dropout": 0.5}).dropout == 0.5


@pytest.mark.parametrize("rate, message", [
    (1.0, r"dropout must be < 1\.0, got 1\.0"),
    (1.5, r"dropout must be < 1\.0"),
    (-0.1, r"dropout must be >= 0\.0"),
    (float("nan"), "dropout must be a finite number"),
    ("0.2", "dropout must be a finite number"),
    (True, "dropout must be a finite number"),
])
def test_a_bad_dropout_rate_is_an_error_naming_the_field(rate, message):
    with pytest.raises(ValueError, match=message):
        PlaygroundConfig(dropout=rate)
    with pytest.raises(ValueError, match=message):
        PlaygroundConfig.from_dict({"dropout": rate})


def test_dropout_zero_gives_exactly_the_numbers_of_a_network_without_dropout():
    c = THREE_CLASS.replace(activation="rrelu", batch_size=9, momentum=0.5, dropout=0.0)  # RReLU draws from the run's rng too
    pg = Playground(c)
    assert not any(isinstance(m, nb.Dropout) for m in pg.model.modules())
    pg.step_epoch(5)
    model, history = _by_hand(c, 5, dropout=0.0)
    assert pg.history == history  # exact float equality
    for a, b in zip(pg.model.parameters(), model.parameters()):
        assert np.array_equal(a.value, b.value)


def test_dropout_is_nnbooks_dropout_after_every_hidden_activation_drawing_from_the_runs_generator():
    pg = Playground(DROPPED)
    kinds = [type(m).__name__ for m in pg.model]
    assert kinds == ["Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear"]
    assert all(m.p == 0.3 and m.rng is pg.rng for m in pg.model if isinstance(m, nb.Dropout))
    pg.step_epoch(4)
    model, history = _by_hand(DROPPED, 4, dropout=0.3)  # one generator: data, split, weights, shuffles, masks
    assert pg.history == history
    for a, b in zip(pg.model.parameters(), model.parameters()):
        assert np.array_equal(a.value, b.value)


def test_dropout_changes_the_training_loss_but_not_the_evaluation_forward():
    plain, dropped = Playground(DROPPED.replace(dropout=0.0)), Playground(DROPPED)
    # the same data and initial weights (a Dropout draws nothing when built), measured in evaluation mode
    assert dropped.initial == plain.initial
    np.testing.assert_array_equal(dropped.snapshot().output, plain.snapshot().output)
    plain.step_epoch(1)
    dropped.step_epoch(1)
    assert dropped.history["loss"][0] != plain.history["loss"][0]
    # after training: the evaluation-mode forward is the network without its dropout layers, exactly
    twin = _without_dropout(dropped)
    for X in (dropped.inputs_train, dropped.inputs_test):
        with nb.train.evaluation_mode(dropped.model):
            np.testing.assert_array_equal(dropped.model.forward(X), twin.forward(X))
    assert dropped.history["val_loss"][-1] == nb.evaluate(twin, dropped.loss, dropped.inputs_test, dropped.y_test)["loss"]
    snap = dropped.snapshot()
    assert len(snap.units) == 1 + len(DROPPED.hidden)  # no column for the dropout layers
    xx, yy = np.meshgrid(*snap.grid)
    h = features(np.c_[xx.ravel(), yy.ravel()], DROPPED.features)
    for layer in twin.layers[:-1]:  # up to the last hidden activation
        h = layer.forward(h)
    np.testing.assert_array_equal(snap.units[-1], h.T.reshape(-1, *xx.shape))
    # and the training-mode forward drops units
    assert not np.array_equal(dropped.model.forward(dropped.inputs_train), twin.forward(dropped.inputs_train))


def test_dropout_runs_are_reproducible_from_their_seed():
    a, b = Playground(DROPPED), Playground(DROPPED)
    a.step_epoch(6)
    b.step_epoch(2)
    b.snapshot()  # views between epochs draw nothing
    b.step_epoch(4)
    assert a.history == b.history and a.grad_norms == b.grad_norms
    for pa, pb in zip(params_of(a.model), params_of(b.model)):
        np.testing.assert_array_equal(pa, pb)
    a.reset()
    a.step_epoch(6)
    assert a.history == b.history
    other = Playground(DROPPED.replace(seed=DROPPED.seed + 1))
    other.step_epoch(6)
    assert other.history["loss"] != a.history["loss"]


def test_changing_the_rate_mid_run_keeps_the_weights():
    pg = Playground(DROPPED.replace(dropout=0.0))
    pg.step_epoch(3)
    w = params_of(pg.model)
    pg.update(dropout=0.5)
    assert pg.epoch == 3 and [m.p for m in pg.model if isinstance(m, nb.Dropout)] == [0.5, 0.5]
    for a, b in zip(w, params_of(pg.model)):
        np.testing.assert_array_equal(a, b)
    assert pg.optimizer.params[0] is pg.model[0].weight
    pg.step_epoch(2)
    pg.update(dropout=0.0)
    assert pg.epoch == 5 and not any(isinstance(m, nb.Dropout) for m in pg.model)


def test_the_app_has_a_dropout_control_that_keeps_training():
    pytest.importorskip("ipywidgets")
    app = pgm.App(BINARY)
    control = app.controls["dropout"]
    assert 0.3 in [v for _, v in control.options]
    app.step()
    control.value = 0.3
    assert app.config.dropout == 0.3 and app.epoch == 1
    assert sum(isinstance(m, nb.Dropout) for m in app.playground.model) == len(BINARY.hidden)
    app.step()
    assert app.epoch == 2 and '"dropout": 0.3' in app.config_text.value
