"""Tests of nnbook.playground: the views, the precomputed scrubber for the static book, the live app, and
that a data set or an activation is one entry (configurations and runs: tests/test_playground.py)."""

from __future__ import annotations

import html

import io
import json

import numpy as np
import pytest

import nnbook as nb
from nnbook import playground as pgm
from nnbook.playground import (
    App, Dashboard, Playground, PlaygroundConfig, Precomputed, Snapshot,
    plot_boundary, plot_gradients, plot_loss, plot_snapshot, plot_units, plot_weights,
)

from nnbook.playground.scrubber import describe_views
from playground_helpers import BINARY, CONFIGS, NO_HIDDEN, PUOR, REGRESSION_1D, THREE_CLASS, display_bundle, params_of


# -- views ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snaps() -> dict[str, Snapshot]:
    out = {}
    for name, c in CONFIGS.items():
        pg = Playground(c)
        pg.step_epoch(3)
        out[name] = pg.snapshot()
    return out


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_view_renders(snaps, name):
    s = snaps[name]
    fig = plot_snapshot(s)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    assert rgba.shape[2] == 4 and rgba[..., :3].std() > 10  # drawn, not blank
    for fn in (plot_boundary, plot_loss, plot_gradients):
        ax = fn(s)
        ax.figure.canvas.draw()
    for fn in (plot_units, plot_weights):
        fn(s).canvas.draw()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_animated_frames_match_static_figures(snaps, name):
    """Blitting over a cached background gives the picture a full redraw gives."""
    c = CONFIGS[name]
    pg = Playground(c)
    live = Dashboard(pg.snapshot(), animated=True)
    live.render()
    for _ in range(4):
        pg.step_epoch()
        live.update(pg.snapshot())
        frame = live.render().copy()
    static = Dashboard(pg.snapshot(), animated=False, texts=False).render()
    assert frame.shape == static.shape
    differ = np.any(frame != static, axis=-1).mean()
    assert differ < 0.005, f"{differ:.2%} of the pixels differ"  # only where spines meet moving artists


def test_background_is_redrawn_only_when_an_axis_limit_changes(monkeypatch):
    pg = Playground(BINARY)
    live = Dashboard(pg.snapshot(), animated=True)
    draws = []
    original = live.canvas.draw
    monkeypatch.setattr(live.canvas, "draw", lambda *a, **k: (draws.append(pg.epoch), original(*a, **k)))
    for _ in range(13):  # frames of epochs 0..12
        live.update(pg.snapshot())
        live.render()
        pg.step_epoch()
    assert draws[0] == 0  # the first frame draws everything
    assert 11 in draws  # the epoch axis grows from 0-10 to 0-20
    assert len(draws) <= 4, f"full redraws at epochs {draws}"  # not one a frame


def test_views_show_the_snapshot(snaps):
    s = snaps["binary"]
    dash = Dashboard(s)
    boundary, units, weights, loss, grads = dash.views
    np.testing.assert_array_equal(loss.train_line.get_ydata(), s.train_loss)
    np.testing.assert_array_equal(loss.test_line.get_ydata(), s.test_loss)
    np.testing.assert_allclose(grads.lines[1].get_ydata(), s.grad_norms[:, 1])
    W = s.weights[1]
    sizes = weights.marks[1].get_sizes()
    np.testing.assert_allclose(sizes / sizes.max(), (np.abs(W) / np.abs(W).max()).ravel())  # area ~ |w|
    assert "epoch 3" in boundary.title.get_text() and "test accuracy" in boundary.title.get_text()
    # a tile of the units mosaic is the unit's output on every other grid point, scaled and coloured
    tile = units.tile(1, 0)
    u = s.units[1][0, ::2, ::2]
    assert tile.shape == (*u.shape, 3)
    u = u / np.abs(u).max()
    np.testing.assert_array_equal(tile, PUOR[np.rint((u[::-1] + 1) * 127.5).astype(int)])
    assert not np.array_equal(units.tile(1, 1), tile)  # the next unit has a picture of its own


def test_a_dead_unit_is_a_blank_tile():
    c = PlaygroundConfig(hidden=(2,), activation="relu", bias_init=-100.0, n_points=40)
    s = Playground(c).snapshot()
    assert np.all(s.units[1] == 0)
    tile = Dashboard(s, ["units"]).views[0].tile(1, 0)
    np.testing.assert_array_equal(tile, np.broadcast_to(PUOR[128], tile.shape))  # the colour of 0


