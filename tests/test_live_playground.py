"""The live playground of the HTML book (``book/_static/playground``) against nnbook.

The page's engine (``engine.js``, with ``config.js`` and ``data.js``) is a JavaScript port of nnbook's training
step. Here it runs under node, fed the very data, initial weights and random
draws (each epoch's shuffle, RReLU's slopes, dropout's masks) of an
``nb.playground.Playground`` run, and must give nnbook's losses, accuracies and
gradient norms over 50 epochs, for every activation, output/loss and
regularizer, dropout included (its cases are in
``tests/test_live_playground_dropout.py``). The configuration
the page shows for Jupyter must be accepted by ``PlaygroundConfig.from_dict``.

The browser checks of the page itself are at the end of this file; they need
Chromium and Playwright and skip without them (fail with
``NNBOOK_REQUIRE_HTML_CHECKS=1``).
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nnbook as nb
from page_helpers import HTML, STATIC, node, offline_context, serve, unavailable, url_of

ENGINE = STATIC / "engine.js"
EPOCHS = 50
RTOL = 1e-9

# A node program: reads cases (config, data, weights, draws) on stdin, trains each
# with the page's engine and prints what it measured as JSON.
HARNESS = r"""
const E = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((c) => {
    try {
      let u = 0, p = 0;
      const rng = {  // nnbook's draws, replayed in the order they were made
        random: () => { if (u >= c.uniforms.length) throw new Error("ran out of uniform draws"); return c.uniforms[u++]; },
        permutation: (n) => { const q = c.perms[p++]; if (!q || q.length !== n) throw new Error("unexpected shuffle"); return q; },
      };
      const run = new E.Run(c.config, { data: c.data, weights: c.weights, biases: c.biases, rng });
      run.stepEpoch(c.epochs);
      return { initial: run.initial, history: run.history, grad_norms: run.gradNorms, epoch: run.epoch,
               used: [u, c.uniforms.length, p, c.perms.length] };
    } catch (e) {
      return { error: String(e && e.stack || e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def _replay_draws(pg: nb.playground.Playground, epochs: int) -> tuple[list[list[int]], list[float]]:
    """The shuffles and uniform draws nnbook's run makes in ``epochs`` epochs, from a copy of its generator.

    An epoch draws a permutation (unless it is full batch), then, batch by batch
    and hidden layer by hidden layer, the layer's RReLU slopes and then its
    dropout mask (nb.Dropout keeps a unit where ``rng.random(shape) >= p``),
    one uniform a unit and example each, in that order. The engine turns these
    uniforms into masks itself, so the same draws give the same masks only if
    it draws them as nb.Dropout does.
    """
    c = pg.config
    g = np.random.Generator(np.random.PCG64())
    g.bit_generator.state = pg.rng.bit_generator.state
    n = len(pg.y_train)
    full = c.batch_size is None or c.batch_size >= n
    draws_a_unit = (c.activation == "rrelu") + (c.dropout > 0)  # uniforms a hidden unit and example
    perms: list[list[int]] = []
    uniforms: list[float] = []
    for _ in range(epochs):
        if not full:
            perms.append(g.permutation(n).tolist())
        sizes = [n] if full else [min(c.batch_size, n - s) for s in range(0, n, c.batch_size)]
        for m in sizes:
            for w in c.hidden:
                for _ in range(draws_a_unit):
                    uniforms.extend(g.random((m, w)).ravel().tolist())
    return perms, uniforms


def _case(config: dict[str, Any], epochs: int = EPOCHS) -> tuple[dict[str, Any], nb.playground.Playground]:
    pg = nb.playground.Playground(config)
    snap = pg.snapshot()
    perms, uniforms = _replay_draws(pg, epochs)
    payload = {
        "config": pg.config.to_dict(),
        "data": {"Xtrain": pg.X_train.tolist(), "ytrain": np.asarray(pg.y_train, dtype=float).ravel().tolist(),
                 "Xtest": pg.X_test.tolist(), "ytest": np.asarray(pg.y_test, dtype=float).ravel().tolist()},
        "weights": [w.tolist() for w in snap.weights],
        "biases": [b.tolist() for b in snap.biases],
        "perms": perms,
        "uniforms": uniforms,
        "epochs": epochs,
    }
    return payload, pg


def _compare(js: dict[str, Any], pg: nb.playground.Playground, what: str) -> None:
    assert "error" not in js, f"{what}: {js.get('error')}"
    assert js["epoch"] == pg.epoch, what
    assert js["used"][0] == js["used"][1] and js["used"][2] == js["used"][3], f"{what}: draws used {js['used']}"
    h = pg.history
    for key in ("loss", "val_loss"):
        py = np.array([pg.initial[key], *h[key]])
        got = np.array([js["initial"][key], *js["history"][key]])
        np.testing.assert_allclose(got, py, rtol=RTOL, atol=0, err_msg=f"{what}: {key}")
    if "accuracy" in h:
        for key in ("accuracy", "val_accuracy"):
            assert [js["initial"][key], *js["history"][key]] == [pg.initial[key], *h[key]], f"{what}: {key}"
    np.testing.assert_allclose(np.array(js["grad_norms"]), np.array(pg.grad_norms), rtol=RTOL, atol=1e-300,
                               err_msg=f"{what}: gradient norms")


def _check_all(configs: list[dict[str, Any]]) -> None:
    cases = [_case(c) for c in configs]
    results = node(HARNESS, [p for p, _ in cases], str(ENGINE))
    assert len(results) == len(cases)
    for cfg, (payload, pg), js in zip(configs, cases, results):
        pg.step_epoch(EPOCHS)
        assert pg.epoch == EPOCHS and not pg.diverged, f"{cfg}: the nnbook run diverged; choose a tamer case"
        _compare(js, pg, json.dumps(cfg))


# one data set a loss: BCE with logits (sigmoid), cross-entropy (softmax, 3 classes), squared error
LOSSES = {
    "bce": {"dataset": "circles", "n_points": 120},
    "cross_entropy": {"dataset": "spirals", "n_classes": 3, "n_points": 120, "noise": 0.1},
    "mse": {"dataset": "regression_2d", "n_points": 120},
}
REGULARIZERS = {
    "none": {},
    "l2": {"l2": 0.01},
    "l1": {"l1": 0.003},
    "l1_l2": {"l1": 0.003, "l2": 0.01},
    "momentum": {"momentum": 0.9},
    "all_full_batch": {"l1": 0.001, "l2": 0.003, "momentum": 0.5, "batch_size": None, "lr": 0.1},
}


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_every_activation_matches_nnbook(loss: str) -> None:
    """50 epochs of mini-batch SGD with momentum, L1 and L2: the same losses as nnbook, for each activation."""
    base = {**LOSSES[loss], "hidden": [5, 4], "lr": 0.03, "batch_size": 16, "momentum": 0.5, "l2": 0.003, "l1": 0.001}
    _check_all([{**base, "activation": a, "seed": i} for i, a in enumerate(nb.playground.ACTIVATIONS)])


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_every_regularizer_matches_nnbook(loss: str) -> None:
    base = {**LOSSES[loss], "hidden": [6, 3], "activation": "tanh", "lr": 0.05, "batch_size": 10}
    _check_all([{**base, **r, "seed": 3} for r in REGULARIZERS.values()])


def test_other_outputs_features_and_data_match_nnbook() -> None:
    """Softmax on two classes, all seven features, no hidden layer, a 1-D regression, the other data sets."""
    _check_all([
        {"dataset": "xor", "output": "softmax", "features": list(nb.playground.FEATURES), "hidden": [4], "activation": "relu"},
        {"dataset": "moons", "hidden": [], "lr": 0.1},
        {"dataset": "blobs", "n_classes": 4, "hidden": [3, 3, 3], "activation": "elu", "batch_size": 7},
        {"dataset": "regression_1d", "features": ["x1", "x1^2", "sin(x1)"], "hidden": [8], "activation": "softplus",
         "lr": 0.1, "init": "he_normal", "init_scale": 0.7, "bias_init": 0.1},
    ])


def test_agreement_notices_a_wrong_engine(tmp_path: Path) -> None:
    """The comparison is strict enough to catch a slip: weight decay applied to the biases too."""
    shutil.copytree(STATIC, tmp_path, dirs_exist_ok=True)
    src = ENGINE.read_text()
    wrong = src.replace("if (decay) {", "if (true) {")
    assert wrong != src
    (tmp_path / "engine.js").write_text(wrong)
    payload, pg = _case({"dataset": "circles", "n_points": 60, "l2": 0.01, "bias_init": 0.5})
    js = node(HARNESS, [payload], str(tmp_path / "engine.js"))[0]
    pg.step_epoch(EPOCHS)
    with pytest.raises(AssertionError):
        _compare(js, pg, "weight decay on biases")


# -----------------------------------------------------------------------------
# The page's own randomness and configuration
# -----------------------------------------------------------------------------

PAGE = r"""
const E = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const q = JSON.parse(input);
  const out = {};
  const rng = E.makeRng(q.seed);
  out.perms = [0, 1, 2].map(() => Array.from(rng.permutation(q.n)));
  const runs = q.configs.map((c) => { const r = new E.Run(c); r.stepEpoch(5); return r; });
  out.losses = runs.map((r) => r.history.loss);
  out.initial = runs.map((r) => r.initial);
  out.sizes = runs.map((r) => [r.nTrain, r.nTest]);
  out.again = q.configs.map((c) => { const r = new E.Run(c); r.stepEpoch(5); return r.history.loss; });
  out.dicts = q.configs.map((c) => E.pythonDict(c));
  out.hashes = q.configs.map((c) => E.toHash(c));
  out.roundtrip = out.hashes.map((h) => E.fromHash("#" + h));
  out.normalized = q.configs.map((c) => E.normalizeConfig(c));
  const mid = new E.Run({});  // dropout switched on mid-run: the same network trains on
  mid.stepEpoch(3);
  const before = mid.net.W.map((w) => Array.from(w));
  mid.setTraining({ dropout: 0.5 });
  out.midrun = { epoch: mid.epoch, dropout: mid.config.dropout, kept: JSON.stringify(before) === JSON.stringify(mid.net.W.map((w) => Array.from(w))) };
  mid.stepEpoch(2);
  out.midrun.after = mid.epoch;
  out.refused = q.bad.map((c) => { try { E.normalizeConfig(c); return null; } catch (e) { return String(e.message); } });
  process.stdout.write(JSON.stringify(out));
});
"""

PAGE_CONFIGS = [
    {},
    {"dataset": "xor", "hidden": [], "batch_size": None, "features": ["x1", "x2", "x1*x2"], "seed": 7},
    {"dataset": "spirals", "n_classes": 4, "activation": "rrelu", "init": "he_uniform", "momentum": 0.9, "l1": 0.001},
    {"dataset": "blobs", "n_classes": 3, "output": "softmax", "noise": 0.3, "test_fraction": 0.25, "n_points": 50},
    {"dataset": "moons", "activation": "prelu", "lr": 1, "init": "constant", "init_scale": 0.2, "bias_init": -0.5},
    {"dataset": "regression_1d", "features": ["x1", "sin(x1)"], "output": "linear", "l2": 0.3, "n_points": 30},
    {"dataset": "regression_2d", "hidden": [3, 3, 3, 3, 3, 3], "activation": "abs", "init": "zeros", "seed": 12},
    {"dataset": "circles", "output": "sigmoid", "test_fraction": 0.3, "n_points": 25, "batch_size": 1, "lr": 3},
    {"dropout": 0.3},
    {"dataset": "xor", "hidden": [5], "activation": "rrelu", "batch_size": None, "dropout": 0.5, "seed": 2},
]
DROPOUT_PAGE = PAGE_CONFIGS.index({"dropout": 0.3})
BAD_CONFIGS = [
    {"dataset": "circles", "n_classes": 3},
    {"dataset": "regression_1d", "features": ["x2"]},
    {"output": "sigmoid", "dataset": "spirals", "n_classes": 3},
    {"dataset": "xor", "output": "linear"},
    {"momentum": 1.0},
    {"lr": 0},
    {"hidden": [0]},
    {"learning_rate": 0.1},
    {"dropout": 1.0},
    {"dropout": -0.1},
]


@pytest.fixture(scope="module")
def page_run() -> Any:
    return node(PAGE, {"seed": 5, "n": 40, "configs": PAGE_CONFIGS, "bad": BAD_CONFIGS}, str(ENGINE))


def test_page_shuffles_are_permutations_that_change(page_run: Any) -> None:
    perms = page_run["perms"]
    for p in perms:
        assert sorted(p) == list(range(40))
    assert perms[0] != perms[1] != perms[2] and perms[0] != list(range(40))


def test_page_runs_are_reproducible_from_their_seed(page_run: Any) -> None:
    assert page_run["losses"] == page_run["again"]
    assert all(len(loss) == 5 and all(np.isfinite(loss)) for loss in page_run["losses"][:4])
    # a different seed draws other data: the first two configs differ in seed (and more) and so in loss
    assert page_run["losses"][0] != page_run["losses"][1]


def test_page_dropout_changes_the_training_loss_not_the_evaluation(page_run: Any) -> None:
    """The page's default with and without dropout: the same untrained network measured in evaluation mode
    (dropout draws nothing when built and nothing when evaluating), other training losses once it trains."""
    assert page_run["initial"][DROPOUT_PAGE] == page_run["initial"][0]
    assert page_run["losses"][DROPOUT_PAGE] != page_run["losses"][0]
    assert page_run["losses"][DROPOUT_PAGE] == page_run["again"][DROPOUT_PAGE]  # its masks come from the seed
    assert page_run["midrun"] == {"epoch": 3, "dropout": 0.5, "kept": True, "after": 5}


def test_page_splits_like_nnbook(page_run: Any) -> None:
    for cfg, (n_train, n_test) in zip(PAGE_CONFIGS, page_run["sizes"]):
        pg = nb.playground.Playground(cfg)
        assert (n_train, n_test) == (len(pg.y_train), len(pg.y_test)), cfg


def test_configuration_dict_is_read_by_from_dict(page_run: Any) -> None:
    """The text the page shows for Jupyter is a dict literal PlaygroundConfig.from_dict accepts as the same run."""
    for cfg, text, normalized in zip(PAGE_CONFIGS, page_run["dicts"], page_run["normalized"]):
        d = ast.literal_eval(text)
        config = nb.playground.PlaygroundConfig.from_dict(d)
        assert config.to_dict() == d, text
        assert config == nb.playground.PlaygroundConfig.from_dict(normalized)
        for k, v in cfg.items():
            assert d[k] == v, (k, text)
    # the page's default: nnbook's default run with 8 and 8 hidden units
    assert nb.playground.PlaygroundConfig.from_dict(ast.literal_eval(page_run["dicts"][0])) == \
        nb.playground.PlaygroundConfig(hidden=(8, 8))


def test_address_holds_the_whole_configuration(page_run: Any) -> None:
    assert page_run["hashes"][0] == ""
    for h, back, normalized in zip(page_run["hashes"], page_run["roundtrip"], page_run["normalized"]):
        assert back == normalized, h


def test_page_refuses_what_nnbook_refuses(page_run: Any) -> None:
    for cfg, message in zip(BAD_CONFIGS, page_run["refused"]):
        with pytest.raises(ValueError):
            nb.playground.PlaygroundConfig.from_dict(cfg)
        assert message, f"the page accepted {cfg}"


# -----------------------------------------------------------------------------
# The page in headless Chromium, offline
# -----------------------------------------------------------------------------

BUILT_PAGE = HTML / "book" / "playground_live.html"
PAGE_PATH = "book/playground_live.html"


def _standalone(folder: Path) -> Path:
    """The page alone, laid out as in the built book (book/<page>.html, _static/playground)."""
    shutil.copytree(STATIC, folder / "_static" / "playground")
    (folder / "book").mkdir()
    (folder / PAGE_PATH).write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The playground, live</title>'
        '<link rel="icon" href="data:,"></head><body><main><h1>The playground, live</h1>'
        + (STATIC / "embed.html").read_text(encoding="utf-8") + "</main></body></html>", encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["standalone", "book"])
def site(request: Any, tmp_path_factory: Any) -> Any:
    """A local HTTP server with the page: alone (always) and in the built book (when built)."""
    if request.param == "book":
        if not BUILT_PAGE.is_file():
            unavailable(f"the HTML book is not built with the live page ({BUILT_PAGE} is missing; run `make book`)")
        folder = HTML
    else:
        folder = _standalone(tmp_path_factory.mktemp("live"))
    with serve(folder) as server:
        yield url_of(server)


class Page:
    """The live page opened with the network off: every request off the local server is refused and recorded."""

    def __init__(self, browser: Any, base: str, hash_: str = "") -> None:
        self.errors: list[str] = []
        self.context, self.outside = offline_context(browser, base, viewport={"width": 1280, "height": 1000})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.goto(base + PAGE_PATH + hash_)
        self.page.wait_for_function("window.nnbookLivePlayground !== undefined")

    def epoch(self) -> int:
        return int(self.page.locator(".nnpg-epoch").inner_text())

    def picture(self) -> str:
        return self.page.evaluate("document.querySelector('#nnbook-live-playground canvas[aria-label^=\"decision\"]').toDataURL()")

    def state(self) -> dict[str, Any]:
        return self.page.evaluate("window.nnbookLivePlayground.state()")

    def close(self) -> None:
        assert self.errors == [], self.errors
        assert self.outside == [], f"requests left the page: {self.outside}"
        self.context.close()


def _play_by_keyboard(p: Page, epochs: int) -> None:
    play = p.page.get_by_role("button", name="Play")
    play.focus()
    p.page.keyboard.press("Enter")
    p.page.wait_for_function(f"Number(document.querySelector('.nnpg-epoch').textContent) >= {epochs}")
    p.page.get_by_role("button", name="Pause").focus()
    p.page.keyboard.press("Space")
    assert p.page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false"


def test_page_trains_from_its_default_offline(browser: Any, site: str) -> None:
    p = Page(browser, site)
    assert p.epoch() == 0
    before = p.picture()
    loss0 = p.state()["loss"]["train"][0]
    _play_by_keyboard(p, 20)
    stopped = p.epoch()
    assert stopped >= 20
    p.page.wait_for_timeout(300)
    assert p.epoch() == stopped, "the page kept training after Pause"
    assert p.picture() != before, "the decision regions did not change while training"
    assert p.state()["loss"]["train"][-1] < loss0
    p.page.get_by_role("button", name="Step").click()
    p.page.wait_for_function(f"document.querySelector('.nnpg-epoch').textContent === '{stopped + 1}'")
    p.page.get_by_role("button", name="Reset").click()
    p.page.wait_for_function("document.querySelector('.nnpg-epoch').textContent === '0'")
    assert p.picture() == before, "Reset did not return to the run's start"
    # the default: nnbook's default run with 8 and 8 hidden units
    assert ast.literal_eval(p.state()["dict"]) == nb.playground.PlaygroundConfig(hidden=(8, 8)).to_dict()
    p.close()


def test_page_trains_from_the_state_in_its_address(browser: Any, site: str) -> None:
    wanted = {"dataset": "spirals", "n_classes": 3, "hidden": [6, 6], "activation": "relu", "lr": 0.1,
              "batch_size": 5, "momentum": 0.5, "l1": 0.001, "dropout": 0.2, "seed": 4}
    h = ("#dataset=spirals&n_classes=3&hidden=6,6&activation=relu&lr=0.1&batch_size=5&momentum=0.5&l1=0.001"
         "&dropout=0.2&seed=4")
    p = Page(browser, site, h)
    assert p.page.get_by_label("data set").input_value() == '"spirals"'
    assert p.page.get_by_label("units in layer 2").input_value() == "6"
    assert p.page.get_by_label("dropout").input_value() == "0.2"
    config = nb.playground.PlaygroundConfig.from_dict(ast.literal_eval(p.state()["dict"]))
    assert config == nb.playground.PlaygroundConfig(hidden=(8, 8)).replace(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in wanted.items()})
    before = p.picture()
    _play_by_keyboard(p, 5)
    assert p.picture() != before
    # dropout is a training setting: changing it goes on training the same network
    trained = p.epoch()
    p.page.get_by_label("dropout").select_option(label="0.5")
    assert p.state()["config"]["dropout"] == 0.5 and p.epoch() == trained
    assert "dropout=0.5" in p.page.evaluate("location.hash")
    p.page.get_by_role("button", name="Step").click()
    p.page.wait_for_function(f"document.querySelector('.nnpg-epoch').textContent === '{trained + 1}'")
    # a reload keeps the address, and so the run
    p.page.reload()
    p.page.wait_for_function("window.nnbookLivePlayground !== undefined")
    assert p.state()["config"]["dataset"] == "spirals" and p.epoch() == 0
    # an address edited by hand starts its run, and values beyond the sliders' usual ends survive a change
    p.page.evaluate("location.hash = '#dataset=moons&hidden=3&n_points=37&noise=1.5'")
    p.page.wait_for_function("window.nnbookLivePlayground.state().config.dataset === 'moons'")
    assert p.state()["config"]["hidden"] == [3]
    p.page.get_by_label("learning rate").select_option(label="0.3")
    assert {k: p.state()["config"][k] for k in ("n_points", "noise", "lr")} == {"n_points": 37, "noise": 1.5, "lr": 0.3}
    # an invalid address says so and falls back to the default
    p.page.evaluate("location.hash = '#dataset=nowhere'")
    p.page.wait_for_function("document.querySelector('.nnpg-message').textContent.includes('no valid configuration')")
    assert p.state()["config"]["dataset"] == "circles"
    p.close()


def test_controls_are_labelled_and_keyboard_operable(browser: Any, site: str) -> None:
    p = Page(browser, site)
    unlabelled = p.page.evaluate("""() => [...document.querySelectorAll('#nnbook-live-playground input, #nnbook-live-playground select, #nnbook-live-playground button')]
        .filter((e) => !(e.labels && e.labels.length && e.labels[0].textContent.trim()) && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map((e) => e.outerHTML)""")
    assert unlabelled == []
    unlabelled_views = p.page.evaluate("""() => [...document.querySelectorAll('#nnbook-live-playground canvas')]
        .filter((c) => c.getAttribute('role') !== 'img' || !c.getAttribute('aria-label')).length""")
    assert unlabelled_views == 0
    # the keyboard reaches the controls, and changing one with it starts a new run and updates the address
    lr = p.page.get_by_label("learning rate")
    lr.focus()
    p.page.keyboard.press("ArrowDown")
    assert p.state()["config"]["lr"] == 0.1
    assert "lr=0.1" in p.page.evaluate("location.hash")
    p.page.get_by_label("data set").focus()
    p.page.keyboard.press("ArrowDown")  # circles -> blobs
    assert p.state()["config"]["dataset"] == "blobs"
    # Tab from Play reaches every enabled control of the playground, one after the other
    controls = p.page.evaluate("""() => [...document.querySelectorAll('#nnbook-live-playground input, #nnbook-live-playground select, #nnbook-live-playground button')]
        .filter((e) => !e.disabled && e.offsetParent !== null).map((e) => e.id || e.textContent.trim())""")
    p.page.get_by_role("button", name="Play").focus()
    tabbed = [p.page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")]
    for _ in range(len(controls) - 1):
        p.page.keyboard.press("Tab")
        tabbed.append(p.page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert sorted(tabbed) == sorted(controls)
    assert {"Play", "Step", "Reset", "Open in Jupyter"} <= set(tabbed)
    # the configuration for Jupyter opens from the keyboard and reads back in nnbook
    p.page.get_by_role("button", name="Open in Jupyter").focus()
    p.page.keyboard.press("Enter")
    assert p.page.get_by_role("button", name="Open in Jupyter").get_attribute("aria-expanded") == "true"
    text = p.page.locator("#nnpg-config-dict").inner_text()
    config = nb.playground.PlaygroundConfig.from_dict(ast.literal_eval(text))
    assert config.dataset == "blobs" and config.lr == 0.1
    p.close()


def test_page_has_no_serious_accessibility_violation(browser: Any, site: str) -> None:
    """axe-core finds no serious or critical violation, before and after training, with the Jupyter box open."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -r requirements.txt)")
    p = Page(browser, site)
    axe = Axe()
    found = []
    for when in ("loaded", "trained, Jupyter box open"):
        if when != "loaded":
            p.page.get_by_role("button", name="Step").click()
            p.page.get_by_role("button", name="Open in Jupyter").click()
        # preload off: axe's stylesheet preloading misresolves the theme's @import and requests a missing file
        violations = axe.run(p.page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]
        found += [f"{when}: {v['impact']} {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
                  for v in violations if v["impact"] in ("serious", "critical")]
    assert found == [], "\n".join(found)
    p.close()
