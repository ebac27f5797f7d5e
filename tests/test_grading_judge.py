"""Submissions that attack the grading from inside their own kernel score 0 on what they did not solve.

Each exploit in ``tests/grading/exploits/<name>.py`` is the source of a
solution cell (the first one of the chapter unless said otherwise) in a
submission whose other exercises are left as the student edition has them
(``raise NotImplementedError()``). They are graded by ``python -m
grading.grade`` (what ``make grade`` runs) as a class, on a book of two
chapters: the fixture chapter and chapter 6, *Backpropagation* (the issue's
17-of-17 example). In nbgrader's own execution step, which runs the tests in
the student's kernel, each exploit works; the judge (``grading/judge.py``),
which takes that step's place, runs the tests outside it, so the tables show 0
for every exercise not solved. The reference solutions of
both chapters still score full marks through the same pipeline (every chapter's
reference solutions are graded, judge included, by ``tests/test_grading.py``).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading import course as gc  # noqa: E402

pytestmark = pytest.mark.slow

EXPLOITS = ROOT / "tests" / "grading" / "exploits"
FIXTURE = ROOT / "tests" / "grading" / "fixture" / "fixture.ipynb"
BACKPROP = ROOT / "book" / "06_backprop.ipynb"
CHAPTERS = {"00_fixture": FIXTURE, "06_backprop": BACKPROP}

#: student: {chapter: (exploit, the solution cells it replaces)}; the rest of the chapter as released
CLASS = {
    "patch-checks": {"00_fixture": ("patch-checks", ["fixture-ex1"]), "06_backprop": ("patch-checks", ["ch06-ex1"])},
    "patch-builtins": {"00_fixture": ("patch-builtins", ["fixture-ex1"])},
    "fake-report": {"00_fixture": ("fake-report", ["fixture-ex1"]), "06_backprop": ("fake-report", ["ch06-ex1"])},
    "os-exit": {"00_fixture": ("os-exit", ["fixture-ex1"])},
    "sys-exit": {"00_fixture": ("sys-exit", ["fixture-ex1"])},
    "key": {"06_backprop": ("key", ["ch06-ex1", "ch06-ex2", "ch06-ex3"])},
    "subclass": {"06_backprop": ("subclass", ["ch06-ex1"])},
}
#: the exercises an exploit's submission solves for real (it keeps their points): none but the subclass's,
#: which works but breaks its exercise's rule (so it scores 0 there too)
SOLVED: dict[str, set[str]] = {}
#: a first solution cell that fails before it defines its name
BROKEN = "def sigmoid(z)\n    return 1 / (1 + np.exp(-z))\n"


def released(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Every solution of ``nb`` as the student edition has it."""
    out = nb
    for ex in gc.parse_chapter(Path("x.ipynb"), nb).exercises:
        if ex.cell_type == "code" and ex.solution is not None:
            out = gc.with_cell_source(out, ex.grade_id, gc.replace_solution(ex.source, "raise NotImplementedError()"))
    return out


def exploit_source(name: str) -> str:
    return (EXPLOITS / f"{name}.py").read_text().replace("{ROOT}", str(ROOT))