def test_png_is_a_valid_image_of_the_frame(snaps):
    from PIL import Image

    dash = Dashboard(snaps["three-class"], animated=True)
    png = dash.png()
    rgba = dash.render()
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    np.testing.assert_array_equal(img, rgba[..., :3])


def test_unknown_view_is_rejected(snaps):
    with pytest.raises(ValueError, match=r"unknown view 'boundry' \(did you mean 'boundary'\?\)"):
        plot_snapshot(snaps["binary"], ["boundry"])
    with pytest.raises(ValueError, match="no view chosen"):
        plot_snapshot(snaps["binary"], [])
    with pytest.raises(TypeError, match="Snapshot or a Playground"):
        plot_boundary(BINARY)


def test_limits_fit_every_snapshot():
    snaps = Playground(BINARY).precompute([0, 3, 8])
    lim = pgm.limits_for(snaps)
    assert lim["epochs"] == 8
    assert lim["loss"] >= max(s.train_loss.max() for s in snaps)
    lo, hi = lim["grad"]
    assert lo <= min(s.grad_norms.min() for s in snaps) and hi >= max(s.grad_norms.max() for s in snaps)
    assert all(m >= np.abs(s.weights[i]).max() for s in snaps for i, m in enumerate(lim["weights"]))


# -- precomputed runs for the static book -----------------------------------------------------------


def test_precomputed_sweep_over_a_config_field():
    pre = Precomputed(NO_HIDDEN, epochs=[0, 3], l2=[0.0, 0.1], views=["boundary", "loss"])
    assert pre.params == {"l2": [0.0, 0.1], "epoch": [0, 3]}
    assert len(pre) == 4
    s = pre.snapshot(l2=0.1, epoch=3)
    assert s.config.l2 == 0.1 and s.epoch == 3
    ref = Playground(NO_HIDDEN.replace(l2=0.1))
    ref.step_epoch(3)
    assert list(s.train_loss[1:]) == ref.history["loss"]
    fig = pre.draw(l2=0.0, epoch=0)
    fig.canvas.draw()
    assert len(pre.dashboards) == 1
    # frames of different runs drawn by one dashboard are those a dashboard of their own draws
    for l2, e in [(0.1, 3), (0.0, 3), (0.1, 0)]:
        shared = np.asarray(pre.draw(l2=l2, epoch=e).images[0].get_array())
        own = Dashboard(pre.snapshot(l2=l2, epoch=e), pre.views, animated=True, texts=True, limits=pre.limits)
        np.testing.assert_array_equal(shared, own.render()[..., :3])
    with pytest.raises(ValueError, match="expected values for"):
        pre.snapshot(epoch=3)
    with pytest.raises(ValueError, match="no frame"):
        pre.snapshot(l2=0.5, epoch=3)


def test_precomputed_sweep_over_tuples_shows_labels_and_trains_the_values():
    pre = Precomputed(NO_HIDDEN, epochs=[0, 2], hidden=[(), (3,), (3, 2)], views=["boundary"])
    assert pre.params == {"hidden": ["()", "(3,)", "(3, 2)"], "epoch": [0, 2]}
    for label, hidden in zip(pre.params["hidden"], [(), (3,), (3, 2)]):
        by_label, by_value = pre.snapshot(hidden=label, epoch=2), pre.snapshot(hidden=hidden, epoch=2)
        assert by_label is by_value and by_label.config.hidden == hidden
        ref = Playground(NO_HIDDEN.replace(hidden=hidden))
        ref.step_epoch(2)
        assert list(by_label.train_loss[1:]) == ref.history["loss"]
    widgets = pytest.importorskip("nnbook.widgets")
    fig = widgets.interactive(pre.draw, **pre.params)  # a menu of the labels
    assert len(fig.frames) == 6
    with pytest.raises(ValueError, match="repeats a value"):
        Precomputed(NO_HIDDEN, epochs=[1], hidden=[(3,), (3,)])


def test_precomputed_labelled_runs_share_their_axes():
    pre = Precomputed({"xavier": BINARY, "zeros": BINARY.replace(init="zeros")}, epochs=[0, 4])
    assert pre.params == {"run": ["xavier", "zeros"], "epoch": [0, 4]}
    a, b = pre.draw(run="xavier", epoch=4), pre.draw(run="zeros", epoch=0)
    assert a.get_size_inches().tolist() == b.get_size_inches().tolist()
    assert len(pre.dashboards) == 1  # same data, same architecture: one dashboard draws both runs
    loss = pre.dashboards[0].views[1].ax
    assert loss.get_xlim() == (0, 4) and loss.get_ylim() == (0, pre.limits["loss"])


