"""The book's exercises as an nbgrader course (grading/).

Chapters and exercises are discovered from ``book/NN_slug.ipynb``, so a chapter
added later is covered without editing this file (a chapter without exercises
yet fails the rules below, on purpose). ``tests/grading/fixture/fixture.ipynb``
is a small chapter of our own in the same format, graded along with the book;
the submissions that hang, raise or tamper with the tests run on it.

The nbgrader pipeline runs once per module (fixture ``graded``): one course
with every chapter as an assignment (``nbgrader generate_assignment``: the
student edition), then ``nbgrader autograde`` of two students:

``reference``  submits, for every chapter, the chapter as it is followed by
               copies of its exercise cells (from the first solution cell on),
               one copy a variant, with grade ids ending in ``--<variant>``:

               ``--released``  every solution cell as the student edition
                   (``nbgrader generate_assignment``) has it: it must score zero;

               ``--wrong-<grade_id>``  the solution cell ``<grade_id>`` replaced
                   by ``tests/grading/<chapter>/<grade_id>.py``, a common
                   mistake: that exercise must lose its points, every other
                   exercise of the copy keep full marks;
               ``--forbidden-<grade_id>``  the solution cell replaced by
                   ``tests/grading/<chapter>/<grade_id>--forbidden.py``, which
                   works but uses what the exercise's rule (grading/rules.py)
                   forbids: that exercise must score 0 with a RuleViolation,
                   every other exercise keep full marks;
               ``--always-equal``  every solution returns (or assigns) an
                   object whose ``__eq__`` is always True: it must score zero.

               The chapter's own grade ids must score full marks: the chapter
               runs first, top to bottom in a fresh kernel, as it is (one cell
               that records the names defined so far is put before its first
               exercise). Before each copy a cell restores the names to that
               record, so every copy starts as the exercises do in the chapter.
               This runs each chapter's body once, not once a submission: the
               student edition's cells before the exercises are the chapter's
               own (a test checks this), so they are not run a second time.

``Course.autograde`` is ``nbgrader autograde``, whose execution step is the
judge (grading/judge_step.py, grading/judge.py), so every score checked here
is the judge's, as nbgrader files it: the reference solutions score full
marks, and every wrong submission 0; tests/test_grading_judge.py grades the
submissions that attack the checks from inside the kernel.

On the fixture chapter, with a 5 s cell timeout, ``loop`` (an endless loop),
``raises`` (a solution cell that raises), ``tamper`` (a test cell replaced
by ``pass``, another deleted) and ``rule-<workaround>`` (ways around the rule
of fixture-ex1: an import under another name, importlib, a copy taken in an
earlier cell, exec, ...) are graded as separate submissions, and
``make grade`` runs on a class of three. Each run works in its own copy of the
course directory; up to ``NNBOOK_GRADING_JOBS`` (default 2) run at once.
"""

from __future__ import annotations

import ast
import copy
import csv
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading import course as gc  # noqa: E402
from grading import rules as gr  # noqa: E402
from grading import student as student_edition  # noqa: E402
from test_student_copy import key_functions  # noqa: E402

WRONG = ROOT / "tests" / "grading"
FIXTURE = WRONG / "fixture" / "fixture.ipynb"
BOOK_CHAPTERS = gc.chapter_paths()
if os.environ.get("NNBOOK_GRADING_CHAPTERS"):  # while writing a chapter: grade only these (comma-separated stems)
    ONLY = set(os.environ["NNBOOK_GRADING_CHAPTERS"].split(","))
    BOOK_CHAPTERS = [p for p in BOOK_CHAPTERS if p.stem in ONLY]
CHAPTERS = {p.stem: gc.read_chapter(p) for p in [*BOOK_CHAPTERS, FIXTURE]}
ALL_NAMES = list(CHAPTERS)
JOBS = max(1, int(os.environ.get("NNBOOK_GRADING_JOBS", "2")))
ADVERSARIAL_TIMEOUT = 5  # seconds a cell may run in the fixture's adversarial runs
SEP = "--"  # grade_id + SEP + variant: the grade ids of a variant's copy of the exercises

GRADED_EXERCISES = [(name, ex.grade_id) for name, ch in CHAPTERS.items() for ex in ch.exercises if ex.graded]
CONCEPTUAL = [(name, ex.grade_id) for name, ch in CHAPTERS.items() for ex in ch.exercises if ex.kind == "conceptual"]


def wrong_file(chapter: str, grade_id: str) -> Path:
    return WRONG / chapter / f"{grade_id}.py"


def forbidden_file(chapter: str, grade_id: str) -> Path:
    """A solution that works but uses what the exercise's rule (grading/rules.py) forbids."""
    return WRONG / chapter / f"{grade_id}--forbidden.py"


