"""Shared fixtures and the hypothesis profiles of the test suite.

Profiles (choose with ``pytest --hypothesis-profile=<name>``):

* ``nnbook`` (default): derandomized, so every run checks the same examples
  and a red test is reproducible; no example database is written.
* ``explore``: fresh random examples every run and many more of them, for
  hunting bugs locally.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")  # figures are drawn off screen, whatever the machine

# The instructor's answer key (grading/key/nnbook_key): the checkers' tests compare with it, as the
# book's own runs do (the Makefile exports the same NNBOOK_KEY). Tests of a student's copy unset it.
KEY_DIR = Path(__file__).resolve().parent.parent / "grading" / "key"
os.environ.setdefault("NNBOOK_KEY", str(KEY_DIR))
if str(KEY_DIR) not in sys.path:
    sys.path.insert(0, str(KEY_DIR))

settings.register_profile(
    "nnbook",
    max_examples=40,
    deadline=None,  # the machine is shared: no timing in tests
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=500,
    deadline=None,
    derandomize=False,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("nnbook")

TORCH_MISSING = (
    "PyTorch is not installed, so the comparison with PyTorch is skipped "
    "(install it with: .venv/bin/pip install torch==2.13.0)"
)


# Tests that use one of these fixtures run nbgrader or a browser: marked slow, so that
# `make check` (pytest -m "not slow") leaves them to `make test`.
SLOW_FIXTURES = {"graded", "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (tests/page_helpers.py), one for the whole run; a skip without it."""
    from page_helpers import launch_chromium

    with launch_chromium() as b:
        yield b


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh seeded generator for each test."""
    return np.random.default_rng(20260214)


@pytest.fixture(scope="session")
def torch():
    """PyTorch in float64, or a skip naming the reason when it is not installed."""
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    torch.set_num_threads(1)
    return torch


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
