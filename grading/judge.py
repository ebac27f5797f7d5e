"""The judge: grade a submission from outside the kernel that runs it.

    python -m grading.judge COURSE [--timeout 60]

nbgrader runs the hidden tests in the student's kernel, after the student's
code, which can rewrite them (``E.Checks._fail = ...``), or ``print``,
``AssertionError``, NumPy, or import the answer key. The judge runs every
autograded submission of the course ``COURSE`` once more:

- the submission's code cells run in a kernel of their own
  (:class:`grading.remote.Kernel`), whose environment has no answer key;
- each test cell, with the text of the course's source (never the
  submission's), runs in the judge's process, where the key and the checkers
  are: the names it takes from the notebook (``sigmoid``, ``MyLinear``,
  ``answer``, ``rng``, ``kept``, ...) are read from the kernel as data, or are
  handles that run the student's code there and bring back only data
  (``grading/judge_wire.py``). The checks, their report and the exception that
  fails the cell all happen here;
- a test cell scores its points when it runs through here, 0 when it raises,
  when the kernel died, exited or hung before or during it, when a name it
  needs is not data or a handle, or when the code written for its exercise
  breaks the exercise's rule as its source reads (``grading/judge_rules.py``).

Each test cell's score in nbgrader's gradebook becomes the lower of nbgrader's
and the judge's, so the rules guard and the timeouts of the nbgrader run still
count, and nothing done in the student's kernel can raise a score; ``nbgrader
export`` and ``grading/grade.py``'s tables then report the judge's points. The
judge's report of every submission is written next to its autograded notebook
(``judge.json``) and appended to the output of each test cell.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import io
import json
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402

from grading import judge_rules  # noqa: E402
from grading.course import ROOT, TestCell, nbgrader_meta, parse_chapter  # noqa: E402
from grading.nnbook_rules import fingerprint  # noqa: E402
from grading.remote import Kernel, KernelLost  # noqa: E402

KEY = ROOT / "grading" / "key"
STARTUP = "import nnbook.widgets; nnbook.widgets.settings.first_frame_only = True"


@dataclass
class Verdict:
    grade_id: str
    points: float
    score: float = 0.0
    report: str = ""


@dataclass
class Judgement:
    """The judge's scores of one submission, by test cell."""

    verdicts: dict[str, Verdict] = field(default_factory=dict)
    lost: str | None = None  # why the kernel stopped answering, if it did

    def scores(self) -> dict[str, float]:
        return {g: v.score for g, v in self.verdicts.items()}


# -- one test cell, in the judge ------------------------------------------------------------------

def free_names(tree: ast.Module) -> list[str]:
    """The names a test cell reads that it does not bind itself (nor are built-ins), in order."""
    bound: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            bound.add(n.name)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
    out: list[str] = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound \
                and not hasattr(builtins, n.id) and n.id not in out:
            out.append(n.id)
    return out


def _bind_imports(tree: ast.Module, grade_id: str, tests_ns: dict) -> None:
    """Run only the top-level imports of a test cell (the book's text) and keep what they bind in ``tests_ns``."""
    imports = ast.Module([n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))], type_ignores=[])
    namespace: dict = {"__name__": "__nnbook_judge__", "__builtins__": builtins}
    exec(compile(imports, f"<imports of test cell {grade_id}>", "exec"), namespace)  # noqa: S102 - the book's text
    tests_ns.update({k: v for k, v in namespace.items() if not k.startswith("__")})


def run_test(kernel: Kernel, test: TestCell, tests_ns: dict) -> tuple[bool, str]:
    """Run the test cell's text here: (ran through, its report). Its free names are those earlier test
    cells bound (``tests_ns``, e.g. ``checks``), else the kernel's; what it binds joins ``tests_ns``."""
    out = io.StringIO()
    ok = False
    with contextlib.redirect_stdout(out):
        try:
            tree = ast.parse(test.source)
            namespace: dict = {"__name__": "__nnbook_judge__", "__builtins__": builtins}
            fetched = [name for name in free_names(tree) if name not in tests_ns]
            try:
                for name in free_names(tree):
                    namespace[name] = tests_ns[name] if name in tests_ns else kernel.get(name)
            except NameError:
                # the cell scores 0, but what it imports (``checks``, the chapter's checkers) is there for the
                # later test cells, as in a kernel where the cell failed after its imports
                _bind_imports(tree, test.grade_id, tests_ns)
                raise
            try:
                exec(compile(tree, f"<test cell {test.grade_id}>", "exec"), namespace)  # noqa: S102 - the book's text
            finally:
                tests_ns.update({k: v for k, v in namespace.items() if not k.startswith("__") and k not in fetched})
            ok = True
        except KernelLost as exc:
            print(f"NOT GRADED  the notebook's kernel stopped: {exc}")
            raise
        except BaseException as exc:  # noqa: BLE001 - a failed check, or any error: the cell scores 0
            print("".join(traceback.format_exception_only(type(exc), exc)).rstrip())
    return ok, out.getvalue()


