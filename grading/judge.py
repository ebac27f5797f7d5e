"""The judge: grade a submission from outside the kernel that runs it.

nbgrader's own autograde step runs the hidden tests in the student's kernel,
after the student's code, which can rewrite them (``E.Checks._fail = ...``),
or ``print``, ``AssertionError``, NumPy, or import the answer key. In the
course that ``make grade`` builds, the judge is that step instead
(``grading/judge_step.py`` puts it in the place of nbgrader's ``Execute``), and
each submission runs once:

- the submission's code cells run in a kernel of their own
  (:class:`grading.remote.Kernel`), whose environment has no answer key, and
  what they display becomes their outputs in the graded notebook;
- each test cell, with the text of the course's source (never the
  submission's), runs in the judge's process, where the key and the checkers
  are: the names it takes from the notebook (``sigmoid``, ``MyLinear``,
  ``answer``, ``rng``, ``kept``, ...) are read from the kernel as data, or are
  handles that run the student's code there and bring back only data
  (``grading/judge_wire.py``). The checks, their report and the exception that
  fails the cell all happen here;
- a test cell passes when it runs through here, and fails (an error output,
  which nbgrader scores 0) when it raises, when the kernel died, exited or hung
  before or during it, when a name it needs is not data or a handle, or when
  the code written for its exercise breaks the exercise's rule, as its source
  reads (``grading/judge_rules.py``) or as the rules guard in the kernel saw it
  called (``grading/nnbook_rules.py``).

nbgrader then files the scores from those outputs (``SaveAutoGrades``), and its
feedback shows them. The judge's report of every submission is also written
next to its graded notebook (``judge.json``).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
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
from grading.nnbook_rules import MODULE_NAME, fingerprint  # noqa: E402
from grading.remote import Kernel, KernelLost, error_output  # noqa: E402

KEY = ROOT / "grading" / "key"
STARTUP = "import nnbook.widgets; nnbook.widgets.settings.first_frame_only = True"


@dataclass
class Verdict:
    grade_id: str
    points: float
    score: float = 0.0
    report: str = ""
    error: tuple[str, str] | None = None  # why the cell failed: an exception's name and message


@dataclass
class Judgement:
    """The judge's scores of one submission, by test cell."""

    verdicts: dict[str, Verdict] = field(default_factory=dict)
    lost: str | None = None  # why the kernel stopped answering, if it did
    judged: set[str] = field(default_factory=set)  # the test cells judged so far


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


def run_test(kernel: Kernel, test: TestCell, tests_ns: dict) -> tuple[str, tuple[str, str] | None]:
    """Run the test cell's text here: (its report, None when it ran through, else its error's name and
    message). Its free names are those earlier test cells bound (``tests_ns``, e.g. ``checks``), else the
    kernel's; what it binds joins ``tests_ns``."""
    out = io.StringIO()
    error = None
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
        except KernelLost as exc:
            print(f"NOT GRADED  the notebook's kernel stopped: {exc}")
            raise
        except BaseException as exc:  # noqa: BLE001 - a failed check, or any error: the cell scores 0
            print("".join(traceback.format_exception_only(type(exc), exc)).rstrip())
            error = (type(exc).__name__, str(exc))
    return out.getvalue(), error


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

    def rule_problem(self, test: TestCell) -> tuple[str, str | None]:
        """The exercise this test cell is of, and why the code written for it breaks its rule, read from the
        source (None: it does not)."""
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
                return owner, f"{owner}: this exercise is to be solved without " \
                              f"{', '.join(rule['forbid'])} ({rule['sentence']}): {problem}"
        return owner, problem and f"{owner}: {problem}"


def judge_notebook(nb: nbformat.NotebookNode, source: nbformat.NotebookNode, table: dict, *,
                   timeout: float = 60.0, launcher=None, guard: Path | None = None,
                   cwd: Path | None = None) -> Judgement:
    """Run the submission ``nb`` in a kernel and judge its test cells (text from ``source``) here.

    ``nb``'s code cells get what they displayed as outputs, its test cells the judge's report (and an
    error output when they fail), so that nbgrader scores them as it scores cells it ran. ``guard``: the
    course folder whose ``nnbook_rules.py`` and ``rules.json`` the kernel starts with. ``cwd``: the
    kernel's working folder (nbgrader's ``autograded/<student>/<chapter>/``; default: a new one)."""
    tests = test_cells(source)
    result = Judgement({g: Verdict(g, t.points) for g, t in tests.items()})
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    walk = _Walk(table, code)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with contextlib.ExitStack() as stack:
        if cwd is None:
            cwd = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nnbook-judge-")))
        kernel = None
        try:
            try:
                kernel = Kernel(Path(cwd), timeout=timeout, startup=startup(guard), launcher=launcher)
            except Exception as exc:  # noqa: BLE001 - no kernel: nothing is graded, and the report says why
                raise KernelLost(f"the kernel did not start: {exc!r}") from exc
            count = 0
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                count += 1
                cell.execution_count = count
                gid = _test_id(cell, tests)
                if gid is not None:
                    if gid not in result.judged:
                        _judge_test(kernel, tests[gid], walk, result)
                    continue
                walk.student_cell(cell.source)
                kernel.execute(cell.source, outputs=cell.outputs)
            for gid in tests:  # test cells the submission deleted run at the end, as nbgrader puts them back
                if gid not in result.judged:
                    _judge_test(kernel, tests[gid], walk, result)
        except KernelLost as exc:
            result.lost = str(exc)
            for verdict in result.verdicts.values():
                if verdict.grade_id not in result.judged:
                    verdict.report = f"NOT GRADED  the notebook's kernel stopped before this test: {exc}"
                    verdict.error = ("KernelLost", str(exc))
        finally:
            if kernel is not None:
                kernel.shutdown()
    write_outputs(nb, result)
    return result


