"""The package's top level: what `import nnbook as nb` gives and what it loads."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import nnbook as nb

SUBMODULES = sorted(m.name for m in pkgutil.iter_modules(nb.__path__))


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter (nothing imported yet); it prints one JSON value."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_nnbook_is_light_and_loads_a_submodule_on_first_use():
    seen = _fresh(
        "import json, sys, nnbook as nb\n"
        "before = {m: m in sys.modules for m in ('matplotlib', 'ipywidgets', 'nnbook.playground', 'nnbook.regularization')}\n"
        "w, b = nb.regularization.ridge([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0], 0.0)\n"
        "print(json.dumps({'before': before, 'w': float(w[0]), 'b': b, 'loaded': 'nnbook.regularization' in sys.modules}))"
    )
    assert seen["before"] == {"matplotlib": False, "ipywidgets": False, "nnbook.playground": False, "nnbook.regularization": False}
    assert seen["loaded"] and seen["w"] == pytest.approx(2.0) and seen["b"] == pytest.approx(1.0)


def test_every_submodule_is_an_attribute_of_the_package():
    got = _fresh(
        "import json, nnbook as nb\n"
        f"print(json.dumps({{n: getattr(nb, n).__name__ for n in {SUBMODULES!r}}}))"
    )
    assert got == {n: f"nnbook.{n}" for n in SUBMODULES}
    assert set(SUBMODULES) <= set(dir(nb))


def test_an_unknown_attribute_is_an_attribute_error_that_names_it():
    with pytest.raises(AttributeError, match="no attribute 'regularisation'"):
        nb.regularisation  # noqa: B018
    assert not hasattr(nb, "__wrapped__")