# -- one submission ----------------------------------------------------------------------------------

@dataclass
class _Walk:
    """Where the walk through a submission is: the code written since the last test cell, by exercise."""

    table: dict
    every: list[str]
    tests_ns: dict = field(default_factory=dict)  # the names the test cells bound (they share them, as in a kernel)
    earlier: list[str] = field(default_factory=list)
    window: list[str] = field(default_factory=list)
    before: dict[str, list[str]] = field(default_factory=dict)
    last: str | None = None

    def student_cell(self, source: str) -> None:
        if fingerprint(source) not in self.table.get("cells", {}):
            self.window.append(source)

    def rule_problem(self, test: TestCell) -> str | None:
        """Why the code written for this test cell's exercise breaks its rule, read from the source."""
        owner = (self.table.get("cells", {}).get(fingerprint(test.source)) or {}).get("tests") or test.grade_id
        if self.last != owner:
            self.before[owner] = []
        self.before[owner].extend(self.window)
        written, self.window, self.last = self.before[owner], [], owner
        earlier = [s for s in self.earlier if s not in written]
        self.earlier.extend(s for s in written if s not in self.earlier)
        problem = judge_rules.names_the_key(written)
        rule = self.table.get("rules", {}).get(owner)
        if problem is None and rule:
            problem = judge_rules.violation(written, earlier, self.every, list(rule["forbid"]))
            if problem:
                return f"RuleViolation: {owner}: this exercise is to be solved without " \
                       f"{', '.join(rule['forbid'])} ({rule['sentence']}): {problem}"
        return problem and f"RuleViolation: {owner}: {problem}"


def judge_notebook(nb: nbformat.NotebookNode, source: nbformat.NotebookNode, table: dict, *,
                   timeout: float = 60.0, launcher=None) -> Judgement:
    """Run the submission ``nb`` in a kernel and judge its test cells (text from ``source``) here."""
    chapter = parse_chapter(Path("chapter.ipynb"), source)
    tests = {t.grade_id: t for ex in chapter.exercises for t in ex.tests}
    tests.update({t.grade_id: t for t in chapter.orphan_tests})
    result = Judgement({g: Verdict(g, t.points) for g, t in tests.items()})
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    walk = _Walk(table, code)
    with tempfile.TemporaryDirectory(prefix="nnbook-judge-") as cwd:
        kernel = Kernel(Path(cwd), timeout=timeout, startup=STARTUP, launcher=launcher)
        try:
            done: set[str] = set()
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                meta = nbgrader_meta(cell)
                gid = meta.get("grade_id")
                if gid in tests and meta.get("grade") and not meta.get("solution"):
                    if gid not in done:
                        done.add(gid)
                        _judge_test(kernel, tests[gid], walk, result)
                    continue
                walk.student_cell(cell.source)
                kernel.execute(cell.source)
            for gid in tests:  # test cells the submission deleted run at the end, as nbgrader puts them back
                if gid not in done:
                    _judge_test(kernel, tests[gid], walk, result)
        except KernelLost as exc:
            result.lost = str(exc)
            for verdict in result.verdicts.values():
                if not verdict.report:
                    verdict.report = f"NOT GRADED  the notebook's kernel stopped before this test: {exc}"
        finally:
            kernel.shutdown()
    return result


def _judge_test(kernel: Kernel, test: TestCell, walk: _Walk, result: Judgement) -> None:
    verdict = result.verdicts[test.grade_id]
    problem = walk.rule_problem(test)
    try:
        ok, report = run_test(kernel, test, walk.tests_ns)
    except KernelLost as exc:
        verdict.report = f"NOT GRADED  the notebook's kernel stopped before this test: {exc}"
        raise
    if problem:
        ok, report = False, report + problem + "\n"
    verdict.score = test.points if ok else 0.0
    verdict.report = report


# -- a course ---------------------------------------------------------------------------------------

def use_key() -> None:
    os.environ.setdefault("NNBOOK_KEY", str(KEY))
    os.environ["NNBOOK_GRADING"] = "1"


