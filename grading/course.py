"""The book as an nbgrader course: chapters, their exercises, and nbgrader runs.

Every numbered notebook ``book/NN_slug.ipynb`` is a chapter (CONTRIBUTING.md)
and an nbgrader assignment of the same name holding that one notebook
(``source/<chapter>/<chapter>.ipynb``). Other notebooks in ``book/`` (e.g. the
notation page) are not chapters.

What counts as an exercise
--------------------------
An *exercise* is a solution cell (nbgrader ``solution: true``), i.e. the cell
the student edits; a graded answer cell (``solution: true, grade: true``)
counts the same way. Its *tests* are the autograded test cells
(``grade: true, solution: false``) that follow it, up to the next solution
cell. Its points are the points of its tests (plus its own, for a graded
answer cell).

An exercise is *conceptual* when its tests record a choice with
``c.recorded(...)`` or compare one with the instructor's key by
``c.answer(...)``, and a
*graded code exercise* when it is a code cell with tests that do not (they run
the student's code). A test cell has
*visible tests* when it checks something before ``### BEGIN HIDDEN TESTS`` and
*hidden tests* when it checks something between that line and
``### END HIDDEN TESTS``.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


# -- reading chapters ------------------------------------------------------------------

def chapter_paths(book: Path = BOOK) -> list[Path]:
    """The chapters: every ``NN_slug.ipynb`` directly in ``book/``, in file-name order."""
    return sorted(p for p in book.glob("*.ipynb") if re.fullmatch(r"\d\d_\w+", p.stem))


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def region(source: str, begin: str, end: str) -> str | None:
    """The lines strictly between the ``begin`` and ``end`` marker lines (None if absent)."""
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == begin]
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        return None
    return "\n".join(lines[starts[0] + 1:ends[0]])


def _has_code(source: str) -> bool:
    """Whether ``source`` does something besides imports, ``pass`` and comments."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return bool(source.strip())
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return True
    return False


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


@dataclass
class TestCell:
    """An autograded test cell (nbgrader ``grade: true, solution: false``)."""

    grade_id: str
    index: int
    points: float
    source: str

    @property
    def visible(self) -> str:
        return self.source.split(BEGIN_HIDDEN)[0]

    @property
    def hidden(self) -> str | None:
        return region(self.source, BEGIN_HIDDEN, END_HIDDEN)

    @property
    def has_visible_tests(self) -> bool:
        return _has_code(self.visible)

    @property
    def has_hidden_tests(self) -> bool:
        return self.hidden is not None and _has_code(self.hidden)

    @property
    def check_methods(self) -> set[str]:
        """Methods called on ``with checks(...) as c`` objects (e.g. ``{"array", "answer"}``)."""
        names = set(re.findall(r"with\s+checks\s*\(.*?\)\s+as\s+(\w+)\s*:", self.source))
        return {m for n in names for m in re.findall(rf"\b{re.escape(n)}\.(\w+)\s*\(", self.source)}


@dataclass
class Exercise:
    """A solution cell and the test cells that follow it."""

    chapter: str
    grade_id: str
    index: int
    cell_type: str
    source: str
    answer_points: float = 0.0  # points of a graded answer cell itself
    tests: list[TestCell] = field(default_factory=list)

    @property
    def points(self) -> float:
        return self.answer_points + sum(t.points for t in self.tests)

    @property
    def graded_ids(self) -> list[str]:
        """The grade ids whose scores make up this exercise's points."""
        return ([self.grade_id] if self.answer_points else []) + [t.grade_id for t in self.tests]

    @property
    def solution(self) -> str | None:
        """The reference solution: the text between the BEGIN and END SOLUTION lines."""
        return region(self.source, BEGIN_SOLUTION, END_SOLUTION)

    @property
    def kind(self) -> str:
        """``"code"`` (graded code exercise), ``"conceptual"`` (``c.recorded`` / ``c.answer``) or ``"written"``."""
        if self.cell_type != "code":
            return "written"
        return "conceptual" if any({"answer", "recorded"} & t.check_methods for t in self.tests) else "code"

    @property
    def graded(self) -> bool:
        return self.points > 0


@dataclass
class Chapter:
    path: Path
    nb: nbformat.NotebookNode
    exercises: list[Exercise]
    orphan_tests: list[TestCell]  # test cells before the first solution cell

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises) + sum(t.points for t in self.orphan_tests)

    @property
    def grade_ids(self) -> list[str]:
        """Every nbgrader ``grade_id`` in the chapter, in order (duplicates kept)."""
        return [m["grade_id"] for c in self.nb.cells if (m := nbgrader_meta(c)).get("grade_id")]

    @property
    def graded_ids(self) -> list[str]:
        return [t.grade_id for t in self.orphan_tests] + [g for e in self.exercises for g in e.graded_ids]

    def exercise(self, grade_id: str) -> Exercise:
        return next(e for e in self.exercises if e.grade_id == grade_id)


