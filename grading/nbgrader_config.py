"""nbgrader configuration of the nnbook course.

`make student` and `make grade` copy this file into the course directory they
build (``_build/nbgrader``, ``_build/grading``), where nbgrader reads it; an
instructor running an nbgrader course from the book can use it as is.

Environment variables (set by the Makefile from ``TIMEOUT=...``):

NNBOOK_CELL_TIMEOUT
    Seconds one cell may run during autograding (default 60). A chapter runs
    in under 30 s in total, so only a submission that hangs (an endless loop,
    a training loop that never converges) reaches it: nbgrader then interrupts
    the kernel, records a ``CellTimeoutError`` in that cell, and goes on with
    the next cell, so only the exercise that hangs loses its points.
NNBOOK_SANDBOX
    The path of ``grading/sandbox.py`` (set by ``make grade``): every grading
    kernel then runs in its sandbox (a scratch folder, no network, limits).
NNBOOK_SANDBOX_ALLOW
    Paths (``os.pathsep``-separated) the sandboxed kernels may read besides,
    read-only: ``make grade`` grants the answer key (``NNBOOK_KEY``).
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nnbook"

# -- student edition (nbgrader generate_assignment) ------------------------------
# What replaces the code between ### BEGIN SOLUTION and ### END SOLUTION.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# -- autograding ------------------------------------------------------------------
c.Execute.timeout = int(os.environ.get("NNBOOK_CELL_TIMEOUT", "60"))
c.Execute.interrupt_on_timeout = True
# Test cells are restored from the source (OverwriteCells, on by default), so an
# edited test does not count; a deleted test cell is put back and run as well.
# Note that nbgrader gives a test cell zero when it prints to stderr (e.g. a
# warning), not only when it raises: the reference solutions must stay quiet.
c.OverwriteCells.add_missing_cells = True
# Nobody looks at the interactive figures while grading: the kernels nbgrader starts
# draw only the first frame of each (nnbook.widgets.settings), so a chapter grades in
# seconds (nbclient still adds its --HistoryManager.hist_file=:memory:).
_startup = ["import nnbook.widgets; nnbook.widgets.settings.first_frame_only = True"]

# -- the exercises' rules (grading/rules.py) ----------------------------------------
# The course directory holds the guard (nnbook_rules.py, from grading/) and its table
# (rules.json, written by grading/course.py); every grading kernel starts with them
# loaded, so that a submission using what its exercise forbids scores 0 there.
from pathlib import Path as _Path  # noqa: E402

_here = _Path(__file__).resolve().parent
if (_here / "rules.json").is_file() and (_here / "nnbook_rules.py").is_file():
    _startup.append(
        "import importlib.util as _u; "
        f"_s = _u.spec_from_file_location('_nnbook_rules', {str(_here / 'nnbook_rules.py')!r}); "
        "_m = _u.module_from_spec(_s); __import__('sys').modules['_nnbook_rules'] = _m; "
        f"_s.loader.exec_module(_m); _m.install(get_ipython(), {str(_here / 'rules.json')!r}); del _u, _s, _m"
    )
# one exec_lines value: the statements, in order, on one line
c.Execute.extra_arguments = ["--IPKernelApp.exec_lines=" + "; ".join(_startup)]

# -- the sandbox (grading/sandbox.py) -------------------------------------------------
# `make grade` names the sandbox's file in NNBOOK_SANDBOX: every grading kernel then runs
# in a scratch copy of its folder, sees only it, Python, the venv and nnbook (read-only),
# has no network, and limits on CPU time, memory, processes and file size. The guard's
# two files are granted; NNBOOK_SANDBOX_ALLOW adds paths (e.g. the answer key).
# A sandbox asked for and not set up stops nbgrader (SystemExit is not caught as a config error).
if os.environ.get("NNBOOK_SANDBOX"):
    import importlib.util as _u
    import sys as _sys

    try:
        _s = _u.spec_from_file_location("nnbook_sandbox", os.environ["NNBOOK_SANDBOX"])
        _sandbox = _u.module_from_spec(_s)
        _sys.modules["nnbook_sandbox"] = _sandbox
        _s.loader.exec_module(_sandbox)
        _sandbox.configure_nbgrader(c, allow=[p for p in (_here / "nnbook_rules.py", _here / "rules.json") if p.is_file()])
    except Exception as _e:
        raise SystemExit(f"nbgrader_config.py: the sandbox {os.environ['NNBOOK_SANDBOX']} failed: {_e!r}") from _e