def judge_course(root: Path, *, timeout: float = 60.0, student: str = "*", assignment: str = "*",
                 launcher=None) -> dict[tuple[str, str], Judgement]:
    """Judge every autograded submission of the nbgrader course ``root`` and lower its gradebook scores
    to the judge's; returns the judgements by (student, assignment)."""
    use_key()
    root = Path(root).resolve()
    table_path = root / "rules.json"
    table = json.loads(table_path.read_text()) if table_path.is_file() else {}
    out: dict[tuple[str, str], Judgement] = {}
    for path in sorted((root / "submitted").glob(f"{student}/{assignment}/*.ipynb")):
        who, name = path.parent.parent.name, path.parent.name
        if path.stem != name or not (root / "source" / name / f"{name}.ipynb").is_file():
            continue
        source = nbformat.read(root / "source" / name / f"{name}.ipynb", as_version=4)
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - an unreadable notebook scores 0
            nb, lost = nbformat.v4.new_notebook(), f"the notebook cannot be read: {exc}"
        else:
            lost = None
        held = _hold(root, who, name)  # nbgrader's scores, 0 in the gradebook until the judge has spoken
        try:
            judgement = judge_notebook(nb, source, table, timeout=timeout, launcher=launcher)
        except Exception as exc:  # noqa: BLE001 - a submission the judge cannot run scores 0, and says why
            chapter = parse_chapter(Path(f"{name}.ipynb"), source)
            judgement = Judgement({t.grade_id: Verdict(t.grade_id, t.points, report=f"NOT GRADED  {exc!r}")
                                   for ex in chapter.exercises for t in ex.tests}, lost=f"the judge failed: {exc!r}")
        judgement.lost = judgement.lost or lost
        out[(who, name)] = judgement
        _record(root, who, name, judgement, held)
    return out


def _gradebook(root: Path):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{root / 'gradebook.db'}", "nnbook")


def _hold(root: Path, student: str, name: str) -> dict[str, float]:
    """nbgrader's automatic scores of a submission, set to 0 meanwhile (a judge that stops halfway leaves 0)."""
    held: dict[str, float] = {}
    with _gradebook(root) as gb:
        try:
            nbsub = gb.find_submission_notebook(name, name, student)
        except Exception:  # noqa: BLE001 - nbgrader did not record it: nothing to hold
            return held
        for grade in nbsub.grades:
            if grade.manual_score is None and grade.auto_score is not None:
                held[grade.name] = float(grade.auto_score)
                grade.auto_score = 0.0
        gb.db.commit()
    return held


def _record(root: Path, student: str, name: str, judgement: Judgement, held: dict[str, float]) -> None:
    """The judge's scores into the gradebook (the lower of nbgrader's, ``held``, and the judge's), its report
    on disk and in the graded notebook."""
    from nbgrader.api import MissingEntry

    graded = root / "autograded" / student / name
    graded.mkdir(parents=True, exist_ok=True)
    (graded / "judge.json").write_text(json.dumps(
        {"lost": judgement.lost, "tests": {g: {"score": v.score, "points": v.points, "report": v.report}
                                           for g, v in judgement.verdicts.items()}}, indent=1))
    with _gradebook(root) as gb:
        for gid, verdict in judgement.verdicts.items():
            try:
                grade = gb.find_grade(gid, name, name, student)
            except MissingEntry:
                continue
            if grade.manual_score is None and gid in held:
                grade.auto_score = min(held[gid], verdict.score)
        gb.db.commit()
    notebook = graded / f"{name}.ipynb"
    if notebook.is_file():
        nb = nbformat.read(notebook, as_version=4)
        for cell in nb.cells:
            verdict = judgement.verdicts.get(nbgrader_meta(cell).get("grade_id", ""))
            if verdict is not None and cell.cell_type == "code":
                cell.setdefault("outputs", []).append(nbformat.v4.new_output(
                    "stream", name="stdout", text=f"\n-- graded by the judge: {verdict.score:g} of {verdict.points:g} "
                                                  f"points --\n{verdict.report}"))
        nbformat.write(nb, notebook)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("course", type=Path, help="the nbgrader course directory, after nbgrader autograde")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("NNBOOK_CELL_TIMEOUT", "60")))
    parser.add_argument("--student", default="*")
    parser.add_argument("--assignment", default="*")
    args = parser.parse_args(argv)
    launcher = None
    if os.environ.get("NNBOOK_SANDBOX"):  # make grade: the judge's kernels in the sandbox too, granted only the wire
        from grading import remote, sandbox

        launcher = sandbox.launcher(allow=[remote.WIRE])
    judged = judge_course(args.course, timeout=args.timeout, student=args.student, assignment=args.assignment,
                          launcher=launcher)
    for (student, name), j in judged.items():
        got = sum(v.score for v in j.verdicts.values())
        total = sum(v.points for v in j.verdicts.values())
        print(f"judged {student}/{name}: {got:g} of {total:g}" + (f" (kernel stopped: {j.lost})" if j.lost else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