def read_chapter(path: Path) -> Chapter:
    return parse_chapter(path, nbformat.read(path, as_version=4))


def parse_chapter(path: Path, nb: nbformat.NotebookNode) -> Chapter:
    """The chapter ``nb`` (named by ``path``'s stem) with its exercises."""
    exercises: list[Exercise] = []
    orphans: list[TestCell] = []
    for i, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            exercises.append(Exercise(
                chapter=path.stem, grade_id=str(meta.get("grade_id", "")), index=i, cell_type=cell.cell_type,
                source=cell.source, answer_points=float(meta.get("points", 0)) if meta.get("grade") else 0.0,
            ))
        elif meta.get("grade"):
            test = TestCell(grade_id=str(meta.get("grade_id", "")), index=i,
                            points=float(meta.get("points", 0) or 0), source=cell.source)
            (exercises[-1].tests if exercises else orphans).append(test)
    return Chapter(path=path, nb=nb, exercises=exercises, orphan_tests=orphans)


# -- making submissions from the source ----------------------------------------------------

def find_cell(nb: nbformat.NotebookNode, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return i
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def with_cell_source(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` in which the cell ``grade_id`` holds ``source`` (its metadata unchanged)."""
    out = copy.deepcopy(nb)
    out.cells[find_cell(out, grade_id)].source = source
    return out


def without_cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    out = copy.deepcopy(nb)
    del out.cells[find_cell(out, grade_id)]
    return out


def replace_solution(source: str, body: str) -> str:
    """``source`` with the lines from BEGIN to END SOLUTION replaced by ``body``, at the same indentation."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION)
    end = next(i for i, line in enumerate(lines) if line.strip() == END_SOLUTION)
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    new = [indent + line if line else line for line in body.splitlines()]
    return "\n".join(lines[:start] + new + lines[end + 1:])


def solution_context(source: str) -> str:
    """Where the solution region sits: ``"module"`` (top level), ``"def"`` (a function body)
    or ``"class"`` (a class body, e.g. the methods of a layer)."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION)
    indent = len(lines[start]) - len(lines[start].lstrip())
    for line in reversed(lines[:start]):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#") and len(line) - len(stripped) < indent:
            if stripped.startswith(("def ", "async def ")):
                return "def"
            if stripped.startswith("class "):
                return "class"
            indent = len(line) - len(stripped)  # an if/for/with block: look further out
    return "module"


def assigned_names(code: str) -> list[str]:
    """Names assigned at the top level of ``code`` (e.g. ``answer_ex3``)."""
    names: list[str] = []
    for node in ast.parse(code).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name) and n.id not in names:
                    names.append(n.id)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in names:
            names.append(node.name)
    return names


# -- running nbgrader ----------------------------------------------------------------------

class NbgraderError(RuntimeError):
    pass


# `python -m nbgrader`, minus a start-up cost: jsonschema imports rfc3987_syntax, if
# installed, only to check IRI formats (which notebooks do not use), and that module
# builds a parser grammar on import (2-3 s of CPU in every nbgrader command).
_LAUNCH = (
    "import sys; sys.modules.setdefault('rfc3987_syntax', None); sys.argv[0] = 'nbgrader'; "
    "from nbgrader.apps.nbgraderapp import main; main()"
)


def nbgrader(args: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True,
             timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` in the course directory ``cwd`` with this Python (its venv on PATH).

    ``timeout`` (seconds) bounds the whole command; cells are bounded by
    ``Execute.timeout`` in ``nbgrader_config.py``.
    """
    full_env = dict(os.environ)
    # nbgrader runs the `alembic` script of this environment to set up its database
    full_env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + full_env.get("PATH", "")
    full_env.setdefault("NNBOOK_ROOT", str(ROOT))  # nbgrader_config.py: where the judge (grading/) is
    # One BLAS thread a kernel: the book's matrices are small, and several submissions are
    # graded at once; threaded BLAS on a busy machine spins, and a cell that takes 15 s alone
    # took over 60 s (the cell timeout) that way. A value the caller set is kept.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        full_env.setdefault(var, "1")
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-c", _LAUNCH, *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-60:])
        raise NbgraderError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}) in {cwd}:\n{tail}")
    return proc


@dataclass
class Course:
    """An nbgrader course directory (``nbgrader_config.py``, ``source/``, ``release/``, ...)."""

    root: Path

    @classmethod
    def create(cls, root: Path, chapters: Iterable[Path | tuple[str, nbformat.NotebookNode]],
               rules: Mapping[str, object] | None = None) -> Course:
        """A fresh course at ``root`` with one assignment a chapter, and its student edition generated.

        The exercises' rules (``grading/rules.py``, or ``rules``) are enforced while it grades: the
        course gets the kernel-side guard and its table (``nnbook_rules.py``, ``rules.json``), which
        ``nbgrader_config.py`` loads into every grading kernel.
        """
        from grading import rules as rules_module

        root = Path(root).resolve()
        if root.exists():
            shutil.rmtree(root)
        (root / "source").mkdir(parents=True)
        shutil.copy(CONFIG, root / "nbgrader_config.py")
        chapters = list(chapters)
        shutil.copy(Path(rules_module.__file__).parent / "nnbook_rules.py", root / "nnbook_rules.py")
        rules_module.write_table(root / "rules.json", chapters, rules_module.RULES if rules is None else rules)
        course = cls(root)
        course.add(chapters)
        return course

    def add(self, chapters: Iterable[Path | tuple[str, nbformat.NotebookNode]]) -> None:
        """Add one assignment a chapter, then generate the student edition of every assignment."""
        for ch in chapters:
            name, nb = (ch.stem, nbformat.read(ch, as_version=4)) if isinstance(ch, Path) else ch
            dest = self.root / "source" / name / f"{name}.ipynb"
            dest.parent.mkdir(parents=True)
            nbformat.write(nb, dest)
        if self.assignments:
            nbgrader(["generate_assignment", "*", "--force"], cwd=self.root)

    def clone(self, root: Path) -> Course:
        """A copy of the course (source, release, gradebook) without any submissions."""
        root = Path(root).resolve()
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(self.root, root, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback"))
        return Course(root)

    @property
    def assignments(self) -> list[str]:
        return sorted(p.name for p in (self.root / "source").iterdir() if p.is_dir())

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def source(self, name: str) -> Path:
        return self.root / "source" / name / f"{name}.ipynb"

    def release(self, name: str) -> Path:
        return self.root / "release" / name / f"{name}.ipynb"

    def submitted(self, student: str, name: str) -> Path:
        return self.root / "submitted" / student / name / f"{name}.ipynb"

    def autograded(self, student: str, name: str) -> Path:
        return self.root / "autograded" / student / name / f"{name}.ipynb"

    def submit(self, student: str, name: str, nb: nbformat.NotebookNode | Path) -> Path:
        """Put a notebook where nbgrader looks for student ``student``'s submission of chapter ``name``."""
        if name not in self.assignments:
            raise KeyError(f"{name!r} is not an assignment of this course ({', '.join(self.assignments)})")
        dest = self.submitted(student, name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, Path):
            shutil.copy(nb, dest)
        else:
            nbformat.write(nb, dest)
        return dest

    def autograde(self, *, student: str = "*", assignment: str = "*", timeout: int | None = None,
                  check: bool = True) -> subprocess.CompletedProcess:
        """``nbgrader autograde`` every submission (``timeout``: seconds a cell may run). Its execution step
        is the judge (``grading/judge_step.py``): each submission runs once, the tests outside its kernel."""
        env = {"NNBOOK_CELL_TIMEOUT": str(timeout)} if timeout else None
        return nbgrader(["autograde", assignment, f"--student={student}", "--force"], cwd=self.root, env=env,
                        check=check)

    def export(self, csv_path: Path) -> Path:
        """``nbgrader export``: one row per student and chapter (scores out of max_score)."""
        csv_path = Path(csv_path).resolve()
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        nbgrader(["export", f"--to={csv_path}"], cwd=self.root)
        return csv_path

    def scores(self) -> dict[tuple[str, str], dict[str, tuple[float | None, float]]]:
        """``{(student, chapter): {grade_id: (score, max_score)}}`` for every autograded submission."""
        from nbgrader.api import Gradebook

        out: dict[tuple[str, str], dict[str, tuple[float | None, float]]] = {}
        with Gradebook(self.db_url, "nnbook") as gb:
            for assignment in gb.assignments:
                for sub in assignment.submissions:
                    grades: dict[str, tuple[float | None, float]] = {}
                    for nbsub in sub.notebooks:
                        for g in nbsub.grades:
                            grades[g.name] = (g.score if g.auto_score is not None or g.manual_score is not None else None,
                                              g.max_score)
                    out[(sub.student.id, assignment.name)] = grades
        return out