def submission(chapter: str, exploit: str, cells: list[str]) -> nbformat.NotebookNode:
    nb = released(nbformat.read(CHAPTERS[chapter], as_version=4))
    for grade_id in cells:
        nb = gc.with_cell_source(nb, grade_id, exploit_source(exploit))
    return nb


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("judge")
    book, subs = tmp / "book", tmp / "submissions"
    book.mkdir()
    for name, path in CHAPTERS.items():
        (book / f"{name}.ipynb").write_text(path.read_text())
    for student, chapters in CLASS.items():
        (subs / student).mkdir(parents=True)
        for chapter, (exploit, cells) in chapters.items():
            nbformat.write(submission(chapter, exploit, cells), subs / student / f"{chapter}.ipynb")
    (subs / "reference").mkdir()
    for name, path in CHAPTERS.items():
        (subs / "reference" / f"{name}.ipynb").write_text(path.read_text())
    (subs / "broken-first").mkdir()  # the first solution does not even parse; the others are the reference
    nbformat.write(gc.with_cell_source(nbformat.read(FIXTURE, as_version=4), "fixture-ex1", BROKEN),
                   subs / "broken-first" / "00_fixture.ipynb")
    out = tmp / "grades"
    proc = subprocess.run([sys.executable, "-m", "grading.grade", str(subs), "--out", str(out),
                           "--course", str(tmp / "course"), "--book", str(book), "--timeout", "30", "--feedback"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert (out / "exercises.csv").is_file(), proc.stdout + proc.stderr
    with open(out / "exercises.csv") as f:
        rows = list(csv.DictReader(f))
    return {"rows": rows, "course": tmp / "course", "proc": proc}


def scores(tables: dict, student: str, chapter: str) -> dict[str, tuple[float, float]]:
    got = {r["exercise"]: (float(r["score"] or 0), float(r["max_score"])) for r in tables["rows"]
           if r["student_id"] == student and r["chapter"] == chapter}
    assert got, f"{student} has no grades for {chapter}"
    return got


@pytest.mark.parametrize("student,chapter", [(s, c) for s, chs in CLASS.items() for c in chs])
def test_an_exploit_scores_zero_on_what_it_did_not_solve(tables, student, chapter):
    got = scores(tables, student, chapter)
    scored = {ex: s for ex, s in got.items() if s[0] != 0 and ex not in SOLVED.get(student, set())}
    assert not scored, f"{student} ({EXPLOITS / CLASS[student][chapter][0]}.py) scores in {chapter}: {scored}"


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_the_reference_solutions_score_full_marks_through_the_judge(tables, chapter):
    got = scores(tables, "reference", chapter)
    lost = {ex: s for ex, s in got.items() if s[0] != s[1]}
    assert not lost, f"the reference solutions of {chapter} lose points: {lost}"


def test_the_subclass_of_a_forbidden_class_is_named_by_the_judge(tables):
    """The guard in the kernel is switched off by the submission; the judge reads the rule from the source."""
    report = (tables["course"] / "autograded" / "subclass" / "06_backprop" / "judge.json").read_text()
    assert "ch06-ex1: this exercise is to be solved without nnbook.Linear" in report, report


def test_the_key_is_not_in_the_judged_kernel(tables):
    report = (tables["course"] / "autograded" / "key" / "06_backprop" / "judge.json").read_text()
    assert "answer key" in report, report


def test_a_kernel_that_exits_loses_every_test_after(tables):
    report = (tables["course"] / "autograded" / "os-exit" / "00_fixture" / "judge.json").read_text()
    assert "kernel" in report and "stopped" in report, report


def test_a_broken_first_cell_costs_only_its_own_exercise(tables):
    """The first test cell also imports the checks: it scores 0 when its name is missing, the later cells still run."""
    got = scores(tables, "broken-first", "00_fixture")
    assert got["fixture-ex1"][0] == 0, got
    lost = {ex: s for ex, s in got.items() if ex != "fixture-ex1" and s[0] != s[1]}
    assert not lost, f"a syntax error in Exercise 1 cost other exercises: {lost}"



def feedback(tables: dict, student: str, chapter: str) -> str:
    path = tables["course"] / "feedback" / student / chapter / f"{chapter}.html"
    assert path.is_file(), f"no feedback for {student}/{chapter}: {tables['proc'].stdout[-2000:]}"
    return path.read_text()


def test_the_feedback_shows_the_judges_report_and_score(tables):
    """nbgrader's feedback is written from the outputs the judge gave the cells: its checks' lines, its score."""
    html = feedback(tables, "reference", "00_fixture")
    assert "PASS  sigmoid(0)" in html and "Exercise 1: more cases: all 2 checks passed." in html
    assert "Score: 5.0 / 5.0" in html, "the reference's score is not in its feedback"
    patched = feedback(tables, "patch-checks", "00_fixture")
    assert "FAIL" in patched, "the exploit's feedback shows no failed check"
    assert "Score: 0.0 / 5.0" in patched, "the exploit's feedback does not show its score of 0"

# -- the rules guard in the judged kernel ------------------------------------------------------------

FIXTURE_RULE = {"fixture-ex1": "Do not call `nb.functional.sigmoid`"}


@pytest.mark.parametrize("guarded", [True, False], ids=["guard", "no-guard"])
def test_the_guard_in_the_kernel_fails_a_call_the_source_reading_misses(tmp_path, monkeypatch, guarded):
    """The judge asks the kernel's rules guard what the submission called while a test cell's checks ran.
    With the static reading switched off (a route it does not see), the guard alone fails the cell; without
    the guard, the same submission passes: the zero is the guard's doing."""
    from grading import judge, judge_rules
    from grading import rules as gr

    source = nbformat.read(FIXTURE, as_version=4)
    rules = {g: gr.Rule(("nnbook.functional.sigmoid",), s) for g, s in FIXTURE_RULE.items()}
    table = gr.table([("00_fixture", source)], rules)
    (tmp_path / "rules.json").write_text(__import__("json").dumps(table))
    (tmp_path / "nnbook_rules.py").write_text((ROOT / "grading" / "nnbook_rules.py").read_text())
    monkeypatch.setattr(judge_rules, "violation", lambda *args, **kwargs: None)
    forbidden = (ROOT / "tests" / "grading" / "fixture" / "fixture-ex1--forbidden.py").read_text()
    nb = gc.with_cell_source(source, "fixture-ex1", forbidden)
    result = judge.judge_notebook(nb, source, table, timeout=30, guard=tmp_path if guarded else None)
    verdict = result.verdicts["fixture-ex1-tests"]
    others = {g: v.score for g, v in result.verdicts.items() if g != "fixture-ex1-tests"}
    assert others == {"fixture-ex2-tests": 2.0, "fixture-ex3-tests": 1.0}, result
    if guarded:
        assert verdict.score == 0 and verdict.error and verdict.error[0] == "RuleViolation", verdict
        assert "fixture-ex1: this exercise is to be solved without nnbook.functional.sigmoid" in verdict.error[1]
        assert "your code called nnbook.functional.sigmoid" in verdict.error[1], verdict.error
        test_cell = nb.cells[gc.find_cell(nb, "fixture-ex1-tests")]
        assert [o.ename for o in test_cell.outputs if o.output_type == "error"] == ["RuleViolation"]
    else:
        assert verdict.score == 2.0 and verdict.error is None, verdict


def test_a_kernel_that_does_not_start_fails_every_test_cell_and_says_why(tmp_path):
    """The judge's step must not stop nbgrader: with no kernel, each test cell gets an error output."""
    from grading import judge

    def broken_launcher(km, **kwargs):
        raise OSError("no kernel here")

    source = nbformat.read(FIXTURE, as_version=4)
    nb = nbformat.read(FIXTURE, as_version=4)
    result = judge.judge_notebook(nb, source, {}, timeout=10, launcher=broken_launcher)
    assert result.lost and "the kernel did not start" in result.lost and "no kernel here" in result.lost
    assert {g: v.score for g, v in result.verdicts.items()} == {g: 0.0 for g in result.verdicts}
    for g in result.verdicts:
        outputs = nb.cells[gc.find_cell(nb, g)].outputs
        assert [o.ename for o in outputs if o.output_type == "error"] == ["KernelLost"], (g, outputs)


@pytest.mark.parametrize("attack", [
    "sys.modules['_nnbook_rules'].GUARD.end_tests = lambda: os._exit(0)",    # the kernel dies after the checks
    "sys.modules['_nnbook_rules'].GUARD.begin_tests = lambda e: os._exit(0)",  # ... or before them
])
def test_a_kernel_that_dies_when_the_judge_asks_its_guard_scores_zero_there(tmp_path, attack):
    """nbgrader scores a test cell without an error output in full: a failed or unfinished test always has one."""
    from nbgrader.utils import determine_grade

    from grading import judge
    from grading import rules as gr

    source = nbformat.read(FIXTURE, as_version=4)
    rules = {g: gr.Rule(("nnbook.functional.sigmoid",), s) for g, s in FIXTURE_RULE.items()}
    table = gr.table([("00_fixture", source)], rules)
    (tmp_path / "rules.json").write_text(__import__("json").dumps(table))
    (tmp_path / "nnbook_rules.py").write_text((ROOT / "grading" / "nnbook_rules.py").read_text())
    wrong = f"import os, sys\n{attack}\n\ndef sigmoid(z):\n    return 0.5 + 0 * np.asarray(z, dtype=float)\n"
    nb = gc.with_cell_source(source, "fixture-ex1", wrong)
    result = judge.judge_notebook(nb, source, table, timeout=30, guard=tmp_path)
    assert result.lost, result
    for g in result.verdicts:
        cell = nb.cells[gc.find_cell(nb, g)]
        assert determine_grade(cell)[0] == 0, (g, cell.outputs)


def test_a_kernel_that_starts_but_cannot_load_the_wire_is_shut_down(tmp_path, monkeypatch):
    """A failed start leaves no kernel running and no exchange folder behind, and says what failed."""
    import jupyter_client

    from grading import remote

    made: list = []

    class Recording(jupyter_client.KernelManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(jupyter_client, "KernelManager", Recording)
    folders: list = []
    real_mkdtemp = remote.tempfile.mkdtemp
    monkeypatch.setattr(remote.tempfile, "mkdtemp", lambda **kw: folders.append(real_mkdtemp(**kw)) or folders[-1])
    with pytest.raises(RuntimeError, match="ValueError: no wire today"):
        remote.Kernel(tmp_path, timeout=30, startup="raise ValueError('no wire today')")
    assert len(made) == 1 and not made[0].is_alive()
    assert len(folders) == 1 and not Path(folders[0]).exists()
