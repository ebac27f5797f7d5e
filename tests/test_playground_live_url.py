"""``PlaygroundConfig.live_hash`` and ``live_url`` against the live page's own parser (config.js, under node).

The hash must be read by the page's ``fromHash`` as the very run
(``to_dict()``), be the hash the page writes itself (``toHash``), and the
page's defaults and choices must be those ``live_hash`` assumes.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest

import nnbook as nb
from nnbook.playground import PlaygroundConfig
from nnbook.playground.config import LIVE_CHOICES, LIVE_DEFAULTS
from page_helpers import STATIC, node

PARSE = r"""
const E = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const q = JSON.parse(input);
  const read = q.hashes.map((h) => { const c = E.fromHash("#" + h); return { config: c, dict: E.pythonDict(c), hash: E.toHash(c) }; });
  process.stdout.write(JSON.stringify({ read, defaults: E.DEFAULTS, choices: { dataset: E.DATASETS, activation: E.ACTIVATIONS,
    init: E.INITS, output: E.OUTPUTS, features: E.FEATURES } }));
});
"""

# every field away from the page's default at least once, and the values whose text is delicate
CONFIGS = [
    PlaygroundConfig(),
    PlaygroundConfig(hidden=(8, 8)),
    PlaygroundConfig(dataset="spirals", n_classes=4, n_points=120, noise=0.35, test_fraction=0.25, hidden=(16, 16),
                     activation="relu", init="he_normal", init_scale=0.5, bias_init=-0.1, output="softmax", lr=0.1,
                     batch_size=None, momentum=0.9, l2=0.003, l1=0.0001, dropout=0.2, seed=11),
    PlaygroundConfig(dataset="xor", features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"), hidden=(),
                     lr=1e-5, init="constant", init_scale=1e-7, seed=2**31 - 1),
    PlaygroundConfig(dataset="regression_1d", features=("x1", "sin(x1)"), output="linear", hidden=(3, 3, 3),
                     activation="abs", noise=1e21, bias_init=2.5e-7, batch_size=1, l2=1.0),
    PlaygroundConfig(dataset="moons", activation="rrelu", test_fraction=0.1 + 0.2, lr=3.0, output="sigmoid"),
]


def _random_configs(n: int) -> list[PlaygroundConfig]:
    """Configs with floats of every size (their text in the address is JavaScript's, not Python's)."""
    g = np.random.default_rng(16)
    out = []
    for _ in range(n):
        out.append(PlaygroundConfig(
            dataset=str(g.choice(["circles", "blobs", "spirals"])), n_classes=2,
            noise=float(10.0 ** g.uniform(-9, 3)), lr=float(10.0 ** g.uniform(-8, 2)),
            bias_init=float(g.normal() * 10.0 ** g.integers(-10, 25)), momentum=float(g.uniform(0, 1)),
            hidden=tuple(int(h) for h in g.integers(1, 9, g.integers(0, 4))), seed=int(g.integers(0, 1000)),
            activation=str(g.choice(LIVE_CHOICES["activation"])), init=str(g.choice(LIVE_CHOICES["init"]))))
    return out


@pytest.fixture(scope="module")
def page() -> dict:
    configs = CONFIGS + _random_configs(40)
    answer = node(PARSE, {"hashes": [c.live_hash() for c in configs]}, str(STATIC / "config.js"))
    return {"configs": configs, **answer}


def _as_python(config: PlaygroundConfig, js: dict) -> dict:
    """The page's config as nnbook's dict: JSON writes a float such as 1e18 as an integer."""
    return {k: float(v) if isinstance(getattr(config, k), float) else v for k, v in js.items()}


def test_the_page_reads_every_field_of_the_run(page: dict) -> None:
    for config, read in zip(page["configs"], page["read"]):
        assert _as_python(config, read["config"]) == config.to_dict(), config.live_hash()
        assert ast.literal_eval(read["dict"]) == config.to_dict(), "the dict for Jupyter is the run's"


def test_the_hash_is_the_one_the_page_writes(page: dict) -> None:
    for config, read in zip(page["configs"], page["read"]):
        assert read["hash"] == config.live_hash()


def test_the_page_s_defaults_and_choices_are_those_assumed() -> None:
    answer = node(PARSE, {"hashes": []}, str(STATIC / "config.js"))
    assert answer["defaults"] == PlaygroundConfig(**LIVE_DEFAULTS).to_dict()
    assert {k: tuple(v) for k, v in answer["choices"].items()} == {k: tuple(v) for k, v in LIVE_CHOICES.items()}


def test_hash_lists_only_what_differs_from_the_page_s_default() -> None:
    assert PlaygroundConfig(hidden=(8, 8)).live_hash() == ""
    assert PlaygroundConfig().live_hash() == "hidden=4,2"
    c = PlaygroundConfig(hidden=(), batch_size=None, lr=1e-5, features=("x1", "x1*x2", "sin(x1)"), l2=3e21)
    assert c.live_hash() == "features=x1,x1*x2,sin(x1)&hidden=&lr=0.00001&batch_size=full&l2=3e%2B21"


def test_live_url_is_relative_to_the_page() -> None:
    c = PlaygroundConfig(dataset="xor", hidden=(2,))
    assert c.live_url() == "playground_live.html#dataset=xor&hidden=2"
    assert c.live_url(base="https://example.org/book/playground_live.html").endswith("live.html#dataset=xor&hidden=2")
    assert PlaygroundConfig(hidden=(8, 8)).live_url() == "playground_live.html"
    with pytest.raises(ValueError, match="without a '#'"):
        c.live_url(base="playground_live.html#x")


def test_a_choice_the_page_lacks_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(nb.playground.catalog.ACTIVATION_LAYERS, "swish", lambda rng: nb.Tanh())
    c = PlaygroundConfig(activation="swish")
    with pytest.raises(ValueError, match=r"live page has no activation 'swish'; it knows \['identity'"):
        c.live_hash()
