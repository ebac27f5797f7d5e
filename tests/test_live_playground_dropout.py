"""The live playground's dropout against nnbook's (tests/test_live_playground.py has the harness).

The engine draws its masks from the run's generator the way ``nb.Dropout``
does (a unit is kept where a uniform draw is ``>= p``, row by row, after the
layer's RReLU slopes); fed nnbook's uniform draws, it must draw nnbook's masks
and give nnbook's losses, accuracies and gradient norms to 1e-9 over 50 epochs,
and a slip in its scale, its mask or its backward pass must show.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from page_helpers import STATIC, node
from test_live_playground import ENGINE, EPOCHS, HARNESS, LOSSES, _case, _check_all, _compare

# dropout: every loss; activations whose derivative reads the output (tanh, sigmoid), the input (relu, elu),
# a learned slope (prelu) and random slopes drawn between the masks (rrelu); with L2, L1 and momentum
DROPOUT_CASES = {
    "bce_tanh_l2": {**LOSSES["bce"], "activation": "tanh", "l2": 0.01, "dropout": 0.3},
    "bce_relu_l1_l2_momentum": {**LOSSES["bce"], "activation": "relu", "l1": 0.001, "l2": 0.003, "momentum": 0.5,
                                "dropout": 0.2},
    "cross_entropy_sigmoid_l2": {**LOSSES["cross_entropy"], "activation": "sigmoid", "l2": 0.003, "dropout": 0.1,
                                 "lr": 0.3},
    "cross_entropy_prelu": {**LOSSES["cross_entropy"], "activation": "prelu", "l2": 0.001, "dropout": 0.5},
    "mse_rrelu_l2": {**LOSSES["mse"], "activation": "rrelu", "l2": 0.01, "dropout": 0.3},
    "mse_elu_full_batch": {**LOSSES["mse"], "activation": "elu", "l2": 0.003, "batch_size": None, "lr": 0.1,
                           "dropout": 0.2},
}


def _dropout_case(cfg: dict[str, Any]) -> dict[str, Any]:
    return {"hidden": [6, 5], "lr": 0.05, "batch_size": 10, "seed": 2, **cfg}


def test_dropout_matches_nnbook() -> None:
    """With dropout on, fed nnbook's draws, the engine draws nb.Dropout's masks and gives its losses to 1e-9."""
    _check_all([_dropout_case(c) for c in DROPOUT_CASES.values()])


def test_dropout_zero_makes_no_draws_and_matches_nnbook() -> None:
    payload, _ = _case({**LOSSES["bce"], "hidden": [4], "dropout": 0.0, "batch_size": None})
    assert payload["uniforms"] == [] and payload["perms"] == []
    _check_all([{**LOSSES["bce"], "hidden": [4], "dropout": 0.0, "batch_size": None}])


def _broken_engine(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copytree(STATIC, tmp_path, dirs_exist_ok=True)
    src = ENGINE.read_text()
    wrong = src.replace(old, new)
    assert wrong != src, old
    (tmp_path / "engine.js").write_text(wrong)
    return tmp_path / "engine.js"


@pytest.mark.parametrize("old, new", [
    ("scale = 1 / (1 - p)", "scale = 1"),                       # dropout, not inverted dropout
    ("scale = 1 / (1 - p)", "scale = 1 / p"),                   # the keep probability mixed up with p
    ("rng.random() >= p", "rng.random() < p"),                  # keep where nnbook drops
    ("for (let i = 0; i < n * din; i++) GX[i] *= M[i];", ""),   # backward ignores the mask
    ("GX[i] *= M[i]", "GX[i] *= M[i] ? 1 : 0"),                 # backward without the scale
], ids=["no-scale", "scale-1/p", "mask-flipped", "backward-no-mask", "backward-no-scale"])
def test_agreement_notices_a_wrong_dropout(tmp_path: Path, old: str, new: str) -> None:
    engine = _broken_engine(tmp_path, old, new)
    cfg = _dropout_case(DROPOUT_CASES["bce_tanh_l2"])
    payload, pg = _case(cfg)
    js = node(HARNESS, [payload], str(engine))[0]
    pg.step_epoch(EPOCHS)
    with pytest.raises(AssertionError):
        _compare(js, pg, f"dropout with {new!r}")
