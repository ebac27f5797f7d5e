"""What an exercise says not to use, in one place, and the table the grading kernel reads.

``RULES`` maps an exercise (its solution cell's grade id) to the dotted names
its text forbids and the sentence of the exercise that says so
(``tests/test_grading.py`` checks that the sentence is in the exercise's
text, and that every exercise whose text states such a rule is listed here).
A name is a function (``nnbook.functional.sigmoid``), a class
(``nnbook.Linear``: its methods, and subclassing it) or a module
(``nnbook.init``: every function and class in it; ``nnbook`` for "NumPy
only"). ``scipy`` is listed where the text forbids SciPy; it is not
installed with the book, and its functions are C code the guard cannot see
called (see grading/README.md).

At grading time :func:`write_table` writes ``rules.json`` next to the course's
``nbgrader_config.py``, which loads ``grading/nnbook_rules.py`` into every
grading kernel; a submission that uses a forbidden name scores 0 on that
exercise, with a message that names the rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grading import nnbook_rules
from grading.course import Chapter, assigned_names, nbgrader_meta, parse_chapter, read_chapter


@dataclass(frozen=True)
class Rule:
    forbid: tuple[str, ...]  # dotted names
    sentence: str  # the exercise's own words (whitespace-insensitive)


RULES: dict[str, Rule] = {
    "ch01-ex1": Rule(("nnbook.functional.sigmoid", "scipy"), "Do not call `nb.functional.sigmoid` or SciPy"),
    "ch02-ex2": Rule(("nnbook",), "using only NumPy (no `nnbook` layers)"),
    "ch03-ex1": Rule(("nnbook", "scipy"), "Use NumPy only: not `nb.functional`, `nb.CrossEntropyLoss` or SciPy."),
    "ch03-ex2": Rule(("nnbook", "scipy"), "The same rules hold as in Exercise 1: accurate and free of overflow "
                                          "for logits of size $10^4$, NumPy only."),
    "ch03-ex4": Rule(("nnbook.functional.sparsemax", "nnbook.Sparsemax"),
                     "Use NumPy only: do not use `nb.functional.sparsemax` or `nb.Sparsemax`."),
    "ch04-ex1": Rule(("nnbook.ELU", "nnbook.functional.elu"), "Do not use `nb.ELU` or `nb.functional.elu`."),
    "ch06-ex1": Rule(("nnbook.Linear",), "Do not use `nb.Linear`."),
    "ch06-ex2": Rule(("nnbook",), "Use NumPy only, in matrix form over the batch, as `sigmoid_net_backward` in "
                                  "{ref}`ch06-deltas` does; no `nnbook` modules."),
    "ch06-ex3": Rule(("nnbook.CrossEntropyLoss", "nnbook.functional.softmax"),
                     "Do not use `nb.CrossEntropyLoss` or `nb.functional.softmax`."),
    "ch07-ex1": Rule(("nnbook.init",), "do not use `nb.init`"),
    "ch07-ex2": Rule(("nnbook.diagnostics",), "Write the loop yourself, without `nb.diagnostics`."),
    "ch08-ex1": Rule(("nnbook.regularization.ridge",), "do not call `nb.regularization.ridge`"),
    "ch08-ex2": Rule(("nnbook.SGD",), "Do not use `nb.SGD`: write the update yourself."),
    "ch08-ex3": Rule(("nnbook.regularization",), "Do not call the functions of `nb.regularization`."),
    "ch10-ex1": Rule(("nnbook.Dropout",), "Do not use `nb.Dropout`."),
}

# Wording that states such a rule in an exercise's text: an exercise whose text matches has to be in RULES.
RULE_WORDING = re.compile(r"NumPy only|only NumPy|[Dd]o not (?:use|call)\b[^.]*?`n(?:b|nbook)\b|without `nb\.|no `nnbook`")
EXERCISE_HEADING = re.compile(r"^#{2,4} .*Exercise", re.M)


def exercise_text(chapter: Chapter, grade_id: str) -> str:
    """The markdown of an exercise: from its ``Exercise`` heading down to its solution cell."""
    ex = chapter.exercise(grade_id)
    parts: list[str] = []
    for cell in reversed(chapter.nb.cells[: ex.index]):
        if nbgrader_meta(cell):
            break
        if cell.cell_type == "markdown":
            parts.insert(0, cell.source)
            if EXERCISE_HEADING.search(cell.source):
                break
    return "\n\n".join(parts)


def normalized(text: str) -> str:
    return " ".join(text.split())


def stated_rules(text: str) -> list[str]:
    """The phrases of ``text`` that state a rule of the kind RULES lists."""
    return RULE_WORDING.findall(normalized(text))


def table(chapters: Iterable[Path | tuple[str, nbformat.NotebookNode]], rules: Mapping[str, Rule] = RULES) -> dict:
    """The kernel's table: a fingerprint of every cell of ``chapters`` that is not a solution cell (with the
    exercise a test cell belongs to), and the rules of their exercises (with the names each defines)."""
    cells: dict[str, dict] = {}
    out_rules: dict[str, dict] = {}
    for ch in chapters:
        chapter = read_chapter(ch) if isinstance(ch, Path) else parse_chapter(Path(f"{ch[0]}.ipynb"), ch[1])
        name = chapter.name
        owner: dict[int, str] = {t.index: e.grade_id for e in chapter.exercises for t in e.tests}
        solutions = {e.index for e in chapter.exercises}
        for i, cell in enumerate(chapter.nb.cells):
            if cell.cell_type != "code" or i in solutions:
                continue
            # a variant's copy of a test cell has the same text: the first (the chapter's own) names it
            cells.setdefault(nnbook_rules.fingerprint(cell.source), {"chapter": name, "tests": owner.get(i)})
        for ex in chapter.exercises:
            if ex.grade_id in rules:
                rule = rules[ex.grade_id]
                out_rules[ex.grade_id] = {"forbid": list(rule.forbid), "sentence": rule.sentence, "chapter": name,
                                          "names": assigned_names(_parsable(ex.source))}
    return {"cells": cells, "rules": out_rules}


def _parsable(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def write_table(path: Path, chapters, rules: Mapping[str, Rule] = RULES) -> Path:
    path.write_text(json.dumps(table(chapters, rules), indent=1, sort_keys=True))
    return path