def test_precomputed_frame_is_the_dashboards_picture_pixel_for_pixel():
    from PIL import Image

    pre = Precomputed(BINARY, epochs=[0, 2, 5], views=["boundary", "units", "weights", "loss", "gradients"])
    for e in (0, 2, 5):
        fig = pre.draw(epoch=e)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi)
        saved = np.asarray(Image.open(buf).convert("RGB"))
        np.testing.assert_array_equal(saved, pre.dashboards[0].render()[..., :3])
    # and the picture is the static figure of that snapshot, up to where spines meet moving artists
    static = Dashboard(pre.snapshot(epoch=5), pre.views, limits=pre.limits).render()[..., :3]
    assert np.any(saved != static, axis=-1).mean() < 0.005


def test_precomputed_frames_of_different_networks_have_one_size():
    pre = Precomputed({"deep": BINARY.replace(hidden=(3, 3, 3)), "none": NO_HIDDEN}, epochs=[0, 1],
                      views=["boundary", "units", "loss"])
    sizes = {tuple(pre.draw(run=r, epoch=e).get_size_inches()) for r in ("deep", "none") for e in (0, 1)}
    assert len(sizes) == 1


def test_precomputed_list_of_configs_is_labelled_by_what_differs():
    pre = Precomputed([BINARY, BINARY.replace(activation="relu")], epochs=[1])
    assert pre.params["run"] == ["activation=tanh", "activation=relu"]


def test_precomputed_rejects_bad_arguments():
    with pytest.raises(ValueError, match="increasing"):
        Precomputed(BINARY, epochs=[3, 1])
    with pytest.raises(ValueError, match="one base config"):
        Precomputed({"a": BINARY, "b": BINARY}, epochs=[1], l2=[0.0, 0.1])
    with pytest.raises(ValueError, match="unknown key"):
        Precomputed(BINARY, epochs=[1], l3=[0.0])


def test_scrubber_is_an_interactive_figure_over_the_frames():
    widgets = pytest.importorskip("nnbook.widgets")
    fig = pgm.scrubber(NO_HIDDEN, epochs=[0, 2, 4], views=["boundary"], title="xor")
    assert isinstance(fig, widgets.Interactive)
    assert fig.params == {"epoch": (0, 2, 4)}
    assert len(fig.frames) == 3 and fig.frames[0] != fig.frames[2]
    assert 'class="nnbook-player"' in fig.html
    assert fig.precomputed.snapshot(epoch=4).epoch == 4


def test_scrubber_links_each_run_to_the_live_page_and_says_what_it_shows():
    fig = pgm.scrubber(NO_HIDDEN, epochs=[0, 2], views=["boundary", "loss"], seed=[7, 8])
    runs = [NO_HIDDEN.replace(seed=s) for s in (7, 7, 8, 8)]  # seed, then epoch: the frames' order
    assert fig.links == [c.live_url() for c in runs]
    assert fig.links[0] != fig.links[2] and "seed=8" in fig.links[2]
    assert f'href="{html.escape(fig.links[0])}"' in fig.html and ">Open this run live</a>" in fig.html
    assert fig.alt == ("Training a 3-1 network without hidden layers on the xor data: its decision regions over the "
                       "input plane, with the training and test points coloured by class; the training and test loss "
                       "against the epoch")
    assert f'alt="{fig.alt}; seed = 7, epoch = 0"' in fig.html


def test_scrubber_describes_a_regression_and_several_networks():
    text = describe_views([REGRESSION_1D, REGRESSION_1D.replace(hidden=(2, 2))], ["boundary", "units"])
    assert text.startswith("Training networks (3-2-2-1 elu network; 3-8-1 elu network) on the regression 1d data: "
                           "its prediction over the input line")
    assert "hidden unit over the input line" in text


# -- the live app ----------------------------------------------------------------------------------


@pytest.fixture
def app():
    pytest.importorskip("ipywidgets")
    return App(BINARY)


def test_app_builds_and_shows_the_first_frame(app):
    assert app.epoch == 0
    assert app.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "epoch 0" in app.status.value
    assert json.loads(app.config_text.value) == BINARY.to_dict()
    assert app.controls["hidden"].value == "6, 4"


def test_step_button_trains_one_epoch_and_redraws(app):
    before = app.image.value
    app.step_button.click()
    assert app.epoch == 1 and len(app.playground.history["loss"]) == 1
    assert app.image.value != before
    assert "epoch 1" in app.status.value


