"""Write the student edition of the book's chapters (``make student``).

    python -m grading.student [--out _build/student] [--course _build/nbgrader]

The chapters in ``book/`` are the nbgrader source. This builds an nbgrader
course directory (``--course``: ``nbgrader_config.py``, ``source/<chapter>/``,
``release/<chapter>/``, ``gradebook.db``), runs ``nbgrader generate_assignment``
on every chapter (solutions replaced by ``raise NotImplementedError()``, hidden
tests removed, outputs cleared, test cells locked) and copies the released
notebooks into ``--out``/book/ (their paths in the source repository), together
with what Binder needs to install the ``nnbook`` package (``requirements.txt``,
``runtime.txt``, ``pyproject.toml``, ``src/nnbook``), so that folder can be
published as its own repository or branch.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grading.course import BOOK, ROOT, Course, chapter_paths  # noqa: E402

PACKAGE_FILES = ["requirements.txt", "runtime.txt", "pyproject.toml"]
# The chapters sit in book/ as in the source repository, so that the course edition of the
# HTML book (make book EDITION=course) opens them at the same paths in the student edition.
NOTEBOOKS = "book"

README = """\
# nnbook: student edition

The chapters of nnbook, in `book/`, with their exercises to do: every
solution is replaced by `raise NotImplementedError()` for you to fill in, and
the hidden tests are removed. Run a chapter top to bottom, then write your code where it says
`# YOUR CODE HERE`; the cell after each exercise checks your answer and prints
PASS or FAIL with a hint.

The `nnbook` package the chapters import is in `src/`; `requirements.txt`
installs it (Binder does this by itself; locally run
`pip install -r requirements.txt`).
"""


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Final touches on a released notebook: no stored widget state (outputs are already cleared)."""
    nb.metadata.pop("widgets", None)
    return nb


def build(out: Path, course_dir: Path, chapters: list[Path]) -> Course:
    """The nbgrader course of ``chapters`` in ``course_dir`` and their student edition in ``out``."""
    course = Course.create(course_dir, chapters)
    write_edition(course, out, [p.stem for p in chapters])
    return course


def write_edition(course: Course, out: Path, names: list[str]) -> None:
    """Copy the released chapters ``names`` of ``course`` into ``out``/book/, and the package into ``out``."""
    if out.exists():
        shutil.rmtree(out)
    (out / NOTEBOOKS).mkdir(parents=True)
    for name in names:
        released = course.root / "release" / name
        for path in sorted(released.rglob("*")):
            dest = out / NOTEBOOKS / path.relative_to(released)
            if path.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
            elif path.suffix == ".ipynb":
                nbformat.write(student_notebook(nbformat.read(path, as_version=4)), dest)
            else:
                shutil.copy(path, dest)
    for name in PACKAGE_FILES:
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, out / name)
    shutil.copytree(ROOT / "src" / "nnbook", out / "src" / "nnbook",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    (out / "README.md").write_text(README)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student", help="the student edition")
    parser.add_argument("--course", type=Path, default=ROOT / "_build" / "nbgrader", help="the nbgrader course directory")
    parser.add_argument("--book", type=Path, default=BOOK, help="the folder of chapter notebooks")
    args = parser.parse_args(argv)
    chapters = chapter_paths(args.book)
    if not chapters:
        print(f"no chapters (*.ipynb) in {args.book}", file=sys.stderr)
        return 1
    course = build(args.out.resolve(), args.course.resolve(), chapters)
    print(f"student edition of {len(course.assignments)} chapters in {args.out}")
    print(f"nbgrader course (source/, release/, gradebook.db) in {args.course}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
