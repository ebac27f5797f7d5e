"""The editions' notebook transformation (book/_ext/nnbook_editions.py) on the real chapters.

The book builds in tests/test_book_build.py (both editions) and the check of a
full build in tests/test_html_editions.py show it at work in Sphinx; these
tests check, chapter by chapter and quickly, what each edition keeps.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import nnbook_editions as ed  # noqa: E402

from grading import course as gc  # noqa: E402

CHAPTERS = [gc.read_chapter(p) for p in gc.chapter_paths()]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
READER_URL = CONFIG["repository"]["url"].rstrip("/")
STUDENT = CONFIG["sphinx"]["config"]["nnbook_student_edition"]
URLS = (f'git+{READER_URL}"', f'git+{STUDENT["url"].rstrip("/")}@{STUDENT["branch"]}"')


def _text(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.name for c in CHAPTERS])
def test_the_reader_keeps_the_solutions_and_drops_the_hidden_tests(chapter):
    nb = ed.edition_notebook(copy.deepcopy(chapter.nb), "reader")
    text = _text(nb)
    assert gc.BEGIN_HIDDEN not in text and gc.END_HIDDEN not in text
    for ex in chapter.exercises:
        assert nb.cells[ex.index].source == chapter.nb.cells[ex.index].source
        for t in ex.tests:
            assert nb.cells[t.index].source.strip() == t.visible.strip()
            shown = "".join(o.get("text", "") for o in nb.cells[t.index].outputs)
            stored = "".join(o.get("text", "") for o in chapter.nb.cells[t.index].outputs)
            for title in ed.TITLE.findall(t.hidden or ""):  # the stored report of the hidden checks is gone
                assert title in stored and title not in shown, (t.grade_id, title)
            for title in ed.TITLE.findall(t.visible):  # that of the visible ones stays
                assert title in shown, (t.grade_id, title)
    assert [c.source for c in nb.cells if not gc.nbgrader_meta(c)] == \
           [c.source for c in chapter.nb.cells if not gc.nbgrader_meta(c)]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.name for c in CHAPTERS])
def test_the_course_edition_has_the_students_stubs_and_installs_the_student_edition(chapter):
    nb = ed.edition_notebook(copy.deepcopy(chapter.nb), "course", URLS)
    text = _text(nb)
    for marker in (gc.BEGIN_SOLUTION, gc.END_SOLUTION, gc.BEGIN_HIDDEN, gc.END_HIDDEN):
        assert marker not in text
    for ex in chapter.exercises:
        cell = nb.cells[ex.index]
        stub = ed.CODE_STUB if cell.cell_type == "code" else ed.TEXT_STUB
        assert all(line in cell.source for line in stub.splitlines()), cell.source
        solution_lines = {line.strip() for line in ex.solution.splitlines() if len(line.strip()) > 10}
        assert not solution_lines & {line.strip() for line in cell.source.splitlines()}
        for i in [ex.index, *(t.index for t in ex.tests)]:
            if nb.cells[i].cell_type == "code":
                assert nb.cells[i].outputs == [] and "skip-execution" in nb.cells[i].metadata["tags"]
    if URLS[0] in _text(chapter.nb):  # the Colab set-up cell
        assert URLS[0] not in text and URLS[1] in text


def test_the_course_edition_needs_the_student_edition_setting():
    class Config:
        nnbook_student_edition: dict = {}

    with pytest.raises(ValueError, match="nnbook_student_edition"):
        ed._student(Config())
