"""A student's copy holds no answer key, and its visible checks still work without one.

The reference solutions are the instructor's (``grading/key/nnbook_key``); the package ships only the key's
answers on the visible tests' inputs (``src/nnbook/exercises/expected``, written by ``make expected``).
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "nnbook"
KEY = ROOT / "grading" / "key" / "nnbook_key"


def key_functions() -> dict[str, set[str]]:
    """The names each key module defines (its reference solutions and catalogues of mistakes)."""
    out = {}
    for path in sorted(KEY.glob("ch*.py")):
        tree = ast.parse(path.read_text())
        out[path.stem] = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return out


def test_the_checkers_define_no_function_of_the_key():
    # The library itself has what some exercises re-implement (nb.functional.sigmoid, nb.Linear, ...):
    # that is what the exercises' rules forbid at grading. The checkers hold no reference solution.
    key = key_functions()
    assert sum(map(len, key.values())) > 40  # the key is where the answers are
    for path in sorted((PACKAGE / "exercises").rglob("*.py")):
        tree = ast.parse(path.read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        for chapter, names in key.items():
            assert not defined & names, f"{path.relative_to(ROOT)} defines {sorted(defined & names)} of the key {chapter}"


def test_the_key_is_not_importable_from_the_package():
    with pytest.raises(ImportError):
        importlib.import_module("nnbook.exercises.key")
    assert not (PACKAGE / "exercises" / "key").exists()
    assert "nnbook_key" not in {p.name for p in (ROOT / "src").iterdir()}


def test_the_tables_hold_no_answer_to_a_conceptual_question():
    sys.path.insert(0, str(KEY.parent))
    from nnbook_key.answers import ANSWERS

    tables = sorted((PACKAGE / "exercises" / "expected").glob("*.json"))
    assert [t.stem for t in tables] == sorted(f"ch{n:02d}" for n in range(1, 10))
    for table in tables:
        entries = json.loads(table.read_text())
        assert entries, table
        text = table.read_text()
        for grade_id in ANSWERS:
            assert grade_id not in text


@pytest.mark.slow
def test_the_visible_checks_pass_without_the_key(monkeypatch):
    """Every chapter's visible tests, with the reference solutions filled in and no key: all pass, and
    none is left unchecked (a stale table, or an input that differs from the recorded one, would be)."""
    from grading.expected import chapters_with_exercises, run_all

    monkeypatch.delenv("NNBOOK_KEY", raising=False)
    monkeypatch.delenv("NNBOOK_KEY_RECORD", raising=False)
    chapters = chapters_with_exercises(ROOT / "book")
    problems = []
    for path, nb in zip(chapters, run_all(chapters)):
        for i, cell in enumerate(nb.cells):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors or "NOT CHECKED" in text or "FAIL " in text:
                problems.append(f"{path.name} cell {i}: {(errors[0]['ename'] + ': ' + errors[0]['evalue']) if errors else text[-300:]}")
    assert not problems, "\n".join(problems)