def test_app_trains_with_the_numbers_of_a_playground(app):
    for _ in range(3):
        app.step_button.click()
    ref = Playground(BINARY)
    ref.step_epoch(3)
    assert app.playground.history == ref.history


def test_reset_button_restarts_the_run(app):
    w0 = params_of(app.playground.model)
    app.step(4)
    app.reset_button.click()
    assert app.epoch == 0 and app.playground.history["loss"] == []
    for a, b in zip(w0, params_of(app.playground.model)):
        np.testing.assert_array_equal(a, b)


def test_play_ticks_train_only_while_playing(app):
    app.speed.value = 3
    app.play.value = 1  # a tick while paused
    assert app.epoch == 0
    app.play.playing = True
    app.play.value = 2
    app.play.value = 3
    assert app.epoch == 6
    app.play.playing = False
    app.play.value = 4
    assert app.epoch == 6


def test_play_slows_its_timer_when_frames_take_longer(app, monkeypatch):
    import time

    step = app.step
    monkeypatch.setattr(app, "step", lambda epochs=1: (time.sleep(0.2), step(epochs)))
    app.play.interval = 100
    app.play.playing = True
    app.play.value = 1
    assert app.epoch == 1
    assert 300 <= app.play.interval <= 2000  # at least 1.5 times the frame's 200 ms


def test_changing_the_network_resets_and_a_training_setting_does_not(app):
    app.step(2)
    app.controls["lr"].value = 0.3
    assert app.epoch == 2 and app.config.lr == 0.3 and app.playground.optimizer.lr == 0.3
    app.controls["activation"].value = "relu"
    assert app.epoch == 0 and app.config.activation == "relu"
    assert isinstance(app.playground.model[1], nb.ReLU)
    app.controls["hidden"].value = "3, 3, 3"
    assert app.config.hidden == (3, 3, 3) and app.epoch == 0
    app.feature_boxes["x1*x2"].value = True
    assert app.config.features == ("x1", "x2", "x1*x2") and app.playground.model[0].weight.shape == (3, 3)
    assert json.loads(app.config_text.value)["features"] == ["x1", "x2", "x1*x2"]


def test_a_bad_control_value_shows_an_error_and_changes_nothing(app):
    app.controls["hidden"].value = "8, x"
    assert "hidden layers" in app.message.value
    assert app.config == BINARY
    app.controls["hidden"].value = "8"
    assert app.config.hidden == (8,) and app.message.value == ""


def test_switching_data_sets_keeps_the_controls_consistent(app):
    app.feature_boxes["x2^2"].value = True
    app.controls["dataset"].value = "regression_1d"
    c = app.config
    assert c.dataset == "regression_1d" and c.features == ("x1",) and c.output == "auto"
    assert app.feature_boxes["x2"].disabled and not app.feature_boxes["x1^2"].disabled
    app.controls["dataset"].value = "spirals"
    app.controls["n_classes"].value = 3
    assert app.config.n_classes == 3 and app.playground.model[-1].out_features == 3


def test_load_applies_a_saved_config_or_reports_the_error(app):
    target = THREE_CLASS.replace(seed=42)
    app.step(2)
    app.load(target.to_json())
    assert app.config == target and app.epoch == 0
    assert app.controls["dataset"].value == "spirals" and app.controls["seed"].value == 42
    app.config_text.value = '{"lr_rate": 1}'
    app.load_button.click()
    assert "unknown key" in app.message.value and app.config == target


def test_app_display_bundle_has_the_widget_and_a_static_fallback(app):
    bundle = display_bundle(app)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert '<img alt="Training a 2-6-4-1 tanh network on the circles data: its decision regions' in html
    assert 'epoch 0" src="data:image/png;base64,' in html
    assert f'href="{BINARY.live_url().replace("&", "&amp;")}">Open this run live</a>' in html
    assert "running Python kernel" in html
    assert bundle["text/plain"] == "App(playground: circles, 2-6-4-1 tanh, epoch 0)"
    again = display_bundle(App(BINARY))
    assert again["text/html"] == html and again["text/plain"] == bundle["text/plain"]  # no random ids in the text


def test_app_stops_playing_when_the_run_diverges():
    pytest.importorskip("ipywidgets")
    a = App(dataset="regression_2d", n_points=60, hidden=(8,), activation="identity", lr=10.0, batch_size=None, seed=1)
    a.play.playing = True
    for v in range(1, 12):
        a.play.value = v
    assert a.playground.diverged and not a.play.playing
    assert "diverged" in a.status.value


