"""nbgrader configuration of the nnbook course.

`make student` and `make grade` copy this file into the course directory they
build (``_build/nbgrader``, ``_build/grading``), where nbgrader reads it; an
instructor running an nbgrader course from the book can use it as is.

Environment variables (set by the Makefile from ``TIMEOUT=...``):

NNBOOK_CELL_TIMEOUT
    Seconds one cell, or one call of a test into the submission, may run
    during autograding (default 60). A chapter runs in under 30 s in total,
    so only a submission that hangs (an endless loop, a training loop that
    never converges) reaches it: the judge then interrupts the kernel,
    records a ``CellTimeoutError`` in that cell, and goes on with the next
    cell, so only the exercise that hangs loses its points.
NNBOOK_ROOT
    The nnbook repository, whose ``grading`` package autograding runs (set by
    ``grading/course.py``).
NNBOOK_SANDBOX
    The path of ``grading/sandbox.py`` (set by ``make grade``): the grading
    kernel then runs in its sandbox (a scratch folder, no network, limits).
NNBOOK_SANDBOX_ALLOW
    Paths (``os.pathsep``-separated) the sandboxed kernel may read besides,
    read-only (``make grade`` grants nothing more).
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nnbook"

# -- student edition (nbgrader generate_assignment) ------------------------------
# What replaces the code between ### BEGIN SOLUTION and ### END SOLUTION.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# -- autograding ------------------------------------------------------------------
# Test cells are restored from the source (OverwriteCells, on by default), so an
# edited test does not count; a deleted test cell is put back and run as well.
c.OverwriteCells.add_missing_cells = True
# The judge (grading/judge_step.py, grading/judge.py) takes the place of nbgrader's
# Execute: the submission's cells run once, in a kernel that holds no answer key, and
# the test cells run outside it, where the submission cannot rewrite them; each test
# cell gets the judge's report as its output, with an error when it fails, from which
# nbgrader's SaveAutoGrades files the scores as it would for cells it ran. Nobody looks
# at the interactive figures while grading: the kernel draws only the first frame of
# each (nnbook.widgets.settings). The course folder holds the rules guard
# (nnbook_rules.py, from grading/) and its table (rules.json, written by
# grading/course.py), which the kernel starts with. The judge needs the nnbook
# repository's grading package: NNBOOK_ROOT names the repository (grading/course.py
# sets it), else the folder above this one (this file in grading/) or two above (a
# course in _build/ of a checkout).
import sys as _sys  # noqa: E402
from pathlib import Path as _Path  # noqa: E402

_here = _Path(__file__).resolve().parent
_candidates = [_Path(os.environ["NNBOOK_ROOT"])] if os.environ.get("NNBOOK_ROOT") else [_here.parent, _here.parent.parent]
_root = next((r for r in _candidates if (r / "grading" / "judge_step.py").is_file()), None)
if _root is None:
    raise SystemExit(f"nbgrader_config.py: no nnbook repository in {', '.join(map(str, _candidates))} "
                     "(set NNBOOK_ROOT): autograding needs its judge, grading/judge_step.py")
if str(_root) not in _sys.path:
    _sys.path.insert(0, str(_root))
c.Autograde.autograde_preprocessors = [
    "grading.judge_step.JudgeExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.JudgeExecute.timeout = int(os.environ.get("NNBOOK_CELL_TIMEOUT", "60"))
c.JudgeExecute.course = str(_here)
# Note that nbgrader gives a test cell zero when its output has an error or stderr:
# the judge writes the report of a passing test cell to stdout only.

# -- the sandbox (grading/sandbox.py) -------------------------------------------------
# `make grade` sets NNBOOK_SANDBOX: the judge's kernel then runs in a scratch folder,
# sees only it, Python, the venv and nnbook (read-only), the judge's wire module and the
# rules guard, has no network, and limits on CPU time, memory, processes and file size;
# NNBOOK_SANDBOX_ALLOW adds paths (grading/judge_step.py's launcher).