# the fixture chapter's rule, next to the book's
FIXTURE_RULES = {"fixture-ex1": gr.Rule(("nnbook.functional.sigmoid",), "Do not call `nb.functional.sigmoid`")}
ALL_RULES = {**gr.RULES, **FIXTURE_RULES}
RULED = [(name, ex.grade_id) for name, ch in CHAPTERS.items() for ex in ch.exercises if ex.grade_id in ALL_RULES]
VIOLATION = "{grade_id}: this exercise is to be solved without"


def ids(pairs):
    return [f"{a}:{b}" for a, b in pairs]


# -- submissions made from the source ----------------------------------------------------

ALWAYS_EQUAL = '''\
class _AlwaysEqual:
    """Equal to everything: a submission that would pass any `==` test."""
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__
    def __repr__(self):
        return "_AlwaysEqual()"
'''


def always_equal_source(source: str) -> str:
    """The solution cell with every answer replaced by an object equal to everything."""
    if gc.solution_context(source) == "def":  # a function body: return the object
        body = "return _AlwaysEqual()"
    else:  # the top level or a class body: every function defined returns it, every name assigned holds it
        solution = textwrap.dedent(gc.region(source, gc.BEGIN_SOLUTION, gc.END_SOLUTION) or "")
        tree = ast.parse(solution)
        defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        lines = [f"def {d.name}({ast.unparse(d.args)}):\n    return _AlwaysEqual()" for d in defs]
        lines += [f"{n} = _AlwaysEqual()" for n in gc.assigned_names(solution) if n not in {d.name for d in defs}]
        body = "\n".join(lines) or "pass"
    return ALWAYS_EQUAL + "\n" + gc.replace_solution(source, body)


