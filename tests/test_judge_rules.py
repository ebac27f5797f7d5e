"""The exercises' rules as the judge reads them from a submission's source (grading/judge_rules.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grading import judge_rules as jr  # noqa: E402

BOOK_IMPORTS = "import numpy as np\nimport nnbook as nb"


def violation(code: str, forbid: list[str], earlier: list[str] = ()) -> str | None:
    return jr.violation([code], list(earlier), [BOOK_IMPORTS, *earlier, code], forbid)


@pytest.mark.parametrize("code", [
    "class MyLinear(nb.Linear):\n    pass",
    "class MyLinear(nb.layers.Linear):\n    pass",
    "from nnbook import Linear as L\nclass MyLinear(L):\n    pass",
    "from nnbook.layers import Linear\nm = Linear(2, 3)",
    "m = getattr(nb, 'Linear')(2, 3)",
    "def forward(self, x):\n    return nb.Linear.forward(self, x)",
    "L = nb.Linear",
])
def test_the_forbidden_class_however_it_is_named(code):
    assert violation(code, ["nnbook.Linear"]), code


@pytest.mark.parametrize("code", [
    "exec('class MyLinear(nb.Linear): pass')",
    "import importlib\nL = importlib.import_module('nnbook').Linear",
    "L = __import__('nnbook').Linear",
    "import sys\nL = sys.modules['nnbook'].Linear",
    "name = 'Lin' + 'ear'\nL = getattr(nb, name)",
])
def test_indirect_access_where_a_rule_applies(code):
    assert violation(code, ["nnbook.Linear"]), code


def test_a_name_defined_in_an_earlier_cell_counts():
    assert violation("class MyLinear(_Base):\n    pass", ["nnbook.Linear"], earlier=["_Base = nb.Linear"])
    assert violation("def sigmoid(z):\n    return _s(z)", ["nnbook.functional.sigmoid"],
                     earlier=["def _s(z):\n    return nb.functional.sigmoid(z)"])


def test_numpy_only_forbids_every_name_of_the_package():
    assert violation("def f(X):\n    return nb.functional.relu(X)", ["nnbook"])
    assert violation("import nnbook.functional as F\ndef f(X):\n    return F.relu(X)", ["nnbook"])
    assert violation("def f(X):\n    return np.maximum(X, 0)", ["nnbook"]) is None


@pytest.mark.parametrize("code,forbid", [
    ("class MyLinear(nb.Module):\n    def __init__(self, a, b):\n        self.weight = nb.Parameter(np.zeros((a, b)))",
     ["nnbook.Linear"]),
    ("def sigmoid(z):\n    e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
     ["nnbook.functional.sigmoid", "scipy"]),
    ("def profile(model, X):\n    return [isinstance(m, nb.Linear) for m in model]", ["nnbook.diagnostics"]),
    ("def sigmoid(z):\n    return np.tanh(z)\nsigmoid = sigmoid", ["nnbook.functional.sigmoid"]),
])
def test_what_the_rule_allows_is_allowed(code, forbid):
    assert violation(code, forbid) is None


def test_a_module_rule_covers_what_the_module_defines():
    assert violation("W = nb.init.xavier_uniform((3, 4), rng=rng)", ["nnbook.init"])
    assert violation("from nnbook.init import xavier_uniform", ["nnbook.init"])


def test_naming_the_key():
    assert jr.names_the_key(["import nnbook_key.ch06"])
    assert jr.names_the_key(["import os\nos.environ['NNBOOK_KEY']"])
    assert jr.names_the_key(["def f(x):\n    return x"]) is None