# -- one entry adds a data set or an activation ---------------------------------------------------


class Swish(nb.activations.Elementwise):
    """z * sigmoid(z), an activation the playground does not know."""

    def function(self, z):
        return z * nb.functional.sigmoid(z)

    def derivative(self, z):
        s = nb.functional.sigmoid(z)
        return s + z * s * (1 - s)


def make_ring(config, rng):
    """Three classes on three rings: the class is the ring."""
    y = rng.integers(0, config.n_classes, config.n_points)
    angle = rng.uniform(0, 2 * np.pi, config.n_points)
    radius = 0.5 + y + config.noise * rng.standard_normal(config.n_points)
    return np.c_[radius * np.cos(angle), radius * np.sin(angle)], y


@pytest.fixture
def ring_and_swish():
    """A data set and an activation added for one test, each as one entry, and removed afterwards."""
    pgm.DATA_SETS["rings"] = pgm.DataSet(make_ring, any_classes=True)
    pgm.ACTIVATION_LAYERS["swish"] = lambda rng: Swish()
    try:
        yield
    finally:
        del pgm.DATA_SETS["rings"], pgm.ACTIVATION_LAYERS["swish"]


def test_a_new_data_set_and_activation_are_one_entry_each(ring_and_swish):
    assert "rings" in pgm.DATASETS and "swish" in pgm.ACTIVATIONS
    c = PlaygroundConfig(dataset="rings", n_classes=3, n_points=90, hidden=(6,), activation="swish", lr=0.1, seed=2)
    assert c.task == "multiclass" and c.output_unit == "softmax" and PlaygroundConfig.from_json(c.to_json()) == c
    with pytest.raises(ValueError, match=r"did you mean 'rings'"):
        c.replace(dataset="ring")
    pg = Playground(c)
    assert isinstance(pg.model[1], Swish)
    pg.step_epoch(5)
    rng = np.random.default_rng(2)  # the run is nb.fit's on the new data with the new units
    X, y = make_ring(c, rng)
    X_tr, X_te, y_tr, y_te = nb.data.train_test_split(X, y, test_fraction=c.test_fraction, rng=rng)
    model = nb.Sequential(nb.Linear(2, 6, rng=rng), Swish(), nb.Linear(6, 3, rng=rng))
    history = nb.fit(model, nb.CrossEntropyLoss(), nb.SGD(model.parameters(), lr=0.1), X_tr, y_tr, epochs=5,
                     batch_size=c.batch_size, rng=rng, validation_data=(X_te, y_te))
    assert pg.history == history
    plot_snapshot(pg.snapshot()).canvas.draw()
    # the rules know it: it takes any number of classes, and a two-class data set still refuses three
    assert "'rings'" in str(pytest.raises(ValueError, PlaygroundConfig, dataset="circles", n_classes=3).value)
    pre = Precomputed(c, epochs=[0, 2], activation=["tanh", "swish"])
    assert pre.snapshot(activation="swish", epoch=2).config.activation == "swish"


def test_the_app_offers_a_new_data_set_and_activation(ring_and_swish):
    pytest.importorskip("ipywidgets")
    app = App(BINARY)
    assert "rings" in [v for _, v in app.controls["dataset"].options]
    assert "swish" in [v for _, v in app.controls["activation"].options]
    assert app.controls["n_classes"].disabled  # circles have two classes
    app.controls["dataset"].value = "rings"
    assert not app.controls["n_classes"].disabled
    app.controls["n_classes"].value = 3
    app.controls["activation"].value = "swish"
    assert app.config.dataset == "rings" and app.config.n_classes == 3 and app.config.output_unit == "softmax"
    assert isinstance(app.playground.model[1], Swish) and app.playground.model[-1].out_features == 3
    app.step_button.click()
    assert app.epoch == 1 and "epoch 1" in app.status.value
    app.controls["dataset"].value = "circles"  # back to two classes: the app repairs n_classes by the rules
    assert app.config.n_classes == 2 and app.controls["n_classes"].value == 2


def test_every_field_of_the_table_has_a_control_and_round_trips(app):
    assert set(app.controls) | set(app.checkboxes) == {f.name for f in pgm.FIELDS}
    assert [f.name for f in pgm.FIELDS] == list(PlaygroundConfig().to_dict())
    assert pgm.TRAINING_FIELDS == tuple(f.name for f in pgm.FIELDS if f.training)