def variants(chapter: str, released: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """``{variant: {solution grade_id: its source in that variant}}``; ``released`` is the student edition."""
    ch = CHAPTERS[chapter]
    out = {"released": {e.grade_id: released.cells[gc.find_cell(released, e.grade_id)].source
                        for e in ch.exercises if e.cell_type == "code"}}
    out |= {f"wrong-{e.grade_id}": {e.grade_id: wrong_file(chapter, e.grade_id).read_text()}
            for e in ch.exercises if e.graded and wrong_file(chapter, e.grade_id).exists()}
    out |= {f"forbidden-{e.grade_id}": {e.grade_id: forbidden_file(chapter, e.grade_id).read_text()}
            for e in ch.exercises if forbidden_file(chapter, e.grade_id).exists()}
    out["always-equal"] = {e.grade_id: always_equal_source(e.source)
                           for e in ch.exercises if e.cell_type == "code" and e.solution is not None}
    return out


SNAPSHOT = '''\
# grading test: the names defined before the exercises, restored before each variant below
_nnbook_names = {k: v for k, v in globals().items() if not k.startswith("_")}'''
RESTORE = '''\
# grading test: back to the names defined before the exercises (variant: {variant})
for _k in [k for k in globals() if not k.startswith("_") and k not in _nnbook_names]:
    del globals()[_k]
globals().update(_nnbook_names)'''


def with_variants(chapter: str, released: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The chapter as it is, then for every variant a copy of its exercise cells (see the module docstring)."""
    ch = CHAPTERS[chapter]
    start = min(e.index for e in ch.exercises)
    nb = copy.deepcopy(ch.nb)
    nb.cells.insert(start, nbformat.v4.new_code_cell(SNAPSHOT))
    section = [c for c in ch.nb.cells[start:] if c.cell_type == "code"]
    for variant, replaced in variants(chapter, released).items():
        nb.cells.append(nbformat.v4.new_code_cell(RESTORE.format(variant=variant)))
        for c in section:
            new = nbformat.v4.new_code_cell(c.source, metadata=copy.deepcopy(c.metadata))
            meta = new.metadata.get("nbgrader")
            if meta and meta.get("grade_id"):
                new.source = replaced.get(meta["grade_id"], c.source)
                meta["grade_id"] = f"{meta['grade_id']}{SEP}{variant}"
            nb.cells.append(new)
    return nb


def variants_name(chapter: str) -> str:
    return f"{chapter}-variants"


def fixture_adversarial() -> dict[str, nbformat.NotebookNode]:
    ch = CHAPTERS["fixture"]
    ex1, ex2, ex3 = ch.exercises
    loop = gc.with_cell_source(ch.nb, ex1.grade_id, gc.replace_solution(ex1.source, "while True:\n    pass"))
    raises = gc.with_cell_source(ch.nb, ex2.grade_id, 'raise RuntimeError("a bug at the top of the cell")\n' + ex2.source)
    tamper = gc.with_cell_source(ch.nb, ex1.grade_id, wrong_file("fixture", ex1.grade_id).read_text())
    tamper = gc.with_cell_source(tamper, ex1.tests[0].grade_id, "pass")
    tamper = gc.without_cell(tamper, ex3.tests[0].grade_id)
    subs = {"loop": loop, "raises": raises, "tamper": tamper}
    for name, (body, before) in RULE_WORKAROUNDS.items():
        nb = gc.with_cell_source(ch.nb, ex1.grade_id, body)
        if before:  # a cell of the submission's own, before the exercise
            nb.cells.insert(ex1.index, nbformat.v4.new_code_cell(before))
        subs[f"rule-{name}"] = nb
    return subs


STABLE = "z = np.asarray(z, dtype=float); e = np.exp(-np.abs(z)); return np.where(z >= 0, 1 / (1 + e), e / (1 + e))"
# ways around fixture-ex1's rule (no nb.functional.sigmoid): {name: (solution cell, a cell before it or None)}
RULE_WORKAROUNDS = {
    "from-import": ("from nnbook.functional import sigmoid", None),
    "wrapper": ("def sigmoid(z):\n    return nb.functional.sigmoid(z)", None),
    "importlib": ("import importlib\ndef sigmoid(z):\n    return importlib.import_module('nnbook.functional').sigmoid(z)", None),
    "copied-before": ("def sigmoid(z):\n    return _s(z)", "_s = nb.functional.sigmoid"),
    "through-a-module": ("def sigmoid(z):\n    return nb.Sigmoid().forward(np.asarray(z, dtype=float))", None),
    "vectorize": ("sigmoid = np.vectorize(nb.functional.sigmoid)", None),
    "default-argument": ("def sigmoid(z, f=nb.functional.sigmoid):\n    return f(z)", None),
    "exec": ("exec('def sigmoid(z):\\n    return nb.functional.sigmoid(z)')", None),
    "caught": (f"def sigmoid(z):\n    try:\n        return nb.functional.sigmoid(z)\n    except BaseException:\n        {STABLE}", None),
    "at-the-top": ("_warm = nb.functional.sigmoid(np.zeros(2))\ndef sigmoid(z):\n    " + STABLE, None),
}


# -- the pipeline, once ------------------------------------------------------------------------

@dataclass
class Graded:
    courses: dict[tuple[str, str], gc.Course]  # (student, assignment) -> the course copy that graded it
    scores: dict[tuple[str, str], dict[str, tuple[float | None, float]]]
    release: dict[str, Path]
    student_dir: Path
    seconds: dict[str, float]  # run label -> seconds
    cli: dict

    def autograded(self, student: str, assignment: str) -> nbformat.NotebookNode:
        return nbformat.read(self.courses[(student, assignment)].autograded(student, assignment), as_version=4)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    tmp = tmp_path_factory.mktemp("grading")
    with_exercises = [name for name, ch in CHAPTERS.items() if ch.exercises]
    base = gc.Course.create(tmp / "course", [*BOOK_CHAPTERS, FIXTURE], rules=ALL_RULES)  # the student edition first
    base.add([(variants_name(n), with_variants(n, nbformat.read(base.release(n), as_version=4))) for n in with_exercises])
    student_edition.write_edition(base, tmp / "student", ALL_NAMES)

    # two runs (chapters alternately), the big ones first; JOBS workers take them as they come free
    tasks: list[tuple[str, dict[str, dict[str, object]], int | None]] = []
    for half in (0, 1):
        names = with_exercises[half::2]
        tasks.append((f"reference-{half}", {"reference": {variants_name(n): base.source(variants_name(n)) for n in names}}, None))
    tasks.append(("adversarial", {s: {"fixture": nb} for s, nb in fixture_adversarial().items()}, ADVERSARIAL_TIMEOUT))

    def run(label: str, subs: dict[str, dict[str, object]], timeout: int | None):
        course = base.clone(tmp / f"course-{label}")
        for student, chapters in subs.items():
            for assignment, nb in chapters.items():
                course.submit(student, assignment, nb)
        t0 = time.perf_counter()
        if any(subs.values()):
            course.autograde(timeout=timeout)
        return label, course, subs, time.perf_counter() - t0

    graded = Graded(courses={}, scores={}, release={n: base.release(n) for n in ALL_NAMES},
                    student_dir=tmp / "student", seconds={}, cli={})
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        futures = [pool.submit(run, *task) for task in tasks]
        cli = pool.submit(run_grade_cli, tmp / "cli")  # `make grade` on a class of three
        for future in futures:
            label, course, subs, dt = future.result()
            graded.scores.update(course.scores())
            graded.seconds[label] = dt
            for student, chapters in subs.items():
                for assignment in chapters:
                    graded.courses[(student, assignment)] = course
        graded.cli = cli.result()
    return graded


def run_grade_cli(tmp: Path) -> dict:
    """``python -m grading.grade`` (what ``make grade`` runs) on a class of three, with the
    fixture as a one-chapter book."""
    book = tmp / "book"
    book.mkdir(parents=True)
    chapter = "00_fixture"
    (book / f"{chapter}.ipynb").write_text(FIXTURE.read_text())
    fixture = CHAPTERS["fixture"]
    subs = tmp / "submissions"
    (subs / "alice").mkdir(parents=True)  # the reference solutions, <student>/<chapter>.ipynb
    nbformat.write(fixture.nb, subs / "alice" / f"{chapter}.ipynb")
    (subs / "bob" / chapter).mkdir(parents=True)  # one mistake, in nbgrader's own layout
    wrong = gc.with_cell_source(fixture.nb, "fixture-ex2", wrong_file("fixture", "fixture-ex2").read_text())
    nbformat.write(wrong, subs / "bob" / chapter / f"{chapter}.ipynb")
    (subs / "carol").mkdir()  # a notebook under another name: reported, skipped
    nbformat.write(fixture.nb, subs / "carol" / "my_homework.ipynb")
    out = tmp / "grades"
    proc = subprocess.run([sys.executable, "-m", "grading.grade", str(subs), "--out", str(out),
                           "--course", str(tmp / "course"), "--book", str(book)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    return {"code": proc.returncode, "out": out, "stdout": proc.stdout, "stderr": proc.stderr}


def points(graded: Graded, student: str, assignment: str) -> dict[str, tuple[float | None, float]]:
    assert (student, assignment) in graded.scores, f"{student} was not graded on {assignment}"
    return graded.scores[(student, assignment)]


def variant_points(graded: Graded, chapter: str, variant: str | None) -> dict[str, tuple[float | None, float]]:
    """Scores of the chapter's own grade ids (``variant=None``) or of a variant's copy, by original id."""
    got = points(graded, "reference", variants_name(chapter))
    if variant is None:
        return {g: s for g, s in got.items() if SEP not in g}
    suffix = SEP + variant
    return {g[: -len(suffix)]: s for g, s in got.items() if g.endswith(suffix)}


def variant_cell(graded: Graded, chapter: str, grade_id: str, variant: str) -> nbformat.NotebookNode:
    return cell(graded.autograded("reference", variants_name(chapter)), f"{grade_id}{SEP}{variant}")


def cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return nb.cells[gc.find_cell(nb, grade_id)]


def output_text(c: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in c.get("outputs", []) if o.output_type == "stream")


def errors(c: nbformat.NotebookNode) -> list[str]:
    return [o.ename for o in c.get("outputs", []) if o.output_type == "error"]


# -- the rules every chapter follows (static) --------------------------------------------

def test_the_book_has_chapters():
    assert BOOK_CHAPTERS, "no book/NN_slug.ipynb yet: only the fixture chapter is graded"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_chapter_has_three_exercises_two_of_them_graded_code(name):
    ch = CHAPTERS[name]
    kinds = [e.kind for e in ch.exercises if e.graded]
    assert len(ch.exercises) >= 3, f"{name}: {len(ch.exercises)} exercises (solution cells), at least 3 wanted"
    assert kinds.count("code") >= 2, f"{name}: {kinds.count('code')} graded code exercises, at least 2 wanted"


def test_grade_ids_are_unique_across_the_book():
    seen: dict[str, str] = {}
    for name, ch in CHAPTERS.items():
        for gid in ch.grade_ids:
            assert gid not in seen, f"grade_id {gid!r} in {name} is already used in {seen[gid]}"
            seen[gid] = name


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_graded_cell_has_points_and_an_id(name):
    for c in CHAPTERS[name].nb.cells:
        meta = gc.nbgrader_meta(c)
        if meta.get("grade") or meta.get("solution"):
            assert meta.get("grade_id"), f"{name}: an nbgrader cell without grade_id:\n{c.source[:200]}"
        if meta.get("grade"):
            assert float(meta.get("points") or 0) > 0, f"{name}: graded cell {meta['grade_id']} has no points"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_exercise_has_visible_and_hidden_tests(name):
    ch = CHAPTERS[name]
    assert not ch.orphan_tests, f"{name}: test cells before any solution cell: {[t.grade_id for t in ch.orphan_tests]}"
    for ex in ch.exercises:
        assert ex.tests, f"{name}: exercise {ex.grade_id} has no test cell after it"
        assert any(t.has_visible_tests for t in ex.tests), f"{name}: {ex.grade_id} has no visible tests"
        assert any(t.has_hidden_tests for t in ex.tests), f"{name}: {ex.grade_id} has no {gc.BEGIN_HIDDEN} block"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_solution_cell_has_begin_and_end_solution(name):
    for ex in CHAPTERS[name].exercises:
        assert ex.solution is not None and ex.solution.strip(), \
            f"{name}: {ex.grade_id} needs one {gc.BEGIN_SOLUTION} ... {gc.END_SOLUTION} region with the solution"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_solutions_are_behind_a_toggle_in_the_html_book(name):
    for c in CHAPTERS[name].nb.cells:
        if gc.nbgrader_meta(c).get("solution"):
            assert "hide-input" in c.metadata.get("tags", []), \
                f"{name}: solution cell {gc.nbgrader_meta(c)['grade_id']} needs the hide-input tag"


@pytest.mark.parametrize("chapter,grade_id", GRADED_EXERCISES, ids=ids(GRADED_EXERCISES))
def test_every_graded_exercise_has_a_wrong_submission(chapter, grade_id):
    path = wrong_file(chapter, grade_id)
    assert path.exists(), f"missing {path.relative_to(ROOT)}: the source of the solution cell with a common mistake"
    wrong = path.read_text()
    ast.parse(wrong)
    ex = CHAPTERS[chapter].exercise(grade_id)
    assert wrong.strip() != ex.source.strip(), f"{path.name} is the reference solution"
    assert "NotImplementedError" not in wrong, f"{path.name} should be an attempt with a mistake, not the stub"


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if (WRONG / n).is_dir()])
def test_no_wrong_submission_for_an_exercise_that_is_gone(name):
    known = {e.grade_id for e in CHAPTERS[name].exercises}
    stale = [p.name for p in (WRONG / name).glob("*.py") if p.stem.removesuffix("--forbidden") not in known]
    assert not stale, f"tests/grading/{name}/ holds submissions for unknown exercises: {stale}"


def test_nbgrader_config_stops_hanging_cells():
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(gc.CONFIG.name, path=str(gc.CONFIG.parent)).load_config()
    assert 0 < cfg.JudgeExecute.timeout <= 600
    # the judge runs the notebook: nbgrader's own Execute, which runs the tests in the student's kernel, is gone
    steps = list(cfg.Autograde.autograde_preprocessors)
    assert steps[0] == "grading.judge_step.JudgeExecute" and not any("Execute" in str(p) for p in steps[1:]), steps
    assert "nbgrader.preprocessors.SaveAutoGrades" in steps
    assert "NotImplementedError" in cfg.ClearSolutions.code_stub["python"]


@pytest.mark.slow
def test_nbgrader_kernels_get_one_blas_thread_unless_told_otherwise(monkeypatch):
    """Submissions are graded several at once; threaded BLAS on a busy machine ran one chapter's
    cell past the 60 s cell timeout."""
    seen: list[dict[str, str]] = []

    def fake_run(cmd, cwd, env, **kwargs):
        seen.append(env)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(gc.subprocess, "run", fake_run)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    gc.nbgrader(["--version"], cwd=ROOT)
    assert {v: seen[-1].get(v) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")} == dict.fromkeys(
        ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")  # an instructor's own setting wins
    gc.nbgrader(["--version"], cwd=ROOT, env={"OMP_NUM_THREADS": "3"})
    assert seen[-1]["OPENBLAS_NUM_THREADS"] == "2" and seen[-1]["OMP_NUM_THREADS"] == "3"


# -- the nbgrader pipeline -------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_NAMES)
def test_reference_solutions_score_full_marks(graded, name):
    if not CHAPTERS[name].exercises:
        pytest.fail(f"{name} has no exercises")
    got = variant_points(graded, name, None)
    assert set(got) == set(CHAPTERS[name].graded_ids)
    lost = {g: s for g, s in got.items() if s[0] != s[1]}
    assert not lost, f"{name}: the reference solutions lose points in {lost}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_student_edition_as_released_scores_zero(graded, name):
    if not CHAPTERS[name].exercises:
        pytest.fail(f"{name} has no exercises")
    got = variant_points(graded, name, "released")
    assert set(got) == set(CHAPTERS[name].graded_ids), f"{name}: the released variant was not graded in full"
    scored = {g: s for g, s in got.items() if s[0] != 0}
    assert not scored, f"{name}: the student edition scores without any work in {scored}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_student_edition_has_no_solutions_and_no_hidden_tests(graded, name):
    ch = CHAPTERS[name]
    released = nbformat.read(graded.release[name], as_version=4)
    text = "\n".join(c.source for c in released.cells)
    for marker in (gc.BEGIN_SOLUTION, gc.END_SOLUTION, gc.BEGIN_HIDDEN, gc.END_HIDDEN):
        assert marker not in text, f"{name}: {marker!r} left in the student edition"
    # every line that only the solutions / hidden tests contain must be gone
    secret_blocks = [e.solution for e in ch.exercises if e.solution] + \
                    [t.hidden for e in ch.exercises for t in e.tests if t.hidden]
    secret_cells = {e.index for e in ch.exercises} | {t.index for e in ch.exercises for t in e.tests}
    public = {line.strip() for i, c in enumerate(ch.nb.cells) if i not in secret_cells for line in c.source.splitlines()}
    for e in ch.exercises:  # the parts of exercise cells outside the secret regions are public too
        public |= {line.strip() for line in gc.replace_solution(e.source, "").splitlines()} if e.solution is not None else set()
        for t in e.tests:
            public |= {line.strip() for line in t.visible.splitlines()}
    released_lines = {line.strip() for line in text.splitlines()}
    for block in secret_blocks:
        leaked = [line for line in block.splitlines()
                  if line.strip() and line.strip() not in public and line.strip() in released_lines]
        assert not leaked, f"{name}: the student edition contains solution or hidden-test lines: {leaked}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_student_edition_has_no_outputs_and_runs_up_to_the_exercises(graded, name):
    released = nbformat.read(graded.student_dir / student_edition.NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert "widgets" not in released.metadata
    for c in released.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"{name}: output left in\n{c.source[:200]}"
    # up to the first exercise the student edition is the chapter itself, which the reference run
    # executed (the variants' notebook starts with it): nothing fails there
    if CHAPTERS[name].exercises:
        first = min(e.index for e in CHAPTERS[name].exercises)
        source = [c.source for c in CHAPTERS[name].nb.cells[:first]]
        assert [c.source for c in released.cells[:first]] == source, \
            f"{name}: the student edition differs from the chapter before the first exercise"
        ran = graded.autograded("reference", variants_name(name))
        assert [c.source for c in ran.cells[:first]] == source
        failing = [c.source[:120] for c in ran.cells[:first] if c.cell_type == "code" and errors(c)]
        assert not failing, f"{name}: the chapter fails before the exercises in {failing}"


def test_student_edition_is_an_installable_binder_folder(graded):
    out = graded.student_dir
    for f in ["requirements.txt", "runtime.txt", "pyproject.toml", "README.md", "src/nnbook/__init__.py",
              "src/nnbook/exercises/__init__.py"]:
        assert (out / f).exists(), f"the student edition lacks {f}"
    assert "-e ." in (out / "requirements.txt").read_text().split("\n")
    assert sorted(p.stem for p in (out / student_edition.NOTEBOOKS).glob("*.ipynb")) == sorted(ALL_NAMES)
    assert not list(out.rglob("__pycache__"))


def test_student_edition_builds_the_nnbook_package(graded, tmp_path):
    """Binder installs the student edition's requirements.txt, whose `-e .` is the package in src/."""
    src = shutil.copytree(graded.student_dir, tmp_path / "student", ignore=shutil.ignore_patterns("*.ipynb", student_edition.NOTEBOOKS))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           str(src), "-w", str(tmp_path / "wheel")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("nnbook-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "nnbook/__init__.py" in names and "nnbook/exercises/__init__.py" in names
    # the release holds the key's answers on the visible tests' inputs, and nothing of the key itself
    assert "nnbook/exercises/expected/ch01.json" in names
    assert not [n for n in names if "key" in n.split("/")[-2:-1] or "nnbook_key" in n], names
    key_defs = set().union(*key_functions().values())
    # the released checkers (the library itself has what some exercises re-implement: their rules forbid it)
    released = "\n".join(p.read_text() for p in (graded.student_dir / "src" / "nnbook" / "exercises").rglob("*.py"))
    assert key_defs and not [d for d in key_defs if re.search(rf"^\s*(?:def|class) {d}\b", released, re.M)]
    assert "nnbook_key" not in "".join(p.read_text() for p in graded.student_dir.rglob("*.ipynb"))
    for name in CHAPTERS:  # every checker module a chapter imports is in the package
        for module in {m for e in CHAPTERS[name].exercises for t in e.tests
                       for m in re.findall(r"from nnbook\.exercises import ([\w, ]+)", t.source)}:
            for part in (p.strip() for p in module.split(",")):
                if re.fullmatch(r"ch\d\d", part):
                    assert f"nnbook/exercises/{part}.py" in names, f"{name} imports nnbook.exercises.{part}"


@pytest.mark.parametrize("chapter,grade_id", GRADED_EXERCISES, ids=ids(GRADED_EXERCISES))
def test_wrong_submission_loses_exactly_that_exercises_points(graded, chapter, grade_id):
    if not wrong_file(chapter, grade_id).exists():
        pytest.fail(f"no wrong submission {wrong_file(chapter, grade_id).relative_to(ROOT)}")
    ex = CHAPTERS[chapter].exercise(grade_id)
    got = variant_points(graded, chapter, f"wrong-{grade_id}")
    assert set(got) == set(CHAPTERS[chapter].graded_ids)
    for gid, (score, max_score) in got.items():
        if gid in ex.graded_ids:
            assert score == 0, f"the wrong {grade_id} still scores {score}/{max_score} in {gid}"
        else:
            assert score == max_score, f"the wrong {grade_id} also loses points in {gid}: {score}/{max_score}"


@pytest.mark.parametrize("chapter,grade_id", GRADED_EXERCISES, ids=ids(GRADED_EXERCISES))
def test_a_failed_check_shows_its_hint_and_raises_assertion_error(graded, chapter, grade_id):
    if not wrong_file(chapter, grade_id).exists():
        pytest.fail(f"no wrong submission {wrong_file(chapter, grade_id).relative_to(ROOT)}")
    ex = CHAPTERS[chapter].exercise(grade_id)
    cells = [variant_cell(graded, chapter, t.grade_id, f"wrong-{grade_id}") for t in ex.tests]
    failed = [c for c in cells if errors(c)]
    assert failed, f"no test cell of {grade_id} failed"
    for c in failed:
        assert errors(c) == ["AssertionError"], f"the test cell fails with {errors(c)}, not a failed check"
        text = output_text(c)
        assert "FAIL  " in text and "hint: " in text, f"no FAIL line with a hint in the output:\n{text}"


@pytest.mark.parametrize("chapter,grade_id", CONCEPTUAL, ids=ids(CONCEPTUAL))
def test_a_wrong_conceptual_answer_loses_its_points(graded, chapter, grade_id):
    ex = CHAPTERS[chapter].exercise(grade_id)
    got = variant_points(graded, chapter, f"wrong-{grade_id}")
    assert all(got[g][0] == 0 for g in ex.graded_ids)
    # the released test only records the choice: no comparison, and the right answer is not spelled out in it
    answers = [node.value.value for node in ast.walk(ast.parse(ex.solution or ""))
               if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)]
    released = nbformat.read(graded.release[chapter], as_version=4)
    for t in ex.tests:
        shown = cell(released, t.grade_id).source
        assert ".answer(" not in shown, f"the released test {t.grade_id} judges the choice"
        assert ".recorded(" in shown or not t.has_visible_tests
        for a in answers:
            assert repr(a) not in shown and f'"{a}"' not in shown, f"the test cell {t.grade_id} shows the answer {a!r}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_an_object_equal_to_everything_scores_zero(graded, name):
    if not CHAPTERS[name].exercises:
        pytest.fail(f"{name} has no exercises")
    got = variant_points(graded, name, "always-equal")
    assert set(got) == set(CHAPTERS[name].graded_ids)
    scored = {g: s for g, s in got.items() if s[0] != 0}
    assert not scored, f"{name}: returning an object whose __eq__ is always True scores in {scored}"
    # it failed on the object itself: the solution cells ran
    ran = {e.grade_id: variant_cell(graded, name, e.grade_id, "always-equal") for e in CHAPTERS[name].exercises}
    broken = {g: errors(c) for g, c in ran.items() if errors(c)}
    assert not broken, f"{name}: the always-equal solution cells did not run: {broken}"


# -- the exercises' rules (grading/rules.py; static checks in tests/test_grading_rules.py) ----

def rule_messages(c: nbformat.NotebookNode) -> list[str]:
    """The RuleViolation messages of a graded cell (its error, or a line on stderr)."""
    out = [o.evalue for o in c.get("outputs", []) if o.output_type == "error" and o.ename == "RuleViolation"]
    return out + [line for o in c.get("outputs", []) if o.output_type == "stream" and o.name == "stderr"
                  for line in o.text.splitlines() if line.startswith("RuleViolation: ")]


@pytest.mark.parametrize("chapter,grade_id", RULED, ids=ids(RULED))
def test_a_submission_breaking_the_rule_scores_zero_there_and_full_marks_elsewhere(graded, chapter, grade_id):
    if not forbidden_file(chapter, grade_id).exists():
        pytest.fail(f"no submission {forbidden_file(chapter, grade_id).relative_to(ROOT)} breaking the rule")
    ex = CHAPTERS[chapter].exercise(grade_id)
    got = variant_points(graded, chapter, f"forbidden-{grade_id}")
    assert set(got) == set(CHAPTERS[chapter].graded_ids)
    for gid, (score, max_score) in got.items():
        if gid in ex.graded_ids:
            assert score == 0, f"{grade_id} breaks its rule and still scores {score}/{max_score} in {gid}"
        else:
            assert score == max_score, f"breaking the rule of {grade_id} also loses points in {gid}: {score}/{max_score}"
    for t in ex.tests:  # every test cell says why, in the rule's words
        messages = rule_messages(variant_cell(graded, chapter, t.grade_id, f"forbidden-{grade_id}"))
        assert messages and all(VIOLATION.format(grade_id=grade_id) in m for m in messages), (t.grade_id, messages)
        assert gr.normalized(ALL_RULES[grade_id].sentence) in gr.normalized(messages[0])


@pytest.mark.parametrize("workaround", list(RULE_WORKAROUNDS))
def test_ways_around_a_rule_score_zero_on_that_exercise_only(graded, workaround):
    ex1, ex2, ex3 = CHAPTERS["fixture"].exercises
    got = points(graded, f"rule-{workaround}", "fixture")
    assert got[ex1.tests[0].grade_id][0] == 0, f"{workaround}: {RULE_WORKAROUNDS[workaround][0]!r} scores"
    assert got[ex2.tests[0].grade_id] == (2.0, 2.0) and got[ex3.tests[0].grade_id] == (1.0, 1.0)
    messages = rule_messages(cell(graded.autograded(f"rule-{workaround}", "fixture"), ex1.tests[0].grade_id))
    assert messages and VIOLATION.format(grade_id="fixture-ex1") in messages[0], messages
    assert "nnbook.functional.sigmoid" in messages[0]


def test_the_checks_and_the_chapter_may_use_what_an_exercise_forbids(graded):
    """fixture-ex1's hidden test and the chapter before it call nb.functional.sigmoid: full marks."""
    ex1 = CHAPTERS["fixture"].exercises[0]
    assert "nb.functional.sigmoid" in ex1.tests[0].hidden and "nb.functional.sigmoid" in CHAPTERS["fixture"].nb.cells[2].source
    assert variant_points(graded, "fixture", None)[ex1.tests[0].grade_id] == (2.0, 2.0)


# -- submissions that hang, raise, or edit the tests (on the fixture chapter) -------------------

def test_an_endless_loop_is_stopped_by_the_timeout_and_loses_only_its_exercise(graded):
    ex1, ex2, ex3 = CHAPTERS["fixture"].exercises
    got = points(graded, "loop", "fixture")
    assert got[ex1.tests[0].grade_id][0] == 0
    assert got[ex2.tests[0].grade_id] == (2.0, 2.0) and got[ex3.tests[0].grade_id] == (1.0, 1.0)
    c = cell(graded.autograded("loop", "fixture"), ex1.tests[0].grade_id)
    assert "CellTimeoutError" in errors(c), errors(c)
    # the whole run (three notebooks, one timeout) ended, and took far less than a hang would
    assert graded.seconds["adversarial"] < 300


def test_a_solution_cell_that_raises_loses_only_its_exercise(graded):
    ex1, ex2, ex3 = CHAPTERS["fixture"].exercises
    got = points(graded, "raises", "fixture")
    assert got[ex2.tests[0].grade_id][0] == 0
    assert got[ex1.tests[0].grade_id] == (2.0, 2.0) and got[ex3.tests[0].grade_id] == (1.0, 1.0)
    nb = graded.autograded("raises", "fixture")
    assert errors(cell(nb, ex2.grade_id)) == ["RuntimeError"]
    assert "NameError" in output_text(cell(nb, ex2.tests[0].grade_id))  # the hint names the missing function


def test_edited_or_deleted_test_cells_are_restored_from_the_source(graded):
    ex1, ex2, ex3 = CHAPTERS["fixture"].exercises
    got = points(graded, "tamper", "fixture")
    # ex1: wrong solution, its tests replaced by `pass`: graded by the original tests
    assert got[ex1.tests[0].grade_id][0] == 0
    nb = graded.autograded("tamper", "fixture")
    assert cell(nb, ex1.tests[0].grade_id).source == ex1.tests[0].source
    # ex3: right answer, its test cell deleted: put back, run, full marks
    assert got[ex3.tests[0].grade_id] == (1.0, 1.0)
    assert ex3.tests[0].source.splitlines()[-1] in cell(nb, ex3.tests[0].grade_id).source
    assert got[ex2.tests[0].grade_id] == (2.0, 2.0)


# -- make grade ------------------------------------------------------------------------------

def test_make_grade_writes_one_row_per_student_and_chapter(graded):
    result = graded.cli
    assert result["code"] == 0, result["stderr"]
    assert "my_homework.ipynb" in result["stderr"]  # reported as skipped
    rows = list(csv.DictReader(open(result["out"] / "grades.csv")))
    got = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"])) for r in rows}
    assert got == {("alice", "00_fixture"): (5.0, 5.0), ("bob", "00_fixture"): (3.0, 5.0)}


def test_make_grade_writes_one_row_per_student_and_exercise(graded):
    rows = list(csv.DictReader(open(graded.cli["out"] / "exercises.csv")))
    assert {r["submitted"] for r in rows} == {"yes"} and {r["chapter"] for r in rows} == {"00_fixture"}
    got = {(r["student_id"], r["exercise"]): (r["kind"], float(r["score"]), float(r["max_score"])) for r in rows}
    assert got == {
        ("alice", "fixture-ex1"): ("code", 2.0, 2.0), ("alice", "fixture-ex2"): ("code", 2.0, 2.0),
        ("alice", "fixture-ex3"): ("conceptual", 1.0, 1.0),
        ("bob", "fixture-ex1"): ("code", 2.0, 2.0), ("bob", "fixture-ex2"): ("code", 0.0, 2.0),
        ("bob", "fixture-ex3"): ("conceptual", 1.0, 1.0),
    }


def test_interactive_figures_draw_one_frame_while_autograding(tmp_path):
    """The kernel the judge starts (grading/judge.py's startup) draws one frame a figure."""
    from grading import judge, remote

    code = textwrap.dedent("""
        import matplotlib.pyplot as plt
        from nnbook import widgets
        calls = []
        def draw(a, b):
            calls.append((a, b))
            fig, ax = plt.subplots(figsize=(1, 1))
            ax.plot([0, a], [0, b])
            return fig
        fig = widgets.interactive(draw, a=[1, 2, 3], b=[0, 1])
        print(calls, len(fig.frames))
    """)
    kernel = remote.Kernel(tmp_path, timeout=60, startup=judge.startup(None))
    out: list = []
    try:
        status, _ = kernel.execute(code, outputs=out)
    finally:
        kernel.shutdown()
    assert status == "ok", out
    assert "".join(o.get("text", "") for o in out if o.output_type == "stream").strip() == "[(1, 0)] 6", out