def test_cells(source: nbformat.NotebookNode) -> dict[str, TestCell]:
    """The autograded test cells of the chapter ``source``, by grade id."""
    chapter = parse_chapter(Path("chapter.ipynb"), source)
    return {t.grade_id: t for t in [*(t for ex in chapter.exercises for t in ex.tests), *chapter.orphan_tests]}


def _test_id(cell: nbformat.NotebookNode, tests: dict) -> str | None:
    """The grade id of ``cell`` if it is one of the test cells ``tests`` (None: the submission's own cell)."""
    meta = nbgrader_meta(cell)
    gid = meta.get("grade_id")
    return gid if cell.cell_type == "code" and gid in tests and meta.get("grade") and not meta.get("solution") else None


def write_outputs(nb: nbformat.NotebookNode, result: Judgement) -> None:
    """Each test cell of ``nb`` (the first, if the submission copied one) gets its verdict as its outputs."""
    done: set[str] = set()
    for cell in nb.cells:
        gid = _test_id(cell, result.verdicts)
        if gid is not None and gid not in done:
            done.add(gid)
            cell.outputs = verdict_outputs(result.verdicts[gid])


def startup(guard: Path | None) -> str:
    """What the grading kernel runs first: widgets drawn in their first frame only, and the rules guard."""
    lines = [STARTUP]
    if guard is not None and (guard / "rules.json").is_file() and (guard / "nnbook_rules.py").is_file():
        lines.append(
            "import importlib.util as _u; "
            f"_s = _u.spec_from_file_location({MODULE_NAME!r}, {str(guard / 'nnbook_rules.py')!r}); "
            f"_m = _u.module_from_spec(_s); __import__('sys').modules[{MODULE_NAME!r}] = _m; "
            f"_s.loader.exec_module(_m); _m.install(get_ipython(), {str(guard / 'rules.json')!r}); del _u, _s, _m")
    return "\n".join(lines)


def verdict_outputs(verdict: Verdict) -> list:
    """A test cell's outputs: the judge's report, then (when it failed) the error nbgrader scores 0."""
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=verdict.report)] if verdict.report else []
    if verdict.error is not None or verdict.score < verdict.points:  # nbgrader scores what has no error in full
        outputs.append(error_output(*(verdict.error or ("NotGraded", "the judge did not pass this test"))))
    return outputs


def _guard(kernel: Kernel, call: str) -> str | None:
    """Ask the rules guard in the kernel (``begin_tests(...)``, ``end_tests()``); its text, None if it has none.

    The guard is the submission's to break: what it says can only fail a cell (the rules are also read from
    the source here), and a guard that does not answer says nothing."""
    _, answer = kernel.execute("", silent=True, expressions={"v": f"__import__('sys').modules[{MODULE_NAME!r}].GUARD.{call}"})
    value = answer.get("v", {})
    if value.get("status") != "ok":
        return None
    try:
        text = ast.literal_eval(str(value.get("data", {}).get("text/plain", "None")))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if isinstance(text, str) else None


def _judge_test(kernel: Kernel, test: TestCell, walk: _Walk, result: Judgement) -> None:
    verdict = result.verdicts[test.grade_id]
    result.judged.add(test.grade_id)
    verdict.error = ("NotGraded", "the judge did not finish this test")  # until it has: a test fails by default
    owner, problem = walk.rule_problem(test)
    try:
        _guard(kernel, f"begin_tests({owner!r})")
        report, error = run_test(kernel, test, walk.tests_ns)
        seen = _guard(kernel, "end_tests()")
    except KernelLost as exc:
        verdict.report = f"NOT GRADED  the notebook's kernel stopped before this test: {exc}"
        verdict.error = ("KernelLost", str(exc))
        raise
    if problem is None and seen is not None:
        problem = seen
    if problem:
        report, error = report + f"RuleViolation: {problem}\n", ("RuleViolation", problem)
    verdict.score = 0.0 if error else test.points
    verdict.report, verdict.error = report, error


def use_key() -> None:
    """The judge's checks compare with the answer key: where it is (``NNBOOK_KEY``), and grading on."""
    os.environ.setdefault("NNBOOK_KEY", str(KEY))
    os.environ["NNBOOK_GRADING"] = "1"


def report(judgement: Judgement) -> dict:
    """The judge's report of a submission (``judge.json``)."""
    return {"lost": judgement.lost,
            "tests": {g: {"score": v.score, "points": v.points, "report": v.report,
                          "error": list(v.error) if v.error else None} for g, v in judgement.verdicts.items()}}
