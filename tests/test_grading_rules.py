"""The exercises' rules (grading/rules.py) match the exercises' text.

Every rule quotes a sentence of its exercise, and every exercise whose text
states such a rule ("NumPy only", "do not use `nb.X`", "without `nb.X`") has
one; every forbidden name exists in the package. That a submission breaking a
rule scores 0 is tested in tests/test_grading.py (the nbgrader pipeline).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading import course as gc  # noqa: E402
from grading import nnbook_rules  # noqa: E402
from grading import rules as gr  # noqa: E402

FIXTURE = ROOT / "tests" / "grading" / "fixture" / "fixture.ipynb"
CHAPTERS = {p.stem: gc.read_chapter(p) for p in [*gc.chapter_paths(), FIXTURE]}
FIXTURE_RULES = {"fixture-ex1": gr.Rule(("nnbook.functional.sigmoid",), "Do not call `nb.functional.sigmoid`")}
RULES = {**gr.RULES, **FIXTURE_RULES}
EXERCISES = [(name, ex.grade_id) for name, ch in CHAPTERS.items() for ex in ch.exercises]
WHERE = {gid: name for name, gid in EXERCISES}


@pytest.mark.parametrize("grade_id", list(RULES))
def test_every_rule_quotes_its_exercise(grade_id):
    assert grade_id in WHERE, f"grading/rules.py: no exercise {grade_id!r} in the book"
    text = gr.exercise_text(CHAPTERS[WHERE[grade_id]], grade_id)
    assert gr.normalized(RULES[grade_id].sentence) in gr.normalized(text), (
        f"{grade_id}: the rule's sentence {RULES[grade_id].sentence!r} is not in the exercise's text:\n{text}")


@pytest.mark.parametrize("chapter,grade_id", EXERCISES, ids=[f"{a}:{b}" for a, b in EXERCISES])
def test_every_exercise_that_states_a_rule_has_one(chapter, grade_id):
    text = gr.exercise_text(CHAPTERS[chapter], grade_id)
    stated = gr.stated_rules(text)
    if stated:
        assert grade_id in RULES, f"{grade_id} says {stated} but has no entry in grading/rules.py"


def test_the_rule_wording_finds_the_rules():
    """The search for rules in an exercise's text is not vacuous: it finds every listed rule's sentence."""
    for grade_id, rule in gr.RULES.items():
        assert gr.stated_rules(gr.exercise_text(CHAPTERS[WHERE[grade_id]], grade_id)), grade_id
    assert not gr.stated_rules("Write `mse(y_hat, y)`, the mean over all entries of the squared difference.")


@pytest.mark.parametrize("grade_id", list(RULES))
def test_every_forbidden_name_exists(grade_id):
    for target in RULES[grade_id].forbid:
        if target == "scipy":
            continue  # not a dependency of the book: nothing to find
        try:
            importlib.import_module(target)
            continue
        except ImportError:
            module, _, attr = target.rpartition(".")
        assert hasattr(importlib.import_module(module), attr), f"{grade_id}: {target} does not exist"


def test_the_kernel_table_holds_no_text_of_the_book(tmp_path):
    """rules.json sits in the course directory: fingerprints of cells, not their text (no hidden test)."""
    path = gr.write_table(tmp_path / "rules.json", [FIXTURE], RULES)
    text = path.read_text()
    ch = CHAPTERS["fixture"]
    for t in (t for e in ch.exercises for t in e.tests):
        assert nnbook_rules.fingerprint(t.source) in text
        for line in (t.hidden or "").splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in text
    assert "fixture-ex1" in text and "nnbook.functional.sigmoid" in text


def test_the_exercise_text_starts_at_its_heading():
    text = gr.exercise_text(CHAPTERS["fixture"], "fixture-ex2")
    assert text.startswith("### Exercise 2") and "sigmoid" not in text
