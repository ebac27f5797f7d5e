"""The judge as nbgrader's execution step: each submission runs once, and nbgrader files what the judge decided.

``nbgrader_config.py`` puts :class:`JudgeExecute` where ``nbgrader autograde``
has its ``Execute`` preprocessor. nbgrader still does everything else: it
restores the test cells from the source (``OverwriteCells``), limits the
outputs, files the scores in the gradebook from the outputs
(``SaveAutoGrades``: a test cell with an error output scores 0, one without
scores its points), and writes the feedback. What runs the notebook, and
decides, is the judge (``grading/judge.py``): the submission's cells in a
kernel that holds no key, the test cells outside it.

Settings (``nbgrader_config.py`` sets them from the environment):

``JudgeExecute.timeout``
    seconds one cell, or one call into the submission, may run
    (``NNBOOK_CELL_TIMEOUT``, 60).
``JudgeExecute.course``
    the course folder (its ``source/``, ``rules.json``, ``nnbook_rules.py``);
    default: the folder nbgrader runs in.
``NNBOOK_SANDBOX`` (environment)
    set by ``make grade``: the kernel runs in the sandbox
    (``grading/sandbox.py``), which grants it the judge's wire module, the
    rules guard and ``NNBOOK_SANDBOX_ALLOW``'s paths, nothing else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from grading import judge


class JudgeExecute(NbGraderPreprocessor):
    """Run a submission with the judge: its cells' outputs, and the test cells' verdicts as their outputs."""

    timeout = Integer(60, help="seconds a cell, or a call into the submission, may run "
                               "(nbgrader_config.py sets it from NNBOOK_CELL_TIMEOUT)").tag(config=True)
    course = Unicode("", help="the course folder (default: the current folder)").tag(config=True)

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        info = resources["nbgrader"]
        root = Path(self.course or os.getcwd()).resolve()
        name, student = info["notebook"], info["student"]
        source = nbformat.read(root / "source" / info["assignment"] / f"{name}.ipynb", as_version=4)
        table_path = root / "rules.json"
        table = json.loads(table_path.read_text()) if table_path.is_file() else {}
        judge.use_key()
        folder = root / "autograded" / student / info["assignment"]  # where nbgrader's kernel would work
        folder.mkdir(parents=True, exist_ok=True)
        try:
            judgement = judge.judge_notebook(nb, source, table, timeout=self.timeout, launcher=launcher(root),
                                             guard=root, cwd=folder)
        except Exception as exc:  # noqa: BLE001 - a submission the judge cannot run scores 0, and says why
            judgement = not_graded(nb, source, f"the judge failed: {exc!r}")
        (folder / "judge.json").write_text(json.dumps(judge.report(judgement), indent=1))
        got = sum(v.score for v in judgement.verdicts.values())
        total = sum(v.points for v in judgement.verdicts.values())
        self.log.info("judged %s/%s: %g of %g%s", student, name, got, total,
                      f" (kernel stopped: {judgement.lost})" if judgement.lost else "")
        return nb, resources


def not_graded(nb: nbformat.NotebookNode, source: nbformat.NotebookNode, why: str) -> judge.Judgement:
    """Every test cell fails, saying ``why`` (the notebook's test cells get that as their output)."""
    judgement = judge.Judgement({g: judge.Verdict(g, t.points, report=f"NOT GRADED  {why}\n", error=("NotGraded", why))
                                 for g, t in judge.test_cells(source).items()}, lost=why)
    judge.write_outputs(nb, judgement)
    return judgement


def launcher(root: Path):
    """The sandbox's kernel launcher when ``make grade`` asks for it (``NNBOOK_SANDBOX``), else None."""
    if not os.environ.get("NNBOOK_SANDBOX"):
        return None
    from grading import remote, sandbox

    extra = [p for p in os.environ.get("NNBOOK_SANDBOX_ALLOW", "").split(os.pathsep) if p]
    guard = [p for p in (root / "nnbook_rules.py", root / "rules.json") if p.is_file()]
    return sandbox.launcher(allow=[remote.WIRE, *guard, *extra])
